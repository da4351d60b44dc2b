/**
 * The audit chain at the hall: the hashing of pushed events (four lanes at a time with the
 * workstation's own WebAssembly SIMD SM3, shared/sm3-simd), and the verification of a window's
 * chain as the hall stores it.
 *
 * The hall stores each event as its canonical JSON without the hash (`body`): exactly the bytes
 * that follow `prev` in what the event's hash covers (shared/audit-chain). Verifying a stored
 * chain is then SM3(previous hash ‖ body) against the stored hash, plus the check that the
 * body's own `prev` is that previous hash: no parsing, no re-serialising. The rows are read as
 * binary COPY (raw bytes, never decoded into strings) and checked by worker threads, four
 * events at a time in SIMD and without an allocation per row, which is what lets a million
 * events be verified in a few seconds.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AUDIT_GENESIS_PREV } from '../shared/audit-chain';
import type { Sm3Batch } from '../shared/sm';
import { sm3SimdWasmBytes } from '../shared/sm3-simd';
import { sql, type Database } from './db';

/** The canonical bodies of a push's events as hashed: UTF-8 bytes, one after another. */
export class CapturedBodies {
  constructor(
    private readonly bytes: Buffer,
    private readonly starts: readonly number[],
    private readonly ends: readonly number[],
  ) {}

  get length(): number {
    return this.starts.length;
  }

  /** Body i as bytes (a view: valid while this object is). */
  body(i: number): Buffer {
    return this.bytes.subarray(this.starts[i], this.ends[i]);
  }

  /** Body i as text. */
  text(i: number): string {
    return this.body(i).toString('utf8');
  }

  /** The bodies from i on. */
  slice(from: number): CapturedBodies {
    return new CapturedBodies(this.bytes, this.starts.slice(from), this.ends.slice(from));
  }
}

/**
 * An {@link Sm3Batch} for the hall's ingest: it hashes with the four-lane SM3 when given one
 * (shared/sm3-simd; Node's OpenSSL SM3 otherwise), and keeps, for each message, the canonical
 * body it hashed (the bytes after the 64 hex characters of `prev`): what the hall stores is then
 * exactly what was verified, copied as bytes.
 */
export class CapturingSm3Batch implements Sm3Batch {
  private digests: string[] = [];
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private starts: number[] = [];
  private ends: number[] = [];

  constructor(private readonly lanes: Sm3Batch | null = null) {}

  add(message: Uint8Array): void {
    if (this.lanes) this.lanes.add(message);
    else this.digests.push(createHash('sm3').update(message).digest('hex'));
    const body = message.subarray(64);
    if (this.used + body.length > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < this.used + body.length) size *= 2;
      const bigger = Buffer.allocUnsafe(size);
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.bytes.set(body, this.used);
    this.starts.push(this.used);
    this.used += body.length;
    this.ends.push(this.used);
  }

  flush(): string[] {
    if (this.lanes) return this.lanes.flush();
    const digests = this.digests;
    this.digests = [];
    return digests;
  }

