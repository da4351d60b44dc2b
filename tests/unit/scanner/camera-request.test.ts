import { afterEach, describe, expect, it } from 'vitest';
import { effectScope, ref } from 'vue';
import { CAMERA_RESOLUTION } from '../../../renderer/composables/camera';
import { useCameraScanner } from '../../../renderer/features/counter/scanner/useCameraScanner';
import type { QrFrameMessage } from '../../../renderer/features/counter/scanner/qr-worker';

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
      return { drawImage: () => {}, getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }) };
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
  return { asked, frames, video, worker, nextFrame: () => onFrame?.() };
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

  it('decodes a 1080p frame whole, not scaled down', async () => {
    const cam = fakeCamera(1920, 1080);
    const scope = effectScope();
    const scanner = scope.run(() => useCameraScanner(ref(cam.video), { onDecoded: () => {}, createWorker: () => cam.worker }))!;
    await scanner.start();
    cam.nextFrame();
    expect(cam.frames.map((f) => [f.width, f.height])).toEqual([[1920, 1080]]);
    scope.stop();
  });

  it('scales a larger camera’s frames down to 1920 wide', async () => {
    const cam = fakeCamera(3840, 2160);
    const scope = effectScope();
    const scanner = scope.run(() => useCameraScanner(ref(cam.video), { onDecoded: () => {}, createWorker: () => cam.worker }))!;
    await scanner.start();
    cam.nextFrame();
    expect(cam.frames.map((f) => [f.width, f.height])).toEqual([[1920, 1080]]);
    scope.stop();
  });
});
