/**
 * QR decoding: both decoders on the same generated corpus (tests/fixtures/qr), success rate and
 * ms per frame per class and resolution. The default decoder's figures carry the targets;
 * the other decoder's are printed as a baseline.
 *
 * Timing: each frame's time for ZXing is the median of three decodes of it, so that a burst of
 * load from other processes on this shared 2-core machine does not pass for the decoder's cost;
 * both decoders are warmed up on frames outside the corpus first (the cold first decode is
 * reported on its own, wasm instantiation included). "right" is the token read from a frame that
 * carries it, or nothing from an empty one; a misread is any other answer. jsQR takes up to seconds on a 1280×720 frame without a code, so it runs
 * on the first JSQR_PER_CLASS frames of each class once; its sample size is printed.
 */
import { DEFAULT_DECODER, createDecoder, type QrDecoder, type QrDecoderName } from '../../renderer/features/counter/scanner/decoder';
import { MILD_CLASSES, QR_FRAME_CLASSES, RESOLUTIONS, generateCorpus, type QrFrameClass } from '../fixtures/qr/corpus';
import { sampleToken } from '../fixtures/qr/token';
import { zxingWasmFromPackage } from '../fixtures/qr/zxing-node';
import { median, reportFigures, type BenchFigure } from './lib';

const PER_CLASS = 12;
const JSQR_PER_CLASS = 4;
const ZXING_REPEATS = 3;

interface Sample {
  decoder: QrDecoderName;
  cls: QrFrameClass;
  width: number;
  ok: boolean;
  /** A non-null answer on an empty frame, or a wrong text: worse than no answer. */
  misread: boolean;
  ms: number;
}

async function timeDecode(decoder: QrDecoder, frame: Parameters<QrDecoder['decode']>[0], repeats: number): Promise<{ text: string | null; ms: number }> {
  const times: number[] = [];
  let text: string | null = null;
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    text = await decoder.decode(frame);
    times.push(performance.now() - start);
  }
  return { text, ms: median(times) };
}

async function main(): Promise<void> {
  const token = sampleToken(7);
  const warmFrames = [...generateCorpus({ token, seed: 99, perClass: 1, classes: ['clean', 'empty'] })];
  const wasm = zxingWasmFromPackage();
  const coldStart = performance.now();
  const decoders = { zxing: createDecoder('zxing', wasm), jsqr: createDecoder('jsqr', wasm) };
  await decoders.zxing.decode(warmFrames[0]!.frame);
  const coldMs = performance.now() - coldStart;
  for (let round = 0; round < 3; round++) {
    for (const f of warmFrames) await decoders.zxing.decode(f.frame);
  }
  for (const f of warmFrames) await decoders.jsqr.decode(f.frame);

  const samples: Sample[] = [];
  const began = performance.now();
  for (const f of generateCorpus({ token, perClass: PER_CLASS })) {
    for (const name of ['zxing', 'jsqr'] as const) {
      if (name === 'jsqr' && f.index >= JSQR_PER_CLASS) continue;
      const { text, ms } = await timeDecode(decoders[name], f.frame, name === 'zxing' ? ZXING_REPEATS : 1);
      samples.push({ decoder: name, cls: f.cls, width: f.width, ok: text === f.expected, misread: text !== null && text !== f.expected, ms });
    }
  }

  const rows = [];
  for (const { width, height } of RESOLUTIONS) {
    for (const cls of QR_FRAME_CLASSES) {
      const row: Record<string, string | number> = { frames: `${width}×${height}`, class: cls };
      for (const name of ['zxing', 'jsqr'] as const) {
        const s = samples.filter((x) => x.decoder === name && x.cls === cls && x.width === width);
        row[`${name} right`] = `${s.filter((x) => x.ok).length}/${s.length}`;
        row[`${name} median ms`] = Number(median(s.map((x) => x.ms)).toFixed(1));
        row[`${name} max ms`] = Number(Math.max(...s.map((x) => x.ms)).toFixed(1));
      }
      rows.push(row);
    }
  }
  console.log(`\nQR corpus: ${PER_CLASS} frames per class per resolution (jsQR: the first ${JSQR_PER_CLASS}), token of ${token.length} characters; ${((performance.now() - began) / 1000).toFixed(1)} s`);
  console.table(rows);

  const figures = (name: QrDecoderName, prefix: string, withTargets: boolean): BenchFigure[] => {
    const mine = samples.filter((x) => x.decoder === name);
    const mild = mine.filter((x) => MILD_CLASSES.includes(x.cls));
    return [
      { name: `${prefix}success_mild_pct`, value: (100 * mild.filter((x) => x.ok).length) / mild.length, unit: '%', target: withTargets ? 95 : null, better: 'higher' },
      { name: `${prefix}decode_ms_640`, value: median(mine.filter((x) => x.width === 640).map((x) => x.ms)), unit: 'ms', target: withTargets ? 10 : null, better: 'lower' },
      { name: `${prefix}max_frame_ms`, value: Math.max(...mine.map((x) => x.ms)), unit: 'ms', target: withTargets ? 50 : null, better: 'lower' },
      { name: `${prefix}misreads`, value: mine.filter((x) => x.misread).length, unit: 'frames', target: null, better: 'lower' },
    ];
  };
  const baseline: QrDecoderName = DEFAULT_DECODER === 'zxing' ? 'jsqr' : 'zxing';
  reportFigures(`QR decoding (default decoder: ${DEFAULT_DECODER}; baseline: ${baseline})`, [
    ...figures(DEFAULT_DECODER, 'qr_', true),
    { name: 'qr_zxing_first_decode_ms', value: coldMs, unit: 'ms', target: null, better: 'lower' },
    ...figures(baseline, `qr_${baseline}_`, false),
  ]);
}

await main();
