import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { generateWebcamCorpus } from '../../fixtures/qr/corpus';
import { variedToken } from '../../fixtures/qr/token';

const VGA = { width: 640, height: 480 };

describe('the webcam corpus', () => {
  it('makes each class as it says: dim contrast, small modules, tilt, a thumb over the code', () => {
    const frames = [...generateWebcamCorpus({ ...VGA, perClass: { dim: 4, small: 4, tilt: 4, covered: 4, empty: 2 } })];
    for (const f of frames.filter((x) => x.cls === 'dim')) {
      expect(f.info.contrast).toBeGreaterThanOrEqual(36);
      expect(f.info.contrast).toBeLessThanOrEqual(55);
    }
    for (const f of frames.filter((x) => x.cls === 'small')) {
      expect(f.info.pxPerModule).toBeGreaterThanOrEqual(1.5);
      expect(f.info.pxPerModule).toBeLessThanOrEqual(1.9);
    }
    for (const f of frames.filter((x) => x.cls === 'tilt')) {
      expect(f.info.tiltDegrees).toBeGreaterThanOrEqual(20);
      expect(f.info.tiltDegrees).toBeLessThanOrEqual(35);
    }
    // Sampled coverage lands within a sample or two of the 3–8 % asked for.
    for (const f of frames.filter((x) => x.cls === 'covered')) {
      expect(f.info.covered).toBeGreaterThan(0.025);
      expect(f.info.covered).toBeLessThan(0.085);
    }
    for (const f of frames.filter((x) => x.cls === 'empty')) expect(f.expected).toBeNull();
    // Eighteen frames drawn in plain JavaScript: about 9 s alone, longer beside another fork.
  }, 120_000);

  it('keeps the same code size in modules at every resolution: 1.5–1.9 px at 640×480 is 3.4–4.3 at 1920×1080', () => {
    const [small] = [...generateWebcamCorpus({ width: 1920, height: 1080, perClass: { small: 1 } })];
    expect(small!.info.pxPerModule).toBeGreaterThanOrEqual(1.5 * 2.25);
    expect(small!.info.pxPerModule).toBeLessThanOrEqual(1.9 * 2.25);
  });

  it('is the same for the same seed, and carries a different real-length 亮证码 in each frame', () => {
    const one = [...generateWebcamCorpus({ ...VGA, perClass: { moire: 2 } })];
    const again = [...generateWebcamCorpus({ ...VGA, perClass: { moire: 2 } })];
    expect(Buffer.compare(Buffer.from(one[0]!.frame.data), Buffer.from(again[0]!.frame.data))).toBe(0);
    expect(one[0]!.expected).not.toBe(one[1]!.expected);
    for (let seed = 0; seed < 50; seed++) {
      const token = variedToken(seed);
      expect(token).toMatch(/^EL1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
      expect(QRCode.create(token, { errorCorrectionLevel: 'M' }).version).toBeGreaterThanOrEqual(14);
      expect(QRCode.create(token, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(16);
    }
  });
});
