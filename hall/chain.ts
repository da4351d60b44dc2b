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
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AUDIT_GENESIS_PREV } from '../shared/audit-chain';
import { WORKSTATION_ID_PATTERN } from '../shared/hall-api';
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

/**
 * Checks a range of a stored chain on a connection of its own (PostgreSQL). The rows come as
 * `COPY (SELECT seq, hash, body …) TO STDOUT (FORMAT binary)`: each field as its raw bytes, so
 * the body is hashed as the bytes the server holds, never decoded into a JavaScript string and
 * encoded back (which cost more than the hash). Each row is checked as CHECK_PAGE_WORKER checks
 * it, as it arrives. A range that ends short looks for the next row stored after it, so that a
 * gap is named by the row after it, as a verification in one pass names it.
 */
const CHECK_RANGE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const pg = require(workerData.pgPath);
const KEY = Buffer.from(',"prev":"');
const SIGNATURE = Buffer.from('PGCOPY\\n\\xff\\r\\n\\0', 'latin1');

// A COPY TO STDOUT as node-postgres runs any "submittable": it hands every CopyData message over.
class CopyOut {
  constructor(text, onData) {
    this.text = text;
    this.onData = onData;
    this.failure = null;
    this.done = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
  }
  submit(connection) { connection.query(this.text); }
  handleCopyData(message) {
    if (this.failure) return;
    try { this.onData(message.chunk); } catch (error) { this.failure = error; }
  }
  handleError(error) { this.failure = error; }
  handleReadyForQuery() { if (this.failure) this.reject(this.failure); else this.resolve(); }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
}

