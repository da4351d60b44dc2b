import type { BrowserContext, Page } from '@playwright/test';
import { closeCounter, EDGE, gunScan, holderByNote, materialCard, MATTERS, mintToken, openCounter, startCase, waitForPulls } from './counter-helpers';
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

/** Serves an edge-case holder by 亮证码 for a matter and waits for every pull. */
async function serve(ws: RunningWorkstation, note: string, matter: { code: string; query: string }): Promise<void> {
  const holder = await holderByNote(ws, note);
  await startCase(page, matter);
  await gunScan(page, await mintToken(ws, holder.idNumber));
  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await waitForPulls(page);
}

/** The material failed with this outcome and says what to do next; an objection is at hand. */
async function expectFailed(materialId: string, outcome: string, label: string, advice: string): Promise<void> {
  const card = materialCard(page, materialId);
  await expect(card).toHaveAttribute('data-state', 'failed');
  await expect(card.getByTestId('material-state')).toHaveText('核验未通过');
  await expect(card.getByTestId('licence-outcome')).toHaveAttribute('data-outcome', outcome);
  await expect(card.getByTestId('licence-outcome')).toHaveText(label);
  await expect(card.getByTestId('material-advice')).toContainText(advice);
  await expect(card.getByTestId('take-paper')).toBeVisible();
  await expect(card.getByTestId('file-objection')).toBeVisible();
  await expect(page.getByTestId('complete-case')).toBeDisabled();
  await expect(page.getByTestId('completion-blocking')).toContainText('还有 1 项必交材料未满足');
}

test('an expired driving licence: expired, renew or bring paper', async ({ workstation }) => {
  await serve(workstation, EDGE.expired, MATTERS.driving);
  await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'exempt');
  await expectFailed('M07', 'expired', '已过期', '证照已过有效期');
});

test('a revoked driving licence: revoked, not a basis for the matter', async ({ workstation }) => {
  await serve(workstation, EDGE.revoked, MATTERS.driving);
  await expectFailed('M07', 'revoked', '已注销/撤销/吊销', '证照已被注销、撤销或吊销');
});

test('a suspended driving licence: suspended', async ({ workstation }) => {
  await serve(workstation, EDGE.suspended, MATTERS.driving);
  await expectFailed('M07', 'suspended', '已暂扣', '证照处于暂扣状态');
});

test('a superseded estate certificate: the old version is shown as superseded, the new one exempts the material', async ({ workstation }) => {
  await serve(workstation, EDGE.superseded, MATTERS.estate);
  const card = materialCard(page, 'M04');
  await expect(card).toHaveAttribute('data-state', 'exempt');
  const outcomes = card.getByTestId('licence-outcome');
  await expect(outcomes).toHaveCount(2);
  await expect(card.locator('[data-outcome="superseded"]')).toHaveText('已被新版本替代');
  await expect(card.locator('[data-outcome="valid"]')).toHaveText('有效');
  for (const id of MATTERS.estate.materials) await expect(materialCard(page, id)).toHaveAttribute('data-state', 'exempt');
  await expect(page.getByTestId('complete-case')).toBeEnabled();
});

test('a marriage certificate not yet in the library: needs paper, nothing to object to', async ({ workstation }) => {
  await serve(workstation, EDGE.notInLibrary, MATTERS.divorce);
  const card = materialCard(page, 'M03');
  await expect(card).toHaveAttribute('data-state', 'needs_paper');
  await expect(card.getByTestId('material-state')).toHaveText('需收取纸质材料');
  await expect(card.getByTestId('material-advice')).toContainText('证照库中暂无此证照');
  await expect(card.getByTestId('licence-row')).toHaveCount(0);
  await expect(card.getByTestId('file-objection')).toHaveCount(0);
});

test('a tampered household register: signature invalid, its fields not shown as verified, objection one click away', async ({ workstation }) => {
  await serve(workstation, EDGE.tampered, MATTERS.idCard);
  await expectFailed('M02', 'signature_invalid', '签名无效', '内容可能被篡改');
  await expect(materialCard(page, 'M02')).toContainText('签发机构签名：未通过');

  await materialCard(page, 'M02').getByTestId('view-licence').click();
  const viewer = page.getByTestId('licence-viewer');
  await expect(viewer).toBeVisible();
  await expect(viewer.getByTestId('licence-viewer-banner')).not.toHaveAttribute('data-tone', 'success');
  await expect(viewer.locator('[data-mark="pass"]')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  const licenceId = await materialCard(page, 'M02').getByTestId('licence-row').getAttribute('data-licence');
  await materialCard(page, 'M02').getByTestId('file-objection').click();
  await expect(page).toHaveURL(new RegExp(`#/objections\\?licenceId=${licenceId!.replace(/\./g, '\\.')}`));
  await page.getByTestId('nav').getByRole('menuitem', { name: '窗口办件' }).click();
  // The case is where the clerk left it.
  await expect(materialCard(page, 'M02')).toHaveAttribute('data-state', 'failed');
});

test('a marriage certificate signed by a key outside the trust list: untrusted issuer', async ({ workstation }) => {
  await serve(workstation, EDGE.untrusted, MATTERS.divorce);
  await expectFailed('M03', 'untrusted_issuer', '签发机构不可信', '签发机构的密钥不在信任列表中');
});

test('a valid licence opens in the viewer with its watermark and every field verified', async ({ workstation }) => {
  await serve(workstation, EDGE.expired, MATTERS.driving);
  await materialCard(page, 'M01').getByTestId('view-licence').click();
  const viewer = page.getByTestId('licence-viewer');
  await expect(viewer.getByTestId('licence-viewer-banner')).toHaveAttribute('data-tone', 'success');
  await expect(viewer.getByTestId('licence-viewer-canvas')).toBeVisible();
  const marks = viewer.getByTestId('licence-viewer-fields').locator('tbody tr');
  await expect(marks.first()).toBeVisible();
  await expect(viewer.locator('[data-mark]:not([data-mark="pass"])')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/counter-viewer.png' });
  await page.keyboard.press('Escape');
});
