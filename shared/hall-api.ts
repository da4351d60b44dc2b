/**
 * The hall protocol, version 1 (docs/architecture.md §3.7): what a workstation's host and the hall
 * server (`hall/`) say to each other over the hall's LAN. One route table ({@link HALL_ROUTES})
 * declares every call once — method, path, who may make it, request and response schemas — and
 * both sides derive from it: the hall attaches one handler per route, the host's hall client
 * builds and checks its calls from the same entries.
 *
 * Trust. A workstation enrols once with a one-time code: it sends its id and its SM2 public key,
 * and the hall answers with its own public key and a proof that it knows the code
 * ({@link enrolmentProofText}); the host pins that key. From then on every request is signed by
 * the workstation ({@link requestSigningText}) and every answer by the hall
 * ({@link responseSigningText}), each over SM3 of the body, a time and the request's nonce.
 *
 * Up. A push carries two streams, each numbered by the workstation itself from 1 without gaps:
 * the audit chain (its own `seq`) and the records stream (completed, cancelled and 补正 cases in
 * their purged form, objections and each change of their state). The hall stores each
 * (workstation, epoch, stream, seq) once, in the same transaction as the data, and answers with
 * the highest it holds: the point a workstation resumes from. A push also carries the
 * workstation's chain head and its outbox counts (a heartbeat, latest wins).
 *
 * The hall never stores a holder's name, face data or pulled files; a holder's ID number is kept
 * masked, with a keyed hash to group one holder's cases.
 */
import { z } from 'zod';
import { AUDIT_EVENT_KINDS } from './audit-chain';
import { sm3Hex } from './sm';
import {
  GRANT_BASES,
  HashHex,
  HOLDER_ID_NUMBER_PATTERN,
  HOLDER_ID_TYPES,
  IsoTime,
  isIsoTime,
  LICENCE_STATUSES,
  LicenceId,
  MATERIAL_OUTCOMES,
  OBJECTION_DIMENSIONS,
  OBJECTION_STATUSES,
  PAPER_REASONS,
  PublicKeyHex,
  ROLES,
  SimpleId,
  UsageMaterial,
} from './library-api';
import { VERIFICATION_CHECKS, VERIFICATION_OUTCOMES } from './licence-verify';
import { REVIEW_SEED_PATTERN, MAX_REVIEW_SIZE } from './random-review';

// ---- Constants of the protocol

/** The protocol's name, the first line of every signed text. */
export const HALL_PROTOCOL = 'HALL1';

/** The headers of a signed request (lower case, as Node reports them). */
export const HALL_HEADERS = {
  /** The workstation's enrolled id. */
  workstation: 'x-hall-workstation',
  /** The request's (or the answer's) time, ISO 8601 UTC. */
  time: 'x-hall-time',
  /** 32 lowercase hex characters, never used twice by one workstation. */
  nonce: 'x-hall-nonce',
  /** SM2 signature (128 hex) over {@link requestSigningText} or {@link responseSigningText}. */
  signature: 'x-hall-signature',
  /** On supervision calls: the signed-in operator the host relays for. */
  operator: 'x-hall-operator',
  /** On supervision calls: that operator's role. */
  role: 'x-hall-role',
} as const;

/** How far a request's time may be from the hall's clock, either way (5 minutes). */
export const HALL_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Largest request body the hall reads (8 MiB); a larger one is refused with 413. */
export const HALL_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Most audit events in one push (413 beyond). */
export const HALL_MAX_AUDIT_PER_PUSH = 5000;
/** Most records in one push (413 beyond). */
export const HALL_MAX_RECORDS_PER_PUSH = 500;
/** Longest canonical JSON of one audit event's details (16 KiB): a step's details are a few fields. */
export const HALL_MAX_DETAILS_CHARS = 16 * 1024;
/** An enrolment code's lifetime (24 hours). */
export const ENROLMENT_CODE_TTL_MS = 24 * 3600 * 1000;
/** A usage record unsent for longer than this (1 hour) puts its window on the supervisor's list. */
export const UNSENT_USAGE_ALERT_MS = 3600 * 1000;
/** A window not heard from for longer than this (15 minutes) counts as behind. */
export const SILENT_AFTER_MS = 15 * 60 * 1000;
/** The most rows of one page of the audit trail or of a drill-down. */
export const HALL_MAX_PAGE = 200;

/** Pattern of a workstation id (the same rule as the workstation's settings). */
export const WORKSTATION_ID_PATTERN = /^[A-Za-z0-9-]{1,32}$/;
/** Pattern of a nonce: 32 lowercase hex characters (128 random bits). */
export const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
// An identifier or a short label as a workstation writes it: printable, no control characters
// and no lone surrogates (PostgreSQL's text cannot hold a NUL, and a lone surrogate would be
// replaced on the way in, so the stored value would differ from what was hashed).
const PRINTABLE = /^[^\u0000-\u001f\u007f\ud800-\udfff]*$/;

/** A workstation id. */
export const WorkstationId = z.string().regex(WORKSTATION_ID_PATTERN);
const Printable = (max: number) => z.string().min(1).max(max).regex(PRINTABLE);
const Iso = IsoTime;
const Day = z
  .string()
  .regex(DAY)
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'invalid day');

// ---- Errors

