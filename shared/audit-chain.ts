/**
 * The workstation's local audit chain (docs/architecture.md §7; Art. 26 of the
 * measures asks for a full-process log). Every step of a case, and every supervisor action,
 * appends one event; each event carries the hash of the one before it, so that removing,
 * reordering or editing any event breaks every later link.
 *
 * What is hashed, exactly:
 *
 *     hash = SM3( UTF-8( prev + canonicalJson({seq, at, operator, role, workstation, case, kind, details, prev}) ) )
 *
 * i.e. the previous event's hash (64 lowercase hex characters; {@link AUDIT_GENESIS_PREV} for
 * the first event) immediately followed by the canonical JSON (docs/library-api.md §1) of the event
 * without its `hash` field, as lowercase hex. `prev` is therefore both the prefix and a field.
 * Exactly these nine fields are hashed: a property a store adds to the row (a primary key, say)
 * is not. The first event has `seq` 1 and each next one `seq + 1`.
 *
 * Dexie stores the events; this module builds and verifies them. Verification is incremental
 * ({@link AuditChainVerifier}) because a supervisor checks hundreds of thousands of events read
 * from IndexedDB in pages, hashing outside the transaction (docs/architecture.md §11).
 */
import { CanonicalJsonWriter, canonicalJson } from './canonical-json';
import type { HostSettings, PrintResult } from './contract';
import type { DeviceSettingChange, PrintLayout } from './devices';
import type { IdCardAuditDetails } from './id-card';
import type { DayPeriod } from './dashboard-stats';
import type { MaterialOutcome, ObjectionDimension, ObjectionStatus, PaperReason } from './library-api';
import type { VerificationOutcome } from './licence-verify';
import type { NoticeChoice, NoticeReason } from './print-documents';
import type { ReviewDraw, ReviewVerdict } from './random-review';
import { sm3Hex, type Sm3Batch } from './sm';
import type { UsageRecordChange } from './usage-record-edit';

/**
 * The closed list of audit event kinds. Each names one step a user or the workstation took:
 *
 * - `sign_in`, `sign_out`: an operator's session (details: `offline` for an offline sign-in).
 * - `training_switch`: training mode (模拟办事, Art. 29) switched on or off.
 * - `case_open`: a case opened for a matter; `case_cancel`: a case given up before completion.
 * - `token_read`: a 亮证码 read and verified offline (never the token itself, only its `jti` and holder).
 * - `grant`: a grant obtained, by token or by duty (依职能, with its reason).
 * - `pull`: licences queried and fetched for a material.
 * - `verification`: a licence's verification report and outcome.
 * - `view`: a licence's file or face data opened by the clerk.
 * - `paper_scan`: paper scanned for a material, with its reason code.
 * - `override`: a clerk's override of a material's state, with its reason.
 * - `completion`: a case completed; `receipt_print`: its receipt printed (with the layout and
 *   what became of the job).
 * - `notice`: a 一次性告知书 issued for a case missing a required material, with the materials
 *   and why, and the clerk's choice (left open, or closed as 补正); `notice_print`: it printed.
 * - `usage_record`: the case's usage record queued or delivered.
 * - `purge`: pulled files and face data removed from the workstation (Art. 27).
 * - `objection`: an objection filed; `objection_update`: the issuer's answer received.
 * - `status_recheck`: a licence's status re-checked against the library.
 * - `catch_up_flag`: a paper case flagged after the link returned (Art. 11's catch-up).
 * - `review`: a random review (随机抽查) drawn or concluded by a supervisor.
 * - `chain_verify`: the audit chain verified by a supervisor; `export`: data exported.
 * - `settings_change`: a setting changed (old and new value, never a secret).
 * - `id_card_read`: the ID-card reader read a card (the number masked, the reader's id; never the
 *   photo), or failed to, or the card was compared with a 亮证码 — details: {@link IdCardAuditDetails}.
 * - `device_settings_change`: a device setting changed (the reader, the printer, the applicant's
 *   screen), each change as {@link DeviceSettingChange} (its path, old and new value; none is a secret).
 */
