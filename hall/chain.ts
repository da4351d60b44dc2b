/**
 * The audit chain at the hall: SM3 by Node's OpenSSL (about 3 µs an event, several times the
 * JavaScript one), and the verification of a window's chain as the hall stores it.
 *
 * The hall stores each event as its canonical JSON without the hash (`body`): exactly the text
 * that follows `prev` in what the event's hash covers (shared/audit-chain). Verifying a stored
 * chain is then SM3(previous hash ‖ body) against the stored hash, plus the check that the
 * body's own `prev` is that previous hash — no parsing, no re-serialising, and the pages hashed
 * in worker threads while the next ones are read, which is what lets a million events be
 * verified in seconds.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AUDIT_GENESIS_PREV } from '../shared/audit-chain';
import type { Sm3Batch } from '../shared/sm';
import { sql, type Database } from './db';

/**
 * An {@link Sm3Batch} on Node's SM3 that also keeps, for each message, the canonical body it
 * hashed (the bytes after the 64 hex characters of `prev`): what the hall stores is then exactly
 * what was verified.
 */
export class CapturingSm3Batch implements Sm3Batch {
  private digests: string[] = [];
  /** The bodies of every message added since the last {@link takeBodies}, in order. */
  private bodies: string[] = [];

  add(message: Uint8Array): void {
    this.digests.push(createHash('sm3').update(message).digest('hex'));
    this.bodies.push(Buffer.from(message.buffer, message.byteOffset + 64, message.length - 64).toString('utf8'));
  }

  flush(): string[] {
    const digests = this.digests;
    this.digests = [];
    return digests;
  }

  /** The bodies captured, and forgets them. */
  takeBodies(): string[] {
    const bodies = this.bodies;
    this.bodies = [];
    return bodies;
  }
}

/** Why a stored chain is broken: the chain's own reasons, and `missing` for events the hall recorded but no longer holds. */
export type StoredBreakReason = 'malformed' | 'seq_gap' | 'prev_mismatch' | 'hash_mismatch' | 'missing';

/** The verification of a stored chain. */
export interface StoredChainResult {
  ok: boolean;
  checked: number;
  highest: number;
  firstBroken: { seq: number | null; reason: StoredBreakReason } | null;
  durationMs: number;
}

/**
 * Checks one page of a stored chain: each row's seq the expected one, its body's own `prev` the
 * hash before it, and SM3(hash before ‖ body) its stored hash. Written as plain JavaScript source
 * because it runs in worker threads (`eval`), each page on its own: a page's links need only the
 * last stored hash of the page before it, which is known before anything is verified.
 *
 * The body's own `prev` is the last `,"prev":"` in it: in canonical JSON the keys are sorted, so
 * after `prev` come only `role`, `seq` and `workstation`, scalars (a `prev` inside `details` comes
 * earlier; inside a string every `"` is escaped).
 */
const CHECK_PAGE_WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const KEY = ',"prev":"';
parentPort.on('message', (page) => {
  const { seqs, hashes, bodies } = page;
  let prev = page.prev;
  let expected = page.expected;
  for (let i = 0; i < seqs.length; i++) {
    const body = bodies[i];
    let reason = null;
    if (seqs[i] !== expected) reason = 'seq_gap';
    else {
      const at = body.lastIndexOf(KEY);
      if (at < 0 || body.charCodeAt(at + KEY.length + 64) !== 34) reason = 'malformed';
      else if (body.substr(at + KEY.length, 64) !== prev) reason = 'prev_mismatch';
      else if (createHash('sm3').update(prev).update(body).digest('hex') !== hashes[i]) reason = 'hash_mismatch';
    }
    if (reason) return parentPort.postMessage({ id: page.id, broken: { index: i, reason } });
    prev = hashes[i];
    expected++;
  }
  parentPort.postMessage({ id: page.id, broken: null });
});
`;

const page = sql<{ seq: number; hash: string; body: string }, [string, number, number, number]>(
  'SELECT seq, hash, body FROM audit_events WHERE workstation_id = $1 AND epoch = $2 AND seq > $3 ORDER BY seq LIMIT $4',
);
const highestOf = sql<{ audit_highest: number }, [string, number]>('SELECT audit_highest FROM streams WHERE workstation_id = $1 AND epoch = $2');

interface PageResult {
  broken: { index: number; reason: StoredBreakReason } | null;
}

/** Threads that check pages: all cores but one (the one reading from the database), at most four. */
class PageCheckers {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (result: PageResult) => void; reject: (error: unknown) => void }>();
  private next = 0;

  constructor(count = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(CHECK_PAGE_WORKER, { eval: true });
      worker.on('message', (message: PageResult & { id: number }) => {
        this.waiting.get(message.id)?.resolve(message);
        this.waiting.delete(message.id);
      });
      worker.on('error', (error) => {
        for (const { reject } of this.waiting.values()) reject(error);
        this.waiting.clear();
      });
      return worker;
    });
  }

  check(rows: { seq: number; hash: string; body: string }[], prev: string, expected: number): Promise<PageResult> {
    const id = this.next++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, prev, expected, seqs: rows.map((r) => r.seq), hashes: rows.map((r) => r.hash), bodies: rows.map((r) => r.body) });
    });
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * Verifies a window's chain as stored, from its genesis, and names the first broken link by its
 * seq and reason. Pages are read one after another while worker threads hash the pages already
 * read, each against the last stored hash of the page before it; the first broken link is the
 * first found in page order.
 */
export async function verifyStoredChain(db: Database, workstationId: string, epoch: number, pageSize = 10_000): Promise<StoredChainResult> {
  const started = performance.now();
  const highest = (await db.one(highestOf, [workstationId, epoch]))?.audit_highest ?? 0;
  const checkers = new PageCheckers();
  const inFlight: { rows: { seq: number }[]; result: Promise<PageResult> }[] = [];
  let checked = 0;
  let firstBroken: StoredChainResult['firstBroken'] = null;
  // Settles the oldest page in flight; false once the chain is found broken.
  const settleOldest = async (): Promise<boolean> => {
    const oldest = inFlight.shift()!;
    const { broken } = await oldest.result;
    if (!broken) {
      checked += oldest.rows.length;
      return true;
    }
    checked += broken.index + 1;
    firstBroken = { seq: oldest.rows[broken.index]!.seq, reason: broken.reason };
    return false;
  };
  try {
    let prev = AUDIT_GENESIS_PREV;
    let expected = 1;
    let after = 0;
    let reading = db.all(page, [workstationId, epoch, after, pageSize]);
    for (;;) {
      const rows = await reading;
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      after = last.seq;
      // The next page is asked for before this one is handed over: the database works meanwhile.
      reading = rows.length < pageSize ? Promise.resolve([]) : db.all(page, [workstationId, epoch, after, pageSize]);
      inFlight.push({ rows, result: checkers.check(rows, prev, expected) });
      prev = last.hash;
      expected = last.seq + 1;
      while (inFlight.length > 2 * checkers.size) if (!(await settleOldest())) break;
      if (firstBroken) break;
    }
    reading.catch(() => undefined);
    while (!firstBroken && inFlight.length > 0) await settleOldest();
  } finally {
    await checkers.close();
  }
  if (!firstBroken && checked < highest) firstBroken = { seq: checked + 1, reason: 'missing' };
  return { ok: firstBroken === null, checked, highest, firstBroken, durationMs: performance.now() - started };
}
