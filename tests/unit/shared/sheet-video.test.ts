import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSheet, warpPerspective } from '../../../shared/document-scan';
import { i420ToRgba } from '../../fixtures/qr/y4m';
import { writeSheetVideoY4m } from '../../fixtures/paper/y4m';

const dir = mkdtempSync(join(tmpdir(), 'sheet-video-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Frame n of a Y4M file, back to RGBA as the camera pipeline hands it to the page. */
function frameOf(file: Buffer, n: number) {
  const headerEnd = file.indexOf(0x0a) + 1;
  const header = file.subarray(0, headerEnd).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)![1]);
  const height = Number(/ H(\d+)/.exec(header)![1]);
  const frameSize = 6 + (width * height * 3) / 2;
  const start = headerEnd + n * frameSize;
  expect(file.subarray(start, start + 6).toString('latin1')).toBe('FRAME\n');
  return i420ToRgba(file.subarray(start + 6, start + frameSize), width, height);
}

describe('the document camera fixture', () => {
  it('writes a Y4M of a sheet on a desk whose corners the detector finds after 4:2:0 video coding', () => {
    const video = writeSheetVideoY4m(join(dir, 'sheet.y4m'), { width: 640, height: 360, pages: 2, framesPerPage: 2 });
    expect(video.frames).toBe(4);
    const file = readFileSync(video.path);
    expect(file.length).toBe(video.bytes);
    expect(file.subarray(0, file.indexOf(0x0a) + 1).toString('latin1')).toBe('YUV4MPEG2 W640 H360 F5:1 Ip A1:1 C420jpeg\n');
    for (const n of [0, 3]) {
      const found = detectSheet(frameOf(file, n))!;
      found.corners.forEach((p, i) => expect(Math.hypot(p.x - video.corners[i]!.x, p.y - video.corners[i]!.y)).toBeLessThan(3));
    }
  });

  it('marks each page with its number, so that a test can tell the order pages were taken in', () => {
    const video = writeSheetVideoY4m(join(dir, 'pages.y4m'), { width: 640, height: 360, pages: 3, framesPerPage: 1 });
    const file = readFileSync(video.path);
    const marks = [0, 1, 2].map((n) => {
      const page = warpPerspective(frameOf(file, n), video.corners, { width: 400, height: 566 });
      // Count dark runs along the row of number squares (v = 0.9625).
      const y = Math.round(0.9625 * 566);
      let runs = 0;
      let dark = false;
      for (let x = 0; x < 400; x++) {
        const o = 4 * (y * 400 + x);
        const isDark = page.data[o + 1]! < 120;
        if (isDark && !dark) runs++;
        dark = isDark;
      }
      return runs;
    });
    expect(marks).toEqual([1, 2, 3]);
  });
});
