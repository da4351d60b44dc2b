/**
 * The QR decoder's second look at a frame in which the first pass found a symbol (its finder
 * patterns and corners) but could not decode it: a phone screen turned down too far (36–55
 * grey levels between dark and light modules, which ZXing's local binariser takes for a flat
 * area), or a code so small that its modules are under two pixels. The symbol's region is cut
 * out with room for its quiet zone, turned to grey, enlarged where its modules are small, and
 * its contrast stretched to the full range; a locally binarised copy is the fallback. Pure
 * functions over RGBA buffers: no DOM, so the worker and the tests use them alike.
 */

/** An RGBA image, row by row, shaped like the DOM's ImageData. */
export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** The corners of a symbol as the decoder reports them. */
export interface SymbolCorners {
  topLeft: Point;
  topRight: Point;
  bottomRight: Point;
  bottomLeft: Point;
}

/** A rectangle of whole pixels inside a frame. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Modules across a symbol when its version is not known (versions 14–16 carry a 亮证码). */
const TYPICAL_MODULES = 77;
// The quiet zone is four modules; a little more room covers corners that were placed a module off.
const MARGIN_MODULES = 6;
/** Below this many pixels a module, the crop is enlarged: the decoder samples a grid and rounds to pixels. */
const SMALL_MODULE_PX = 3;
const MAX_UPSCALE = 3;
/** The second pass never works on more than this many pixels (time per frame). */
const MAX_PIXELS = 1200 * 1200;

/** Modules across a QR symbol of `version` (1–40), or the typical count when unknown. */
export function modulesAcross(version: number | null): number {
  return version !== null && version >= 1 && version <= 40 ? 17 + 4 * version : TYPICAL_MODULES;
}

/**
 * The region to look at again: the corners' bounding box grown by the quiet zone (six modules
 * each side), clamped to the frame. Null when the corners are unusable (not finite, or a
 * symbol smaller than the smallest readable one).
 */
export function symbolRegion(corners: SymbolCorners, modules: number, frameWidth: number, frameHeight: number): Region | null {
  const points = [corners.topLeft, corners.topRight, corners.bottomRight, corners.bottomLeft];
  if (!points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) return null;
  const side = Math.max(
    Math.hypot(corners.topRight.x - corners.topLeft.x, corners.topRight.y - corners.topLeft.y),
    Math.hypot(corners.bottomLeft.x - corners.topLeft.x, corners.bottomLeft.y - corners.topLeft.y),
  );
  if (!(side >= 21)) return null;
  const margin = (side / modules) * MARGIN_MODULES;
  const x0 = Math.max(0, Math.floor(Math.min(...points.map((p) => p.x)) - margin));
  const y0 = Math.max(0, Math.floor(Math.min(...points.map((p) => p.y)) - margin));
  const x1 = Math.min(frameWidth, Math.ceil(Math.max(...points.map((p) => p.x)) + margin));
  const y1 = Math.min(frameHeight, Math.ceil(Math.max(...points.map((p) => p.y)) + margin));
  if (x1 - x0 < 21 || y1 - y0 < 21) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** How much to enlarge a crop whose modules are `modulePx` pixels: up to ×3, so that each spans about three. */
export function upscaleFor(modulePx: number, region: Region): number {
  if (!(modulePx > 0) || modulePx >= SMALL_MODULE_PX) return 1;
  const wanted = Math.min(MAX_UPSCALE, Math.ceil(SMALL_MODULE_PX / modulePx));
  const fits = Math.floor(Math.sqrt(MAX_PIXELS / (region.width * region.height)));
  return Math.max(1, Math.min(wanted, fits));
}

/** The region's luminance (BT.601 weights), enlarged `scale` times by bilinear interpolation. */
export function cropLuma(frame: RgbaImage, region: Region, scale: number): { luma: Float32Array; width: number; height: number } {
  const { data, width: fw } = frame;
  const grey = new Float32Array(region.width * region.height);
  for (let y = 0; y < region.height; y++) {
    let o = ((region.y + y) * fw + region.x) * 4;
    for (let x = 0; x < region.width; x++, o += 4) grey[y * region.width + x] = 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
  }
  if (scale === 1) return { luma: grey, width: region.width, height: region.height };
  const width = region.width * scale;
  const height = region.height * scale;
  const luma = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(region.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.min(region.height - 2, Math.floor(sy));
    const fy = Math.max(0, sy - y0);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(region.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.min(region.width - 2, Math.floor(sx));
      const fx = Math.max(0, sx - x0);
      const i = y0 * region.width + x0;
      luma[y * width + x] = (grey[i]! * (1 - fx) + grey[i + 1]! * fx) * (1 - fy) + (grey[i + region.width]! * (1 - fx) + grey[i + region.width + 1]! * fx) * fy;
    }
  }
  return { luma, width, height };
}

/**
 * Maps the luma's `low` and `high` quantiles (by default the 2nd and 98th percentiles) to 0 and
 * 255, as a grey RGBA image: 40 grey levels between modules become about 200.
 */
export function stretchContrast(luma: Float32Array, width: number, height: number, low = 0.02, high = 0.98): RgbaImage {
  const histogram = new Uint32Array(256);
  for (let k = 0; k < luma.length; k++) histogram[Math.max(0, Math.min(255, Math.round(luma[k]!)))]!++;
  const level = (q: number): number => {
    const target = q * luma.length;
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen >= target) return v;
    }
    return 255;
  };
  const lo = level(low);
  const hi = Math.max(lo + 1, level(high));
  const gain = 255 / (hi - lo);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let k = 0, o = 0; k < luma.length; k++, o += 4) {
    const v = (luma[k]! - lo) * gain;
    data[o] = v;
    data[o + 1] = v;
    data[o + 2] = v;
    data[o + 3] = 255;
  }
  return { data, width, height };
}

