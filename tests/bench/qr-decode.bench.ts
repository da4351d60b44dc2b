/**
 * QR decoding, on two generated corpora (tests/fixtures/qr):
 *
 * 1. the synthetic corpus (corpus.ts): both decoders, success rate and ms per frame per class
 *    and resolution. The default decoder's figures carry the targets; the other
 *    decoder's are printed as a baseline;
 * 2. the webcam corpus (webcam.ts: a counter webcam aimed at a phone on the desk), each class
 *    reported at the resolution the app asks the camera for (CAMERA_RESOLUTION, 1920×1080) and at
 *    640×480, read as the camera loop reads them (useCameraScanner): the frame scaled to at most
 *    1280 wide for the search (as the page's canvas scales it), and where a symbol was found but
 *    not decoded, its region cut from the full-resolution picture for the second pass (the loop
 *    cuts it from the next picture; here the phone holds still). Against it, in the same run: the
 *    search alone, one pass. `qr_success_dim_pct` (≥ 98) and `qr_success_small_pct` (≥ 90) are the
 *    dim-screen and small-code classes at the app's resolution; `qr_max_frame_ms` (≤ 50) is the
 *    slowest worker message of both corpora (a search, or a second pass), each the median of
 *    three runs.
 *
 * Timing: each frame's time for ZXing is the median of three decodes of it, so that a burst of
 * load from other processes on this shared 2-core machine does not pass for the decoder's cost;
 * both decoders are warmed up on frames outside the corpus first (the cold first decode is
 * reported on its own, wasm instantiation included). "right" is the token read from a frame that
 * carries it, or nothing from an empty one; a misread is any other answer. jsQR takes up to seconds on a 1280×720 frame without a code, so it runs
 * on the first JSQR_PER_CLASS frames of each class once; its sample size is printed.
 */
import { CAMERA_RESOLUTION } from '../../renderer/composables/camera';
import {
  DEFAULT_DECODER,
  createDecoder,
  createZxingDecoder,
  type QrDecoder,
  type QrDecoderName,
  type QrFrame,
} from '../../renderer/features/counter/scanner/decoder';
import { cropImage, regionAtFullResolution } from '../../renderer/features/counter/scanner/second-pass';
import { SEARCH_FRAME_WIDTH } from '../../renderer/features/counter/scanner/useCameraScanner';
import { scaleFrame } from '../fixtures/qr/scene';
import { MILD_CLASSES, QR_FRAME_CLASSES, RESOLUTIONS, generateCorpus, generateWebcamCorpus, type QrFrameClass } from '../fixtures/qr/corpus';
import { WEBCAM_CLASSES, type WebcamClass } from '../fixtures/qr/webcam';
import { sampleToken } from '../fixtures/qr/token';
import { zxingWasmFromPackage } from '../fixtures/qr/zxing-node';
import { median, reportFigures, type BenchFigure } from './lib';

