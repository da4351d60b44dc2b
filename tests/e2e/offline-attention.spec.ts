import type { BrowserContext, Page } from '@playwright/test';
import type { SandboxHolder, UsageRecordRequest } from '../../shared/library-api';
import { closeCounter, fullHolder, MATTERS, openCounter, usageRecordsOf } from './counter-helpers';
import { licenceIdsOf, outboxRow, readStore, seedUsageRecord, waitForCachedReference } from './offline-helpers';
import { expect, test } from './workstation';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let holder: SandboxHolder;
let licenceId: string;

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
  holder = await fullHolder(workstation);
  const licences = await licenceIdsOf(workstation, holder);
  expect(licences.length).toBeGreaterThan(0);
  licenceId = licences[0]!;
  await waitForCachedReference(page, 'matters');
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

async function choose(testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).click();
}

async function editedEvents(): Promise<unknown[]> {
  const events = await readStore<{ kind: string; details: { state?: string } }[]>(page, 'auditEvents');
  return events.filter((e) => e.kind === 'usage_record' && e.details.state === 'edited').map((e) => e.details);
}

test('a usage record the library refuses needs attention with its message, is corrected in 待发送 and arrives exactly once', async ({ workstation }) => {
  // A case served offline from a usage list the library has since withdrawn: its record names a
  // matter the library no longer has, which it refuses with 404 NOT_FOUND.
  const withdrawn = '310000-GA-SFZ-099';
  const caseNo = 'WSDEMO01-20261126-0042';
  const key = `usage-record:${caseNo}:20261126011000000`;
  const record: UsageRecordRequest = {
    caseNo,
    matterCode: withdrawn,
    grantId: null,
    holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
    operatorId: 'OP-PD-0101',
    workstationId: 'WS-DEMO-01',
    completedAt: '2026-11-26T01:20:00Z',
    training: true,
    materials: [
      { materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
      { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
    ],
  };
  await seedUsageRecord(page, record, key);
  await page.reload();

  // Sent at start, refused: it needs attention, with the library's sentence, and is counted as unsent.
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '1');
  await expect.poll(async () => (await outboxRow(page, key))?.state, { timeout: 20_000 }).toBe('needs_attention');
  await page.getByTestId('outbox-badge').click();
  const drawer = page.getByTestId('outbox-drawer');
  await expect(drawer.getByTestId(`outbox-state-${key}`)).toHaveAttribute('data-state', 'needs_attention');
  await expect(drawer.getByTestId(`outbox-item-${key}`)).toContainText(caseNo);
  await expect(drawer.getByTestId(`outbox-error-${key}`)).toContainText(`事项 ${withdrawn} 不存在，请核对后重试`);
  await expect(drawer.getByTestId(`outbox-attempts-${key}`)).toHaveText('1');
  await expect(drawer.getByTestId('outbox-summary')).toContainText('需要处理 1 项');
  expect(await usageRecordsOf(workstation, caseNo)).toEqual([]);

  // The clerk corrects it. Bad input first: an exemption without its licence, and the matter
  // still the withdrawn one. Both are said in Chinese and nothing is saved.
  await drawer.getByTestId(`outbox-edit-${key}`).click();
  const dialog = page.getByTestId('usage-edit-dialog');
  await expect(dialog.getByTestId('usage-edit-case')).toHaveText(caseNo);
  await expect(dialog.getByTestId('usage-edit-refusal')).toContainText(`事项 ${withdrawn} 不存在`);
  await choose('usage-edit-outcome-M01', '免交（电子证照）');
  await dialog.getByTestId('usage-edit-save').click();
  const problems = dialog.getByTestId('usage-edit-problems');
  await expect(problems).toContainText('材料 M01 记为免交时，须填写所用电子证照的证照标识');
  await expect(problems).toContainText(`本机事项目录中没有事项 ${withdrawn}`);
  expect(await outboxRow(page, key)).toMatchObject({ state: 'needs_attention', payload: record });
  expect(await editedEvents()).toEqual([]);

  // What was typed stays while it is corrected; the problems clear as they are fixed.
  await dialog.getByTestId('usage-edit-licence-M01').fill(licenceId);
  await expect(problems).not.toContainText('M01');
  await choose('usage-edit-matter', MATTERS.idCard.code);
  await expect(problems).toBeHidden();
  await dialog.getByTestId('usage-edit-save').click();
  await expect(dialog).toBeHidden();

  // Resent with the same key: delivered, gone from the list and the badge, at the library once.
  await expect.poll(async () => (await outboxRow(page, key))?.state, { timeout: 20_000 }).toBe('delivered');
  await expect(drawer.getByTestId(`outbox-item-${key}`)).toHaveCount(0);
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0');
  const arrived = await usageRecordsOf(workstation, caseNo);
  expect(arrived).toHaveLength(1);
  expect(arrived[0]).toMatchObject({
    matterCode: MATTERS.idCard.code,
    holder: record.holder,
    completedAt: record.completedAt,
    materials: [
      { materialId: 'M01', outcome: 'exempt', licenceId, paperReason: null },
      { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
    ],
  });
  // The correction is in the audit chain, with what changed and the refusal it answers.
  const [edited, ...more] = (await editedEvents()) as { key: string; refusal: string; changes: { field: string }[] }[];
  expect(more).toEqual([]);
  expect(edited).toMatchObject({ key, refusal: `事项 ${withdrawn} 不存在，请核对后重试` });
  expect(edited!.changes.map((c) => c.field)).toEqual(['matterCode', 'materials.M01.outcome', 'materials.M01.licenceId', 'materials.M01.paperReason']);

  // A later drain sends nothing again.
  await page.reload();
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0');
  expect(await usageRecordsOf(workstation, caseNo)).toHaveLength(1);
});
