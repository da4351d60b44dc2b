import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { maskIdNumber } from '../../shared/ids';
import { writeSheetVideoY4m, type SheetVideo } from '../fixtures/paper/y4m';
import {
  closeCounter,
  EDGE,
  grantsFor,
  holderByNote,
  materialCard,
  MATTERS,
  openCounter,
  paperReasonChosen,
  setFaults,
  startCase,
  usageRecordsOf,
  waitForPulls,
} from './counter-helpers';
import { numbersOf as numbersIn, reader, recordScreen, storedPaper as storedPaperOf, waitForPageUnderCamera as waitForPage } from './device-helpers';
import { expect, test } from './workstation';

// Issue 14's "Done when": an elderly applicant without a phone is served with one card read on
// the (simulated) ID-card reader, the paper pages taken with Space from the document camera
// (Chromium's fake camera playing numbered A4 pages on a desk), and a printed receipt — while
// the applicant's screen, a second tab of the same browser, follows each step. The elder holds
// no marriage certificate in the library, so 内地居民离婚登记 needs that one on paper.
//
// The reader, the camera's page numbers and the screen's record come from device-helpers.ts,
// shared with the device specs.

test.describe.configure({ mode: 'serial', timeout: 240_000 });

const PAGES = 3;
const PDFJS = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
let dir = '';
let video: SheetVideo;
let browser: Browser;
let context: BrowserContext;
let page: Page;

declare global {
  interface Window {
    printDialogs?: number;
  }
}

test.beforeAll(async ({ workstation }) => {
  // Drawing the pages of video takes a few seconds, and much longer on a busy machine.
  test.setTimeout(240_000);
  dir = mkdtempSync(join(tmpdir(), 'counter-elder-'));
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
  await context.addInitScript(recordScreen);
});

test.afterAll(async ({ workstation }) => {
  if (workstation) await reader(workstation, { card: null, mode: 'ready', latencyMs: 0 });
  if (context) await closeCounter(context, workstation);
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const waitForPageUnderCamera = (n: number) => waitForPage(page, video, n);
const numbersOf = (images: Uint8Array[]) => numbersIn(page, images);
const storedPaper = (caseNo: string, materialId: string) => storedPaperOf(page, caseNo, materialId);

/** Each page's JPEG in a PDF the paper dialog made (one image per page). */
async function pdfPageImages(bytes: Uint8Array): Promise<Uint8Array[]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((p) => {
    const xobjects = p.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    const [image] = xobjects.values().map((ref) => pdf.context.lookup(ref));
    if (!(image instanceof PDFRawStream)) throw new Error('a page without its image');
    expect(image.dict.get(PDFName.of('Filter'))?.toString()).toBe('/DCTDecode');
    return image.contents;
  });
}

/** The counter page printed to PDF as the browser's dialog prints it (print media, the CSS page size): its page count and text. */
async function printToPdf(): Promise<{ pages: number; flat: string }> {
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    cMapUrl: `${join(PDFJS, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${join(PDFJS, 'standard_fonts')}/`,
  }).promise;
  const strings: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    // Noto CJK's ToUnicode maps some glyphs to Kangxi radicals (⼝ for 口): NFKC gives the ideographs back.
    for (const item of content.items) if ('str' in item) strings.push(item.str.normalize('NFKC'));
  }
  const result = { pages: doc.numPages, flat: strings.join('').replace(/\s+/g, '') };
  await doc.destroy();
  return result;
}

