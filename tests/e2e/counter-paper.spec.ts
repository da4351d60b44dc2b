import type { BrowserContext, Page } from '@playwright/test';
import {
  closeCounter,
  EDGE,
  gunScan,
  holderByNote,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  paperReasonChosen,
  PNG_PAGE,
  setFaults,
  startCase,
  takePaper,
  usageRecordsOf,
  waitForPulls,
} from './counter-helpers';
import { expect, test, type RunningWorkstation } from './workstation';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

/** Completes the case from the keyboard and returns what the library received for it. */
async function completeAndCheck(ws: RunningWorkstation, caseNo: string, expected: Record<string, [string, string | null]>): Promise<void> {
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  const lines = page.getByTestId('receipt-line');
  await expect(lines).toHaveCount(Object.keys(expected).length);
  for (const [materialId, [outcome]] of Object.entries(expected)) {
    await expect(lines.and(page.locator(`[data-material="${materialId}"]`))).toHaveAttribute('data-outcome', outcome);
  }
  await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered', { timeout: 20_000 });
  const [record] = await usageRecordsOf(ws, caseNo);
  expect(Object.fromEntries(record!.materials.map((m) => [m.materialId, [m.outcome, m.paperReason]]))).toEqual(expected);
}

test('paper for a licence that failed verification, and for a valid one the applicant prefers on paper', async ({ workstation }) => {
  const holder = await holderByNote(workstation, EDGE.tampered);
  const caseNo = await startCase(page, MATTERS.divorce);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await waitForPulls(page);
  await expect(materialCard(page, 'M02')).toHaveAttribute('data-state', 'failed');

  await takePaper(page, 'M02', '电子证照核验未通过');
  await expect(materialCard(page, 'M02').getByTestId('paper-pages')).toContainText('电子证照核验未通过');

  // The clerk sets a verified licence aside, with a reason, then takes it on paper.
  await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'exempt');
  await materialCard(page, 'M03').getByTestId('override').click();
  const override = page.getByTestId('override-dialog');
  await override.getByTestId('override-save').click();
  await expect(override).toContainText('请填写更正理由');
  await override.getByTestId('override-reason').fill('申请人要求以纸质结婚证办理');
  await override.getByTestId('override-save').click();
  await expect(override).toBeHidden();
  await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'needs_paper');
  await takePaper(page, 'M03', '申请人选择提交纸质材料');

  await completeAndCheck(workstation, caseNo, { M01: ['exempt', null], M02: ['paper', 'verification_failed'], M03: ['paper', 'applicant_choice'] });
  await expect(page.getByTestId('receipt')).toContainText('纸质材料原因：电子证照核验未通过');
});

