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
import { AUDIT_GENESIS_PREV, canonicalEventBytes } from '../shared/audit-chain';
import type { HallAuditEvent } from '../shared/hall-api';
import type { Sm3Batch } from '../shared/sm';
import { sm3SimdWasmBytes } from '../shared/sm3-simd';
import { BinaryCopy } from './copy';
import { sql, type Database } from './db';

/** SM3 of each message with Node's own (OpenSSL) SM3, where the four-lane SM3 is missing. */
export class NodeSm3Batch implements Sm3Batch {
  private digests: string[] = [];

  add(message: Uint8Array): void {
    this.digests.push(createHash('sm3').update(message).digest('hex'));
  }

  flush(): string[] {
    const digests = this.digests;
    this.digests = [];
    return digests;
  }
}

/** The columns of audit_events a push's rows are written in, in this order. */
export const AUDIT_EVENT_COLUMNS = ['stream', 'seq', 'at', 'operator', 'kind', 'case_no', 'body', 'hash'] as const;

/**
 * A push's audit events as rows of `audit_events` in binary COPY format, written while their
 * chain was checked: each body is the canonical bytes that were hashed, copied once. The
 * stream's id is known only inside the push's transaction; it is written into the rows there.
 */
export class AuditRows {
  constructor(
    private readonly data: Buffer,
    /** Where row i starts in data. */
    private readonly starts: readonly number[],
    /** Where row i's body starts in data, and its length. */
    private readonly bodyAt: readonly number[],
    private readonly bodyLength: readonly number[],
  ) {}

  get length(): number {
    return this.starts.length;
  }

  /** Body i (the event's canonical JSON without its hash, as hashed after `prev`) as bytes: a view, valid while this object is. */
  body(i: number): Buffer {
    return this.data.subarray(this.bodyAt[i], this.bodyAt[i]! + this.bodyLength[i]!);
  }

  /** Body i as text. */
  text(i: number): string {
    return this.data.toString('utf8', this.bodyAt[i], this.bodyAt[i]! + this.bodyLength[i]!);
  }

  /** Event i's hash (64 hex characters, as it stands in its row). */
  hash(i: number): string {
    const at = this.bodyAt[i]! + this.bodyLength[i]! + 4;
    return this.data.toString('latin1', at, at + 64);
  }

  /** Row i's fields, read back from the COPY data (for one INSERT per event, the benchmark's baseline, and tests). */
  fields(i: number): { seq: number; at: string; operator: string | null; kind: string; case: string | null; body: string; hash: string } {
    const data = this.data;
    let p = this.starts[i]! + 2 + 8;
    const seq = data.readInt32BE(p + 4) * 4294967296 + data.readUInt32BE(p + 8);
    p += 12;
    const text = (): string | null => {
      const length = data.readInt32BE(p);
      p += 4;
      if (length < 0) return null;
      p += length;
      return data.toString('utf8', p - length, p);
    };
    const at = text()!;
    const operator = text();
    const kind = text()!;
    const caseNo = text();
    const body = text()!;
    const hash = text()!;
    return { seq, at, operator, kind, case: caseNo, body, hash };
  }

  /** COPY data of the rows from `from` on, under stream `stream`. */
  copyData(from: number, stream: number): Buffer {
    // Row: field count (2 bytes), then the stream's length (4) and value (4).
    for (let i = from; i < this.starts.length; i++) this.data.writeInt32BE(stream, this.starts[i]! + 6);
    if (from === 0) return this.data;
    // The header, then the rows from `from` and the trailer.
    return Buffer.concat([this.data.subarray(0, 19), this.data.subarray(this.starts[from] ?? this.data.length - 2)]);
  }
}

/** The first broken link of a push's own events, as {@link AuditChainVerifier} names it. */
export interface PushedChainBreak {
  seq: number;
  reason: 'seq_gap' | 'prev_mismatch' | 'hash_mismatch';
}

