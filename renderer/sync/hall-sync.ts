/**
 * The hall sync (issue 13 item 3; docs/architecture.md §3.7): sends up to the hall, through the
 * host (`hall.sync.state`, `hall.sync.push`), everything the hall keeps of this workstation —
 * the audit chain event by event, the records stream (completed, cancelled and 补正 cases in
 * their purged form, each change of an objection's state) and the outbox's counts — in order and
 * in batches, and never in the counter's way.
 *
 * Two streams, two sequences. The audit chain is numbered by the chain itself. The records
 * stream is numbered here: a journal (`hallRecords`, schema version 8) derived from the chain —
 * each `completion`, `case_cancel`, case closed as 补正 (its `purge` with reason `correction`) and
 * abandoned case of the start-up sweep is read from the chain in order, each objection state from
 * the objections table — and numbered in the same transaction that moves the journal's cursor,
 * so a crash leaves both or neither and an item's unique key keeps it from being numbered twice. Only the tab holding the sync lock (the
 * outbox's Web Locks pattern, outbox/sender-lock.ts) builds and sends; the cursor is checked in
 * the writing transaction all the same.
 *
 * Resume. Nothing about what was sent is kept here: each pass asks the hall where both streams
 * stand (its highest sequence of each, in the current epoch) and sends what follows, so a
 * crash, a reload, a lost answer or a week without the hall all end the same way. The hall
 * stores (workstation, sequence) once, so a resend changes nothing.
 */
import Dexie, { type ObservabilitySet } from 'dexie';
import { AUDIT_GENESIS_PREV, type AuditEvent } from '../../shared/audit-chain';
import { HallRecord as HallRecordSchema, type HallOutboxStatus, type HallRecord, type SyncState } from '../../shared/hall-api';
import {
  caseRecordKey,
  chainHeadOf,
  cutPush,
  hallAuditEventOf,
  hallCancelledCaseOf,
  hallCompletedCaseOf,
  hallCorrectionCaseOf,
  hallObjectionOf,
  objectionRecordKey,
  outboxReportOf,
  type HallRecordItem,
  type PushLimits,
} from '../../shared/hall-sync';
import type { CaseRow, WorkstationDb } from '../db/db';
import { AppError, type HostClient } from '../host/client';
import type { SenderLock } from '../outbox/sender-lock';

/** The name of the origin's hall-sync lock (one sender across tabs). */
export const HALL_SYNC_SENDER = 'e-licence-workstation:hall-sync';

/**
 * Where the sync stands, as the header and 设置 show it:
 * - `idle`: not started, or caught up and waiting for the next change;
 * - `standby`: another tab of this workstation sends;
 * - `syncing`: a pass is under way;
 * - `offline`: the hall (or the host) did not answer; the next try is scheduled;
 * - `stopped`: the hall stopped this workstation's ingest (a chain alert) until a supervisor acknowledges it;
 * - `not_enrolled`: no hall, or this workstation is not enrolled there;
 * - `refused`: the hall refused a push (revoked, untrusted, bad content): `lastError` says why.
 */
export type HallSyncState = 'idle' | 'standby' | 'syncing' | 'offline' | 'stopped' | 'not_enrolled' | 'refused';

/** The sync's status. */
export interface HallSyncStatus {
  state: HallSyncState;
  /** The last time a push was accepted by this page. */
  lastSyncAt: string | null;
  lastError: { code: string; message: string } | null;
  /** The hall's epoch and the highest of each stream it holds, as last answered. */
  position: { epoch: number; audit: number; records: number } | null;
  /** What this workstation holds beyond it (events and records not yet at the hall), as of the last pass. */
  pending: { audit: number; records: number } | null;
  /** Items left out of the records stream because the hall's schema would refuse them (logged). */
  unsendable: number;
}

