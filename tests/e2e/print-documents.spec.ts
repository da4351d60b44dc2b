import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { code128, code128Path } from '../../shared/code128';
import { DEFAULT_DEVICE_SETTINGS, type PrintLayout } from '../../shared/devices';
import { LAYOUT_GEOMETRY } from '../../shared/print-documents';
import { zxingWasmFromPackage } from '../fixtures/qr/zxing-node';
import {
  closeCounter,
  EDGE,
  fullHolder,
  gunScan,
  holderByNote,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  startCase,
  storedCase,
  takePaper,
  usageRecordsOf,
  waitForPulls,
} from './counter-helpers';
import { expect, rawHostCall, signIn, signOut, test, type RunningWorkstation } from './workstation';

// Issue 14 item 3: the receipt and the 一次性告知书, each in the A4 and the 80 mm thermal layout
// chosen in 设置, printed to PDF in Chromium as the browser's dialog would print them; their
// text, their page, nothing past the printable width, and the codes a gun reads back.

// Each test serves two cases and signs in three times.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

let context: BrowserContext;
let page: Page;

const PT_PER_MM = 72 / 25.4;
const PX_PER_MM = 96 / 25.4;
const PDFJS = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const FOOTER = '窗口扫描条码或二维码即可查到本办件';

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
  await prepareZXingModule({ overrides: { wasmBinary: (zxingWasmFromPackage() as { wasmBinary: ArrayBuffer }).wasmBinary }, fireImmediately: true });
});
test.afterAll(async ({ workstation }) => {
  await resetPrinter(workstation);
  await closeCounter(context, workstation);
});

/** Puts the device settings' printer back as a new workstation has it, for the spec files after this one. */
async function resetPrinter(ws: RunningWorkstation): Promise<void> {
  const headers = { origin: ws.origin, 'x-workstation-key': ws.secret };
  await rawHostCall(ws, 'session.signOut', headers);
  await rawHostCall(ws, 'session.signIn', headers, JSON.stringify({ username: 'super01', password: 'demo' }));
  const view = await rawHostCall(ws, 'devices.settings.get', headers);
  const settings = (view.body.value as { settings: typeof DEFAULT_DEVICE_SETTINGS }).settings;
  await rawHostCall(ws, 'devices.settings.set', headers, JSON.stringify({ ...settings, printer: DEFAULT_DEVICE_SETTINGS.printer }));
}

/** The supervisor sets the layout and the printer in 设置 → 打印; the clerk signs in again. */
async function choosePrinter(ws: RunningWorkstation, layout: PrintLayout, printerName: string): Promise<void> {
  await signOut(page);
  await signIn(page, ws, 'super01');
  await page.getByRole('menuitem', { name: '设置' }).click();
  const settings = page.getByTestId('printer-settings');
  await expect(settings).toHaveAttribute('data-printing', 'browser');
  await expect(settings).toContainText('浏览器模式下由浏览器的打印对话框选择打印机');
  await settings.locator(`[data-testid="printer-layout"] .el-radio[data-layout="${layout}"]`).click();
  await settings.getByTestId('printer-name').fill(printerName);
  await settings.getByTestId('printer-save').click();
  await expect(settings.getByTestId('printer-notice')).toContainText('打印设置已保存');
  await expect(settings.getByTestId('printer-notice')).toContainText('打印版式');
  await signOut(page);
  await signIn(page, ws, 'clerk01');
  await expect(page.getByTestId('counter-page')).toBeVisible();
  await stubPrintDialog();
}

/** The browser's print dialog cannot be driven from a test: count the times it would open. */
async function stubPrintDialog(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { printDialogs: number };
    w.printDialogs = 0;
    window.print = () => void w.printDialogs++;
  });
}

const printDialogs = () => page.evaluate(() => (window as unknown as { printDialogs: number }).printDialogs);

interface PdfText {
  pages: number;
  width: number;
  height: number;
  /** Every text item of every page, in order, with its horizontal extent in points. */
  items: { str: string; x: number; right: number }[];
  /** All the text, whitespace removed (a phrase may wrap onto the next line). */
  flat: string;
}

