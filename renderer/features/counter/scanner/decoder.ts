import jsQR from 'jsqr';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { secondPassImages, type SymbolCorners } from './second-pass';

/** A frame to decode: RGBA pixels, row by row, shaped like the DOM's ImageData. */
export interface QrFrame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type QrDecoderName = 'zxing' | 'jsqr';

/** A symbol the decoder found but could not decode: where it is, and its version if it read that. */
export interface FoundSymbol {
  corners: SymbolCorners;
  version: number | null;
}

/** What one look at a frame gave: the text, or else a symbol found but not decoded, or nothing. */
export interface QrSearch {
  text: string | null;
  found: FoundSymbol | null;
}

/** One QR decoder behind the camera loop and the benchmark. */
export interface QrDecoder {
  readonly name: QrDecoderName;
  /** The text of the first QR code found in the frame, or null when there is none (both passes on this frame). */
  decode(frame: QrFrame): Promise<string | null>;
  /**
   * The first pass alone (the camera loop): the text, or where a symbol was found but not
   * decoded, so that the loop can hand that region over at the camera's full resolution.
   */
  search(frame: QrFrame): Promise<QrSearch>;
  /** The second pass over `image` for a symbol found at `found` (in `image`'s own pixels). */
  lookAgain(image: QrFrame, found: FoundSymbol): Promise<string | null>;
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
const SECOND_PASS_STRETCHED: ReaderOptions = {
  formats: ['QRCodeModel2'],
  tryHarder: true,
  tryInvert: true,
  tryRotate: false,
  tryDownscale: false,
  maxNumberOfSymbols: 1,
};
const SECOND_PASS_BINARY: ReaderOptions = { ...SECOND_PASS_STRETCHED, binarizer: 'FixedThreshold' };

/** Options of the ZXing decoder. */
export interface ZxingDecoderOptions {
  /**
   * Look again where a symbol was found but not decoded (second-pass.ts): on by default; off
   * only for the benchmark's baseline.
   */
  secondPass?: boolean;
}

// zxing-wasm keeps one WebAssembly module per worker (prepareZXingModule sets it for the whole
// worker); this remembers its loading, not a service of the page.
// eslint-disable-next-line no-restricted-syntax
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
  const search = async (frame: QrFrame): Promise<QrSearch> => {
    await ready;
    const results = await readBarcodes(frame as ImageData, ZXING_OPTIONS);
    const hit = results.find((r) => r.isValid && r.text.length > 0);
    if (hit) return { text: hit.text, found: null };
    const found = secondPass ? results.find((r) => !r.isValid) : undefined;
    return { text: null, found: found ? { corners: found.position, version: versionOf(found.version) } : null };
  };
  const lookAgain = async (image: QrFrame, found: FoundSymbol): Promise<string | null> => {
    await ready;
    const [stretched, binary] = secondPassImages(image, found.corners, found.version);
    for (const [make, readerOptions] of [
      [stretched, SECOND_PASS_STRETCHED],
      [binary, SECOND_PASS_BINARY],
    ] as const) {
      if (!make) continue;
      const again = (await readBarcodes(make() as ImageData, readerOptions)).find((r) => r.isValid && r.text.length > 0);
      if (again) return again.text;
    }
    return null;
  };
  return {
    name: 'zxing',
    search,
    lookAgain,
    async decode(frame) {
      const first = await search(frame);
      if (first.text !== null || !first.found) return first.text;
      return lookAgain(frame, first.found);
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
  const decode = (frame: QrFrame): Promise<string | null> => {
    const hit = jsQR(frame.data, frame.width, frame.height, { inversionAttempts });
    return Promise.resolve(hit && hit.data.length > 0 ? hit.data : null);
  };
  return {
    name: 'jsqr',
    decode,
    // jsQR says nothing about a symbol it could not decode: it has no second pass.
    search: async (frame) => ({ text: await decode(frame), found: null }),
    lookAgain: () => Promise.resolve(null),
  };
}

/** A decoder by name; the ZXing one needs to know where its `.wasm` is. */
export function createDecoder(name: QrDecoderName, zxingWasm: ZxingWasmSource): QrDecoder {
  return name === 'zxing' ? createZxingDecoder(zxingWasm) : createJsqrDecoder();
}
