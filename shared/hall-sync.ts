/**
 * What a workstation sends up to its hall (shared/hall-api.ts, docs/architecture.md §3.7), as
 * pure functions: a kept case or objection as the hall's records stream carries it, the key
 * under which the workstation journals it once, and the cut of one push out of what is pending.
 * The renderer's sync service (renderer/hall/hall-sync.ts) reads IndexedDB and calls these.
 *
 * Each item is built field by field (an allow-list, like the purge itself): the hall's schemas
 * are strict, so a field the workstation keeps for itself (a material's `libraryUnreachable`, a
 * case's `noGrant`, a paper scan's local blob key) is left out rather than sent and refused, and
 * nothing of a holder but the ID type and number ever leaves (the hall masks the number).
 */
import type { AuditEvent } from './audit-chain';
import { AUDIT_GENESIS_PREV } from './audit-chain';
import type { PurgedCase } from './counter-case';
import type {
  HallAuditEvent,
  HallCancelledCase,
  HallCompletedCase,
  HallCorrectionCase,
  HallObjection,
  HallOutboxStatus,
  HallRecord,
  PushRequest,
} from './hall-api';
import type { ObjectionRequest, ObjectionResult, ObjectionStatus, Organisation } from './library-api';

/** A record of the workstation's records stream before it is numbered. */
export type HallRecordItem =
  { kind: 'case'; case: HallCompletedCase | HallCancelledCase | HallCorrectionCase } | { kind: 'objection'; objection: HallObjection };

/** The journal key of a case: a case is sent once, when it is completed, cancelled or closed as 补正 (each is final). */
export function caseRecordKey(caseNo: string): string {
  return `case:${caseNo}`;
}

/** The journal key of one state of an objection: each change of its state is sent once. */
export function objectionRecordKey(objection: Pick<HallObjection, 'id' | 'state' | 'updatedAt'>): string {
  return `objection:${objection.id}:${objection.state}:${objection.updatedAt}`;
}

/** A completed case as the hall takes it: the purged record, allow-listed (the holder's name never, a local blob key never). */
export function hallCompletedCaseOf(kept: PurgedCase): HallCompletedCase {
  return {
    status: 'completed',
    caseNo: kept.caseNo,
    matter: { code: kept.matter.code, name: kept.matter.name },
    holder: { idType: kept.holder.idType, idNumber: kept.holder.idNumber },
    grant: kept.grant ? { grantId: kept.grant.grantId, basis: kept.grant.basis, reason: kept.grant.reason } : null,
    operatorId: kept.operatorId,
    workstationId: kept.workstationId,
    training: kept.training,
    openedAt: kept.openedAt,
    completedAt: kept.completedAt,
    purgedAt: kept.purgedAt,
    materials: kept.materials.map((m) => ({
      materialId: m.materialId,
      name: m.name,
      required: m.required,
      record: { materialId: m.record.materialId, outcome: m.record.outcome, licenceId: m.record.licenceId, paperReason: m.record.paperReason },
      override:
        m.override === null
          ? null
          : m.override.kind === 'choose_paper'
            ? { kind: 'choose_paper', reason: m.override.reason, operatorId: m.override.operatorId, at: m.override.at }
            : { kind: 'use_licence', licenceId: m.override.licenceId, reason: m.override.reason, operatorId: m.override.operatorId, at: m.override.at },
      licences: m.licences.map((l) => ({
        licenceId: l.licenceId,
        typeCode: l.typeCode,
        issuerCode: l.issuerCode,
        version: l.version,
        status: l.status,
        outcome: l.outcome,
        checks: l.checks.map((c) => (c.field === undefined ? { check: c.check, result: c.result } : { check: c.check, result: c.result, field: c.field })),
        verifiedAt: l.verifiedAt,
        fileHash: l.fileHash,
      })),
      paperScan: m.paperScan
        ? { paperReason: m.paperScan.paperReason, scannedAt: m.paperScan.scannedAt, pages: m.paperScan.pages, hash: m.paperScan.hash }
        : null,
      pullLatencyMs: m.pullLatencyMs ?? null,
    })),
  };
}

/** What the workstation keeps of a case given up before completion (or closed as 补正). */
export interface CancelledCaseFacts {
  caseNo: string;
  matterCode: string;
  matterName: string;
  training: boolean;
  openedAt: string;
}

/**
 * A cancelled case as the hall takes it. The workstation keeps no operator or time of the
 * cancellation on the case row; the audit event that cancelled it (a `case_cancel`, or the
 * start-up sweep's `purge`) says who and when.
 */
export function hallCancelledCaseOf(row: CancelledCaseFacts, cancelled: { operatorId: string; workstationId: string; at: string }): HallCancelledCase {
  return {
    status: 'cancelled',
    caseNo: row.caseNo,
    matter: { code: row.matterCode, name: row.matterName || row.matterCode },
    operatorId: cancelled.operatorId,
    workstationId: cancelled.workstationId,
    training: row.training,
    openedAt: row.openedAt,
    cancelledAt: cancelled.at,
  };
}

/**
 * A case closed as 补正 as the hall takes it: what the workstation keeps of it (as of a
 * cancelled case). The case row keeps no operator or time of the closing; the `purge` event
 * with reason `correction` that closed it says who and when.
 */
