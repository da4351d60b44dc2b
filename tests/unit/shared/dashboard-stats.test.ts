import { describe, expect, it } from 'vitest';
import type { PurgedCase, PurgedMaterial } from '../../../shared/counter-case';
import {
  casesBehind,
  daysOf,
  emptyTally,
  inPeriod,
  mergeTallies,
  nearestRank,
  periodBounds,
  shanghaiDayOf,
  summarize,
  tallyCases,
  tallyObjections,
  type DashboardFigure,
} from '../../../shared/dashboard-stats';
import type { PaperReason } from '../../../shared/library-api';
import { isDay, type VerificationOutcome } from '../../../shared/licence-verify';

type Line = ['exempt', VerificationOutcome, number] | ['paper', PaperReason, VerificationOutcome | null, number | null] | ['missing'];

function material(i: number, line: Line): PurgedMaterial {
  const base = { materialId: `M0${i}`, name: `材料${i}`, required: line[0] !== 'missing', override: null, paperScan: null };
  const licence = (outcome: VerificationOutcome) => ({
    licenceId: `L-${i}-${outcome}`,
    typeCode: '11100000000013127D001',
    issuerCode: '11310000MB2F25863W',
    version: '001',
    status: 'valid' as const,
    outcome,
    checks: [],
    verifiedAt: '2026-11-26T02:00:00Z',
    fileHash: 'f'.repeat(64),
  });
  if (line[0] === 'exempt') {
    return {
      ...base,
      record: { materialId: base.materialId, outcome: 'exempt', licenceId: `L-${i}-valid`, paperReason: null },
      licences: [licence(line[1])],
      pullLatencyMs: line[2],
    };
  }
  if (line[0] === 'paper') {
    return {
      ...base,
      record: { materialId: base.materialId, outcome: 'paper', licenceId: null, paperReason: line[1] },
      licences: line[2] ? [licence(line[2])] : [],
      pullLatencyMs: line[3],
    };
  }
  return { ...base, record: { materialId: base.materialId, outcome: 'missing', licenceId: null, paperReason: null }, licences: [], pullLatencyMs: null };
}

function completed(caseNo: string, lines: Line[], training = false, completedAt = '2026-11-26T02:10:00Z'): PurgedCase {
  return {
    caseNo,
    matter: { code: '310000-MZ-HY-006', name: '内地居民结婚登记' },
    holder: { idType: '111', idNumber: '310101198503120014' },
    grant: null,
    operatorId: 'clerk01',
    workstationId: 'PD01',
    training,
    openedAt: '2026-11-26T02:00:00Z',
    completedAt,
    purgedAt: completedAt,
    materials: lines.map((line, i) => material(i + 1, line)),
  };
}

const A = completed('PD01-20261126-0001', [
  ['exempt', 'valid', 120],
  ['exempt', 'valid', 200],
]);
const B = completed('PD01-20261126-0002', [['exempt', 'valid', 90], ['paper', 'not_in_library', null, 300], ['missing']]);
const C = completed('PD01-20261126-0003', [['paper', 'elderly', null, null]]);
const D = completed('PD01-20261126-0004', [['paper', 'verification_failed', 'revoked', 800]]);
const TRAINING = completed('PD01-20261126-0005', [['paper', 'elderly', 'expired', 5000]], true);
const ALL = [A, B, C, D, TRAINING];

describe('tallyCases', () => {
  const tally = tallyCases(ALL);

  it('counts completed cases, training left out', () => {
    expect(tally.cases).toBe(4);
  });

  it('counts materials by how they were satisfied', () => {
    expect(tally.materials).toEqual({ exempt: 3, paper: 3, missing: 1 });
  });

  it('counts paper by reason', () => {
    expect(tally.paperByReason).toMatchObject({ not_in_library: 1, elderly: 1, verification_failed: 1, no_phone: 0 });
  });

  it('counts licences by verification outcome', () => {
    expect(tally.outcomes).toMatchObject({ valid: 3, revoked: 1, expired: 0 });
  });

  it('keeps every timed pull', () => {
    expect([...tally.latencies].sort((a, b) => a - b)).toEqual([90, 120, 200, 300, 800]);
  });

  it('counts the training cases alone in the training scope, never mixed with the real ones', () => {
    const training = tallyCases(ALL, 'training');
    expect(training.cases).toBe(1);
    expect(training.paperByReason.elderly).toBe(1);
    expect(training.outcomes.expired).toBe(1);
    expect(training.latencies).toEqual([5000]);
  });

  it('reads rows written before the pull latency was kept', () => {
    const old = completed('PD01-20261126-0009', [['exempt', 'valid', 1]]);
    delete old.materials[0]!.pullLatencyMs;
    expect(tallyCases([old]).latencies).toEqual([]);
  });
});

describe('summarize', () => {
  it.each([
    ['the sample', ALL, { cases: 4, materialsHandedIn: 6, exempt: 3, paper: 3, missing: 1, exemptionRate: 0.5, latencyP50: 200, latencyP95: 800, pulls: 5 }],
    ['nothing', [], { cases: 0, materialsHandedIn: 0, exemptionRate: null, latencyP50: null, latencyP95: null, pulls: 0 }],
    ['training only', [TRAINING], { cases: 0, exemptionRate: null }],
    ['all exempt', [A], { exemptionRate: 1, latencyP50: 120, latencyP95: 200 }],
  ] as const)('of %s', (_, cases, expected) => {
    expect(summarize(tallyCases(cases))).toMatchObject(expected);
  });
});

