import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { PurgedCase } from '../../../shared/counter-case';
import { CASE_TALLY_VERSION, emptyTally, tallyCases, type CaseTally } from '../../../shared/dashboard-stats';
import { WorkstationDb, type CaseRow } from '../../../renderer/db/db';
import { checkCaseDays, periodCases, periodObjections, periodTally, syncCaseDays } from '../../../renderer/features/supervision/case-days';
import { completedRow, objectionRow, openRow } from './rows';

function purged(caseNo: string, completedAt: string, outcome: 'exempt' | 'paper', training = false, latency = 100): PurgedCase {
  return {
    caseNo,
    matter: { code: '310000-MZ-HY-006', name: '内地居民结婚登记' },
    holder: { idType: '111', idNumber: '310101198503120014' },
    grant: null,
    operatorId: 'clerk01',
    workstationId: 'PD01',
    training,
    openedAt: completedAt,
    completedAt,
    purgedAt: completedAt,
    materials: [
      {
        materialId: 'M01',
        name: '身份证',
        required: true,
        record: { materialId: 'M01', outcome, licenceId: null, paperReason: outcome === 'paper' ? 'elderly' : null },
        override: null,
        licences: [],
        paperScan: null,
        pullLatencyMs: latency,
      },
    ],
  };
}

function row(record: PurgedCase, status: CaseRow['status'] = 'completed'): CaseRow {
  return status === 'completed' ? completedRow(record) : openRow(record.caseNo, record.openedAt, status);
}

const sorted = (t: CaseTally) => ({ ...t, latencies: [...t.latencies].sort((a, b) => a - b) });

// Asia/Shanghai days: 25 Nov 23:30 local is 15:30Z; 26 Nov 00:30 local is 25 Nov 16:30Z.
const CASES = [
  purged('PD01-20261125-0001', '2026-11-25T15:30:00Z', 'exempt', false, 80),
  purged('PD01-20261126-0001', '2026-11-25T16:30:00Z', 'paper', false, 300),
  purged('PD01-20261126-0002', '2026-11-26T02:10:00Z', 'exempt', false, 120),
  purged('PD01-20261126-0003', '2026-11-26T03:00:00Z', 'exempt', true, 9000),
  purged('PD01-20261227-0001', '2026-12-27T03:00:00Z', 'exempt', false, 60),
];

async function seeded(): Promise<WorkstationDb> {
  const db = new WorkstationDb(`days-${Math.random()}`);
  await db.cases.bulkAdd(CASES.map((c) => row(c)));
  await db.cases.add(row(purged('PD01-20261126-0009', '2026-11-26T04:00:00Z', 'exempt'), 'open'));
  return db;
}

describe('day tallies', () => {
  it.each([
    ['one day (Asia/Shanghai, not UTC)', { from: '2026-11-26', to: '2026-11-26' }, [CASES[1], CASES[2]]],
    ['the day before', { from: '2026-11-25', to: '2026-11-25' }, [CASES[0]]],
    ['two months', { from: '2026-11-01', to: '2026-12-31' }, [CASES[0], CASES[1], CASES[2], CASES[4]]],
    ['a day without cases', { from: '2026-11-27', to: '2026-11-27' }, []],
  ])('tally %s as the cases themselves would', async (_, period, expected) => {
    const db = await seeded();
    expect(sorted(await periodTally(db, period))).toEqual(sorted(tallyCases(expected as PurgedCase[])));
    db.close();
  });

  it('catches up with a case completed after the last tally', async () => {
    const db = await seeded();
    const period = { from: '2026-11-26', to: '2026-12-31' };
    await periodTally(db, period);
    await db.cases.add(row(purged('PD01-20261227-0002', '2026-12-27T05:00:00Z', 'paper')));
    expect((await periodTally(db, period)).materials).toEqual({ exempt: 2, paper: 2, missing: 0 });
    db.close();
  });

  it('finds and rebuilds a past day that no longer agrees with the cases', async () => {
    const db = await seeded();
    await syncCaseDays(db);
    expect(await checkCaseDays(db)).toBe(false);
    await db.cases.delete('PD01-20261125-0001');
    expect(await checkCaseDays(db)).toBe(true);
    expect((await periodTally(db, { from: '2026-11-25', to: '2026-11-25' })).cases).toBe(0);
    db.close();
  });

  it('tallies a case completed on the last tallied day after it was tallied', async () => {
    const db = await seeded();
    const period = { from: '2026-12-27', to: '2026-12-27' };
    expect((await periodTally(db, period)).cases).toBe(1);
    await db.cases.add(row(purged('PD01-20261227-0003', '2026-12-27T04:00:00Z', 'exempt')));
    expect((await periodTally(db, period)).cases).toBe(2);
    db.close();
  });
});