test('paper for a licence not yet in the library; a reason that is not true of it is refused', async ({ workstation }) => {
  const holder = await holderByNote(workstation, EDGE.notInLibrary);
  const caseNo = await startCase(page, MATTERS.divorce);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await waitForPulls(page);

  // The clerk goes for the reason at once, while the dialog is still opening: once open, the
  // dialog must not take the focus from the reason the clerk is choosing.
  await materialCard(page, 'M03').getByTestId('take-paper').click();
  const dialog = page.getByTestId('paper-dialog');
  // Forced, so that it lands during the opening animation (Playwright would wait for the end).
  // A forced click on a dialog still sliding in can miss: then it is clicked again.
  const wrongReason = dialog.getByTestId('paper-reason').locator('.el-radio', { hasText: '电子证照核验未通过' });
  await expect(async () => {
    await wrongReason.click({ force: true });
    await expect(paperReasonChosen(page)).toHaveText('电子证照核验未通过', { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  // Once the dialog has finished opening, the focus is still on the reason the clerk chose.
  await expect(dialog.getByTestId('paper-import')).toBeVisible();
  await page.waitForTimeout(800);
  await expect(dialog.getByTestId('paper-reason').locator('input:focus')).toHaveCount(1);
  // "Verification failed" is not what happened to a licence the library does not hold.
  await dialog.getByTestId('paper-file-input').setInputFiles({ name: 'marriage.png', mimeType: 'image/png', buffer: PNG_PAGE });
  await expect(dialog.getByTestId('paper-pages').locator('li')).toHaveCount(1);
  await dialog.getByTestId('paper-save').click();
  await expect(page.locator('.el-message--error')).toContainText('所选原因与该材料的核验结果不符');
  // Nothing the clerk added is lost: the page is still in the dialog.
  await expect(dialog.getByTestId('paper-pages').locator('li')).toHaveCount(1);
  await dialog.getByTestId('paper-cancel').click();

  await takePaper(page, 'M03', '证照库中无此证照');
  await completeAndCheck(workstation, caseNo, { M01: ['exempt', null], M02: ['exempt', null], M03: ['paper', 'not_in_library'] });
});

test('the library unreachable mid-pull: paper with that reason, and the usage record waits in the outbox until it is back', async ({ workstation }) => {
  const holder = await holderByNote(workstation, EDGE.notInLibrary);
  const caseNo = await startCase(page, MATTERS.idCard);
  // Every library call takes 1.5 s; once the grant is in, the library goes down under the pulls.
  await setFaults(workstation, { latencyMs: 1_500 });
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await setFaults(workstation, { down: true, latencyMs: 0 });
  await waitForPulls(page);
  for (const id of MATTERS.idCard.materials) {
    await expect(materialCard(page, id)).toHaveAttribute('data-state', 'failed');
    await expect(materialCard(page, id).getByTestId('material-advice')).toContainText('证照库暂时无法连接');
    await takePaper(page, id, '证照库暂时无法连接');
  }
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'queued');
  await expect(page.getByTestId('pending-records')).toHaveAttribute('data-count', '1');
  expect(await usageRecordsOf(workstation, caseNo)).toHaveLength(0);

  await setFaults(workstation, { down: false });
  await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered', { timeout: 30_000 });
  await expect(page.getByTestId('pending-records')).toHaveCount(0);
  const records = await usageRecordsOf(workstation, caseNo);
  expect(records).toHaveLength(1);
  expect(records[0]!.materials.map((m) => [m.outcome, m.paperReason])).toEqual([
    ['paper', 'library_unreachable'],
    ['paper', 'library_unreachable'],
  ]);
});

test('the elderly applicant with no phone, government matter: bad ID numbers refused as typed, then a duty grant and every licence pulled', async ({
  workstation,
}) => {
  const holder = await holderByNote(workstation, EDGE.noPhone);
  const caseNo = await startCase(page, MATTERS.seniorCard);
  await page.keyboard.press('Alt+KeyD');
  const dialog = page.getByTestId('duty-dialog');
  await expect(dialog).toBeVisible();
  const id = dialog.getByTestId('duty-id-number');
  await expect(id).toBeFocused();

  // Letters in a citizen ID number are refused at once.
  await page.keyboard.type('31A', { delay: 60 });
  await expect(dialog).toContainText('证件号码只能包含数字');
  await id.fill('');
  // A wrong check character is refused when the 18th character is typed.
  const wrongCheck = holder.idNumber.slice(0, 17) + (holder.idNumber[17] === '0' ? '1' : '0');
  await id.pressSequentially(wrongCheck, { delay: 20 });
  await expect(dialog).toContainText('证件号码校验位不正确');
  // An impossible birth date.
  await id.fill(`${holder.idNumber.slice(0, 10)}1340${holder.idNumber.slice(14)}`);
  await expect(dialog).toContainText('出生日期不存在');
  // Submitting a bad number does nothing but say so.
  await dialog.getByTestId('duty-submit').click();
  await expect(page.getByTestId('materials')).toHaveCount(0);

  await id.fill(holder.idNumber.toLowerCase());
  await expect(dialog.getByTestId('duty-id-ok')).toBeVisible();
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toContainText('请输入姓名或名称');
  await dialog.getByTestId('duty-name').fill(holder.name);
  await dialog.getByTestId('duty-basis').fill('《上海市电子证照管理办法》第二十二条');
  await dialog.getByTestId('duty-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '老年人不便使用电子证照' }).click();
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await expect(page.getByTestId('holder')).toContainText('依职能授权');
  await waitForPulls(page);
  for (const mid of MATTERS.seniorCard.materials) await expect(materialCard(page, mid)).toHaveAttribute('data-state', 'exempt');
  await completeAndCheck(workstation, caseNo, { M01: ['exempt', null], M02: ['exempt', null] });
  const [record] = await usageRecordsOf(workstation, caseNo);
  expect(record!.grantId).not.toBeNull();
});

test('the elderly applicant with no phone, social matter: no grant, paper for elderly and for no phone', async ({ workstation }) => {
  const holder = await holderByNote(workstation, EDGE.noPhone);
  const caseNo = await startCase(page, MATTERS.hospital);
  await page.getByTestId('no-phone').click();
  const dialog = page.getByTestId('duty-dialog');
  await expect(dialog.getByTestId('duty-social')).toBeVisible();
  // The dialog puts the focus in the ID number once it is open.
  await expect(dialog.getByTestId('duty-id-number')).toBeFocused();
  await dialog.getByTestId('duty-id-number').fill(holder.idNumber);
  await dialog.getByTestId('duty-name').fill(holder.name);
  await dialog.getByTestId('duty-basis').fill('社会化应用，申请人无手机');
  await dialog.getByTestId('duty-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '申请人无手机或无法出示亮证码' }).click();
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toBeHidden();

  for (const mid of MATTERS.hospital.materials) await expect(materialCard(page, mid)).toHaveAttribute('data-state', 'needs_paper');
  await takePaper(page, 'M01', '老年人/不便使用电子证照');
  await takePaper(page, 'M17', '无手机/无法出示亮证码');
  await completeAndCheck(workstation, caseNo, { M01: ['paper', 'elderly'], M17: ['paper', 'no_phone'] });
  const [record] = await usageRecordsOf(workstation, caseNo);
  expect(record!.grantId).toBeNull();
});
