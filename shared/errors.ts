/**
 * The host API's error codes. Every failure that crosses the host boundary carries exactly one
 * of these, with a zh-CN sentence a clerk can act on (docs/architecture.md §10.3: a result envelope, never a throw).
 * The renderer words the codes from its own catalogue (renderer/i18n/zh-CN.ts `errors.codes`),
 * so a code reads the same there as here; see README.md, "The host API".
 */
export const HOST_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOO_MANY_ATTEMPTS',
  'FORBIDDEN',
  'NOT_FOUND',
  'SCOPE_DENIED',
  'TOKEN_INVALID',
  'TOKEN_NOT_A_CODE',
  'TOKEN_FORGED',
  'TOKEN_EXPIRED',
  'TOKEN_USED',
  'GRANT_INVALID',
  'CONFLICT',
  'TOO_LARGE',
  'LIBRARY_UNAVAILABLE',
  'LIBRARY_ERROR',
  'UNKNOWN_CALL',
  'INTERNAL',
  'READER_NOT_CONFIGURED',
  'READER_ABSENT',
  'READER_BUSY',
  'READER_NO_CARD',
  'READER_TIMEOUT',
  'READER_UNREADABLE',
  'READER_MALFORMED',
  'PRINT_FAILED',
  'HALL_UNAVAILABLE',
  'HALL_NOT_ENROLLED',
  'HALL_REVOKED',
  'HALL_UNTRUSTED',
  'HALL_ENROLMENT_REFUSED',
  'HALL_SEQUENCE_GAP',
  'HALL_CHAIN_BREAK',
  'HALL_INGEST_STOPPED',
  'HALL_ERROR',
] as const;

/** One of the host API's error codes. */
export type HostErrorCode = (typeof HOST_ERROR_CODES)[number];

/**
 * What a clerk reads for each error code: what happened and what to do next. The host's own
 * sentences (its envelopes, its pages), and the renderer's catalogue's for the same codes
 * (renderer/i18n/zh-CN.ts `errors.codes` is this table).
 */
export const HOST_ERROR_MESSAGES_ZH: Record<HostErrorCode, string> = {
  BAD_REQUEST: '输入的内容不符合要求，请检查后重新提交。',
  UNAUTHENTICATED: '登录已失效，请重新登录后再操作。',
  INVALID_CREDENTIALS: '用户名或密码不正确，请核对后重新输入。',
  TOO_MANY_ATTEMPTS: '登录失败次数过多，请稍后再试；如忘记密码，请联系值班长。',
  FORBIDDEN: '当前账号的角色无权进行此操作，如需办理请联系值班长。',
  NOT_FOUND: '未找到对应的记录，请核对编号后重试。',
  SCOPE_DENIED: '该证照不在本事项的用证清单范围内，不能调取。',
  TOKEN_INVALID: '亮证码无效：请申请人重新打开亮证码后再扫描。',
  TOKEN_NOT_A_CODE: '扫描到的不是亮证码：请对准申请人手机上的亮证码重新扫描。',
  TOKEN_FORGED: '亮证码签名校验未通过，可能是伪造的：请申请人通过随申办重新打开亮证码；仍不通过时可改用“无手机办理”。',
  TOKEN_EXPIRED: '亮证码已过期：请申请人在手机上刷新亮证码，再重新扫描。',
  TOKEN_USED: '该亮证码已经使用过：请申请人刷新亮证码，出示新的亮证码后重新扫描。',
  GRANT_INVALID: '本次办件的用证授权已失效，请重新扫描亮证码。',
  CONFLICT: '该操作与已提交的内容冲突，请刷新后核对。',
  TOO_LARGE: '提交的内容过大，请减少附件或压缩后重试。',
  LIBRARY_UNAVAILABLE: '暂时无法连接市电子证照库，可改走纸质材料流程，稍后系统会自动补发记录。',
  LIBRARY_ERROR: '市电子证照库返回了错误，请稍后重试；如持续出现请联系技术支持。',
  UNKNOWN_CALL: '工作台版本不一致，请重新启动工作台。',
  INTERNAL: '工作台内部错误，请重试；如持续出现请联系技术支持并提供时间点。',
  READER_NOT_CONFIGURED: '本工作台尚未配置身份证阅读器，请手工录入证件号码；如需使用阅读器，请值班长在“设置”中选择阅读器型号。',
  READER_ABSENT: '未连接到身份证阅读器（读卡服务未运行或阅读器未接好），请检查阅读器的连线和读卡服务后重试，或手工录入证件号码。',
  READER_BUSY: '身份证阅读器正忙，请稍候几秒再读卡，或手工录入证件号码。',
  READER_NO_CARD: '阅读器上没有身份证，请将身份证平放在阅读器感应区后再读卡。',
  READER_TIMEOUT: '读卡超时，阅读器没有及时应答；请将身份证重新放好后重试，或手工录入证件号码。',
  READER_UNREADABLE: '无法读取这张身份证（芯片无应答或已损坏），请重新放置后再试；仍不行请手工录入证件号码并核对证件。',
  READER_MALFORMED: '读卡服务返回的内容无法识别，可能是阅读器型号设置有误；请手工录入证件号码，并请值班长核对“设置”中的阅读器配置。',
  PRINT_FAILED: '打印失败，请检查打印机是否开机、有纸并已连接，或在“设置”中核对打印机名称后重试。',
  HALL_UNAVAILABLE: '暂时无法连接大厅服务器：本机照常办理，连接恢复后自动补传；全厅数据暂时无法查看，可先查看本机数据。',
  HALL_NOT_ENROLLED: '本工作台尚未在大厅服务器登记（或大厅服务器没有本工作台的登记）：请值班长在“设置”中填写大厅地址和登记码。',
  HALL_REVOKED: '本工作台在大厅服务器的登记已被吊销，数据不再同步：请值班长向大厅管理员重新获取登记码，在“设置”中重新登记。',
  HALL_UNTRUSTED: '大厅服务器的应答或本机的签名未通过校验，已不予采用：请核对大厅地址和本机时间；仍不通过时请值班长重新登记本工作台。',
  HALL_ENROLMENT_REFUSED: '大厅服务器拒绝了登记：请核对登记码（一次性、24 小时内有效）后重试，或向大厅管理员重新获取登记码。',
  HALL_SEQUENCE_GAP: '大厅服务器尚未收到此前的记录：将从大厅已保存的位置继续补传。',
  HALL_CHAIN_BREAK: '大厅服务器发现本机操作日志与其已保存的不一致，已向值班长告警并暂停接收本机数据；本机照常办理。',
  HALL_INGEST_STOPPED: '大厅服务器已暂停接收本机数据，待值班长在全厅告警中确认后恢复；本机照常办理。',
  HALL_ERROR: '大厅服务器返回了错误，请稍后重试；如持续出现请联系大厅管理员。',
};

