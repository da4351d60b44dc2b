import { openUntrustedPdf, renderPage } from '../viewer/pdf-document';
import { thumbnailSize } from './paper-rules';

type Drawable = CanvasImageSource & { width: number; height: number };

async function canvasToJpeg(canvas: HTMLCanvasElement | OffscreenCanvas, quality: number): Promise<Blob> {
  if (canvas instanceof HTMLCanvasElement) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob gave no JPEG'))), 'image/jpeg', quality),
    );
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

function makeCanvas(width: number, height: number): HTMLCanvasElement | OffscreenCanvas {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

// JPEG has no transparency: a transparent PNG would turn black without a white ground.
async function drawToJpeg(source: Drawable, width: number, height: number, quality: number): Promise<Blob> {
  const canvas = makeCanvas(width, height);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2d context');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(source, 0, 0, width, height);
  return canvasToJpeg(canvas, quality);
}

/** A PNG or JPEG image's size and thumbnail; rejects when the image cannot be decoded. */
export async function imagePage(image: Blob): Promise<{ thumbnail: Blob; width: number; height: number }> {
  const bitmap = await createImageBitmap(image);
  try {
    const size = thumbnailSize(bitmap.width, bitmap.height);
    return { thumbnail: await drawToJpeg(bitmap, size.width, size.height, 0.8), width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}

/**
 * JPEG thumbnails of a PDF's first `count` pages, the PDF opened once; `onPage` hears of each
 * page done (progress). Rejects when pdf.js cannot open or draw a page.
 */
export async function pdfThumbnails(bytes: Uint8Array, count: number, onPage?: (done: number) => void): Promise<Blob[]> {
  const task = openUntrustedPdf(bytes);
  try {
    const doc = await task.promise;
    const thumbnails: Blob[] = [];
    for (let n = 1; n <= Math.min(count, doc.numPages); n++) {
      const page = await doc.getPage(n);
      const natural = page.getViewport({ scale: 1 });
      const size = thumbnailSize(natural.width, natural.height);
      const canvas = document.createElement('canvas');
      await renderPage(page, canvas, size.width / natural.width, 1).promise;
      thumbnails.push(await canvasToJpeg(canvas, 0.8));
      page.cleanup();
      onPage?.(n);
    }
    if (thumbnails.length < count) throw new Error('the PDF has fewer pages than pdf-lib counted');
    return thumbnails;
  } finally {
    await task.destroy();
  }
}

/** The video's current frame at its full resolution, as a JPEG page. */
export async function captureFrame(video: HTMLVideoElement): Promise<Blob> {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) throw new Error('no video frame yet');
  const canvas = makeCanvas(video.videoWidth, video.videoHeight);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(video, 0, 0, video.videoWidth, video.videoHeight);
  return canvasToJpeg(canvas, 0.92);
}
