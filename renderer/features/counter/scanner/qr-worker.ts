import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { DEFAULT_DECODER, createDecoder, type FoundSymbol, type QrDecoder } from './decoder';

/**
 * Main thread → worker, pixel buffers transferred, not copied: a `frame` to search (the camera's
 * picture scaled to at most 1280 wide), or a `region` of a later picture at the camera's full
 * resolution around a symbol the search found but could not decode, with the symbol's corners
 * in the region's own pixels.
 */
export type QrFrameMessage =
  | { type: 'frame'; id: number; width: number; height: number; buffer: ArrayBuffer }
  | { type: 'region'; id: number; width: number; height: number; buffer: ArrayBuffer; found: FoundSymbol };

/**
 * Worker → main thread. `ready` once the decoder is loaded; one `result` or `error` per message.
 * A frame's result carries `found` when a symbol was found there but not decoded.
 */
export type QrWorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; text: string | null; found: FoundSymbol | null; ms: number }
  | { type: 'error'; id: number | null; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<QrFrameMessage>) => void) | null;
  postMessage(reply: QrWorkerReply): void;
}

// This module runs as a dedicated worker: its global `self` is the worker's scope, not the
// window the page's DOM types describe.
declare const self: WorkerScope;
const scope = self;
const decoder: QrDecoder = createDecoder(DEFAULT_DECODER, { wasmUrl });

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Decode one blank frame at once: the `.wasm` loads and compiles while the camera is still
// opening, and a load failure is reported before the first real frame.
decoder
  .decode({ data: new Uint8ClampedArray(16 * 16 * 4), width: 16, height: 16 })
  .then(() => scope.postMessage({ type: 'ready' }))
  .catch((error: unknown) => scope.postMessage({ type: 'error', id: null, message: describe(error) }));

scope.onmessage = (event) => {
  const message = event.data;
  const started = performance.now();
  const image = { data: new Uint8ClampedArray(message.buffer), width: message.width, height: message.height };
  const work = message.type === 'frame' ? decoder.search(image) : decoder.lookAgain(image, message.found).then((text) => ({ text, found: null }));
  work
    .then(({ text, found }) => scope.postMessage({ type: 'result', id: message.id, text, found, ms: performance.now() - started }))
    .catch((error: unknown) => scope.postMessage({ type: 'error', id: message.id, message: describe(error) }));
};
