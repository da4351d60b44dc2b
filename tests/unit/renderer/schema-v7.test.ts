import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { tallyCases } from '../../../shared/dashboard-stats';
import { needsCatchUp } from '../../../renderer/catchup/catchup';
import { WorkstationDb } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';
import { periodCases, periodTally } from '../../../renderer/features/supervision/case-days';
import { keptCase } from './rows';

const COMPLETED = keptCase('WSDEMO01-20261126-0001', '2026-11-26T02:10:00Z', {
  materials: [
    {
      materialId: 'M01',
      name: '申请人有效身份证件',
      required: true,
      record: { materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
      override: null,
      licences: [],
      paperScan: null,
      libraryUnreachable: true,
    },
  ],
});
const HOLDER = { name: '董琳', keepUntil: '2026-12-26T02:10:00.000Z' };

// Rows exactly as versions 1 to 6 wrote them: `record` held the matter's name while the case was
// open (and after it was cancelled), and the purged case once it was completed.
const V6_ROWS = [
  {
    caseNo: 'WSDEMO01-20261126-0001',
    status: 'completed',
    openedAt: COMPLETED.openedAt,
    completedAt: COMPLETED.completedAt,
    matterCode: COMPLETED.matter.code,
    training: false,
    record: COMPLETED,
    catchUpHolder: HOLDER,
  },
  {
    caseNo: 'WSDEMO01-20261126-0002',
    status: 'open',
    openedAt: '2026-11-26T03:00:00Z',
    completedAt: null,
    matterCode: '310000-MZ-HY-006',
    training: false,
    record: { matterName: '内地居民结婚登记' },
  },
  {
    caseNo: 'WSDEMO01-20261126-0003',
    status: 'cancelled',
    openedAt: '2026-11-26T03:05:00Z',
    completedAt: null,
    matterCode: '310000-MZ-HY-006',
    training: false,
    record: { matterName: '内地居民结婚登记' },
  },
  // No name kept (no row the counter wrote looks like this): the matter's code stands in.
  {
    caseNo: 'WSDEMO01-20261126-0004',
    status: 'cancelled',
    openedAt: '2026-11-26T03:10:00Z',
    completedAt: null,
    matterCode: '310000-MZ-HY-006',
    training: false,
    record: {},
  },
];

const V6_DAY = {
  day: '2026-11-26',
  sourceCount: 1,
  lastCompletedAt: COMPLETED.completedAt,
  tally: tallyCases([COMPLETED]),
  trainingTally: tallyCases([COMPLETED], 'training'),
};

async function version6(name: string): Promise<void> {
  const v6 = new Dexie(name);
  for (const version of SCHEMA_VERSIONS.slice(0, 6)) {
    const declared = v6.version(version.version).stores(version.stores);
    if (version.upgrade) declared.upgrade(version.upgrade);
  }
  await v6.table('cases').bulkAdd(V6_ROWS);
  await v6.table('caseDays').put(V6_DAY);
  v6.close();
}

describe('schema version 7 (an open case and a completed case in their own fields; day tallies with their definition)', () => {
  it('moves a completed case’s record to `kept` and an open or cancelled case’s to `matterName`, losing nothing', async () => {
    const name = `upgrade-v7-${Math.random()}`;
    await version6(name);
    const db = new WorkstationDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    const rows = await db.cases.orderBy('caseNo').toArray();
    const without = ({ record: _record, ...row }: (typeof V6_ROWS)[number]) => row;
    expect(rows).toEqual([
      { ...without(V6_ROWS[0]!), kept: COMPLETED },
      { ...without(V6_ROWS[1]!), matterName: '内地居民结婚登记' },
      { ...without(V6_ROWS[2]!), matterName: '内地居民结婚登记' },
      { ...without(V6_ROWS[3]!), matterName: '310000-MZ-HY-006' },
    ]);
    for (const row of rows) expect(row).not.toHaveProperty('record');
    db.close();
  });

  it('the upgraded cases are read as before: the supervisor’s lists, the catch-up and its kept name', async () => {
    const name = `upgrade-v7-read-${Math.random()}`;
    await version6(name);
    const db = new WorkstationDb(name);
    const day = { from: '2026-11-26', to: '2026-11-26' };
    expect(await periodCases(db, day)).toEqual([
      { caseNo: COMPLETED.caseNo, completedAt: COMPLETED.completedAt, matter: COMPLETED.matter.name, record: COMPLETED },
    ]);
    const completed = await db.cases.get(COMPLETED.caseNo);
    expect(completed && needsCatchUp(completed)).toBe(true);
    expect(completed?.status === 'completed' && completed.catchUpHolder).toEqual(HOLDER);
    expect(await db.cases.where('catchUpHolder.keepUntil').below('\uffff').primaryKeys()).toEqual([COMPLETED.caseNo]);
    expect((await periodTally(db, day)).cases).toBe(1);
    db.close();
  });

  it('stamps the stored day tallies with the definition they were built by (1, that of version 6), their counts unchanged', async () => {
    const name = `upgrade-v7-days-${Math.random()}`;
    await version6(name);
    const db = new WorkstationDb(name);
    await db.open();
    expect(await db.caseDays.toArray()).toEqual([{ ...V6_DAY, definition: 1 }]);
    db.close();
  });
});
