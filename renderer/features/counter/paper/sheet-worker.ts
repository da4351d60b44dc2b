import { cropPage, fitWithin, FRAME_JPEG_QUALITY } from '../../../../shared/document-camera';
import type { RgbaImage } from '../../../../shared/document-scan';
import { handleSheetRequest, type PageReply, type PageRequest, type SheetReply, type SheetRequest } from './sheet-protocol';

/**
 * The document camera's worker: finds and straightens pages off the main thread, so that Space
 * can take the next page while the last one is processed, and compresses them here too
 * (OffscreenCanvas). Requests are answered one at a time, in order. Start it with
 * `new Worker(new URL('./sheet-worker.ts', import.meta.url), { type: 'module' })`.
 */
interface WorkerScope {
  onmessage: ((event: MessageEvent<SheetRequest>) => void) | null;
  postMessage(reply: SheetReply, transfer?: Transferable[]): void;
}

// This module runs as a dedicated worker: its global `self` is the worker's scope, not the
// window the page's DOM types describe.
declare const self: WorkerScope;
const scope = self;

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context in the worker');
  return ctx;
}

function toCanvas(image: RgbaImage): OffscreenCanvas {
  const canvas = new OffscreenCanvas(image.width, image.height);
  context(canvas).putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas;
}

async function makePage(request: PageRequest): Promise<PageReply | SheetReply> {
  const started = performance.now();
  const bitmap = request.image instanceof Blob ? await createImageBitmap(request.image) : request.image;
  const frameCanvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const frameCtx = context(frameCanvas);
  frameCtx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = frameCtx.getImageData(0, 0, frameCanvas.width, frameCanvas.height);
  const cropped = cropPage({ data: pixels.data, width: pixels.width, height: pixels.height }, request.corners, request.maxSide);
  if (!cropped) return { type: 'no-sheet', id: request.id, ms: performance.now() - started };
  const pageCanvas = toCanvas(cropped.page);
  const page = await pageCanvas.convertToBlob({ type: 'image/jpeg', quality: request.quality });
  const size = fitWithin(cropped.page.width, cropped.page.height, request.thumbnail.maxWidth, request.thumbnail.maxHeight);
  const thumbCanvas = new OffscreenCanvas(size.width, size.height);
  const thumbCtx = context(thumbCanvas);
  thumbCtx.imageSmoothingQuality = 'high';
  thumbCtx.drawImage(pageCanvas, 0, 0, size.width, size.height);
  const thumbnail = await thumbCanvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  const frame = request.keepFrame
    ? { jpeg: await frameCanvas.convertToBlob({ type: 'image/jpeg', quality: FRAME_JPEG_QUALITY }), width: frameCanvas.width, height: frameCanvas.height }
    : null;
  return {
    type: 'page',
    id: request.id,
    source: cropped.source,
    corners: cropped.corners,
    page,
    width: cropped.page.width,
    height: cropped.page.height,
    thumbnail,
    frame,
    ms: performance.now() - started,
  };
}

/** Runs tasks one at a time, in order: a burst of Space presses queues its frames here. */
function serially(): (task: () => Promise<void>) => void {
  let tail: Promise<void> = Promise.resolve();
  return (task) => {
    tail = tail.then(task);
  };
}

const enqueue = serially();

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type !== 'page') {
    const reply = handleSheetRequest(request);
    scope.postMessage(reply, reply.type === 'straightened' ? [reply.buffer] : []);
    return;
  }
  enqueue(async () => {
    try {
      scope.postMessage(await makePage(request));
    } catch (error) {
      scope.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
};
