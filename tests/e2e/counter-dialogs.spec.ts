import type { BrowserContext, Page } from '@playwright/test';
import {
  closeCounter,
  choosePaperReason,
  EDGE,
  gunScan,
  holderByNote,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  paperReasonChosen,
  PNG_PAGE,
  startCase,
  takePaper,
  waitForPulls,
} from './counter-helpers';
import { expect, test } from './workstation';

// The counter's dialogs as a clerk at a workstation without a camera meets them: the paper
// dialog, the no-phone dialog and the override dialog, and the cards they act on.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

/** Whether the point at the middle of `selector`'s first match shows that element (nothing is drawn over it). */
function uncovered(selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return top !== null && (top === el || el.contains(top));
  }, selector);
}

test('no phone, social matter: the dialog marks what is required and cancels; the cards and the receipt say 无手机办理, not that the library has nothing', async ({
  workstation,
}) => {
  const holder = await holderByNote(workstation, EDGE.noPhone);
  await startCase(page, MATTERS.hospital);
  await page.keyboard.press('Alt+KeyD');
  const duty = page.getByTestId('duty-dialog');
  await expect(duty).toBeVisible();
  // Every field the dialog requires carries the asterisk; the button that discards the input says 取消.
  for (const label of ['证件号码', '姓名/名称', '职能依据', '原因']) {
    await expect(duty.locator('.el-form-item.is-required', { has: page.locator('.el-form-item__label', { hasText: new RegExp(`^${label}$`) }) })).toHaveCount(
      1,
    );
  }
  await expect(duty.locator('.el-dialog__footer').getByRole('button', { name: '关闭' })).toHaveCount(0);
  await expect(duty.getByTestId('duty-cancel')).toHaveText('取消');
  await duty.getByTestId('duty-id-number').fill(holder.idNumber);
  await duty.getByTestId('duty-cancel').click();
  await expect(duty).toBeHidden();

  await page.keyboard.press('Alt+KeyD');
  await duty.getByTestId('duty-id-number').fill(holder.idNumber);
  await duty.getByTestId('duty-name').fill(holder.name);
  await duty.getByTestId('duty-basis').fill('社会化应用，申请人无手机');
  await duty.getByTestId('duty-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '申请人无手机或无法出示亮证码' }).click();
  await duty.getByTestId('duty-submit').click();
  await expect(duty).toBeHidden();

  await expect(page.getByTestId('holder-panel')).toContainText('未取得授权：无手机办理');
  for (const id of MATTERS.hospital.materials) {
    const card = materialCard(page, id);
    await expect(card).toHaveAttribute('data-state', 'needs_paper');
    await expect(card.getByTestId('material-advice')).toContainText('无手机办理');
    await expect(card).not.toContainText('证照库中没有此材料对应的电子证照');
  }
  await expect(page.getByTestId('counter-page')).not.toContainText('证照库中没有此材料对应的电子证照');
});

test('the paper dialog without a camera: no camera box unless asked for, reasons that open over nothing, a removed page comes back with 撤销', async () => {
  await materialCard(page, 'M01').getByTestId('take-paper').click();
  const dialog = page.getByTestId('paper-dialog');
  await expect(dialog).toBeVisible();
  await expect(paperReasonChosen(page)).toHaveText('无手机/无法出示亮证码');
  // Only importing files: no black "no camera" box, and the import button has the focus.
  await expect(dialog.getByTestId('paper-import')).toBeFocused();
  await expect(dialog.getByTestId('paper-camera')).toHaveCount(0);
  await expect(dialog).not.toContainText('未检测到摄像头');
  // The reason is required, and marked so.
  await expect(dialog.locator('.paper__required')).toHaveText('*');

  await dialog.getByTestId('paper-file-input').setInputFiles([
    { name: 'page-1.png', mimeType: 'image/png', buffer: PNG_PAGE },
    { name: 'page-2.png', mimeType: 'image/png', buffer: PNG_PAGE },
  ]);
  const pages = dialog.getByTestId('paper-pages').locator('li');
  await expect(pages).toHaveCount(2);

  // Choosing a reason draws nothing over the pages.
  await choosePaperReason(page, '老年人/不便使用电子证照');
  for (const index of [1, 2]) expect(await uncovered(`[data-testid="paper-pages"] li:nth-child(${index}) img`)).toBe(true);

  // A page removed by mistake comes back where it was.
  await pages.nth(0).getByTestId('paper-remove').click();
  await expect(pages).toHaveCount(1);
  await expect(dialog.getByTestId('paper-removed')).toContainText('page-1.png');
  await dialog.getByTestId('paper-undo-remove').click();
  await expect(pages).toHaveCount(2);
  await expect(pages.nth(0)).toContainText('page-1.png');
  await expect(dialog.getByTestId('paper-removed')).toHaveCount(0);

  // Asked for, the camera area shows and says what it found.
  await dialog.getByTestId('paper-use-camera').click();
  await expect(dialog.getByTestId('paper-camera')).toBeVisible();
  await expect(dialog.getByTestId('paper-camera-status')).toContainText('未检测到摄像头');

  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden();
  // The material keeps one PDF of both pages.
  const thumbs = materialCard(page, 'M01').getByTestId('paper-thumb');
  await expect(thumbs).toHaveCount(1);
  await expect(thumbs).toHaveAttribute('data-pages', '2');

  // A kept scan is deleted only once the clerk confirms.
  await materialCard(page, 'M01').getByTestId('paper-thumb-remove').click();
  const confirm = page.locator('.el-message-box');
  await expect(confirm).toContainText('纸质材料扫描件（共 2 页）');
  await confirm.getByRole('button', { name: '取消' }).click();
  await expect(thumbs).toHaveAttribute('data-pages', '2');

  // Opened again, the dialog lists the kept pages; one removed there, the material keeps the other.
  await materialCard(page, 'M01').getByTestId('take-paper').click();
  await expect(pages).toHaveCount(2);
  await expect(pages.nth(0)).toContainText('已保存 第 1 页');
  await expect(paperReasonChosen(page)).toHaveText('老年人/不便使用电子证照');
  await pages.nth(0).getByTestId('paper-remove').click();
  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden();
  await expect(thumbs).toHaveAttribute('data-pages', '1');

  // Deleted from the card: the material needs paper again.
  await materialCard(page, 'M01').getByTestId('paper-thumb-remove').click();
  await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click();
  await expect(thumbs).toHaveCount(0);
  await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'needs_paper');
  await takePaper(page, 'M01', '老年人/不便使用电子证照');

  await takePaper(page, 'M17', '无手机/无法出示亮证码');
  await page.keyboard.press('Alt+KeyC');
  const receipt = page.getByTestId('receipt');
  await expect(receipt.getByTestId('receipt-basis')).toContainText('未取得授权：无手机办理');
  await expect(receipt).not.toContainText('证照库中没有此材料对应的电子证照');
});

test('a licence not in the library: the card says so once; the override dialog marks its reason required and cancels', async ({ workstation }) => {
  const holder = await holderByNote(workstation, EDGE.notInLibrary);
  await startCase(page, MATTERS.divorce);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await waitForPulls(page);
  const card = materialCard(page, 'M03');
  await expect(card).toHaveAttribute('data-state', 'needs_paper');
  const text = await card.innerText();
  expect(text.match(/证照库中/g) ?? []).toHaveLength(1);

  await materialCard(page, 'M01').getByTestId('override').click();
  const override = page.getByTestId('override-dialog');
  await expect(override).toBeVisible();
  await expect(override.locator('.el-form-item.is-required')).toContainText('更正理由');
  await expect(override.getByTestId('override-cancel')).toHaveText('取消');
  await override.getByTestId('override-reason').fill('申请人要求');
  await override.getByTestId('override-cancel').click();
  await expect(override).toBeHidden();
  await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'exempt');
});