/** Every error code the hall answers with, and its HTTP status. */
export const HALL_ERROR_STATUS = {
  /** The body is not JSON (or not UTF-8, or not declared as JSON). */
  BAD_JSON: 400,
  /** The body or the query does not have the call's shape (a wrong type, a missing field). */
  BAD_REQUEST: 400,
  /** The body carries a field the protocol does not define. */
  UNKNOWN_FIELD: 400,
  /** A batch's sequences are not consecutive, one after another. */
  SEQUENCE_ORDER: 400,
  /** The request is not signed (a signature header is missing or malformed). */
  UNSIGNED: 401,
  /** No workstation of that id is enrolled. */
  UNKNOWN_WORKSTATION: 401,
  /** The signature does not verify with the workstation's enrolled key. */
  BAD_SIGNATURE: 401,
  /** The request's time is more than 5 minutes from the hall's clock. */
  STALE_REQUEST: 401,
  /** The nonce was used before: a replayed request. */
  NONCE_REUSED: 401,
  /** The workstation was revoked by a supervisor. */
  REVOKED: 403,
  /** A supervision call relayed for an operator who is not a supervisor. */
  ROLE_REFUSED: 403,
  /** The enrolment code is unknown, used or expired. */
  ENROLMENT_CODE_INVALID: 403,
  /** No such resource (route, workstation, case, review, alert). */
  NOT_FOUND: 404,
  /** The route exists, with another method. */
  METHOD_NOT_ALLOWED: 405,
  /** A workstation of that id is enrolled and not revoked. */
  ALREADY_ENROLLED: 409,
  /** The public key is enrolled for another workstation. */
  KEY_IN_USE: 409,
  /** The first new item of a stream is not the one after the highest the hall holds. */
  SEQUENCE_GAP: 409,
  /** The chain does not continue what the hall holds: an alert was raised, ingest stops. */
  CHAIN_BREAK: 409,
  /** The workstation's ingest is stopped until a supervisor acknowledges its alert. */
  INGEST_STOPPED: 409,
  /** The alert was acknowledged already. */
  ALREADY_ACKNOWLEDGED: 409,
  /** A batch larger than the protocol allows. */
  TOO_LARGE: 413,
  /** The body is not declared as JSON. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** An item carries personal data the hall never stores (a holder's name, face data). */
  PERSONAL_DATA: 422,
  /** An audit event's hash does not match its content. */
  CHAIN_HASH_MISMATCH: 422,
  /** Within the batch, an event's `prev` is not the hash of the event before it. */
  CHAIN_LINK_MISMATCH: 422,
  /** The hall has not fetched this resource from the library yet. */
  REFERENCE_UNAVAILABLE: 503,
  /** Anything else: a fault of the hall. */
  INTERNAL: 500,
} as const;

/** An error code of the hall. */
export type HallErrorCode = keyof typeof HALL_ERROR_STATUS;

/** What a supervisor (or the host's log) reads for each code. */
export const HALL_ERROR_MESSAGES: Record<HallErrorCode, string> = {
  BAD_JSON: '请求内容不是有效的 JSON，大厅服务器未作任何处理。',
  BAD_REQUEST: '请求内容不符合大厅接口要求，大厅服务器未作任何处理。',
  UNKNOWN_FIELD: '请求含有大厅接口未定义的字段，大厅服务器未作任何处理。',
  SEQUENCE_ORDER: '同步批次中的序号不连续，大厅服务器未作任何处理。',
  UNSIGNED: '请求未签名，大厅服务器拒绝处理。',
  UNKNOWN_WORKSTATION: '本工作台尚未在大厅服务器登记，请值班长在设置中输入登记码。',
  BAD_SIGNATURE: '请求签名校验未通过，大厅服务器拒绝处理；请重新登记本工作台。',
  STALE_REQUEST: '本机时钟与大厅服务器相差超过 5 分钟，请校准时间后重试。',
  NONCE_REUSED: '请求被重复发送（重放），大厅服务器拒绝处理。',
  REVOKED: '本工作台在大厅服务器的登记已被值班长注销，请联系值班长重新登记。',
  ROLE_REFUSED: '全厅监督数据仅值班长可以查看。',
  ENROLMENT_CODE_INVALID: '登记码无效、已使用或已过期，请向大厅管理员重新获取。',
  NOT_FOUND: '大厅服务器上没有找到对应的记录。',
  METHOD_NOT_ALLOWED: '大厅接口不支持该请求方式。',
  ALREADY_ENROLLED: '该工作台编号已在大厅登记；如需更换密钥，请值班长先注销原登记。',
  KEY_IN_USE: '该密钥已登记给另一台工作台，大厅服务器拒绝重复使用。',
  SEQUENCE_GAP: '同步序号与大厅服务器已有的记录不衔接，请从大厅给出的位置继续同步。',
  CHAIN_BREAK: '本工作台的操作日志链与大厅服务器保存的不一致，已向值班长告警，确认前暂停同步。',
  INGEST_STOPPED: '本工作台的同步已因日志链告警暂停，请值班长在全厅监督中确认告警。',
  ALREADY_ACKNOWLEDGED: '该告警已被确认。',
  TOO_LARGE: '同步批次过大，请分批发送。',
  UNSUPPORTED_MEDIA_TYPE: '请求内容必须是 JSON（Content-Type: application/json）。',
  PERSONAL_DATA: '同步内容含有大厅不保存的个人信息（持证人姓名或照面信息），大厅服务器拒绝接收。',
  CHAIN_HASH_MISMATCH: '操作日志中有事件的哈希与其内容不符，大厅服务器拒绝接收；请值班长在本机校验日志链。',
  CHAIN_LINK_MISMATCH: '操作日志中有事件没有接续上一事件，大厅服务器拒绝接收；请值班长在本机校验日志链。',
  REFERENCE_UNAVAILABLE: '大厅服务器尚未从市电子证照库取得该数据，请稍后重试。',
  INTERNAL: '大厅服务器内部错误，请稍后重试；如持续出现请联系大厅管理员。',
};

