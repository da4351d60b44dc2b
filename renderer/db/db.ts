import Dexie, { type EntityTable } from 'dexie';
import type { AuditEvent } from '../../shared/audit-chain';
import type { CatchUpHolder } from '../../shared/catch-up';
import type { PurgedCase } from '../../shared/counter-case';
import type { CaseTally, DayPeriod } from '../../shared/dashboard-stats';
import type {
  CatalogResponse,
  MattersResponse,
  ObjectionReceipt,
  ObjectionRequest,
  ObjectionResult,
  ObjectionStatus,
  Organisation,
  PaperReason,
  TrustList,
  UsageRecordRequest,
} from '../../shared/library-api';
import type { VerificationOutcome } from '../../shared/licence-verify';
import type { OperatorEntry } from '../../shared/operators';
import type { ReviewDraw, ReviewVerdict } from '../../shared/random-review';
import type { HallRecord } from '../../shared/hall-api';
import { SCHEMA_VERSIONS } from './schema';

/** A row of the local audit chain: exactly the chain's event (shared/audit-chain). */
export type AuditEventRow = AuditEvent;

/** What each cached library resource holds. */
export interface ReferenceBodies {
  catalog: CatalogResponse;
  matters: MattersResponse;
  trust: { trust: TrustList; verifiedAt: string };
}

/** A library resource's name in the cache. */
export type ReferenceName = keyof ReferenceBodies;

/** A cached library resource (catalog, usage lists, trust list), with its version and age. */
export type ReferenceCacheRow = {
  [N in ReferenceName]: { name: N; version: string; fetchedAt: string; body: ReferenceBodies[N] };
}[ReferenceName];

interface CaseRowBase {
  caseNo: string;
  openedAt: string;
  matterCode: string;
  training: boolean;
}

/**
 * A case being served (`open`), given up before its completion (`cancelled`: by the clerk, or by
 * the start-up sweep when a closed page left it open), or closed as 补正 with a 一次性告知书
 * (`correction`: not completed, no usage record; the applicant applies again). Nothing of the
 * holder is kept.
 */
export interface OpenCaseRow extends CaseRowBase {
  status: 'open' | 'cancelled' | 'correction';
  completedAt: null;
  /** The matter's name as the case was opened (schema version 7; `record.matterName` before). */
  matterName: string;
}

/** One material re-checked by the catch-up after the link returned. */
export interface CatchUpMaterial {
  materialId: string;
  name: string;
  licenceId: string | null;
  outcome: VerificationOutcome;
}

/**
 * Art. 11's catch-up answer, kept on the completed case beside what the purge kept (which stays
 * as the counter wrote it). `flagged`: a valid licence now exists for a material taken on
 * paper; `acknowledged`: the clerk has seen the flag (or the request for a manual check);
 * `clear`: nothing found; `not_checkable`: the library cannot be asked (a social matter has no
 * duty basis, or the case kept no holder name), so the clerk checks by hand.
 */
export interface CatchUpMark {
  state: 'flagged' | 'acknowledged' | 'clear' | 'not_checkable';
  checkedAt: string;
  /** The host's sentence when the library could not be asked. */
  reason: string | null;
  /** Set when the workstation itself could not ask: the case kept no holder name (completed before names were kept). */
  cause?: 'holder_name_not_kept';
  materials: CatchUpMaterial[];
}

/** A completed case: what stays on the workstation once it is purged (Art. 27). */
export interface CompletedCaseRow extends CaseRowBase {
  status: 'completed';
  completedAt: string;
  /** Identifiers, outcomes and hashes: the case as the purge kept it (schema version 7; `record` before). */
  kept: PurgedCase;
  /**
   * The holder's name, kept apart from the purged record for one purpose only: the duty grant
   * of a pending Art. 11 catch-up. Deleted once the catch-up answers or its lookback has passed
   * (shared/catch-up.ts); absent on every other case.
   */
  catchUpHolder?: CatchUpHolder;
  /** The catch-up's answer, once it has one. */
  catchUp?: CatchUpMark;
}

/** A counter case as kept on the workstation: open (or given up), or completed. */
export type CaseRow = OpenCaseRow | CompletedCaseRow;

interface OutboxRowBase {
  id?: number;
  /** The idempotency key; unique so that a retry never queues twice. */
  key: string;
  createdAt: string;
  attempts: number;
  lastError: string | null;
}

/** The states of a row the library has not confirmed. */
export type UnsentOutboxState = 'queued' | 'sending' | 'needs_attention';

/** A row not yet confirmed by the library: it holds the whole item to send. */
export type UnsentOutboxRow = OutboxRowBase & { state: UnsentOutboxState } & (
    { kind: 'usage_record'; payload: UsageRecordRequest } | { kind: 'objection'; payload: ObjectionRequest }
  );

/**
 * A delivered row: the note that it was delivered, and when (schema version 5). Its payload
 * keeps only the case number of a usage record or the objection's id (renderer/outbox/outbox.ts
 * deliveredRow), and `answer` the library's answer (null on rows delivered before it was kept).
 */
