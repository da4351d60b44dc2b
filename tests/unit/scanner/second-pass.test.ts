import { describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { createZxingDecoder } from '../../../renderer/features/counter/scanner/decoder';
import {
  binarizeLocally,
  cropImage,
  cropLuma,
  regionAtFullResolution,
  modulesAcross,
  secondPassImages,
  stretchContrast,
  symbolRegion,
  upscaleFor,
  type SymbolCorners,
} from '../../../renderer/features/counter/scanner/second-pass';
import { generateWebcamCorpus, type WebcamCorpusFrame } from '../../fixtures/qr/corpus';
import { scaleFrame } from '../../fixtures/qr/scene';
import { zxingWasmFromPackage } from '../../fixtures/qr/zxing-node';

const wasm = zxingWasmFromPackage();

function square(x: number, y: number, side: number): SymbolCorners {
  return { topLeft: { x, y }, topRight: { x: x + side, y }, bottomRight: { x: x + side, y: y + side }, bottomLeft: { x, y: y + side } };
}

/** A grey RGBA image whose left half is `dark` and right half `light`. */
function halves(width: number, height: number, dark: number, light: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data.fill(x < width / 2 ? dark : light, o, o + 3);
      data[o + 3] = 255;
    }
  }
  return { data, width, height };
}

describe('the second pass’s region', () => {
  it('is the symbol grown by six modules each side, its quiet zone and a little more', () => {
    // 154 px across 77 modules: 2 px a module, 12 px of margin.
    expect(symbolRegion(square(100, 80, 154), 77, 640, 480)).toEqual({ x: 88, y: 68, width: 178, height: 178 });
  });

  it('stays inside the frame', () => {
    expect(symbolRegion(square(4, 400, 154), 77, 640, 480)).toEqual({ x: 0, y: 388, width: 170, height: 92 });
  });

  it('is refused for corners that cannot be a symbol', () => {
    expect(symbolRegion(square(100, 100, 10), 77, 640, 480)).toBeNull();
    expect(symbolRegion({ ...square(100, 100, 150), topLeft: { x: Number.NaN, y: 100 } }, 77, 640, 480)).toBeNull();
  });

  it('knows a symbol’s modules from its version', () => {
    expect(modulesAcross(14)).toBe(73);
    expect(modulesAcross(16)).toBe(81);
    expect(modulesAcross(null)).toBe(77);
  });

  it('is enlarged where modules are under three pixels, never past the pixel budget', () => {
    const region = { x: 0, y: 0, width: 150, height: 150 };
    expect(upscaleFor(3.4, region)).toBe(1);
    expect(upscaleFor(2.2, region)).toBe(2);
    expect(upscaleFor(1.6, region)).toBe(2);
    expect(upscaleFor(0.9, region)).toBe(3);
    expect(upscaleFor(1.6, { x: 0, y: 0, width: 700, height: 700 })).toBe(1);
  });

  it('enlarges by interpolation, keeping the region’s edges', () => {
    const frame = halves(8, 4, 40, 80);
    const { luma, width, height } = cropLuma(frame, { x: 0, y: 0, width: 8, height: 4 }, 2);
    expect([width, height]).toEqual([16, 8]);
    expect(luma[0]).toBeCloseTo(40, 0);
    expect(luma[15]).toBeCloseTo(80, 0);
    // Between the halves, values in between.
    expect(luma[8]!).toBeGreaterThan(40);
    expect(luma[8]!).toBeLessThan(80);
  });
});

describe('the second pass’s images', () => {
  it('stretch 40 grey levels of a dim screen to the full range', () => {
    const frame = halves(40, 10, 70, 110);
    const { luma, width, height } = cropLuma(frame, { x: 0, y: 0, width: 40, height: 10 }, 1);
    const out = stretchContrast(luma, width, height);
    expect(out.data[0]).toBe(0);
    expect(out.data[(width - 1) * 4]).toBe(255);
    expect(out.data[3]).toBe(255);
  });

  it('binarise by the local mean, with no minimum contrast', () => {
    // A step of 6 grey levels: the decoder's own binariser takes that for a flat area.
    const frame = halves(40, 10, 100, 106);
    const { luma, width, height } = cropLuma(frame, { x: 0, y: 0, width: 40, height: 10 }, 1);
    const out = binarizeLocally(luma, width, height, 9);
    expect(out.data[(5 * width + 18) * 4]).toBe(0);
    expect(out.data[(5 * width + 22) * 4]).toBe(255);
  });

  it('are the region stretched, then binarised, enlarged where modules are small', () => {
    // A dim 200×200 frame; the symbol found at (50, 50), 77 px across: 1 px a module.
    const frame = halves(200, 200, 90, 130);
    const [stretched, binary] = secondPassImages(frame, square(50, 50, 77), null);
    const first = stretched!();
    const second = binary!();
    // 77 + 2 × 6 px of quiet zone, enlarged three times.
    expect([first.width, first.height]).toEqual([267, 267]);
    expect([second.width, second.height]).toEqual([267, 267]);
    const greys = first.data.filter((_, i) => i % 4 === 0);
    expect([Math.min(...greys), Math.max(...greys)]).toEqual([0, 255]);
    expect(new Set(second.data.filter((_, i) => i % 4 === 0))).toEqual(new Set([0, 255]));
  });

  it('are none for unusable corners', () => {
    expect(secondPassImages(halves(40, 40, 0, 255), square(1, 1, 5), null)).toEqual([]);
  });
});

