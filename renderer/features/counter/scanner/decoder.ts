import jsQR from 'jsqr';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';

/** A frame to decode: RGBA pixels, row by row, shaped like the DOM's ImageData. */
export interface QrFrame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type QrDecoderName = 'zxing' | 'jsqr';

/** One QR decoder behind the camera loop and the benchmark. */
export interface QrDecoder {
  readonly name: QrDecoderName;
  /** The text of the first QR code found in the frame, or null when there is none. */
  decode(frame: QrFrame): Promise<string | null>;
}

/**
 * The decoder the camera uses. ZXing-C++ meets the targets on the benchmark corpus
 * (tests/bench/qr-decode.bench.ts); jsQR reads far fewer degraded frames, is one to two
 * orders slower, and spends up to seconds on an empty frame, which stalls a live loop.
 */
export const DEFAULT_DECODER: QrDecoderName = 'zxing';

/**
 * Where ZXing's `.wasm` comes from: the package's own file, by URL (the bundler's asset URL
 * in the app) or as bytes (Node). Never the CDN the library falls back to, which fails offline.
 */
export type ZxingWasmSource = { wasmUrl: string } | { wasmBinary: ArrayBuffer };

const ZXING_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryInvert: true,
  tryRotate: false,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
};

let zxingReady: Promise<unknown> | null = null;

/** ZXing-C++ compiled to WebAssembly (zxing-wasm, reader build). */
export function createZxingDecoder(source: ZxingWasmSource): QrDecoder {
  zxingReady ??= prepareZXingModule({
    overrides:
      'wasmBinary' in source
        ? { wasmBinary: source.wasmBinary }
        : { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? source.wasmUrl : prefix + path) },
    fireImmediately: true,
  }).catch((error: unknown) => {
    // Let the next decoder try again (the next time the dialog opens) instead of caching the failure.
    zxingReady = null;
    throw error;
  });
  const ready = zxingReady;
  return {
    name: 'zxing',
    async decode(frame) {
      await ready;
      const results = await readBarcodes(frame as ImageData, ZXING_OPTIONS);
      const hit = results.find((r) => r.isValid && r.text.length > 0);
      return hit ? hit.text : null;
    },
  };
}

export type JsqrInversion = 'dontInvert' | 'attemptBoth' | 'invertFirst';

/**
 * jsQR 1.4.0. Its options persist from one call to the next inside the library, so
 * `inversionAttempts` is passed on every call. `attemptBoth` is needed for dark-mode
 * screens and doubles the time spent on a frame without a code.
 */
export function createJsqrDecoder(inversionAttempts: JsqrInversion = 'attemptBoth'): QrDecoder {
  return {
    name: 'jsqr',
    decode(frame) {
      const hit = jsQR(frame.data, frame.width, frame.height, { inversionAttempts });
      return Promise.resolve(hit && hit.data.length > 0 ? hit.data : null);
    },
  };
}

/** A decoder by name; the ZXing one needs to know where its `.wasm` is. */
export function createDecoder(name: QrDecoderName, zxingWasm: ZxingWasmSource): QrDecoder {
  return name === 'zxing' ? createZxingDecoder(zxingWasm) : createJsqrDecoder();
}