export type DeliveredOutboxRow = OutboxRowBase & { state: 'delivered'; deliveredAt: string; answer: { id: string } | ObjectionReceipt | null } & (
    { kind: 'usage_record'; payload: { caseNo: string | null } } | { kind: 'objection'; payload: { id: string | null } }
  );

/** A queued delivery to the library. */
export type OutboxRow = UnsentOutboxRow | DeliveredOutboxRow;

/** An objection's request as its row keeps it: the evidence's pages (`data`) only while a draft. */
export type KeptObjectionRequest = Omit<ObjectionRequest, 'evidence'> & { evidence: Array<{ name: string; contentType: string; data?: string; size: number }> };

/** An objection row's record: the request and the issuer's side. */
export interface ObjectionRecord {
  request: KeptObjectionRequest;
  issuer: Organisation | null;
  receivedAt: string | null;
  result: ObjectionResult | null;
}

/** A filed objection as the workstation follows it: a draft, queued, or the issuer's status. */
export interface ObjectionRow {
  id: string;
  state: 'draft' | 'queued' | ObjectionStatus;
  licenceId: string;
  filedAt: string;
  updatedAt: string;
  record: ObjectionRecord;
}

/** A captured or imported paper page. */
export interface PaperScanRow {
  id?: number;
  caseNo: string;
  materialId: string;
  createdAt: string;
  reason: PaperReason;
  page: Blob;
  thumbnail: Blob;
  /** SM3 of the page's bytes, computed once when it is saved (absent on pages saved before it was kept). */
  hash?: string;
  /** Pages in the file: a material's paper is one PDF (absent on rows saved as one image per row: 1). */
  pages?: number;
}

/**
 * The tally of one Asia/Shanghai day, derived from `cases` (the record) and kept in `caseDays`,
 * so that a period of two years is read as ~730 rows instead of 100,000 cases.
 */
export interface CaseDayRow {
  day: string;
  /**
   * The version of the tally's definition it was built by (shared/dashboard-stats
   * CASE_TALLY_VERSION; schema version 7): a tally of an older one is rebuilt when read.
   */
  definition: number;
  /** Cases of the day in the completedAt index, training ones included: tells a stale row apart. */
  sourceCount: number;
  /** The latest completion time among them: cases completed later are not in any tally yet. */
  lastCompletedAt: string;
  /** The day's completed cases, training ones left out. */
  tally: CaseTally;
  /** The day's completed training cases (模拟办事), counted apart (schema version 6). */
  trainingTally: CaseTally;
}

/** A reviewer's finding on one drawn case. */
export interface ReviewFinding {
  caseNo: string;
  verdict: ReviewVerdict;
  note: string;
  at: string;
  by: string;
}

/** A random review (随机抽查) as stored in `reviews`. */
export interface ReviewRow {
  id: string;
  drawnAt: string;
  drawnBy: string;
  /** Drawn from the training cases (the workstation was in training); absent on older reviews. */
  training?: boolean;
  period: DayPeriod;
  draw: ReviewDraw;
  /** The latest finding per case, in the order they were recorded. */
  findings: ReviewFinding[];
}

/** An operator who signed in on this workstation (schema version 6). */
export type OperatorRow = OperatorEntry & { lastSignInAt: string };

/** One item of the records stream to the hall (schema version 8): numbered once, sent until the hall holds it. */
export interface HallRecordRow {
  /** The workstation's own sequence of the stream, from 1 without gaps. */
  seq: number;
  /** What it is (shared/hall-sync caseRecordKey, objectionRecordKey): unique, so nothing is numbered twice. */
  key: string;
  /** The item exactly as it is sent (a resend must be identical: the hall compares). */
  record: HallRecord;
  journaledAt: string;
}

/** How far the records journal has read the audit chain (schema version 8). */
export interface HallSyncRow {
  id: 'journal';
  /** The last audit event read, and its hash: a chain changed behind it is read again from the start. */
  auditSeq: number;
  auditHash: string;
  /** The journal's definition the cursor was kept by (renderer/sync/hall-sync `JOURNAL_DEFINITION`; none: 1). */
  definition?: number;
}

/** The workstation's local database. */
export class WorkstationDb extends Dexie {
  // The row is inserted whole: seq, caseNo, an objection's id and a cache entry's name are the
  // workstation's own keys, and an outbox row's id is already optional.
  auditEvents!: EntityTable<AuditEventRow, 'seq', AuditEventRow>;
  cases!: EntityTable<CaseRow, 'caseNo', CaseRow>;
  outbox!: EntityTable<OutboxRow, 'id', OutboxRow>;
  objections!: EntityTable<ObjectionRow, 'id', ObjectionRow>;
  paperScans!: EntityTable<PaperScanRow, 'id'>;
  referenceCache!: EntityTable<ReferenceCacheRow, 'name', ReferenceCacheRow>;
  // Schema version 2.
  caseDays!: EntityTable<CaseDayRow, 'day'>;
  reviews!: EntityTable<ReviewRow, 'id'>;
  // Schema version 6.
  operators!: EntityTable<OperatorRow, 'id'>;
  // Schema version 8.
  hallRecords!: EntityTable<HallRecordRow, 'seq'>;
  hallSync!: EntityTable<HallSyncRow, 'id'>;

  constructor(name = 'e-licence-workstation') {
    super(name);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
  }
}
