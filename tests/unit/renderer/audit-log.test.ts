import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import { WorkstationDb } from '../../../renderer/db/db';
import { createAuditLog } from '../../../renderer/audit/audit-log';

const actor = { operator: 'clerk01', role: 'clerk', workstation: 'WS-TEST-01' };

function freshDb(): WorkstationDb {
  return new WorkstationDb(`audit-${Math.random()}`);
}

describe('the local audit log', () => {
  it('appends events in the order they were asked for, as one intact chain', async () => {
    const db = freshDb();
    const log = createAuditLog(db, () => new Date('2026-11-27T02:00:00Z'));
    const kinds = ['case_open', 'view', 'pull', 'pull', 'view', 'case_cancel'] as const;
    // Not awaited one by one: the appends race, as the counter's concurrent pulls make them.
    await Promise.all([
      log.append(actor, { kind: 'case_open', case: 'C-1', details: { matterCode: 'M', matterName: '结婚登记' } }),
      log.append(actor, { kind: 'view', case: 'C-1', details: { licenceId: 'L-1' } }),
      log.append(actor, { kind: 'pull', case: 'C-1', details: { materialId: 'M01', licences: [], latencyMs: 12 } }),
      log.append(actor, { kind: 'pull', case: 'C-1', details: { materialId: 'M02', ok: false, code: 'LIBRARY_UNAVAILABLE' } }),
      log.append(actor, { kind: 'view', case: 'C-1', details: { licenceId: 'L-2' } }),
      log.append(actor, { kind: 'case_cancel', case: 'C-1', details: { matterCode: 'M' } }),
    ]);
    const stored = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(stored.map((e) => e.kind)).toEqual([...kinds]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verifyAuditChain(stored)).toEqual({ ok: true, checked: 6, firstBroken: null });
    db.close();
  });

  it('continues the chain already stored, across a reopen', async () => {
    const name = `audit-${Math.random()}`;
    const first = new WorkstationDb(name);
    await createAuditLog(first).append(actor, { kind: 'sign_out', case: null, details: {} });
    first.close();
    const second = new WorkstationDb(name);
    const event = await createAuditLog(second).append(actor, { kind: 'case_open', case: 'C-2', details: { matterCode: 'M', matterName: '结婚登记' } });
    expect(event.seq).toBe(2);
    expect(verifyAuditChain((await second.auditEvents.orderBy('seq').toArray()) as AuditEvent[]).ok).toBe(true);
    second.close();
  });

  it('two logs on one database (two tabs) still make one chain', async () => {
    const db = freshDb();
    const a = createAuditLog(db);
    const b = createAuditLog(db);
    await Promise.all([
      a.append(actor, { kind: 'view', case: 'C-3', details: { licenceId: 'L-1' } }),
      b.append(actor, { kind: 'view', case: 'C-3', details: { licenceId: 'L-2' } }),
      a.append(actor, { kind: 'view', case: 'C-3', details: { licenceId: 'L-3' } }),
      b.append(actor, { kind: 'view', case: 'C-3', details: { licenceId: 'L-4' } }),
    ]);
    const stored = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(stored).toHaveLength(4);
    expect(verifyAuditChain(stored).ok).toBe(true);
    db.close();
  });

  it('a refused event (unknown kind) is not stored and does not block the next one', async () => {
    const db = freshDb();
    const log = createAuditLog(db);
    await expect(log.append(actor, { kind: 'no_such_kind' as never, case: null, details: {} as never })).rejects.toThrow(TypeError);
    const event = await log.append(actor, { kind: 'sign_out', case: null, details: {} });
    expect(event.seq).toBe(1);
    expect(await db.auditEvents.count()).toBe(1);
    db.close();
  });
});
