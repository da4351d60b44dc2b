/** What the camera scanner can be doing, as the dialog shows it (its words: `scanner.states` in renderer/i18n/zh-CN.ts). */
export type CameraScanState = 'idle' | 'starting' | 'scanning' | 'decoded' | 'denied' | 'no-camera' | 'busy' | 'unsupported' | 'failed';

/** The states in which the camera is not running and the clerk needs another way in. */
export const CAMERA_FAILURE_STATES: readonly CameraScanState[] = ['denied', 'no-camera', 'busy', 'unsupported', 'failed'];