/** The error body of every refused call. `details` names what a client needs to resume (e.g. the highest sequence held). */
export const HallErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(HALL_ERROR_STATUS) as [HallErrorCode, ...HallErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
/** The error body. */
export type HallErrorBody = z.infer<typeof HallErrorBody>;

// ---- Signing

/** What a request's signature covers. */
export interface RequestToSign {
  method: string;
  /** The path with its query string, exactly as sent (`/api/v1/supervision/audit?workstation=WS-01`). */
  path: string;
  /** SM3 of the body's bytes (of nothing for a body-less request), 64 lowercase hex. */
  bodyDigest: string;
  time: string;
  nonce: string;
  workstationId: string;
  /** The operator a supervision call is made for, or null. */
  operatorId: string | null;
  role: string | null;
}

/**
 * The text a workstation signs for a request: the protocol tag and each part on its own line.
 * Method and path bind the call, the body digest its content, time and nonce make a replay
 * detectable, and operator and role are the host's assertion of who asked.
 */
export function requestSigningText(request: RequestToSign): string {
  return [
    `${HALL_PROTOCOL}-REQUEST`,
    request.method.toUpperCase(),
    request.path,
    request.bodyDigest,
    request.time,
    request.nonce,
    request.workstationId,
    request.operatorId ?? '',
    request.role ?? '',
  ].join('\n');
}

/**
 * The text the hall signs for an answer: its status, the nonce of the request it answers (so an
 * old answer cannot be replayed to a new request), SM3 of its body and its time.
 */
export function responseSigningText(response: { status: number; requestNonce: string; bodyDigest: string; time: string }): string {
  return [`${HALL_PROTOCOL}-RESPONSE`, String(response.status), response.requestNonce, response.bodyDigest, response.time].join('\n');
}

/**
 * The text of the hall's enrolment proof: HMAC-SM3 of it under the normalised enrolment code
 * shows that the hall answering knows the code, so a machine in between cannot hand the
 * workstation its own key to pin.
 */
export function enrolmentProofText(hallPublicKey: string, workstationId: string, workstationPublicKey: string): string {
  return [`${HALL_PROTOCOL}-ENROL`, hallPublicKey, workstationId, workstationPublicKey].join('\n');
}

const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An enrolment code as it is compared: upper case, spaces and dashes removed, and the letters a
 * person confuses with digits read as those digits (O → 0, I and L → 1), Crockford-style.
 * Null when what remains is not 16 characters of the code alphabet.
 */
export function normalizeEnrolmentCode(code: string): string | null {
  const text = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (text.length !== 16) return null;
  for (const ch of text) if (!CODE_ALPHABET.includes(ch)) return null;
  return text;
}

/** A new enrolment code from 10 random bytes (80 bits): 16 characters in groups of four, e.g. `7K3Q-M9XA-2D4F-HT8C`. */
export function enrolmentCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 10) throw new RangeError('enrolmentCodeFromBytes: 10 bytes needed');
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = 0; i < 10; i++) {
    value = (value << 8) | bytes[i]!;
    bits += 8;
    while (bits >= 5) {
      out += CODE_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}

/**
 * The fingerprint of an SM2 public key that people compare by eye: the first 20 hex digits of
 * SM3 over the key's 130 hex characters, upper case, in groups of four (`3F2A 9C01 77BE 0D12 A0C4`).
 */
export function keyFingerprint(publicKey: string): string {
  return sm3Hex(publicKey.toLowerCase()).slice(0, 20).toUpperCase().match(/.{4}/g)!.join(' ');
}

// ---- Items pushed up

/** A holder as the hall receives it: ID type and number only; a name is personal data the hall refuses. */
export const HallHolderInput = z.object({ idType: z.enum(HOLDER_ID_TYPES), idNumber: z.string().regex(HOLDER_ID_NUMBER_PATTERN) }).strict();

/** A holder as the hall keeps it: the ID number masked (`310115********1086`) and its keyed hash. */
export const HallHolder = z.object({ idType: z.enum(HOLDER_ID_TYPES), idNumberMasked: z.string(), holderKey: HashHex });
/** A holder as the hall keeps it. */
export type HallHolder = z.infer<typeof HallHolder>;

/** One audit event as pushed: the chain's ten fields, exactly (shared/audit-chain). */
export const HallAuditEvent = z
  .object({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    at: Iso,
    operator: Printable(64).nullable(),
    role: Printable(32).nullable(),
    workstation: Printable(64),
    case: Printable(64).nullable(),
    kind: z.enum(AUDIT_EVENT_KINDS),
    details: z.record(z.string(), z.unknown()),
    prev: HashHex,
    hash: HashHex,
  })
  .strict();
/** One audit event as pushed. */
export type HallAuditEvent = z.infer<typeof HallAuditEvent>;

const AUDIT_EVENT_FIELDS = ['seq', 'at', 'operator', 'role', 'workstation', 'case', 'kind', 'details', 'prev', 'hash'] as const;
const AUDIT_KIND_SET: ReadonlySet<string> = new Set(AUDIT_EVENT_KINDS);
const HEX64 = /^[0-9a-f]{64}$/;
const OBJECT_PROTOTYPE = Object.getPrototypeOf({}) as object;

function isPrintable(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && PRINTABLE.test(value);
}

function isNullablePrintable(value: unknown, max: number): boolean {
  return value === null || isPrintable(value, max);
}

/**
 * True when {@link HallAuditEvent} accepts `value` exactly as it is (its parse would return an
 * equal copy), checked without building that copy: a push carries thousands of events, and the
 * strict schema's copy of each cost the hall more than hashing them. False does not say the
 * schema refuses it (an object key `__proto__` in details, which the schema's copy drops): the
 * caller then runs the schema itself, whose verdict and error are the ones that count.
 */
export function isPushedAuditEvent(value: unknown): value is HallAuditEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const event = value as Record<string, unknown>;
  if (Object.keys(event).length !== AUDIT_EVENT_FIELDS.length) return false;
  for (const field of AUDIT_EVENT_FIELDS) if (!Object.hasOwn(event, field)) return false;
  const { seq, at, operator, role, workstation, kind, details, prev, hash } = event;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return false;
  if (!isNullablePrintable(operator, 64) || !isNullablePrintable(role, 32) || !isPrintable(workstation, 64) || !isNullablePrintable(event.case, 64))
    return false;
  if (typeof kind !== 'string' || !AUDIT_KIND_SET.has(kind)) return false;
  if (typeof details !== 'object' || details === null || Object.getPrototypeOf(details) !== OBJECT_PROTOTYPE || Object.hasOwn(details, '__proto__'))
    return false;
  if (typeof prev !== 'string' || !HEX64.test(prev) || typeof hash !== 'string' || !HEX64.test(hash)) return false;
  return typeof at === 'string' && isIsoTime(at);
}

