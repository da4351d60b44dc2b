/**
 * Random review (随机抽查, Art. 29): a supervisor draws N completed cases of a period for a
 * closer look. The draw is repeatable and checkable: it depends only on the seed and on the
 * set of candidate case numbers, and both are recorded (the candidates as their count and a
 * digest), so anyone can draw again and get the same cases.
 *
 * The procedure, exactly:
 *
 * 1. the candidates are the case numbers, without duplicates, sorted by UTF-16 code units;
 * 2. the k-th random number (k = 0, 1, 2, …) is the first 8 hex digits of
 *    `SM3(UTF-8("review:" + seed + ":" + k))` read as an unsigned 32-bit integer;
 * 3. a partial Fisher–Yates shuffle picks the cases: for i = 0 … n−1, j = i + uniform(count − i),
 *    swap positions i and j; `uniform(m)` takes the next random number r and rejects it while
 *    r ≥ ⌊2³² / m⌋ · m (so that every case is equally likely), else answers r mod m;
 * 4. the picked cases are positions 0 … n−1, in the order they were drawn.
 */
import { sm3Hex } from './sm';

/** Pattern of a seed: 4 to 64 letters, digits or dashes (typed by a supervisor, or generated). */
export const REVIEW_SEED_PATTERN = /^[A-Za-z0-9-]{4,64}$/;

/** The most cases one review may draw. */
export const MAX_REVIEW_SIZE = 200;

/** A draw, with what is needed to repeat and check it. */
export interface ReviewDraw {
  seed: string;
  /** How many cases were asked for. */
  size: number;
  /** How many distinct candidates there were. */
  candidateCount: number;
  /** SM3 of the sorted candidates joined by a line feed: shows the draw was made from the same list. */
  candidatesDigest: string;
  /** The cases drawn, in the order they were drawn. */
  picked: string[];
}

/** The candidates as the draw uses them: distinct and sorted by UTF-16 code units. */
export function normalizeCandidates(candidates: Iterable<string>): string[] {
  return [...new Set(candidates)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Draws `n` cases (or all of them, when there are fewer) from the candidates with the seed.
 * Throws a RangeError on a seed that is not {@link REVIEW_SEED_PATTERN} or an `n` outside 1 … {@link MAX_REVIEW_SIZE}.
 */
export function drawReview(seed: string, candidates: Iterable<string>, n: number): ReviewDraw {
  if (!REVIEW_SEED_PATTERN.test(seed)) throw new RangeError(`drawReview: bad seed ${JSON.stringify(seed)}`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REVIEW_SIZE) throw new RangeError(`drawReview: n must be 1–${MAX_REVIEW_SIZE}, got ${n}`);
  const pool = normalizeCandidates(candidates);
  const digest = sm3Hex(pool.join('\n'));
  let counter = 0;
  const next = (): number => Number.parseInt(sm3Hex(`review:${seed}:${counter++}`).slice(0, 8), 16);
  const uniform = (m: number): number => {
    const limit = Math.floor(0x1_0000_0000 / m) * m;
    for (;;) {
      const r = next();
      if (r < limit) return r % m;
    }
  };
  const count = Math.min(n, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + uniform(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return { seed, size: n, candidateCount: pool.length, candidatesDigest: digest, picked: pool.slice(0, count) };
}

/**
 * Whether a recorded draw is what the seed gives over these candidates: the same candidate
 * count and digest, and the same cases in the same order.
 */
export function checkReviewDraw(draw: ReviewDraw, candidates: Iterable<string>): boolean {
  const again = drawReview(draw.seed, candidates, draw.size);
  return (
    again.candidateCount === draw.candidateCount &&
    again.candidatesDigest === draw.candidatesDigest &&
    again.picked.length === draw.picked.length &&
    again.picked.every((caseNo, i) => caseNo === draw.picked[i])
  );
}

/** A new seed from random bytes (e.g. `crypto.getRandomValues(new Uint8Array(8))`): 16 lowercase hex digits. */
export function seedFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 4) throw new RangeError('seedFromBytes: at least 4 bytes');
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A reviewer's finding on one drawn case. */
export type ReviewVerdict = 'compliant' | 'issue';
