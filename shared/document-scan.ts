/**
 * The document camera's page processing (高拍仪, docs/architecture.md §3.6), pure and DOM-free so that it runs
 * in a worker: find a sheet of paper on a desk in an RGBA frame, and straighten it into an
 * upright page by a perspective transform.
 *
 * Detection: the frame is reduced (area average) to at most {@link DETECT_MAX_SIDE} pixels a
 * side, thresholded at Otsu's level (paper is the bright thing on a desk), cleaned by a 3×3
 * opening, and the largest bright region is taken; its convex hull gives the four-sided polygon
 * of largest area, and each side is then refined at full resolution: along the side, the
 * strongest bright-to-dark step across it is found, a line is fitted through those points, and
 * the corners are where adjacent lines meet — to within a pixel or two on a sharp frame.
 *
 * Straightening: the homography from the output rectangle to the four corners (solved from the
 * eight point equations), with bilinear sampling. Corners may come from the detector or be set by
 * hand; they are ordered top-left, top-right, bottom-right, bottom-left as seen in the frame, so
 * a page lying within 45° of upright comes out upright ({@link rotateQuad} turns it otherwise).
 */

/** An RGBA frame, shaped like the DOM's ImageData. */
export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** A point in frame pixels (x right, y down; pixel (0,0) covers 0..1). */
export interface Point {
  x: number;
  y: number;
}

/** A page's corners: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

/** A sheet found in a frame. */
export interface SheetDetection {
  corners: Quad;
  /** 0–1: how well the bright region fills its quadrilateral and how much of the frame it covers. */
  confidence: number;
}

/** The largest side of the reduced frame detection works on. */
export const DETECT_MAX_SIDE = 400;

/** A 3×3 homography, row-major. */
export type Homography = Float64Array;

// ---------- geometry

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** The area of a simple polygon (shoelace). */
export function polygonArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return Math.abs(sum) / 2;
}

/** The convex hull (Andrew's monotone chain), counter-clockwise in image coordinates' maths sense. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * Orders four corners as a page is read: top-left, top-right, bottom-right, bottom-left, going
 * clockwise on screen from the corner nearest the frame's top-left (least x + y).
 */
export function orderCorners(points: readonly Point[]): Quad {
  if (points.length !== 4) throw new RangeError('orderCorners: four points needed');
  const cx = points.reduce((s, p) => s + p.x, 0) / 4;
  const cy = points.reduce((s, p) => s + p.y, 0) / 4;
  // Clockwise on screen (y down) is increasing atan2 angle.
  const byAngle = [...points].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  let start = 0;
  for (let i = 1; i < 4; i++) if (byAngle[i]!.x + byAngle[i]!.y < byAngle[start]!.x + byAngle[start]!.y) start = i;
  return [0, 1, 2, 3].map((k) => ({ ...byAngle[(start + k) % 4]! })) as Quad;
}

/** The same corners a quarter turn (or `turns` quarter turns) clockwise: for a page lying sideways. */
export function rotateQuad(corners: Quad, turns = 1): Quad {
  const k = ((turns % 4) + 4) % 4;
  return [0, 1, 2, 3].map((i) => ({ ...corners[(i + 4 - k) % 4]! })) as Quad;
}

/** Whether four ordered corners make a convex quadrilateral of some area (what a hand-set page must be). */
export function isConvexQuad(corners: Quad): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const c = cross(corners[i]!, corners[(i + 1) % 4]!, corners[(i + 2) % 4]!);
    if (Math.abs(c) < 1e-9) return false;
    if (sign === 0) sign = Math.sign(c);
    else if (Math.sign(c) !== sign) return false;
  }
  return polygonArea(corners) >= 16;
}

/** Corners kept inside a frame (a hand-set corner dragged past the edge). */
export function clampQuad(corners: Quad, width: number, height: number): Quad {
  return corners.map((p) => ({ x: Math.min(Math.max(p.x, 0), width), y: Math.min(Math.max(p.y, 0), height) })) as Quad;
}

// ---------- homography

function solve(matrix: number[][], rhs: number[]): number[] | null {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row]![col]! / a[col]![col]!;
      if (factor === 0) continue;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/** The homography mapping each of `from` to the same-index point of `to`; null when the points are degenerate. */
