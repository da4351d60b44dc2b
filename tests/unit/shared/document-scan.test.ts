import { describe, expect, it } from 'vitest';
import {
  applyHomography,
  clampQuad,
  convexHull,
  detectSheet,
  homography,
  isConvexQuad,
  largestQuadInHull,
  orderCorners,
  otsuThreshold,
  rotateQuad,
  straightenedSize,
  straightenPage,
  warpPerspective,
  type Point,
  type Quad,
  type RgbaImage,
} from '../../../shared/document-scan';
import { idealPage, PAGE, renderSheetOnDesk as render, rotatedSheet, type SheetSceneOptions } from '../../fixtures/paper/scene';

// Rendering a frame takes a while on a small machine: each scene is drawn once.
const rendered = new Map<string, RgbaImage>();
function renderSheetOnDesk(options: SheetSceneOptions): RgbaImage {
  const key = JSON.stringify(options);
  if (!rendered.has(key)) rendered.set(key, render(options));
  return rendered.get(key)!;
}

function maxCornerError(found: Quad, truth: Quad): number {
  return Math.max(...found.map((p, i) => Math.hypot(p.x - truth[i]!.x, p.y - truth[i]!.y)));
}

function grey(image: RgbaImage): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * image.data[4 * i]! + 0.587 * image.data[4 * i + 1]! + 0.114 * image.data[4 * i + 2]!;
  return out;
}

/** Mean row darkness of a band of rows (0–1 of the height), as 255 − level. */
function bandDarkness(image: RgbaImage, from: number, to: number): number {
  const g = grey(image);
  let sum = 0;
  let count = 0;
  for (let y = Math.floor(from * image.height); y < Math.floor(to * image.height); y++) {
    for (let x = 0; x < image.width; x++) {
      sum += 255 - g[y * image.width + x]!;
      count++;
    }
  }
  return sum / count;
}

/**
 * How well a straightened page matches the ideal page: the mean absolute difference after
 * normalising both for the light (a photographed page is dimmer than the ideal one).
 */
function pageDifference(page: RgbaImage): number {
  const g = grey(page);
  const ideal = idealPage(page.width, page.height);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const gain = mean(ideal) / mean(g);
  let sum = 0;
  // The outermost 2 % are left out: a pixel of the desk there says nothing about straightening.
  const mx = Math.ceil(page.width * 0.02);
  const my = Math.ceil(page.height * 0.02);
  let count = 0;
  for (let y = my; y < page.height - my; y++) {
    for (let x = mx; x < page.width - mx; x++) {
      sum += Math.abs(g[y * page.width + x]! * gain - ideal[y * page.width + x]!);
      count++;
    }
  }
  return sum / count;
}