describe('day tallies and the version of their definition', () => {
  // What a tally of the definition before training cases were counted apart left stored: the
  // days' counts and times right, the training figure not there (a figure added since).
  async function olderTallies(db: WorkstationDb): Promise<void> {
    await syncCaseDays(db);
    const rows = await db.caseDays.toArray();
    await db.caseDays.bulkPut(rows.map((day) => ({ ...day, definition: CASE_TALLY_VERSION - 1, trainingTally: emptyTally() })));
  }

  it('rebuilds a day tallied by an older definition when it is read: a figure added since shows for past days too', async () => {
    const db = await seeded();
    await olderTallies(db);
    const period = { from: '2026-11-25', to: '2026-11-26' };
    expect(sorted(await periodTally(db, period, 'training'))).toEqual(sorted(tallyCases([CASES[3]!], 'training')));
    expect(sorted(await periodTally(db, period))).toEqual(sorted(tallyCases([CASES[0]!, CASES[1]!, CASES[2]!])));
    // The days read now carry the current definition; a day not read yet is rebuilt when it is.
    expect((await db.caseDays.toArray()).map((day) => [day.day, day.definition])).toEqual([
      ['2026-11-25', CASE_TALLY_VERSION],
      ['2026-11-26', CASE_TALLY_VERSION],
      ['2026-12-27', CASE_TALLY_VERSION - 1],
    ]);
    db.close();
  });

  it('reads a day of the current definition as stored, without going back to the cases', async () => {
    const db = await seeded();
    await syncCaseDays(db);
    const stored = await db.caseDays.get('2026-11-26');
    await db.caseDays.put({ ...stored!, tally: { ...stored!.tally, cases: 99 } });
    expect((await periodTally(db, { from: '2026-11-26', to: '2026-11-26' })).cases).toBe(99);
    db.close();
  });

  it('the check after the dashboard is drawn rebuilds every day of an older definition', async () => {
    const db = await seeded();
    await olderTallies(db);
    expect(await checkCaseDays(db)).toBe(true);
    expect((await db.caseDays.toArray()).every((day) => day.definition === CASE_TALLY_VERSION)).toBe(true);
    expect((await db.caseDays.get('2026-12-27'))?.trainingTally).toEqual(emptyTally());
    expect(await checkCaseDays(db)).toBe(false);
    db.close();
  });

  it('the check finds two changes that cancel out in the total: a case gone from one day, another on a day already tallied', async () => {
    const db = await seeded();
    await syncCaseDays(db);
    await db.cases.delete('PD01-20261125-0001');
    // Completed on 26 Nov, before the last tallied completion: the sync does not look at it.
    await db.cases.add(row(purged('PD01-20261126-0005', '2026-11-26T02:30:00Z', 'paper')));
    expect(await checkCaseDays(db)).toBe(true);
    expect((await periodTally(db, { from: '2026-11-25', to: '2026-11-25' })).cases).toBe(0);
    expect((await periodTally(db, { from: '2026-11-26', to: '2026-11-26' })).cases).toBe(3);
    db.close();
  });

  it('the check finds a day whose latest completion moved, its count the same', async () => {
    const db = await seeded();
    await syncCaseDays(db);
    await db.cases.delete('PD01-20261126-0002');
    await db.cases.add(row(purged('PD01-20261126-0006', '2026-11-26T05:00:00Z', 'paper')));
    expect(await checkCaseDays(db)).toBe(true);
    expect((await periodTally(db, { from: '2026-11-26', to: '2026-11-26' })).materials).toEqual({ exempt: 0, paper: 2, missing: 0 });
    db.close();
  });
});

describe('periodCases', () => {
  it('lists the completed, non-training cases of the period that pass the test, oldest first', async () => {
    const db = await seeded();
    const all = await periodCases(db, { from: '2026-11-26', to: '2026-11-26' });
    expect(all.map((c) => c.caseNo)).toEqual(['PD01-20261126-0001', 'PD01-20261126-0002']);
    const paper = await periodCases(db, { from: '2026-11-01', to: '2026-12-31' }, (c) => c.materials.some((m) => m.record.outcome === 'paper'));
    expect(paper.map((c) => c.caseNo)).toEqual(['PD01-20261126-0001']);
    expect(paper[0]).toMatchObject({ matter: '内地居民结婚登记', completedAt: '2026-11-25T16:30:00Z' });
    db.close();
  });
});

describe('periodObjections', () => {
  it('groups the period’s objections by state and issuer; an empty table gives zeros', async () => {
    const db = new WorkstationDb(`obj-${Math.random()}`);
    expect(await periodObjections(db, { from: '2026-11-26', to: '2026-11-26' })).toEqual({ total: 0, byState: [], byIssuer: [] });
    await db.objections.bulkAdd([
      {
        ...objectionRow('o1', { state: 'received', filedAt: '2026-11-26T02:00:00Z' }),
        record: { ...objectionRow('o1').record, issuer: { code: '11310000002421150A', name: '上海市公安局' } },
      },
      objectionRow('o2', { state: 'corrected', filedAt: '2026-11-26T03:00:00Z' }),
      objectionRow('o3', { state: 'received', filedAt: '2026-11-20T03:00:00Z' }),
    ]);
    const tally = await periodObjections(db, { from: '2026-11-26', to: '2026-11-26' });
    expect(tally.total).toBe(2);
    expect(tally.byIssuer).toEqual([
      { issuer: '上海市公安局', ids: ['o1'] },
      { issuer: null, ids: ['o2'] },
    ]);
    db.close();
  });
});
