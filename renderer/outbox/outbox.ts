import { liveQuery, type Subscription, type Table } from 'dexie';
import type { DeliveredOutboxRow, OutboxRow, UnsentOutboxRow, UnsentOutboxState, WorkstationDb } from '../db/db';
import type { SenderLock, WakeChannel } from './sender-lock';

/** What the outbox carries: usage records and objections. */
export type OutboxKind = OutboxRow['kind'];
/** The life of an outbox row. */
export type OutboxState = OutboxRow['state'];
/** An unsent row of one kind, as its sender gets it. */
export type UnsentRowOf<K extends OutboxKind> = Extract<UnsentOutboxRow, { kind: K }>;

/** States of a row the library has not yet confirmed. */
export const UNSENT_STATES: readonly UnsentOutboxState[] = ['queued', 'sending', 'needs_attention'];

/** What a failed delivery tells the outbox. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** True when trying again later may succeed (the library unreachable, a session to renew). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * Delivers one row to the library; throws a DeliveryError (or anything, taken as retryable).
 * It may return what to write about the delivery (e.g. the receipt onto the objection row):
 * that runs inside the transaction that marks the row delivered, so both happen or neither;
 * and the library's answer, which the delivered row keeps (its payload does not).
 */
export type OutboxSender<K extends OutboxKind = OutboxKind> = (row: UnsentRowOf<K>) => Promise<void | DeliveryWrite | Delivered>;

/** The library's answer to a delivery, as the delivered row keeps it. */
export type DeliveredAnswer = NonNullable<DeliveredOutboxRow['answer']>;

/** A write that records a delivery, run inside the outbox's settle transaction. */
export type DeliveryWrite = () => Promise<void>;

/** What a sender says of a delivery: the library's answer (kept on the row) and a write to run with it. */
export interface Delivered {
  answer?: DeliveredAnswer;
  write?: DeliveryWrite | null;
}

/** What became of one row of a batch delivery. */
export type BatchDelivery = { sent: true; write?: DeliveryWrite | null; answer?: DeliveredAnswer } | { sent: false; error: unknown } | { untried: true };

/**
 * A row as it is once delivered. Its payload keeps the case number of a usage record, the id of
 * an objection — nothing of the holder, the materials or the evidence (Art. 27). The library has
 * the item; the row stays only as the note that it was delivered, and when, with the answer.
 */
function deliveredRow(row: UnsentOutboxRow & { id: number }, answer: DeliveredAnswer | null, deliveredAt: string): DeliveredOutboxRow {
  const note = {
    id: row.id,
    key: row.key,
    createdAt: row.createdAt,
    attempts: row.attempts,
    lastError: null,
    state: 'delivered' as const,
    deliveredAt,
    answer,
  };
  return row.kind === 'usage_record'
    ? { ...note, kind: row.kind, payload: { caseNo: row.payload.caseNo } }
    : { ...note, kind: row.kind, payload: { id: row.payload.id } };
}

/**
 * Delivers several rows of one kind in one call, in order, answering for each: a row after a
 * failure that may pass can come back untried. Fewer calls for the same rows: what lets a
 * drain reach the library as fast as the library answers.
 */
export interface OutboxBatchSender<K extends OutboxKind = OutboxKind> {
  send(rows: UnsentRowOf<K>[]): Promise<BatchDelivery[]>;
  /** Rows per call at most. */
  maxItems: number;
  /** A row's rough size in the call (bytes): a call carries at most `maxBytes`, or a single row. */
  sizeOf?(row: UnsentRowOf<K>): number;
  maxBytes?: number;
}

/** The sender of each kind the outbox delivers; a row whose kind has none waits in the queue. */
export type OutboxSenders = { [K in OutboxKind]?: OutboxSender<K> };
/** The kinds delivered several rows per call, and their batch senders. */
export type OutboxBatchSenders = { [K in OutboxKind]?: OutboxBatchSender<K> };

/** A new item for the outbox: what is sent, with its kind and idempotency key (unique in the outbox too). */
export type OutboxItem = { [K in OutboxKind]: Pick<UnsentRowOf<K>, 'key' | 'kind' | 'payload' | 'createdAt'> }[OutboxKind];

/**
 * Queues an item. Call it inside the transaction that writes the thing it sends
 * (`db.transaction('rw', db.cases, db.outbox, …)`), so that an aborted transaction queues
 * nothing (docs/architecture.md §10.11). An item whose key is already queued is left as it is: queuing twice
 * never sends twice.
 */
