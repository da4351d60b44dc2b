import jsQR from 'jsqr';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { secondPassImages } from './second-pass';

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
  // A 亮证码 is a (Model 2) QR code. Looking for Micro QR and rMQR as well costs time and finds
  // false small symbols in a screen's text, and with errors returned, such a failing symbol
  // could be the one result and end the search before the 亮证码 beside it.
  formats: ['QRCodeModel2'],
  tryHarder: true,
  tryInvert: true,
  tryRotate: false,
  tryDownscale: true,
  // A symbol found but not decoded (a checksum or format error) comes back with its corners,
  // for the second pass; only a valid result is ever taken as a reading.
  returnErrors: true,
  maxNumberOfSymbols: 1,
};

// The second pass reads a small crop that it has already stretched or binarised itself.
const SECOND_PASS_STRETCHED: ReaderOptions = { formats: ['QRCodeModel2'], tryHarder: true, tryInvert: true, tryRotate: false, tryDownscale: false, maxNumberOfSymbols: 1 };
const SECOND_PASS_BINARY: ReaderOptions = { ...SECOND_PASS_STRETCHED, binarizer: 'FixedThreshold' };

/** Options of the ZXing decoder. */
export interface ZxingDecoderOptions {
  /**
   * Look again where a symbol was found but not decoded (second-pass.ts): on by default; off
   * only for the benchmark's baseline.
   */
  secondPass?: boolean;
}

let zxingReady: Promise<unknown> | null = null;

function versionOf(version: string): number | null {
  const n = Number.parseInt(version, 10);
  return Number.isInteger(n) ? n : null;
}

/** ZXing-C++ compiled to WebAssembly (zxing-wasm, reader build), with the second pass. */
export function createZxingDecoder(source: ZxingWasmSource, options: ZxingDecoderOptions = {}): QrDecoder {
  const secondPass = options.secondPass ?? true;
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
      if (hit) return hit.text;
      const found = secondPass ? results.find((r) => !r.isValid) : undefined;
      if (!found) return null;
      const [stretched, binary] = secondPassImages(frame, found.position, versionOf(found.version));
      for (const [image, readerOptions] of [
        [stretched, SECOND_PASS_STRETCHED],
        [binary, SECOND_PASS_BINARY],
      ] as const) {
        if (!image) continue;
        const again = (await readBarcodes(image() as ImageData, readerOptions)).find((r) => r.isValid && r.text.length > 0);
        if (again) return again.text;
      }
      return null;
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