describe('nearestRank', () => {
  it.each([
    [[5], 0.5, 5],
    [[1, 2, 3, 4], 0.5, 2],
    [[4, 3, 2, 1], 0.95, 4],
    [Array.from({ length: 100 }, (_, i) => 100 - i), 0.95, 95],
    [[], 0.5, null],
  ])('%j at %s is %s', (samples, q, expected) => {
    expect(nearestRank(samples, q)).toBe(expected);
  });
});

describe('mergeTallies', () => {
  it('adds up per-day tallies to the tally of all their cases', () => {
    const merged = mergeTallies([tallyCases([A, TRAINING]), tallyCases([B]), emptyTally(), tallyCases([C, D])]);
    const whole = tallyCases(ALL);
    expect({ ...merged, latencies: [...merged.latencies].sort((a, b) => a - b) }).toEqual({ ...whole, latencies: [...whole.latencies].sort((a, b) => a - b) });
  });
});

describe('casesBehind', () => {
  it.each<[string, DashboardFigure, string[]]>([
    ['all cases', { kind: 'cases' }, [A.caseNo, B.caseNo, C.caseNo, D.caseNo]],
    ['exempt materials', { kind: 'material', outcome: 'exempt' }, [A.caseNo, B.caseNo]],
    ['paper materials', { kind: 'material', outcome: 'paper' }, [B.caseNo, C.caseNo, D.caseNo]],
    ['missing materials', { kind: 'material', outcome: 'missing' }, [B.caseNo]],
    ['paper for the elderly', { kind: 'paper_reason', reason: 'elderly' }, [C.caseNo]],
    ['paper because not in the library', { kind: 'paper_reason', reason: 'not_in_library' }, [B.caseNo]],
    ['revoked licences', { kind: 'outcome', outcome: 'revoked' }, [D.caseNo]],
    ['expired licences (training only)', { kind: 'outcome', outcome: 'expired' }, []],
    ['pulls of 300 ms or more', { kind: 'latency', minMs: 300 }, [B.caseNo, D.caseNo]],
  ])('of %s', (_, figure, expected) => {
    expect(casesBehind(ALL, figure)).toEqual(expected);
  });

  it('in the training scope, the training cases alone (a workstation in training)', () => {
    expect(casesBehind(ALL, { kind: 'cases' }, 'training')).toEqual([TRAINING.caseNo]);
    expect(casesBehind(ALL, { kind: 'outcome', outcome: 'expired' }, 'training')).toEqual([TRAINING.caseNo]);
    expect(casesBehind(ALL, { kind: 'outcome', outcome: 'revoked' }, 'training')).toEqual([]);
  });

  it('agrees with the counts', () => {
    const tally = tallyCases(ALL);
    expect(casesBehind(ALL, { kind: 'cases' })).toHaveLength(tally.cases);
    expect(casesBehind(ALL, { kind: 'paper_reason', reason: 'verification_failed' })).toHaveLength(tally.paperByReason.verification_failed);
  });
});

describe('days in Asia/Shanghai', () => {
  it.each([
    ['2026-11-25T15:59:59Z', '2026-11-25'],
    ['2026-11-25T16:00:00Z', '2026-11-26'],
    ['2026-12-31T23:00:00.000Z', '2027-01-01'],
  ])('%s is on %s', (iso, day) => {
    expect(shanghaiDayOf(iso)).toBe(day);
  });

  it.each([
    [{ from: '2026-11-26', to: '2026-11-26' }, '2026-11-25T16:00:00.000Z', '2026-11-26T16:00:00.000Z'],
    [{ from: '2026-02-27', to: '2026-03-01' }, '2026-02-26T16:00:00.000Z', '2026-03-01T16:00:00.000Z'],
  ])('%j is bounded by %s and %s', (period, fromIso, toIso) => {
    expect(periodBounds(period)).toEqual({ fromIso, toIso });
  });

  it.each([[{ from: '2026-11-27', to: '2026-11-26' }], [{ from: '2026-02-30', to: '2026-03-01' }], [{ from: 'yesterday', to: '2026-03-01' }]])(
    'refuses %j',
    (period) => {
      expect(() => periodBounds(period)).toThrow(RangeError);
    },
  );

  it('lists the days of a period across a month end', () => {
    expect(daysOf({ from: '2026-02-27', to: '2026-03-02' })).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it.each([
    ['2026-11-25T16:00:00Z', true],
    ['2026-11-25T15:59:59Z', false],
    ['2026-11-27T15:59:59Z', true],
    ['2026-11-27T16:00:00Z', false],
  ])('%s in 26–27 Nov: %s', (iso, expected) => {
    expect(inPeriod(iso, { from: '2026-11-26', to: '2026-11-27' })).toBe(expected);
  });

  it.each([
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2026-2-28', false],
  ])('isDay(%s) is %s', (text, expected) => {
    expect(isDay(text)).toBe(expected);
  });
});

describe('tallyObjections', () => {
  it('groups objections by state and issuer, largest first', () => {
    const tally = tallyObjections([
      { id: 'o1', state: 'received', issuer: '上海市公安局' },
      { id: 'o2', state: 'corrected', issuer: '上海市公安局' },
      { id: 'o3', state: 'received', issuer: '上海市市场监督管理局' },
      { id: 'o4', state: 'received', issuer: null },
    ]);
    expect(tally.total).toBe(4);
    expect(tally.byState).toEqual([
      { state: 'received', ids: ['o1', 'o3', 'o4'] },
      { state: 'corrected', ids: ['o2'] },
    ]);
    expect(tally.byIssuer[0]).toEqual({ issuer: '上海市公安局', ids: ['o1', 'o2'] });
    expect(tally.byIssuer).toHaveLength(3);
  });

  it('is empty with no objections', () => {
    expect(tallyObjections([])).toEqual({ total: 0, byState: [], byIssuer: [] });
  });
});
