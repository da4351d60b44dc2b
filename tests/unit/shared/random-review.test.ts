import { describe, expect, it } from 'vitest';
import { checkReviewDraw, drawReview, MAX_REVIEW_SIZE, normalizeCandidates, seedFromBytes } from '../../../shared/random-review';
import { sm3Hex } from '../../../shared/sm';

const cases = (n: number, day = '20261126') => Array.from({ length: n }, (_, i) => `PD01-${day}-${String(i + 1).padStart(4, '0')}`);

describe('drawReview', () => {
  const pool = cases(40);

  it('draws the same cases with the same seed over the same candidates', () => {
    expect(drawReview('seed-2026', pool, 5)).toEqual(drawReview('seed-2026', pool, 5));
  });

  it('does not depend on the order or repetition of the candidates', () => {
    const shuffled = [...pool].reverse().concat(pool.slice(0, 3));
    expect(drawReview('seed-2026', shuffled, 5)).toEqual(drawReview('seed-2026', pool, 5));
  });

  it('draws other cases with another seed', () => {
    expect(drawReview('seed-2027', pool, 5).picked).not.toEqual(drawReview('seed-2026', pool, 5).picked);
  });

  it('draws distinct cases, all among the candidates', () => {
    const { picked } = drawReview('abcd', pool, 20);
    expect(new Set(picked).size).toBe(20);
    for (const caseNo of picked) expect(pool).toContain(caseNo);
  });

  it('follows the documented procedure (SM3 counter, rejection sampling, partial Fisher–Yates)', () => {
    const sorted = normalizeCandidates(['C', 'A', 'B']);
    let k = 0;
    const uniform = (m: number) => {
      const limit = Math.floor(2 ** 32 / m) * m;
      for (;;) {
        const r = Number.parseInt(sm3Hex(`review:s123:${k++}`).slice(0, 8), 16);
        if (r < limit) return r % m;
      }
    };
    const expected = [...sorted];
    for (let i = 0; i < 2; i++) {
      const j = i + uniform(expected.length - i);
      [expected[i], expected[j]] = [expected[j]!, expected[i]!];
    }
    expect(drawReview('s123', ['B', 'C', 'A'], 2).picked).toEqual(expected.slice(0, 2));
  });

  it.each([
    ['more asked than there are', 10, 4, 4],
    ['exactly as many', 4, 4, 4],
    ['none to draw from', 3, 0, 0],
  ])('with %s (n=%i, %i candidates) picks %i', (_, n, available, picked) => {
    const draw = drawReview('seed', cases(available), n);
    expect(draw.picked).toHaveLength(picked);
    expect(draw.candidateCount).toBe(available);
    expect(draw.size).toBe(n);
  });

  it('records the candidates as a count and a digest', () => {
    const draw = drawReview('seed', [...pool, pool[0]!], 3);
    expect(draw.candidateCount).toBe(40);
    expect(draw.candidatesDigest).toBe(sm3Hex(pool.join('\n')));
  });

  it.each([
    ['a seed too short', 'abc', 3],
    ['a seed with spaces', 'ab cd', 3],
    ['n = 0', 'seed', 0],
    ['n above the maximum', 'seed', MAX_REVIEW_SIZE + 1],
    ['a fractional n', 'seed', 2.5],
  ])('refuses %s', (_, seed, n) => {
    expect(() => drawReview(seed as string, pool, n as number)).toThrow(RangeError);
  });
});

describe('checkReviewDraw', () => {
  const pool = cases(30);
  const draw = drawReview('check-1', pool, 4);

  it.each([
    ['the same candidates', pool, true],
    ['the same candidates in another order', [...pool].reverse(), true],
    ['one candidate more', [...pool, 'PD01-20261127-0001'], false],
    ['one candidate fewer', pool.slice(1), false],
  ])('with %s answers %s', (_, candidates, ok) => {
    expect(checkReviewDraw(draw, candidates)).toBe(ok);
  });

  it('refuses a draw whose picked cases were changed', () => {
    expect(checkReviewDraw({ ...draw, picked: [...draw.picked].reverse() }, pool)).toBe(false);
  });

  it('checks an empty draw too', () => {
    expect(checkReviewDraw(drawReview('empty-1', [], 3), [])).toBe(true);
    expect(checkReviewDraw(drawReview('empty-1', [], 3), ['X'])).toBe(false);
  });
});

describe('seedFromBytes', () => {
  it.each([
    [[0, 1, 254, 255], '0001feff'],
    [[16, 32, 48, 64, 80, 96, 112, 128], '1020304050607080'],
  ])('%j → %s', (bytes, seed) => {
    expect(seedFromBytes(Uint8Array.from(bytes))).toBe(seed);
  });

  it('needs at least 4 bytes', () => {
    expect(() => seedFromBytes(new Uint8Array(3))).toThrow(RangeError);
  });
});
