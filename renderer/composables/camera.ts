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
