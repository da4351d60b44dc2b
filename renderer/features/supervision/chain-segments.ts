import { AUDIT_GENESIS_PREV, AuditChainVerifier, type AuditBreakReason, type AuditChainResult, type AuditEvent } from '../../../shared/audit-chain';
import type { Sm3Batch } from '../../../shared/sm';
import type { WorkstationDb } from '../../db/db';
import { Sm3Simd } from '../../sm3/sm3-simd';

/** How a verification hashed: four events at a time in WebAssembly SIMD, or one at a time in JavaScript. */
export type ChainHashing = 'wasm-simd' | 'javascript';

/** The hasher for a verification: SM3 in WebAssembly SIMD where the engine allows it, else none (JavaScript). */
export async function chainHasher(): Promise<{ batch: Sm3Batch | undefined; hashing: ChainHashing }> {
  const simd = await Sm3Simd.create();
  return simd ? { batch: simd, hashing: 'wasm-simd' } : { batch: undefined, hashing: 'javascript' };
}

/**
 * What one worker found in its range of seqs. Each event's hash and the links inside the range
 * are checked there; the link into the range (the first event's seq and `prev`) is checked when
 * the segments are stitched, because only the previous segment knows what they must be.
 */
export interface SegmentResult {
  fromSeq: number;
  toSeq: number;
  /** Events checked, up to and including a broken one. */
  checked: number;
  /** The first event's seq and `prev` (null when the range is empty). */
  firstSeq: number | null;
  firstPrev: string | null;
  /** The last event's seq and hash when the segment is intact (what the next segment must follow). */
  lastSeq: number | null;
  lastHash: string | null;
  broken: { seq: number | null; reason: AuditBreakReason } | null;
}

/** Reads the stored events with seq in [fromSeq, toSeq], in seq order. */
export type AuditEventReader = (fromSeq: number, toSeq: number) => Promise<AuditEvent[]>;

/**
 * A reader over the raw IndexedDB store: one `getAll` per range. Raw, not through Dexie:
 * verification reads every event of the chain, and Dexie's layers cost more per page than the
 * read itself.
 */
export function indexedDbEventReader(database: IDBDatabase): AuditEventReader {
  return (fromSeq, toSeq) =>
    new Promise((resolve, reject) => {
      const request = database.transaction('auditEvents', 'readonly').objectStore('auditEvents').getAll(IDBKeyRange.bound(fromSeq, toSeq));
      request.onsuccess = () => resolve(request.result as AuditEvent[]);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB read failed'));
    });
}

/** A reader over the page's database (opened by Dexie, read raw). */
export async function workstationEventReader(db: WorkstationDb): Promise<AuditEventReader> {
  if (!db.isOpen()) await db.open();
  return indexedDbEventReader(db.backendDB());
}

// Pages big enough that IndexedDB's per-request cost is small and small enough to report
// progress often; two in flight, so the database reads the next page while this one is hashed.
const PAGE = 2_000;
const IN_FLIGHT = 2;

/**
 * Verifies the events with seq in [fromSeq, toSeq], read in pages of consecutive seqs (a
 * missing event only makes its page shorter: the verifier reports the gap). Reads are
 * requested ahead, so IndexedDB reads while SM3 runs, and hashing happens outside any
 * transaction (awaiting anything else inside one commits it early). With `batch`, each page's
 * hashes are computed together (four at a time in WebAssembly SIMD).
 */
export async function verifySegment(
  read: AuditEventReader,
  fromSeq: number,
  toSeq: number,
  onProgress: (checked: number) => void = () => {},
  pageSize = PAGE,
  batch?: Sm3Batch,
): Promise<SegmentResult> {
  let verifier: AuditChainVerifier | null = null;
  let first: AuditEvent | null = null;
  let lastSeq: number | null = null;
  let next = fromSeq;
  const queue: Promise<AuditEvent[]>[] = [];
  const requestAhead = () => {
    while (queue.length < IN_FLIGHT && next <= toSeq) {
      const to = Math.min(toSeq, next + pageSize - 1);
      queue.push(read(next, to));
      next = to + 1;
    }
  };
  requestAhead();
  try {
    while (queue.length > 0) {
      const page = await queue.shift()!;
      requestAhead();
      if (page.length === 0) continue;
      if (!verifier) {
        first = page[0]!;
        verifier = new AuditChainVerifier(String(first.prev), first.seq, batch);
      }
      const intact = verifier.pushAll(page);
      onProgress(verifier.result.checked);
      if (!intact) break;
      lastSeq = page.at(-1)!.seq;
    }
  } finally {
    // Reads still in flight after a break are left to finish, their results unused.
    await Promise.allSettled(queue);
  }
  const result = verifier?.result ?? { ok: true, checked: 0, firstBroken: null };
  const intact = result.ok && verifier !== null && result.checked > 0;
  return {
    fromSeq,
    toSeq,
    checked: result.checked,
    firstSeq: first?.seq ?? null,
    firstPrev: first ? String(first.prev) : null,
    lastSeq: intact ? lastSeq : null,
    lastHash: intact ? verifier!.lastHash : null,
    broken: result.firstBroken,
  };
}

/**
 * Joins the segments of a chain, in seq order, into the result a single pass from the genesis
 * would give: the first broken link, where a wrong link into a segment (`prev_mismatch`) comes
 * before anything found inside it, as it would in one pass.
 */
export function stitchSegments(segments: readonly SegmentResult[]): AuditChainResult {
  let prevHash = AUDIT_GENESIS_PREV;
  let expectedSeq = 1;
  let checked = 0;
  const fail = (seq: number | null, reason: AuditBreakReason, n: number): AuditChainResult => ({
    ok: false,
    checked: checked + n,
    firstBroken: { seq, reason },
  });
  for (const segment of segments) {
    if (segment.checked === 0) continue;
    const { broken, firstSeq } = segment;
    // One pass checks an event's shape, then its seq, then its prev, then its hash.
    if (broken && broken.seq === firstSeq && broken.reason === 'malformed') return fail(firstSeq, 'malformed', 1);
    if (firstSeq !== expectedSeq) return fail(firstSeq, 'seq_gap', 1);
    if (segment.firstPrev !== prevHash) return fail(firstSeq, 'prev_mismatch', 1);
    if (broken) return fail(broken.seq, broken.reason, segment.checked);
    checked += segment.checked;
    prevHash = segment.lastHash!;
    expectedSeq = segment.lastSeq! + 1;
  }
  return { ok: true, checked, firstBroken: null };
}

/** Splits seqs 1 … lastSeq into `parts` contiguous ranges of about equal size. */
export function splitSeqs(lastSeq: number, parts: number): { fromSeq: number; toSeq: number }[] {
  if (lastSeq < 1) return [];
  const count = Math.max(1, Math.min(parts, lastSeq));
  const size = Math.ceil(lastSeq / count);
  const ranges: { fromSeq: number; toSeq: number }[] = [];
  for (let from = 1; from <= lastSeq; from += size) ranges.push({ fromSeq: from, toSeq: Math.min(lastSeq, from + size - 1) });
  return ranges;
}