describe('geometry', () => {
  it('maps four points onto four points, and back', () => {
    const from: Point[] = [
      { x: 10, y: 20 },
      { x: 300, y: 40 },
      { x: 280, y: 400 },
      { x: 30, y: 380 },
    ];
    const to: Point[] = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 141 },
      { x: 0, y: 141 },
    ];
    const h = homography(from, to)!;
    const back = homography(to, from)!;
    from.forEach((p, i) => {
      const q = applyHomography(h, p);
      expect(q.x).toBeCloseTo(to[i]!.x, 6);
      expect(q.y).toBeCloseTo(to[i]!.y, 6);
      const r = applyHomography(back, q);
      expect(r.x).toBeCloseTo(p.x, 6);
    });
    // Three points on a line leave no homography.
    expect(homography([from[0]!, from[0]!, from[0]!, from[1]!], to)).toBeNull();
  });

  it.each([
    ['upright', 0],
    ['turned 30° clockwise', 30],
    ['turned 40° anticlockwise', -40],
  ] as const)('orders corners as a page is read: %s', (_name, degrees) => {
    const truth = rotatedSheet(500, 400, 300, degrees);
    for (const shuffled of [
      [2, 0, 3, 1],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
    ]) {
      expect(orderCorners(shuffled.map((i) => truth[i]!))).toEqual(truth);
    }
  });

  it('turns corners a quarter at a time, and knows a quadrilateral from a bow tie', () => {
    const q = rotatedSheet(500, 400, 300, 0);
    expect(rotateQuad(q)).toEqual([q[3], q[0], q[1], q[2]]);
    expect(rotateQuad(q, 4)).toEqual(q);
    expect(rotateQuad(rotateQuad(q), -1)).toEqual(q);
    expect(isConvexQuad(q)).toBe(true);
    expect(isConvexQuad([q[0], q[2], q[1], q[3]])).toBe(false);
    expect(clampQuad([{ x: -5, y: 2 }, { x: 900, y: -1 }, q[2], q[3]], 800, 600)[0]).toEqual({ x: 0, y: 2 });
  });

  it('finds the largest quadrilateral in a convex hull', () => {
    const square: Point[] = [];
    // A square with its corners cut a little: the four big corners are still the best quad.
    for (let i = 0; i <= 10; i++) square.push({ x: i * 10, y: 0 }, { x: 100, y: i * 10 }, { x: 100 - i * 10, y: 100 }, { x: 0, y: 100 - i * 10 });
    const hull = convexHull(square);
    const quad = largestQuadInHull(hull)!;
    expect(orderCorners(quad)).toEqual([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 100 },
      { x: 0, y: 100 },
    ]);
  });

  it("splits a two-level image at Otsu's threshold", () => {
    const values = new Float32Array(1000);
    values.fill(60, 0, 700);
    values.fill(230, 700);
    const t = otsuThreshold(values);
    expect(t).toBeGreaterThan(60);
    expect(t).toBeLessThan(230);
  });
});

describe('sheet detection on synthetic frames', () => {
  const scenes: Array<[string, Quad, number]> = [
    ['upright, centred', rotatedSheet(640, 480, 820, 0), 1],
    ['turned 8°', rotatedSheet(620, 470, 780, 8), 2],
    ['turned 25° the other way', rotatedSheet(650, 490, 700, -25), 3],
    [
      'in perspective (camera tilted)',
      [
        { x: 420, y: 90 },
        { x: 905, y: 110 },
        { x: 1010, y: 880 },
        { x: 300, y: 860 },
      ],
      4,
    ],
    ['small and off-centre', rotatedSheet(400, 330, 420, 12), 5],
  ];

  it.each(scenes)('%s: corners within 2.5 px', (_name, truth, seed) => {
    const frame = renderSheetOnDesk({ corners: truth, seed });
    const found = detectSheet(frame);
    expect(found).not.toBeNull();
    expect(maxCornerError(found!.corners, truth)).toBeLessThan(2.5);
    expect(found!.confidence).toBeGreaterThan(0.5);
  });

  it('finds no sheet on an empty desk', () => {
    const frame = renderSheetOnDesk({ corners: rotatedSheet(-5000, -5000, 10, 0), seed: 9 });
    expect(detectSheet(frame)).toBeNull();
  });

  it('finds no sheet in a frame of one colour', () => {
    const data = new Uint8ClampedArray(320 * 240 * 4).fill(200);
    expect(detectSheet({ data, width: 320, height: 240 })).toBeNull();
  });
});

