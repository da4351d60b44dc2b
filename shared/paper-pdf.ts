/**
 * The pages of one paper material kept as one PDF (Art. 22): the straightened, compressed page
 * images (JPEG or PNG), in the clerk's order, each on a page of its own size at a given
 * resolution, so that the PDF prints at the paper's real size, and pages of imported PDFs (or of
 * the material's PDF kept before) copied as they are. pdf-lib runs in the page, a worker and Node
 * alike.
 */
import { PDFDocument } from 'pdf-lib';

/** One page image as captured: a JPEG or PNG. */
export interface PaperPageImage {
  bytes: Uint8Array;
  /** Its own resolution (a camera page is declared at the dpi that makes it A4); else the document's {@link PaperPdfOptions.dpi}. */
  dpi?: number;
}

/** One page of a PDF (an imported file, or the material's document kept before), copied as it is. */
export interface PaperPdfPageRef {
  /** The PDF's bytes; pages of one file share the same array, so it is parsed once. */
  pdf: Uint8Array;
  /** The page, 0-based. */
  pageIndex: number;
}

/** A page of the material's PDF: an image, or a page of another PDF. */
export type PaperPdfSource = PaperPageImage | PaperPdfPageRef;

/** Options of {@link assemblePaperPdf}. */
export interface PaperPdfOptions {
  /** The document's title (the material's name), in its metadata. */
  title?: string;
  /** Pixels per inch of the images (a page straightened to 1654 px wide at 200 dpi is A4 wide). */
  dpi?: number;
  /** The creation time written into the metadata; fixed in tests, so the bytes are repeatable. */
  createdAt?: Date;
}

/** Why the pages could not become a PDF (words: renderer/i18n/zh-CN.ts `paper.pdfProblems`). */
export type PaperPdfProblem = 'no_pages' | 'not_an_image' | 'damaged_image' | 'damaged_pdf' | 'no_such_page';

/** The refusal of {@link assemblePaperPdf}: the problem, and the page (1-based) it is about. */
export class PaperPdfError extends RangeError {
  constructor(
    readonly problem: PaperPdfProblem,
    readonly page: number | null = null,
  ) {
    super(page === null ? `paper PDF: ${problem}` : `paper PDF: ${problem} (page ${page})`);
    this.name = 'PaperPdfError';
  }
}

/** The image type of a page, from its first bytes. */
export function pageImageType(bytes: Uint8Array): 'jpeg' | 'png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  return null;
}

/**
 * Opens an untrusted PDF for its pages. Encrypted files are refused (pdf-lib would copy their
 * pages unreadable), as is anything pdf-lib cannot parse or a file without a page.
 */
async function openPdf(bytes: Uint8Array, page: number | null): Promise<PDFDocument> {
  let doc: PDFDocument;
  let pages: number;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
    // A file without a page tree fails here, not in load().
    pages = doc.getPageCount();
  } catch {
    throw new PaperPdfError('damaged_pdf', page);
  }
  if (doc.isEncrypted || pages === 0) throw new PaperPdfError('damaged_pdf', page);
  return doc;
}

/** How many pages a PDF has; a {@link PaperPdfError} `damaged_pdf` when it cannot be used (damaged, encrypted, empty). */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  return (await openPdf(bytes, null)).getPageCount();
}

/**
 * One PDF of the pages, in order: an image is page n at `pixels / dpi` inches (its own dpi, else
 * the document's); a page of another PDF is copied with its size and content. Throws a
 * {@link PaperPdfError} naming the page (1-based) that is not a JPEG or PNG, is damaged, or is
 * not in its PDF, or when there is no page.
 */
export async function assemblePaperPdf(pages: readonly PaperPdfSource[], options: PaperPdfOptions = {}): Promise<Uint8Array> {
  if (pages.length === 0) throw new PaperPdfError('no_pages');
  const dpi = options.dpi ?? 200;
  const pdf = await PDFDocument.create();
  const at = options.createdAt ?? new Date();
  pdf.setCreationDate(at);
  pdf.setModificationDate(at);
  pdf.setProducer('电子证照窗口工作台');
  pdf.setCreator('电子证照窗口工作台 · 高拍仪');
  if (options.title) pdf.setTitle(options.title);
  const sources = new Map<Uint8Array, PDFDocument>();
  for (const [index, page] of pages.entries()) {
    if ('pdf' in page) {
      let source = sources.get(page.pdf);
      if (!source) {
        source = await openPdf(page.pdf, index + 1);
        sources.set(page.pdf, source);
      }
      if (!Number.isInteger(page.pageIndex) || page.pageIndex < 0 || page.pageIndex >= source.getPageCount())
        throw new PaperPdfError('no_such_page', index + 1);
      let copied;
      try {
        [copied] = await pdf.copyPages(source, [page.pageIndex]);
      } catch {
        throw new PaperPdfError('damaged_pdf', index + 1);
      }
      pdf.addPage(copied!);
      continue;
    }
    const type = pageImageType(page.bytes);
    if (type === null) throw new PaperPdfError('not_an_image', index + 1);
    let image;
    try {
      image = type === 'jpeg' ? await pdf.embedJpg(page.bytes) : await pdf.embedPng(page.bytes);
    } catch {
      throw new PaperPdfError('damaged_image', index + 1);
    }
    const pageDpi = page.dpi !== undefined && page.dpi > 0 ? page.dpi : dpi;
    const width = (image.width / pageDpi) * 72;
    const height = (image.height / pageDpi) * 72;
    pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return pdf.save({ useObjectStreams: true });
}