/** The page printed to PDF as the browser's dialog prints it (print media, the CSS page size), and its text. */
async function printToPdf(): Promise<PdfText> {
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    cMapUrl: `${join(PDFJS, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${join(PDFJS, 'standard_fonts')}/`,
  }).promise;
  const items: PdfText['items'] = [];
  const first = await doc.getPage(1);
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      // Noto CJK's ToUnicode maps some glyphs to Kangxi radicals (⼝ for 口): NFKC gives the ideographs back.
      items.push({ str: item.str.normalize('NFKC'), x: item.transform[4] as number, right: (item.transform[4] as number) + item.width });
    }
  }
  const result = {
    pages: doc.numPages,
    width: first.view[2]!,
    height: first.view[3]!,
    items,
    flat: items
      .map((i) => i.str)
      .join('')
      .replace(/\s+/g, ''),
  };
  await doc.destroy();
  return result;
}

/**
 * A phrase as a pattern over the PDF's text. The CJK font shares a glyph between an ideograph and
 * its radical form, and the PDF's text map names the glyph by one of them (⺠ for 民, ⻔ for 门): a
 * character of the CJK Radicals Supplement in the PDF stands for the ideograph expected there.
 * Kangxi radicals and full-width punctuation are folded by NFKC on both sides.
 */
