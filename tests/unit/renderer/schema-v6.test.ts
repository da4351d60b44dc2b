import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import type { PurgedCase } from '../../../shared/counter-case';
import { emptyTally, tallyCases } from '../../../shared/dashboard-stats';
import { matchOperators } from '../../../shared/operators';
import { WorkstationDb } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';
import { operatorDirectory, rememberOperator } from '../../../renderer/audit/operator-directory';
import { auditCount, auditEventsForExport, auditPage } from '../../../renderer/features/supervision/audit-query';
import { periodCases, periodTally } from '../../../renderer/features/supervision/case-days';
import { createAuditLog } from '../../../renderer/audit/audit-log';
import { completedRow } from './rows';

function purged(caseNo: string, completedAt: string, training: boolean): PurgedCase {
  return {
    caseNo,
    matter: { code: '310000-GA-SFZ-002', name: '居民身份证换领' },
    holder: { idType: '111', idNumber: '310101198503120014' },
    grant: null,
    operatorId: 'OP-PD-0101',
    workstationId: 'WS-DEMO-01',
    training,
    openedAt: completedAt,
    completedAt,
    purgedAt: completedAt,
    materials: [
      {
        materialId: 'M01',
        name: '居民身份证',
        required: true,
        record: { materialId: 'M01', outcome: 'exempt', licenceId: null, paperReason: null },
        override: null,
        licences: [],
        paperScan: null,
        pullLatencyMs: 90,
      },
    ],
  };
}

/** A completed case as schema versions 1 to 6 stored it: the kept case in `record`. */
function v5Row(record: PurgedCase) {
  return {
    caseNo: record.caseNo,
    status: 'completed',
    openedAt: record.openedAt,
    completedAt: record.completedAt,
    matterCode: record.matter.code,
    training: record.training,
    record,
  };
}

const DAY = { from: '2026-11-26', to: '2026-11-26' };
const PRODUCTION = purged('WSDEMO01-20261126-0001', '2026-11-26T02:00:00Z', false);
const TRAINING = purged('WSDEMO01-20261126-0002', '2026-11-26T03:00:00Z', true);

describe('schema version 6 (the operator directory; day tallies with the training cases apart)', () => {
  it('upgrades a version 5 database: its cases kept, its old day tallies dropped and rebuilt with both scopes', async () => {
    const name = `upgrade-v6-${Math.random()}`;
    const v5 = new Dexie(name);
    for (const version of SCHEMA_VERSIONS.slice(0, 5)) v5.version(version.version).stores(version.stores);
    await v5.table('cases').bulkAdd([v5Row(PRODUCTION), v5Row(TRAINING)]);
    // A version 5 tally: training cases left out, and no training tally at all.
    await v5.table('caseDays').put({ day: '2026-11-26', sourceCount: 2, lastCompletedAt: TRAINING.completedAt, tally: tallyCases([PRODUCTION, TRAINING]) });
    v5.close();

    const db = new WorkstationDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    expect(await db.cases.count()).toBe(2);
    expect(await db.caseDays.count()).toBe(0);
    expect(await db.operators.count()).toBe(0);
    expect((await periodTally(db, DAY)).cases).toBe(1);
    expect((await periodTally(db, DAY, 'training')).cases).toBe(1);
    expect((await db.caseDays.get('2026-11-26'))?.trainingTally).toEqual(tallyCases([TRAINING], 'training'));
    db.close();
  });

  it('keeps each operator who signs in, by id, with name and 工号; a later sign-in replaces the row', async () => {
    const db = new WorkstationDb(`operators-${Math.random()}`);
    await rememberOperator(db, { id: 'OP-PD-0101', name: '王晓燕', role: 'clerk' }, ' clerk01 ', new Date('2026-11-26T01:00:00Z'));
    await rememberOperator(db, { id: 'OP-PD-0201', name: '陈静', role: 'supervisor' }, 'super01', new Date('2026-11-26T01:05:00Z'));
    await rememberOperator(db, { id: 'OP-PD-0101', name: '王晓燕', role: 'clerk' }, 'clerk01', new Date('2026-11-26T02:00:00Z'));
    const directory = await operatorDirectory(db);
    expect([...directory.values()]).toEqual([
      { id: 'OP-PD-0101', name: '王晓燕', username: 'clerk01', role: 'clerk', lastSignInAt: '2026-11-26T02:00:00.000Z' },
      { id: 'OP-PD-0201', name: '陈静', username: 'super01', role: 'supervisor', lastSignInAt: '2026-11-26T01:05:00.000Z' },
    ]);
    db.close();
  });
});