export function homography(from: readonly Point[], to: readonly Point[]): Homography | null {
  const m: number[][] = [];
  const r: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i]!;
    const { x: u, y: v } = to[i]!;
    m.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    r.push(u);
    m.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    r.push(v);
  }
  const h = solve(m, r);
  return h ? Float64Array.from([...h, 1]) : null;
}

/** Applies a homography to a point. */
export function applyHomography(h: Homography, p: Point): Point {
  const w = h[6]! * p.x + h[7]! * p.y + h[8]!;
  return { x: (h[0]! * p.x + h[1]! * p.y + h[2]!) / w, y: (h[3]! * p.x + h[4]! * p.y + h[5]!) / w };
}

// ---------- images

function luminance(frame: RgbaImage): Float32Array {
  const { data, width, height } = frame;
  const out = new Float32Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) out[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
  return out;
}

/** Luminance reduced by an integer factor (area average). */
function reduce(frame: RgbaImage, factor: number): { data: Float32Array; width: number; height: number } {
  const width = Math.floor(frame.width / factor);
  const height = Math.floor(frame.height / factor);
  const out = new Float32Array(width * height);
  const { data } = frame;
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let p = 4 * ((y * factor + dy) * frame.width + x * factor);
        for (let dx = 0; dx < factor; dx++, p += 4) sum += 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
      }
      out[y * width + x] = sum / area;
    }
  }
  return { data: out, width, height };
}

/** Otsu's threshold of a luminance image. */
export function otsuThreshold(values: Float32Array): number {
  const histogram = new Float64Array(256);
  for (const v of values) histogram[Math.min(255, Math.max(0, Math.round(v)))]! += 1;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * histogram[i]!;
  let sumBack = 0;
  let weightBack = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    weightBack += histogram[t]!;
    if (weightBack === 0) continue;
    const weightFore = total - weightBack;
    if (weightFore === 0) break;
    sumBack += t * histogram[t]!;
    const meanBack = sumBack / weightBack;
    const meanFore = (sumAll - sumBack) / weightFore;
    const between = weightBack * weightFore * (meanBack - meanFore) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold + 0.5;
}

function morph(mask: Uint8Array, width: number, height: number, erode: boolean): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = erode ? 1 : 0;
      for (let dy = -1; dy <= 1 && value === (erode ? 1 : 0); dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          // Outside the frame counts as paper for erosion, so a sheet reaching the edge keeps it.
          const m = xx < 0 || yy < 0 || xx >= width || yy >= height ? (erode ? 1 : 0) : mask[yy * width + xx]!;
          if (erode && m === 0) {
            value = 0;
            break;
          }
          if (!erode && m === 1) {
            value = 1;
            break;
          }
        }
      }
      out[y * width + x] = value;
    }
  }
  return out;
}

/** The largest 4-connected region of a mask: its pixel count and, per row, its leftmost and rightmost pixel. */
function largestRegion(mask: Uint8Array, width: number, height: number): { size: number; rows: Array<[number, number] | null>; touchesBorder: boolean } | null {
  const labels = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  let bestLabel = 0;
  let bestSize = 0;
  let label = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1 || labels[start] !== 0) continue;
    label++;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let size = 0;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      const x = i % width;
      const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width];
      for (const n of neighbours) {
        if (n >= 0 && n < mask.length && mask[n] === 1 && labels[n] === 0) {
          labels[n] = label;
          stack[top++] = n;
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      bestLabel = label;
    }
  }
  if (bestLabel === 0) return null;
  const rows: Array<[number, number] | null> = [];
  let touchesBorder = false;
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (labels[y * width + x] === bestLabel) {
        if (first < 0) first = x;
        last = x;
      }
    }
    rows.push(first < 0 ? null : [first, last]);
    if (first === 0 || last === width - 1 || (first >= 0 && (y === 0 || y === height - 1))) touchesBorder = true;
  }
  return { size: bestSize, rows, touchesBorder };
}

