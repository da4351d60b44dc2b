import { onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { cameraFailure } from '../../../composables/camera';

/** What the document camera is doing, as the dialog shows it. */
export type PaperCameraState = 'idle' | 'starting' | 'live' | 'denied' | 'no-camera' | 'busy' | 'unsupported' | 'failed';

/**
 * The camera for photographing paper pages (a 高拍仪 shows up as an ordinary webcam). Asks for
 * a document-friendly resolution as an ideal only, so any camera still opens; stops every track
 * on `stop()` and when the calling scope is disposed, so the camera light never stays on.
 */
export function usePaperCamera(video: Ref<HTMLVideoElement | null>) {
  const state = ref<PaperCameraState>('idle');
  const stream = shallowRef<MediaStream | null>(null);
  let session = 0;

  function release(): void {
    session++;
    for (const track of stream.value?.getTracks() ?? []) track.stop();
    stream.value = null;
    if (video.value) video.value.srcObject = null;
  }

  async function start(): Promise<void> {
    release();
    const mine = session;
    if (!navigator.mediaDevices?.getUserMedia) {
      state.value = 'unsupported';
      return;
    }
    state.value = 'starting';
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1080 } }, audio: false });
      if (mine !== session) {
        for (const track of media.getTracks()) track.stop();
        return;
      }
      stream.value = media;
      const el = video.value;
      if (!el) throw new Error('no video element');
      el.srcObject = media;
      await el.play();
      if (mine === session) state.value = 'live';
    } catch (error) {
      if (mine !== session) return;
      release();
      state.value = cameraFailure(error);
    }
  }

  function stop(): void {
    release();
    state.value = 'idle';
  }

  onScopeDispose(release);

  return { state, stream, start, stop };
}