const MaterialOverride = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choose_paper'), reason: z.string().max(500), operatorId: Printable(64), at: Iso }).strict(),
  z.object({ kind: z.literal('use_licence'), licenceId: LicenceId, reason: z.string().max(500), operatorId: Printable(64), at: Iso }).strict(),
]);

const PurgedLicence = z
  .object({
    licenceId: LicenceId,
    typeCode: z.string().max(64),
    issuerCode: z.string().max(64),
    version: z.string().max(16),
    status: z.enum(LICENCE_STATUSES),
    outcome: z.enum(VERIFICATION_OUTCOMES).nullable(),
    checks: z
      .array(
        z.object({ check: z.enum(VERIFICATION_CHECKS), result: z.enum(['pass', 'fail', 'warn', 'unknown']), field: z.string().max(64).optional() }).strict(),
      )
      .max(100),
    verifiedAt: Iso.nullable(),
    fileHash: z.string().max(128),
  })
  .strict();

const PaperScanMeta = z
  .object({
    paperReason: z.enum(PAPER_REASONS),
    scannedAt: Iso,
    pages: z.number().int().min(0).max(10_000),
    hash: z.string().max(128),
    /** Where the workstation keeps the pages: meaningless at the hall, dropped. */
    blobKey: z.string().max(256).nullable().optional(),
  })
  .strict();

const PurgedMaterial = z
  .object({
    materialId: SimpleId,
    name: z.string().min(1).max(200),
    required: z.boolean(),
    record: UsageMaterial,
    override: MaterialOverride.nullable(),
    licences: z.array(PurgedLicence).max(20),
    paperScan: PaperScanMeta.nullable(),
    pullLatencyMs: z.number().min(0).max(3_600_000).nullable().optional(),
  })
  .strict();

const Matter = z.object({ code: SimpleId, name: z.string().min(1).max(200) }).strict();

/** A completed case in its purged form (shared/counter-case `PurgedCase`), with `status: 'completed'`. */
export const HallCompletedCase = z
  .object({
    status: z.literal('completed'),
    caseNo: SimpleId,
    matter: Matter,
    holder: HallHolderInput,
    grant: z
      .object({ grantId: SimpleId, basis: z.enum(GRANT_BASES), reason: z.string().max(500).nullable() })
      .strict()
      .nullable(),
    operatorId: Printable(64),
    workstationId: Printable(64),
    training: z.boolean(),
    openedAt: Iso,
    completedAt: Iso,
    purgedAt: Iso,
    materials: z.array(PurgedMaterial).min(1).max(50),
  })
  .strict();
/** A completed case as pushed. */
export type HallCompletedCase = z.infer<typeof HallCompletedCase>;

/** A case given up before completion: what the workstation keeps of it. */
export const HallCancelledCase = z
  .object({
    status: z.literal('cancelled'),
    caseNo: SimpleId,
    matter: Matter,
    operatorId: Printable(64),
    workstationId: Printable(64),
    training: z.boolean(),
    openedAt: Iso,
    cancelledAt: Iso,
  })
  .strict();
/** A cancelled case as pushed. */
export type HallCancelledCase = z.infer<typeof HallCancelledCase>;

/**
 * A case closed as 补正 after its 一次性告知书 (shared/print-documents `planNotice`): not
 * completed, no usage record, the applicant applies again with the missing materials. What the
 * workstation keeps of it, as of a cancelled case; `closedAt` is when the clerk closed it. The
 * notice itself (which materials, why) is in the audit chain.
 */
export const HallCorrectionCase = z
  .object({
    status: z.literal('correction'),
    caseNo: SimpleId,
    matter: Matter,
    operatorId: Printable(64),
    workstationId: Printable(64),
    training: z.boolean(),
    openedAt: Iso,
    closedAt: Iso,
  })
  .strict();
/** A 补正 case as pushed. */
export type HallCorrectionCase = z.infer<typeof HallCorrectionCase>;

/** The statuses a case reaches the hall in: each final on the workstation. */
export const HALL_CASE_STATUSES = ['completed', 'cancelled', 'correction'] as const;

/** Every state an objection has on a workstation: its own life, then the issuer's answer. */
export const HALL_OBJECTION_STATES = ['draft', 'queued', 'sending', 'needs_attention', ...OBJECTION_STATUSES] as const;

/**
 * An objection as of one change of its state. The contested values, the description and the
 * evidence stay on the workstation (they may hold face data); the hall keeps which fields were
 * contested, who filed it and where it stands.
 */
export const HallObjection = z
  .object({
    id: SimpleId,
    licenceId: LicenceId,
    dimension: z.enum(OBJECTION_DIMENSIONS),
    fieldKeys: z.array(z.string().min(1).max(64)).max(50),
    filedBy: z.object({ operatorId: Printable(64), role: z.enum(ROLES) }).strict(),
    filedAt: Iso,
    holder: HallHolderInput.optional(),
    state: z.enum(HALL_OBJECTION_STATES),
    issuer: z
      .object({ code: z.string().min(1).max(64), name: z.string().min(1).max(200) })
      .strict()
      .nullable(),
    receivedAt: Iso.nullable(),
    result: z.object({ at: Iso, newLicenceId: LicenceId.nullable() }).strict().nullable(),
    updatedAt: Iso,
  })
  .strict();