export const AUDIT_EVENT_KINDS = [
  'sign_in',
  'sign_out',
  'training_switch',
  'case_open',
  'case_cancel',
  'token_read',
  'grant',
  'pull',
  'verification',
  'view',
  'paper_scan',
  'override',
  'completion',
  'receipt_print',
  'notice',
  'notice_print',
  'usage_record',
  'purge',
  'objection',
  'objection_update',
  'status_recheck',
  'catch_up_flag',
  'review',
  'chain_verify',
  'export',
  'settings_change',
  'id_card_read',
  'device_settings_change',
  'hall_admin',
] as const;

/** One kind of audit event (see {@link AUDIT_EVENT_KINDS}). */
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(AUDIT_EVENT_KINDS);

/** True when a string is one of the closed list of event kinds. */
export function isAuditEventKind(kind: string): kind is AuditEventKind {
  return KIND_SET.has(kind);
}

/** The `prev` of the first event of a chain: 64 zeros. */
export const AUDIT_GENESIS_PREV = '0'.repeat(64);

/** A JSON object, the shape of an event's `details`. */
export type AuditDetails = { [key: string]: unknown };

export type { IdCardAuditDetails };

/** A step whose kind says all: no details. */
export type NoAuditDetails = Record<string, never>;

/**
 * What each kind of event records in `details`: the one declaration the workstation writes
 * events by (the renderer's audit log takes only these), read by the supervisor's audit view.
 * Each is a JSON object (type aliases, not interfaces, so that each is a {@link AuditDetails}).
 * A chain may hold events written before a field was added; readers of old events keep to
 * what every version wrote.
 */
