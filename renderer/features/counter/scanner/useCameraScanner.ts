import { computed, onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { CAMERA_RESOLUTION, cameraFailure } from '../../../composables/camera';
import { CAMERA_SCAN_TEXT, type CameraScanState } from './messages';
import type { QrFrameMessage, QrWorkerReply } from './qr-worker';

export interface CameraScannerOptions {
  /** Called once with the decoded text; the camera and the worker are already stopped by then. */
  onDecoded: (text: string) => void;
  /** Frames wider than this are scaled down before decoding (by default 1920: a small code needs every pixel). */
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
 * The camera side of 亮证码 reading: opens the camera into `video`, hands frames to a Web Worker
 * (never decoding on this thread), one frame in flight at a time, and stops everything the
 * moment a code is read or `stop` is called. Stops by itself when the calling scope is disposed.
 */
export function useCameraScanner(video: Ref<HTMLVideoElement | null>, options: CameraScannerOptions) {
  const maxFrameWidth = options.maxFrameWidth ?? CAMERA_RESOLUTION.width.ideal;
  const state = ref<CameraScanState>('idle');
  const lastError = ref<string | null>(null);
  const stream = shallowRef<MediaStream | null>(null);
  const message = computed(() => CAMERA_SCAN_TEXT[state.value]);

  let worker: Worker | null = null;
  let session = 0;
  let busy = false;
  let frameId = 0;
  let pending: { cancel: () => void } | null = null;
  let canvas: FrameCanvas | null = null;

  function release(): void {
    session++;
    pending?.cancel();
    pending = null;
    worker?.terminate();
    worker = null;
    busy = false;
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

  function tick(el: HTMLVideoElement, mine: number): void {
    if (mine !== session || !worker) return;
    // While the worker is busy the frame is dropped: decoding a stale queue would only add lag.
    if (!busy && el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && el.videoWidth > 0) {
      const scale = Math.min(1, maxFrameWidth / el.videoWidth);
      const width = Math.round(el.videoWidth * scale);
      const height = Math.round(el.videoHeight * scale);
      canvas ??= createCanvas();
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (ctx) {
        ctx.drawImage(el, 0, 0, width, height);
        const { data } = ctx.getImageData(0, 0, width, height);
        const frame: QrFrameMessage = { type: 'frame', id: ++frameId, width, height, buffer: data.buffer as ArrayBuffer };
        busy = true;
        worker.postMessage(frame, [frame.buffer]);
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
