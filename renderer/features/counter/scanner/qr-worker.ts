import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { DEFAULT_DECODER, createDecoder, type QrDecoder } from './decoder';

/** Main thread → worker: one RGBA frame, its pixel buffer transferred, not copied. */
export interface QrFrameMessage {
  type: 'frame';
  id: number;
  width: number;
  height: number;
  buffer: ArrayBuffer;
}

/** Worker → main thread. `ready` once the decoder is loaded; one `result` or `error` per frame. */
export type QrWorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; text: string | null; ms: number }
  | { type: 'error'; id: number | null; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<QrFrameMessage>) => void) | null;
  postMessage(reply: QrWorkerReply): void;
}

const scope = self as unknown as WorkerScope;
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
  const { id, width, height, buffer } = event.data;
  const started = performance.now();
  decoder
    .decode({ data: new Uint8ClampedArray(buffer), width, height })
    .then((text) => scope.postMessage({ type: 'result', id, text, ms: performance.now() - started }))
    .catch((error: unknown) => scope.postMessage({ type: 'error', id, message: describe(error) }));
};
