import type { BrowserContext, Page } from '@playwright/test';
import { buildLicenceId, parseLicenceId } from '../../shared/ids';
import type { SandboxHolder } from '../../shared/library-api';
import {
  closeCounter,
  fullHolder,
  grantsFor,
  gunScan,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  setFaults,
  startCase,
  storedCase,
  takePaper,
  usageRecordsOf,
} from './counter-helpers';
import { fileObjectionFromPage, licenceIdsOf, listedStates, resolveObjection, sandboxObjections, waitForCachedReference } from './offline-helpers';
import { expect, signOut, test } from './workstation';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let holder: SandboxHolder;
let licences: string[];

test.beforeAll(async ({ browser, workstation }) => {
  // The first sign-in is online: it leaves the host the verifier that lets clerk01 in offline.
  ({ context, page } = await openCounter(browser, workstation));
  holder = await fullHolder(workstation);
  licences = await licenceIdsOf(workstation, holder);
  expect(licences.length).toBeGreaterThanOrEqual(2);
  await waitForCachedReference(page, 'trust');
});
test.afterAll(async ({ workstation }) => {
  await setFaults(workstation, { down: false, errorRate: 0, latencyMs: 0 });
  await closeCounter(context, workstation);
});

async function signInAgain(): Promise<void> {
  await signOut(page);
  await page.getByPlaceholder('请输入工号').fill('clerk01');
  await page.getByPlaceholder('请输入密码').fill('demo');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('operator')).toBeVisible();
}

test('library down: offline sign-in, a case on paper, three objections; back up: all arrive once, states update, the catch-up flags the case', async ({
  workstation,
}) => {
  test.setTimeout(150_000);
  await setFaults(workstation, { down: true });
  await signInAgain();
  await expect(page.getByTestId('offline-sign-in')).toContainText('离线登录');
  await expect(page.getByTestId('counter-page')).toBeVisible();

  // The token is verified offline from the cached trust list; the redeem cannot reach the library.
  const caseNo = await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  for (const materialId of MATTERS.idCard.materials) {
    await expect(materialCard(page, materialId)).toHaveAttribute('data-state', 'failed');
    await takePaper(page, materialId, '证照库暂时无法连接');
  }
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'queued');
  // The purged case keeps the holder's name apart, for the catch-up's duty grant alone.
  const stored = (await storedCase(page, caseNo)) as { kept: unknown; catchUpHolder?: { name: string } };
  expect(stored.catchUpHolder?.name).toBe(holder.name);
  expect(JSON.stringify(stored.kept)).not.toContain(holder.name);

  await page.getByRole('menuitem', { name: '异议核查' }).click();
  await expect(page.getByTestId('objections-page')).toBeVisible();
  const filed = [
    { licenceId: licences[0]!, field: 'address', recorded: '浦东新区世纪大道 1 号', claimed: '浦东新区世纪大道 100 号', description: '门牌号记载有误' },
    { licenceId: licences[1]!, dimension: 'completeness', field: 'householdNumber', recorded: '', claimed: '310115000123', description: '户号缺失' },
    {
      licenceId: licences[0]!,
      dimension: 'timeliness',
      field: 'validPeriod',
      recorded: '2016.01.01-2026.01.01',
      claimed: '2026.01.01-2046.01.01',
      description: '已换领，有效期未更新',
    },
  ];
  for (const objection of filed) await fileObjectionFromPage(page, objection);
  await expect.poll(async () => Object.values(await listedStates(page))).toEqual(['queued', 'queued', 'queued']);
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '4');
  expect(await sandboxObjections(workstation)).toEqual([]);

  await setFaults(workstation, { down: false });
  await expect.poll(async () => Object.values(await listedStates(page)), { timeout: 40_000 }).toEqual(['received', 'received', 'received']);
  const ids = Object.keys(await listedStates(page));
  const arrived = await sandboxObjections(workstation);
  expect(arrived.map((o) => o.id).sort()).toEqual([...ids].sort());
  expect(arrived.every((o) => o.evidence.length === 1 && o.filedBy.operatorId !== '')).toBe(true);

  // The usage record went once, with no grant; the paper case is flagged by the catch-up.
  await expect.poll(async () => (await usageRecordsOf(workstation, caseNo)).length, { timeout: 30_000 }).toBe(1);
  const [record] = await usageRecordsOf(workstation, caseNo);
  expect(record!.grantId).toBeNull();
  expect(record!.materials.map((m) => m.paperReason)).toEqual(['library_unreachable', 'library_unreachable']);
  await expect(page.getByTestId('catch-up-banner')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('catch-up-show').click();
  await expect(page.getByTestId('catch-up-table')).toContainText(caseNo);
  // The re-check's duty grant named the holder as read from the 亮证码, not a made-up name; with
  // the answer in, the workstation no longer keeps the name.
  const [grant, ...others] = await grantsFor(workstation, `${caseNo}-CU`);
  expect(others).toEqual([]);
  expect(grant).toMatchObject({
    basis: 'duty',
    matterCode: MATTERS.idCard.code,
    holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
  });
  expect(await storedCase(page, caseNo)).not.toHaveProperty('catchUpHolder');
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0');

  // The issuer answers through the sandbox: one corrected, one rejected.
  await page.keyboard.press('Escape');
  await resolveObjection(workstation, ids[0]!, 'corrected', '已核实并更正');
  await resolveObjection(workstation, ids[1]!, 'rejected', '经核实原记载无误');
  await page.getByTestId('objection-poll').click();
  await expect.poll(async () => (await listedStates(page))[ids[0]!]).toBe('corrected');
  expect((await listedStates(page))[ids[1]!]).toBe('rejected');
  await expect(page.getByTestId(`objection-answer-${ids[0]}`)).toHaveText('已核实并更正');
  await expect(page.getByTestId(`objection-answer-${ids[1]}`)).toHaveText('经核实原记载无误');
  await expect(page.getByTestId(`objection-new-licence-${ids[0]}`)).toContainText('1.2.156.3005.2.');
});

