import { afterEach, describe, expect, it } from 'vitest';
import { effectScope, ref } from 'vue';
import { CAMERA_RESOLUTION } from '../../../renderer/composables/camera';
import { useCameraScanner } from '../../../renderer/features/counter/scanner/useCameraScanner';
import type { QrFrameMessage, QrWorkerReply } from '../../../renderer/features/counter/scanner/qr-worker';

const saved = { navigator: globalThis.navigator, OffscreenCanvas: (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas };
// The one constant of the DOM the frame loop reads.
(globalThis as { HTMLMediaElement?: unknown }).HTMLMediaElement ??= { HAVE_CURRENT_DATA: 2 };
afterEach(() => {
  Object.defineProperty(globalThis, 'navigator', { value: saved.navigator, configurable: true, writable: true });
  (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas = saved.OffscreenCanvas;
});

/** A webcam of `width`×`height`, a video element and a worker, all fakes: what the scanner asks of them is recorded. */
function fakeCamera(width: number, height: number) {
  const asked: MediaStreamConstraints[] = [];
  const frames: QrFrameMessage[] = [];
  const drawn: number[][] = [];
  const contexts: object[] = [];
  let onFrame: (() => void) | null = null;
  Object.defineProperty(globalThis, 'navigator', {
    value: { mediaDevices: { getUserMedia: async (c: MediaStreamConstraints) => (asked.push(c), { getTracks: () => [] }) } },
    configurable: true,
    writable: true,
  });
  (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas = class {
    constructor(
      public width: number,
      public height: number,
    ) {}
    getContext() {
      const ctx = {
        drawImage: (_el: unknown, ...args: number[]) => drawn.push(args),
        getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }),
      };
      contexts.push(ctx);
      return ctx;
    }
  };
  const video = {
    videoWidth: width,
    videoHeight: height,
    readyState: 4,
    srcObject: null as unknown,
    play: async () => {},
    requestVideoFrameCallback: (cb: () => void) => ((onFrame = cb), 1),
    cancelVideoFrameCallback: () => {},
  } as unknown as HTMLVideoElement;
  const worker = { postMessage: (m: QrFrameMessage) => frames.push(m), terminate: () => {}, onmessage: null, onerror: null } as unknown as Worker;
  return {
    asked,
    frames,
    drawn,
    contexts,
    video,
    worker,
    nextFrame: () => onFrame?.(),
    reply: (reply: QrWorkerReply) => (worker.onmessage as unknown as (e: { data: QrWorkerReply }) => void)({ data: reply }),
  };
}

describe('the 亮证码 camera', () => {
  it('asks for the camera’s highest resolution up to 1920×1080', async () => {
    const cam = fakeCamera(1920, 1080);
    const scope = effectScope();
    const scanner = scope.run(() => useCameraScanner(ref(cam.video), { onDecoded: () => {}, createWorker: () => cam.worker }))!;
    await scanner.start();
    expect(cam.asked[0]?.video).toMatchObject({ width: { ideal: 1920 }, height: { ideal: 1080 } });
    expect(CAMERA_RESOLUTION).toEqual({ width: { ideal: 1920 }, height: { ideal: 1080 } });
    scope.stop();
  });

  it('searches a 1080p picture scaled to 1280×720, and reads a symbol it found but could not decode again at full resolution', async () => {
    const cam = fakeCamera(1920, 1080);
    const scope = effectScope();
    const scanner = scope.run(() => useCameraScanner(ref(cam.video), { onDecoded: () => {}, createWorker: () => cam.worker }))!;
    await scanner.start();
    cam.nextFrame();
    expect(cam.frames.map((f) => [f.type, f.width, f.height])).toEqual([['frame', 1280, 720]]);
    // Scaled down by averaging, which keeps a dim screen's code findable.
    expect(cam.contexts[0]).toMatchObject({ imageSmoothingEnabled: true, imageSmoothingQuality: 'high' });
    // The worker found a symbol 154 px across (2 px a module) at (400, 200) of the search frame.
    const corners = { topLeft: { x: 400, y: 200 }, topRight: { x: 554, y: 200 }, bottomRight: { x: 554, y: 354 }, bottomLeft: { x: 400, y: 354 } };
    cam.reply({ type: 'result', id: cam.frames[0]!.id, text: null, found: { corners, version: 15 }, ms: 12 });
    cam.nextFrame();
    const region = cam.frames[1]!;
    // ×1.5 to the camera's pixels, grown by six modules (18 px there) each side.
    expect(region).toMatchObject({ type: 'region', width: 267, height: 267 });
    expect(cam.drawn.at(-1)).toEqual([582, 282, 267, 267, 0, 0, 267, 267]);
    expect(region.type === 'region' && region.found).toEqual({
      version: 15,
      corners: { topLeft: { x: 18, y: 18 }, topRight: { x: 249, y: 18 }, bottomRight: { x: 249, y: 249 }, bottomLeft: { x: 18, y: 249 } },
    });
    // Nothing read there either: the search goes on.
    cam.reply({ type: 'result', id: region.id, text: null, found: null, ms: 6 });
    cam.nextFrame();
    expect(cam.frames.map((f) => f.type)).toEqual(['frame', 'region', 'frame']);
    scope.stop();
  });

  it('searches a larger camera’s frames at 1280 wide too', async () => {
    const cam = fakeCamera(3840, 2160);
    const scope = effectScope();
    const scanner = scope.run(() => useCameraScanner(ref(cam.video), { onDecoded: () => {}, createWorker: () => cam.worker }))!;
    await scanner.start();
    cam.nextFrame();
    expect(cam.frames.map((f) => [f.width, f.height])).toEqual([[1280, 720]]);
    scope.stop();
  });
});