export interface AuditDetailsByKind {
  /** `username` and `name`: who signed in, as typed and as the library named them. */
  sign_in: { offline: boolean; username: string; name: string };
  sign_out: NoAuditDetails;
  /** `from` and `to`: the host's training state before and after the switch (Art. 29). */
  training_switch: { on: boolean; from: boolean; to: boolean };
  case_open: { matterCode: string; matterName: string };
  case_cancel: { matterCode: string };
  /** The holder's masked ID number, never the token itself; `code` when it was refused. */
  token_read: { ok: true; holder: string; expiresAt: string } | { ok: false; code: string };
  grant:
    | { ok: true; basis: 'token'; grantId: string; expiresAt: string }
    | { ok: true; basis: 'duty'; grantId: string; reason: string }
    /** A social matter for a holder without a phone: no duty basis, paper (Art. 22). */
    | { ok: false; basis: 'none'; reason: string; holder: string }
    /** Refused, or (`LIBRARY_UNAVAILABLE`, with the masked holder) the library unreachable. */
    | { ok: false; basis: 'token' | 'duty'; code: string; holder?: string };
  pull: { materialId: string; licences: string[]; latencyMs: number } | { materialId: string; ok: false; code: string };
  /** `failed`: the names of the checks that failed (shared/licence-verify). */
  verification: { materialId: string; licenceId: string; outcome: VerificationOutcome; failed: string[]; fileHash: string };
  view: { licenceId: string };
  /** Pages added (with the material's reason and the pages' hash) or one page removed. */
  paper_scan:
    { materialId: string; reason: PaperReason; pages: number; added: number; hash: string } | { materialId: string; removedPage: number; pages: number };
  override:
    | { materialId: string; kind: 'choose_paper'; reason: string }
    | { materialId: string; kind: 'use_licence'; licenceId: string; reason: string }
    | { materialId: string; kind: 'withdrawn' };
  completion: { materials: { materialId: string; outcome: MaterialOutcome; licenceId: string | null; paperReason: PaperReason | null }[] };
  /** The layout and what became of the job (`printOutcome`); events before printing was built have the case number only. */
  receipt_print: { caseNo: string } | { caseNo: string; layout: PrintLayout; printOutcome: PrintResult['outcome'] };
  /** A 一次性告知书 (shared/print-documents.ts): the clerk's choice, each missing material and why (`outcome` for an invalid licence). */
  notice: { choice: NoticeChoice; materials: { materialId: string; noticeReason: NoticeReason; outcome: VerificationOutcome | null }[] };
  notice_print: { caseNo: string; layout: PrintLayout; printOutcome: PrintResult['outcome'] };
  /** The record's life in the outbox, by its idempotency key; `refusal` is the library's sentence it answers. */
  usage_record:
    | { state: 'queued'; key: string }
    | { state: 'delivered'; key: string; id: string }
    | { state: 'edited'; key: string; refusal: string | null; changes: UsageRecordChange[] }
    | { state: 'resent'; key: string; refusal: string | null };
  purge:
    /** A completed case's pulled files and face data. */
    | { purgedLicences: number }
    /** A cancelled case's, with its paper pages. */
    | { purgedLicences: number; paperDeleted: true }
    /** A case closed as 补正 with its 一次性告知书, with its paper pages. */
    | { purgedLicences: number; paperDeleted: true; reason: 'correction' }
    /** Holder names kept for Art. 11's catch-up, past its lookback. */
    | { reason: 'catch_up_lookback'; holderNamesDeleted: number; cases: string[] }
    /** The start-up sweep: paper pages and delivered outbox rows past the retention, abandoned cases closed. */
    | {
        reason: 'retention';
        retentionDays: number;
        paperPagesDeleted: number;
        casesWithPagesDeleted: string[];
        abandonedCases: string[];
        deliveredOutboxRowsDeleted: number;
      };
  objection:
    | { id: string; licenceId: string; dimension: ObjectionDimension; fields: string[]; evidence: number; state: 'queued' }
    | { id: string; licenceId: string; state: 'resent'; evidence: number };
  objection_update: { id: string; status: ObjectionStatus; newLicenceId: string | null };
  status_recheck: { licenceId: string };
  catch_up_flag:
    /** Valid licences found for materials taken on paper. */
    | { materials: { materialId: string; licenceId: string | null }[] }
    /** The library could not check the case: the clerk checks by hand. */
    | { state: 'not_checkable'; reason: string | null }
    /** The case kept no holder name to ask with. */
    | { state: 'not_checkable'; cause: 'holder_name_not_kept'; materials: string[] };
  review:
    | ({ action: 'draw'; reviewId: string; period: DayPeriod; training?: true } & ReviewDrawDetails)
    | { action: 'finding'; reviewId: string; verdict: ReviewVerdict; note: string };
  chain_verify: {
    ok: boolean;
    checked: number;
    total: number;
    firstBroken: AuditChainResult['firstBroken'];
    hashing: 'wasm-simd' | 'javascript';
  };
  export: {
    what: 'audit_csv';
    fileName: string;
    filter: { operators?: readonly string[]; kind?: AuditEventKind; caseNo?: string; period?: DayPeriod };
    count: number;
    firstSeq: number | null;
    lastSeq: number | null;
  };
  /** Each change with its old and new value; no setting is a secret. */
  settings_change: { changes: { field: keyof HostSettings; from: unknown; to: unknown }[] };
  /** A card read on the ID-card reader, a failed read, its comparison with a 亮证码, …: never the full number or the photo. */
  id_card_read: IdCardAuditDetails;
  /** Each device setting changed, by its path (`idReader.preset`, `idReader.custom.url`), with its old and new value. */
  device_settings_change: { changes: DeviceSettingChange[] };
  /**
   * A supervisor's action on the hall, whatever the hall answered — done (`ok: true`, with what
   * the hall recorded) or not (`ok: false`, with the host's `code`): a workstation revoked (设置
   * → 大厅的工作台), a chain alert acknowledged (全厅 统计), this workstation leaving its hall
   * (设置 → 退出大厅).
   */
  hall_admin: HallAdminDetails;
}

/** What a `revoke_workstation` records besides its outcome. */
type HallRevokeFacts = { action: 'revoke_workstation'; workstation: string; fingerprint: string; reason: string };
/** What an `acknowledge_alert` records besides its outcome: the alert, its window, why it was raised and where, the supervisor's note. */
type HallAcknowledgeFacts = {
  action: 'acknowledge_alert';
  alert: string;
  workstation: string;
  alertReason: string;
  alertSeq: number | null;
  note: string;
};
/** What a `leave_hall` records besides its outcome: the hall left (its address, id, name and key fingerprint) and this workstation's id there. */
type HallLeaveFacts = {
  action: 'leave_hall';
  hallUrl: string;
  hallId: string | null;
  hallName: string | null;
  hallFingerprint: string | null;
  workstation: string | null;
};

/** What an `enrol_hall` records besides its outcome: the address typed, and the enrolment it replaced (a hall other than the embedded one), if any. */
type HallEnrolFacts = { action: 'enrol_hall'; hallUrl: string; replaced: string | null };

