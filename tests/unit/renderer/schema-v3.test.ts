import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { WorkstationDb, type CompletedCaseRow } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';
import { completedRow, keptCase } from './rows';

function caseRow(caseNo: string, extra: Partial<CompletedCaseRow> = {}): CompletedCaseRow {
  return completedRow(keptCase(caseNo, '2026-11-26T02:10:00Z', { openedAt: '2026-11-26T02:00:00Z' }), extra);
}

describe('schema version 3 (the catch-up holder name index)', () => {
  it('upgrades a version 2 database without losing its cases', async () => {
    const name = `upgrade-v3-${Math.random()}`;
    const v2 = new Dexie(name);
    for (const version of SCHEMA_VERSIONS.slice(0, 2)) v2.version(version.version).stores(version.stores);
    await v2.table('cases').bulkAdd([caseRow('PD01-20261126-0001'), caseRow('PD01-20261126-0002')]);
    v2.close();

    const db = new WorkstationDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    expect(await db.cases.count()).toBe(2);
    // Older cases have no kept name, so the index holds none of them.
    expect(await db.cases.where('catchUpHolder.keepUntil').below('\uffff').count()).toBe(0);
    expect(await db.cases.where('catchUp.state').anyOf(['flagged', 'not_checkable']).count()).toBe(0);
    db.close();
  });

  it('indexes only the cases that keep a name, and forgets a case once its name is deleted', async () => {
    const db = new WorkstationDb(`index-v3-${Math.random()}`);
    await db.cases.bulkAdd([
      caseRow('A', { catchUpHolder: { name: '董琳', keepUntil: '2026-12-26T02:10:00.000Z' } }),
      caseRow('B'),
      caseRow('C', { catchUpHolder: { name: '刘丽', keepUntil: '2026-12-01T00:00:00.000Z' } }),
    ]);
    const expiredBy = (at: string) => db.cases.where('catchUpHolder.keepUntil').below(at).primaryKeys();
    expect(await expiredBy('2026-12-10T00:00:00.000Z')).toEqual(['C']);
    await db.cases
      .where('caseNo')
      .equals('C')
      .modify((row) => {
        if (row.status === 'completed') delete row.catchUpHolder;
      });
    expect(await expiredBy('2027-01-01T00:00:00.000Z')).toEqual(['A']);
    db.close();
  });
});
