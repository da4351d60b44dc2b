/**
 * Up: a workstation's push, exactly once (docs/architecture.md §3.7). Each stream's
 * position moves in the same transaction as the data (Replicache's rule), so a push resent after
 * a lost answer, or a batch that arrives before the one it follows, changes nothing. The audit
 * chain must continue what the hall holds (Certificate Transparency's rule: a log only grows);
 * a break is an alert, and the workstation's ingest stops until a supervisor acknowledges it.
 */
import { randomBytes } from 'node:crypto';
import { AUDIT_GENESIS_PREV } from '../shared/audit-chain';
import { canonicalJson } from '../shared/canonical-json';
import { shanghaiDayOf } from '../shared/dashboard-stats';
import {
  HALL_MAX_AUDIT_PER_PUSH,
  HALL_MAX_DETAILS_CHARS,
  HALL_MAX_RECORDS_PER_PUSH,
  type AlertReason,
  type HallAlert,
  type HallAuditEvent,
  type HallCancelledCase,
  type HallCompletedCase,
  type HallCorrectionCase,
  type HallObjection,
  type HallRecord,
  type PushRequest,
  type PushResponse,
  type SyncState,
} from '../shared/hall-api';
import type { Sm3Batch } from '../shared/sm';
import { Sm3Simd } from '../shared/sm3-simd';
import { sql, type Database, type Queryable } from './db';
import { HallError } from './http';
import { AUDIT_EVENT_COLUMNS, AuditRows, NodeSm3Batch, encodePushedChain } from './chain';
import { sm3Of, type HallIdentity } from './identity';
import { caseFigures } from './case-figures';

