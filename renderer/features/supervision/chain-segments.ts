import { AUDIT_GENESIS_PREV, AuditChainVerifier, type AuditBreakReason, type AuditChainResult, type AuditEvent } from '../../../shared/audit-chain';
import type { WorkstationDb } from '../../db/db';

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

// Big enough that IndexedDB's per-request cost is small, small enough to report progress often.
const PAGE = 4_000;

/**
 * Verifies the events with seq in [fromSeq, toSeq] read from the database in pages. The next
 * page is requested before the current one is hashed, so IndexedDB reads while SM3 runs, and
 * hashing happens outside any transaction (awaiting anything else inside one commits it early).
 */
export async function verifySegment(
  db: WorkstationDb,
  fromSeq: number,
  toSeq: number,
  onProgress: (checked: number) => void = () => {},
  pageSize = PAGE,
): Promise<SegmentResult> {
  const read = (after: number) =>
    db.auditEvents
      .where('seq')
      .between(after, toSeq, false, true)
      .limit(pageSize)
      .toArray() as Promise<AuditEvent[]>;
  let verifier: AuditChainVerifier | null = null;
  let first: AuditEvent | null = null;
  let lastSeq: number | null = null;
  let pending = read(fromSeq - 1);
  for (;;) {
    const page = await pending;
    if (page.length === 0) break;
    const last = page.at(-1)!;
    if (page.length === pageSize && last.seq < toSeq) pending = read(last.seq);
    else pending = Promise.resolve([]);
    if (!verifier) {
      first = page[0]!;
      verifier = new AuditChainVerifier(String(first.prev), first.seq);
    }
    const intact = verifier.pushAll(page);
    onProgress(verifier.result.checked);
    if (!intact) {
      await pending;
      break;
    }
    lastSeq = last.seq;
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
  const fail = (seq: number | null, reason: AuditBreakReason, n: number): AuditChainResult => ({ ok: false, checked: checked + n, firstBroken: { seq, reason } });
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