(async () => {
  const { workstationId, epoch, from, to } = workerData;
  // COPY takes no parameters: the values written into it are checked here (and by the caller).
  if (!/^[A-Za-z0-9-]{1,32}$/.test(workstationId) || ![epoch, from, to].every(Number.isSafeInteger)) throw new Error('bad range');
  const client = new pg.Client(workerData.connectionString);
  await client.connect();
  try {
    let prev = Buffer.from(workerData.prev, 'latin1');
    let expected = from;
    let checked = 0;
    let broken = null;
    let pending = null;
    let headerRead = false;
    const row = (seq, hash, body) => {
      checked++;
      let reason = null;
      if (seq !== expected) reason = 'seq_gap';
      else {
        const at = body.lastIndexOf(KEY);
        if (at < 0 || body.length < at + KEY.length + 65 || body[at + KEY.length + 64] !== 34) reason = 'malformed';
        else if (!prev.equals(body.subarray(at + KEY.length, at + KEY.length + 64))) reason = 'prev_mismatch';
        else if (createHash('sm3').update(prev).update(body).digest('hex') !== hash.toString('latin1')) reason = 'hash_mismatch';
      }
      if (reason) { broken = { seq, reason }; return; }
      // A copy: the chunk is a view of node-postgres's read buffer, which later reads reuse.
      prev = Buffer.from(hash);
      expected++;
    };
    const copy = new CopyOut(
      "COPY (SELECT seq, hash, body FROM audit_events WHERE workstation_id = '" + workstationId + "' AND epoch = " + epoch + ' AND seq BETWEEN ' + from + ' AND ' + to + ' ORDER BY seq) TO STDOUT (FORMAT binary)',
      (chunk) => {
        if (broken) return;
        let data = pending ? Buffer.concat([pending, chunk]) : chunk;
        pending = null;
        let at = 0;
        if (!headerRead) {
          if (data.length < 19) { pending = Buffer.from(data); return; }
          if (!data.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY');
          at = 19 + data.readUInt32BE(15);
          headerRead = true;
        }
        while (!broken && data.length - at >= 2) {
          const fields = data.readInt16BE(at);
          if (fields === -1) return;
          // seq (int8), hash (text), body (text): a whole row or wait for the rest.
          let cursor = at + 2;
          const parts = [];
          for (let i = 0; i < fields; i++) {
            if (data.length - cursor < 4) { cursor = -1; break; }
            const length = data.readInt32BE(cursor);
            cursor += 4;
            if (length < 0 || data.length - cursor < length) { cursor = -1; break; }
            parts.push(data.subarray(cursor, cursor + length));
            cursor += length;
          }
          if (cursor < 0) break;
          const seqBytes = parts[0];
          row(seqBytes.readUInt32BE(0) * 4294967296 + seqBytes.readUInt32BE(4), parts[1], parts[2]);
          at = cursor;
        }
        if (!broken && at < data.length) pending = Buffer.from(data.subarray(at));
      },
    );
    client.query(copy);
    await copy.done;
    if (broken) return parentPort.postMessage({ broken, checked });
    if (expected <= to) {
      const after = await client.query({ text: 'SELECT seq FROM audit_events WHERE workstation_id = $1 AND epoch = $2 AND seq >= $3 ORDER BY seq LIMIT 1', values: [workstationId, epoch, expected], rowMode: 'array' });
      if (after.rows.length) return parentPort.postMessage({ broken: { seq: Number(after.rows[0][0]), reason: 'seq_gap' }, checked: checked + 1 });
    }
    parentPort.postMessage({ broken: null, checked });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  } finally {
    await client.end().catch(() => undefined);
  }
})();
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

const lastStored = sql<{ seq: number | null }, [string, number]>('SELECT max(seq) AS seq FROM audit_events WHERE workstation_id = $1 AND epoch = $2');
const hashBefore = sql<{ hash: string }, [string, number, number]>('SELECT hash FROM audit_events WHERE workstation_id = $1 AND epoch = $2 AND seq < $3 ORDER BY seq DESC LIMIT 1');

/**
 * Verifies a window's chain as stored, from its genesis, and names the first broken link by its
 * seq and reason (the first in seq order, as one pass from the genesis would find it).
 *
 * On PostgreSQL the chain is cut into ranges of seq, each read and hashed by a worker thread on
 * a connection of its own against the stored hash just before it: reading (decoding a million
 * rows) and hashing both spread over the cores, and each worker's next page is produced by the
 * server while it hashes this one. On PGlite (one connection, in process) pages are read one
 * after another while worker threads hash the pages already read.
 */
export async function verifyStoredChain(db: Database, workstationId: string, epoch: number, pageSize = 10_000): Promise<StoredChainResult> {
  const started = performance.now();
  const highest = (await db.one(highestOf, [workstationId, epoch]))?.audit_highest ?? 0;
  if (db.connectionString) {
    const result = await verifyInRanges(db, db.connectionString, workstationId, epoch, pageSize);
    const firstBroken = result.firstBroken ?? (result.checked < highest ? { seq: result.checked + 1, reason: 'missing' as const } : null);
    return { ok: firstBroken === null, checked: result.checked, highest, firstBroken, durationMs: performance.now() - started };
  }
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

/** The ranges of a chain on PostgreSQL, verified in parallel; the first broken link in seq order. */
async function verifyInRanges(db: Database, connectionString: string, workstationId: string, epoch: number, pageSize: number): Promise<{ checked: number; firstBroken: StoredChainResult['firstBroken'] }> {
  // The workers' COPY statement cannot take parameters: only an id of the enrolment pattern goes into it.
  if (!WORKSTATION_ID_PATTERN.test(workstationId) || !Number.isSafeInteger(epoch)) throw new RangeError('verifyStoredChain: bad workstation id or epoch');
  const last = (await db.one(lastStored, [workstationId, epoch]))?.seq ?? 0;
  if (last === 0) return { checked: 0, firstBroken: null };
  // One range per core: each worker hashes as its rows stream in while the server produces the rest.
  const count = Math.max(1, Math.min(Math.ceil(last / pageSize), availableParallelism()));
  const size = Math.ceil(last / count);
  const pgPath = createRequire(import.meta.url).resolve('pg');
  const ranges = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const from = i * size + 1;
      const to = Math.min(last, (i + 1) * size);
      const prev = from === 1 ? AUDIT_GENESIS_PREV : ((await db.one(hashBefore, [workstationId, epoch, from]))?.hash ?? AUDIT_GENESIS_PREV);
      return { from, to, prev };
    }),
  );
  const results = await Promise.all(
    ranges.map(
      (range) =>
        new Promise<{ broken: StoredChainResult['firstBroken']; checked: number }>((resolve, reject) => {
          const worker = new Worker(CHECK_RANGE_WORKER, { eval: true, workerData: { ...range, pgPath, connectionString, workstationId, epoch, pageSize } });
          worker.once('message', (message: { broken: StoredChainResult['firstBroken']; checked: number } | { error: string }) => {
            void worker.terminate();
            if ('error' in message) reject(new Error(`chain verification: ${message.error}`));
            else resolve(message);
          });
          worker.once('error', reject);
        }),
    ),
  );
  let checked = 0;
  for (const result of results) {
    checked += result.checked;
    if (result.broken) return { checked, firstBroken: result.broken };
  }
  return { checked, firstBroken: null };
}
