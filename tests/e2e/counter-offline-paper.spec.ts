import type { BrowserContext, Page } from '@playwright/test';
import type { SandboxHolder } from '../../shared/library-api';
import { objectionRows } from '../../renderer/features/objections/objections';
import {
  closeCounter,
  choosePaperReason,
  fullHolder,
  grantsFor,
  gunScan,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  paperReasonChosen,
  PNG_PAGE,
  setFaults,
  startCase,
  storedCase,
} from './counter-helpers';
import { licenceIdsOf, waitForCachedReference } from './offline-helpers';
import { writeObjectionRows } from './objection-seed';
import { expect, test } from './workstation';

// An applicant who shows a 亮证码 while the library is unreachable: what the counter preselects,
// says and prints, what it counts as pending, and what the Art. 11 catch-up does afterwards.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let holder: SandboxHolder;
let licences: string[];

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
  holder = await fullHolder(workstation);
  licences = await licenceIdsOf(workstation, holder);
  // The 亮证码 is checked on the workstation against the cached trust list while offline.
  await waitForCachedReference(page, 'trust');
});
test.afterAll(async ({ workstation }) => {
  await setFaults(workstation, { down: false });
  await closeCounter(context, workstation);
});

/** Opens the paper dialog of a material, checks what it preselected, optionally picks another reason, adds a page and saves. */
async function paperFor(materialId: string, preselected: string, chosen = preselected): Promise<void> {
  await materialCard(page, materialId).getByTestId('take-paper').click();
  const dialog = page.getByTestId('paper-dialog');
  await expect(dialog).toBeVisible();
  await expect(paperReasonChosen(page)).toHaveText(preselected);
  if (chosen !== preselected) await choosePaperReason(page, chosen);
  await dialog.getByTestId('paper-file-input').setInputFiles({ name: `${materialId}.png`, mimeType: 'image/png', buffer: PNG_PAGE });
  await expect(dialog.getByTestId('paper-pages').locator('li')).toHaveCount(1);
  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden();
  await expect(materialCard(page, materialId)).toHaveAttribute('data-state', 'paper_scanned');
}

test('offline with a 亮证码: 证照库暂时无法连接 preselected and said on the panel and the receipt; only usage records counted as 待上报; the catch-up re-checks every material the library was not asked about', async ({
  workstation,
}) => {
  test.setTimeout(120_000);
  await setFaults(workstation, { down: true });
  const caseNo = await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  for (const id of MATTERS.idCard.materials) await expect(materialCard(page, id)).toHaveAttribute('data-state', 'failed');

  // The holder panel says why there is no grant: the library, not the holder's phone.
  const panel = page.getByTestId('holder-panel');
  await expect(panel).toContainText('授权方式：未取得授权：证照库暂时无法连接');
  await expect(panel).not.toContainText('证照库中没有此材料对应的电子证照');

  // The applicant showed a 亮证码: the dialog preselects the library's outage, not 无手机.
  await paperFor('M01', '证照库暂时无法连接');
  // The clerk picks another reason all the same for the second material.
  await paperFor('M02', '证照库暂时无法连接', '无手机/无法出示亮证码');

  // An objection is queued beside the case's usage record.
  const at = new Date();
  await writeObjectionRows(page, [
    objectionRows(
      {
        id: `E2E-COUNT-${at.getTime()}`,
        licenceId: licences[0]!,
        dimension: 'accuracy',
        fields: [{ key: 'address', recorded: '世纪大道 1 号', claimed: '世纪大道 100 号' }],
        description: '门牌号记载有误',
        filedBy: { operatorId: 'OP-PD-0101', role: 'clerk' },
        filedAt: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        evidence: [{ name: '证明.png', contentType: 'image/png', data: PNG_PAGE.toString('base64') }],
      },
      at.toISOString(),
    ),
  ]);

  await page.keyboard.press('Alt+KeyC');
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toBeVisible();
  await expect(receipt).toContainText('未取得授权：证照库暂时无法连接');
  await expect(receipt).not.toContainText('证照库中没有此材料对应的电子证照');
  // Everything is on paper already: the record waits for the library, and the receipt says so
  // without advising paper (the failure's own "…或改用纸质材料").
  const record = receipt.getByTestId('usage-record-state');
  await expect(record).toHaveAttribute('data-state', 'queued');
  await expect(record).toContainText('本件材料均已收取纸质材料', { timeout: 20_000 });
  await expect(record).not.toContainText('改用纸质材料');

  // The counter counts its usage record; the header's badge counts the objection too.
  await expect(page.getByTestId('pending-records')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('pending-records')).toHaveText('待上报用证记录 1 条');
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '2');

  // The case knows the library was unreachable for both materials, whatever reason was chosen.
  const stored = (await storedCase(page, caseNo)) as {
    kept: { noGrant?: unknown; materials: { materialId: string; libraryUnreachable?: boolean; record: { paperReason: string } }[] };
    catchUpHolder?: { name: string };
  };
  expect(stored.kept.noGrant).toEqual({ cause: 'library_unreachable', holderFrom: 'token' });
  expect(stored.kept.materials.map((m) => [m.materialId, m.record.paperReason, m.libraryUnreachable])).toEqual([
    ['M01', 'library_unreachable', true],
    ['M02', 'no_phone', true],
  ]);
  expect(stored.catchUpHolder?.name).toBe(holder.name);

  // Back online: the catch-up asks about both, and finds the licence the 无手机 paper stood for.
  await setFaults(workstation, { down: false });
  await expect(page.getByTestId('catch-up-banner')).toBeVisible({ timeout: 40_000 });
  expect(await grantsFor(workstation, `${caseNo}-CU`)).toHaveLength(1);
  await page.getByTestId('catch-up-show').click();
  const row = page.getByTestId('catch-up-table').locator('tr', { hasText: caseNo });
  await expect(row).toContainText('居民户口簿');
  await expect(row).toContainText('申请人有效身份证件');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pending-records')).toHaveCount(0, { timeout: 20_000 });
});

test('offline without a phone: no grant because of the library, said so, and 证照库暂时无法连接 preselected', async ({ workstation }) => {
  await setFaults(workstation, { down: true });
  await startCase(page, MATTERS.idCard);
  await page.keyboard.press('Alt+KeyD');
  const dialog = page.getByTestId('duty-dialog');
  await expect(dialog.getByTestId('duty-id-number')).toBeFocused();
  await dialog.getByTestId('duty-id-number').fill(holder.idNumber);
  await dialog.getByTestId('duty-name').fill(holder.name);
  await dialog.getByTestId('duty-basis').fill('《上海市电子证照管理办法》第二十二条');
  await dialog.getByTestId('duty-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '老年人不便使用电子证照' }).click();
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toBeHidden();
  await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('holder-panel')).toContainText('未取得授权：证照库暂时无法连接（无手机办理）');
  await materialCard(page, 'M01').getByTestId('take-paper').click();
  await expect(paperReasonChosen(page)).toHaveText('证照库暂时无法连接');
  await page.getByTestId('paper-dialog').getByTestId('paper-cancel').click();
  await setFaults(workstation, { down: false });
});