function pdfPhrase(phrase: string): RegExp {
  const chars = [...phrase.normalize('NFKC').replace(/\s+/g, '')];
  return new RegExp(chars.map((c) => (/\p{Script=Han}/u.test(c) ? `[${c}\u2E80-\u2EFF]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 'u');
}

/** Expects the PDF's text to hold each phrase. */
function expectPdfText(pdf: PdfText, phrases: string[]): void {
  for (const phrase of phrases) expect(pdf.flat, phrase).toMatch(pdfPhrase(phrase));
}

/** Checks the PDF's page is the layout's and that no text reaches into the margins or past the paper's edge. */
function expectLaidOut(pdf: PdfText, layout: PrintLayout): void {
  const geometry = LAYOUT_GEOMETRY[layout];
  expect(pdf.width).toBeCloseTo(geometry.pageWidthMm * PT_PER_MM, 0);
  expect(pdf.height).toBeCloseTo(geometry.pageHeightMm * PT_PER_MM, 0);
  expect(pdf.pages).toBe(1);
  const left = geometry.marginMm * PT_PER_MM - 0.5;
  const right = (geometry.pageWidthMm - geometry.marginMm) * PT_PER_MM + 0.5;
  const outside = pdf.items.filter((item) => item.x < left || item.right > right);
  expect(outside, `text outside ${left.toFixed(1)}–${right.toFixed(1)} pt`).toEqual([]);
  // The last line is there: the document was not cut at the bottom either.
  expect(pdf.flat).toMatch(new RegExp(`${pdfPhrase(FOOTER).source}$`, 'u'));
}

/** In print media: every element's and every line's box lies within the printable width of the layout. */
async function expectWithinPrintableWidth(layout: PrintLayout): Promise<void> {
  await page.emulateMedia({ media: 'print' });
  try {
    await expect(page.getByTestId('print-document')).toBeVisible();
    const measured = await page.getByTestId('print-document').evaluate((root) => {
      const doc = root.querySelector<HTMLElement>('.pdoc')!;
      const box = doc.getBoundingClientRect();
      const style = getComputedStyle(doc);
      const left = box.left + parseFloat(style.paddingLeft);
      const right = box.right - parseFloat(style.paddingRight);
      const outside: string[] = [];
      const check = (what: string, r: DOMRect) => {
        if (r.width === 0 && r.height === 0) return;
        if (r.left < left - 0.5 || r.right > right + 0.5) outside.push(`${what} ${r.left.toFixed(1)}–${r.right.toFixed(1)}`);
      };
      for (const el of doc.querySelectorAll('*')) check(el.tagName, el.getBoundingClientRect());
      const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) check(`"${node.textContent.trim().slice(0, 20)}"`, r);
      }
      return { width: right - left, outside, left, right };
    });
    expect(measured.width).toBeCloseTo(LAYOUT_GEOMETRY[layout].printableWidthMm * PX_PER_MM, 0);
    expect(measured.outside, `inside ${measured.left}–${measured.right}`).toEqual([]);
    // For a reviewer: the document as it goes to paper.
    const kind = await page.getByTestId('print-document').getAttribute('data-kind');
    await page.getByTestId('print-document').screenshot({ path: `test-results/print-${kind}-${layout}.png` });
  } finally {
    await page.emulateMedia({ media: null });
  }
}

/** The barcode and the QR code as printed (print media, magnified four times as a gun's optics would), read by ZXing. */
async function expectCodesRead(caseNo: string, layout: PrintLayout): Promise<void> {
  const barcode = page.getByTestId('print-document').getByTestId('print-barcode');
  await expect(barcode).toHaveAttribute('data-text', caseNo);
  // The bars drawn are the encoder's, at the layout's module width.
  const symbol = code128(caseNo);
  expect(await barcode.locator('path').getAttribute('d')).toBe(code128Path(symbol));
  expect(await barcode.getAttribute('width')).toBe(`${symbol.modules * (layout === 'a4' ? 0.3 : 0.25)}mm`);
  // At 96 px an inch a thermal module is under one pixel: the document is zoomed for the picture.
  await page.emulateMedia({ media: 'print' });
  await page.getByTestId('print-document').evaluate((root) => root.style.setProperty('zoom', '4'));
  try {
    for (const [testId, format] of [
      ['print-barcode', 'Code128'],
      ['print-qr', 'QRCode'],
    ] as const) {
      const png = await page.getByTestId('print-document').getByTestId(testId).screenshot();
      const read = await readBarcodes(new Uint8Array(png), { formats: [format], maxNumberOfSymbols: 1 });
      expect(
        read.filter((r) => r.isValid).map((r) => r.text),
        testId,
      ).toEqual([caseNo]);
    }
  } finally {
    await page.getByTestId('print-document').evaluate((root) => root.style.removeProperty('zoom'));
    await page.emulateMedia({ media: null });
  }
}

/** Serves a holder by their 亮证码 for a matter, up to the materials. */
async function serve(ws: RunningWorkstation, idNumber: string, matter: { code: string; query: string }): Promise<string> {
  const caseNo = await startCase(page, matter);
  await gunScan(page, await mintToken(ws, idNumber));
  await waitForPulls(page);
  return caseNo;
}

test('80 mm thermal: a 一次性告知书 for a marriage certificate not in the library, the case left open, then its receipt', async ({ workstation }) => {
  await choosePrinter(workstation, 'thermal80', 'Counter_Thermal');
  const holder = await holderByNote(workstation, EDGE.notInLibrary);
  const caseNo = await serve(workstation, holder.idNumber, MATTERS.divorce);
  await expect(materialCard(page, 'M03')).toHaveAttribute('data-state', 'needs_paper');
  await expect(page.getByTestId('complete-case')).toBeDisabled();

  // At 办结 (Alt+C) with a required material missing: the notice, listing it and why.
  await page.keyboard.press('Alt+KeyC');
  const dialog = page.getByTestId('notice-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('notice-material')).toHaveCount(1);
  await expect(dialog.getByTestId('notice-material')).toHaveAttribute('data-reason', 'not_in_library');
  await expect(dialog.getByTestId('notice-material')).toContainText('结婚证');
  await expect(dialog.getByTestId('notice-material')).toContainText('市电子证照库中没有您的该项电子证照');
  await expect(dialog.getByTestId('notice-keep-open')).toHaveClass(/is-checked/);
  await dialog.getByTestId('notice-submit').click();
  await expect(dialog).toBeHidden();
  await expect.poll(printDialogs).toBe(1);

  // Left open: the case is still being served, and says the notice was issued.
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'materials');
  await expect(page.getByTestId('notice-issued')).toContainText('已出具一次性告知书');
  expect((await storedCase(page, caseNo))?.status).toBe('open');

  const printed = page.getByTestId('print-document');
  await expect(printed).toHaveAttribute('data-kind', 'notice');
  await expect(printed).toHaveAttribute('data-layout', 'thermal80');
  const pdf = await printToPdf();
  expectLaidOut(pdf, 'thermal80');
  expectPdfText(pdf, [
    '一次性告知书',
    '内地居民离婚登记',
    caseNo,
    '结婚证',
    '市电子证照库中没有您的该项电子证照，请提交纸质原件。',
    '可提交：结婚证',
    '本件予以保留',
    holder.name,
  ]);
  expect(pdf.flat).not.toContain(holder.idNumber);
  expectPdfText(pdf, [`${holder.idNumber.slice(0, 6)}********${holder.idNumber.slice(-4)}`]);
  await expectWithinPrintableWidth('thermal80');
  await expectCodesRead(caseNo, 'thermal80');

  // The applicant comes back with the paper: the case is completed and its receipt printed.
  await takePaper(page, 'M03', '证照库中无此证照');
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  await page.keyboard.press('Alt+KeyP');
  await expect.poll(printDialogs).toBe(2);
  await expect(printed).toHaveAttribute('data-kind', 'receipt');
  const receipt = await printToPdf();
  expectLaidOut(receipt, 'thermal80');
  expectPdfText(receipt, ['收件凭证', '内地居民离婚登记', caseNo, '结婚证', '纸质材料原因：证照库中无此证照', '免交（电子证照）', holder.name]);
  expect(receipt.flat).not.toContain(holder.idNumber);
  await expectWithinPrintableWidth('thermal80');
  await expectCodesRead(caseNo, 'thermal80');
});

test('A4: a 一次性告知书 for an expired driving licence, the case closed as 补正; then an ordinary receipt', async ({ workstation }) => {
  await choosePrinter(workstation, 'a4', 'Hall_A4');
  const holder = await holderByNote(workstation, EDGE.expired);
  const caseNo = await serve(workstation, holder.idNumber, MATTERS.driving);
  await expect(materialCard(page, 'M07')).toHaveAttribute('data-state', 'failed');

  await page.getByTestId('issue-notice').click();
  const dialog = page.getByTestId('notice-dialog');
  await expect(dialog.getByTestId('notice-material')).toHaveAttribute('data-reason', 'licence_invalid');
  await expect(dialog.getByTestId('notice-material')).toContainText('您的该项电子证照已过期');
  await dialog.getByTestId('notice-close').click();
  await expect(dialog).toContainText('不生成用证记录');
  await dialog.getByTestId('notice-submit').click();
  await expect.poll(printDialogs).toBe(1);

  // Closed as 补正: the counter is free for the next applicant, the case is not completed and no usage record goes to the library.
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('notice-closed')).toHaveAttribute('data-case', caseNo);
  await expect(page.getByTestId('notice-closed')).toContainText('已以补正结束');
  expect((await storedCase(page, caseNo))?.status).toBe('correction');
  expect(await usageRecordsOf(workstation, caseNo)).toEqual([]);

  const printed = page.getByTestId('print-document');
  await expect(printed).toHaveAttribute('data-layout', 'a4');
  const pdf = await printToPdf();
  expectLaidOut(pdf, 'a4');
  expectPdfText(pdf, [
    '一次性告知书',
    caseNo,
    '机动车驾驶证',
    '您的该项电子证照已过期，不能作为免交依据，请提交有效的证照原件。',
    '本件已作补正处理，现予结束',
    holder.name,
  ]);
  expect(pdf.flat).not.toContain(holder.idNumber);
  await expectWithinPrintableWidth('a4');
  await expectCodesRead(caseNo, 'a4');

  // It can be printed again (Alt+P) until the next case opens.
  await page.keyboard.press('Alt+KeyP');
  await expect.poll(printDialogs).toBe(2);

  // An ordinary case: every material exempt, its receipt on A4.
  const full = await fullHolder(workstation);
  const second = await serve(workstation, full.idNumber, MATTERS.idCard);
  await expect(page.getByTestId('notice-closed')).toHaveCount(0);
  await expect(page.getByTestId('print-document')).toHaveCount(0);
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  await page.getByTestId('print-receipt').click();
  await expect.poll(printDialogs).toBe(3);
  const receipt = await printToPdf();
  expectLaidOut(receipt, 'a4');
  expectPdfText(receipt, ['收件凭证', second, '居民身份证', '免交（电子证照）', '电子证照标识：', full.name]);
  expect(receipt.flat).not.toContain(full.idNumber);
  await expectWithinPrintableWidth('a4');
  await expectCodesRead(second, 'a4');
});