/** An objection state as pushed. */
export type HallObjection = z.infer<typeof HallObjection>;

/** The kinds of the records stream. */
export const HALL_RECORD_KINDS = ['case', 'objection'] as const;

/**
 * One item of the records stream: a case (completed, cancelled or closed as 补正) or an
 * objection's new state, numbered by the workstation. A workstation of an earlier version sends
 * completed and cancelled cases only, which stay as they were.
 */
export const HallRecord = z.discriminatedUnion('kind', [
  z
    .object({
      seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      kind: z.literal('case'),
      case: z.discriminatedUnion('status', [HallCompletedCase, HallCancelledCase, HallCorrectionCase]),
    })
    .strict(),
  z.object({ seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), kind: z.literal('objection'), objection: HallObjection }).strict(),
]);
/** One item of the records stream. */
export type HallRecord = z.infer<typeof HallRecord>;

const OutboxCount = z.object({ count: z.number().int().min(0), oldestAt: Iso.nullable() }).strict();

/** The workstation's outbox as it stands (a heartbeat: the latest report wins). */
export const HallOutboxStatus = z
  .object({
    at: Iso,
    usageRecords: OutboxCount,
    objections: OutboxCount,
    needsAttention: z.number().int().min(0),
  })
  .strict();
/** The workstation's outbox as it stands. */
export type HallOutboxStatus = z.infer<typeof HallOutboxStatus>;

/** The workstation's chain head: its last event's seq and hash (0 and the genesis for an empty chain). */
export const ChainHead = z.object({ seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), hash: HashHex }).strict();

/** `POST /api/v1/sync/push`. Items of each stream in order, consecutive; items the hall holds already are compared, not stored again. */
export const PushRequest = z
  .object({
    head: ChainHead,
    audit: z.array(HallAuditEvent),
    records: z.array(HallRecord),
    outbox: HallOutboxStatus.nullable(),
  })
  .strict();
/** A push. */
export type PushRequest = z.infer<typeof PushRequest>;

const StreamPositions = z.object({
  /** The epoch the positions are in: it grows by one when a supervisor acknowledges a chain alert, and both streams start again from 1. */
  epoch: z.number().int().min(1),
  audit: z.object({ highest: z.number().int().min(0), lastHash: HashHex }),
  records: z.object({ highest: z.number().int().min(0) }),
});

/** `POST /api/v1/sync/push` answer: where both streams stand, and how many items this push stored. */
export const PushResponse = StreamPositions.extend({ stored: z.object({ audit: z.number().int(), records: z.number().int() }) });
/** A push's answer. */
export type PushResponse = z.infer<typeof PushResponse>;

/** Why the hall stopped a workstation's ingest. */
export const ALERT_REASONS = [
  /** The first new event's `prev` is not the last hash the hall holds (history rewritten, or a second workstation with this key). */
  'prev_mismatch',
  /** An event the hall holds came again with another hash (rewritten, or a second workstation with this key). */
  'diverged',
  /** The chain started again from its genesis while the hall holds another. */
  'restarted',
  /** The workstation's chain ends before what the hall holds (events deleted at its end). */
  'truncated',
  /** A record the hall holds came again with other content. */
  'records_diverged',
] as const;
/** Why ingest stopped. */
export type AlertReason = (typeof ALERT_REASONS)[number];

/** A chain alert. */
export const HallAlert = z.object({
  id: z.string(),
  workstationId: z.string(),
  epoch: z.number().int(),
  /** The sequence where the break was found (the audit seq, or the record seq for `records_diverged`). */
  seq: z.number().int().nullable(),
  reason: z.enum(ALERT_REASONS),
  detail: z.string(),
  raisedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
});
/** A chain alert. */
export type HallAlert = z.infer<typeof HallAlert>;

/** `GET /api/v1/sync/state` answer: where to resume from, and whether ingest is open. */
export const SyncState = StreamPositions.extend({
  workstationId: z.string(),
  ingest: z.enum(['open', 'stopped']),
  openAlerts: z.array(HallAlert),
  serverTime: z.string(),
});
/** A workstation's sync state at the hall. */
export type SyncState = z.infer<typeof SyncState>;

// ---- Enrolment

/** `POST /api/v1/enrol`: signed with the new key itself (proof that the workstation holds it). */
export const EnrolRequest = z.object({ code: z.string().min(1).max(64), workstationId: WorkstationId, publicKey: PublicKeyHex }).strict();
/** `POST /api/v1/enrol` answer. */
export const EnrolResponse = z.object({
  hallId: z.string(),
  hallName: z.string(),
  hallPublicKey: PublicKeyHex,
  workstationId: z.string(),
  enrolledAt: z.string(),
  /** HMAC-SM3 of {@link enrolmentProofText} under the normalised code, 64 hex. */
  proof: HashHex,
});
/** The enrolment answer. */
export type EnrolResponse = z.infer<typeof EnrolResponse>;

// ---- Down: the hall's cache of the library

/** The library resources the hall keeps for its workstations. */
export const REFERENCE_NAMES = ['catalog', 'matters', 'trust'] as const;
/** A cached library resource. */
export type ReferenceName = (typeof REFERENCE_NAMES)[number];

/**
 * A cached library resource: the library's body unchanged (a trust list keeps its root
 * signature, which the workstation checks itself), its ETag and when the hall fetched it.
 */
export const ReferenceResponse = z.object({ name: z.enum(REFERENCE_NAMES), version: z.string().nullable(), fetchedAt: z.string(), body: z.unknown() });
/** A cached library resource. */
export type ReferenceResponse = z.infer<typeof ReferenceResponse>;

// ---- Supervision (relayed by the host for a supervisor)

const Period = { from: Day, to: Day };
const Limit = z.coerce.number().int().min(1).max(HALL_MAX_PAGE).default(50);