/** A break of a workstation's chain (or records stream), found inside a push's transaction. */
class ChainBreak extends Error {
  constructor(
    readonly reason: AlertReason,
    readonly seq: number | null,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface StreamRow {
  /** streams.id: the key of this workstation's audit events in this epoch. */
  id: number;
  epoch: number;
  audit_highest: number;
  audit_last_hash: string;
  records_highest: number;
}

/** An alert row as stored. */
interface AlertRow {
  id: string;
  workstation_id: string;
  epoch: number;
  seq: number | null;
  reason: AlertReason;
  detail: string;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  note: string | null;
}

/** An alert row as the protocol shows it. */
export function alertOf(row: AlertRow): HallAlert {
  return {
    id: row.id,
    workstationId: row.workstation_id,
    epoch: row.epoch,
    seq: row.seq,
    reason: row.reason,
    detail: row.detail,
    raisedAt: row.raised_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    note: row.note,
  };
}

/** The columns of an alert, for the queries that list them. */
export const ALERT_COLUMNS = 'id, workstation_id, epoch, seq, reason, detail, raised_at, acknowledged_at, acknowledged_by, note';

const currentStream = sql<StreamRow, [string]>(
  'SELECT s.id, s.epoch, s.audit_highest, s.audit_last_hash, s.records_highest FROM workstations w JOIN streams s ON s.workstation_id = w.id AND s.epoch = w.epoch WHERE w.id = $1',
);
const lockStream = sql<StreamRow, [string]>(
  'SELECT s.id, s.epoch, s.audit_highest, s.audit_last_hash, s.records_highest FROM workstations w JOIN streams s ON s.workstation_id = w.id AND s.epoch = w.epoch WHERE w.id = $1 FOR UPDATE OF s',
);
const openAlerts = sql<AlertRow, [string]>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE workstation_id = $1 AND acknowledged_at IS NULL ORDER BY raised_at`);
const storedHashes = sql<{ seq: number; hash: string }, [number, number, number]>(
  'SELECT seq, hash FROM audit_events WHERE stream = $1 AND seq BETWEEN $2 AND $3',
);
const storedDigests = sql<{ seq: number; digest: string }, [string, number, number, number]>(
  'SELECT seq, digest FROM records WHERE workstation_id = $1 AND epoch = $2 AND seq BETWEEN $3 AND $4',
);
const moveStream = sql<unknown, [string, number, number, string, number, number]>(
  'UPDATE streams SET audit_highest = $3, audit_last_hash = $4, records_highest = $5, head_seq = $6 WHERE workstation_id = $1 AND epoch = $2',
);
const pushed = sql<unknown, [string, string]>('UPDATE workstations SET last_push_at = $2, last_refusal_code = NULL, last_refusal_at = NULL WHERE id = $1');
const refused = sql<unknown, [string, string, string]>('UPDATE workstations SET last_refusal_code = $2, last_refusal_at = $3 WHERE id = $1');
const insertAlert = sql<AlertRow, [string, string, number, number | null, string, string, string]>(
  `INSERT INTO alerts (id, workstation_id, epoch, seq, reason, detail, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${ALERT_COLUMNS}`,
);
const insertEvent = sql<unknown, [number, number, string, string | null, string, string | null, string, string]>(
  'INSERT INTO audit_events (stream, seq, at, operator, kind, case_no, body, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
);
const insertRecords = sql<unknown, [string, number, number[], string[], string[], string]>(
  'INSERT INTO records (workstation_id, epoch, seq, kind, digest, received_at) SELECT $1, $2, s, k, d, $6 FROM unnest($3::bigint[], $4::text[], $5::text[]) AS r(s, k, d)',
);
const insertCase = sql<
  { case_no: string },
  [
    string,
    string,
    string,
    boolean,
    string,
    string,
    string,
    string,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string,
    number | null,
    number[],
    string,
    string,
  ]
>(
  `INSERT INTO cases (workstation_id, case_no, status, training, operator_id, matter_code, matter_name, opened_at, completed_at, day, holder_type, holder_masked, holder_key, counts, max_latency, latencies, record, received_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11, $12, $13, $14::jsonb, $15, $16::integer[], $17, $18)
   ON CONFLICT (workstation_id, case_no) DO NOTHING RETURNING case_no`,
);
const addCaseTally = sql<unknown, [string[], string, string[], string[], number[]]>(
  `INSERT INTO case_tally (day, workstation_id, operator_id, figure, n)
   SELECT d::date, $2, o, f, n FROM unnest($1::text[], $3::text[], $4::text[], $5::bigint[]) AS t(d, o, f, n) ORDER BY d, o, f
   ON CONFLICT (day, workstation_id, operator_id, figure) DO UPDATE SET n = case_tally.n + EXCLUDED.n`,
);
const addLatencyTally = sql<unknown, [string[], number[], number[]]>(
  `INSERT INTO latency_tally (day, ms, n)
   SELECT d::date, m, n FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS t(d, m, n) ORDER BY d, m
   ON CONFLICT (day, ms) DO UPDATE SET n = latency_tally.n + EXCLUDED.n`,
);
const upsertObjection = sql<
  unknown,
  [
    string,
    string,
    string,
    string,
    string,
    string | null,
    string | null,
    string,
    string,
    string,
    string,
    string | null,
    string | null,
    string | null,
    string,
    number,
    number,
  ]
>(
  `INSERT INTO objections (workstation_id, id, licence_id, dimension, state, issuer_code, issuer_name, filed_by, filed_role, filed_at, updated_at, holder_type, holder_masked, holder_key, record, last_epoch, last_seq)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
   ON CONFLICT (workstation_id, id) DO UPDATE SET
     licence_id = EXCLUDED.licence_id, dimension = EXCLUDED.dimension, state = EXCLUDED.state, issuer_code = EXCLUDED.issuer_code,
     issuer_name = EXCLUDED.issuer_name, filed_by = EXCLUDED.filed_by, filed_role = EXCLUDED.filed_role, filed_at = EXCLUDED.filed_at,
     updated_at = EXCLUDED.updated_at, holder_type = EXCLUDED.holder_type, holder_masked = EXCLUDED.holder_masked,
     holder_key = EXCLUDED.holder_key, record = EXCLUDED.record, last_epoch = EXCLUDED.last_epoch, last_seq = EXCLUDED.last_seq
   WHERE (objections.last_epoch, objections.last_seq) < (EXCLUDED.last_epoch, EXCLUDED.last_seq)`,
);
const insertObjectionState = sql<unknown, [string, string, string, string, string]>(
  'INSERT INTO objection_states (workstation_id, id, at, state, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
);
const upsertOutbox = sql<unknown, [string, string, number, string | null, number, string | null, number, string]>(
  `INSERT INTO outbox_status (workstation_id, reported_at, usage_count, usage_oldest_at, objection_count, objection_oldest_at, needs_attention, received_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
   ON CONFLICT (workstation_id) DO UPDATE SET reported_at = EXCLUDED.reported_at, usage_count = EXCLUDED.usage_count,
     usage_oldest_at = EXCLUDED.usage_oldest_at, objection_count = EXCLUDED.objection_count,
     objection_oldest_at = EXCLUDED.objection_oldest_at, needs_attention = EXCLUDED.needs_attention, received_at = EXCLUDED.received_at
   WHERE outbox_status.reported_at <= EXCLUDED.reported_at`,
);

function consecutive(seqs: number[]): boolean {
  for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[i - 1]! + 1) return false;
  return true;
}

/** What one push carries for the records stream, prepared outside the transaction. */
interface PreparedRecord {
  item: HallRecord;
  digest: string;
}

/** What the transaction needs of a push's audit events, once checked: their COPY rows (hashes included), not the parsed events. */
interface CheckedAudit {
  /** The first event's seq and prev (0 and '' without events); the events are consecutive from it. */
  first: number;
  prev: string;
  rows: AuditRows;
}

/** A push as the transaction stores it. */
interface PreparedPush {
  audit: CheckedAudit;
  records: PreparedRecord[];
  head: PushRequest['head'];
  outbox: PushRequest['outbox'];
}

/** The push service: the streams, the chain checks, the alerts. */
export class IngestService {
  /**
   * The four-lane SM3 the pushed events are hashed with, once ready (null: missing, Node's SM3).
   * One is enough: a push's hashing runs without a pause.
   */
  private lanes: Sm3Simd | null = null;

  constructor(
    protected readonly db: Database,
    private readonly identity: HallIdentity,
    private readonly now: () => Date,
    private readonly log: (line: string) => void,
  ) {
    void Sm3Simd.create().then(
      (lanes) => void (this.lanes = lanes),
      () => undefined,
    );
  }

  /** Where a workstation's streams stand, and whether its ingest is open. */
  async state(workstationId: string): Promise<SyncState> {
    const stream = await this.db.one(currentStream, [workstationId]);
    if (!stream) throw new HallError('UNKNOWN_WORKSTATION');
    const alerts = (await this.db.all(openAlerts, [workstationId])).map(alertOf);
    return {
      workstationId,
      epoch: stream.epoch,
      audit: { highest: stream.audit_highest, lastHash: stream.audit_last_hash },
      records: { highest: stream.records_highest },
      ingest: alerts.length > 0 ? 'stopped' : 'open',
      openAlerts: alerts,
      serverTime: this.now().toISOString(),
    };
  }

  /**
   * Takes a push (screened for personal data before its schema, see privacy.ts). Everything
   * that can be judged from the push alone (size, order,
   * each event's hash and link) is judged before the transaction; inside it, the stream row is
   * locked, items the hall holds are compared with what it stored, the first new item must follow
   * the highest held, and the chain must continue the last hash held. A refusal changes nothing
   * but the window's "last refusal" mark; a break rolls back and raises an alert.
   *
   * The judging before the transaction is synchronous and keeps only what the transaction needs
   * (the events as COPY rows, the records): the parsed push, thousands of objects, is not held
   * while the transaction waits on the database. Held by eight pushes at once, it outlived the
   * young generation and tripled the time the hall spent collecting garbage.
   */
  push(workstationId: string, request: PushRequest): Promise<PushResponse> {
    let prepared: PreparedPush;
    try {
      prepared = this.prepare(request);
    } catch (error) {
      return this.refuse(workstationId, error);
    }
    return this.store(workstationId, prepared).catch((error: unknown) => this.refuse(workstationId, error));
  }

  private async refuse(workstationId: string, error: unknown): Promise<never> {
    if (error instanceof ChainBreak) {
      const alert = await this.raiseAlert(workstationId, error);
      await this.db.run(refused, [workstationId, 'CHAIN_BREAK', this.now().toISOString()]);
      throw new HallError('CHAIN_BREAK', undefined, { alert });
    }
    if (error instanceof HallError) await this.db.run(refused, [workstationId, error.code, this.now().toISOString()]);
    throw error;
  }

  private prepare(request: PushRequest): PreparedPush {
    const { audit, records } = request;
    if (audit.length > HALL_MAX_AUDIT_PER_PUSH || records.length > HALL_MAX_RECORDS_PER_PUSH) {
      throw new HallError('TOO_LARGE', `一次同步最多 ${HALL_MAX_AUDIT_PER_PUSH} 条日志和 ${HALL_MAX_RECORDS_PER_PUSH} 条记录，请分批发送。`);
    }
    if (!consecutive(audit.map((e) => e.seq))) throw new HallError('SEQUENCE_ORDER', undefined, { stream: 'audit' });
    if (!consecutive(records.map((r) => r.seq))) throw new HallError('SEQUENCE_ORDER', undefined, { stream: 'records' });
    const lastSent = audit.at(-1);
    if (lastSent && (request.head.seq < lastSent.seq || (request.head.seq === lastSent.seq && request.head.hash !== lastSent.hash))) {
      throw new HallError('BAD_REQUEST', '同步请求中的日志链末端早于所发送的事件。', { path: 'head' });
    }
    // Node's SM3 until the four lanes are ready (the first moments after a start) or where they are missing: the same digests.
    const rows = this.checkChain(audit, this.lanes ?? new NodeSm3Batch());
    return {
      audit: { first: audit[0]?.seq ?? 0, prev: audit[0]?.prev ?? '', rows },
      records: records.map((item) => ({ item, digest: sm3Of(canonicalJson(item)) })),
      head: request.head,
      outbox: request.outbox,
    };
  }

  private store(workstationId: string, push: PreparedPush): Promise<PushResponse> {
    const { audit, records: prepared, head, outbox } = push;
    const sent = audit.rows.length;
    return this.db.transaction(async (tx) => {
      const stream = await tx.one(lockStream, [workstationId]);
      if (!stream) throw new HallError('UNKNOWN_WORKSTATION');
      const alerts = await tx.all(openAlerts, [workstationId]);
      if (alerts.length > 0) throw new HallError('INGEST_STOPPED', undefined, { alerts: alerts.map(alertOf) });
      const { epoch } = stream;

      // The audit chain: the part the hall holds must be what it holds, the rest must follow it.
      // The events are consecutive from audit.first: the first `held` of them are at or below the highest held.
      const held = Math.max(0, Math.min(sent, stream.audit_highest - audit.first + 1));
      if (held > 0) {
        const stored = new Map((await tx.all(storedHashes, [stream.id, audit.first, audit.first + held - 1])).map((row) => [row.seq, row.hash]));
        for (let i = 0; i < held; i++) {
          const seq = audit.first + i;
          const hash = stored.get(seq);
          if (hash !== undefined && hash !== audit.rows.hash(i)) {
            throw seq === 1
              ? new ChainBreak('restarted', 1, `日志链从头重新开始：第 1 条事件与大厅保存的不同（大厅已保存至第 ${stream.audit_highest} 条）。`)
              : new ChainBreak('diverged', seq, `第 ${seq} 条事件与大厅保存的不同：日志被改写，或另一台工作台在使用同一密钥。`);
          }
        }
      }
      const fresh = sent - held;
      let auditHighest = stream.audit_highest;
      let lastHash = stream.audit_last_hash;
      if (fresh > 0) {
        const first = audit.first + held;
        // The first fresh event's prev: checked equal to the hash of the event before it in the push.
        const prev = held === 0 ? audit.prev : audit.rows.hash(held - 1);
        if (first !== auditHighest + 1) throw new HallError('SEQUENCE_GAP', undefined, { stream: 'audit', highest: auditHighest, epoch });
        if (prev !== lastHash) {
          if (auditHighest === 0) throw new HallError('CHAIN_LINK_MISMATCH', '日志链第 1 条事件没有从链首开始。', { seq: first });
          throw new ChainBreak(
            'prev_mismatch',
            first,
            `第 ${first} 条事件没有接续大厅保存的第 ${auditHighest} 条：此前的日志被改写，或另一台工作台在使用同一密钥。`,
          );
        }
        await this.insertAuditEvents(tx, stream.id, audit.rows, held);
        auditHighest = audit.first + sent - 1;
        lastHash = audit.rows.hash(sent - 1);
      }
      await this.checkHead(tx, stream.id, head, auditHighest, lastHash, audit);

      // The records stream, the same way.
      const heldRecords = prepared.filter((r) => r.item.seq <= stream.records_highest);
      if (heldRecords.length > 0) {
        const stored = new Map(
          (await tx.all(storedDigests, [workstationId, epoch, heldRecords[0]!.item.seq, heldRecords.at(-1)!.item.seq])).map((row) => [row.seq, row.digest]),
        );
        for (const { item, digest } of heldRecords) {
          const known = stored.get(item.seq);
          if (known !== undefined && known !== digest) throw new ChainBreak('records_diverged', item.seq, `记录流第 ${item.seq} 条与大厅保存的内容不同。`);
        }
      }
      const freshRecords = prepared.filter((r) => r.item.seq > stream.records_highest);
      let recordsHighest = stream.records_highest;
      if (freshRecords.length > 0) {
        if (freshRecords[0]!.item.seq !== recordsHighest + 1)
          throw new HallError('SEQUENCE_GAP', undefined, { stream: 'records', highest: recordsHighest, epoch });
        await this.storeRecords(tx, workstationId, epoch, freshRecords);
        recordsHighest = freshRecords.at(-1)!.item.seq;
      }

      await tx.run(moveStream, [workstationId, epoch, auditHighest, lastHash, recordsHighest, head.seq]);
      const nowIso = this.now().toISOString();
      if (outbox) {
        const o = outbox;
        await tx.run(upsertOutbox, [
          workstationId,
          o.at,
          o.usageRecords.count,
          o.usageRecords.oldestAt,
          o.objections.count,
          o.objections.oldestAt,
          o.needsAttention,
          nowIso,
        ]);
      }
      await tx.run(pushed, [workstationId, nowIso]);
      return {
        epoch,
        audit: { highest: auditHighest, lastHash },
        records: { highest: recordsHighest },
        stored: { audit: fresh, records: freshRecords.length },
      };
    });
  }

  /**
   * Verifies the events among themselves with the workstation's own rule (shared/audit-chain):
   * consecutive, each `prev` the hash before it, each hash SM3 of its content. Returns them as
   * the COPY rows the hall stores, each body the canonical bytes that were hashed. Synchronous
   * from start to end, so one four-lane hasher serves every push.
   */
  private checkChain(audit: HallAuditEvent[], batch: Sm3Batch): AuditRows {
    const checked = encodePushedChain(audit, batch);
    if ('broken' in checked) {
      const { seq, reason } = checked.broken;
      const details = { seq };
      if (reason === 'hash_mismatch') throw new HallError('CHAIN_HASH_MISMATCH', `第 ${seq} 条日志事件的哈希与其内容不符，大厅服务器未作任何处理。`, details);
      if (reason === 'prev_mismatch') throw new HallError('CHAIN_LINK_MISMATCH', `第 ${seq} 条日志事件没有接续上一条，大厅服务器未作任何处理。`, details);
      throw new HallError('SEQUENCE_ORDER', undefined, { stream: 'audit', ...details });
    }
    const { rows } = checked;
    const limit = HALL_MAX_DETAILS_CHARS + 1024;
    // A body is never longer in characters than in bytes: only a long one is decoded to count.
    for (let i = 0; i < rows.length; i++) {
      if (rows.body(i).length > limit && rows.text(i).length > limit)
        throw new HallError('TOO_LARGE', `第 ${audit[i]!.seq} 条日志事件过大。`, { seq: audit[i]!.seq });
    }
    return rows;
  }

  /**
   * The workstation's head against what the hall holds: a head behind the highest held is a
   * chain that lost its end (or another chain), a head at the highest must carry its hash.
   */
  private async checkHead(tx: Queryable, streamId: number, head: PushRequest['head'], highest: number, lastHash: string, sent: CheckedAudit): Promise<void> {
    if (head.seq > highest) return;
    if (head.seq === highest) {
      if (head.hash !== lastHash) throw new ChainBreak('diverged', head.seq, `工作台日志链末端第 ${head.seq} 条与大厅保存的不同。`);
      return;
    }
    let heldHash = AUDIT_GENESIS_PREV;
    if (head.seq > 0) {
      const i = head.seq - sent.first;
      heldHash = (i >= 0 && i < sent.rows.length ? sent.rows.hash(i) : null) ?? (await tx.one(storedHashes, [streamId, head.seq, head.seq]))?.hash ?? '';
    }
    if (heldHash === head.hash) {
      throw new ChainBreak('truncated', head.seq + 1, `工作台日志链只剩 ${head.seq} 条，大厅已保存 ${highest} 条：第 ${head.seq + 1} 条起被删除。`);
    }
    throw new ChainBreak(head.seq === 0 ? 'restarted' : 'diverged', head.seq, `工作台日志链末端（第 ${head.seq} 条）与大厅保存的不同。`);
  }

  /**
   * Stores new audit events (the rows from `from` on) in one binary COPY, each body as the bytes
   * that were hashed (the bench's baseline overrides this with one INSERT per event).
   */
  protected async insertAuditEvents(tx: Queryable, streamId: number, rows: AuditRows, from: number): Promise<void> {
    await tx.copyFrom('audit_events', AUDIT_EVENT_COLUMNS, rows.copyData(from, streamId));
  }

  /** One INSERT per event: the baseline of the ingest benchmark. */
  protected async insertAuditEventsOneByOne(tx: Queryable, streamId: number, rows: AuditRows, from: number): Promise<void> {
    for (let i = from; i < rows.length; i++) {
      const e = rows.fields(i);
      await tx.run(insertEvent, [streamId, e.seq, e.at, e.operator, e.kind, e.case, e.body, e.hash]);
    }
  }

  private async storeRecords(tx: Queryable, workstationId: string, epoch: number, fresh: PreparedRecord[]): Promise<void> {
    const nowIso = this.now().toISOString();
    await tx.run(insertRecords, [workstationId, epoch, fresh.map((r) => r.item.seq), fresh.map((r) => r.item.kind), fresh.map((r) => r.digest), nowIso]);
    const caseTally = new Map<string, number>();
    const latencyTally = new Map<string, number>();
    for (const { item } of fresh) {
      if (item.kind === 'case') {
        const added =
          item.case.status === 'completed'
            ? await this.storeCompletedCase(tx, workstationId, item.case, nowIso)
            : await this.storeClosedCase(tx, workstationId, item.case, nowIso);
        if (!added) continue;
        const { day, operator, figures, latencies } = added;
        for (const [figure, n] of Object.entries(figures)) {
          const key = `${day}\u0000${operator}\u0000${figure}`;
          caseTally.set(key, (caseTally.get(key) ?? 0) + n);
        }
        for (const ms of latencies) {
          const key = `${day}\u0000${ms}`;
          latencyTally.set(key, (latencyTally.get(key) ?? 0) + 1);
        }
      } else {
        await this.storeObjection(tx, workstationId, epoch, item.seq, item.objection, nowIso);
      }
    }
    if (caseTally.size > 0) {
      const rows = [...caseTally].map(([key, n]) => [...key.split('\u0000'), n] as [string, string, string, number]);
      await tx.run(addCaseTally, [rows.map((r) => r[0]), workstationId, rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]);
    }
    if (latencyTally.size > 0) {
      const rows = [...latencyTally].map(([key, n]) => {
        const [day, ms] = key.split('\u0000') as [string, string];
        return [day, Number(ms), n] as const;
      });
      await tx.run(addLatencyTally, [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])]);
    }
  }

  /**
   * Stores a completed case, the holder masked; a case the hall has already (from an earlier
   * epoch, say) is not counted twice. Training cases are kept and never counted (Art. 29).
   */
  private async storeCompletedCase(tx: Queryable, workstationId: string, completed: HallCompletedCase, nowIso: string) {
    const holder = this.identity.holder(completed.holder.idType, completed.holder.idNumber);
    const materials = completed.materials.map((m) => ({
      ...m,
      paperScan: m.paperScan
        ? { paperReason: m.paperScan.paperReason, scannedAt: m.paperScan.scannedAt, pages: m.paperScan.pages, hash: m.paperScan.hash }
        : null,
    }));
    const record = { ...completed, holder, materials };
    // A training case's own figures too (the training scope sums them); only a real one's reach the tallies.
    const { figures, latencies, maxLatency } = caseFigures(completed);
    const day = shanghaiDayOf(completed.completedAt);
    const inserted = await tx.all(insertCase, [
      workstationId,
      completed.caseNo,
      'completed',
      completed.training,
      completed.operatorId,
      completed.matter.code,
      completed.matter.name,
      completed.openedAt,
      completed.completedAt,
      day,
      holder.idType,
      holder.idNumberMasked,
      holder.holderKey,
      JSON.stringify(figures),
      maxLatency,
      latencies,
      JSON.stringify(record),
      nowIso,
    ]);
    if (inserted.length === 0 || completed.training) return null;
    return { day, operator: completed.operatorId, figures, latencies };
  }

  /**
   * Stores a case that ended without completion: given up (`cancelled`) or closed as 补正
   * (`correction`). Neither counts in a figure or is drawn for a review, as on the workstation's
   * own dashboard, which counts completed cases only.
   */
  private async storeClosedCase(tx: Queryable, workstationId: string, closed: HallCancelledCase | HallCorrectionCase, nowIso: string): Promise<null> {
    await tx.all(insertCase, [
      workstationId,
      closed.caseNo,
      closed.status,
      closed.training,
      closed.operatorId,
      closed.matter.code,
      closed.matter.name,
      closed.openedAt,
      null,
      null,
      null,
      null,
      null,
      '{}',
      null,
      [],
      JSON.stringify(closed),
      nowIso,
    ]);
    return null;
  }

  private async storeObjection(tx: Queryable, workstationId: string, epoch: number, seq: number, objection: HallObjection, nowIso: string): Promise<void> {
    const holder = objection.holder ? this.identity.holder(objection.holder.idType, objection.holder.idNumber) : null;
    const record = { ...objection, holder: holder ?? undefined };
    await tx.run(upsertObjection, [
      workstationId,
      objection.id,
      objection.licenceId,
      objection.dimension,
      objection.state,
      objection.issuer?.code ?? null,
      objection.issuer?.name ?? null,
      objection.filedBy.operatorId,
      objection.filedBy.role,
      objection.filedAt,
      objection.updatedAt,
      holder?.idType ?? null,
      holder?.idNumberMasked ?? null,
      holder?.holderKey ?? null,
      JSON.stringify(record),
      epoch,
      seq,
    ]);
    await tx.run(insertObjectionState, [workstationId, objection.id, objection.updatedAt, objection.state, nowIso]);
  }

  private async raiseAlert(workstationId: string, found: ChainBreak): Promise<HallAlert> {
    const stream = await this.db.one(currentStream, [workstationId]);
    const row = await this.db.one(insertAlert, [
      `AL-${randomBytes(6).toString('hex').toUpperCase()}`,
      workstationId,
      stream?.epoch ?? 1,
      found.seq,
      found.reason,
      found.detail,
      this.now().toISOString(),
    ]);
    this.log(
      `hall: chain alert for ${workstationId} (${found.reason} at ${found.seq ?? '-'}): ${found.detail}; ingest stopped until a supervisor acknowledges it`,
    );
    return alertOf(row!);
  }
}
