import { describe, expect, it } from 'vitest';
import {
  A4_LONG_SIDE_MM,
  cropPage,
  fitWithin,
  frameCorners,
  kilobytes,
  moveCorner,
  moveItem,
  nudgeCorner,
  PAGE_MAX_SIDE,
  pageDpi,
  parseRememberedCamera,
  pickCamera,
  usableCorners,
} from '../../../shared/document-camera';
import type { Quad } from '../../../shared/document-scan';
import { renderSheetOnDesk, rotatedSheet } from '../../fixtures/paper/scene';

const webcam = { deviceId: 'aaa', label: 'Integrated Camera (04f2:b6d9)' };
const docCam = { deviceId: 'bbb', label: 'USB 高拍仪 (1a2b:3c4d)' };
const other = { deviceId: 'ccc', label: 'HD Pro Webcam C920' };

describe('which camera the paper dialog opens', () => {
  it('the one the clerk chose, by its id, else by its name when the browser made new ids', () => {
    expect(pickCamera([webcam, docCam, other], { deviceId: 'ccc', label: 'HD Pro Webcam C920' })).toBe(other);
    expect(pickCamera([webcam, { ...other, deviceId: 'new-id' }], { deviceId: 'ccc', label: 'HD Pro Webcam C920' })).toEqual({ ...other, deviceId: 'new-id' });
  });

  it('without a choice (or when the chosen one is unplugged): a camera named like a document camera, else the first', () => {
    expect(pickCamera([webcam, docCam], null)).toBe(docCam);
    expect(pickCamera([webcam, { deviceId: 'd', label: 'Document Camera' }], null)?.deviceId).toBe('d');
    expect(pickCamera([webcam, other], { deviceId: 'gone', label: 'Unplugged Visualizer' })).toBe(webcam);
    // Before the page may use a camera, names are empty: the first.
    expect(
      pickCamera(
        [
          { deviceId: 'x', label: '' },
          { deviceId: 'y', label: '' },
        ],
        null,
      )?.deviceId,
    ).toBe('x');
    expect(pickCamera([], { deviceId: 'aaa', label: '' })).toBeNull();
  });

  it('reads a remembered choice back, and nothing from damaged or foreign storage', () => {
    expect(parseRememberedCamera(JSON.stringify({ deviceId: 'bbb', label: 'USB 高拍仪' }))).toEqual({ deviceId: 'bbb', label: 'USB 高拍仪' });
    for (const text of [
      null,
      '',
      'not json',
      '[]',
      '"bbb"',
      '{"deviceId":1,"label":"x"}',
      '{"deviceId":"","label":""}',
      JSON.stringify({ deviceId: 'x'.repeat(600), label: '' }),
    ]) {
      expect(parseRememberedCamera(text)).toBeNull();
    }
  });
});

describe('how a page is kept', () => {
  it('at most A4 at 200 dpi, declared at the resolution that prints it at A4 size', () => {
    expect(PAGE_MAX_SIDE).toBe(2339);
    expect(pageDpi(1654, 2339)).toBeCloseTo(200, 0);
    // A 720p camera's page: about 620 px tall, still printed 297 mm tall.
    const dpi = pageDpi(440, 620);
    expect((620 / dpi) * 25.4).toBeCloseTo(A4_LONG_SIDE_MM, 6);
    expect((2339 / pageDpi(2339, 1654)) * 25.4).toBeCloseTo(A4_LONG_SIDE_MM, 6);
    expect(pageDpi(0, 0)).toBe(200);
  });

  it('sizes and kilobytes as the page list shows them', () => {
    expect(fitWithin(1654, 2339, 240, 340)).toEqual({ width: 240, height: 339 });
    expect(fitWithin(100, 50, 240, 340)).toEqual({ width: 100, height: 50 });
    expect(fitWithin(0, 10, 240, 340)).toEqual({ width: 1, height: 1 });
    expect(kilobytes(312_000)).toBe(305);
    expect(kilobytes(10)).toBe(1);
  });
});

