import { detectSheet, isConvexQuad, straightenPage, type Quad } from '../../../../shared/document-scan';

/**
 * The document camera worker's messages (sheet-worker.ts): a captured frame goes in with its
 * pixel buffer transferred; the sheet's corners come back (`detect`), or the straightened page
 * (`straighten`, with the detected corners or the clerk's hand-set ones). `page` does what the
 * paper dialog needs of one capture in one trip: the frame (a video picture or the frame kept
 * from an earlier capture) is decoded, cropped to the sheet and straightened (shared/
 * document-camera.ts cropPage), and comes back compressed, with a thumbnail and, on the first
 * trip, the frame itself for a later corner adjustment. Kept apart from the worker so that it
 * can be tested without one.
 */
export type SheetRequest =
  | { type: 'detect'; id: number; width: number; height: number; buffer: ArrayBuffer }
  | { type: 'straighten'; id: number; width: number; height: number; buffer: ArrayBuffer; corners: Quad | null; maxSide: number }
  | PageRequest;

/** One capture to make a page of (transfer `image` when it is an ImageBitmap). */
export interface PageRequest {
  type: 'page';
  id: number;
  image: ImageBitmap | Blob;
  /** Hand-set corners in frame pixels, or null to find the sheet. */
  corners: Quad | null;
  /** Whether to send the frame back as a JPEG (the first trip of a capture). */
  keepFrame: boolean;
  /** The page's JPEG quality (0–1) and longest side. */
  quality: number;
  maxSide: number;
  thumbnail: { maxWidth: number; maxHeight: number };
}

/** Worker → page: one reply per request. */
export type SheetReply =
  | { type: 'detected'; id: number; corners: Quad | null; confidence: number; ms: number }
  | { type: 'straightened'; id: number; corners: Quad; width: number; height: number; buffer: ArrayBuffer; ms: number }
  | { type: 'no-sheet'; id: number; ms: number }
  | { type: 'error'; id: number; message: string }
  | PageReply;

/** A page made of a capture. */
export interface PageReply {
  type: 'page';
  id: number;
  /** Where its corners came from (shared/document-camera.ts CroppedPage). */
  source: 'detected' | 'hand' | 'whole';
  corners: Quad;
  page: Blob;
  width: number;
  height: number;
  thumbnail: Blob;
  /** The frame as captured, when asked for (`keepFrame`). */
  frame: { jpeg: Blob; width: number; height: number } | null;
  ms: number;
}

/** Answers one `detect` or `straighten` request; the reply's buffer (if any) is for transfer back. */
export function handleSheetRequest(request: Exclude<SheetRequest, PageRequest>, now: () => number = () => performance.now()): SheetReply {
  const started = now();
  try {
    if (request.buffer.byteLength !== request.width * request.height * 4) throw new RangeError('frame buffer does not match its width and height');
    const frame = { data: new Uint8ClampedArray(request.buffer), width: request.width, height: request.height };
    if (request.type === 'detect') {
      const found = detectSheet(frame);
      return { type: 'detected', id: request.id, corners: found?.corners ?? null, confidence: found?.confidence ?? 0, ms: now() - started };
    }
    if (request.corners && !isConvexQuad(request.corners)) return { type: 'no-sheet', id: request.id, ms: now() - started };
    const result = straightenPage(frame, request.corners ?? undefined, request.maxSide);
    if (!result) return { type: 'no-sheet', id: request.id, ms: now() - started };
    const { page, corners } = result;
    const buffer = page.data.buffer.slice(page.data.byteOffset, page.data.byteOffset + page.data.byteLength) as ArrayBuffer;
    return { type: 'straightened', id: request.id, corners, width: page.width, height: page.height, buffer, ms: now() - started };
  } catch (error) {
    return { type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}