const PER_CLASS = 12;
const JSQR_PER_CLASS = 4;
const ZXING_REPEATS = 3;
/** The webcam corpus: frames per class at the app's resolution (the classes with a target get more) and at 640×480. */
const WEBCAM_AT_APP: Record<WebcamClass, number> = {
  dim: 50,
  small: 50,
  moire: 12,
  glare: 12,
  'noise-blocks': 12,
  tilt: 12,
  motion: 12,
  defocus: 12,
  covered: 12,
  empty: 12,
};
const WEBCAM_AT_VGA = 30;
const APP_WIDTH = CAMERA_RESOLUTION.width.ideal;
const APP_HEIGHT = CAMERA_RESOLUTION.height.ideal;

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
  console.log(
    `\nQR corpus: ${PER_CLASS} frames per class per resolution (jsQR: the first ${JSQR_PER_CLASS}), token of ${token.length} characters; ${((performance.now() - began) / 1000).toFixed(1)} s`,
  );
  console.table(rows);

  const figures = (name: QrDecoderName, prefix: string, withTargets: boolean): BenchFigure[] => {
    const mine = samples.filter((x) => x.decoder === name);
    const mild = mine.filter((x) => MILD_CLASSES.includes(x.cls));
    return [
      {
        name: `${prefix}success_mild_pct`,
        value: (100 * mild.filter((x) => x.ok).length) / mild.length,
        unit: '%',
        target: withTargets ? 95 : null,
        better: 'higher',
      },
      {
        name: `${prefix}decode_ms_640`,
        value: median(mine.filter((x) => x.width === 640).map((x) => x.ms)),
        unit: 'ms',
        target: withTargets ? 10 : null,
        better: 'lower',
      },
      { name: `${prefix}max_frame_ms`, value: Math.max(...mine.map((x) => x.ms)), unit: 'ms', target: withTargets ? 50 : null, better: 'lower' },
      { name: `${prefix}misreads`, value: mine.filter((x) => x.misread).length, unit: 'frames', target: null, better: 'lower' },
    ];
  };
  const baseline: QrDecoderName = DEFAULT_DECODER === 'zxing' ? 'jsqr' : 'zxing';
  const synthetic = figures(DEFAULT_DECODER, 'qr_', true);
  const webcam = await webcamCorpus(wasm);
  // The slowest frame of both corpora carries the target.
  const maxFrame = synthetic.find((f) => f.name === 'qr_max_frame_ms')!;
  maxFrame.value = Math.max(maxFrame.value, webcam.maxFrameMs);
  reportFigures(`QR decoding (default decoder: ${DEFAULT_DECODER}; baseline: ${baseline})`, [
    ...synthetic,
    { name: 'qr_zxing_first_decode_ms', value: coldMs, unit: 'ms', target: null, better: 'lower' },
    ...figures(baseline, `qr_${baseline}_`, false),
    ...webcam.figures,
  ]);
}

interface WebcamSample {
  cls: WebcamClass;
  width: number;
  app: boolean;
  appMisread: boolean;
  single: boolean;
  ms: number;
}

async function timed<T>(run: () => Promise<T>, repeats: number): Promise<{ value: T; ms: number }> {
  const times: number[] = [];
  let value: T | undefined;
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    value = await run();
    times.push(performance.now() - start);
  }
  return { value: value!, ms: median(times) };
}

/** One frame as the camera loop reads it: the search on the scaled frame, then the second pass on the full-resolution region. */
async function readAsTheCameraLoop(decoder: QrDecoder, frame: QrFrame): Promise<{ text: string | null; searchText: string | null; ms: number }> {
  const searched = frame.width > SEARCH_FRAME_WIDTH ? scaleFrame(frame, SEARCH_FRAME_WIDTH) : frame;
  const search = await timed(() => decoder.search(searched), ZXING_REPEATS);
  if (search.value.text !== null || !search.value.found) return { text: search.value.text, searchText: search.value.text, ms: search.ms };
  const at = regionAtFullResolution(search.value.found.corners, search.value.found.version, searched, frame);
  if (!at) return { text: null, searchText: null, ms: search.ms };
  const region = cropImage(frame, at.region);
  const again = await timed(() => decoder.lookAgain(region, { corners: at.corners, version: search.value.found!.version }), ZXING_REPEATS);
  return { text: again.value, searchText: null, ms: Math.max(search.ms, again.ms) };
}