export async function enqueue(db: WorkstationDb, item: OutboxItem): Promise<OutboxRow> {
  const existing = await db.outbox.where('key').equals(item.key).first();
  if (existing) return existing;
  const row: UnsentOutboxRow = { ...item, state: 'queued', attempts: 0, lastError: null };
  row.id = await db.outbox.add(row);
  return row;
}

/** How long to wait before the next attempt: exponential with full jitter, capped. */
export function backoffDelay(attempts: number, random: () => number, baseMs = 2_000, maxMs = 5 * 60_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How a flush went. */
export interface FlushResult {
  delivered: number;
  retrying: number;
  needsAttention: number;
}

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  db: WorkstationDb;
  senders: OutboxSenders;
  /** Kinds delivered several rows per call (preferred over `senders` for their kind). */
  batchSenders?: OutboxBatchSenders;
  random?: () => number;
  now?: () => number;
  /** Where retries are scheduled; a test supplies its own clock. */
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Rows claimed and settled per transaction (1 = a transaction per row and step). */
  batchSize?: number;
  /** Requests (single or batch calls) in flight at once within a claimed batch (1 = strictly one after another). */
  concurrency?: number;
  /** Tables the senders' delivery writes touch (they join the settle transaction). */
  recordTables?: readonly Table[];
  /**
   * The origin's sender lock: only the page holding it sends, and only it puts rows left
   * `sending` back in the queue (their sender is gone). Default: this page is the only sender.
   */
  lock?: SenderLock;
  /** How a page that is not the sender wakes the one that is (and how the sender hears it). */
  wake?: WakeChannel;
}

/** The delivery side of the outbox. */
export interface Outbox {
  /**
   * Sends every row that is due, oldest first; `now` ignores the backoff (the link is back). On
   * a page that is not the origin's sender it wakes the sender instead and answers with zeros.
   */
  flush(options?: { now?: boolean }): Promise<FlushResult>;
  /** Puts a row that needs attention back in the queue (after the clerk fixed its cause). */
  retry(id: number): Promise<void>;
  /**
   * Starts delivering: takes the sender lock if it is free — then rows left `sending` by a
   * sender that is gone are queued again, and a flush — or else waits in line for it (when the
   * sending page goes, this one takes over). Resolves once it is known which.
   */
  start(): Promise<void>;
  /** Stops delivering; the lock is let go once the flush in progress has settled. */
  stop(): void;
  /** Whether this page is the origin's sender now. */
  readonly sending: boolean;
}

/** A row claimed for sending: stored (it has its id) and not yet confirmed. */
type ClaimedRow = UnsentOutboxRow & { id: number };

/** A sender that takes a row of any kind; it is only ever handed rows of its own. */
type RowSender = (row: UnsentOutboxRow) => ReturnType<OutboxSender>;

/** A batch sender that takes rows of any kind; it is only ever handed rows of its own. */
interface GroupSender {
  send(rows: UnsentOutboxRow[]): Promise<BatchDelivery[]>;
  maxItems: number;
  sizeOf?(row: UnsentOutboxRow): number;
  maxBytes?: number;
}

function isOfKind<K extends OutboxKind>(row: UnsentOutboxRow, kind: K): row is UnsentRowOf<K> {
  return row.kind === kind;
}

// The senders keyed by kind, each taking the rows of its own kind only (a row of another kind
// would be a bug of the outbox, not of a sender).
function singleSenders(given: OutboxSenders): Partial<Record<OutboxKind, RowSender>> {
  const out: Partial<Record<OutboxKind, RowSender>> = {};
  const add = <K extends OutboxKind>(kind: K, sender: OutboxSender<K> | undefined) => {
    if (!sender) return;
    out[kind] = (row) => {
      if (!isOfKind(row, kind)) throw new TypeError(`the ${kind} sender was handed a ${row.kind} row`);
      return sender(row);
    };
  };
  add('usage_record', given.usage_record);
  add('objection', given.objection);
  return out;
}

