import { describe, expect, it } from 'vitest';
import { handleSheetRequest } from '../../../renderer/features/counter/paper/sheet-protocol';
import { renderSheetOnDesk, rotatedSheet } from '../../fixtures/paper/scene';

const truth = rotatedSheet(320, 240, 400, 6);
const frame = renderSheetOnDesk({ width: 640, height: 480, corners: truth, seed: 11 });
const buffer = () => frame.data.slice().buffer as ArrayBuffer;

describe("the document camera worker's messages", () => {
  it('finds the sheet in a transferred frame', () => {
    const reply = handleSheetRequest({ type: 'detect', id: 1, width: 640, height: 480, buffer: buffer() });
    expect(reply).toMatchObject({ type: 'detected', id: 1 });
    if (reply.type !== 'detected') return;
    reply.corners!.forEach((p, i) => expect(Math.hypot(p.x - truth[i]!.x, p.y - truth[i]!.y)).toBeLessThan(2.5));
  });

  it("straightens with detected or hand-set corners, answering the page's pixels for transfer", () => {
    const detected = handleSheetRequest({ type: 'straighten', id: 2, width: 640, height: 480, buffer: buffer(), corners: null, maxSide: 500 });
    expect(detected).toMatchObject({ type: 'straightened', id: 2, height: 400 });
    if (detected.type === 'straightened') expect(detected.buffer.byteLength).toBe(detected.width * detected.height * 4);
    const handSet = handleSheetRequest({ type: 'straighten', id: 3, width: 640, height: 480, buffer: buffer(), corners: truth, maxSide: 200 });
    expect(handSet).toMatchObject({ type: 'straightened', id: 3, height: 200, corners: truth });
  });

  it('says when there is no sheet, and when the message is wrong', () => {
    const crossed = [truth[0], truth[2], truth[1], truth[3]] as typeof truth;
    expect(handleSheetRequest({ type: 'straighten', id: 4, width: 640, height: 480, buffer: buffer(), corners: crossed, maxSide: 500 })).toMatchObject({
      type: 'no-sheet',
      id: 4,
    });
    const empty = new Uint8ClampedArray(64 * 48 * 4).fill(90).buffer as ArrayBuffer;
    expect(handleSheetRequest({ type: 'straighten', id: 5, width: 64, height: 48, buffer: empty, corners: null, maxSide: 500 })).toMatchObject({
      type: 'no-sheet',
    });
    expect(handleSheetRequest({ type: 'detect', id: 6, width: 64, height: 48, buffer: new ArrayBuffer(10) })).toMatchObject({
      type: 'error',
      id: 6,
      message: 'frame buffer does not match its width and height',
    });
  });
});
