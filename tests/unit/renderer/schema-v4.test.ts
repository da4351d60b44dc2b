import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import { WorkstationDb } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';
import { smallChain } from './audit-fixtures';
import { auditPage } from '../../../renderer/features/supervision/audit-query';

/** The index names IndexedDB itself holds for the audit store (not Dexie's idea of them). */
function storedIndexes(db: WorkstationDb): string[] {
  return Array.from(db.backendDB().transaction('auditEvents').objectStore('auditEvents').indexNames).sort();
}

describe('schema version 4 (the unused audit indexes dropped)', () => {
  it('upgrades a version 3 database: every event kept and still a valid chain, six indexes fewer', async () => {
    const name = `upgrade-v4-${Math.random()}`;
    const v3 = new Dexie(name);
    for (const version of SCHEMA_VERSIONS.slice(0, 3)) v3.version(version.version).stores(version.stores);
    await v3.table('auditEvents').bulkAdd(smallChain(6));
    await v3.open();
    expect(Array.from(v3.backendDB().transaction('auditEvents').objectStore('auditEvents').indexNames)).toHaveLength(11);
    v3.close();

    const db = new WorkstationDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    const events = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(events).toEqual(smallChain(6));
    expect(verifyAuditChain(events).ok).toBe(true);
    expect(storedIndexes(db)).toEqual(['[at+seq]', '[case+at+seq]', '[kind+at+seq]', '[operator+at+seq]', '[operator+kind+at+seq]'].sort());
    db.close();
  });

  it('still pages the audit trail under each filter the viewer offers', async () => {
    const db = new WorkstationDb(`paging-v4-${Math.random()}`);
    await db.auditEvents.bulkAdd(smallChain(6) as never);
    const seqs = async (filter: Parameters<typeof auditPage>[1]) => (await auditPage(db, filter, null, 10)).rows.map((e) => e.seq);
    expect(await seqs({})).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await seqs({ kind: 'pull' })).toEqual([6, 4, 2]);
    expect(await seqs({ operators: ['super01'] })).toEqual([5, 3, 1]);
    expect(await seqs({ operators: ['clerk01'], kind: 'view' })).toEqual([]);
    expect(await seqs({ caseNo: 'PD01-20261126-0001', kind: 'view' })).toEqual([5, 3, 1]);
    db.close();
  });
});