/** The webcam corpus at the app's resolution and at 640×480: the camera loop's reading against the search alone. */
async function webcamCorpus(wasm: ReturnType<typeof zxingWasmFromPackage>): Promise<{ figures: BenchFigure[]; maxFrameMs: number }> {
  const app = createZxingDecoder(wasm);
  const samples: WebcamSample[] = [];
  const began = performance.now();
  let generating = 0;
  const sizes = [
    { width: APP_WIDTH, height: APP_HEIGHT, perClass: WEBCAM_AT_APP },
    { width: 640, height: 480, perClass: WEBCAM_AT_VGA },
  ];
  for (const { width, height, perClass } of sizes) {
    const corpus = generateWebcamCorpus({ width, height, perClass });
    for (;;) {
      const made = performance.now();
      const next = corpus.next();
      generating += performance.now() - made;
      if (next.done) break;
      const f = next.value;
      const { text, searchText, ms } = await readAsTheCameraLoop(app, f.frame);
      samples.push({ cls: f.cls, width, app: text === f.expected, appMisread: text !== null && text !== f.expected, single: searchText === f.expected, ms });
    }
  }
  const rows = [];
  for (const { width, height } of sizes) {
    for (const cls of WEBCAM_CLASSES) {
      const s = samples.filter((x) => x.cls === cls && x.width === width);
      rows.push({
        frames: `${width}×${height}`,
        class: cls,
        'app (2 passes) right': `${s.filter((x) => x.app).length}/${s.length}`,
        'search alone right': `${s.filter((x) => x.single).length}/${s.length}`,
        'median ms': Number(median(s.map((x) => x.ms)).toFixed(1)),
        'max ms': Number(Math.max(...s.map((x) => x.ms)).toFixed(1)),
      });
    }
  }
  console.log(
    `\nWebcam corpus: a phone on the desk under a counter webcam, every frame its own 亮证码; ${Object.values(WEBCAM_AT_APP).reduce((a, b) => a + b, 0)} frames at ${APP_WIDTH}×${APP_HEIGHT} (the app's request; searched at ${SEARCH_FRAME_WIDTH} wide, looked at again at full resolution), ${WEBCAM_AT_VGA} per class at 640×480; ms: the longer of a frame's search and second pass; made in ${(generating / 1000).toFixed(1)} s, decoded in ${((performance.now() - began - generating) / 1000).toFixed(1)} s`,
  );
  console.table(rows);
  const pct = (cls: WebcamClass, width: number, which: 'app' | 'single'): number => {
    const s = samples.filter((x) => x.cls === cls && x.width === width);
    return (100 * s.filter((x) => x[which]).length) / s.length;
  };
  const perClass: BenchFigure[] = WEBCAM_CLASSES.filter((c) => c !== 'empty').flatMap((cls) => [
    { name: `qr_webcam_${cls.replace('-', '_')}_pct`, value: pct(cls, APP_WIDTH, 'app'), unit: '%', target: null, better: 'higher' as const },
    { name: `qr_webcam_${cls.replace('-', '_')}_640_pct`, value: pct(cls, 640, 'app'), unit: '%', target: null, better: 'higher' as const },
  ]);
  return {
    maxFrameMs: Math.max(...samples.map((x) => x.ms)),
    figures: [
      { name: 'qr_success_dim_pct', value: pct('dim', APP_WIDTH, 'app'), unit: '%', target: 98, better: 'higher' },
      { name: 'qr_success_small_pct', value: pct('small', APP_WIDTH, 'app'), unit: '%', target: 90, better: 'higher' },
      { name: 'qr_success_dim_one_pass_pct', value: pct('dim', APP_WIDTH, 'single'), unit: '%', target: null, better: 'higher' },
      { name: 'qr_success_small_one_pass_pct', value: pct('small', APP_WIDTH, 'single'), unit: '%', target: null, better: 'higher' },
      { name: 'qr_success_small_640_pct', value: pct('small', 640, 'app'), unit: '%', target: null, better: 'higher' },
      { name: 'qr_success_small_640_one_pass_pct', value: pct('small', 640, 'single'), unit: '%', target: null, better: 'higher' },
      { name: 'qr_webcam_max_frame_ms', value: Math.max(...samples.map((x) => x.ms)), unit: 'ms', target: null, better: 'lower' },
      { name: 'qr_webcam_misreads', value: samples.filter((x) => x.appMisread).length, unit: 'frames', target: null, better: 'lower' },
      ...perClass,
    ],
  };
}

await main();