/**
 * Local binarisation: each pixel black where it is darker than the mean of a window of
 * `window` pixels around it (an integral image), white elsewhere. Unlike the decoder's own
 * binariser it has no minimum contrast, so a dim screen's modules survive it.
 */
export function binarizeLocally(luma: Float32Array, width: number, height: number, window: number): RgbaImage {
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += luma[y * width + x]!;
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1]! + row;
    }
  }
  const half = Math.max(1, Math.floor(window / 2));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - half);
    const y1 = Math.min(height, y + half + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - half);
      const x1 = Math.min(width, x + half + 1);
      const sum = integral[y1 * (width + 1) + x1]! - integral[y0 * (width + 1) + x1]! - integral[y1 * (width + 1) + x0]! + integral[y0 * (width + 1) + x0]!;
      const mean = sum / ((x1 - x0) * (y1 - y0));
      const v = luma[y * width + x]! < mean ? 0 : 255;
      const o = (y * width + x) * 4;
      data[o] = v;
      data[o + 1] = v;
      data[o + 2] = v;
      data[o + 3] = 255;
    }
  }
  return { data, width, height };
}

/**
 * The images the second pass offers the decoder, in order, for a symbol found at `corners` in
 * `frame`: the region contrast-stretched (enlarged if its modules are small), then the same
 * region binarised over a window of about seven modules. Each is made only when asked for (the
 * first often suffices). Empty when the corners are unusable.
 */
export function secondPassImages(frame: RgbaImage, corners: SymbolCorners, version: number | null): Array<() => RgbaImage> {
  const modules = modulesAcross(version);
  const region = symbolRegion(corners, modules, frame.width, frame.height);
  if (!region) return [];
  const side = Math.hypot(corners.topRight.x - corners.topLeft.x, corners.topRight.y - corners.topLeft.y);
  const modulePx = side / modules;
  const scale = upscaleFor(modulePx, region);
  let crop: ReturnType<typeof cropLuma> | null = null;
  const cropped = () => (crop ??= cropLuma(frame, region, scale));
  return [
    () => {
      const { luma, width, height } = cropped();
      return stretchContrast(luma, width, height);
    },
    () => {
      const { luma, width, height } = cropped();
      return binarizeLocally(luma, width, height, Math.max(9, Math.round(modulePx * scale * 7)));
    },
  ];
}

/**
 * Where to look again at the camera's full resolution: a symbol found at `corners` in a frame of
 * `fromWidth` × `fromHeight` (the picture scaled down for the search), mapped onto the camera's
 * `toWidth` × `toHeight` picture, its region with the quiet zone, and the corners in that
 * region's own pixels. Null when the corners are unusable.
 */
export function regionAtFullResolution(
  corners: SymbolCorners,
  version: number | null,
  from: { width: number; height: number },
  to: { width: number; height: number },
): { region: Region; corners: SymbolCorners } | null {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  const scaled = (p: Point): Point => ({ x: p.x * sx, y: p.y * sy });
  const full = {
    topLeft: scaled(corners.topLeft),
    topRight: scaled(corners.topRight),
    bottomRight: scaled(corners.bottomRight),
    bottomLeft: scaled(corners.bottomLeft),
  };
  const region = symbolRegion(full, modulesAcross(version), to.width, to.height);
  if (!region) return null;
  const local = (p: Point): Point => ({ x: p.x - region.x, y: p.y - region.y });
  return {
    region,
    corners: { topLeft: local(full.topLeft), topRight: local(full.topRight), bottomRight: local(full.bottomRight), bottomLeft: local(full.bottomLeft) },
  };
}

/** The pixels of `region` of an RGBA image, as an image of their own (what a canvas's drawImage of that rectangle gives). */
export function cropImage(image: RgbaImage, region: Region): RgbaImage {
  const data = new Uint8ClampedArray(region.width * region.height * 4);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.y + y) * image.width + region.x) * 4;
    data.set(image.data.subarray(from, from + region.width * 4), y * region.width * 4);
  }
  return { data, width: region.width, height: region.height };
}