/** A failure as it crosses the host boundary. */
export interface HostError {
  code: HostErrorCode;
  /** zh-CN sentence for the clerk; the library's own message when it gave one. */
  message: string;
  /**
   * True when `message` says more than the code: the library's own sentence, or the host's about
   * this very failure (a wait, a reader's answer, a refused setting). Absent when it is the code's
   * standard sentence ({@link HOST_ERROR_MESSAGES_ZH}), which a client may word from its own
   * catalogue instead.
   */
  specific?: true;
  /** Optional machine-readable detail, e.g. the path of an invalid field. */
  details?: Record<string, unknown>;
}

/**
 * Codes after which the same delivery may succeed later: the library unreachable or failing
 * (network, 5xx), a library session the host renews by itself, the host itself not answering.
 * Any other code is the library refusing this request (a 4xx): retrying cannot help until a
 * person changes it, so an outbox item needs attention with the library's own message.
 */
export const RETRYABLE_DELIVERY_CODES: ReadonlySet<string> = new Set<HostErrorCode>(['LIBRARY_UNAVAILABLE', 'LIBRARY_ERROR', 'UNAUTHENTICATED', 'INTERNAL']);

/** The result envelope every host call returns. */
export type HostResult<T> = { ok: true; value: T } | { ok: false; error: HostError };

/** Builds a failure envelope, with the code's standard sentence unless another is given (then marked `specific`). */
export function hostFailure(code: HostErrorCode, message?: string, details?: Record<string, unknown>): { ok: false; error: HostError } {
  const specific = message !== undefined && message !== HOST_ERROR_MESSAGES_ZH[code];
  return {
    ok: false,
    error: {
      code,
      message: specific ? message : HOST_ERROR_MESSAGES_ZH[code],
      ...(specific ? { specific: true as const } : {}),
      ...(details ? { details } : {}),
    },
  };
}

/** An error a host handler throws to end a call with a given code; the dispatcher turns it into an envelope. */
export class HostCallError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? HOST_ERROR_MESSAGES_ZH[code]);
    this.name = 'HostCallError';
  }
}