describe('straightening', () => {
  it('makes an upright page of a tilted photo (perspective), matching the page', () => {
    const truth: Quad = [
      { x: 420, y: 90 },
      { x: 905, y: 110 },
      { x: 1010, y: 880 },
      { x: 300, y: 860 },
    ];
    const frame = renderSheetOnDesk({ corners: truth, seed: 4 });
    const { page } = straightenPage(frame, undefined, 1169)!;
    expect(page.height).toBeGreaterThan(page.width);
    // Upright: the title bar is at the top, the corner mark at the bottom.
    expect(bandDarkness(page, 0.06, 0.11)).toBeGreaterThan(bandDarkness(page, 0.12, 0.16) + 40);
    expect(bandDarkness(page, 0.87, 0.92)).toBeGreaterThan(bandDarkness(page, 0.95, 0.98) + 5);
    expect(pageDifference(page)).toBeLessThan(12);
  });

  it("keeps a turned page's A4 proportions", () => {
    const frame = renderSheetOnDesk({ corners: rotatedSheet(650, 490, 700, -25), seed: 3 });
    const { page } = straightenPage(frame, undefined, 1169)!;
    const ratio = page.height / page.width;
    expect(Math.abs(ratio / (PAGE.height / PAGE.width) - 1)).toBeLessThan(0.01);
    expect(bandDarkness(page, 0.06, 0.11)).toBeGreaterThan(bandDarkness(page, 0.12, 0.16) + 40);
    expect(pageDifference(page)).toBeLessThan(12);
  });

  it('straightens each test scene so that it matches the page, where a wrong corner would not', () => {
    const truth = rotatedSheet(620, 470, 780, 8);
    const frame = renderSheetOnDesk({ corners: truth, seed: 2 });
    const size = { width: 413, height: 584 };
    const good = warpPerspective(frame, detectSheet(frame)!.corners, size);
    expect(pageDifference(good)).toBeLessThan(12);
    // A corner 15 px off shows: the check above can fail.
    const off: Quad = [{ x: truth[0].x + 15, y: truth[0].y + 15 }, truth[1], truth[2], truth[3]];
    expect(pageDifference(warpPerspective(frame, off, size))).toBeGreaterThan(pageDifference(good) + 3);
  });

  it('takes hand-set corners (a loose set is ordered first), and turns a page lying sideways upright with rotateQuad', () => {
    // The page lies on its side: its top is at the frame's right.
    const sideways = rotatedSheet(640, 480, 760, 90);
    const frame = renderSheetOnDesk({ corners: sideways, seed: 6 });
    const handSet = orderCorners([sideways[2], sideways[0], sideways[3], sideways[1]]);
    const asSeen = straightenPage(frame, handSet, 800)!;
    // Read as the frame shows it, the page is landscape.
    expect(asSeen.page.width).toBeGreaterThan(asSeen.page.height);
    // A quarter turn one way or the other makes it portrait; the right one puts the title at the top.
    const turns = [1, 3].map((k) => straightenPage(frame, rotateQuad(asSeen.corners, k), 800)!.page);
    for (const page of turns) expect(page.height).toBeGreaterThan(page.width);
    const upright = turns.filter((p) => bandDarkness(p, 0.06, 0.11) > bandDarkness(p, 0.12, 0.16) + 40);
    expect(upright).toHaveLength(1);
    expect(pageDifference(upright[0]!)).toBeLessThan(12);
    // The corners found by detection agree with the hand-set ones.
    expect(maxCornerError(detectSheet(frame)!.corners, handSet)).toBeLessThan(2.5);
  });

  it('refuses corners that make no page, and fills what lies outside the frame with white', () => {
    const frame = renderSheetOnDesk({ corners: rotatedSheet(640, 480, 820, 0), width: 320, height: 240, seed: 7 });
    const line: Quad = [
      { x: 0, y: 0 },
      { x: 10, y: 10 },
      { x: 20, y: 20 },
      { x: 30, y: 30 },
    ];
    expect(straightenPage(frame, line)).toBeNull();
    const beyond = warpPerspective(
      frame,
      [
        { x: -100, y: -100 },
        { x: -50, y: -100 },
        { x: -50, y: -50 },
        { x: -100, y: -50 },
      ],
      { width: 10, height: 10 },
    );
    expect([...beyond.data.slice(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it('limits the page to the size asked for', () => {
    const q = rotatedSheet(2000, 1500, 3000, 0);
    expect(straightenedSize(q, 1000)).toEqual({ width: Math.round((1000 * PAGE.width) / PAGE.height), height: 1000 });
    expect(straightenedSize(rotatedSheet(100, 100, 100, 0)).height).toBe(100);
  });
});