test('a refused objection needs attention with the library message, is edited and then delivered once', async ({ workstation }) => {
  const parts = parseLicenceId(licences[0]!)!;
  const unknown = buildLicenceId({ ...parts, serial: 'E2E404404', version: '001' });
  await fileObjectionFromPage(page, { licenceId: unknown, field: 'name', recorded: '张三', claimed: '张叁', description: '姓名用字有误' });
  const before = await listedStates(page);
  const id = Object.keys(before).find((key) => before[key] === 'needs_attention' || before[key] === 'queued' || before[key] === 'sending');
  expect(id).toBeDefined();
  await expect(page.getByTestId(`objection-state-${id}`)).toHaveAttribute('data-state', 'needs_attention', { timeout: 20_000 });
  await expect(page.getByTestId(`objection-error-${id}`)).not.toBeEmpty();
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '1');

  await page.getByTestId(`objection-edit-${id}`).click();
  const dialog = page.getByTestId('objection-dialog');
  await expect(dialog.getByTestId('objection-licence-id')).toHaveValue(unknown);
  await dialog.getByTestId('objection-licence-id').fill(licences[1]!);
  await dialog.getByTestId('objection-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`objection-state-${id}`)).toHaveAttribute('data-state', 'received', { timeout: 20_000 });
  const arrived = (await sandboxObjections(workstation)).filter((o) => o.id === id);
  expect(arrived.map((o) => o.licenceId)).toEqual([licences[1]]);
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0');
});

test('from the licence viewer: licence, issuer, field and recorded value prefilled; delivered with them', async ({ workstation }) => {
  await page.getByTestId('nav').getByRole('menuitem', { name: '窗口办件' }).click();
  await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'exempt', { timeout: 30_000 });
  const licenceId = await materialCard(page, 'M01').getByTestId('licence-row').first().getAttribute('data-licence');
  await materialCard(page, 'M01').getByTestId('view-licence').first().click();
  await expect(page.getByTestId('licence-viewer')).toBeVisible();
  const fieldKey = await page.getByTestId('licence-viewer-fields').locator('tbody tr').first().getAttribute('data-field');
  const shown = (await page.getByTestId('licence-viewer-fields').locator('tbody tr').first().locator('td').first().textContent())!.trim();

  await page.getByTestId('objection-from-viewer').getByRole('button', { name: '提出异议' }).click();
  const dialog = page.getByTestId('objection-dialog');
  await expect(dialog.getByTestId('objection-licence-id')).toHaveValue(licenceId!);
  await expect(dialog.getByTestId('objection-issuer')).toContainText(parseLicenceId(licenceId!)!.issuerCode);
  await expect(dialog.getByTestId('objection-recorded')).toHaveValue(shown);
  await dialog.getByTestId('objection-claimed').fill(`${shown}（更正）`);
  await dialog.getByTestId('objection-description').fill('照面信息与申请人出示的原件不一致');
  await dialog.getByTestId('objection-submit').click();
  await expect(dialog).toBeHidden();

  await expect
    .poll(
      async () =>
        (await sandboxObjections(workstation)).filter((o) => o.licenceId === licenceId && o.description === '照面信息与申请人出示的原件不一致').length,
      { timeout: 20_000 },
    )
    .toBe(1);
  const [arrived] = (await sandboxObjections(workstation)).filter((o) => o.description === '照面信息与申请人出示的原件不一致');
  expect(arrived!.fields).toEqual([{ key: fieldKey, recorded: shown, claimed: `${shown}（更正）` }]);
  expect(arrived!.holder?.idNumber).toBe(holder.idNumber);
  await page.keyboard.press('Escape');
});
