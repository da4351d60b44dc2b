import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Point } from '../../shared/document-scan';
import { writeSheetVideoY4m, type SheetVideo } from '../fixtures/paper/y4m';
import {
  closeCounter,
  EDGE,
  gunScan,
  holderByNote,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  PNG_PAGE,
  startCase,
  storedCase,
  usageRecordsOf,
  waitForPulls,
} from './counter-helpers';
import { numbersOf as numbersIn, pdfPages, storedPaper as storedPaperOf, waitForPageUnderCamera as waitForPage } from './device-helpers';
import { expect, test, type RunningWorkstation } from './workstation';

// The document camera (高拍仪) in the paper dialog, with Chromium's fake camera playing a video
// of ten numbered A4 pages lying on a desk, each in view for two seconds, as a clerk turns them
// under the camera. The page's number is a row of small squares at its bottom left
// (tests/fixtures/paper/scene.ts), read here from the live picture (to press Space when the
// next page is under the camera) and from the pages in the stored PDF (their order).

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const PAGES = 10;
let dir = '';
let video: SheetVideo;
let browser: Browser;
let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ workstation }) => {
  // Drawing ten pages of video takes a few seconds, and over a minute on a busy machine.
  test.setTimeout(240_000);
  dir = mkdtempSync(join(tmpdir(), 'paper-document-camera-'));
  video = writeSheetVideoY4m(join(dir, 'pages.y4m'), { width: 1280, height: 720, fps: 2, pages: PAGES, framesPerPage: 4 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video.path}`,
    ],
  });
  ({ context, page } = await openCounter(browser, workstation));
});

test.afterAll(async ({ workstation }) => {
  if (context) await closeCounter(context, workstation);
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const waitForPageUnderCamera = (n: number) => waitForPage(page, video, n);
const numbersOf = (images: Uint8Array[]) => numbersIn(page, images);
const storedPaper = (caseNo: string, materialId: string) => storedPaperOf(page, caseNo, materialId);

/** Opens a case whose material M03 the library does not hold, and the paper dialog for it, with the camera live. */
async function openPaperForM03(workstation: RunningWorkstation): Promise<string> {
  const holder = await holderByNote(workstation, EDGE.notInLibrary);
  const caseNo = await startCase(page, MATTERS.divorce);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await waitForPulls(page);
  await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'needs_paper');
  await materialCard(page, 'M03').getByTestId('take-paper').click();
  const dialog = page.getByTestId('paper-dialog');
  await expect(dialog.getByTestId('paper-resolution')).toBeVisible({ timeout: 20_000 });
  return caseNo;
}

/** The open dialog's pages, in order, once every one is processed: their names and sizes. */
async function listedPages(): Promise<{ name: string; state: string; width: number; height: number; bytes: number; source: string | null }[]> {
  const items = page.getByTestId('paper-dialog').getByTestId('paper-page');
  await expect(items.and(page.locator('[data-state="processing"]'))).toHaveCount(0, { timeout: 30_000 });
  return items.evaluateAll((lis) =>
    lis.map((li) => ({
      name: li.querySelector('.pages__name')!.getAttribute('title')!,
      state: li.getAttribute('data-state')!,
      width: Number(li.getAttribute('data-width')),
      height: Number(li.getAttribute('data-height')),
      bytes: Number(li.getAttribute('data-bytes')),
      source: li.getAttribute('data-source'),
    })),
  );
}

test('a ten-page document: ten Space presses, straightened and compressed pages, kept in the case as one PDF of ten pages in order', async ({
  workstation,
}) => {
  const caseNo = await openPaperForM03(workstation);
  const dialog = page.getByTestId('paper-dialog');
  // The camera opened at the most it gives (the fake camera's video is 1280×720), and is listed by its name.
  await expect(dialog.getByTestId('paper-resolution')).toHaveText('分辨率 1280×720');
  await expect(dialog.getByTestId('paper-camera-select')).toContainText('pages.y4m');
  await expect(dialog.getByTestId('paper-preview')).toBeFocused();

  for (let n = 1; n <= PAGES; n++) {
    await waitForPageUnderCamera(n);
    // Space takes the page wherever the focus is, but in a text field: here once on the
    // reason the clerk clicked, once on a page's button.
    if (n === 4) await dialog.getByTestId('paper-reason').locator('.el-radio.is-checked input').focus();
    if (n === 7) await dialog.getByTestId('paper-move-up').last().focus();
    await page.keyboard.press('Space');
    await expect(dialog.getByTestId('paper-page-count')).toContainText(`已添加 ${n} 页`);
  }
  // The button focused at the seventh page was not pressed by Space: the order is the capture order.
  const listed = await listedPages();
  expect(listed.map((p) => p.name)).toEqual(Array.from({ length: PAGES }, (_, i) => `拍照-${i + 1}.jpg`));
  for (const p of listed) {
    expect(p).toMatchObject({ state: 'ready', source: 'detected' });
    // The sheet, cropped and straightened: about 620 px tall on this 720p camera, A4's proportions.
    expect(p.height).toBeGreaterThan(590);
    expect(p.width / p.height).toBeCloseTo(827 / 1169, 1);
    expect(p.bytes).toBeGreaterThan(5_000);
    expect(p.bytes).toBeLessThan(150_000);
  }
  await expect(dialog.getByTestId('paper-page-size').first()).toHaveText(`${Math.round(listed[0]!.bytes / 1024)} KB`);

  // A Space typed in a field is the field's: the camera list takes it, no page is taken.
  await dialog.getByTestId('paper-camera-select').locator('input').focus();
  await page.keyboard.press('Space');
  await page.waitForTimeout(300);
  await expect(dialog.getByTestId('paper-page-count')).toContainText(`已添加 ${PAGES} 页`);
  await dialog.getByTestId('paper-page-count').click();

  await page.keyboard.press('Control+Enter');
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'paper_scanned');
  await expect(materialCard(page, 'M03').getByTestId('paper-thumb')).toHaveCount(1);
  await expect(materialCard(page, 'M03').getByTestId('paper-thumb')).toHaveAttribute('data-pages', String(PAGES));
  await expect(materialCard(page, 'M03').getByTestId('paper-pages')).toContainText(`纸质材料 ${PAGES} 页`);

  // One PDF in the case for the material, of ten pages, in the order they were taken, each
  // the compressed page as it was listed and printed at A4 size.
  const stored = await storedPaper(caseNo, 'M03');
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ type: 'application/pdf', pages: PAGES });
  const pages = await pdfPages(stored[0]!.bytes);
  expect(pages).toHaveLength(PAGES);
  expect(await numbersOf(pages.map((p) => p.jpeg))).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
  pages.forEach((p, i) => {
    expect([p.width, p.height]).toEqual([listed[i]!.width, listed[i]!.height]);
    expect(p.jpeg.length).toBe(listed[i]!.bytes);
    expect(p.points.height).toBeCloseTo((297 / 25.4) * 72, 0);
  });

  // Completed: the case keeps the PDF's page count and its SM3, and the library has the paper.
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered', { timeout: 20_000 });
  const completed = (await storedCase(page, caseNo)) as { kept: { materials: { materialId: string; paperScan: { pages: number; hash: string } | null }[] } };
  const m03 = completed.kept.materials.find((m) => m.materialId === 'M03')!;
  expect(m03.paperScan).toMatchObject({ pages: PAGES, hash: createHash('sm3').update(stored[0]!.bytes).digest('hex') });
  const [record] = await usageRecordsOf(workstation, caseNo);
  expect(record!.materials.find((m) => m.materialId === 'M03')).toMatchObject({ outcome: 'paper', paperReason: 'not_in_library' });
});

test('pages reordered with ↑ and by dragging, one removed and put back, another removed: the PDF has what the list shows', async ({ workstation }) => {
  const caseNo = await openPaperForM03(workstation);
  const dialog = page.getByTestId('paper-dialog');
  for (const n of [1, 2, 3]) {
    await waitForPageUnderCamera(n);
    await page.keyboard.press('Space');
    await expect(dialog.getByTestId('paper-page-count')).toContainText(`已添加 ${n} 页`);
  }
  const names = async () => (await listedPages()).map((p) => p.name);
  expect(await names()).toEqual(['拍照-1.jpg', '拍照-2.jpg', '拍照-3.jpg']);
  const items = dialog.getByTestId('paper-page');

  // ↑ on the third page: it goes second, and the focus stays on its ↑ for the next press.
  await items.nth(2).getByTestId('paper-move-up').click();
  expect(await names()).toEqual(['拍照-1.jpg', '拍照-3.jpg', '拍照-2.jpg']);
  await expect(items.nth(1).getByTestId('paper-move-up')).toBeFocused();
  await page.keyboard.press('Enter');
  expect(await names()).toEqual(['拍照-3.jpg', '拍照-1.jpg', '拍照-2.jpg']);
  // The first page dragged onto the last place.
  await items.nth(0).dragTo(items.nth(2));
  expect(await names()).toEqual(['拍照-1.jpg', '拍照-2.jpg', '拍照-3.jpg']);
  await items.nth(2).dragTo(items.nth(0));
  expect(await names()).toEqual(['拍照-3.jpg', '拍照-1.jpg', '拍照-2.jpg']);

  // Removed, and put back where it was with 撤销; then another removed for good.
  await items.nth(1).getByTestId('paper-remove').click();
  expect(await names()).toEqual(['拍照-3.jpg', '拍照-2.jpg']);
  await expect(dialog.getByTestId('paper-removed')).toContainText('拍照-1.jpg');
  await dialog.getByTestId('paper-undo-remove').click();
  expect(await names()).toEqual(['拍照-3.jpg', '拍照-1.jpg', '拍照-2.jpg']);
  await items.nth(2).getByTestId('paper-remove').click();
  expect(await names()).toEqual(['拍照-3.jpg', '拍照-1.jpg']);

  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const stored = await storedPaper(caseNo, 'M03');
  expect(stored).toHaveLength(1);
  const pages = await pdfPages(stored[0]!.bytes);
  expect(await numbersOf(pages.map((p) => p.jpeg))).toEqual([3, 1]);
  await expect(materialCard(page, 'M03').getByTestId('paper-thumb')).toHaveAttribute('data-pages', '2');

  // Opened again, the dialog lists the two kept pages first; a page taken now joins them in
  // the same one PDF, and can be put before them.
  await materialCard(page, 'M03').getByTestId('take-paper').click();
  await expect(dialog.getByTestId('paper-resolution')).toBeVisible({ timeout: 20_000 });
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute('data-content-type', 'application/pdf');
  await waitForPageUnderCamera(5);
  await page.keyboard.press('Space');
  expect(await names()).toEqual(['已保存 第 1 页', '已保存 第 2 页', '拍照-1.jpg']);
  await items.nth(2).getByTestId('paper-move-up').click();
  await items.nth(1).getByTestId('paper-move-up').click();
  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const again = await storedPaper(caseNo, 'M03');
  expect(again).toHaveLength(1);
  const merged = await PDFDocument.load(again[0]!.bytes);
  expect(merged.getPageCount()).toBe(3);
  expect(await numbersOf((await pdfPages(again[0]!.bytes)).map((p) => p.jpeg))).toEqual([5, 3, 1]);
  await expect(materialCard(page, 'M03').getByTestId('paper-thumb')).toHaveAttribute('data-pages', '3');
});

/** In the open corner editor: sets the corners on the top-left quarter of the sheet, by mouse and keyboard. */
async function cutTopLeftQuarter(): Promise<void> {
  const editor = page.getByTestId('corner-editor');
  const handles = editor.getByTestId('corner-handle');
  const stage = (await editor.getByTestId('corner-stage').boundingBox())!;
  const scale = stage.width / video.width;
  const [tl, tr, br, bl] = video.corners;
  const half = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  const drag = async (index: number, to: Point) => {
    const box = (await handles.nth(index).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(stage.x + to.x * scale, stage.y + to.y * scale, { steps: 8 });
    await page.mouse.up();
  };
  await drag(2, half(tl, br));
  await drag(3, half(tl, bl));
  // The top-right corner moved left with the keyboard, ten screen pixels a press, to the middle of the top side.
  await handles.nth(1).focus();
  const before = await handles.nth(1).getAttribute('aria-label');
  const presses = Math.round(((tr.x - half(tl, tr).x) * scale) / 10);
  for (let i = 0; i < presses; i++) await page.keyboard.press('Shift+ArrowLeft');
  expect(await handles.nth(1).getAttribute('aria-label')).not.toBe(before);
}

test('the corners set by hand when the automatic crop is not what the clerk wants: dragged and moved with the keys, the page is cut again', async ({
  workstation,
}) => {
  const caseNo = await openPaperForM03(workstation);
  const dialog = page.getByTestId('paper-dialog');
  await waitForPageUnderCamera(2);
  await page.keyboard.press('Space');
  const [automatic] = await listedPages();
  expect(automatic!.source).toBe('detected');

  await dialog.getByTestId('paper-adjust').click();
  const editor = page.getByTestId('corner-editor');
  await expect(editor).toBeVisible();
  const handles = editor.getByTestId('corner-handle');
  await expect(handles).toHaveCount(4);
  await expect(handles.nth(0)).toBeFocused();
  // Space in the editor takes no page.
  await page.keyboard.press('Space');
  await expect(dialog.getByTestId('paper-page-count')).toContainText('已添加 1 页');

  // Only the top-left quarter of the sheet kept: the bottom corners dragged with the mouse to
  // the middle of the sheet and of its left side, the top-right one moved left with the keys.
  await cutTopLeftQuarter();
  await editor.getByTestId('corner-apply').click();
  await expect(editor).toBeHidden();

  const [adjusted] = await listedPages();
  expect(adjusted!.source).toBe('hand');
  expect(adjusted!.height).toBeLessThan(automatic!.height * 0.6);
  expect(adjusted!.width).toBeLessThan(automatic!.width * 0.6);
  expect(adjusted!.bytes).toBeLessThan(automatic!.bytes);
  // 自动识别 brings the found corners back.
  await dialog.getByTestId('paper-adjust').click();
  await editor.getByTestId('corner-detected').click();
  await editor.getByTestId('corner-apply').click();
  const [back] = await listedPages();
  expect([back!.width, back!.height]).toEqual([automatic!.width, automatic!.height]);
  // And by hand again, saved: the PDF holds the hand-cut page.
  await dialog.getByTestId('paper-adjust').click();
  await cutTopLeftQuarter();
  await editor.getByTestId('corner-apply').click();
  const [cut] = await listedPages();
  expect(cut!.source).toBe('hand');
  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const [stored] = await storedPaper(caseNo, 'M03');
  const [pdfPage] = await pdfPages(stored!.bytes);
  expect([pdfPage!.width, pdfPage!.height]).toEqual([cut!.width, cut!.height]);
  expect(pdfPage!.height).toBeLessThan(automatic!.height * 0.6);
});

test('the camera chosen is remembered on this workstation; a remembered camera that is gone opens the one there is', async ({ workstation }) => {
  const gone = JSON.stringify({ deviceId: 'unplugged', label: 'USB 高拍仪 (gone)' });
  await page.evaluate((choice) => localStorage.setItem('e-licence-workstation.paper-camera', choice), gone);
  await openPaperForM03(workstation);
  const dialog = page.getByTestId('paper-dialog');
  await expect(dialog.getByTestId('paper-resolution')).toHaveText('分辨率 1280×720');
  // The camera there is opened, and the choice is kept for when the document camera is back.
  expect(await page.evaluate(() => localStorage.getItem('e-licence-workstation.paper-camera'))).toBe(gone);
  await dialog.getByTestId('paper-camera-select').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'pages.y4m' }).click();
  await expect(dialog.getByTestId('paper-resolution')).toHaveText('分辨率 1280×720', { timeout: 20_000 });
  const remembered = JSON.parse((await page.evaluate(() => localStorage.getItem('e-licence-workstation.paper-camera')))!) as {
    deviceId: string;
    label: string;
  };
  expect(remembered.label).toContain('pages.y4m');
  expect(remembered.deviceId).toMatch(/^[0-9a-f]{16,}$/);
  await dialog.getByTestId('paper-cancel').click();
  await expect(dialog).toBeHidden();
});

test("a camera the clerk may not use: the dialog says what to do, and a scanner's file is still taken", async ({ workstation }) => {
  // A browser that refuses the camera (no permission given): getUserMedia fails as NotAllowedError.
  const refusing = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video.path}`],
  });
  const other = await openCounter(refusing, workstation);
  try {
    const holder = await holderByNote(workstation, EDGE.notInLibrary);
    const caseNo = await startCase(other.page, MATTERS.divorce);
    await gunScan(other.page, await mintToken(workstation, holder.idNumber));
    await waitForPulls(other.page);
    await materialCard(other.page, 'M03').getByTestId('take-paper').click();
    const dialog = other.page.getByTestId('paper-dialog');
    await expect(dialog.getByTestId('paper-camera-status')).toContainText('摄像头权限被拒绝');
    await expect(dialog.getByTestId('paper-camera-status')).toContainText('允许本工作台使用摄像头');
    await expect(dialog.getByTestId('paper-camera-retry')).toBeVisible();
    await expect(dialog.getByTestId('paper-import')).toBeFocused();
    // Space does nothing without a camera; the file goes in.
    await other.page.keyboard.press('Space');
    await expect(dialog.getByTestId('paper-page-count')).toContainText('尚未添加页面');
    await dialog.getByTestId('paper-file-input').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: PNG_PAGE });
    await expect(dialog.getByTestId('paper-page')).toHaveCount(1);
    await dialog.getByTestId('paper-save').click();
    await expect(dialog).toBeHidden();
    await expect(materialCard(other.page, 'M03')).toHaveAttribute('data-state', 'paper_scanned');
    const rows = await other.page.evaluate(
      (key) =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('e-licence-workstation');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('paperScans').objectStore('paperScans').getAll();
            all.onsuccess = () => {
              open.result.close();
              resolve((all.result as { caseNo: string; page: Blob }[]).filter((r) => r.caseNo === key).map((r) => r.page.type));
            };
          };
        }),
      caseNo,
    );
    expect(rows).toEqual(['application/pdf']);
  } finally {
    await other.context.close();
    await refusing.close();
  }
});