/** The details of a `hall_admin` event (see {@link AuditDetailsByKind}). */
export type HallAdminDetails =
  | (HallRevokeFacts & { ok: true; revokedAt: string | null })
  | (HallEnrolFacts & { ok: true; hallId: string; hallName: string; hallFingerprint: string; workstation: string })
  | (HallAcknowledgeFacts & { ok: true; acknowledgedAt: string | null; epoch: number })
  | (HallLeaveFacts & {
      ok: true;
      /** The hall the workstation uses from then on: the embedded one, the one `--hall` names (not enrolled), or none. */
      now: 'embedded' | 'remote' | 'none';
    })
  | ((HallRevokeFacts | HallAcknowledgeFacts | HallLeaveFacts | HallEnrolFacts) & { ok: false; code: string });

/** A review's draw as recorded: the seed, the candidates' count and digest and the cases drawn. */
type ReviewDrawDetails = { [K in keyof ReviewDraw]: ReviewDraw[K] };

/** One step as the workstation records it: a kind and that kind's details (see {@link AuditDetailsByKind}). */
export type AuditStepOf<K extends AuditEventKind> = { kind: K; case: string | null; details: AuditDetailsByKind[K] };

/** Any step the workstation records: a union discriminated on `kind`. */
export type AuditStep = { [K in AuditEventKind]: AuditStepOf<K> }[AuditEventKind];

/** One event of the audit chain. */
export interface AuditEvent {
  /** 1 for the first event, then +1 per event, without gaps. */
  seq: number;
  /** ISO 8601 time in UTC when the step happened (the workstation's clock). */
  at: string;
  /** Operator id, null only before anyone signed in (e.g. a settings change at first start). */
  operator: string | null;
  /** The operator's role at the time, null with `operator`. */
  role: string | null;
  /** The workstation's id. */
  workstation: string;
  /** Case number, null for events outside a case. */
  case: string | null;
  kind: AuditEventKind;
  /** JSON details of the step; never secrets, never face data beyond identifiers. */
  details: AuditDetails;
  /** The previous event's hash, or {@link AUDIT_GENESIS_PREV}. */
  prev: string;
  /** SM3 over `prev` and this event's canonical JSON (see the module doc), 64 lowercase hex. */
  hash: string;
}

/** What the caller supplies for a new event; the chain fields are computed. */
export type AuditEventInput = Omit<AuditEvent, 'seq' | 'prev' | 'hash'>;

// The event's top-level keys are fixed, so their canonical order is written out here and only
// `details` goes through the generic canonical JSON. The text is written straight into UTF-8
// bytes and hashed: building it as a string and encoding that cost as much as SM3 in Chromium,
// and a supervisor hashes every event of the chain. A unit test holds the bytes equal to
// `prev` + canonicalJson of the event.
const eventWriter = new CanonicalJsonWriter();

/**
 * The bytes an event's hash covers: `prev` followed by the canonical JSON of the event without
 * its hash, in UTF-8. A view of a buffer reused by the next call: copy what must outlive it.
 */
export function canonicalEventBytes(event: Omit<AuditEvent, 'hash'>): Uint8Array {
  return eventWriter
    .reset()
    .raw(event.prev)
    .raw('{"at":')
    .string(event.at)
    .raw(',"case":')
    .nullableString(event.case)
    .raw(',"details":')
    .value(event.details)
    .raw(',"kind":')
    .string(event.kind)
    .raw(',"operator":')
    .nullableString(event.operator)
    .raw(',"prev":')
    .string(event.prev)
    .raw(',"role":')
    .nullableString(event.role)
    .raw(',"seq":')
    .value(event.seq)
    .raw(',"workstation":')
    .string(event.workstation)
    .raw('}')
    .bytes();
}

/** The hash an event must carry: SM3 of `prev` followed by the canonical JSON of the event without `hash`. */
export function auditEventHash(event: Omit<AuditEvent, 'hash'>): string {
  return sm3Hex(canonicalEventBytes(event));
}

/**
 * Builds the next event of the chain after `prevEvent` (null for the first event). `details`
 * is stored as its JSON text parses back (a Date becomes its ISO string, an undefined field
 * disappears), so what is stored is exactly what was hashed and cannot drift between writing
 * and verifying.
 * Throws a TypeError for an unknown kind or a details value that is not a JSON object.
 */
