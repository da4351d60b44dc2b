import { computed, onScopeDispose, reactive, ref, shallowRef } from 'vue';
import { moveItem, PAGE_DPI, PAGE_JPEG_QUALITY, PAGE_MAX_SIDE, pageDpi } from '../../../../shared/document-camera';
import type { Quad } from '../../../../shared/document-scan';
import { assemblePaperPdf, PaperPdfError, pdfPageCount, type PaperPdfSource } from '../../../../shared/paper-pdf';
import { t } from '../../../i18n';
import { checkImport, SNIFF_BYTES, THUMBNAIL_MAX_HEIGHT, THUMBNAIL_MAX_WIDTH } from './paper-rules';
import { useSheetWorker } from './sheet-client';
import { imagePage, pdfThumbnails } from './thumbnails';

/** The most pages one imported PDF may bring (a material is a few pages; a huge file is a mistake). */
export const MAX_PDF_PAGES = 200;

/** What a camera page keeps for a later corner adjustment: the frame as captured and its corners. */
export interface CaptureInfo {
  frame: Blob;
  frameWidth: number;
  frameHeight: number;
  corners: Quad;
  /** The corners found automatically, null when no sheet was found. */
  detected: Quad | null;
  source: 'detected' | 'hand' | 'whole';
}

/** One page in the paper dialog. */
export interface PageItem {
  id: number;
  name: string;
  state: 'processing' | 'ready' | 'failed';
  /** camera: photographed here; image: an imported PNG/JPEG; pdf: a page of an imported PDF or of the kept document. */
  origin: 'camera' | 'image' | 'pdf';
  /** Whether it came from the document already kept for the material. */
  kept: boolean;
  thumbnail: Blob | null;
  thumbUrl: string | null;
  /** The page's image (camera and image pages). */
  image: Blob | null;
  width: number;
  height: number;
  /** A page of a PDF (pdf pages). */
  pdf: { bytes: Uint8Array; pageIndex: number } | null;
  capture: CaptureInfo | null;
}

/** A file of the kept document, as the counter store hands it over. */
export interface KeptFile {
  page: Blob;
  contentType: string;
}

/** The material's paper as the dialog hands it to be kept: one PDF of every page, in order. */
export interface PaperDocument {
  pdf: Blob;
  /** The first page's thumbnail. */
  thumbnail: Blob;
  pages: number;
  /** Pages added in this dialog (the rest were kept before). */
  added: number;
}

/** A long operation under way, for the progress line. */
export interface PaperProgress {
  kind: 'import' | 'load' | 'save';
  done: number;
  total: number;
}

function pdfProblemText(error: unknown): string {
  if (error instanceof PaperPdfError) return t(`paper.pdfProblems.${error.problem}`, { page: error.page ?? 0 });
  return t('paper.saveFailed');
}

/**
 * The pages of one material in the paper dialog: captured (cropped, straightened and compressed
 * in the worker), imported, or loaded from the document kept before; reordered, removed (the
 * last removal can be undone), corners adjusted; and assembled into the one PDF the case keeps.
 */