  /** The bodies captured, and forgets them. */
  takeBodies(): CapturedBodies {
    const bodies = new CapturedBodies(this.bytes.subarray(0, this.used), this.starts, this.ends);
    this.bytes = Buffer.allocUnsafe(1 << 16);
    this.used = 0;
    this.starts = [];
    this.ends = [];
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
 * The check of a range of a stored chain, as JavaScript source for the worker threads (`eval`):
 * the rows of `COPY (SELECT seq, hash, body …) TO … (FORMAT binary)` in seq order, each row's
 * seq the expected one, its body's own `prev` the stored hash before it, and SM3(hash before ‖
 * body) its stored hash. Hashes go four at a time through the four-lane SM3 (Node's SM3 where
 * WebAssembly SIMD is missing); a broken link is reported only once the rows before it are known
 * good, so the first broken link is the one a pass row by row finds. Rows are read where they
 * lie in the COPY data and copied only into the hasher's memory and a ring of the last eight
 * stored hashes: no object, string or Buffer per row.
 *
 * The body's own `prev` is the last `,"prev":"` in it: in canonical JSON the keys are sorted, so
 * after `prev` come only `role`, `seq` and `workstation`, scalars (a `prev` inside `details` comes
 * earlier; inside a string every `"` is escaped).
 */
const CHECKER = String.raw`
const { createHash } = require('node:crypto');
const KEY = Buffer.from(',"prev":"');
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const DIGESTS = 0;
const MESSAGES = 128;

// True when the 32 bytes of digest at digest[at] are the 64 lowercase hex characters at
// hex[hexAt] (a stored hash in upper case or with other characters is a mismatch).
function sameHex(digest, at, hex, hexAt) {
  for (let i = 0; i < 32; i++) {
    const byte = digest[at + i];
    if (hex[hexAt + 2 * i] !== HEX[byte >>> 4] || hex[hexAt + 2 * i + 1] !== HEX[byte & 15]) return false;
  }
  return true;
}

// The four-lane SM3 (shared/sm3-simd's module) over its own memory: four digests from 0, the
// padded messages packed from 128.
function simdLanes(wasmBytes) {
  if (!wasmBytes || typeof WebAssembly === 'undefined' || !WebAssembly.validate(wasmBytes)) return null;
  const { memory, hash4 } = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes), {}).exports;
  let bytes = new Uint8Array(memory.buffer);
  const starts = [0, 0, 0, 0];
  const blocks = [0, 0, 0, 0];
  let count = 0;
  let cursor = MESSAGES;
  return {
    get count() { return count; },
    get bytes() { return bytes; },
    // Copies prev (64 bytes of ring from prevAt) ‖ body (data[from, to)) into the next lane, padded as SM3 pads it.
    add(ring, prevAt, data, from, to) {
      const length = 64 + to - from;
      const padded = (length + 9 + 63) & ~63;
      if (cursor + padded > bytes.length) {
        memory.grow(Math.ceil((cursor + padded - bytes.length) / 65536));
        bytes = new Uint8Array(memory.buffer);
      }
      const start = cursor;
      ring.copy(bytes, start, prevAt, prevAt + 64);
      data.copy(bytes, start + 64, from, to);
      bytes.fill(0, start + length, start + padded);
      bytes[start + length] = 0x80;
      const end = start + padded;
      const high = Math.floor(length / 0x20000000);
      const low = (length * 8) >>> 0;
      bytes[end - 8] = high >>> 24; bytes[end - 7] = (high >>> 16) & 255; bytes[end - 6] = (high >>> 8) & 255; bytes[end - 5] = high & 255;
      bytes[end - 4] = low >>> 24; bytes[end - 3] = (low >>> 16) & 255; bytes[end - 2] = (low >>> 8) & 255; bytes[end - 1] = low & 255;
      starts[count] = start;
      blocks[count] = padded >>> 6;
      count++;
      cursor = end;
    },
    // Hashes the lanes filled (an empty lane hashes nothing); digest i is bytes[32 i, 32 i + 32).
    flush() {
      const n = count;
      hash4(starts[0], blocks[0], starts[1], n > 1 ? blocks[1] : 0, starts[2], n > 2 ? blocks[2] : 0, starts[3], n > 3 ? blocks[3] : 0, DIGESTS);
      count = 0;
      cursor = MESSAGES;
      return n;
    },
  };
}

// Checks rows in seq order from expected, the first one linked to prevHex.
function makeChecker(wasmBytes, prevHex, expected) {
  const lanes = simdLanes(wasmBytes);
  // Row k's stored hash is at 64 (k % 8): the rows in the lanes and the row before stay there.
  const RING = 8;
  const ring = Buffer.alloc(64 * RING);
  ring.write(prevHex, 64 * (RING - 1), 'latin1');
  let prevAt = 64 * (RING - 1);
  let accepted = 0;
  let rows = 0;
  let broken = null;
  const laneSeq = [0, 0, 0, 0];
  const laneRow = [0, 0, 0, 0];
  const laneHashAt = [0, 0, 0, 0];
  const settle = () => {
    if (!lanes || lanes.count === 0) return;
    const n = lanes.flush();
    const digests = lanes.bytes;
    for (let i = 0; i < n && !broken; i++) if (!sameHex(digests, DIGESTS + 32 * i, ring, laneHashAt[i])) broken = { seq: laneSeq[i], reason: 'hash_mismatch', checked: laneRow[i] };
  };
  return {
    // One row: its seq, its hash at data[hashAt, hashAt + hashLength), its body at data[bodyAt, bodyAt + bodyLength). False once the chain is broken.
    row(data, seq, hashAt, hashLength, bodyAt, bodyLength) {
      if (broken) return false;
      const ordinal = ++rows;
      const end = bodyAt + bodyLength;
      let reason = null;
      if (seq !== expected) reason = 'seq_gap';
      else if (hashLength !== 64) reason = 'malformed';
      else {
        const at = bodyLength >= KEY.length ? data.lastIndexOf(KEY, end - KEY.length) : -1;
        const linked = at + KEY.length;
        if (at < bodyAt || linked + 65 > end || data[linked + 64] !== 34) reason = 'malformed';
        else if (data.compare(ring, prevAt, prevAt + 64, linked, linked + 64) !== 0) reason = 'prev_mismatch';
      }
      if (reason) {
        settle();
        if (!broken) broken = { seq, reason, checked: ordinal };
        return false;
      }
      const slot = 64 * (accepted % RING);
      data.copy(ring, slot, hashAt, hashAt + 64);
      if (lanes) {
        const lane = lanes.count;
        lanes.add(ring, prevAt, data, bodyAt, end);
        laneSeq[lane] = seq;
        laneRow[lane] = ordinal;
        laneHashAt[lane] = slot;
        if (lanes.count === 4) settle();
      } else {
        const digest = createHash('sm3').update(ring.subarray(prevAt, prevAt + 64)).update(data.subarray(bodyAt, end)).digest();
        if (!sameHex(digest, 0, ring, slot)) broken = { seq, reason: 'hash_mismatch', checked: ordinal };
      }
      prevAt = slot;
      accepted++;
      expected++;
      return !broken;
    },
    // Settles the lanes: the first broken link, the rows checked, the next seq expected.
    end() {
      settle();
      return { broken: broken && { seq: broken.seq, reason: broken.reason }, checked: broken ? broken.checked : rows, expected };
    },
  };
}

// Reads binary COPY data fed in chunks of any size (rows of seq int8, hash text, body text),
// handing each whole row to onRow until it returns false.
function copyReader(onRow) {
  let pending = null;
  let headerRead = false;
  let going = true;
  return {
    feed(chunk) {
      if (!going) return;
      const data = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      let at = 0;
      if (!headerRead) {
        if (data.length < 19 || data.length < 19 + data.readUInt32BE(15)) { pending = Buffer.from(data); return; }
        if (data.compare(SIGNATURE, 0, 11, 0, 11) !== 0) throw new Error('not a binary COPY');
        at = 19 + data.readUInt32BE(15);
        headerRead = true;
      }
      while (going && data.length - at >= 2) {
        const fields = data.readInt16BE(at);
        if (fields === -1) { going = false; return; }
        if (fields !== 3 || data.length - at < 14) { if (fields !== 3) throw new Error('unexpected COPY row'); break; }
        let p = at + 2;
        if (data.readInt32BE(p) !== 8) throw new Error('unexpected seq field');
        const seq = data.readUInt32BE(p + 4) * 4294967296 + data.readUInt32BE(p + 8);
        p += 12;
        if (data.length - p < 4) break;
        const hashLength = data.readInt32BE(p);
        p += 4;
        if (hashLength < 0) throw new Error('unexpected NULL');
        if (data.length - p < hashLength + 4) break;
        const hashAt = p;
        p += hashLength;
        const bodyLength = data.readInt32BE(p);
        p += 4;
        if (bodyLength < 0) throw new Error('unexpected NULL');
        if (data.length - p < bodyLength) break;
        going = onRow(data, seq, hashAt, hashLength, p, bodyLength);
        at = p + bodyLength;
      }
      if (going && at < data.length) pending = Buffer.from(data.subarray(at));
    },
  };
}
`;

/**
 * A worker that checks ranges handed to it as binary COPY data (PGlite, which is one connection
 * in the hall's own thread: the hall reads each range with `COPY … TO '/dev/blob'`).
 */
const CHECK_DATA_WORKER = `${CHECKER}
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', (range) => {
  try {
    const checker = makeChecker(workerData.wasmBytes, range.prev, range.from);
    copyReader((...row) => checker.row(...row)).feed(Buffer.from(range.data));
    parentPort.postMessage({ id: range.id, ...checker.end() });
  } catch (error) {
    parentPort.postMessage({ id: range.id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * A worker that reads and checks one range on a connection of its own (PostgreSQL): the server
 * produces the rows while the worker hashes those already sent.
 */
const CHECK_RANGE_WORKER = `${CHECKER}
const { parentPort, workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);

// COPY … TO STDOUT as node-postgres runs any "submittable": it hands over every CopyData message.
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
  // At once: a connection that ends mid-copy reports its error here and nothing after.
  handleError(error) { this.failure = error; this.reject(error); }
  handleReadyForQuery() { if (this.failure) this.reject(this.failure); else this.resolve(); }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
}