export function createAuditEvent(prevEvent: AuditEvent | null, input: AuditEventInput): AuditEvent {
  if (!isAuditEventKind(input.kind)) throw new TypeError(`createAuditEvent: unknown kind ${JSON.stringify(input.kind)}`);
  if (input.details === null || typeof input.details !== 'object' || Array.isArray(input.details)) {
    throw new TypeError('createAuditEvent: details must be a JSON object');
  }
  // The CSV export writes null as an empty cell, so an empty id would not survive a round trip.
  for (const field of ['operator', 'role', 'workstation', 'case'] as const) {
    if (input[field] === '') throw new TypeError(`createAuditEvent: ${field} must not be empty`);
  }
  const unhashed: Omit<AuditEvent, 'hash'> = {
    seq: prevEvent ? prevEvent.seq + 1 : 1,
    at: input.at,
    operator: input.operator,
    role: input.role,
    workstation: input.workstation,
    case: input.case,
    kind: input.kind,
    details: JSON.parse(JSON.stringify(input.details)) as AuditDetails,
    prev: prevEvent ? prevEvent.hash : AUDIT_GENESIS_PREV,
  };
  return { ...unhashed, hash: auditEventHash(unhashed) };
}

/** Why a link of the chain is broken. */
export type AuditBreakReason =
  /** A field is missing or of the wrong type, or the kind is not in the closed list. */
  | 'malformed'
  /** `seq` is not the previous one + 1 (an event removed, repeated or reordered). */
  | 'seq_gap'
  /** `prev` is not the previous event's hash. */
  | 'prev_mismatch'
  /** `hash` does not match the event's content (the event was edited). */
  | 'hash_mismatch';

/** The state of a verification: how far it got and where the chain first broke. */
export interface AuditChainResult {
  /** True while no broken link was found. */
  ok: boolean;
  /** Events checked, including the broken one. */
  checked: number;
  /** The first broken link, or null. `seq` is the event's own seq (or null when it had none). */
  firstBroken: { seq: number | null; reason: AuditBreakReason } | null;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

// Every field of the right type and the kind in the closed list; `prev` and `hash` are only
// known to be strings here (see linkFault for their hex form).
function isShapedLikeEvent(event: AuditEvent): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    Number.isSafeInteger(event.seq) &&
    typeof event.at === 'string' &&
    isNullableString(event.operator) &&
    isNullableString(event.role) &&
    typeof event.workstation === 'string' &&
    isNullableString(event.case) &&
    typeof event.kind === 'string' &&
    KIND_SET.has(event.kind) &&
    typeof event.details === 'object' &&
    event.details !== null &&
    !Array.isArray(event.details) &&
    typeof event.prev === 'string' &&
    typeof event.hash === 'string'
  );
}

/**
 * Why an event does not fit where it stands (its shape, seq and `prev`), or null: all but its
 * hash. A malformed event is reported as such before any other fault, but `prev` and `hash`
 * are matched against 64 lowercase hex characters only where that decides something: on a
 * fault, and when `prev` is not vouched for. Otherwise `prev` equals a vouched-for hash (the
 * genesis, a checked start hash, or the previous event's hash, which must equal its SM3 digest
 * or be reported first), and `hash` must equal the digest, which is hex (see hashFault). Two
 * regular-expression tests per event were a tenth of a verification's CPU.
 */
function linkFault(event: AuditEvent, prevHash: string, expectedSeq: number | null, prevVouched: boolean): AuditBreakReason | null {
  if (!isShapedLikeEvent(event)) return 'malformed';
  const seqGap = expectedSeq !== null && event.seq !== expectedSeq;
  if (seqGap || event.prev !== prevHash || !prevVouched) {
    if (!HEX64.test(event.prev) || !HEX64.test(event.hash)) return 'malformed';
    if (seqGap) return 'seq_gap';
    if (event.prev !== prevHash) return 'prev_mismatch';
  }
  return null;
}

/** Why an event whose hash differs from its SM3 digest is broken: a hash that is not even hex is malformed. */
function hashFault(event: AuditEvent): AuditBreakReason {
  return HEX64.test(event.hash) ? 'hash_mismatch' : 'malformed';
}

/**
 * Verifies a chain in seq order, fed an event or a page at a time.
 * It stops at the first broken link: later pushes return false and change nothing.
 *
 * With no argument the chain must start at its genesis (`seq` 1, `prev` = {@link AUDIT_GENESIS_PREV}).
 * Given `startPrevHash` (the hash of the last event already verified), the first pushed event
 * must link to it, and `startSeq`, when given, is the seq it must have.
 */