function groupSenders(given: OutboxBatchSenders): Partial<Record<OutboxKind, GroupSender>> {
  const out: Partial<Record<OutboxKind, GroupSender>> = {};
  const add = <K extends OutboxKind>(kind: K, batch: OutboxBatchSender<K> | undefined) => {
    if (!batch) return;
    const own = (row: UnsentOutboxRow): UnsentRowOf<K> => {
      if (!isOfKind(row, kind)) throw new TypeError(`the ${kind} batch sender was handed a ${row.kind} row`);
      return row;
    };
    const { sizeOf } = batch;
    out[kind] = {
      send: (rows) => batch.send(rows.map(own)),
      maxItems: batch.maxItems,
      ...(sizeOf ? { sizeOf: (row: UnsentOutboxRow) => sizeOf(own(row)) } : {}),
      ...(batch.maxBytes !== undefined ? { maxBytes: batch.maxBytes } : {}),
    };
  };
  add('usage_record', given.usage_record);
  add('objection', given.objection);
  return out;
}

/**
 * Delivers outbox rows with their idempotency keys. A row is marked `sending` before it goes
 * and `delivered` only after the library answered, so a crash in between re-sends it with the
 * same key, which the library answers with its first result: delivered exactly once. Rows go
 * in batches, oldest first, each batch claimed and settled in one transaction. A retryable
 * failure puts the row back to `queued` and holds the rest of the queue for a backoff that
 * grows with the failures in a row (kept in memory: after a reload everything queued is simply
 * due); any other failure sets `needs_attention` with the error and the drain goes on. A
 * delivered row keeps its case number or id, the delivery time and the library's answer, and
 * loses the rest of its payload in the same write.
 *
 * Across tabs, only the page holding the sender lock sends (sender-lock.ts): a row in flight
 * belongs to it, and only a new holder — after that page is gone — queues `sending` rows again.
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { db } = options;
  const senders = singleSenders(options.senders);
  const batchSenders = groupSenders(options.batchSenders ?? {});
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const batchSize = Math.max(1, options.batchSize ?? 20);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const recordTables = options.recordTables ?? [];
  const notBefore = new Map<number, number>();
  const lock = options.lock;
  let timer: unknown = null;
  let running = false;
  // idle: not started (or stopped); deciding: asking for the lock; sender: holds it;
  // standby: another page holds it, this one is in line.
  let role: 'idle' | 'deciding' | 'sender' | 'standby' = lock ? 'idle' : 'sender';
  let decided: Promise<void> = Promise.resolve();
  let recovered = false;
  let stopListening: (() => void) | null = null;
  // The backoff follows the link, not one row: failures in a row since the last delivery. A row
  // that keeps failing on a flaky link would otherwise hold the whole queue back ever longer.
  let failureStreak = 0;
  let chain: Promise<unknown> = Promise.resolve();

  function schedule(): void {
    if (!running) return;
    if (timer !== null) clearTimer(timer);
    timer = null;
    if (notBefore.size === 0) return;
    const next = Math.min(...notBefore.values());
    timer = setTimer(
      () => {
        timer = null;
        void flush();
      },
      Math.max(0, next - now()),
    );
  }

  type Outcome =
    | { id: number; sent: true; write: DeliveryWrite | null; answer: DeliveredAnswer | null; row: ClaimedRow }
    | { id: number; sent: false; retryable: boolean; message: string }
    | { id: number; untried: true; attempts: number };

  async function claim(ids: number[]): Promise<ClaimedRow[]> {
    return db.transaction('rw', db.outbox, async () => {
      const rows = (await db.outbox.bulkGet(ids)).filter(
        (row): row is ClaimedRow =>
          row !== undefined && row.id !== undefined && row.state === 'queued' && (senders[row.kind] !== undefined || batchSenders[row.kind] !== undefined),
      );
      const claimed = rows.map((row): ClaimedRow => ({ ...row, state: 'sending', attempts: row.attempts + 1 }));
      await db.outbox.bulkPut(claimed);
      return claimed;
    });
  }

  type Tried = Exclude<Outcome, { untried: true }>;

  function failureOf(error: unknown): { retryable: boolean; message: string } {
    const message = error instanceof Error ? error.message : String(error);
    return { retryable: !(error instanceof DeliveryError) || error.retryable, message };
  }

  async function attempt(row: ClaimedRow): Promise<Tried> {
    try {
      const done = await senders[row.kind]!(row);
      const { write, answer } = typeof done === 'function' ? { write: done, answer: null } : { write: done?.write ?? null, answer: done?.answer ?? null };
      return { id: row.id, sent: true, write, answer, row };
    } catch (error) {
      return { id: row.id, sent: false, ...failureOf(error) };
    }
  }

  /** One batch call for consecutive rows of a kind; undefined for a row that came back untried. */
  async function attemptBatch(batch: GroupSender, group: ClaimedRow[]): Promise<(Tried | undefined)[]> {
    let answers: BatchDelivery[];
    try {
      answers = await batch.send(group);
    } catch (error) {
      // The call itself failed: nothing is known of any row, so each counts as failed (a row
      // the library did take is answered with its first result when it goes again).
      const failure = failureOf(error);
      // Refused as a whole by something retrying cannot fix (the host's validator judging the
      // call, one row nested too deep): one bad row must not take the others to 需要处理 with
      // it, so each is tried alone and only the one refused stays there.
      if (!failure.retryable && group.length > 1) {
        const alone: (Tried | undefined)[] = [];
        for (const row of group) alone.push(...(await attemptBatch(batch, [row])));
        return alone;
      }
      return group.map((row) => ({ id: row.id, sent: false, ...failure }));
    }
    return group.map((row, k): Tried | undefined => {
      const answer = answers[k];
      if (!answer) return { id: row.id, sent: false, retryable: true, message: 'no answer for this item' };
      if ('untried' in answer) return undefined;
      if (answer.sent) return { id: row.id, sent: true, write: answer.write ?? null, answer: answer.answer ?? null, row };
      return { id: row.id, sent: false, ...failureOf(answer.error) };
    });
  }

  /** The rows from `start` that go in one call: a run of one kind within its batch sender's limits, or one row. */
  function groupEnd(rows: ClaimedRow[], start: number): number {
    const kind = rows[start]!.kind;
    const batch = batchSenders[kind];
    if (!batch) return start + 1;
    let end = start + 1;
    let bytes = batch.sizeOf?.(rows[start]!) ?? 0;
    while (end < rows.length && end - start < batch.maxItems && rows[end]!.kind === kind) {
      const size = batch.sizeOf?.(rows[end]!) ?? 0;
      if (batch.maxBytes !== undefined && bytes + size > batch.maxBytes) break;
      bytes += size;
      end++;
    }
    return end;
  }

  // Records a batch's outcomes in one transaction. A row the page dies before recording stays
  // "sending" and goes again with the same key after a reload: the library answers a repeat
  // with its first result, so nothing is duplicated.
  async function settle(outcomes: Outcome[], result: FlushResult, retryAt: number | null): Promise<void> {
    const deliveredAt = new Date(now()).toISOString();
    await db.transaction('rw', [db.outbox, ...recordTables], async () => {
      for (const outcome of outcomes) {
        if ('untried' in outcome) {
          await db.outbox.update(outcome.id, { state: 'queued', attempts: outcome.attempts - 1 });
        } else if (outcome.sent) {
          if (outcome.write) await outcome.write();
          await db.outbox.put(deliveredRow(outcome.row, outcome.answer, deliveredAt));
          notBefore.delete(outcome.id);
          result.delivered++;
        } else if (outcome.retryable) {
          await db.outbox.update(outcome.id, { state: 'queued', lastError: outcome.message });
          notBefore.set(outcome.id, retryAt ?? now());
          result.retrying++;
        } else {
          await db.outbox.update(outcome.id, { state: 'needs_attention', lastError: outcome.message });
          notBefore.delete(outcome.id);
          result.needsAttention++;
        }
      }
    });
  }

  async function runFlush(ignoreBackoff: boolean): Promise<FlushResult> {
    const result: FlushResult = { delivered: 0, retrying: 0, needsAttention: 0 };
    const ids = (await db.outbox.where('[state+createdAt]').between(['queued', ''], ['queued', '\uffff']).primaryKeys()) as number[];
    const at = now();
    const due = ids.filter((id) => ignoreBackoff || (notBefore.get(id) ?? 0) <= at);
    for (let i = 0; i < due.length; i += batchSize) {
      const rows = await claim(due.slice(i, i + batchSize));
      const outcomes: (Outcome | undefined)[] = new Array(rows.length);
      let retryAt: number | null = null;
      let next = 0;
      // A few requests in flight, started oldest first; once the library is unreachable no
      // new one starts: the rest go back to the queue untried, due with the failed row,
      // instead of each waiting for its own timeout.
      const worker = async (): Promise<void> => {
        while (next < rows.length && retryAt === null) {
          const start = next;
          const end = groupEnd(rows, start);
          next = end;
          const batch = batchSenders[rows[start]!.kind];
          const tried = batch ? await attemptBatch(batch, rows.slice(start, end)) : [await attempt(rows[start]!)];
          tried.forEach((outcome, k) => {
            if (!outcome) return;
            outcomes[start + k] = outcome;
            if (outcome.sent) failureStreak = 0;
            else if (outcome.retryable) {
              failureStreak++;
              retryAt ??= now() + backoffDelay(failureStreak, random, options.baseDelayMs, options.maxDelayMs);
            }
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
      const settled = rows.map((row, index): Outcome => {
        const outcome = outcomes[index];
        if (outcome) return outcome;
        // Untried: the library became unreachable before its turn (a batch call always says
        // why it stopped, so retryAt is set; a row is never left out of the queue regardless).
        notBefore.set(row.id, retryAt ?? now());
        return { id: row.id, untried: true, attempts: row.attempts };
      });
      await settle(settled, result, retryAt);
      if (retryAt !== null) {
        for (const id of due.slice(i + batchSize)) notBefore.set(id, retryAt);
        break;
      }
    }
    schedule();
    return result;
  }

  function chained<T>(run: () => Promise<T>): Promise<T> {
    const next = chain.then(run);
    chain = next.catch(() => undefined);
    return next;
  }

  function flush(flushOptions: { now?: boolean } = {}): Promise<FlushResult> {
    if (role === 'deciding') return decided.then(() => flush(flushOptions));
    if (role !== 'sender') {
      // The sender is another page (or none yet: the first to start takes the lock and flushes).
      options.wake?.post({ now: flushOptions.now ?? false });
      return Promise.resolve({ delivered: 0, retrying: 0, needsAttention: 0 });
    }
    // Flushes run one after another: two at once would send a row twice (harmless with the
    // key, but wasteful), and a row queued during a flush is picked up by the next one.
    return chained(() => runFlush(flushOptions.now ?? false));
  }

  // This page holds the lock: whatever is `sending` was claimed by a sender that is gone (this
  // page's own rows in flight settle before it lets the lock go), so it goes back to the queue.
  async function becomeSender(): Promise<void> {
    role = 'sender';
    await chained(() => db.outbox.where('state').equals('sending').modify({ state: 'queued' }));
    if (running) await flush();
  }

  return {
    flush,
    async retry(id) {
      notBefore.delete(id);
      await db.outbox
        .where('id')
        .equals(id)
        .and((row) => row.state === 'needs_attention')
        .modify({ state: 'queued' });
      await flush();
    },
    async start() {
      running = true;
      if (!lock) {
        // No lock to take: this page is the only sender, and its first start recovers.
        if (!recovered) {
          recovered = true;
          await becomeSender();
        } else await flush();
        return;
      }
      if (role !== 'idle') {
        await decided;
        if (role === 'sender') await flush();
        return;
      }
      role = 'deciding';
      let settleRole!: () => void;
      decided = new Promise<void>((resolve) => (settleRole = resolve));
      stopListening ??=
        options.wake?.listen((message) => {
          if (role === 'sender' && running) void flush({ now: message.now });
        }) ?? null;
      // A browser that refuses the lock altogether leaves this page to send alone, as before.
      const held = await lock.tryAcquire().catch(() => true);
      settleRole();
      if (role !== 'deciding') {
        // Stopped while asking.
        if (held) lock.release();
        return;
      }
      if (held) {
        // Synchronously after settleRole(): the recovery is chained before any flush that waited.
        await becomeSender();
        return;
      }
      role = 'standby';
      lock.queue(() => {
        if (role === 'standby') void becomeSender();
      });
    },
    stop() {
      running = false;
      if (timer !== null) clearTimer(timer);
      timer = null;
      if (!lock) return;
      stopListening?.();
      stopListening = null;
      const wasSender = role === 'sender';
      role = 'idle';
      // The rows this page has in flight are its own until they settle: only then may another
      // page take the lock and queue what is still `sending`.
      if (wasSender) void chain.then(() => lock.release());
      else lock.release();
    },
    get sending() {
      return role === 'sender';
    },
  };
}

/** How many rows the library has not confirmed. */
export async function unsentCount(db: WorkstationDb): Promise<number> {
  // One native index count per state: Dexie counts an anyOf() by walking a cursor over every
  // matching row, and this runs again after every write to the outbox during a drain.
  const counts = await Promise.all(UNSENT_STATES.map((state) => db.outbox.where('state').equals(state).count()));
  return counts.reduce((sum, n) => sum + n, 0);
}

/** Watches how many rows the library has not confirmed, for a badge. */
export function watchUnsentCount(db: WorkstationDb, onCount: (count: number) => void): Subscription {
  return liveQuery(() => unsentCount(db)).subscribe({
    next: onCount,
    error: () => undefined,
  });
}
