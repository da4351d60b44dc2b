import { parseRememberedCamera, type RememberedCamera } from '../../../../shared/document-camera';

/**
 * Where the document camera the clerk chose is remembered: this browser profile's local
 * storage, i.e. per workstation. Not the host's device settings: a camera's `deviceId` is an
 * opaque value the browser makes for this origin and profile (it means nothing to the host, nor
 * on another workstation), the host cannot list a browser's cameras, and the clerk at the window
 * chooses it while the device settings are a supervisor's. The label is kept too, so that the
 * same camera is found again when the browser makes new ids (site data cleared).
 */
const KEY = 'e-licence-workstation.paper-camera';

/** The remembered choice; null when none (or storage is unavailable or damaged). */
export function loadCameraChoice(): RememberedCamera | null {
  try {
    return parseRememberedCamera(globalThis.localStorage?.getItem(KEY) ?? null);
  } catch {
    return null;
  }
}

/** Remembers the clerk's choice; a storage failure only means it is asked again next time. */
export function saveCameraChoice(choice: RememberedCamera): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify({ deviceId: choice.deviceId, label: choice.label }));
  } catch {
    // Storage full or disabled: the camera still opens, the choice is just not kept.
  }
}