export function hallCorrectionCaseOf(row: CancelledCaseFacts, closed: { operatorId: string; workstationId: string; at: string }): HallCorrectionCase {
  return {
    status: 'correction',
    caseNo: row.caseNo,
    matter: { code: row.matterCode, name: row.matterName || row.matterCode },
    operatorId: closed.operatorId,
    workstationId: closed.workstationId,
    training: row.training,
    openedAt: row.openedAt,
    closedAt: closed.at,
  };
}

/** An objection as the workstation keeps it, with where its delivery stands. */
export interface ObjectionFacts {
  id: string;
  state: 'draft' | 'queued' | ObjectionStatus;
  licenceId: string;
  filedAt: string;
  updatedAt: string;
  request: Pick<ObjectionRequest, 'dimension' | 'filedBy'> & {
    fields: ReadonlyArray<{ key: string }>;
    holder?: Pick<NonNullable<ObjectionRequest['holder']>, 'idType' | 'idNumber'>;
  };
  issuer: Organisation | null;
  receivedAt: string | null;
  result: ObjectionResult | null;
  /** The outbox row's state while the library has not confirmed it (`needs_attention` is reported as such). */
  delivery: 'queued' | 'sending' | 'needs_attention' | 'delivered' | null;
}

/**
 * An objection's state as the hall takes it, or null for a draft (it has not been filed). The
 * contested values, the description and the evidence stay on the workstation: the hall keeps
 * which fields were contested, who filed it and where it stands. A send in flight is reported
 * as queued (it is transient); a refusal waiting for the clerk as `needs_attention`.
 */
export function hallObjectionOf(row: ObjectionFacts): HallObjection | null {
  if (row.state === 'draft') return null;
  const state: HallObjection['state'] = row.delivery === 'needs_attention' ? 'needs_attention' : row.state;
  return {
    id: row.id,
    licenceId: row.licenceId,
    dimension: row.request.dimension,
    fieldKeys: row.request.fields.map((f) => f.key),
    filedBy: { operatorId: row.request.filedBy.operatorId, role: row.request.filedBy.role },
    filedAt: row.filedAt,
    ...(row.request.holder ? { holder: { idType: row.request.holder.idType, idNumber: row.request.holder.idNumber } } : {}),
    state,
    issuer: row.issuer ? { code: row.issuer.code, name: row.issuer.name } : null,
    receivedAt: row.receivedAt,
    result: row.result ? { at: row.result.at, newLicenceId: row.result.newLicenceId } : null,
    updatedAt: row.updatedAt,
  };
}

/** An audit event exactly as it was hashed: the chain's ten fields. */
export function hallAuditEventOf(event: AuditEvent): HallAuditEvent {
  return {
    seq: event.seq,
    at: event.at,
    operator: event.operator,
    role: event.role,
    workstation: event.workstation,
    case: event.case,
    kind: event.kind,
    details: event.details,
    prev: event.prev,
    hash: event.hash,
  };
}

/** The head of a chain: its last event's seq and hash, or 0 and the genesis for an empty one. */
export function chainHeadOf(last: Pick<AuditEvent, 'seq' | 'hash'> | null | undefined): PushRequest['head'] {
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: AUDIT_GENESIS_PREV };
}

/** How much one push may carry. */
export interface PushLimits {
  events: number;
  records: number;
  /** About how many characters of JSON (the hall reads at most 8 MiB). */
  chars: number;
}

/**
 * Cuts one push out of what is pending, in order: the audit events and records given (each
 * stream consecutive, starting at the one after the hall's highest) up to the limits, the
 * chain's head and the outbox report. Always at least one item of a non-empty stream, so one
 * large event cannot stall the sync.
 */
export function cutPush(
  head: PushRequest['head'],
  events: readonly HallAuditEvent[],
  records: readonly HallRecord[],
  outbox: HallOutboxStatus | null,
  limits: PushLimits,
): PushRequest {
  let chars = 0;
  const audit: HallAuditEvent[] = [];
  for (const event of events) {
    if (audit.length >= limits.events) break;
    const size = JSON.stringify(event).length + 1;
    if (audit.length > 0 && chars + size > limits.chars) break;
    audit.push(event);
    chars += size;
  }
  const taken: HallRecord[] = [];
  for (const record of records) {
    if (taken.length >= limits.records) break;
    const size = JSON.stringify(record).length + 1;
    if ((taken.length > 0 || audit.length > 0) && chars + size > limits.chars) break;
    taken.push(record);
    chars += size;
  }
  return { head, audit, records: taken, outbox };
}

/** Outbox rows as counted for the hall: the unsent ones by kind, with their queueing time. */
export interface UnsentOutboxFact {
  kind: 'usage_record' | 'objection';
  state: 'queued' | 'sending' | 'needs_attention';
  createdAt: string;
}

/** The outbox report of a push: how many usage records and objections are unsent, and since when. */
export function outboxReportOf(rows: Iterable<UnsentOutboxFact>, at: string): HallOutboxStatus {
  const report: HallOutboxStatus = { at, usageRecords: { count: 0, oldestAt: null }, objections: { count: 0, oldestAt: null }, needsAttention: 0 };
  for (const row of rows) {
    const slot = row.kind === 'usage_record' ? report.usageRecords : report.objections;
    slot.count += 1;
    if (slot.oldestAt === null || row.createdAt < slot.oldestAt) slot.oldestAt = row.createdAt;
    if (row.state === 'needs_attention') report.needsAttention += 1;
  }
  return report;
}
