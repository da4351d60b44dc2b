import { computed, onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { CAMERA_RESOLUTION, cameraFailure } from '../../../composables/camera';
import type { FoundSymbol } from './decoder';
import { t } from '../../../i18n';
import type { CameraScanState } from './messages';
import type { QrFrameMessage, QrWorkerReply } from './qr-worker';
import { regionAtFullResolution } from './second-pass';

/**
 * Frames are searched at most this wide: a 1920×1080 picture costs the decoder twice as much as
 * 1280×720 and finds no more symbols; the region of one it found but could not decode is then
 * read again at the camera's full resolution.
 */
export const SEARCH_FRAME_WIDTH = 1280;

export interface CameraScannerOptions {
  /** Called once with the decoded text; the camera and the worker are already stopped by then. */
  onDecoded: (text: string) => void;
  /** Frames wider than this are scaled down for the search (by default {@link SEARCH_FRAME_WIDTH}). */
  maxFrameWidth?: number;
  /** Makes the decoding worker; replaceable so that a page can supply its own. */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./qr-worker.ts', import.meta.url), { type: 'module', name: 'qr-decoder' });
}

type FrameCanvas = OffscreenCanvas | HTMLCanvasElement;

function createCanvas(): FrameCanvas {
  return typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
}

/**
 * The camera side of 亮证码 reading: opens the camera into `video` at its highest resolution up to
 * 1920×1080, hands frames to a Web Worker (never decoding on this thread), one message in flight
 * at a time, and stops everything the moment a code is read or `stop` is called. Each frame is
 * searched scaled to at most 1280 wide; where the search found a symbol but could not decode it,
 * the next message is that symbol's region cut from the next picture at the camera's full
 * resolution, for the worker's second pass. Stops by itself when the calling scope is disposed.
 */
export function useCameraScanner(video: Ref<HTMLVideoElement | null>, options: CameraScannerOptions) {
  const maxFrameWidth = options.maxFrameWidth ?? SEARCH_FRAME_WIDTH;
  const state = ref<CameraScanState>('idle');
  const lastError = ref<string | null>(null);
  const stream = shallowRef<MediaStream | null>(null);
  const message = computed(() => t(`scanner.states.${state.value}`));

  let worker: Worker | null = null;
  let session = 0;
  let busy = false;
  let frameId = 0;
  let pending: { cancel: () => void } | null = null;
  let canvas: FrameCanvas | null = null;
  let regionCanvas: FrameCanvas | null = null;
  /** The size of the last frame searched, and a symbol found there but not decoded. */
  let searched = { width: 0, height: 0 };
  let lookAgain: FoundSymbol | null = null;

  function release(): void {
    session++;
    pending?.cancel();
    pending = null;
    worker?.terminate();
    worker = null;
    busy = false;
    lookAgain = null;
    for (const track of stream.value?.getTracks() ?? []) track.stop();
    stream.value = null;
    if (video.value) video.value.srcObject = null;
  }

  function fail(next: CameraScanState, error?: unknown): void {
    release();
    state.value = next;
    lastError.value = error === undefined ? null : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  /** Stops the camera tracks and the worker. Harmless when nothing runs. */
  function stop(): void {
    release();
    if (state.value === 'starting' || state.value === 'scanning') state.value = 'idle';
  }

  function scheduleNext(el: HTMLVideoElement, mine: number): void {
    if (mine !== session) return;
    if (typeof el.requestVideoFrameCallback === 'function') {
      const handle = el.requestVideoFrameCallback(() => tick(el, mine));
      pending = { cancel: () => el.cancelVideoFrameCallback(handle) };
    } else {
      const handle = requestAnimationFrame(() => tick(el, mine));
      pending = { cancel: () => cancelAnimationFrame(handle) };
    }
  }

  function context2d(target: FrameCanvas, width: number, height: number): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null {
    if (target.width !== width || target.height !== height) {
      target.width = width;
      target.height = height;
    }
    return target.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  }

  /** The picture scaled to at most maxFrameWidth, for the search. */
  function frameMessage(el: HTMLVideoElement): QrFrameMessage | null {
    const scale = Math.min(1, maxFrameWidth / el.videoWidth);
    const width = Math.round(el.videoWidth * scale);
    const height = Math.round(el.videoHeight * scale);
    canvas ??= createCanvas();
    const ctx = context2d(canvas, width, height);
    if (!ctx) return null;
    // Averaged, not sampled: 1920 to 1280 by nearest or bilinear pixels keeps all the sensor's
    // noise, and a dim screen's code is then not found (tests/bench/qr-decode.bench.ts).
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(el, 0, 0, width, height);
    const { data } = ctx.getImageData(0, 0, width, height);
    searched = { width, height };
    return { type: 'frame', id: ++frameId, width, height, buffer: data.buffer as ArrayBuffer };
  }

  /** The region of a symbol found but not decoded, from this picture at the camera's full resolution. */
  function regionMessage(el: HTMLVideoElement, found: FoundSymbol): QrFrameMessage | null {
    const at = regionAtFullResolution(found.corners, found.version, searched, { width: el.videoWidth, height: el.videoHeight });
    if (!at) return null;
    const { region, corners } = at;
    regionCanvas ??= createCanvas();
    const ctx = context2d(regionCanvas, region.width, region.height);
    if (!ctx) return null;
    ctx.drawImage(el, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
    const { data } = ctx.getImageData(0, 0, region.width, region.height);
    return {
      type: 'region',
      id: ++frameId,
      width: region.width,
      height: region.height,
      buffer: data.buffer as ArrayBuffer,
      found: { corners, version: found.version },
    };
  }

  function tick(el: HTMLVideoElement, mine: number): void {
    if (mine !== session || !worker) return;
    // While the worker is busy the frame is dropped: decoding a stale queue would only add lag.
    if (!busy && el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && el.videoWidth > 0) {
      const found = lookAgain;
      lookAgain = null;
      const message = (found && regionMessage(el, found)) ?? frameMessage(el);
      if (message) {
        busy = true;
        worker.postMessage(message, [message.buffer]);
      }
    }
    scheduleNext(el, mine);
  }

  function onReply(reply: QrWorkerReply, mine: number): void {
    if (mine !== session) return;
    if (reply.type === 'ready') return;
    if (reply.type === 'error') {
      fail('failed', new Error(reply.message));
      return;
    }
    busy = false;
    if (reply.text !== null) {
      release();
      state.value = 'decoded';
      options.onDecoded(reply.text);
    } else {
      lookAgain = reply.found;
    }
  }

  /** Opens the camera and starts reading. Resolves once the preview runs or a failure is shown. */
  async function start(): Promise<void> {
    release();
    const mine = session;
    lastError.value = null;
    if (!navigator.mediaDevices?.getUserMedia) {
      state.value = 'unsupported';
      return;
    }
    state.value = 'starting';
    try {
      worker = (options.createWorker ?? defaultWorker)();
    } catch (error) {
      fail('failed', error);
      return;
    }
    worker.onmessage = (event: MessageEvent<QrWorkerReply>) => onReply(event.data, mine);
    worker.onerror = (event) => {
      if (mine === session) fail('failed', new Error(event.message || 'worker failed to load'));
    };

    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' }, ...CAMERA_RESOLUTION },
        audio: false,
      });
    } catch (error) {
      if (mine === session) fail(cameraFailure(error), error);
      return;
    }
    if (mine !== session) {
      // Closed while the permission prompt was up: the camera must not stay on.
      for (const track of media.getTracks()) track.stop();
      return;
    }
    stream.value = media;
    const el = video.value;
    if (!el) {
      fail('failed', new Error('no video element'));
      return;
    }
    el.muted = true;
    el.playsInline = true;
    el.srcObject = media;
    try {
      await el.play();
    } catch (error) {
      if (mine === session) fail('failed', error);
      return;
    }
    if (mine !== session) return;
    state.value = 'scanning';
    scheduleNext(el, mine);
  }

  onScopeDispose(release);

  return {
    /** What the scanner is doing. */
    state,
    /** The Chinese status line for `state`. */
    message,
    /** Technical detail of the last failure, for the log, not for the clerk. */
    lastError,
    /** The live camera stream while one is open. */
    stream,
    start,
    stop,
  };
}