/**
 * Which cases a supervision read is about: the real ones (absent or false, the default) or the
 * training cases alone (true) — what the host asks for while its workstation is in training
 * (模拟办事, the embedded sandbox), as the workstation's own 统计 does (shared/dashboard-stats
 * `CaseScope`). The two are never mixed. `true`/`false` in a query, a boolean in a body. Absent
 * rather than false when false, so that a hall of an earlier version, which knows no such field,
 * still answers a production workstation.
 */
export const TrainingFlag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);
const Scoped = { training: TrainingFlag.optional() };

/** The additive counts of a set of completed cases (shared/dashboard-stats `CaseTally` without its latencies). */
export const HallTallyCounts = z.object({
  cases: z.number(),
  materials: z.record(z.enum(MATERIAL_OUTCOMES), z.number()),
  paperByReason: z.record(z.enum(PAPER_REASONS), z.number()),
  outcomes: z.record(z.enum(VERIFICATION_OUTCOMES), z.number()),
  /** Pulls timed. */
  pulls: z.number(),
});
/** Tally counts. */
export type HallTallyCounts = z.infer<typeof HallTallyCounts>;

/** The headline figures (shared/dashboard-stats `DashboardSummary`). */
export const HallSummary = z.object({
  cases: z.number(),
  materialsHandedIn: z.number(),
  exempt: z.number(),
  paper: z.number(),
  missing: z.number(),
  exemptionRate: z.number().nullable(),
  latencyP50: z.number().nullable(),
  latencyP95: z.number().nullable(),
  pulls: z.number(),
});

const Breakdown = z.object({ counts: HallTallyCounts, exemptionRate: z.number().nullable() });

/** `GET /api/v1/supervision/dashboard` answer. */
export const DashboardResponse = z.object({
  period: z.object(Period),
  /** The figures are of the training cases alone (asked with `training`); absent from a hall of an earlier version: false. */
  training: z.boolean().default(false),
  hall: z.object({ counts: HallTallyCounts, summary: HallSummary }),
  byWindow: z.array(Breakdown.extend({ workstationId: z.string() })),
  byClerk: z.array(Breakdown.extend({ operatorId: z.string() })),
  objections: z.object({
    total: z.number(),
    byState: z.array(z.object({ state: z.string(), n: z.number() })),
    byIssuer: z.array(z.object({ issuer: z.string().nullable(), n: z.number() })),
  }),
  generatedAt: z.string(),
});
/** The hall dashboard. */
export type DashboardResponse = z.infer<typeof DashboardResponse>;

/**
 * A figure of the dashboard to drill down: `cases`, `material:<outcome>`, `paper:<reason>`,
 * `outcome:<verification outcome>`, or `latency` with `minMs`.
 */
export const HALL_FIGURE_PATTERN = /^(cases|latency|material:[a-z_]+|paper:[a-z_]+|outcome:[a-z_]+)$/;

/** A case in a list: who, when, what; the record itself is one more call. */
export const HallCaseRow = z.object({
  workstationId: z.string(),
  caseNo: z.string(),
  status: z.enum(HALL_CASE_STATUSES),
  matterCode: z.string(),
  matterName: z.string(),
  operatorId: z.string(),
  completedAt: z.string().nullable(),
  training: z.boolean(),
  holder: HallHolder.nullable(),
});
/** A case in a list. */
export type HallCaseRow = z.infer<typeof HallCaseRow>;

/** A page cursor of a case list: newest first by completion time, then workstation and case number. */
export const CaseCursor = z.object({ completedAt: z.string(), workstationId: z.string(), caseNo: z.string() });

/** One event of a window's trail, as verified at the hall. */
export const HallTrailEvent = z.object({
  seq: z.number(),
  at: z.string(),
  operator: z.string().nullable(),
  role: z.string().nullable(),
  workstation: z.string(),
  case: z.string().nullable(),
  kind: z.string(),
  details: z.record(z.string(), z.unknown()),
  prev: z.string(),
  hash: z.string(),
});

/** A window as the supervisor sees it at the hall: enrolment, sync position, outbox, alerts. */
export const HallWorkstation = z.object({
  workstationId: z.string(),
  fingerprint: z.string(),
  enrolledAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  lastPushAt: z.string().nullable(),
  epoch: z.number(),
  auditHighest: z.number(),
  /** Events the workstation reported holding beyond what the hall has (its head minus the highest held). */
  auditPending: z.number(),
  recordsHighest: z.number(),
  ingest: z.enum(['open', 'stopped']),
  /** The last push the hall refused, if the window has not pushed successfully since. */
  lastRefusal: z.object({ code: z.string(), at: z.string() }).nullable(),
  outbox: HallOutboxStatus.nullable(),
});
/** A window at the hall. */
export type HallWorkstation = z.infer<typeof HallWorkstation>;

/** A random review drawn at the hall. */
export const HallReview = z.object({
  id: z.string(),
  /** Drawn from the training cases alone (in training); absent from a hall of an earlier version: false. */
  training: z.boolean().default(false),
  drawnAt: z.string(),
  drawnBy: z.string(),
  period: z.object(Period),
  draw: z.object({ seed: z.string(), size: z.number(), candidateCount: z.number(), candidatesDigest: z.string(), picked: z.array(z.string()) }),
  findings: z.array(z.object({ ref: z.string(), verdict: z.enum(['compliant', 'issue']), note: z.string(), at: z.string(), by: z.string() })),
});
/** A random review at the hall. */
export type HallReview = z.infer<typeof HallReview>;

/** A page cursor of an objection list: newest first by filing time, then workstation and id (the last objection of a page). */
export const ObjectionCursor = z.object({ filedAt: z.string(), workstationId: z.string(), id: z.string() });

