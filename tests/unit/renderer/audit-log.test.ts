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
    const kinds = ['case_open', 'token_read', 'grant', 'pull', 'verification', 'completion'] as const;
    // Not awaited one by one: the appends race, as the counter's concurrent pulls make them.
    await Promise.all(kinds.map((kind, i) => log.append(actor, { kind, case: 'C-1', details: { step: i } })));
    const stored = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(stored.map((e) => e.kind)).toEqual([...kinds]);
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verifyAuditChain(stored)).toEqual({ ok: true, checked: 6, firstBroken: null });
    db.close();
  });

  it('continues the chain already stored, across a reopen', async () => {
    const name = `audit-${Math.random()}`;
    const first = new WorkstationDb(name);
    await createAuditLog(first).append(actor, { kind: 'sign_in', case: null, details: {} });
    first.close();
    const second = new WorkstationDb(name);
    const event = await createAuditLog(second).append(actor, { kind: 'case_open', case: 'C-2', details: { matterCode: 'M' } });
    expect(event.seq).toBe(2);
    expect(verifyAuditChain((await second.auditEvents.orderBy('seq').toArray()) as AuditEvent[]).ok).toBe(true);
    second.close();
  });

  it('two logs on one database (two tabs) still make one chain', async () => {
    const db = freshDb();
    const a = createAuditLog(db);
    const b = createAuditLog(db);
    await Promise.all([
      a.append(actor, { kind: 'pull', case: 'C-3', details: { n: 1 } }),
      b.append(actor, { kind: 'pull', case: 'C-3', details: { n: 2 } }),
      a.append(actor, { kind: 'pull', case: 'C-3', details: { n: 3 } }),
      b.append(actor, { kind: 'pull', case: 'C-3', details: { n: 4 } }),
    ]);
    const stored = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(stored).toHaveLength(4);
    expect(verifyAuditChain(stored).ok).toBe(true);
    db.close();
  });

  it('a refused event (unknown kind) is not stored and does not block the next one', async () => {
    const db = freshDb();
    const log = createAuditLog(db);
    await expect(log.append(actor, { kind: 'no_such_kind' as never, case: null, details: {} })).rejects.toThrow(TypeError);
    const event = await log.append(actor, { kind: 'sign_in', case: null, details: {} });
    expect(event.seq).toBe(1);
    expect(await db.auditEvents.count()).toBe(1);
    db.close();
  });
});