describe('the training scope of the supervisor’s figures', () => {
  it('a production view leaves the training cases out; a training view shows them alone', async () => {
    const db = new WorkstationDb(`scope-${Math.random()}`);
    await db.cases.bulkAdd([completedRow(PRODUCTION), completedRow(TRAINING)]);
    // A case flagged as training on its row only is a training case too.
    const rowOnly = purged('WSDEMO01-20261126-0003', '2026-11-26T04:00:00Z', false);
    await db.cases.add({ ...completedRow(rowOnly), training: true });
    expect((await periodCases(db, DAY)).map((c) => c.caseNo)).toEqual([PRODUCTION.caseNo]);
    expect((await periodCases(db, DAY, undefined, 'training')).map((c) => c.caseNo)).toEqual([TRAINING.caseNo, rowOnly.caseNo]);
    expect((await periodTally(db, DAY)).cases).toBe(1);
    expect((await periodTally(db, DAY, 'training')).cases).toBe(2);
    expect(await periodTally(db, { from: '2026-11-27', to: '2026-11-27' }, 'training')).toEqual(emptyTally());
    db.close();
  });
});

describe('the audit trail filtered by several operators (a name two clerks share)', () => {
  it('pages, counts and exports the events of any of them, newest first, as one trail', async () => {
    const db = new WorkstationDb(`operators-filter-${Math.random()}`);
    let clock = Date.parse('2026-11-26T01:00:00Z');
    const log = createAuditLog(db, () => new Date((clock += 1000)));
    const actors = ['OP-PD-0101', 'OP-XH-0102', 'OP-PD-0201'];
    for (let i = 0; i < 30; i++) {
      await log.append(
        { operator: actors[i % 3]!, role: 'clerk', workstation: 'WS-DEMO-01' },
        i % 2
          ? { kind: 'pull', case: null, details: { materialId: `M${i}`, licences: [], latencyMs: i } }
          : { kind: 'view', case: null, details: { licenceId: `L${i}` } },
      );
    }
    const directory = [
      { id: 'OP-PD-0101', name: '王晓燕', username: 'clerk01' },
      { id: 'OP-XH-0102', name: '王晓燕', username: 'clerk02' },
      { id: 'OP-PD-0201', name: '陈静', username: 'super01' },
    ];
    const { ids } = matchOperators('王晓燕', directory);
    expect(ids).toEqual(['OP-PD-0101', 'OP-XH-0102']);
    const filter = { operators: ids };
    const first = await auditPage(db, filter, null, 8);
    const second = await auditPage(db, filter, first.next, 8);
    const third = await auditPage(db, filter, second.next, 8);
    const seqs = [...first.rows, ...second.rows, ...third.rows].map((e) => e.seq);
    const expected = Array.from({ length: 30 }, (_, i) => i + 1)
      .filter((seq) => (seq - 1) % 3 !== 2)
      .reverse();
    expect(seqs).toEqual(expected);
    expect(third.next).toBeNull();
    expect(await auditCount(db, filter)).toEqual({ n: 20, more: false });
    expect(await auditCount(db, filter, 15)).toEqual({ n: 15, more: true });
    expect((await auditEventsForExport(db, filter)).map((e) => e.seq)).toEqual([...expected].reverse());
    expect((await auditPage(db, { ...filter, kind: 'pull' }, null, 50)).rows.map((e) => e.seq)).toEqual(expected.filter((seq) => (seq - 1) % 2 === 1));
    db.close();
  });
});
