import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODER, createDecoder } from '../../../renderer/features/counter/scanner/decoder';
import { sampleToken } from '../../fixtures/qr/token';
import { i420ToRgba, writeQrVideoY4m } from '../../fixtures/qr/y4m';
import { zxingWasmFromPackage } from '../../fixtures/qr/zxing-node';

describe('the fake-camera video', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qr-y4m-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const token = sampleToken(11);
  const path = join(dir, 'holder.y4m');
  const written = writeQrVideoY4m(path, token, { width: 640, height: 480, fps: 10, seconds: 2 });
  const file = readFileSync(path);
  const header = 'YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n';
  const frameBytes = 6 + 640 * 480 * 1.5;

  it('has the Y4M header and whole 4:2:0 frames, each behind its FRAME marker', () => {
    expect(file.subarray(0, header.length).toString('latin1')).toBe(header);
    expect(written.frames).toBe(20);
    expect(file.length).toBe(header.length + 20 * frameBytes);
    expect(written.bytes).toBe(file.length);
    for (let n = 0; n < 20; n++) {
      const at = header.length + n * frameBytes;
      expect(file.subarray(at, at + 6).toString('latin1')).toBe('FRAME\n');
    }
  });

  it(`is read back by the default decoder (${DEFAULT_DECODER}), first frame and mid-sway`, async () => {
    const decoder = createDecoder(DEFAULT_DECODER, zxingWasmFromPackage());
    for (const n of [0, 7]) {
      const at = header.length + n * frameBytes + 6;
      const frame = i420ToRgba(file.subarray(at, at + frameBytes - 6), 640, 480);
      await expect(decoder.decode(frame), `frame ${n}`).resolves.toBe(token);
    }
  });
});