/** The four hull vertices enclosing the largest area (O(n²) with rotating pointers over a convex polygon). */
export function largestQuadInHull(hull: readonly Point[]): Point[] | null {
  const n = hull.length;
  if (n < 4) return null;
  const at = (i: number) => hull[((i % n) + n) % n]!;
  let best = -1;
  let bestQuad: Point[] | null = null;
  for (let i = 0; i < n; i++) {
    let k = i + 1;
    let l = i + 3;
    for (let j = i + 2; j < i + n - 1; j++) {
      // k on the arc (i, j), l on the arc (j, i + n): each moves forward only.
      if (k <= i || k >= j) k = i + 1;
      while (k + 1 < j && Math.abs(cross(at(i), at(k + 1), at(j))) >= Math.abs(cross(at(i), at(k), at(j)))) k++;
      if (l <= j) l = j + 1;
      while (l + 1 < i + n && Math.abs(cross(at(i), at(j), at(l + 1))) >= Math.abs(cross(at(i), at(j), at(l)))) l++;
      if (l >= i + n) continue;
      const area = Math.abs(cross(at(i), at(k), at(j))) + Math.abs(cross(at(i), at(j), at(l)));
      if (area > best) {
        best = area;
        bestQuad = [at(i), at(k), at(j), at(l)];
      }
    }
  }
  return bestQuad;
}

function sampleBilinear(lum: Float32Array, width: number, height: number, x: number, y: number): number | null {
  // Pixel centres are at half-integers.
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) return null;
  const ax = fx - x0;
  const ay = fy - y0;
  const i = y0 * width + x0;
  return (lum[i]! * (1 - ax) + lum[i + 1]! * ax) * (1 - ay) + (lum[i + width]! * (1 - ax) + lum[i + width + 1]! * ax) * ay;
}

interface Line {
  /** A point on the line and its unit direction. */
  px: number;
  py: number;
  dx: number;
  dy: number;
}

