import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { WorkstationDb } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';

const HOLDER = { idType: 'resident_id', idNumber: '310115198001011086', name: '董琳' };

const usageRecord = (caseNo: string) => ({
  caseNo,
  matterCode: '310000-GA-SFZ-002',
  grantId: 'G-1',
  holder: HOLDER,
  operatorId: 'OP-PD-0101',
  workstationId: 'WS-DEMO-01',
  completedAt: '2026-11-26T01:20:00Z',
  training: true,
  materials: [{ materialId: 'M01', outcome: 'exempt', licenceId: '1.2.156.3005.2.X', paperReason: null }],
});

const objection = {
  id: 'OBJ-1',
  licenceId: '1.2.156.3005.2.X',
  dimension: 'accuracy',
  fields: [{ key: 'address', recorded: '世纪大道 1 号', claimed: '世纪大道 2 号' }],
  description: '地址有误',
  holder: HOLDER,
  filedBy: { operatorId: 'clerk01', role: 'clerk' },
  filedAt: '2026-11-26T01:00:00Z',
  evidence: [{ name: '证明.png', contentType: 'image/png', data: 'iVBORw0KGgo=' }],
};

describe('schema version 5 (delivered outbox rows keep no personal data)', () => {
  it('upgrades a version 4 database: delivered rows lose their payload but the case number or id, rows not yet delivered keep theirs', async () => {
    const name = `upgrade-v5-${Math.random()}`;
    const v4 = new Dexie(name);
    for (const version of SCHEMA_VERSIONS.slice(0, 4)) v4.version(version.version).stores(version.stores);
    await v4.table('outbox').bulkAdd([
      {
        key: 'usage-record:C-1',
        kind: 'usage_record',
        state: 'delivered',
        createdAt: '2026-11-26T01:20:00Z',
        attempts: 1,
        lastError: null,
        payload: usageRecord('C-1'),
      },
      { key: 'OBJ-1', kind: 'objection', state: 'delivered', createdAt: '2026-11-26T01:00:00Z', attempts: 2, lastError: null, payload: objection },
      {
        key: 'usage-record:C-2',
        kind: 'usage_record',
        state: 'queued',
        createdAt: '2026-11-26T02:00:00Z',
        attempts: 0,
        lastError: null,
        payload: usageRecord('C-2'),
      },
      {
        key: 'usage-record:C-3',
        kind: 'usage_record',
        state: 'needs_attention',
        createdAt: '2026-11-26T03:00:00Z',
        attempts: 1,
        lastError: '事项不存在',
        payload: usageRecord('C-3'),
      },
    ]);
    v4.close();

    const db = new WorkstationDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    const rows = await db.outbox.orderBy('id').toArray();
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      {
        key: 'usage-record:C-1',
        kind: 'usage_record',
        state: 'delivered',
        createdAt: '2026-11-26T01:20:00Z',
        attempts: 1,
        lastError: null,
        payload: { caseNo: 'C-1' },
        deliveredAt: '2026-11-26T01:20:00Z',
        answer: null,
      },
      {
        key: 'OBJ-1',
        kind: 'objection',
        state: 'delivered',
        createdAt: '2026-11-26T01:00:00Z',
        attempts: 2,
        lastError: null,
        payload: { id: 'OBJ-1' },
        deliveredAt: '2026-11-26T01:00:00Z',
        answer: null,
      },
      {
        key: 'usage-record:C-2',
        kind: 'usage_record',
        state: 'queued',
        createdAt: '2026-11-26T02:00:00Z',
        attempts: 0,
        lastError: null,
        payload: usageRecord('C-2'),
      },
      {
        key: 'usage-record:C-3',
        kind: 'usage_record',
        state: 'needs_attention',
        createdAt: '2026-11-26T03:00:00Z',
        attempts: 1,
        lastError: '事项不存在',
        payload: usageRecord('C-3'),
      },
    ]);
    const delivered = JSON.stringify(rows.filter((r) => r.state === 'delivered'));
    expect(delivered).not.toContain(HOLDER.name);
    expect(delivered).not.toContain(HOLDER.idNumber);
    expect(delivered).not.toContain('iVBORw0KGgo=');
    // The sweep's index holds the delivered rows only.
    expect(await db.outbox.where('deliveredAt').below('9').primaryKeys()).toHaveLength(2);
    db.close();
  });
});