/**
 * Checks a push's events among themselves, as {@link AuditChainVerifier} started at the first
 * event's prev and seq checks them (consecutive, each `prev` the hash before it, each hash SM3
 * of its content; the first broken link in seq order), and writes them as COPY rows on the way.
 * The events are the push schema's (hall/server validatePush): every field of its type, prev and
 * hash 64 lowercase hex, so that no link can be malformed. The digests come from `batch`, four
 * lanes at a time or Node's SM3. Returns the rows, or the first broken link.
 */
export function encodePushedChain(audit: readonly HallAuditEvent[], batch: Sm3Batch): { rows: AuditRows } | { broken: PushedChainBreak } {
  // A row takes its canonical body (about what the event took in the push's JSON) and its
  // index columns and hash again: about 600 bytes for the counter's events.
  const copy = new BinaryCopy(64 + 640 * audit.length);
  const starts: number[] = [];
  const bodyAt: number[] = [];
  const bodyLength: number[] = [];
  let link: PushedChainBreak | null = null;
  let prev = audit[0]?.prev;
  let expected = audit[0]?.seq;
  for (let i = 0; i < audit.length; i++) {
    const event = audit[i]!;
    if (event.seq !== expected) link = { seq: event.seq, reason: 'seq_gap' };
    else if (event.prev !== prev) link = { seq: event.seq, reason: 'prev_mismatch' };
    if (link) break;
    const message = canonicalEventBytes(event);
    batch.add(message);
    starts.push(copy.length);
    copy.row(AUDIT_EVENT_COLUMNS.length).int4(0).int8(event.seq).text(event.at).text(event.operator).text(event.kind).text(event.case);
    bodyAt.push(copy.length + 4);
    bodyLength.push(message.length - 64);
    copy.bytes(message.subarray(64)).text(event.hash);
    prev = event.hash;
    expected = event.seq + 1;
  }
  const digests = batch.flush();
  for (let i = 0; i < digests.length; i++) if (digests[i] !== audit[i]!.hash) return { broken: { seq: audit[i]!.seq, reason: 'hash_mismatch' } };
  if (link) return { broken: link };
  return { rows: new AuditRows(copy.finish(), starts, bodyAt, bodyLength) };
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
 * good, so the first broken link is the one a pass row by row finds.
 *
 * Per row, only the body is copied (once, into the hasher's memory, where the 64 bytes of its
 * own `prev` are copied in front of it and the padding written); the stored hashes are compared
 * where they lie in the COPY data, which is therefore never written to or reused while rows are
 * pending. No object, string or Buffer is made per row. Short loops stay in JavaScript where a
 * call to a native Buffer method would cost more than the bytes (comparing 64 bytes), and use
 * the native methods where it is the other way round (copyWithin and fill on the hasher's memory,
 * whose bytes JavaScript writes slowly).
 *
 * The body's own `prev` is the last `,"prev":"` in it: in canonical JSON the keys are sorted, so
 * after `prev` come only `role`, `seq` and `workstation`, scalars (a `prev` inside `details` comes
 * earlier; inside a string every `"` is escaped).
 */
const CHECKER = String.raw`
const { createHash } = require('node:crypto');
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const DIGESTS = 0;
const MESSAGES = 128;

function int32(data, at) {
  return (data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3];
}

// True when the 32 bytes of digest at digest[at] are the 64 lowercase hex characters at
// hex[hexAt] (a stored hash in upper case or with other characters is a mismatch).
function sameHex(digest, at, hex, hexAt) {
  for (let i = 0; i < 32; i++) {
    const byte = digest[at + i];
    if (hex[hexAt + 2 * i] !== HEX[byte >>> 4] || hex[hexAt + 2 * i + 1] !== HEX[byte & 15]) return false;
  }
  return true;
}

function same64(a, aAt, b, bAt) {
  for (let i = 0; i < 64; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

// Where the last ',"prev":"' of data[from, end) starts, or -1: a backward Horspool search. A
// window that does not match moves back to the nearest place where the byte under its start
// could sit in the key (nine bytes when it is not in the key at all, as most hex digits are not).
const KEY = [44, 34, 112, 114, 101, 118, 34, 58, 34];
const KEY_LENGTH = KEY.length;
const SHIFT = new Uint8Array(256).fill(KEY_LENGTH);
for (let k = KEY_LENGTH - 1; k >= 1; k--) SHIFT[KEY[k]] = k;
function prevKeyAt(data, from, end) {
  let i = end - KEY_LENGTH;
  while (i >= from) {
    if (
      data[i] === 44 && data[i + 1] === 34 && data[i + 2] === 112 && data[i + 3] === 114 && data[i + 4] === 101 &&
      data[i + 5] === 118 && data[i + 6] === 34 && data[i + 7] === 58 && data[i + 8] === 34
    ) return i;
    i -= SHIFT[data[i]];
  }
  return -1;
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
    // Queues data[from, to) (a body) behind the 64 bytes at data[prevAt] (its own prev, inside
    // it), padded as SM3 pads it.
    add(data, prevAt, from, to) {
      const length = 64 + to - from;
      const padded = (length + 9 + 63) & ~63;
      if (cursor + padded > bytes.length) {
        memory.grow(Math.ceil((cursor + padded - bytes.length) / 65536));
        bytes = new Uint8Array(memory.buffer);
      }
      const start = cursor;
      const end = start + padded;
      data.copy(bytes, start + 64, from, to);
      const prev = start + 64 + prevAt - from;
      bytes.copyWithin(start, prev, prev + 64);
      bytes[start + length] = 0x80;
      bytes.fill(0, start + length + 1, end - 8);
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

// Checks rows in seq order from expected, the first one linked to prevHex. row() is handed to
// copyReader as it is (no wrapper, no spread of its arguments).
function makeChecker(wasmBytes, prevHex, expected) {
  const lanes = simdLanes(wasmBytes);
  // The stored hash before the next row, where it lies.
  let prevData = Buffer.from(prevHex, 'latin1');
  let prevAt = 0;
  let rows = 0;
  let broken = null;
  const laneSeq = [0, 0, 0, 0];
  const laneRow = [0, 0, 0, 0];
  const laneData = [null, null, null, null];
  const laneHashAt = [0, 0, 0, 0];
  const settle = () => {
    if (!lanes || lanes.count === 0) return;
    const n = lanes.flush();
    const digests = lanes.bytes;
    for (let i = 0; i < n && !broken; i++) if (!sameHex(digests, DIGESTS + 32 * i, laneData[i], laneHashAt[i])) broken = { seq: laneSeq[i], reason: 'hash_mismatch', checked: laneRow[i] };
    for (let i = 0; i < 4; i++) laneData[i] = null;
  };
  // One row: its seq, its hash at data[hashAt, hashAt + hashLength), its body at data[bodyAt, bodyAt + bodyLength). False once the chain is broken.
  const row = (data, seq, hashAt, hashLength, bodyAt, bodyLength) => {
    if (broken) return false;
    const ordinal = ++rows;
    const end = bodyAt + bodyLength;
    let reason = null;
    let linked = -1;
    if (seq !== expected) reason = 'seq_gap';
    else if (hashLength !== 64) reason = 'malformed';
    else {
      const at = prevKeyAt(data, bodyAt, end);
      linked = at + KEY_LENGTH;
      if (at < 0 || linked + 65 > end || data[linked + 64] !== 34) reason = 'malformed';
      else if (!same64(data, linked, prevData, prevAt)) reason = 'prev_mismatch';
    }
    if (reason) {
      settle();
      if (!broken) broken = { seq, reason, checked: ordinal };
      return false;
    }
    // What the hash covers is the hash before (equal to the body's own prev, just checked) ‖ body.
    if (lanes) {
      const lane = lanes.count;
      lanes.add(data, linked, bodyAt, end);
      laneSeq[lane] = seq;
      laneRow[lane] = ordinal;
      laneData[lane] = data;
      laneHashAt[lane] = hashAt;
      if (lane === 3) settle();
    } else {
      const digest = createHash('sm3').update(data.subarray(linked, linked + 64)).update(data.subarray(bodyAt, end)).digest();
      if (!sameHex(digest, 0, data, hashAt)) broken = { seq, reason: 'hash_mismatch', checked: ordinal };
    }
    prevData = data;
    prevAt = hashAt;
    expected++;
    return !broken;
  };
  return {
    row,
    // Settles the lanes: the first broken link, the rows checked, the next seq expected.
    end() {
      settle();
      return { broken: broken && { seq: broken.seq, reason: broken.reason }, checked: broken ? broken.checked : rows, expected };
    },
  };
}

// Reads binary COPY data (rows of seq int8, hash text, body text) fed as pieces piece[start, end)
// of any size, handing each whole row to onRow until it returns false. A row is read where it
// lies; a row cut between two pieces is copied into a Buffer of its own. The pieces must stay
// unchanged while the checker holds rows of them (see makeChecker).
function copyReader(onRow) {
  let pending = null;
  let headerRead = false;
  let going = true;
  return {
    feed(piece, start, end) {
      if (!going) return;
      let data = piece;
      let at = start;
      let limit = end;
      if (pending) {
        data = Buffer.concat([pending, piece.subarray(start, end)]);
        at = 0;
        limit = data.length;
        pending = null;
      }
      if (!headerRead) {
        if (limit - at < 19 || limit - at < 19 + (int32(data, at + 15) >>> 0)) { pending = Buffer.from(data.subarray(at, limit)); return; }
        if (data.compare(SIGNATURE, 0, 11, at, at + 11) !== 0) throw new Error('not a binary COPY');
        at += 19 + (int32(data, at + 15) >>> 0);
        headerRead = true;
      }
      while (going && limit - at >= 2) {
        const fields = (data[at] << 8) | data[at + 1];
        if (fields === 0xffff) { going = false; return; }
        if (fields !== 3) throw new Error('unexpected COPY row');
        if (limit - at < 14) break;
        let p = at + 2;
        if (int32(data, p) !== 8) throw new Error('unexpected seq field');
        const seq = (int32(data, p + 4) >>> 0) * 4294967296 + (int32(data, p + 8) >>> 0);
        p += 12;
        if (limit - p < 4) break;
        const hashLength = int32(data, p);
        p += 4;
        if (hashLength < 0) throw new Error('unexpected NULL');
        if (limit - p < hashLength + 4) break;
        const hashAt = p;
        p += hashLength;
        const bodyLength = int32(data, p);
        p += 4;
        if (bodyLength < 0) throw new Error('unexpected NULL');
        if (limit - p < bodyLength) break;
        going = onRow(data, seq, hashAt, hashLength, p, bodyLength);
        at = p + bodyLength;
      }
      if (going && at < limit) pending = Buffer.from(data.subarray(at, limit));
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
    const data = Buffer.from(range.data);
    copyReader(checker.row).feed(data, 0, data.length);
    parentPort.postMessage({ id: range.id, ...checker.end() });
  } catch (error) {
    parentPort.postMessage({ id: range.id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * A worker that reads and checks one range on a connection of its own (PostgreSQL): the server
 * produces the rows while the worker hashes those already sent.
 *
 * node-postgres opens the connection (and authenticates, over TLS where the URL asks for it);
 * the COPY itself is then read straight off the connection's socket. node-postgres would make a
 * message object, a Buffer and an event of every CopyData message, one a row, which cost the
 * worker more than all its other work but the hashing; and it reuses its read buffer, where the
 * checker keeps rows until their digests are back. The socket's chunks are never reused.
 */
const CHECK_RANGE_WORKER = `${CHECKER}
const { parentPort, workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);

// The text of an ErrorResponse message's M (message) field, with its SQLSTATE.
function serverError(data, from, to) {
  let message = 'the server refused the copy';
  let code = '';
  for (let at = from; at < to && data[at] !== 0; ) {
    const type = data[at];
    const zero = data.indexOf(0, at + 1);
    if (zero < 0 || zero >= to) break;
    const text = data.toString('utf8', at + 1, zero);
    if (type === 77) message = text;
    if (type === 67) code = text;
    at = zero + 1;
  }
  return new Error(code ? message + ' (' + code + ')' : message);
}

// Runs one simple query, a COPY … TO STDOUT, on the socket of a connection that is otherwise
// idle, handing each CopyData message's bytes to onData(data, start, end); resolves at
// ReadyForQuery. Messages may be cut anywhere between the socket's chunks.
function copyOut(socket, text, onData) {
  return new Promise((resolve, reject) => {
    let pending = null;
    let failure = null;
    let settled = false;
    const finish = (error) => {
      if (settled) return;
      settled = true;
      socket.removeListener('data', onChunk);
      socket.removeListener('close', onClose);
      if (error) reject(error); else resolve();
    };
    const onClose = () => finish(failure || new Error('the connection to the database closed during the copy'));
    // One message at data[at]; false at ReadyForQuery.
    const message = (data, at, end) => {
      const code = data[at];
      if (code === 100) { if (!failure) onData(data, at + 5, end); }
      else if (code === 69) failure = failure || serverError(data, at + 5, end);
      else if (code === 90) { finish(failure); return false; }
      return true;
    };
    const onChunk = (chunk) => {
      try {
        let at = 0;
        if (pending) {
          // Complete the message cut at the end of the last chunk (its header first).
          const head = pending.length < 5 ? Buffer.concat([pending, chunk.subarray(0, 5 - pending.length)]) : pending;
          at = head.length - pending.length;
          if (head.length < 5) { pending = head; return; }
          const missing = 1 + (int32(head, 1) >>> 0) - head.length;
          if (chunk.length - at < missing) { pending = Buffer.concat([head, chunk.subarray(at)]); return; }
          const whole = Buffer.concat([head, chunk.subarray(at, at + missing)]);
          pending = null;
          at += missing;
          if (!message(whole, 0, whole.length)) return;
        }
        while (chunk.length - at >= 5) {
          const end = at + 1 + (int32(chunk, at + 1) >>> 0);
          if (end > chunk.length) break;
          if (!message(chunk, at, end)) return;
          at = end;
        }
        if (at < chunk.length) pending = Buffer.from(chunk.subarray(at));
      } catch (error) {
        failure = failure || error;
        finish(failure);
      }
    };
    socket.removeAllListeners('data');
    socket.on('data', onChunk);
    socket.on('close', onClose);
    const query = Buffer.alloc(6 + Buffer.byteLength(text));
    query[0] = 81;
    query.writeInt32BE(query.length - 1, 1);
    query.write(text, 5, 'utf8');
    socket.write(query);
  });
}

(async () => {
  const { stream, from, to, prev } = workerData;
  // COPY takes no parameters: only integers go into it.
  if (![stream, from, to].every(Number.isSafeInteger)) throw new Error('bad range');
  const client = new pg.Client(workerData.connectionString);
  // The socket is this worker's once connected: node-postgres's own view of it ends here.
  client.on('error', () => undefined);
  await client.connect();
  const socket = client.connection && client.connection.stream;
  try {
    if (!socket || typeof socket.write !== 'function') throw new Error('no socket to the database');
    const checker = makeChecker(workerData.wasmBytes, prev, from);
    const reader = copyReader(checker.row);
    await copyOut(socket, 'COPY (SELECT seq, hash, body FROM audit_events WHERE stream = ' + stream + ' AND seq BETWEEN ' + from + ' AND ' + to + ' ORDER BY seq) TO STDOUT (FORMAT binary)', reader.feed);
    parentPort.postMessage(checker.end());
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  } finally {
    // Terminate, then close.
    if (socket) socket.end(Buffer.from([88, 0, 0, 0, 4]));
  }
})();
`;

/**
 * The checkers are plain JavaScript: they start without the hall's own Node options. Under
 * `tsx` (npm run hall) a worker would otherwise load its loader hooks, whose thread spent about a
 * second of CPU on every verification of a million events.
 */
const WORKER_EXEC_ARGV: string[] = [];

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
      const worker = new Worker(CHECK_DATA_WORKER, { eval: true, execArgv: WORKER_EXEC_ARGV, workerData: { wasmBytes } });
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
    const worker = new Worker(CHECK_RANGE_WORKER, {
      eval: true,
      execArgv: WORKER_EXEC_ARGV,
      workerData: { ...range, stream, pgPath, connectionString, wasmBytes },
    });
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