describe('the decoder’s second pass, on webcam frames of small codes (1.5–1.9 px a module at 640×480)', () => {
  // Frames of the benchmark's webcam corpus (seed 77) that one pass finds but cannot decode.
  const frames: WebcamCorpusFrame[] = [...generateWebcamCorpus({ width: 640, height: 480, perClass: { small: 5 }, seed: 77 })];
  const rescued = [frames[0]!, frames[4]!];

  it('the first pass finds each symbol and fails its checksum, and reports where it is', async () => {
    await prepareZXingModule({ overrides: { wasmBinary: (wasm as { wasmBinary: ArrayBuffer }).wasmBinary }, fireImmediately: true });
    for (const f of rescued) {
      const results = await readBarcodes(f.frame as unknown as ImageData, {
        formats: ['QRCodeModel2'],
        tryHarder: true,
        tryInvert: true,
        tryDownscale: true,
        returnErrors: true,
        maxNumberOfSymbols: 1,
      });
      expect(
        results.some((r) => r.isValid),
        `frame ${f.index}`,
      ).toBe(false);
      const found = results.find((r) => !r.isValid);
      expect(found?.error, `frame ${f.index}`).toMatch(/Checksum|Format/);
      expect(symbolRegion(found!.position, 77, 640, 480)).not.toBeNull();
    }
  });

  it('reads them where one pass does not', async () => {
    const onePass = createZxingDecoder(wasm, { secondPass: false });
    const app = createZxingDecoder(wasm);
    for (const f of rescued) {
      await expect(onePass.decode(f.frame), `frame ${f.index}, one pass`).resolves.toBeNull();
      await expect(app.decode(f.frame), `frame ${f.index}, two passes`).resolves.toBe(f.expected);
    }
  });

  it('answers null, never a wrong text, on frames without a code', async () => {
    const app = createZxingDecoder(wasm);
    for (const f of generateWebcamCorpus({ width: 640, height: 480, perClass: { empty: 4 }, seed: 77 })) {
      await expect(app.decode(f.frame)).resolves.toBeNull();
    }
  });
});

describe('a symbol that fails, found before the readable one', () => {
  it('does not end the search: a dim 1080p screen whose text looks like a Micro QR code is read', async () => {
    // Frame 22 of the benchmark's dim class at 1920×1080: with the whole QR family's formats and
    // errors returned, a failing "Micro QR" in the page's text came back as the one result and the
    // 亮证码 beside it was never decoded.
    const [frame] = [...generateWebcamCorpus({ width: 1920, height: 1080, perClass: { dim: 23 }, first: 22 })];
    expect(frame!.index).toBe(22);
    await expect(createZxingDecoder(wasm).decode(frame!.frame)).resolves.toBe(frame!.expected);
  });
});

describe('the camera loop’s second look, at the camera’s full resolution', () => {
  it('cuts a region out of a picture as a canvas would draw it', () => {
    const frame = halves(8, 4, 10, 200);
    const cut = cropImage(frame, { x: 2, y: 1, width: 4, height: 2 });
    expect([cut.width, cut.height]).toEqual([4, 2]);
    expect(Array.from(cut.data.filter((_, i) => i % 4 === 0))).toEqual([10, 10, 200, 200, 10, 10, 200, 200]);
  });

  it('reads a small code of a 1080p picture that the search at 1280×720 found but could not decode', async () => {
    // Frame 20 of the benchmark's small class at 1920×1080 (3.4–4.3 px a module; 2.3–2.9 once scaled).
    const [f] = [...generateWebcamCorpus({ width: 1920, height: 1080, perClass: { small: 21 }, first: 20 })];
    const decoder = createZxingDecoder(wasm);
    const searched = scaleFrame(f!.frame, 1280);
    const search = await decoder.search(searched);
    expect(search.text).toBeNull();
    expect(search.found).not.toBeNull();
    const at = regionAtFullResolution(search.found!.corners, search.found!.version, searched, f!.frame)!;
    await expect(decoder.lookAgain(cropImage(f!.frame, at.region), { corners: at.corners, version: search.found!.version })).resolves.toBe(f!.expected);
  });
});