describe('the page order', () => {
  it('moves a page up, down, to the ends, and ignores a move from outside the list', () => {
    const pages = ['p1', 'p2', 'p3', 'p4'];
    expect(moveItem(pages, 2, 1)).toEqual(['p1', 'p3', 'p2', 'p4']);
    expect(moveItem(pages, 0, 1)).toEqual(['p2', 'p1', 'p3', 'p4']);
    expect(moveItem(pages, 3, 0)).toEqual(['p4', 'p1', 'p2', 'p3']);
    expect(moveItem(pages, 0, 99)).toEqual(['p2', 'p3', 'p4', 'p1']);
    expect(moveItem(pages, 0, -1)).toEqual(pages);
    expect(moveItem(pages, 7, 0)).toEqual(pages);
    expect(pages).toEqual(['p1', 'p2', 'p3', 'p4']);
  });
});

describe('the corners set by hand', () => {
  const quad: Quad = [
    { x: 10, y: 10 },
    { x: 90, y: 12 },
    { x: 88, y: 70 },
    { x: 12, y: 68 },
  ];

  it('a dragged corner stays inside the frame; the others do not move', () => {
    const moved = moveCorner(quad, 2, { x: 140, y: -5 }, 100, 80);
    expect(moved[2]).toEqual({ x: 100, y: 0 });
    expect(moved.filter((_, i) => i !== 2)).toEqual(quad.filter((_, i) => i !== 2));
    expect(moveCorner(quad, 4, { x: 0, y: 0 }, 100, 80)).toBe(quad);
  });

  it('arrow keys move the focused corner one step, Shift ten; other keys nothing', () => {
    expect(nudgeCorner(quad, 0, 'ArrowRight', false, 2, 100, 80)[0]).toEqual({ x: 12, y: 10 });
    expect(nudgeCorner(quad, 0, 'ArrowDown', true, 2, 100, 80)[0]).toEqual({ x: 10, y: 30 });
    expect(nudgeCorner(quad, 1, 'ArrowUp', true, 2, 100, 80)[1]).toEqual({ x: 90, y: 0 });
    expect(nudgeCorner(quad, 0, 'Enter', false, 2, 100, 80)).toBe(quad);
  });

  it('a page needs four corners that make a convex quadrilateral', () => {
    expect(usableCorners(quad, 100, 80)).toBe(true);
    expect(usableCorners([quad[0], quad[2], quad[1], quad[3]], 100, 80)).toBe(false);
    expect(usableCorners(frameCorners(100, 80), 100, 80)).toBe(true);
    expect(frameCorners(100, 80, 0.1)).toEqual([
      { x: 10, y: 8 },
      { x: 90, y: 8 },
      { x: 90, y: 72 },
      { x: 10, y: 72 },
    ]);
  });
});

describe('cropPage: the page in a camera frame', () => {
  const truth = rotatedSheet(320, 240, 400, 5);
  const frame = renderSheetOnDesk({ width: 640, height: 480, corners: truth, seed: 3 });

  it('found automatically, straightened, never larger than asked', () => {
    const page = cropPage(frame, null, 300)!;
    expect(page.source).toBe('detected');
    expect(page.page.height).toBe(300);
    page.corners.forEach((p, i) => expect(Math.hypot(p.x - truth[i]!.x, p.y - truth[i]!.y)).toBeLessThan(2.5));
  });

  it('from hand-set corners: another crop; crossed corners make none', () => {
    const half: Quad = [
      truth[0],
      { x: (truth[0].x + truth[1].x) / 2, y: (truth[0].y + truth[1].y) / 2 },
      { x: (truth[3].x + truth[2].x) / 2, y: (truth[3].y + truth[2].y) / 2 },
      truth[3],
    ];
    const page = cropPage(frame, half)!;
    expect(page.source).toBe('hand');
    const whole = cropPage(frame, null)!;
    expect(page.page.width).toBeLessThan(whole.page.width * 0.6);
    expect(page.page.height).toBe(whole.page.height);
    expect(cropPage(frame, [truth[0], truth[2], truth[1], truth[3]])).toBeNull();
  });

  it('with no sheet in view, the whole frame, so that the capture is not lost', () => {
    const desk = { data: new Uint8ClampedArray(320 * 240 * 4).fill(120), width: 320, height: 240 };
    const page = cropPage(desk, null)!;
    expect(page.source).toBe('whole');
    expect(page.corners).toEqual(frameCorners(320, 240));
    expect([page.page.width, page.page.height]).toEqual([320, 240]);
  });
});