/** The sync's API. */
export interface HallSync {
  /** Takes the origin's sync lock (or waits in line for it) and keeps the hall up to date until {@link HallSync.stop}. */
  start(): Promise<void>;
  stop(): void;
  /** One pass now (build the journal, ask the hall where it stands, push until caught up); resolves when it is done. */
  syncNow(): Promise<HallSyncStatus>;
  /** Numbers what the chain and the objections hold that the journal does not yet; returns how many were added. */
  buildJournal(): Promise<number>;
  /**
   * The hall changed (this workstation left it, or enrolled with another): forgets what the
   * last one was known to hold — its position, the outbox report it was sent, the last sync —
   * so that the next pass asks the hall now in use. A pass under way sends nothing more and
   * keeps nothing it learnt; one more pass follows it (unless the sync is stopped).
   */
  reset(): void;
  status(): HallSyncStatus;
  /** Calls `listener` at each change of the status; returns how to stop. */
  listen(listener: (status: HallSyncStatus) => void): () => void;
}

/** What the sync is built on. */
export interface HallSyncOptions {
  db: WorkstationDb;
  host: HostClient;
  now?: () => Date;
  /** The origin's sync lock; none: this page syncs alone (a unit test, a browser without Web Locks). */
  lock?: SenderLock;
  limits?: Partial<PushLimits>;
  /** Wait after a local change before a pass (changes in one burst give one push). */
  debounceMs?: number;
  /** How often a caught-up sync looks again (the outbox's counts, a stopped ingest, a hall that came back). */
  idleMs?: number;
  /** First and longest wait after a failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long the hall may go without hearing from this workstation when nothing changes. */
  heartbeatMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Hears about local writes (Dexie's `storagemutated`, across tabs); returns how to stop. A test may leave it out. */
  watch?: ((onChange: () => void) => () => void) | null;
  log?: (message: string, error?: unknown) => void;
}

const DEFAULT_LIMITS: PushLimits = { events: 1000, records: 200, chars: 4 * 1024 * 1024 };
// The chain is read this many events at a time while journaling.
const JOURNAL_PAGE = 2000;
// A pass pushes at most this many batches before it yields (a week offline is caught up over
// several passes, each a few seconds, without holding anything).
const MAX_PUSHES_PER_PASS = 50;
const JOURNAL_KINDS: ReadonlySet<string> = new Set(['completion', 'case_cancel', 'purge']);
/**
 * What the journal reads from the chain. A cursor kept by an earlier definition is read again
 * from the start of the chain, so that what that one left out is sent too (the keys keep what
 * was numbered already from being numbered again).
 *
 * 1: completed and cancelled cases, objections (no number on the cursor);
 * 2: cases closed as 补正 too.
 */
export const JOURNAL_DEFINITION = 2;

/** The tables whose writes may give the hall something new. */
const WATCHED_TABLES = ['auditEvents', 'objections', 'outbox'];

/** A watch of the workstation database's writes through Dexie's `storagemutated` (which other tabs' writes reach too). */
export function dexieWatch(db: Dexie): (onChange: () => void) => () => void {
  const prefixes = WATCHED_TABLES.map((table) => `idb://${db.name}/${table}/`);
  return (onChange) => {
    const handler = (parts: ObservabilitySet) => {
      if ('all' in parts || Object.keys(parts).some((part) => prefixes.some((prefix) => part.startsWith(prefix)))) onChange();
    };
    Dexie.on('storagemutated', handler);
    return () => Dexie.on.storagemutated.unsubscribe(handler);
  };
}

class JournalMoved extends Error {}
/** The hall changed during a pass ({@link HallSync.reset}): what the pass learnt is of the other hall. */
class HallChanged extends Error {}

/** The sync over the workstation's database and the host. */
export function createHallSync(options: HallSyncOptions): HallSync {
  const { db, host } = options;
  const now = options.now ?? (() => new Date());
  const limits: PushLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const debounceMs = options.debounceMs ?? 250;
  const idleMs = options.idleMs ?? 30_000;
  const baseDelayMs = options.baseDelayMs ?? 2_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 60_000;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const log = options.log ?? ((message, error) => console.warn(message, error ?? ''));
  const watch = options.watch === undefined ? dexieWatch(db) : options.watch;

  let status: HallSyncStatus = { state: 'idle', lastSyncAt: null, lastError: null, position: null, pending: null, unsendable: 0 };
  const listeners = new Set<(status: HallSyncStatus) => void>();
  let position: SyncState | null = null;
  // What the hall was last told of the outbox and when: a push with nothing new goes only when
  // it changed or the heartbeat is due.
  let lastReport: string | null = null;
  let lastPushAt = 0;
  let failures = 0;
  const leftOut = new Set<string>();

  let role: 'idle' | 'deciding' | 'standby' | 'sender' = 'idle';
  let timer: unknown = null;
  // When the pending timer fires (Date.now() time).
  let timerDue = 0;
  let stopWatching: (() => void) | null = null;
  let running: Promise<HallSyncStatus> | null = null;
  let again = false;
  // Stopped (not merely never started): a pass under way is not followed by another.
  let halted = false;
  // Bumped by reset(): a pass of an earlier generation keeps nothing of what it learns.
  let generation = 0;
  // The lock's release, deferred by stop() until a pass under way ends; start() waits for it.
  let releasing: Promise<unknown> | null = null;

  function update(patch: Partial<HallSyncStatus>): void {
    status = { ...status, ...patch };
    for (const listener of [...listeners]) listener(status);
  }

  // ---- The records journal

  async function readCursor(): Promise<{ auditSeq: number; auditHash: string }> {
    const row = await db.hallSync.get('journal');
    return row && (row.definition ?? 1) === JOURNAL_DEFINITION
      ? { auditSeq: row.auditSeq, auditHash: row.auditHash }
      : { auditSeq: 0, auditHash: AUDIT_GENESIS_PREV };
  }

  function checked(key: string, item: HallRecordItem, out: { key: string; item: HallRecordItem }[]): void {
    // Numbered items must be accepted by the hall, or the stream would stop at them for ever:
    // what its schema refuses is left out (and counted) instead.
    if (!HallRecordSchema.safeParse({ seq: 1, ...item }).success) {
      // Objections are read again at every pass: each is told (and counted) once.
      if (!leftOut.has(key)) {
        leftOut.add(key);
        log(`hall sync: ${key} left out of the records stream (the hall's schema refuses it)`);
        update({ unsendable: leftOut.size });
      }
      return;
    }
    out.push({ key, item });
  }

  async function caseItems(events: AuditEvent[], out: { key: string; item: HallRecordItem }[]): Promise<void> {
    // Each case event in chain order; the case's row was written before its event (counter.ts).
    const wanted: { caseNo: string; event: AuditEvent }[] = [];
    for (const event of events) {
      if (!JOURNAL_KINDS.has(event.kind)) continue;
      if ((event.kind === 'completion' || event.kind === 'case_cancel') && event.case) wanted.push({ caseNo: event.case, event });
      if (event.kind === 'purge') {
        const details = event.details as { reason?: unknown; abandonedCases?: unknown };
        if (details.reason === 'correction' && event.case) wanted.push({ caseNo: event.case, event });
        const abandoned = details.abandonedCases;
        if (Array.isArray(abandoned)) for (const caseNo of abandoned) if (typeof caseNo === 'string') wanted.push({ caseNo, event });
      }
    }
    if (wanted.length === 0) return;
    const rows = await db.cases.bulkGet(wanted.map((w) => w.caseNo));
    wanted.forEach(({ caseNo, event }, i) => {
      const row: CaseRow | undefined = rows[i];
      if (!row) return;
      if (row.status === 'completed') checked(caseRecordKey(caseNo), { kind: 'case', case: hallCompletedCaseOf(row.kept) }, out);
      else if (row.status === 'cancelled') {
        const cancelled = hallCancelledCaseOf(row, { operatorId: event.operator ?? 'system', workstationId: event.workstation, at: event.at });
        checked(caseRecordKey(caseNo), { kind: 'case', case: cancelled }, out);
      } else if (row.status === 'correction') {
        const closed = hallCorrectionCaseOf(row, { operatorId: event.operator ?? 'system', workstationId: event.workstation, at: event.at });
        checked(caseRecordKey(caseNo), { kind: 'case', case: closed }, out);
      }
    });
  }

  async function objectionItems(out: { key: string; item: HallRecordItem }[]): Promise<void> {
    // A few objections a week: read whole. The outbox says which wait for the clerk.
    const [objections, attention] = await Promise.all([db.objections.toArray(), db.outbox.where('state').equals('needs_attention').toArray()]);
    const waiting = new Set(attention.filter((row) => row.kind === 'objection').map((row) => row.key));
    for (const row of objections.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0))) {
      const objection = hallObjectionOf({
        id: row.id,
        state: row.state,
        licenceId: row.licenceId,
        filedAt: row.filedAt,
        updatedAt: row.updatedAt,
        request: row.record.request,
        issuer: row.record.issuer,
        receivedAt: row.record.receivedAt,
        result: row.record.result,
        delivery: waiting.has(row.id) ? 'needs_attention' : null,
      });
      if (objection) checked(objectionRecordKey(objection), { kind: 'objection', objection }, out);
    }
  }

  async function journalOnce(withObjections: boolean): Promise<{ added: number; more: boolean }> {
    const cursor = await readCursor();
    let from = cursor.auditSeq;
    if (from > 0) {
      // The chain changed behind the cursor (events deleted, a chain started again): read it again
      // from the start; the keys keep every item numbered once.
      const at = await db.auditEvents.get(from);
      if (!at || at.hash !== cursor.auditHash) from = 0;
    }
    const events = await db.auditEvents.where('seq').above(from).limit(JOURNAL_PAGE).toArray();
    const items: { key: string; item: HallRecordItem }[] = [];
    await caseItems(events, items);
    if (withObjections) await objectionItems(items);
    const journaledAt = now().toISOString();
    const added = await db.transaction('rw', db.hallRecords, db.hallSync, async () => {
      const current = await readCursor();
      if (current.auditSeq !== cursor.auditSeq || current.auditHash !== cursor.auditHash) throw new JournalMoved();
      const keys = [...new Set(items.map((i) => i.key))];
      const known = new Set((await db.hallRecords.where('key').anyOf(keys).keys()) as string[]);
      let seq = (await db.hallRecords.orderBy('seq').last())?.seq ?? 0;
      const rows = [];
      for (const { key, item } of items) {
        if (known.has(key)) continue;
        known.add(key);
        seq += 1;
        rows.push({ seq, key, record: { seq, ...item } as HallRecord, journaledAt });
      }
      if (rows.length > 0) await db.hallRecords.bulkAdd(rows);
      const last = events.at(-1);
      if (last) await db.hallSync.put({ id: 'journal', auditSeq: last.seq, auditHash: last.hash, definition: JOURNAL_DEFINITION });
      else if (from !== cursor.auditSeq || (await db.hallSync.get('journal'))?.definition !== JOURNAL_DEFINITION)
        await db.hallSync.put({ id: 'journal', auditSeq: 0, auditHash: AUDIT_GENESIS_PREV, definition: JOURNAL_DEFINITION });
      return rows.length;
    });
    return { added, more: events.length === JOURNAL_PAGE };
  }

  async function buildJournal(): Promise<number> {
    let added = 0;
    let first = true;
    for (let attempt = 0; attempt < 1000; attempt++) {
      try {
        const page = await journalOnce(first);
        added += page.added;
        first = false;
        if (!page.more) return added;
      } catch (error) {
        // Another writer moved the cursor between the read and the write: read again.
        if (!(error instanceof JournalMoved)) throw error;
      }
    }
    return added;
  }

  // ---- Pushing

  async function outboxReport(): Promise<HallOutboxStatus> {
    const rows = await db.outbox.where('state').anyOf('queued', 'sending', 'needs_attention').toArray();
    return outboxReportOf(
      rows.map((row) => ({ kind: row.kind, state: row.state as 'queued' | 'sending' | 'needs_attention', createdAt: row.createdAt })),
      now().toISOString(),
    );
  }

  function reportKey(report: HallOutboxStatus): string {
    return JSON.stringify([report.usageRecords, report.objections, report.needsAttention]);
  }

  function setPosition(state: Pick<SyncState, 'epoch' | 'audit' | 'records'>): void {
    update({ position: { epoch: state.epoch, audit: state.audit.highest, records: state.records.highest } });
  }

  async function fetchPosition(gen: number): Promise<SyncState> {
    const state = await host.call('hall.sync.state', {});
    if (gen !== generation) throw new HallChanged();
    position = state;
    setPosition(state);
    return state;
  }

  async function pending(at: SyncState): Promise<{ audit: number; records: number }> {
    const head = (await db.auditEvents.orderBy('seq').last())?.seq ?? 0;
    const journal = (await db.hallRecords.orderBy('seq').last())?.seq ?? 0;
    return { audit: Math.max(0, head - at.audit.highest), records: Math.max(0, journal - at.records.highest) };
  }

  function failureState(error: unknown): { state: HallSyncState; retry: boolean } {
    const code = error instanceof AppError ? error.code : null;
    switch (code) {
      case 'HALL_CHAIN_BREAK':
      case 'HALL_INGEST_STOPPED':
        return { state: 'stopped', retry: false };
      case 'HALL_NOT_ENROLLED':
        return { state: 'not_enrolled', retry: false };
      case 'HALL_REVOKED':
      case 'HALL_UNTRUSTED':
      case 'BAD_REQUEST':
        return { state: 'refused', retry: false };
      default:
        return { state: 'offline', retry: true };
    }
  }

  async function pass(): Promise<HallSyncStatus> {
    const gen = generation;
    const same = () => {
      if (gen !== generation) throw new HallChanged();
    };
    update({ state: 'syncing' });
    try {
      await buildJournal();
      let at = position ?? (await fetchPosition(gen));
      if (at.ingest === 'stopped') {
        // A supervisor must acknowledge the alert; the next look asks again.
        position = null;
        const left = await pending(at);
        same();
        update({ state: 'stopped', lastError: null, pending: left });
        return status;
      }
      let gaps = 0;
      for (let pushes = 0; pushes < MAX_PUSHES_PER_PASS; pushes++) {
        same();
        const [events, records, last, report] = await Promise.all([
          db.auditEvents.where('seq').above(at.audit.highest).limit(limits.events).toArray(),
          db.hallRecords.where('seq').above(at.records.highest).limit(limits.records).toArray(),
          db.auditEvents.orderBy('seq').last(),
          outboxReport(),
        ]);
        const head = chainHeadOf(last);
        // The head is sent even with nothing new when it is not what the hall holds: that is how
        // a chain that lost its end is noticed. The outbox's counts when they changed, and a
        // heartbeat now and then so that the hall does not list this window as silent.
        const headDiffers = head.seq !== at.audit.highest || head.hash !== at.audit.lastHash;
        const heartbeatDue = reportKey(report) !== lastReport || now().getTime() - lastPushAt >= heartbeatMs;
        if (events.length === 0 && records.length === 0 && !headDiffers && !heartbeatDue) break;
        const push = cutPush(
          head,
          events.map(hallAuditEventOf),
          records.map((r) => r.record),
          report,
          limits,
        );
        try {
          const answer = await host.call('hall.sync.push', push);
          same();
          at = { ...at, epoch: answer.epoch, audit: answer.audit, records: answer.records };
          position = at;
          lastReport = reportKey(report);
          lastPushAt = now().getTime();
          update({ lastSyncAt: now().toISOString(), lastError: null });
          setPosition(at);
          if (events.length === 0 && records.length === 0) break;
        } catch (error) {
          // A batch that does not follow what the hall holds (another tab sent before this one
          // took over, a hall restored from a backup): resume from where the hall stands.
          if (error instanceof AppError && error.code === 'HALL_SEQUENCE_GAP' && gaps++ < 3) {
            at = await fetchPosition(gen);
            continue;
          }
          throw error;
        }
      }
      failures = 0;
      const left = await pending(at);
      same();
      update({ state: 'idle', lastError: null, pending: left });
    } catch (error) {
      if (error instanceof HallChanged || gen !== generation) {
        // What this pass learnt, or the failure it met, is of the hall in use before: the next pass asks the one in use now.
        update({ state: 'idle' });
        if (!halted) again = true;
        return status;
      }
      position = null;
      const { state } = failureState(error);
      failures += 1;
      update({
        state,
        lastError: { code: error instanceof AppError ? error.code : 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
      });
      if (!(error instanceof AppError)) log('hall sync: a pass failed', error);
    }
    return status;
  }

  function syncNow(): Promise<HallSyncStatus> {
    if (running) {
      // Asked during a pass (an enrolment, a local change, the hall found back): what the
      // running pass read may predate the request, so one more pass follows it — whatever the
      // running one ended in (a pass that found no enrolment must not hold up the one that
      // follows an enrolment). Requests during one pass are one more pass, not one each.
      again = true;
      return running;
    }
    running = (async () => {
      let result: HallSyncStatus;
      do {
        again = false;
        result = await pass();
      } while (again && !halted);
      return result;
    })().finally(() => {
      running = null;
      // A change that arrived near the end of the pass keeps its earlier turn.
      if (role === 'sender' || (!options.lock && role !== 'idle')) schedule(nextDelay(), { postpone: false });
    });
    return running;
  }

  function nextDelay(): number {
    if (status.state === 'offline') return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 10));
    return idleMs;
  }

  /**
   * The next pass in `ms`. A change (`postpone`, the default) moves a pending pass to its own
   * time, so that a burst of changes gives one pass after it; the end of a pass never puts off a
   * pass due sooner.
   */
  function schedule(ms: number, { postpone = true }: { postpone?: boolean } = {}): void {
    if (role !== 'sender') return;
    const due = Date.now() + ms;
    if (timer !== null) {
      if (!postpone && timerDue <= due) return;
      clearTimer(timer);
    }
    timerDue = due;
    timer = setTimer(() => {
      timer = null;
      void syncNow();
    }, ms);
  }

  function becomeSender(): void {
    role = 'sender';
    stopWatching = watch ? watch(() => schedule(debounceMs)) : null;
    void syncNow();
  }

  return {
    async start() {
      if (role !== 'idle') return;
      halted = false;
      const lock = options.lock;
      if (!lock) {
        becomeSender();
        return;
      }
      role = 'deciding';
      // Stopped a moment ago with a pass under way: the lock is let go when that pass ends —
      // asked for before, it would be refused, and the line joined then left by that release.
      if (releasing) await releasing;
      if (role !== 'deciding') return;
      const held = await lock.tryAcquire().catch(() => true);
      if (role !== 'deciding') {
        if (held) lock.release();
        return;
      }
      if (held) {
        becomeSender();
        return;
      }
      role = 'standby';
      update({ state: 'standby' });
      lock.queue(() => {
        if (role === 'standby') becomeSender();
      });
    },
    stop() {
      const wasSender = role === 'sender';
      role = 'idle';
      halted = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      stopWatching?.();
      stopWatching = null;
      const lock = options.lock;
      if (lock) {
        // A push in flight finishes first: another tab takes over from what the hall then holds.
        if (wasSender && running) {
          const released = running.finally(() => {
            lock.release();
            if (releasing === released) releasing = null;
          });
          releasing = released;
        } else lock.release();
      }
      update({ state: 'idle' });
    },
    syncNow,
    buildJournal,
    reset() {
      generation += 1;
      position = null;
      lastReport = null;
      lastPushAt = 0;
      failures = 0;
      update({ lastSyncAt: null, lastError: null, position: null, pending: null });
      // A pass under way stops at its next step; one more follows it, for the hall in use now.
      if (running && !halted) again = true;
    },
    status: () => status,
    listen(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