export class AuditChainVerifier {
  private prevHash: string;
  /** Whether prevHash is known to be 64 lowercase hex characters (see linkFault). */
  private prevVouched: boolean;
  private expectedSeq: number | null;
  private checkedCount = 0;
  private broken: AuditChainResult['firstBroken'] = null;

  constructor(
    startPrevHash: string = AUDIT_GENESIS_PREV,
    startSeq?: number,
    /** Hashes each page of {@link pushAll} at once (e.g. four lanes of WebAssembly SIMD); without it, one event at a time in JavaScript. */
    private readonly batch?: Sm3Batch,
  ) {
    this.prevHash = startPrevHash;
    this.prevVouched = HEX64.test(startPrevHash);
    this.expectedSeq = startSeq ?? (startPrevHash === AUDIT_GENESIS_PREV ? 1 : null);
  }

  /** Checks the next event; true while the chain is intact up to and including it. */
  push(event: AuditEvent): boolean {
    if (this.broken) return false;
    this.checkedCount++;
    const fault = linkFault(event, this.prevHash, this.expectedSeq, this.prevVouched);
    if (fault) return this.fail(event, fault);
    if (auditEventHash(event) !== event.hash) return this.fail(event, hashFault(event));
    this.prevHash = event.hash;
    this.prevVouched = true;
    this.expectedSeq = event.seq + 1;
    return true;
  }

  /**
   * Pushes a page of events in order; true while the chain is intact. With a batch hasher the
   * page's links are checked first and its hashes computed together (each event's hash depends
   * only on its own content, its `prev` included), and the first broken link is the one a push
   * per event would find.
   */
  pushAll(events: Iterable<AuditEvent>): boolean {
    const batch = this.batch;
    if (!batch) {
      for (const event of events) if (!this.push(event)) return false;
      return !this.broken;
    }
    if (this.broken) return false;
    const queued: AuditEvent[] = [];
    let linkBroken: { event: AuditEvent; reason: AuditBreakReason } | null = null;
    let prevHash = this.prevHash;
    let prevVouched = this.prevVouched;
    let expectedSeq = this.expectedSeq;
    for (const event of events) {
      const fault = linkFault(event, prevHash, expectedSeq, prevVouched);
      if (fault) {
        linkBroken = { event, reason: fault };
        break;
      }
      batch.add(canonicalEventBytes(event));
      queued.push(event);
      // Vouched for once its digest is compared below; a mismatch there is reported first.
      prevHash = event.hash;
      prevVouched = true;
      expectedSeq = event.seq + 1;
    }
    const digests = batch.flush();
    for (let i = 0; i < queued.length; i++) {
      this.checkedCount++;
      if (digests[i] !== queued[i]!.hash) return this.fail(queued[i]!, hashFault(queued[i]!));
    }
    if (linkBroken) {
      this.checkedCount++;
      return this.fail(linkBroken.event, linkBroken.reason);
    }
    this.prevHash = prevHash;
    this.prevVouched = prevVouched;
    this.expectedSeq = expectedSeq;
    return true;
  }

  /** The result so far. */
  get result(): AuditChainResult {
    return { ok: this.broken === null, checked: this.checkedCount, firstBroken: this.broken };
  }

  /** The hash the next event must carry as `prev` (to resume a verification later). */
  get lastHash(): string {
    return this.prevHash;
  }

  private fail(event: AuditEvent, reason: AuditBreakReason): false {
    const seq = typeof event === 'object' && event !== null && Number.isSafeInteger(event.seq) ? event.seq : null;
    this.broken = { seq, reason };
    return false;
  }
}

/** Verifies a whole chain held in memory, from its genesis. */
export function verifyAuditChain(events: Iterable<AuditEvent>): AuditChainResult {
  const verifier = new AuditChainVerifier();
  verifier.pushAll(events);
  return verifier.result;
}

/** The CSV columns of an audit export, in order: the event's own fields. */
export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'operator', 'role', 'workstation', 'case', 'kind', 'details', 'prev', 'hash'] as const;

/**
 * Columns an export may add after the event's own: who the operator id is (name and 工号), for
 * the person reading the export in Excel. They are not part of the chain and are not hashed.
 */
