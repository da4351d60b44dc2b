import { liveQuery, type Subscription } from 'dexie';
import type { OutboxRow, WorkstationDb } from '../db/db';

/** What the outbox carries: usage records now, objections once the offline issue adds them. */
export type OutboxKind = OutboxRow['kind'];
/** The life of an outbox row. */
export type OutboxState = OutboxRow['state'];

/** States of a row the library has not yet confirmed. */
export const UNSENT_STATES: readonly OutboxState[] = ['queued', 'sending', 'needs_attention'];

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

/** Delivers one row to the library; throws a DeliveryError (or anything, taken as retryable). */
export type OutboxSender = (row: OutboxRow) => Promise<void>;

/** A new item for the outbox. */
export interface OutboxItem {
  /** The idempotency key the library deduplicates on; also unique in the outbox. */
  key: string;
  kind: OutboxKind;
  payload: unknown;
  createdAt: string;
}

/**
 * Queues an item. Call it inside the transaction that writes the thing it sends
 * (`db.transaction('rw', db.cases, db.outbox, …)`), so that an aborted transaction queues
 * nothing (STYLE.md 11). An item whose key is already queued is left as it is: queuing twice
 * never sends twice.
 */
export async function enqueue(db: WorkstationDb, item: OutboxItem): Promise<OutboxRow> {
  const existing = await db.outbox.where('key').equals(item.key).first();
  if (existing) return existing;
  const row: OutboxRow = { ...item, state: 'queued', attempts: 0, lastError: null };
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
  senders: Partial<Record<OutboxKind, OutboxSender>>;
  random?: () => number;
  now?: () => number;
  /** Where retries are scheduled; a test supplies its own clock. */
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** The delivery side of the outbox. */
export interface Outbox {
  /** Sends every row that is due, one at a time, oldest first; `now` ignores the backoff (the link is back). */
  flush(options?: { now?: boolean }): Promise<FlushResult>;
  /** Puts a row that needs attention back in the queue (after the clerk fixed its cause). */
  retry(id: number): Promise<void>;
  /** Starts delivering: rows left `sending` by a crash are queued again, then flushed. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * Delivers outbox rows with their idempotency keys. A row is marked `sending` before it goes
 * and `delivered` only after the library answered, so a crash in between re-sends it with the
 * same key, which the library answers with its first result: delivered exactly once. A
 * retryable failure puts it back to `queued` with a backoff (kept in memory: after a reload
 * everything queued is simply due); any other failure sets `needs_attention` with the error.
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { db, senders } = options;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const notBefore = new Map<number, number>();
  let timer: unknown = null;
  let running = false;
  let chain: Promise<unknown> = Promise.resolve();

  function schedule(): void {
    if (!running) return;
    if (timer !== null) clearTimer(timer);
    timer = null;
    if (notBefore.size === 0) return;
    const next = Math.min(...notBefore.values());
    timer = setTimer(() => {
      timer = null;
      void flush();
    }, Math.max(0, next - now()));
  }

  async function deliver(row: OutboxRow & { id: number }, result: FlushResult): Promise<void> {
    const sender = senders[row.kind];
    if (!sender) return;
    await db.outbox.update(row.id, { state: 'sending', attempts: row.attempts + 1 });
    try {
      await sender(row);
      await db.outbox.update(row.id, { state: 'delivered', lastError: null });
      notBefore.delete(row.id);
      result.delivered++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      if (retryable) {
        await db.outbox.update(row.id, { state: 'queued', lastError: message });
        notBefore.set(row.id, now() + backoffDelay(row.attempts + 1, random, options.baseDelayMs, options.maxDelayMs));
        result.retrying++;
      } else {
        await db.outbox.update(row.id, { state: 'needs_attention', lastError: message });
        notBefore.delete(row.id);
        result.needsAttention++;
      }
    }
  }

  async function runFlush(ignoreBackoff: boolean): Promise<FlushResult> {
    const result: FlushResult = { delivered: 0, retrying: 0, needsAttention: 0 };
    const queued = await db.outbox.where('[state+createdAt]').between(['queued', ''], ['queued', '\uffff']).toArray();
    const at = now();
    for (const row of queued) {
      if (row.id === undefined || (!ignoreBackoff && (notBefore.get(row.id) ?? 0) > at)) continue;
      await deliver(row as OutboxRow & { id: number }, result);
    }
    schedule();
    return result;
  }

  function flush(flushOptions: { now?: boolean } = {}): Promise<FlushResult> {
    // Flushes run one after another: two at once would send a row twice (harmless with the
    // key, but wasteful), and a row queued during a flush is picked up by the next one.
    const run = chain.then(() => runFlush(flushOptions.now ?? false));
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    flush,
    async retry(id) {
      notBefore.delete(id);
      await db.outbox.where('id').equals(id).and((row) => row.state === 'needs_attention').modify({ state: 'queued' });
      await flush();
    },
    async start() {
      running = true;
      await db.outbox.where('state').equals('sending').modify({ state: 'queued' });
      await flush();
    },
    stop() {
      running = false;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}

/** Watches how many rows the library has not confirmed, for a badge. */
export function watchUnsentCount(db: WorkstationDb, onCount: (count: number) => void): Subscription {
  return liveQuery(() => db.outbox.where('state').anyOf(UNSENT_STATES as OutboxState[]).count()).subscribe({
    next: onCount,
    error: () => undefined,
  });
}