/** A phrase as a pattern over the PDF's text (a CJK Radicals Supplement character in the PDF stands for the ideograph: see print-documents.spec.ts). */
function pdfPhrase(phrase: string): RegExp {
  const chars = [...phrase.normalize('NFKC').replace(/\s+/g, '')];
  return new RegExp(chars.map((c) => (/\p{Script=Han}/u.test(c) ? `[${c}\u2E80-\u2EFF]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 'u');
}

async function chooseDutyReason(label: string): Promise<void> {
  await page.getByTestId('duty-dialog').getByTestId('duty-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click();
}

test('an elder without a phone: one card read, the marriage certificate taken on paper with Space, 办结 and the receipt printed, the applicant’s screen following each step', async ({
  workstation,
}) => {
  const elder = await holderByNote(workstation, EDGE.noPhone);
  const maskedId = maskIdNumber(elder.idNumber);
  const maskedName = `${[...elder.name][0]}${'*'.repeat([...elder.name].length - 1)}`;
  // The trainer lays the elder's card on the simulated reader.
  await reader(workstation, { card: elder.idNumber, mode: 'ready', latencyMs: 0 });

  // The applicant's screen, opened from the counter in a tab of its own: neutral before the case.
  const [screen] = await Promise.all([context.waitForEvent('page'), page.getByTestId('open-applicant-screen').click()]);
  await expect(screen).toHaveURL(/#\/applicant$/);
  const root = screen.getByTestId('applicant-screen');
  await expect(root).toHaveAttribute('data-view', 'neutral');
  await expect(root).toContainText('请稍候，工作人员即将为您办理');

  // Slowed library calls, so that the screen is seen pulling each licence before it is verified.
  await setFaults(workstation, { latencyMs: 500 });
  try {
    // The matter: on the screen with the case number and the usage list.
    const caseNo = await startCase(page, MATTERS.divorce);
    await expect(root).toHaveAttribute('data-stage', 'holder');
    await expect(screen.getByTestId('applicant-matter')).toHaveText('内地居民离婚登记');
    await expect(screen.getByTestId('applicant-case-no')).toHaveAttribute('data-case', caseNo);
    await expect(screen.getByTestId('applicant-usage')).toHaveCount(3);
    await expect(root).toContainText('本事项需要以下材料');

    // 无手机办理 (Alt+D), one card read (Alt+I): the number and the name come from the card, nobody types them.
    await page.keyboard.press('Alt+KeyD');
    const duty = page.getByTestId('duty-dialog');
    await expect(duty.getByTestId('duty-id-number')).toBeFocused();
    await expect(duty.getByTestId('duty-id-number')).toHaveValue('');
    await page.keyboard.press('Alt+KeyI');
    await expect(duty.getByTestId('duty-id-number')).toHaveValue(elder.idNumber);
    await expect(duty.getByTestId('duty-name')).toHaveValue(elder.name);
    await expect(duty.getByTestId('duty-id-ok')).toContainText('来自身份证');
    const card = duty.getByTestId('id-card');
    await expect(card).toHaveAttribute('data-validity', 'valid');
    await expect(card).toHaveAttribute('data-reader', 'SIM-IDR-0001');
    await expect(card.getByTestId('id-card-photo')).toBeVisible();
    const photoBase64 = (await card.getByTestId('id-card-photo').getAttribute('src'))!.split(',')[1]!;
    expect(photoBase64.length).toBeGreaterThan(100);
    // The clerk goes on to the basis and the reason: the elder's case under Art. 22.
    await expect(duty.getByTestId('duty-basis')).toBeFocused();
    await page.keyboard.type('《上海市电子证照管理办法》第二十二条');
    await chooseDutyReason('老年人不便使用电子证照');
    await duty.getByTestId('duty-submit').click();
    await expect(duty).toBeHidden();
    await expect(page.getByTestId('holder-name')).toHaveText(elder.name);
    await expect(page.getByTestId('holder-basis')).toHaveAttribute('data-basis', 'duty');

    // The screen: the elder, masked; each licence pulled, then verified; what is exempt; what is needed on paper, and why.
    await expect(root).toHaveAttribute('data-stage', 'materials');
    await expect(root).toContainText('本次将调取您的以下证照');
    await expect(screen.getByTestId('applicant-holder')).toContainText(maskedId);
    await expect(screen.getByTestId('applicant-holder')).toContainText(maskedName);
    await waitForPulls(page);
    await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'exempt');
    await expect(materialCard(page, 'M02')).toHaveAttribute('data-state', 'exempt');
    await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'needs_paper');
    const pull = (id: string) => screen.locator(`[data-testid="applicant-pull"][data-material="${id}"]`);
    await expect(pull('M01')).toHaveAttribute('data-state', 'verified');
    await expect(pull('M02')).toHaveAttribute('data-state', 'verified');
    await expect(pull('M01')).toContainText('已核验');
    await expect(pull('M02')).toContainText('已核验');
    await expect(pull('M03')).toHaveAttribute('data-state', 'not_found');
    await expect(pull('M03')).toContainText('证照库中没有');
    const pulls = (await screen.evaluate(() => window.__screenLog!)).pulls;
    for (const id of ['M01', 'M02']) {
      const first = pulls.findIndex((p) => p.includes(`${id}:pulling`));
      const done = pulls.findIndex((p) => p.includes(`${id}:verified`));
      expect(first, `${id} shown being pulled`).toBeGreaterThanOrEqual(0);
      expect(done, `${id} shown verified after`).toBeGreaterThan(first);
    }
    await expect(root).toContainText('以下材料已免交');
    const exempt = screen.getByTestId('applicant-exempt');
    await expect(exempt).toHaveCount(2);
    await expect(exempt.nth(0)).toHaveAttribute('data-material', 'M01');
    await expect(exempt.nth(1)).toHaveAttribute('data-material', 'M02');
    await expect(root).toContainText('请提供以下纸质材料');
    const paper = screen.getByTestId('applicant-paper');
    await expect(paper).toHaveCount(1);
    await expect(paper).toHaveAttribute('data-material', 'M03');
    await expect(paper).toHaveAttribute('data-received', 'false');
    await expect(paper).toHaveAttribute('data-reason', 'not_in_library');
    await expect(paper).toContainText('结婚证');
    await expect(paper).toContainText('市电子证照库中没有您的此项证照');
    await expect(page.getByTestId('complete-case')).toBeDisabled();

    // The marriage certificate under the document camera: one Space per page.
    await materialCard(page, 'M03').getByTestId('take-paper').click();
    const dialog = page.getByTestId('paper-dialog');
    await expect(dialog.getByTestId('paper-resolution')).toHaveText('分辨率 1280×720', { timeout: 20_000 });
    await expect(dialog.getByTestId('paper-preview')).toBeFocused();
    // The reason preselected is what the library said, as the applicant's screen says it, not
    // the missing phone (README, "Serving an applicant" step 5).
    await expect(paperReasonChosen(page)).toHaveText('证照库中无此证照');
    for (let n = 1; n <= PAGES; n++) {
      await waitForPageUnderCamera(n);
      await page.keyboard.press('Space');
      await expect(dialog.getByTestId('paper-page-count')).toContainText(`已添加 ${n} 页`);
    }
    const items = dialog.getByTestId('paper-page');
    await expect(items).toHaveCount(PAGES);
    await expect(items.and(page.locator('[data-state="processing"]'))).toHaveCount(0, { timeout: 30_000 });
    for (let i = 0; i < PAGES; i++) {
      await expect(items.nth(i)).toHaveAttribute('data-state', 'ready');
      // Found on the desk and cropped to the sheet.
      await expect(items.nth(i)).toHaveAttribute('data-source', 'detected');
    }
    await page.keyboard.press('Control+Enter');
    await expect(dialog).toBeHidden({ timeout: 20_000 });
    await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'paper_scanned');
    await expect(materialCard(page, 'M03').getByTestId('paper-thumb')).toHaveAttribute('data-pages', String(PAGES));

    // Kept in the case as one PDF of those pages, in the order they were laid under the camera.
    const stored = await storedPaper(caseNo, 'M03');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'application/pdf', pages: PAGES });
    const images = await pdfPageImages(stored[0]!.bytes);
    expect(images).toHaveLength(PAGES);
    expect(await numbersOf(images)).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));

    // The screen: the paper is received, under the reason the clerk kept.
    await expect(paper).toHaveAttribute('data-received', 'true');
    await expect(paper).toHaveAttribute('data-reason', 'not_in_library');
    await expect(paper).toContainText('已收取');
    await expect(paper).toContainText('市电子证照库中没有您的此项证照');
    await expect(root).toContainText('已收取的纸质材料');

    // 办结 (Alt+C), then the receipt printed (Alt+P) in the browser's print dialog.
    await page.evaluate(() => {
      window.printDialogs = 0;
      window.print = () => void (window.printDialogs! += 1);
    });
    await expect(page.getByTestId('complete-case')).toBeEnabled();
    await page.keyboard.press('Alt+KeyC');
    await expect(page.getByTestId('receipt')).toBeVisible();
    await expect(page.getByTestId('id-card-photo')).toHaveCount(0);
    await expect(root).toHaveAttribute('data-stage', 'completed');
    await expect(screen.getByTestId('applicant-completed')).toContainText('办理完成');
    await expect(screen.getByTestId('applicant-case-no')).toHaveAttribute('data-case', caseNo);
    await expect(screen.getByTestId('applicant-exempt')).toHaveCount(2);
    await expect(screen.getByTestId('applicant-paper')).toHaveAttribute('data-received', 'true');

    await page.keyboard.press('Alt+KeyP');
    await expect.poll(() => page.evaluate(() => window.printDialogs)).toBe(1);
    await expect(page.getByTestId('print-document')).toHaveAttribute('data-kind', 'receipt');
    const receipt = await printToPdf();
    expect(receipt.pages).toBe(1);
    for (const phrase of [
      '收件凭证',
      caseNo,
      '内地居民离婚登记',
      '依职能授权（无手机办理）',
      elder.name,
      maskedId,
      '结婚证',
      '纸质材料原因：证照库中无此证照',
      '免交（电子证照）',
      '共 3 项材料：电子证照免交 2 项，收取纸质材料 1 项，未提交 0 项。',
    ])
      expect(receipt.flat, phrase).toMatch(pdfPhrase(phrase));
    // Not cut at the bottom: the last line is printed.
    expect(receipt.flat).toMatch(new RegExp(`${pdfPhrase('窗口扫描条码或二维码即可查到本办件').source}$`, 'u'));
    expect(receipt.flat).not.toContain(elder.idNumber);

    // On the library's side: a duty grant for the case, and its usage record with the paper and why.
    expect(await grantsFor(workstation, caseNo)).toEqual([expect.objectContaining({ basis: 'duty' })]);
    await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered', { timeout: 20_000 });
    const [record] = await usageRecordsOf(workstation, caseNo);
    expect(record!.materials.map((m) => [m.materialId, m.outcome]).sort()).toEqual([
      ['M01', 'exempt'],
      ['M02', 'exempt'],
      ['M03', 'paper'],
    ]);
    expect(record!.materials.find((m) => m.materialId === 'M03')).toMatchObject({ paperReason: 'not_in_library' });

    // 下一位: the screen is neutral again, nothing of the elder left on it.
    await page.getByTestId('next-case').click();
    await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'idle');
    await expect(root).toHaveAttribute('data-view', 'neutral');
    await expect(root).toContainText('欢迎');
    await expect(root).not.toContainText(caseNo.slice(-4));
    await expect(root).not.toContainText(maskedId);

    // At no moment did the screen receive or show the full ID number, the birth date it
    // encodes, the full name or the card's photo.
    const leaks = await screen.evaluate(
      (secrets) => {
        const log = window.__screenLog!;
        const found: string[] = [];
        for (const secret of secrets) {
          if (log.messages.some((m) => m.includes(secret))) found.push(`a message carried ${secret.slice(0, 20)}`);
          if (log.pages.some((p) => p.includes(secret))) found.push(`the screen showed ${secret.slice(0, 20)}`);
        }
        return { found, messages: log.messages.length, pages: log.pages.length };
      },
      [elder.idNumber, elder.idNumber.slice(6, 14), elder.name, photoBase64.slice(100, 200)],
    );
    expect(leaks.messages).toBeGreaterThan(5);
    expect(leaks.pages).toBeGreaterThan(5);
    expect(leaks.found).toEqual([]);
  } finally {
    await setFaults(workstation, { latencyMs: 0 });
  }
});
