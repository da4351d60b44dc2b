import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../shared/audit-chain';
import type { HostInput } from '../../../shared/contract';
import { createStartup, type StartupTask } from '../../../renderer/app/startup';
import { STARTUP_TASKS } from '../../../renderer/app/startup-tasks';
import { enqueue } from '../../../renderer/outbox/outbox';
import { useSessionStore } from '../../../renderer/stores/session';
import { useWorkstationStore } from '../../../renderer/stores/workstation';
import { fakeHost } from './fake-host';
import { completedRow, keptCase, objectionRequest, usageRecord } from './rows';
import { CLERK, testRoot, WORKSTATION } from './test-root';

const RECEIPT = {
  id: 'OBJ-1',
  status: 'received' as const,
  issuer: { code: '11310115MB0001201U', name: '上海市公安局浦东分局' },
  receivedAt: '2026-11-27T02:00:05Z',
};
const ONLINE = { state: 'online' as const, lastSuccessAt: '2026-11-27T02:00:00Z', latencyMs: 20 };
const OFFLINE = { state: 'offline' as const, lastSuccessAt: null, latencyMs: null };

describe('the composition root', () => {
  it('registers both senders with the one outbox: what any page queued is sent before any feature store exists', async () => {
    const host = fakeHost({
      'usage.submit': () => ({ id: 'UR-1' }),
      'objections.submitMany': (input) => ({ results: input.objections.map(() => ({ status: 'sent' as const, receipt: RECEIPT })) }),
    });
    const { pinia, services, db } = testRoot({ host: host.client });
    await enqueue(db, { key: 'usage-record:C-1', kind: 'usage_record', payload: usageRecord('C-1'), createdAt: '2026-11-27T02:00:00Z' });
    await enqueue(db, { key: 'OBJ-1', kind: 'objection', payload: objectionRequest('OBJ-1'), createdAt: '2026-11-27T02:00:01Z' });
    expect(await services.outbox.flush()).toEqual({ delivered: 2, retrying: 0, needsAttention: 0 });
    expect(host.names()).toEqual(['usage.submit', 'objections.submitMany']);
    expect(Object.keys(pinia.state.value).sort()).toEqual(['session', 'workstation']);
    // The delivery is audited by whoever is signed in here, in the one chain.
    const events = await db.auditEvents.toArray();
    expect(events.map((e) => [e.kind, e.operator, e.workstation, e.details])).toEqual([
      ['usage_record', CLERK.id, WORKSTATION.workstationId, { state: 'delivered', key: 'usage-record:C-1', id: 'UR-1' }],
    ]);
    db.close();
  });

  it('works out who acts from the session and the workstation, once both are known', async () => {
    const host = fakeHost({ 'app.info': () => WORKSTATION });
    const { services } = testRoot({ host: host.client, operator: null, info: null });
    expect(services.actor()).toBeNull();
    await expect(services.signedInActor()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    useSessionStore().operator = CLERK;
    expect(services.actor()).toBeNull();
    // Signed in, the workstation's identity not yet loaded: it is asked for once.
    expect(await services.signedInActor()).toEqual({ operator: CLERK.id, role: 'clerk', workstation: WORKSTATION.workstationId });
    expect(services.actor()).toEqual({ operator: CLERK.id, role: 'clerk', workstation: WORKSTATION.workstationId });
    expect(host.names()).toEqual(['app.info']);
  });

  it('hands every service the one audit log: an objection, a sign-out, a delivery and the retention sweep all append through it', async () => {
    const host = fakeHost({ 'usage.submit': () => ({ id: 'UR-1' }), 'objections.submitMany': () => ({ results: [{ status: 'untried' as const }] }) });
    const { services, db } = testRoot({ host: host.client, now: () => new Date('2026-11-27T02:00:00Z') });
    const appended: string[] = [];
    const append = services.audit.append.bind(services.audit);
    services.audit.append = (actor, step) => (appended.push(step.kind), append(actor, step));
    await services.objections.file({ licenceId: objectionRequest('x').licenceId, dimension: 'accuracy', fields: [], description: '姓名有误', evidence: [] });
    await enqueue(db, { key: 'usage-record:C-1', kind: 'usage_record', payload: usageRecord('C-1'), createdAt: '2026-11-27T01:00:00Z' });
    await services.outbox.flush({ now: true });
    await db.cases.add({
      caseNo: 'WS-20261126-0001',
      status: 'open',
      openedAt: '2026-11-26T01:00:00Z',
      completedAt: null,
      matterCode: 'M',
      training: false,
      matterName: '结婚登记',
    });
    await services.retention.sweep(CLERK_ACTOR, 30);
    await useSessionStore().logSignOut();
    expect(appended).toEqual(['objection', 'usage_record', 'purge', 'sign_out']);
    const events = await db.auditEvents.orderBy('seq').toArray();
    expect(events.map((e) => e.kind)).toEqual(appended);
    expect(verifyAuditChain(events).ok).toBe(true);
    db.close();
  });
});

const CLERK_ACTOR = { operator: CLERK.id, role: CLERK.role, workstation: WORKSTATION.workstationId };

describe('the start-up tasks', () => {
  it('runs the tasks of each shell opening in their order, stops them when it closes, and a first-sign-in task once per page', () => {
    const log: string[] = [];
    const task = (id: string, phase: StartupTask['phase']): StartupTask => ({
      id,
      phase,
      start: () => {
        log.push(`start ${id}`);
        return () => log.push(`stop ${id}`);
      },
    });
    const { services } = testRoot({ host: fakeHost({}).client });
    const startup = createStartup([task('a', 'signed-in'), task('sweep', 'first-sign-in'), task('b', 'signed-in')]);
    const context = { services, session: useSessionStore(), workstation: useWorkstationStore() };
    startup.open(context)();
    startup.open(context)();
    expect(log).toEqual(['start a', 'start sweep', 'start b', 'stop a', 'stop sweep', 'stop b', 'start a', 'start b', 'stop a', 'stop b']);
  });

  it('a failing task is logged and the others still start', () => {
    const started: string[] = [];
    const { services } = testRoot({ host: fakeHost({}).client });
    const startup = createStartup([
      {
        id: 'broken',
        phase: 'signed-in',
        start: () => {
          throw new Error('broken');
        },
      },
      { id: 'fine', phase: 'signed-in', start: () => void started.push('fine') },
    ]);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      startup.open({ services, session: useSessionStore(), workstation: useWorkstationStore() })();
    } finally {
      console.error = original;
    }
    expect(started).toEqual(['fine']);
    expect(errors).toHaveLength(1);
  });

  it('the workstation’s tasks: the outbox sends what was queued, the link’s return refreshes the cached lists, and the retention sweep runs once per page', async () => {
    let link: typeof ONLINE | typeof OFFLINE = OFFLINE;
    const submitted: HostInput<'usage.submit'>[] = [];
    const host = fakeHost({
      'app.info': () => WORKSTATION,
      'library.status': () => link,
      'usage.submit': (input) => (submitted.push(input), { id: 'UR-1' }),
      'trust.get': () => ({ trust: { issuedAt: '2026-11-01T00:00:00Z' } as never, verifiedAt: '2026-11-27T02:00:00Z' }),
      'matters.get': () => ({ version: 'v1', matters: [] }),
      'catalog.get': () => ({ version: 'c1', types: [] }),
    });
    const { services, db } = testRoot({ host: host.client, now: () => new Date('2026-11-27T02:00:00Z') });
    // A case completed 40 days ago whose paper pages are past the 30 days' retention.
    const old = keptCase('WS-20261018-0001', '2026-10-18T02:00:00Z');
    await db.cases.add(completedRow(old));
    await db.paperScans.add({
      caseNo: old.caseNo,
      materialId: 'M01',
      createdAt: old.completedAt,
      reason: 'elderly',
      page: new Blob(['p']),
      thumbnail: new Blob(['t']),
    });
    await enqueue(db, { key: 'usage-record:C-2', kind: 'usage_record', payload: usageRecord('C-2'), createdAt: '2026-11-27T01:00:00Z' });

    const startup = createStartup(STARTUP_TASKS);
    const context = { services, session: useSessionStore(), workstation: useWorkstationStore() };
    const close = startup.open(context);
    await expect.poll(async () => (await db.outbox.toArray()).map((r) => r.state)).toEqual(['delivered']);
    expect(submitted.map((s) => s.record.caseNo)).toEqual(['C-2']);
    await expect.poll(() => db.paperScans.count()).toBe(0);

    // The link comes back: the cached usage lists, catalog and trust list are refreshed, and
    // the catch-up runs last.
    const caughtUp = new Promise<unknown>((resolve) => {
      const run = services.catchUp.run;
      services.catchUp.run = () => run().finally(() => resolve(null));
    });
    link = ONLINE;
    await context.workstation.probe();
    await caughtUp;
    expect((await db.referenceCache.toArray()).map((r) => r.name).sort()).toEqual(['catalog', 'matters', 'trust']);
    close();

    // Signed in again in the same page (the link down meanwhile): the sweep does not run twice.
    link = OFFLINE;
    context.workstation.link = OFFLINE;
    startup.open(context)();
    const purges = (await db.auditEvents.toArray()).filter((e) => e.kind === 'purge').map((e) => e.details);
    expect(purges).toEqual([
      { reason: 'retention', retentionDays: 30, paperPagesDeleted: 1, casesWithPagesDeleted: [old.caseNo], abandonedCases: [], deliveredOutboxRowsDeleted: 0 },
    ]);
    db.close();
  });
});
