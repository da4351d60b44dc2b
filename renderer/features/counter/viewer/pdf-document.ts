import { getDocument, GlobalWorkerOptions, VerbosityLevel, type PDFDocumentLoadingTask, type PDFPageProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

// pdf.js's helper data (CMaps for non-embedded CJK fonts such as STSong-Light with
// UniGB-UCS2-H, the standard 14 fonts, the JPEG 2000/JBIG2 decoders) ships inside the app as
// files of its own: nothing is ever fetched from outside the app's origin, and nothing is
// fetched at all until a PDF needs it. `no-inline` keeps even the small ones as files, since
// the CSP's connect-src would refuse fetch() on a data: URL; the bundler reads the glob
// options only when they are written out literally.
const ASSETS: Record<string, Record<string, string>> = {
  cMapUrl: import.meta.glob<string>('../../../../node_modules/pdfjs-dist/cmaps/*.bcmap', { query: '?url&no-inline', import: 'default', eager: true }),
  standardFontDataUrl: import.meta.glob<string>('../../../../node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}', {
    query: '?url&no-inline',
    import: 'default',
    eager: true,
  }),
  wasmUrl: import.meta.glob<string>('../../../../node_modules/pdfjs-dist/wasm/*.wasm', { query: '?url&no-inline', import: 'default', eager: true }),
};

const assetUrls = new Map<string, string>();
for (const [kind, files] of Object.entries(ASSETS)) {
  for (const [path, url] of Object.entries(files)) assetUrls.set(`${kind}/${path.slice(path.lastIndexOf('/') + 1)}`, url);
}

/** Serves pdf.js's requests for helper data from the bundled copies (pdf.js instantiates it). */
class BundledDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const url = assetUrls.get(`${kind}/${filename}`);
    if (!url) throw new Error(`pdf.js asset not bundled: ${kind}/${filename}`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

/**
 * Opens a PDF that came from outside (the library, a scanner's folder) as untrusted input: no
 * eval of PDF functions, no XFA, no fetches except the bundled helper data, and an image size
 * cap against decompression bombs. The bytes are copied, since pdf.js transfers its buffer to
 * the worker and the caller's array must stay usable. `destroy()` on the task frees the
 * document and its worker-side memory.
 */
export function openUntrustedPdf(bytes: Uint8Array): PDFDocumentLoadingTask {
  return getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    enableXfa: false,
    // pdf.js only draws glyphs from the PDF or the bundled standard fonts; a non-embedded
    // CJK font is drawn with the browser's generic CJK face by the canvas fallback. Probing
    // locally installed fonts would make the page look different on each workstation.
    useSystemFonts: false,
    disableFontFace: false,
    useWorkerFetch: false,
    BinaryDataFactory: BundledDataFactory,
    maxImageSize: 50_000_000,
    stopAtErrors: false,
    verbosity: VerbosityLevel.ERRORS,
  });
}

/**
 * Renders `page` at `scale` (CSS pixels per PDF point) into `canvas`, `pixelRatio` device pixels
 * per CSS pixel; the canvas takes the bitmap size, its CSS size is the caller's business.
 */
export function renderPage(page: PDFPageProxy, canvas: HTMLCanvasElement, scale: number, pixelRatio: number): { promise: Promise<void>; cancel: () => void } {
  const viewport = page.getViewport({ scale });
  canvas.width = Math.max(1, Math.floor(viewport.width * pixelRatio));
  canvas.height = Math.max(1, Math.floor(viewport.height * pixelRatio));
  const task = page.render({
    canvas,
    viewport,
    transform: pixelRatio === 1 ? undefined : [pixelRatio, 0, 0, pixelRatio, 0, 0],
  });
  return { promise: task.promise, cancel: () => task.cancel() };
}
