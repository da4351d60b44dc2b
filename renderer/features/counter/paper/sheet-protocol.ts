import { detectSheet, isConvexQuad, straightenPage, type Quad } from '../../../../shared/document-scan';

/**
 * The document camera worker's messages (sheet-worker.ts): a captured frame goes in with its
 * pixel buffer transferred; the sheet's corners come back (`detect`), or the straightened page
 * (`straighten`, with the detected corners or the clerk's hand-set ones). Kept apart from the
 * worker so that it can be tested without one.
 */
export type SheetRequest =
  | { type: 'detect'; id: number; width: number; height: number; buffer: ArrayBuffer }
  | { type: 'straighten'; id: number; width: number; height: number; buffer: ArrayBuffer; corners: Quad | null; maxSide: number };

/** Worker → page: one reply per request. */
export type SheetReply =
  | { type: 'detected'; id: number; corners: Quad | null; confidence: number; ms: number }
  | { type: 'straightened'; id: number; corners: Quad; width: number; height: number; buffer: ArrayBuffer; ms: number }
  | { type: 'no-sheet'; id: number; ms: number }
  | { type: 'error'; id: number; message: string };

/** Answers one request; the reply's buffer (if any) is for transfer back. */
export function handleSheetRequest(request: SheetRequest, now: () => number = () => performance.now()): SheetReply {
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
