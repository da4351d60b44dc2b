/**
 * The pages of one paper material kept as one PDF (Art. 22): the straightened, compressed page
 * images (JPEG or PNG), in the clerk's order, each on a page of its own size at a given
 * resolution, so that the PDF prints at the paper's real size. pdf-lib runs in the page, a worker
 * and Node alike.
 */
import { PDFDocument } from 'pdf-lib';

/** One page image as captured. */
export interface PaperPageImage {
  bytes: Uint8Array;
}

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
export type PaperPdfProblem = 'no_pages' | 'not_an_image' | 'damaged_image';

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
 * One PDF of the pages, in order: page n is image n, sized `pixels / dpi` inches. Throws a
 * {@link PaperPdfError} naming the page (1-based) that is not a JPEG or PNG, or when there is no page.
 */
export async function assemblePaperPdf(pages: readonly PaperPageImage[], options: PaperPdfOptions = {}): Promise<Uint8Array> {
  if (pages.length === 0) throw new PaperPdfError('no_pages');
  const dpi = options.dpi ?? 200;
  const pdf = await PDFDocument.create();
  const at = options.createdAt ?? new Date();
  pdf.setCreationDate(at);
  pdf.setModificationDate(at);
  pdf.setProducer('电子证照窗口工作台');
  pdf.setCreator('电子证照窗口工作台 · 高拍仪');
  if (options.title) pdf.setTitle(options.title);
  for (const [index, page] of pages.entries()) {
    const type = pageImageType(page.bytes);
    if (type === null) throw new PaperPdfError('not_an_image', index + 1);
    let image;
    try {
      image = type === 'jpeg' ? await pdf.embedJpg(page.bytes) : await pdf.embedPng(page.bytes);
    } catch {
      throw new PaperPdfError('damaged_image', index + 1);
    }
    const width = (image.width / dpi) * 72;
    const height = (image.height / dpi) * 72;
    pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return pdf.save({ useObjectStreams: true });
}