/** An objection as the hall keeps it (no contested values, no description, no evidence). */
export const HallObjectionRow = z.object({
  workstationId: z.string(),
  id: z.string(),
  licenceId: z.string(),
  dimension: z.string(),
  state: z.string(),
  issuer: z.string().nullable(),
  filedBy: z.string(),
  filedAt: z.string(),
  updatedAt: z.string(),
});

// ---- The route table

/** Who may make a call: anyone holding an enrolment code, an enrolled workstation, or one relaying for a supervisor. */
export type HallAccess = 'enrol' | 'workstation' | 'supervisor';

/** One route of the hall. */
export interface HallRouteSpec {
  method: 'GET' | 'POST';
  /** With `:name` segments for path parameters (filled from the request's fields of those names). */
  path: string;
  access: HallAccess;
  /** For GET, the path parameters and the query; for POST, the path parameters and the JSON body. */
  request: z.ZodType;
  response: z.ZodType;
}

const NoInput = z.object({}).strict();

/**
 * The requests of the supervision calls about cases, without the {@link TrainingFlag} their
 * routes add: what the renderer may ask the host for (shared/contract.ts), the host adding the
 * flag from its own mode.
 */
export const SCOPED_REQUESTS = {
  dashboard: z.object(Period).strict(),
  cases: z
    .object({
      ...Period,
      workstation: WorkstationId.optional(),
      operator: Printable(64).optional(),
      figure: z.string().regex(HALL_FIGURE_PATTERN).default('cases'),
      minMs: z.coerce.number().int().min(0).max(3_600_000).optional(),
      beforeCompletedAt: Iso.optional(),
      beforeWorkstation: WorkstationId.optional(),
      beforeCaseNo: SimpleId.optional(),
      limit: Limit,
    })
    .strict(),
  caseRecord: z.object({ workstation: WorkstationId, caseNo: SimpleId }).strict(),
  drawReview: z.object({ ...Period, size: z.number().int().min(1).max(MAX_REVIEW_SIZE), seed: z.string().regex(REVIEW_SEED_PATTERN).optional() }).strict(),
  reviews: z.object({ limit: Limit }).strict(),
  review: z.object({ id: SimpleId }).strict(),
  checkReview: z.object({ id: SimpleId }).strict(),
  recordFinding: z.object({ id: SimpleId, ref: z.string().min(1).max(200), verdict: z.enum(['compliant', 'issue']), note: z.string().max(2000) }).strict(),
};
/** A supervision call that takes the training flag. */
export type HallScopedRoute = keyof typeof SCOPED_REQUESTS;

/**
 * Every call of the hall. The hall binds one handler to each (a missing one does not compile);
 * the host's hall client derives its typed calls from the same entries.
 */