function fitLine(points: readonly Point[]): Line | null {
  if (points.length < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  // The principal direction of the scatter (total least squares).
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return { px: mx, py: my, dx: Math.cos(angle), dy: Math.sin(angle) };
}

function lineDistance(line: Line, p: Point): number {
  return Math.abs((p.x - line.px) * line.dy - (p.y - line.py) * line.dx);
}

function intersect(a: Line, b: Line): Point | null {
  const det = a.dx * b.dy - a.dy * b.dx;
  if (Math.abs(det) < 1e-9) return null;
  const t = ((b.px - a.px) * b.dy - (b.py - a.py) * b.dx) / det;
  return { x: a.px + t * a.dx, y: a.py + t * a.dy };
}

/**
 * A side's line at full resolution: at points along the side (away from the corners), the
 * strongest fall in brightness going outward across it, within `reach` pixels; a line through
 * them, refitted once without the points far from it. Null when too few points are found (the
 * side runs along the frame's edge).
 */
function refineSide(lum: Float32Array, width: number, height: number, a: Point, b: Point, centre: Point, reach: number): Line | null {
  const length = distance(a, b);
  if (length < 8) return null;
  const tx = (b.x - a.x) / length;
  const ty = (b.y - a.y) / length;
  let nx = -ty;
  let ny = tx;
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  if ((mid.x - centre.x) * nx + (mid.y - centre.y) * ny < 0) {
    nx = -nx;
    ny = -ny;
  }
  const found: Point[] = [];
  const samples = Math.max(8, Math.min(60, Math.round(length / 8)));
  const step = 0.5;
  for (let s = 0; s < samples; s++) {
    const t = 0.12 + (0.76 * s) / (samples - 1);
    const bx = a.x + (b.x - a.x) * t;
    const by = a.y + (b.y - a.y) * t;
    let bestD = 0;
    let bestDrop = 0;
    let previous = sampleBilinear(lum, width, height, bx - reach * nx, by - reach * ny);
    for (let d = -reach + step; d <= reach; d += step) {
      const value = sampleBilinear(lum, width, height, bx + d * nx, by + d * ny);
      if (value !== null && previous !== null) {
        const drop = previous - value;
        if (drop > bestDrop) {
          bestDrop = drop;
          bestD = d - step / 2;
        }
      }
      previous = value;
    }
    if (bestDrop >= 4) found.push({ x: bx + bestD * nx, y: by + bestD * ny });
  }
  if (found.length < Math.max(4, samples / 3)) return null;
  let line = fitLine(found);
  if (!line) return null;
  const residuals = found.map((p) => lineDistance(line!, p)).sort((p, q) => p - q);
  const limit = Math.max(1, 3 * residuals[Math.floor(residuals.length / 2)]!);
  const kept = found.filter((p) => lineDistance(line!, p) <= limit);
  if (kept.length >= 4) line = fitLine(kept) ?? line;
  return line;
}

/** The sheet at one threshold: the largest bright region, if it is big enough and fills its best quadrilateral. */
function sheetAtLevel(
  small: { data: Float32Array; width: number; height: number },
  level: number,
): { quad: Point[]; fill: number; size: number; quadArea: number } | null {
  let mask: Uint8Array = new Uint8Array(small.data.length);
  let bright = 0;
  let dark = 0;
  let brightCount = 0;
  for (let i = 0; i < mask.length; i++) {
    if (small.data[i]! > level) {
      mask[i] = 1;
      bright += small.data[i]!;
      brightCount++;
    } else dark += small.data[i]!;
  }
  // Paper must stand out: a uniform desk has no sheet on it.
  if (brightCount === 0 || brightCount === mask.length) return null;
  if (bright / brightCount - dark / (mask.length - brightCount) < 30) return null;
  mask = morph(morph(mask, small.width, small.height, true), small.width, small.height, false);
  const region = largestRegion(mask, small.width, small.height);
  if (!region) return null;
  // Text and pictures on the page are holes in the bright mask: measure the region with its holes filled, row by row.
  const size = region.rows.reduce((sum, row) => sum + (row ? row[1] - row[0] + 1 : 0), 0);
  if (size < 0.06 * mask.length) return null;
  const edgePoints: Point[] = [];
  region.rows.forEach((row, y) => {
    if (!row) return;
    edgePoints.push({ x: row[0], y }, { x: row[0], y: y + 1 }, { x: row[1] + 1, y }, { x: row[1] + 1, y: y + 1 });
  });
  const quad = largestQuadInHull(convexHull(edgePoints));
  if (!quad) return null;
  const quadArea = polygonArea(quad);
  const fill = size / Math.max(quadArea, 1);
  if (fill < 0.8) return null;
  return { quad, fill, size, quadArea };
}

/**
 * Finds the sheet of paper in a frame (a bright quadrilateral on a darker desk). Null when there
 * is none: nothing bright enough, or the bright region is too small (under 8 % of the frame) or
 * not four-sided (its region fills under 80 % of its best quadrilateral), or under 6 % of the frame.
 */
export function detectSheet(frame: RgbaImage): SheetDetection | null {
  const factor = Math.max(1, Math.ceil(Math.max(frame.width, frame.height) / DETECT_MAX_SIDE));
  const small = reduce(frame, factor);
  // Otsu's level splits paper from desk when the sheet fills much of the frame; a small sheet on
  // a grained desk can make it split the grain instead, so the bright class is split again, and
  // the level whose largest region is most like a filled quadrilateral wins.
  const first = otsuThreshold(small.data);
  const brighter = small.data.filter((v) => v > first);
  const levels = brighter.length > 0 ? [first, otsuThreshold(brighter)] : [first];
  let best: { quad: Point[]; fill: number; size: number; quadArea: number } | null = null;
  for (const level of levels) {
    const candidate = sheetAtLevel(small, level);
    if (candidate && (!best || candidate.fill * candidate.size > best.fill * best.size)) best = candidate;
  }
  if (!best) return null;
  const { quad, fill, quadArea } = best;
  const pixels = small.data.length;
  let corners = orderCorners(quad.map((p) => ({ x: p.x * factor, y: p.y * factor })));

  // Refine each side at full resolution and meet the sides at the corners.
  const lum = luminance(frame);
  const centre = { x: corners.reduce((s, p) => s + p.x, 0) / 4, y: corners.reduce((s, p) => s + p.y, 0) / 4 };
  const reach = 2.5 * factor + 3;
  const lines = [0, 1, 2, 3].map((i) => refineSide(lum, frame.width, frame.height, corners[i]!, corners[(i + 1) % 4]!, centre, reach));
  const refined = corners.map((corner, i) => {
    const before = lines[(i + 3) % 4];
    const after = lines[i];
    if (!before || !after) return corner;
    const meet = intersect(before, after);
    return meet && distance(meet, corner) <= 3 * reach ? meet : corner;
  }) as Quad;
  if (isConvexQuad(refined)) corners = refined;
  const coverage = Math.min(1, quadArea / (pixels * 0.25));
  return { corners, confidence: Math.max(0, Math.min(1, fill)) * (0.5 + 0.5 * coverage) };
}

/**
 * The size of the straightened page: the longer of each pair of opposite sides, scaled down so
 * that neither side exceeds `maxSide`.
 */
export function straightenedSize(corners: Quad, maxSide = 2480): { width: number; height: number } {
  const [tl, tr, br, bl] = corners;
  let width = Math.max(distance(tl, tr), distance(bl, br));
  let height = Math.max(distance(tl, bl), distance(tr, br));
  const scale = Math.min(1, maxSide / Math.max(width, height));
  width = Math.max(1, Math.round(width * scale));
  height = Math.max(1, Math.round(height * scale));
  return { width, height };
}

/**
 * The page inside `corners`, straightened to `width × height` (by default {@link straightenedSize})
 * by the perspective transform, sampled bilinearly; outside the frame is white.
 */
export function warpPerspective(frame: RgbaImage, corners: Quad, size: { width: number; height: number } = straightenedSize(corners)): RgbaImage {
  const { width, height } = size;
  const h = homography(
    [
      { x: 0, y: 0 },
      { x: width, y: 0 },
      { x: width, y: height },
      { x: 0, y: height },
    ],
    corners,
  );
  if (!h) throw new RangeError('warpPerspective: the corners are degenerate');
  const out = new Uint8ClampedArray(width * height * 4);
  const src = frame.data;
  const fw = frame.width;
  const fh = frame.height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x + 0.5;
      const v = y + 0.5;
      const w = h[6]! * u + h[7]! * v + h[8]!;
      const sx = (h[0]! * u + h[1]! * v + h[2]!) / w - 0.5;
      const sy = (h[3]! * u + h[4]! * v + h[5]!) / w - 0.5;
      const o = 4 * (y * width + x);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= fw || y0 + 1 >= fh) {
        const cx = Math.min(Math.max(Math.round(sx), 0), fw - 1);
        const cy = Math.min(Math.max(Math.round(sy), 0), fh - 1);
        const inside = sx >= -0.5 && sy >= -0.5 && sx <= fw - 0.5 && sy <= fh - 0.5;
        const p = 4 * (cy * fw + cx);
        out[o] = inside ? src[p]! : 255;
        out[o + 1] = inside ? src[p + 1]! : 255;
        out[o + 2] = inside ? src[p + 2]! : 255;
        out[o + 3] = 255;
        continue;
      }
      const ax = sx - x0;
      const ay = sy - y0;
      const p00 = 4 * (y0 * fw + x0);
      const p10 = p00 + 4;
      const p01 = p00 + 4 * fw;
      const p11 = p01 + 4;
      for (let c = 0; c < 3; c++) {
        const top = src[p00 + c]! * (1 - ax) + src[p10 + c]! * ax;
        const bottom = src[p01 + c]! * (1 - ax) + src[p11 + c]! * ax;
        out[o + c] = top * (1 - ay) + bottom * ay;
      }
      out[o + 3] = 255;
    }
  }
  return { data: out, width, height };
}

/**
 * A page straightened from a frame: with the corners given (hand-set, in the page's order —
 * top-left, top-right, bottom-right, bottom-left; {@link orderCorners} orders a loose set), or
 * detected. Null when no sheet is found or the corners make no convex quadrilateral.
 */
export function straightenPage(frame: RgbaImage, corners?: Quad, maxSide = 2480): { page: RgbaImage; corners: Quad } | null {
  const quad = corners ? clampQuad(corners, frame.width, frame.height) : detectSheet(frame)?.corners;
  if (!quad || !isConvexQuad(quad)) return null;
  return { page: warpPerspective(frame, quad, straightenedSize(quad, maxSide)), corners: quad };
}