(async () => {
  const { stream, from, to, prev } = workerData;
  // COPY takes no parameters: only integers go into it.
  if (![stream, from, to].every(Number.isSafeInteger)) throw new Error('bad range');
  const client = new pg.Client(workerData.connectionString);
  await client.connect();
  try {
    const checker = makeChecker(workerData.wasmBytes, prev, from);
    const reader = copyReader((...row) => checker.row(...row));
    const copy = new CopyOut('COPY (SELECT seq, hash, body FROM audit_events WHERE stream = ' + stream + ' AND seq BETWEEN ' + from + ' AND ' + to + ' ORDER BY seq) TO STDOUT (FORMAT binary)', (chunk) => reader.feed(chunk));
    client.query(copy);
    await copy.done;
    parentPort.postMessage(checker.end());
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  } finally {
    await client.end().catch(() => undefined);
  }
})();
`;

/** What a worker reports for a range: the first broken link in it, the rows checked, the seq after the last row. */
interface RangeResult {
  broken: { seq: number; reason: StoredBreakReason } | null;
  checked: number;
  expected: number;
}

/** A range of seq to check against the stored hash just before it. */
interface Range {
  from: number;
  to: number;
  prev: string;
}

const streamOf = sql<{ id: number; audit_highest: number }, [string, number]>('SELECT id, audit_highest FROM streams WHERE workstation_id = $1 AND epoch = $2');
const lastStored = sql<{ seq: number | null }, [number]>('SELECT max(seq) AS seq FROM audit_events WHERE stream = $1');
const hashBefore = sql<{ hash: string }, [number, number]>('SELECT hash FROM audit_events WHERE stream = $1 AND seq < $2 ORDER BY seq DESC LIMIT 1');
const storedFrom = sql<{ seq: number }, [number, number, number]>(
  'SELECT seq FROM audit_events WHERE stream = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq LIMIT 1',
);

/** The stored hash the range from `from` links to (the genesis before seq 1). */
async function prevOf(db: Database, stream: number, from: number): Promise<string> {
  return from === 1 ? AUDIT_GENESIS_PREV : ((await db.one(hashBefore, [stream, from]))?.hash ?? AUDIT_GENESIS_PREV);
}

/** Options of {@link verifyStoredChain}. */
export interface VerifyOptions {
  /** Rows per page read on PGlite, and the smallest range worth a worker of its own on PostgreSQL (10,000). */
  pageSize?: number;
  /** Hash with the four-lane SM3 where WebAssembly SIMD runs (true); false: Node's SM3, as where it does not. */
  simd?: boolean;
}

/** Threads that check ranges given as COPY data (PGlite): all cores but the one reading, at most four. */
class DataCheckers {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (result: RangeResult) => void; reject: (error: unknown) => void }>();
  private next = 0;

  constructor(wasmBytes: Uint8Array | null, count = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(CHECK_DATA_WORKER, { eval: true, workerData: { wasmBytes } });
      worker.on('message', (message: RangeResult & { id: number; error?: string }) => {
        const waiting = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.error) waiting?.reject(new Error(`chain verification: ${message.error}`));
        else waiting?.resolve(message);
      });
      worker.on('error', (error) => {
        for (const { reject } of this.waiting.values()) reject(error);
        this.waiting.clear();
      });
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  check(range: Range, data: ArrayBuffer): Promise<RangeResult> {
    const id = this.next++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...range, data }, [data]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** One range read and checked by a worker on its own PostgreSQL connection. */
function checkRangeOnServer(connectionString: string, stream: number, range: Range, wasmBytes: Uint8Array | null): Promise<RangeResult> {
  const pgPath = createRequire(import.meta.url).resolve('pg');
  return new Promise((resolve, reject) => {
    const worker = new Worker(CHECK_RANGE_WORKER, { eval: true, workerData: { ...range, stream, pgPath, connectionString, wasmBytes } });
    worker.once('message', (message: RangeResult | { error: string }) => {
      void worker.terminate();
      if ('error' in message) reject(new Error(`chain verification: ${message.error}`));
      else resolve(message);
    });
    worker.once('error', reject);
  });
}

/**
 * Verifies a window's chain (one epoch) as stored, from its genesis, and names the first broken
 * link by its seq and reason: the first in seq order, as one pass from the genesis would find it.
 *
 * The chain is cut into ranges of seq, each checked against the stored hash just before it. On
 * PostgreSQL, one range per core, each read and hashed by a worker thread on a connection of its
 * own, so that the server's work and the hashing spread over every core. On PGlite (one
 * connection, in this thread) the ranges are pages of `pageSize`, read one after another as
 * binary COPY while worker threads check the pages already read.
 */
export async function verifyStoredChain(db: Database, workstationId: string, epoch: number, options: VerifyOptions = {}): Promise<StoredChainResult> {
  const started = performance.now();
  const pageSize = options.pageSize ?? 10_000;
  const wasmBytes = options.simd === false ? null : sm3SimdWasmBytes();
  const stream = await db.one(streamOf, [workstationId, epoch]);
  const highest = stream?.audit_highest ?? 0;
  const last = stream ? ((await db.one(lastStored, [stream.id]))?.seq ?? 0) : 0;
  let checked = 0;
  let firstBroken: StoredChainResult['firstBroken'] = null;
  // Folds the ranges' results in seq order; false once the chain is found broken. A range whose
  // rows end before its end is followed by a gap, named by the next row stored after it (as one
  // pass names it).
  const settle = async (range: Range, result: RangeResult): Promise<boolean> => {
    checked += result.checked;
    if (result.broken) {
      firstBroken = result.broken;
      return false;
    }
    if (result.expected <= range.to) {
      const after = await db.one(storedFrom, [stream!.id, result.expected, last]);
      if (after) {
        checked += 1;
        firstBroken = { seq: after.seq, reason: 'seq_gap' };
        return false;
      }
    }
    return true;
  };
  if (stream && last > 0) {
    if (db.connectionString) {
      const count = Math.max(1, Math.min(Math.ceil(last / pageSize), availableParallelism()));
      const size = Math.ceil(last / count);
      const ranges = await Promise.all(
        Array.from({ length: count }, async (_, i): Promise<Range> => {
          const from = i * size + 1;
          return { from, to: Math.min(last, (i + 1) * size), prev: await prevOf(db, stream.id, from) };
        }),
      );
      const results = await Promise.all(ranges.map((range) => checkRangeOnServer(db.connectionString!, stream.id, range, wasmBytes)));
      for (let i = 0; i < ranges.length; i++) if (!(await settle(ranges[i]!, results[i]!))) break;
    } else {
      const checkers = new DataCheckers(wasmBytes);
      const inFlight: { range: Range; result: Promise<RangeResult> }[] = [];
      try {
        let going = true;
        for (let from = 1; going && from <= last; from += pageSize) {
          const range: Range = { from, to: Math.min(last, from + pageSize - 1), prev: await prevOf(db, stream.id, from) };
          const data = await db.copyTo(
            `SELECT seq, hash, body FROM audit_events WHERE stream = ${stream.id} AND seq BETWEEN ${range.from} AND ${range.to} ORDER BY seq`,
          );
          inFlight.push({ range, result: checkers.check(range, data) });
          while (going && inFlight.length > 2 * checkers.size) {
            const oldest = inFlight.shift()!;
            going = await settle(oldest.range, await oldest.result);
          }
        }
        while (going && inFlight.length > 0) {
          const oldest = inFlight.shift()!;
          going = await settle(oldest.range, await oldest.result);
        }
      } finally {
        for (const { result } of inFlight) result.catch(() => undefined);
        await checkers.close();
      }
    }
  }
  if (!firstBroken && checked < highest) firstBroken = { seq: checked + 1, reason: 'missing' };
  return { ok: firstBroken === null, checked, highest, firstBroken, durationMs: performance.now() - started };
}