export const AUDIT_CSV_OPERATOR_COLUMNS = ['operatorName', 'operatorUsername'] as const;

/** An operator's name and username (工号), for the export's operator columns. */
export interface AuditCsvOperator {
  name: string;
  username: string;
}

const FORMULA_START = /^[=+\-@\t\r']/;

// Excel runs a cell starting with = + - @ as a formula (CSV injection); a leading apostrophe
// makes it text. An apostrophe already at the start is doubled the same way so that
// parsing back is exact.
function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

function uncell(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

/**
 * The events as CSV that Excel opens correctly: a UTF-8 BOM (so Chinese is not garbled),
 * a header row, every field quoted with quotes doubled, CRLF line ends, `details` as its
 * canonical JSON, null as an empty cell. A cell that Excel would run as a formula
 * (starting with = + - @ or a tab) is prefixed with an apostrophe, as is one already starting
 * with an apostrophe; {@link auditEventsFromCsv} removes it. Encode the string as UTF-8 to write it.
 */
export function auditEventsToCsv(events: Iterable<AuditEvent>, operatorOf?: (id: string) => AuditCsvOperator | undefined): string {
  const columns: readonly string[] = operatorOf ? [...AUDIT_CSV_COLUMNS, ...AUDIT_CSV_OPERATOR_COLUMNS] : AUDIT_CSV_COLUMNS;
  const lines: string[] = [columns.map(csvCell).join(',')];
  for (const e of events) {
    const cells = [String(e.seq), e.at, e.operator ?? '', e.role ?? '', e.workstation, e.case ?? '', e.kind, canonicalJson(e.details), e.prev, e.hash];
    if (operatorOf) {
      const who = e.operator ? operatorOf(e.operator) : undefined;
      cells.push(who?.name ?? '', who?.username ?? '');
    }
    lines.push(cells.map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * Parses CSV (RFC 4180: quoted fields, doubled quotes, CR, LF or CRLF line ends, a leading BOM
 * ignored) into rows of cells. A final line end does not make an empty row.
 * Throws a SyntaxError on a quote left open or text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let cellStarted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && cell === '' && !cellStarted) {
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new SyntaxError('parseCsv: unterminated quoted field');
        cell += text.slice(j, q);
        if (text[q + 1] === '"') {
          cell += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cellStarted = true;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new SyntaxError('parseCsv: text after a closing quote');
      }
      continue;
    }
    if (ch === ',') {
      row.push(cell);
      cell = '';
      cellStarted = false;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      cellStarted = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += ch;
      cellStarted = true;
      i++;
    }
  }
  if (cellStarted || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * Reads back an export of {@link auditEventsToCsv} (for re-verifying an exported chain); the
 * operator columns, when the export has them, are read past (they are not the chain's).
 * Throws a SyntaxError when the header or a row does not have the export's shape.
 */
export function auditEventsFromCsv(text: string): AuditEvent[] {
  const [header, ...rows] = parseCsv(text);
  const names = header?.map(uncell).join(',');
  const width =
    names === AUDIT_CSV_COLUMNS.join(',')
      ? AUDIT_CSV_COLUMNS.length
      : names === [...AUDIT_CSV_COLUMNS, ...AUDIT_CSV_OPERATOR_COLUMNS].join(',')
        ? AUDIT_CSV_COLUMNS.length + AUDIT_CSV_OPERATOR_COLUMNS.length
        : 0;
  if (width === 0) throw new SyntaxError('auditEventsFromCsv: not an audit export (header)');
  return rows.map((raw, index) => {
    if (raw.length !== width) throw new SyntaxError(`auditEventsFromCsv: row ${index + 1} has ${raw.length} cells`);
    const [seq, at, operator, role, workstation, caseNo, kind, details, prev, hash] = raw.slice(0, AUDIT_CSV_COLUMNS.length).map(uncell) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!isAuditEventKind(kind)) throw new SyntaxError(`auditEventsFromCsv: row ${index + 1} has an unknown kind`);
    return {
      seq: Number(seq),
      at,
      operator: operator === '' ? null : operator,
      role: role === '' ? null : role,
      workstation,
      case: caseNo === '' ? null : caseNo,
      kind,
      details: JSON.parse(details) as AuditDetails,
      prev,
      hash,
    };
  });
}