export function usePaperPages() {
  const pages = ref<PageItem[]>([]);
  /** The page removed last, with where it was, while it can still be put back (撤销). */
  const removed = shallowRef<{ page: PageItem; index: number } | null>(null);
  const progress = ref<PaperProgress | null>(null);
  const worker = useSheetWorker();
  let nextId = 0;
  let captures = 0;
  let session = 0;

  const processing = computed(() => pages.value.filter((p) => p.state === 'processing').length);
  const failed = computed(() => pages.value.filter((p) => p.state === 'failed').length);

  function newItem(fields: Partial<PageItem> & Pick<PageItem, 'name' | 'origin' | 'state'>): PageItem {
    return reactive<PageItem>({
      id: ++nextId,
      kept: false,
      thumbnail: null,
      thumbUrl: null,
      image: null,
      width: 0,
      height: 0,
      pdf: null,
      capture: null,
      ...fields,
    }) as PageItem;
  }

  function setThumbnail(item: PageItem, thumbnail: Blob): void {
    if (item.thumbUrl) URL.revokeObjectURL(item.thumbUrl);
    item.thumbnail = thumbnail;
    item.thumbUrl = URL.createObjectURL(thumbnail);
  }

  function forget(item: PageItem): void {
    if (item.thumbUrl) URL.revokeObjectURL(item.thumbUrl);
    item.thumbUrl = null;
  }

  function forgetRemoved(): void {
    if (removed.value) forget(removed.value.page);
    removed.value = null;
  }

  /** Empties the list (the dialog opened or closed); pages still being processed are dropped, and so is their work. */
  function reset(): void {
    session++;
    worker.dispose();
    for (const page of pages.value) forget(page);
    pages.value = [];
    forgetRemoved();
    progress.value = null;
    captures = 0;
  }

  async function makePage(item: PageItem, image: ImageBitmap | Blob, corners: Quad | null, keepFrame: boolean): Promise<void> {
    const mine = session;
    item.state = 'processing';
    const reply = await worker.page({
      image,
      corners,
      keepFrame,
      quality: PAGE_JPEG_QUALITY,
      maxSide: PAGE_MAX_SIDE,
      thumbnail: { maxWidth: THUMBNAIL_MAX_WIDTH, maxHeight: THUMBNAIL_MAX_HEIGHT },
    });
    if (mine !== session) return;
    if (reply.type !== 'page') {
      item.state = 'failed';
      return;
    }
    item.image = reply.page;
    item.width = reply.width;
    item.height = reply.height;
    setThumbnail(item, reply.thumbnail);
    const frame = reply.frame ?? (item.capture ? { jpeg: item.capture.frame, width: item.capture.frameWidth, height: item.capture.frameHeight } : null);
    if (frame) {
      item.capture = {
        frame: frame.jpeg,
        frameWidth: frame.width,
        frameHeight: frame.height,
        corners: reply.corners,
        detected: item.capture ? item.capture.detected : reply.source === 'detected' ? reply.corners : null,
        source: reply.source,
      };
    }
    item.state = 'ready';
  }

  /**
   * Takes the video's current picture as a new page: listed at once (so that Space after Space
   * counts pages without waiting), processed in the worker in order. Throws when the video has
   * no picture yet.
   */
  async function capture(video: HTMLVideoElement): Promise<PageItem> {
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) throw new Error('no video frame yet');
    const bitmap = await createImageBitmap(video);
    const item = newItem({ name: t('paper.capturedName', { n: ++captures }), origin: 'camera', state: 'processing' });
    pages.value.push(item);
    void makePage(item, bitmap, null, true);
    return item;
  }

  /** Straightens a camera page again with hand-set corners (null: the ones found automatically). */
  async function adjust(item: PageItem, corners: Quad | null): Promise<boolean> {
    if (!item.capture) return false;
    const before = item.capture;
    await makePage(item, before.frame, corners ?? before.detected, false);
    return item.state === 'ready';
  }

  function pdfPages(bytes: Uint8Array, count: number, thumbnails: Blob[], name: (index: number) => string, kept: boolean): PageItem[] {
    return Array.from({ length: count }, (_, i) => {
      const item = newItem({ name: name(i), origin: 'pdf', state: 'ready', kept, pdf: { bytes, pageIndex: i } });
      setThumbnail(item, thumbnails[i]!);
      return item;
    });
  }

  async function importOne(file: File, onPage: () => void): Promise<string | null> {
    const precheck = checkImport(file);
    if (!precheck.ok) return precheck.message;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const check = checkImport(file, bytes.subarray(0, SNIFF_BYTES));
      if (!check.ok) return check.message;
      if (check.contentType === 'application/pdf') {
        // pdf-lib must be able to copy its pages into the material's PDF, and pdf.js to show them.
        const count = await pdfPageCount(bytes);
        if (count > MAX_PDF_PAGES) return t('paper.refused.tooManyPages', { name: file.name, n: count, max: MAX_PDF_PAGES });
        const thumbnails = await pdfThumbnails(bytes, count, onPage);
        pages.value.push(...pdfPages(bytes, count, thumbnails, (i) => (count > 1 ? t('paper.pdfPageName', { name: file.name, n: i + 1 }) : file.name), false));
        return null;
      }
      const image = new Blob([bytes], { type: check.contentType });
      const { thumbnail, width, height } = await imagePage(image);
      const item = newItem({ name: file.name, origin: 'image', state: 'ready', image, width, height });
      setThumbnail(item, thumbnail);
      pages.value.push(item);
      onPage();
      return null;
    } catch {
      return t('paper.refused.unreadable', { name: file.name });
    }
  }

  /** Imports files from disk (a scanner's folder); answers the refusals, one sentence each. */
  async function importFiles(files: readonly File[]): Promise<string[]> {
    const mine = session;
    const refusals: string[] = [];
    progress.value = { kind: 'import', done: 0, total: files.length };
    try {
      for (const [index, file] of files.entries()) {
        const refusal = await importOne(file, () => undefined);
        if (mine !== session) return [];
        if (refusal) refusals.push(refusal);
        progress.value = { kind: 'import', done: index + 1, total: files.length };
      }
    } finally {
      if (mine === session) progress.value = null;
    }
    return refusals;
  }

  /**
   * Lists the pages of the document kept for the material before, so that pages added now go
   * with them into one PDF, in an order the clerk sees. Answers false when it cannot be read.
   */
  async function loadKept(files: readonly KeptFile[]): Promise<boolean> {
    const mine = session;
    progress.value = { kind: 'load', done: 0, total: files.length };
    // The kept pages go first, in their order, even when a page was taken while they loaded.
    let at = 0;
    const insert = (items: PageItem[]) => {
      pages.value.splice(at, 0, ...items);
      at += items.length;
    };
    try {
      for (const [index, file] of files.entries()) {
        const bytes = new Uint8Array(await file.page.arrayBuffer());
        if (mine !== session) return true;
        if (file.contentType === 'application/pdf') {
          const count = await pdfPageCount(bytes);
          const thumbnails = await pdfThumbnails(bytes, count);
          if (mine !== session) return true;
          const first = at;
          insert(pdfPages(bytes, count, thumbnails, (i) => t('paper.keptPageName', { n: first + i + 1 }), true));
        } else {
          const image = new Blob([bytes], { type: file.contentType });
          const { thumbnail, width, height } = await imagePage(image);
          if (mine !== session) return true;
          const item = newItem({ name: t('paper.keptPageName', { n: at + 1 }), origin: 'image', state: 'ready', kept: true, image, width, height });
          setThumbnail(item, thumbnail);
          insert([item]);
        }
        progress.value = { kind: 'load', done: index + 1, total: files.length };
      }
      return true;
    } catch {
      return false;
    } finally {
      if (mine === session) progress.value = null;
    }
  }

  /** Moves a page to another place in the order. */
  function move(index: number, to: number): void {
    pages.value = moveItem(pages.value, index, to);
  }

  // A page goes with one click, and comes back with one: the last removal can be undone until
  // another page is removed or the dialog closes.
  function remove(index: number): PageItem | null {
    const [page] = pages.value.splice(index, 1);
    if (!page) return null;
    forgetRemoved();
    removed.value = { page, index };
    return page;
  }

  function undoRemove(): void {
    const last = removed.value;
    if (!last) return;
    removed.value = null;
    pages.value.splice(Math.min(last.index, pages.value.length), 0, last.page);
  }

  /**
   * The material's one PDF: every page in the list's order, camera pages as their compressed
   * JPEG at A4 size, imported images as they are, PDF pages copied. Throws an Error whose
   * message is the sentence to show.
   */
  async function assemble(title: string): Promise<PaperDocument> {
    const list = [...pages.value];
    progress.value = { kind: 'save', done: 0, total: list.length };
    try {
      const sources: PaperPdfSource[] = [];
      for (const page of list) {
        if (page.pdf) sources.push({ pdf: page.pdf.bytes, pageIndex: page.pdf.pageIndex });
        else if (page.image) sources.push({ bytes: new Uint8Array(await page.image.arrayBuffer()), dpi: pageDpi(page.width, page.height) });
        progress.value = { kind: 'save', done: sources.length, total: list.length };
      }
      let bytes: Uint8Array;
      try {
        bytes = await assemblePaperPdf(sources, { title, dpi: PAGE_DPI });
      } catch (error) {
        throw new Error(pdfProblemText(error), { cause: error });
      }
      return {
        pdf: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }),
        thumbnail: list[0]!.thumbnail!,
        pages: list.length,
        added: list.filter((p) => !p.kept).length,
      };
    } finally {
      progress.value = null;
    }
  }

  onScopeDispose(reset);

  return { pages, removed, progress, processing, failed, reset, capture, adjust, importFiles, loadKept, move, remove, undoRemove, assemble };
}
