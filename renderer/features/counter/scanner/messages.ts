/** What the camera scanner can be doing, as the dialog shows it. */
export type CameraScanState = 'idle' | 'starting' | 'scanning' | 'decoded' | 'denied' | 'no-camera' | 'busy' | 'unsupported' | 'failed';

/** The states in which the camera is not running and the clerk needs another way in. */
export const CAMERA_FAILURE_STATES: readonly CameraScanState[] = ['denied', 'no-camera', 'busy', 'unsupported', 'failed'];

const FALLBACK = '请改用扫码枪扫描亮证码，或手工输入证件号码。';
const OR_FALLBACK = '也可以改用扫码枪扫描亮证码，或手工输入证件号码。';

/** Text the clerk reads, per state (kept together so that it can move to the i18n catalogue as is). */
export const CAMERA_SCAN_TEXT: Record<CameraScanState, string> = {
  idle: '',
  starting: '正在打开摄像头…',
  scanning: '请申请人将手机上的亮证码对准摄像头',
  decoded: '已识别亮证码',
  denied: `摄像头权限被拒绝。请在系统设置中允许本程序使用摄像头后重试；${OR_FALLBACK}`,
  'no-camera': `未检测到摄像头。${FALLBACK}`,
  busy: `摄像头正被其他程序占用。请关闭该程序后重试；${OR_FALLBACK}`,
  unsupported: `当前环境无法使用摄像头。${FALLBACK}`,
  failed: `二维码识别组件加载失败。${FALLBACK}`,
};

export const CAMERA_DIALOG_TEXT = {
  title: '摄像头扫描亮证码',
  retry: '重试',
  close: '关闭',
} as const;
