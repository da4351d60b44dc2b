/**
 * The resolution both cameras ask for (the 亮证码 scanner and paper pages): the camera's highest,
 * up to 1920×1080; `ideal` lets a camera without 1080p give its best instead of failing. A
 * counter webcam 10–25 cm from a phone sees a 亮证码 at 1.5–2 pixels a module at 640×480, too few
 * to read reliably, and 3.4–4.3 at 1080p. The scanner searches each picture scaled to 1280 wide
 * and reads the region of a symbol it found but could not decode at this full resolution
 * (useCameraScanner.ts): a larger picture would cost more than the 50 ms a frame the decoder may
 * take (tests/bench/qr-decode.bench.ts).
 */
export const CAMERA_RESOLUTION = { width: { ideal: 1920 }, height: { ideal: 1080 } } as const satisfies MediaTrackConstraints;

/** Why a camera could not be opened, as the clerk is told it. */
export type CameraFailure = 'denied' | 'no-camera' | 'busy' | 'failed';

/** Maps a getUserMedia rejection to what the clerk is told (shared by the QR scanner and the paper camera). */
export function cameraFailure(error: unknown): CameraFailure {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'no-camera';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}