export const HALL_ROUTES = {
  enrol: { method: 'POST', path: '/api/v1/enrol', access: 'enrol', request: EnrolRequest, response: EnrolResponse },
  syncState: { method: 'GET', path: '/api/v1/sync/state', access: 'workstation', request: NoInput, response: SyncState },
  push: { method: 'POST', path: '/api/v1/sync/push', access: 'workstation', request: PushRequest, response: PushResponse },
  reference: {
    method: 'GET',
    path: '/api/v1/reference/:name',
    access: 'workstation',
    request: z.object({ name: z.enum(REFERENCE_NAMES) }).strict(),
    response: ReferenceResponse,
  },
  dashboard: {
    method: 'GET',
    path: '/api/v1/supervision/dashboard',
    access: 'supervisor',
    request: SCOPED_REQUESTS.dashboard.extend(Scoped),
    response: DashboardResponse,
  },
  cases: {
    method: 'GET',
    path: '/api/v1/supervision/cases',
    access: 'supervisor',
    request: SCOPED_REQUESTS.cases.extend(Scoped),
    response: z.object({ rows: z.array(HallCaseRow), next: CaseCursor.nullable() }),
  },
  caseRecord: {
    method: 'GET',
    path: '/api/v1/supervision/cases/:workstation/:caseNo',
    access: 'supervisor',
    request: SCOPED_REQUESTS.caseRecord.extend(Scoped),
    response: z.object({ row: HallCaseRow, record: z.record(z.string(), z.unknown()), receivedAt: z.string() }),
  },
  objections: {
    method: 'GET',
    path: '/api/v1/supervision/objections',
    access: 'supervisor',
    request: z
      .object({
        ...Period,
        state: z.enum(HALL_OBJECTION_STATES).optional(),
        issuer: z.string().max(200).optional(),
        unknownIssuer: z.enum(['true']).optional(),
        /** The page after the objection `next` named (all three, or none: the newest page). */
        beforeFiledAt: Iso.optional(),
        beforeWorkstation: WorkstationId.optional(),
        beforeId: SimpleId.optional(),
        limit: Limit,
      })
      .strict(),
    // `next` absent: a hall of an earlier version, which answered one page only.
    response: z.object({ rows: z.array(HallObjectionRow), next: ObjectionCursor.nullable().default(null) }),
  },
  audit: {
    method: 'GET',
    path: '/api/v1/supervision/audit',
    access: 'supervisor',
    request: z
      .object({
        workstation: WorkstationId,
        epoch: z.coerce.number().int().min(1).optional(),
        operator: Printable(64).optional(),
        kind: z.enum(AUDIT_EVENT_KINDS).optional(),
        case: Printable(64).optional(),
        from: Day.optional(),
        to: Day.optional(),
        beforeAt: Iso.optional(),
        beforeSeq: z.coerce.number().int().min(1).optional(),
        limit: Limit,
      })
      .strict(),
    response: z.object({
      workstationId: z.string(),
      epoch: z.number(),
      rows: z.array(HallTrailEvent),
      next: z.object({ at: z.string(), seq: z.number() }).nullable(),
    }),
  },
  auditCount: {
    method: 'GET',
    path: '/api/v1/supervision/audit/count',
    access: 'supervisor',
    request: z
      .object({
        workstation: WorkstationId,
        epoch: z.coerce.number().int().min(1).optional(),
        operator: Printable(64).optional(),
        kind: z.enum(AUDIT_EVENT_KINDS).optional(),
        case: Printable(64).optional(),
        from: Day.optional(),
        to: Day.optional(),
      })
      .strict(),
    response: z.object({ n: z.number(), more: z.boolean() }),
  },
  verifyChain: {
    method: 'POST',
    path: '/api/v1/supervision/chain-verify',
    access: 'supervisor',
    request: z.object({ workstation: WorkstationId, epoch: z.number().int().min(1).optional() }).strict(),
    response: z.object({
      workstationId: z.string(),
      epoch: z.number(),
      ok: z.boolean(),
      checked: z.number(),
      /** The highest seq the hall recorded for the epoch: a chain that verifies but stops short of it lost events at its end. */
      highest: z.number(),
      firstBroken: z.object({ seq: z.number().nullable(), reason: z.enum(['malformed', 'seq_gap', 'prev_mismatch', 'hash_mismatch', 'missing']) }).nullable(),
      durationMs: z.number(),
    }),
  },
  drawReview: {
    method: 'POST',
    path: '/api/v1/supervision/reviews',
    access: 'supervisor',
    request: SCOPED_REQUESTS.drawReview.extend(Scoped),
    response: HallReview,
  },
  reviews: {
    method: 'GET',
    path: '/api/v1/supervision/reviews',
    access: 'supervisor',
    request: SCOPED_REQUESTS.reviews.extend(Scoped),
    response: z.object({ reviews: z.array(HallReview) }),
  },
  review: {
    method: 'GET',
    path: '/api/v1/supervision/reviews/:id',
    access: 'supervisor',
    request: SCOPED_REQUESTS.review.extend(Scoped),
    response: HallReview,
  },
  checkReview: {
    method: 'POST',
    path: '/api/v1/supervision/reviews/:id/check',
    access: 'supervisor',
    request: SCOPED_REQUESTS.checkReview.extend(Scoped),
    response: z.object({ reproduced: z.boolean(), candidateCount: z.number(), candidatesDigest: z.string() }),
  },
  recordFinding: {
    method: 'POST',
    path: '/api/v1/supervision/reviews/:id/findings',
    access: 'supervisor',
    request: SCOPED_REQUESTS.recordFinding.extend(Scoped),
    response: HallReview,
  },
  alerts: {
    method: 'GET',
    path: '/api/v1/supervision/alerts',
    access: 'supervisor',
    request: z.object({ state: z.enum(['open', 'all']).default('open'), limit: Limit }).strict(),
    response: z.object({ alerts: z.array(HallAlert) }),
  },
  acknowledgeAlert: {
    method: 'POST',
    path: '/api/v1/supervision/alerts/:id/acknowledge',
    access: 'supervisor',
    request: z.object({ id: SimpleId, note: z.string().trim().min(1).max(2000) }).strict(),
    response: z.object({ alert: HallAlert, epoch: z.number() }),
  },
  workstations: {
    method: 'GET',
    path: '/api/v1/supervision/workstations',
    access: 'supervisor',
    request: NoInput,
    response: z.object({ workstations: z.array(HallWorkstation) }),
  },
  revokeWorkstation: {
    method: 'POST',
    path: '/api/v1/supervision/workstations/:workstation/revoke',
    access: 'supervisor',
    request: z.object({ workstation: WorkstationId, reason: z.string().trim().min(1).max(500) }).strict(),
    response: HallWorkstation,
  },
  attention: {
    method: 'GET',
    path: '/api/v1/supervision/attention',
    access: 'supervisor',
    request: NoInput,
    response: z.object({
      /** Windows whose sync is behind: events pending, silent for 15 minutes, stopped, or refused. */
      behind: z.array(
        z.object({
          workstationId: z.string(),
          reasons: z.array(z.enum(['pending', 'silent', 'stopped', 'refused'])),
          lastSeenAt: z.string().nullable(),
          auditPending: z.number(),
        }),
      ),
      alerts: z.array(HallAlert),
      /** Windows holding a usage record unsent for more than an hour (as they last reported). */
      unsentUsageRecords: z.array(z.object({ workstationId: z.string(), count: z.number(), oldestAt: z.string(), reportedAt: z.string() })),
    }),
  },
} as const satisfies Record<string, HallRouteSpec>;

/** The name of a hall call. */
export type HallRouteName = keyof typeof HALL_ROUTES;
/** What a call takes (after its schema's defaults are applied). */
export type HallRequest<K extends HallRouteName> = z.output<(typeof HALL_ROUTES)[K]['request']>;
/** What a caller passes (defaults may be left out). */
export type HallRequestInput<K extends HallRouteName> = z.input<(typeof HALL_ROUTES)[K]['request']>;
/** What a call answers. */
export type HallResponse<K extends HallRouteName> = z.output<(typeof HALL_ROUTES)[K]['response']>;

/** The names of a path's parameters (`/a/:id/b` → `['id']`). */
export function pathParams(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

/**
 * The path a call goes to: its parameters filled in (URI-encoded) and, for a GET, the other
 * fields as a query string in the order given. Returns the path and, for a POST, the body fields.
 */
export function buildHallPath(spec: HallRouteSpec, input: Record<string, unknown>): { path: string; body: Record<string, unknown> | null } {
  const params = new Set(pathParams(spec.path));
  const path = spec.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(input[name])));
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!params.has(key) && value !== undefined) rest[key] = value;
  if (spec.method === 'POST') return { path, body: rest };
  // Written out: shared/ has neither the DOM's nor Node's URLSearchParams.
  const text = Object.entries(rest)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return { path: text ? `${path}?${text}` : path, body: null };
}
