import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { assemblePaperPdf, pageImageType, pdfPageCount } from '../../../shared/paper-pdf';
import { encodePng } from '../../../sandbox/portrait';

function png(width: number, height: number, level: number): Uint8Array {
  return new Uint8Array(encodePng(width, height, new Uint8Array(width * height * 3).fill(level)));
}

/**
 * A baseline JPEG's header as far as a PDF needs it (SOI, a SOF0 with the size and three
 * components, EOI): the PDF carries JPEG data as it is, decoded only by the viewer.
 */
function jpegHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
    0xff,
    0xd9,
  ]);
}

describe('assemblePaperPdf', () => {
  it('puts each page image on a page of its own size, in order', async () => {
    const pages = [{ bytes: png(400, 566, 250) }, { bytes: jpegHeader(1654, 2339) }, { bytes: png(566, 400, 10) }];
    const bytes = await assemblePaperPdf(pages, { title: '申请人有效身份证件', dpi: 200, createdAt: new Date('2026-11-27T02:00:00Z') });
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(3);
    const sizes = pdf.getPages().map((page) => page.getSize());
    expect(sizes[0]!.width).toBeCloseTo((400 / 200) * 72, 3);
    expect(sizes[0]!.height).toBeCloseTo((566 / 200) * 72, 3);
    // 1654 × 2339 px at 200 dpi is A4 (595 × 842 pt).
    expect(sizes[1]!.width).toBeCloseTo(595.4, 0);
    expect(sizes[1]!.height).toBeCloseTo(842, 0);
    expect(sizes[2]!.width).toBeGreaterThan(sizes[2]!.height);
    expect(pdf.getTitle()).toBe('申请人有效身份证件');
    // The JPEG is carried as it is, not re-encoded.
    const streams = pdf.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFRawStream => object instanceof PDFRawStream);
    const jpeg = streams.find((stream) => stream.dict.get(PDFName.of('Filter'))?.toString() === '/DCTDecode');
    expect(jpeg && [...jpeg.contents]).toEqual([...pages[1]!.bytes]);
  });

  it('gives the same bytes for the same pages and time', async () => {
    const pages = [{ bytes: png(20, 30, 128) }];
    const at = new Date('2026-11-27T02:00:00Z');
    expect(await assemblePaperPdf(pages, { createdAt: at })).toEqual(await assemblePaperPdf(pages, { createdAt: at }));
  });

  it('names the page that is not an image, and refuses an empty document', async () => {
    await expect(assemblePaperPdf([{ bytes: png(10, 10, 0) }, { bytes: new TextEncoder().encode('GIF89a') }])).rejects.toMatchObject({
      problem: 'not_an_image',
      page: 2,
    });
    await expect(assemblePaperPdf([{ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1]) }])).rejects.toMatchObject({
      problem: 'damaged_image',
      page: 1,
    });
    await expect(assemblePaperPdf([])).rejects.toMatchObject({ problem: 'no_pages', page: null });
    await expect(assemblePaperPdf([])).rejects.toBeInstanceOf(RangeError);
    expect(pageImageType(jpegHeader(1, 1))).toBe('jpeg');
  });

  it('gives each image its own resolution when it has one (a camera page printed at A4 size)', async () => {
    const bytes = await assemblePaperPdf([{ bytes: jpegHeader(440, 620), dpi: 620 / (297 / 25.4) }, { bytes: jpegHeader(440, 620) }], { dpi: 100 });
    const [a4, atDocumentDpi] = (await PDFDocument.load(bytes)).getPages().map((page) => page.getSize());
    expect(a4!.height).toBeCloseTo(841.9, 0);
    expect(atDocumentDpi!.height).toBeCloseTo((620 / 100) * 72, 3);
  });

  it("copies pages of other PDFs (an import, the material's document kept before) in the order given, with images between", async () => {
    const kept = await assemblePaperPdf([{ bytes: png(100, 141, 200) }, { bytes: png(141, 100, 100) }, { bytes: png(50, 50, 0) }], { dpi: 72 });
    expect(await pdfPageCount(kept)).toBe(3);
    const merged = await assemblePaperPdf([{ pdf: kept, pageIndex: 2 }, { bytes: png(300, 300, 255) }, { pdf: kept, pageIndex: 0 }], { dpi: 72 });
    const sizes = (await PDFDocument.load(merged)).getPages().map((page) => [Math.round(page.getWidth()), Math.round(page.getHeight())]);
    expect(sizes).toEqual([
      [50, 50],
      [300, 300],
      [100, 141],
    ]);
  });

  it('names the page whose PDF is damaged or lacks it, and counts no pages in a damaged file', async () => {
    const kept = await assemblePaperPdf([{ bytes: png(10, 10, 0) }]);
    await expect(assemblePaperPdf([{ bytes: png(10, 10, 0) }, { pdf: kept, pageIndex: 1 }])).rejects.toMatchObject({ problem: 'no_such_page', page: 2 });
    const damaged = new TextEncoder().encode('%PDF-1.7\nnot really a PDF');
    await expect(assemblePaperPdf([{ pdf: damaged, pageIndex: 0 }])).rejects.toMatchObject({ problem: 'damaged_pdf', page: 1 });
    await expect(pdfPageCount(damaged)).rejects.toMatchObject({ problem: 'damaged_pdf' });
  });

  it('refuses an encrypted PDF: its pages would be copied unreadable', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([100, 100]);
    const plain = new TextDecoder('latin1').decode(await doc.save({ useObjectStreams: false }));
    // The same file with an encryption dictionary in its trailer, as a PDF with an owner password has.
    const encrypted = new TextEncoder().encode(plain.replace('trailer\n<<', 'trailer\n<< /Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>'));
    expect(plain).toContain('trailer');
    expect(await pdfPageCount(new TextEncoder().encode(plain))).toBe(1);
    await expect(pdfPageCount(encrypted)).rejects.toMatchObject({ problem: 'damaged_pdf' });
  });
});
