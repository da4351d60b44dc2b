import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { WorkstationDb } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';
import { smallChain } from './audit-fixtures';

// Bounds that sort below and above any string or number of these rows.
const LO = -Infinity;
const HI = '\uffff';

describe('schema version 2 (audit paging indexes, day tallies, reviews)', () => {
  it('upgrades a version 1 database without losing its rows', async () => {
    const name = `upgrade-${Math.random()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(SCHEMA_VERSIONS[0]!.stores);
    await v1.table('auditEvents').bulkAdd(smallChain(6, 2));
    await v1.table('cases').add({
      caseNo: 'PD01-20261126-0001',
      status: 'completed',
      openedAt: '2026-11-26T02:00:00Z',
      completedAt: '2026-11-26T02:10:00Z',
      matterCode: 'M',
      training: false,
      record: {},
    });
    v1.close();

    const db = new WorkstationDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    expect(await db.auditEvents.count()).toBe(6);
    expect(await db.cases.count()).toBe(1);
    expect(db.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['caseDays', 'reviews']));
    db.close();
  });

  it('pages the audit trail newest first by (at, seq) under each filter', async () => {
    const db = new WorkstationDb(`paging-${Math.random()}`);
    await db.auditEvents.bulkAdd(smallChain(6, 2) as never);
    const seqs = async (index: string, lower: unknown[], upper: unknown[]) =>
      (await db.auditEvents.where(index).between(lower, upper, true, true).reverse().toArray()).map((e) => e.seq);
    expect(await seqs('[at+seq]', [LO, LO], [HI, HI])).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await seqs('[kind+at+seq]', ['pull', LO, LO], ['pull', HI, HI])).toEqual([6, 4, 2]);
    expect(await seqs('[operator+at+seq]', ['super01', LO, LO], ['super01', HI, HI])).toEqual([5, 3, 1]);
    expect(await seqs('[operator+kind+at+seq]', ['clerk01', 'pull', LO, LO], ['clerk01', 'pull', HI, HI])).toEqual([6, 4, 2]);
    expect(await seqs('[case+at+seq]', ['PD01-20261126-0001', LO, LO], ['PD01-20261126-0001', HI, HI])).toEqual([6, 5, 4, 3]);
    db.close();
  });
});
