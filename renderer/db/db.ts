import Dexie, { type EntityTable } from 'dexie';
import type { CaseTally, DayPeriod } from '../../shared/dashboard-stats';
import type { OperatorEntry } from '../../shared/operators';
import type { ReviewDraw, ReviewVerdict } from '../../shared/random-review';
import { SCHEMA_VERSIONS } from './schema';

/** A row of the local audit chain (the chain's fields; see shared/audit-chain). */
export interface AuditEventRow {
  seq: number;
  at: string;
  operator: string;
  role: string;
  workstation: string;
  case: string | null;
  kind: string;
  details: Record<string, unknown>;
  prev: string;
  hash: string;
}

/** A cached library resource (catalog, matters, trust list). */
export interface ReferenceCacheRow {
  name: 'catalog' | 'matters' | 'trust';
  version: string;
  fetchedAt: string;
  body: unknown;
}

/** A counter case as kept on the workstation. */
export interface CaseRow {
  caseNo: string;
  /** `correction`: closed as 补正 with a 一次性告知书 (not completed; the applicant applies again). */
  status: 'open' | 'completed' | 'cancelled' | 'correction';
  openedAt: string;
  completedAt: string | null;
  matterCode: string;
  training: boolean;
  record: Record<string, unknown>;
  /**
   * The holder's name, kept apart from the purged record for one purpose only: the duty grant
   * of a pending Art. 11 catch-up. Deleted once the catch-up answers or its lookback has passed
   * (shared/catch-up.ts); absent on every other case.
   */
  catchUpHolder?: import('../../shared/catch-up').CatchUpHolder;
}

/** A queued delivery to the library. */
export interface OutboxRow {
  id?: number;
  /** The idempotency key; unique so that a retry never queues twice. */
  key: string;
  kind: 'usage_record' | 'objection';
  state: 'queued' | 'sending' | 'delivered' | 'needs_attention';
  createdAt: string;
  attempts: number;
  lastError: string | null;
  /** What is sent; once delivered only the case number or the objection's id (renderer/outbox/outbox.ts deliveredPayload). */
  payload: unknown;
  /** When the library confirmed it (schema version 5; absent until delivered). */
  deliveredAt?: string;
  /** The library's answer to the delivery (the usage record's id, the objection's receipt). */
  answer?: unknown;
}

/** A filed objection as the workstation follows it. */
export interface ObjectionRow {
  id: string;
  state: string;
  licenceId: string;
  filedAt: string;
  updatedAt: string;
  record: Record<string, unknown>;
}

/** A captured or imported paper page. */
export interface PaperScanRow {
  id?: number;
  caseNo: string;
  materialId: string;
  createdAt: string;
  reason: string;
  page: Blob;
  thumbnail: Blob;
  /** SM3 of the page's bytes, computed once when it is saved (absent on pages saved before it was kept). */
  hash?: string;
}

/**
 * The tally of one Asia/Shanghai day, derived from `cases` (the record) and kept in `caseDays`,
 * so that a period of two years is read as ~730 rows instead of 100,000 cases.
 */
export interface CaseDayRow {
  day: string;
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

/** The workstation's local database. */
export class WorkstationDb extends Dexie {
  auditEvents!: EntityTable<AuditEventRow, 'seq'>;
  cases!: EntityTable<CaseRow, 'caseNo'>;
  outbox!: EntityTable<OutboxRow, 'id'>;
  objections!: EntityTable<ObjectionRow, 'id'>;
  paperScans!: EntityTable<PaperScanRow, 'id'>;
  referenceCache!: EntityTable<ReferenceCacheRow, 'name'>;
  // Schema version 2.
  caseDays!: EntityTable<CaseDayRow, 'day'>;
  reviews!: EntityTable<ReviewRow, 'id'>;
  // Schema version 6.
  operators!: EntityTable<OperatorRow, 'id'>;

  constructor(name = 'e-licence-workstation') {
    super(name);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
  }
}

let db: WorkstationDb | null = null;

/** The page's database. */
export function workstationDb(): WorkstationDb {
  db ??= new WorkstationDb();
  return db;
}
