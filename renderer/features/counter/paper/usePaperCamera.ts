import { onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { DOCUMENT_CAMERA_IDEAL, pickCamera, type CameraDevice } from '../../../../shared/document-camera';
import { cameraFailure } from '../../../composables/camera';
import { loadCameraChoice, saveCameraChoice } from './camera-choice';

/** What the document camera is doing, as the dialog shows it. */
export type PaperCameraState = 'idle' | 'starting' | 'live' | 'denied' | 'no-camera' | 'busy' | 'unsupported' | 'failed' | 'disconnected';

function constraints(deviceId: string | null): MediaStreamConstraints {
  return {
    video: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      width: { ideal: DOCUMENT_CAMERA_IDEAL.width },
      height: { ideal: DOCUMENT_CAMERA_IDEAL.height },
    },
    audio: false,
  };
}

function stopAll(media: MediaStream): void {
  for (const track of media.getTracks()) track.stop();
}

/**
 * The camera for photographing paper pages (a 高拍仪 shows up as an ordinary camera). Lists the
 * cameras (their names once the page may use a camera), opens the one the clerk chose on this
 * workstation (remembered: camera-choice.ts), else the best guess (shared/document-camera.ts
 * pickCamera), at its highest resolution, and says what it was granted. Stops every track on
 * `stop()` and when the calling scope is disposed, so that the camera light never stays on.
 */
export function usePaperCamera(video: Ref<HTMLVideoElement | null>) {
  const state = ref<PaperCameraState>('idle');
  const stream = shallowRef<MediaStream | null>(null);
  /** The cameras, as listed last. */
  const devices = ref<CameraDevice[]>([]);
  /** The camera open (or being opened). */
  const deviceId = ref<string | null>(null);
  /** The resolution granted, once live. */
  const resolution = ref<{ width: number; height: number } | null>(null);
  let session = 0;

  async function listCameras(): Promise<CameraDevice[]> {
    try {
      const all = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
      return all.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label }));
    } catch {
      return [];
    }
  }

  async function refreshDevices(): Promise<void> {
    devices.value = await listCameras();
  }

  function release(): void {
    session++;
    if (stream.value) stopAll(stream.value);
    stream.value = null;
    resolution.value = null;
    if (video.value) video.value.srcObject = null;
  }

  async function open(id: string | null): Promise<MediaStream> {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints(id));
    } catch (error) {
      // The remembered camera is gone (unplugged, or its id changed): open any camera instead.
      if (id && (error as Error)?.name === 'OverconstrainedError') return navigator.mediaDevices.getUserMedia(constraints(null));
      throw error;
    }
  }

  // The first request asks for far more than any camera gives; when the camera says it can do
  // more than it opened at (some drivers start at their default mode), ask for its maximum.
  async function askForMaximum(track: MediaStreamTrack): Promise<void> {
    const settings = track.getSettings();
    const capabilities = typeof track.getCapabilities === 'function' ? track.getCapabilities() : {};
    const maxWidth = capabilities.width?.max ?? 0;
    const maxHeight = capabilities.height?.max ?? 0;
    if (maxWidth <= (settings.width ?? 0) && maxHeight <= (settings.height ?? 0)) return;
    try {
      await track.applyConstraints({ width: { ideal: maxWidth }, height: { ideal: maxHeight } });
    } catch {
      // The camera keeps the mode it opened at.
    }
  }

  /** Opens `requested`, or the remembered or best camera. */
  async function start(requested: string | null = null): Promise<void> {
    release();
    const mine = session;
    if (!navigator.mediaDevices?.getUserMedia) {
      state.value = 'unsupported';
      return;
    }
    state.value = 'starting';
    if (requested) deviceId.value = requested;
    try {
      const remembered = loadCameraChoice();
      // Before the page may use a camera the list has no ids or names: the remembered id is tried as it is.
      const listed = (await listCameras()).filter((d) => d.deviceId);
      let media = await open(requested ?? pickCamera(listed, remembered)?.deviceId ?? remembered?.deviceId ?? null);
      if (mine !== session) return stopAll(media);
      devices.value = await listCameras();
      let track = media.getVideoTracks()[0];
      if (!track) throw new DOMException('no video track', 'NotFoundError');
      // With the names now known, the remembered camera may be found by its name.
      const best = requested ? null : pickCamera(devices.value, remembered);
      if (best && best.deviceId !== track.getSettings().deviceId) {
        stopAll(media);
        media = await open(best.deviceId);
        if (mine !== session) return stopAll(media);
        track = media.getVideoTracks()[0];
        if (!track) throw new DOMException('no video track', 'NotFoundError');
      }
      stream.value = media;
      await askForMaximum(track);
      if (mine !== session) return;
      track.addEventListener('ended', () => {
        if (mine !== session) return;
        release();
        state.value = 'disconnected';
      });
      deviceId.value = track.getSettings().deviceId ?? null;
      const el = video.value;
      if (!el) throw new Error('no video element');
      el.srcObject = media;
      await el.play();
      if (mine !== session) return;
      const settings = track.getSettings();
      resolution.value = { width: settings.width ?? el.videoWidth, height: settings.height ?? el.videoHeight };
      state.value = 'live';
    } catch (error) {
      if (mine !== session) return;
      release();
      state.value = cameraFailure(error);
    }
  }

  /**
   * The clerk chose a camera: remembered for this workstation, and opened unless it is the one
   * open (choosing the camera already shown confirms it: it is opened first from then on).
   */
  async function choose(id: string): Promise<void> {
    const device = devices.value.find((d) => d.deviceId === id);
    if (!device) return;
    saveCameraChoice({ deviceId: device.deviceId, label: device.label });
    if (deviceId.value === id && (state.value === 'live' || state.value === 'starting')) return;
    await start(device.deviceId);
  }

  function stop(): void {
    release();
    state.value = 'idle';
  }

  // A camera plugged in or out while the dialog is open shows in the list at once.
  const onDeviceChange = () => void refreshDevices();
  navigator.mediaDevices?.addEventListener?.('devicechange', onDeviceChange);
  onScopeDispose(() => {
    navigator.mediaDevices?.removeEventListener?.('devicechange', onDeviceChange);
    release();
  });

  return { state, stream, devices, deviceId, resolution, start, choose, stop, refreshDevices };
}
