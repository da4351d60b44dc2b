import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODER, createDecoder, createJsqrDecoder, createZxingDecoder } from '../../../renderer/features/counter/scanner/decoder';
import { MILD_CLASSES, generateCorpus } from '../../fixtures/qr/corpus';
import { sampleToken } from '../../fixtures/qr/token';
import { zxingWasmFromPackage } from '../../fixtures/qr/zxing-node';

const token = sampleToken(3);
const VGA = [{ width: 640, height: 480 }];
const wasm = zxingWasmFromPackage();

describe('QR decoders', () => {
  const [clean] = generateCorpus({ token, perClass: 1, resolutions: VGA, classes: ['clean'] });
  const [empty] = generateCorpus({ token, perClass: 1, resolutions: VGA, classes: ['empty'] });

  it.each([
    ['zxing', () => createZxingDecoder(wasm)],
    ['jsqr', () => createJsqrDecoder()],
  ])('%s reads the 亮证码 from a clean frame', async (_name, make) => {
    await expect(make().decode(clean!.frame)).resolves.toBe(token);
  });

  it.each([
    ['zxing', () => createZxingDecoder(wasm)],
    ['jsqr', () => createJsqrDecoder()],
  ])('%s finds nothing in an empty noisy frame', async (_name, make) => {
    await expect(make().decode(empty!.frame)).resolves.toBeNull();
  });

  it('jsQR reads a dark-mode code, so its inversion option reaches every call', async () => {
    const [inverted] = generateCorpus({ token, perClass: 1, resolutions: VGA, classes: ['inverted'] });
    const decoder = createJsqrDecoder();
    await expect(decoder.decode(inverted!.frame)).resolves.toBe(token);
    await expect(createJsqrDecoder('dontInvert').decode(inverted!.frame)).resolves.toBeNull();
    await expect(decoder.decode(inverted!.frame)).resolves.toBe(token);
  });

  describe(`the default decoder (${DEFAULT_DECODER})`, () => {
    const decoder = createDecoder(DEFAULT_DECODER, wasm);

    it.each(MILD_CLASSES.map((cls) => [cls]))('reads %s frames at both resolutions', async (cls) => {
      for (const f of generateCorpus({ token, seed: 4242, perClass: 2, classes: [cls] })) {
        await expect(decoder.decode(f.frame), `${cls} ${f.width}×${f.height} #${f.index}`).resolves.toBe(token);
      }
    });

    it('answers null on every empty frame', async () => {
      for (const f of generateCorpus({ token, seed: 4242, perClass: 3, classes: ['empty'] })) {
        await expect(decoder.decode(f.frame)).resolves.toBeNull();
      }
    });
  });
});

describe('the QR corpus', () => {
  it('is the same for the same seed and differs for another', () => {
    const one = [...generateCorpus({ token, seed: 5, perClass: 1, resolutions: VGA, classes: ['rotated'] })][0]!.frame.data;
    const again = [...generateCorpus({ token, seed: 5, perClass: 1, resolutions: VGA, classes: ['rotated'] })][0]!.frame.data;
    const other = [...generateCorpus({ token, seed: 6, perClass: 1, resolutions: VGA, classes: ['rotated'] })][0]!.frame.data;
    expect(Buffer.compare(Buffer.from(one), Buffer.from(again))).toBe(0);
    expect(Buffer.compare(Buffer.from(one), Buffer.from(other))).not.toBe(0);
  });

  it('carries a token of the real shape', () => {
    expect(token).toMatch(/^EL1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(token.length).toBeGreaterThan(280);
  });
});
