import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedHall, type EmbeddedHall } from '../../electron/host/embedded-hall';
import { embeddedSandbox, type EmbeddedSandbox } from '../../electron/host/embedded-sandbox';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { createHost, type Host } from '../../electron/host/host';
import { createAuditLog, type AuditActor } from '../../renderer/audit/audit-log';
import { WorkstationDb } from '../../renderer/db/db';
import { createHallSync, type HallSync } from '../../renderer/sync/hall-sync';
import { createHostClient, type HostClient, type HostTransport } from '../../renderer/host/client';
import type { SenderLock } from '../../renderer/outbox/sender-lock';
import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import type { PushRequest } from '../../shared/hall-api';
import { shanghaiDate } from '../../shared/shanghai-time';
import { completedRow, keptCase, objectionRow, openRow } from '../unit/renderer/rows';

// The renderer's hall sync (renderer/sync/hall-sync.ts) over the real host, which relays to the
// real hall it embeds (PGlite, over HTTP, signed), with the real sandbox as its library: what a
// workstation's IndexedDB holds reaches the hall in order, in batches, exactly once, and the
// sync resumes from what the hall holds after a reload, a lost answer or a hall that was down.

const WS = 'WS-SYNC-01';
const dirs: string[] = [];
let sandbox: EmbeddedSandbox;
let hall: EmbeddedHall;
let host: Host;

/** The real host's dispatcher as the page's transport, with a hook to see (or break) each call. */
function transport(hook?: (name: HostCallName, input: unknown, send: () => Promise<unknown>) => Promise<unknown>): HostTransport {
  return (async (name: HostCallName, input: unknown) => {
    const send = () => dispatchHostCall(host.handlers, host.currentOperator, name, input);
    return hook ? hook(name, input, send) : send();
  }) as HostTransport;
}

const client = (hook?: Parameters<typeof transport>[0]): HostClient => createHostClient(transport(hook));

async function ok<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>> {
  const result = await dispatchHostCall(host.handlers, host.currentOperator, name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value as HostOutput<N>;
}

const ACTOR: AuditActor = { operator: 'OP-CLERK', role: 'clerk', workstation: WS };
let caseCounter = 0;

/** A case completed the way the counter does it: the row first, then its events. */
async function completeCase(db: WorkstationDb, audit: ReturnType<typeof createAuditLog>, at = new Date()): Promise<string> {
  caseCounter += 1;
  const caseNo = `${WS}-${shanghaiDate(at).replace(/-/g, '')}-${String(caseCounter).padStart(4, '0')}`;
  const completedAt = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  await audit.append(ACTOR, { kind: 'case_open', case: caseNo, details: { matterCode: '310000-GA-SFZ-002', matterName: '居民身份证换领' } });
  // The host runs on the sandbox, as `npm start` does: every case is a training case, and the
  // supervisor's 全厅 dashboard counts the training cases (the host asks the hall for them).
  const kept = keptCase(caseNo, completedAt, { workstationId: WS, operatorId: ACTOR.operator, training: true });
  // What the counter's purge keeps beside the hall's fields: it must not stop the record.
  kept.noGrant = null;
  kept.materials[0]!.libraryUnreachable = false;
  await db.cases.put(completedRow(kept));
  await audit.append(ACTOR, {
    kind: 'completion',
    case: caseNo,
    details: { materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'elderly' }] },
  });
  return caseNo;
}

function syncOf(db: WorkstationDb, hostClient: HostClient, extra: Partial<Parameters<typeof createHallSync>[0]> = {}): HallSync {
  return createHallSync({ db, host: hostClient, watch: null, limits: { events: 7, records: 3 }, ...extra });
}

function pushesOf(calls: { name: string; input: unknown }[]): PushRequest[] {
  return calls.filter((c) => c.name === 'hall.sync.push').map((c) => c.input as PushRequest);
}

async function hallCases(): Promise<number> {
  const today = shanghaiDate(new Date());
  const dashboard = await ok('hall.dashboard', { from: today, to: today });
  return dashboard.byWindow.find((w) => w.workstationId === WS)?.counts.cases ?? 0;
}

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'hall-sync-'));
  dirs.push(root);
  sandbox = embeddedSandbox(root);
  hall = embeddedHall(root);
  host = await createHost({
    version: 'test',
    transport: 'browser',
    dataDir: root,
    settings: { libraryUrl: null, rootKey: null, workstationId: WS, paperRetentionDays: 30 },
    settingsFile: join(root, 'settings.json'),
    openSandbox: sandbox.open,
    hall: { url: null, openEmbedded: hall.open },
  });
  // A supervisor is signed in: the dashboard is read as the 全厅 view reads it.
  await ok('session.signIn', { username: 'super01', password: 'demo' });
}, 120_000);

afterAll(async () => {
  await hall?.close();
  await sandbox?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the hall sync', () => {
  const db = new WorkstationDb(`hall-sync-${Math.random()}`);
  const audit = createAuditLog(db);

  it('sends the chain and the records stream in order, in batches, and the dashboard counts each case once', async () => {
    for (let i = 0; i < 10; i++) await completeCase(db, audit);
    await db.cases.put(openRow(`${WS}-C-1`, new Date().toISOString(), 'cancelled'));
    await audit.append(ACTOR, { kind: 'case_cancel', case: `${WS}-C-1`, details: { matterCode: '310000-GA-SFZ-002' } });
    const calls: { name: string; input: unknown }[] = [];
    const sync = syncOf(
      db,
      client((name, input, send) => (calls.push({ name, input }), send())),
    );
    const status = await sync.syncNow();

    expect(status).toMatchObject({ state: 'idle', lastError: null, position: { epoch: 1, audit: 21, records: 11 }, pending: { audit: 0, records: 0 } });
    const pushes = pushesOf(calls);
    // 21 events at most 7 a push, 11 records at most 3: consecutive within each push and across pushes.
    expect(pushes.length).toBeGreaterThanOrEqual(4);
    const seqs = pushes.flatMap((p) => p.audit.map((e) => e.seq));
    const records = pushes.flatMap((p) => p.records.map((r) => r.seq));
    expect(seqs).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(records).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    for (const push of pushes) {
      expect(push.audit.length).toBeLessThanOrEqual(7);
      expect(push.records.length).toBeLessThanOrEqual(3);
      expect(push.outbox).not.toBeNull();
    }
    // The first thing asked is where the hall stands.
    expect(calls[0]!.name).toBe('hall.sync.state');
    const lastRecord = pushes.flatMap((p) => p.records).at(-1)!;
    expect(lastRecord).toMatchObject({ kind: 'case', case: { status: 'cancelled', caseNo: `${WS}-C-1`, operatorId: ACTOR.operator } });
    // Nothing of the holder but the ID type and number leaves; a local field never reaches the hall's strict schema.
    const first = pushes[0]!.records[0]!;
    expect(first.kind === 'case' && first.case.status === 'completed' && first.case.materials[0]).not.toHaveProperty('libraryUnreachable');
    expect(await hallCases()).toBe(10);
  });

  it('resumes from the hall’s highest after a reload: only what follows is sent, nothing twice', async () => {
    await completeCase(db, audit);
    await completeCase(db, audit);
    const calls: { name: string; input: unknown }[] = [];
    // A new page: nothing of the last one's progress is in memory.
    const sync = syncOf(
      db,
      client((name, input, send) => (calls.push({ name, input }), send())),
    );
    await sync.syncNow();
    const pushes = pushesOf(calls);
    expect(pushes[0]!.audit[0]!.seq).toBe(22);
    expect(pushes.flatMap((p) => p.records.map((r) => r.seq))).toEqual([12, 13]);
    expect(await hallCases()).toBe(12);
    // Caught up, a pass sends nothing new (the outbox counts were sent and have not changed).
    calls.length = 0;
    await sync.syncNow();
    expect(pushesOf(calls)).toEqual([]);
  });

  it('a lost answer: the push is resent as it was, the hall stores it once', async () => {
    await completeCase(db, audit);
    let lose = true;
    const sent: PushRequest[] = [];
    const sync = syncOf(
      db,
      client(async (name, input, send) => {
        const answer = await send();
        if (name === 'hall.sync.push') sent.push(input as PushRequest);
        if (name === 'hall.sync.push' && lose) {
          lose = false;
          // The hall stored the push, the answer never came back.
          return { ok: false, error: { code: 'HALL_UNAVAILABLE', message: 'lost', specific: false } };
        }
        return answer;
      }),
    );
    expect((await sync.syncNow()).state).toBe('offline');
    expect((await sync.syncNow()).state).toBe('idle');
    // The same batch sent as is, directly: the hall holds it already and stores nothing.
    const again = await ok('hall.sync.push', sent[0]!);
    expect(again.stored).toEqual({ audit: 0, records: 0 });
    expect(await hallCases()).toBe(13);
    const state = await ok('hall.sync.state', {});
    expect(state.audit.highest).toBe((await db.auditEvents.orderBy('seq').last())!.seq);
  });

  it('with the hall down the counter works on, and the sync catches up when it is back', async () => {
    let down = true;
    const sync = syncOf(
      db,
      client(async (name, input, send) =>
        down && name.startsWith('hall.') ? { ok: false, error: { code: 'HALL_UNAVAILABLE', message: 'down', specific: false } } : send(),
      ),
    );
    for (let i = 0; i < 4; i++) await completeCase(db, audit);
    expect((await sync.syncNow()).state).toBe('offline');
    await completeCase(db, audit);
    down = false;
    expect(await sync.syncNow()).toMatchObject({ state: 'idle', pending: { audit: 0, records: 0 } });
    expect(await hallCases()).toBe(18);
  });

  it('journals each objection state once, and abandoned cases of the start-up sweep as cancelled', async () => {
    await db.objections.put(objectionRow('OBJ-SYNC-1'));
    await db.cases.put(openRow(`${WS}-A-1`, '2026-11-01T00:00:00Z', 'cancelled'));
    await audit.append(ACTOR, {
      kind: 'purge',
      case: null,
      details: {
        reason: 'retention',
        retentionDays: 30,
        paperPagesDeleted: 0,
        casesWithPagesDeleted: [],
        abandonedCases: [`${WS}-A-1`],
        deliveredOutboxRowsDeleted: 0,
      },
    });
    const sync = syncOf(db, client());
    expect(await sync.buildJournal()).toBe(2);
    expect(await sync.buildJournal()).toBe(0);
    await db.objections.update('OBJ-SYNC-1', { state: 'received', updatedAt: '2026-11-27T03:00:00Z' });
    expect(await sync.buildJournal()).toBe(1);
    const tail = (await db.hallRecords.orderBy('seq').toArray()).slice(-3).map((r) => r.record);
    expect(tail).toMatchObject([
      { kind: 'case', case: { status: 'cancelled', caseNo: `${WS}-A-1` } },
      { kind: 'objection', objection: { id: 'OBJ-SYNC-1', state: 'queued', fieldKeys: ['name'] } },
      { kind: 'objection', objection: { id: 'OBJ-SYNC-1', state: 'received' } },
    ]);
    // The contested values and the description stay on the workstation.
    expect(JSON.stringify(tail)).not.toContain('董琳');
    expect((await sync.syncNow()).state).toBe('idle');
  });

  it('one tab sends: a second page waits for the lock and takes over when the first goes', async () => {
    let holder: string | null = null;
    const line: (() => void)[] = [];
    const lockFor = (name: string): SenderLock => ({
      async tryAcquire() {
        if (holder) return false;
        holder = name;
        return true;
      },
      queue(onHeld) {
        line.push(() => {
          holder = name;
          onHeld();
        });
      },
      release() {
        if (holder === name) {
          holder = null;
          line.shift()?.();
        }
      },
    });
    const timers: unknown[] = [];
    const quiet = { setTimer: (fn: () => void) => (timers.push(fn), timers.length), clearTimer: () => undefined };
    const a = syncOf(db, client(), { lock: lockFor('a'), ...quiet });
    const b = syncOf(db, client(), { lock: lockFor('b'), ...quiet });
    await a.start();
    await b.start();
    expect(b.status().state).toBe('standby');
    await completeCase(db, audit);
    a.stop();
    await expect.poll(() => holder).toBe('b');
    await expect.poll(() => b.status().state, { timeout: 10_000 }).toBe('idle');
    expect(await hallCases()).toBe(19);
    b.stop();
  });

  it('a chain cut short at its end is flagged at the hall: the sync stops until a supervisor acknowledges', async () => {
    const last = (await db.auditEvents.orderBy('seq').last())!.seq;
    await db.auditEvents
      .where('seq')
      .above(last - 3)
      .delete();
    const sync = syncOf(db, client());
    expect((await sync.syncNow()).state).toBe('stopped');
    const { alerts } = await ok('hall.alerts', {});
    expect(alerts).toEqual([expect.objectContaining({ workstationId: WS, reason: 'truncated', seq: last - 2 })]);
    // The counter works on; the sync stays stopped and sends nothing.
    await completeCase(db, audit);
    expect((await sync.syncNow()).state).toBe('stopped');
    // Acknowledged: a new epoch, the chain and the records sent again from 1, no case counted twice.
    await ok('hall.alerts.acknowledge', { id: alerts[0]!.id, note: '测试：截断' });
    expect(await sync.syncNow()).toMatchObject({ state: 'idle', position: { epoch: 2 }, pending: { audit: 0, records: 0 } });
    expect(await hallCases()).toBe(20);
  });

  /** A case closed as 补正 the way counter.ts closes it: the notice, the row's status, the purge that says why. */
  async function closeAsCorrection(caseNo: string): Promise<void> {
    await audit.append(ACTOR, { kind: 'case_open', case: caseNo, details: { matterCode: '310000-GA-SFZ-002', matterName: '居民身份证换领' } });
    await db.cases.put({ ...openRow(caseNo, new Date().toISOString(), 'correction'), training: true });
    await audit.append(ACTOR, {
      kind: 'notice',
      case: caseNo,
      details: { choice: 'close_correction', materials: [{ materialId: 'M01', noticeReason: 'not_in_library', outcome: null }] },
    });
    await audit.append(ACTOR, { kind: 'purge', case: caseNo, details: { purgedLicences: 0, paperDeleted: true, reason: 'correction' } });
  }

  it('sends a case closed as 补正, counted as on the workstation (not at all), and one a journal of the version before had read past', async () => {
    const counted = await hallCases();
    const closed = `${WS}-K-1`;
    await closeAsCorrection(closed);
    const calls: { name: string; input: unknown }[] = [];
    const sync = syncOf(
      db,
      client((name, input, send) => (calls.push({ name, input }), send())),
    );
    expect(await sync.syncNow()).toMatchObject({ state: 'idle', pending: { audit: 0, records: 0 } });
    const sent = pushesOf(calls).flatMap((p) => p.records);
    expect(sent).toEqual([
      expect.objectContaining({
        kind: 'case',
        case: expect.objectContaining({ status: 'correction', caseNo: closed, operatorId: ACTOR.operator, workstationId: WS, training: true }),
      }),
    ]);
    const kept = await ok('hall.case', { workstation: WS, caseNo: closed });
    expect(kept.row).toMatchObject({ status: 'correction', completedAt: null });
    expect(await hallCases()).toBe(counted);

    // The version before journaled completed and cancelled cases only, and its cursor has read
    // past this one: the new definition reads the chain again and sends what it left out, once.
    const missed = `${WS}-K-2`;
    await closeAsCorrection(missed);
    const head = (await db.auditEvents.orderBy('seq').last())!;
    await db.hallSync.put({ id: 'journal', auditSeq: head.seq, auditHash: head.hash });
    expect(await sync.buildJournal()).toBe(1);
    expect(await sync.buildJournal()).toBe(0);
    expect(await sync.syncNow()).toMatchObject({ state: 'idle', pending: { audit: 0, records: 0 } });
    expect((await ok('hall.case', { workstation: WS, caseNo: missed })).row.status).toBe('correction');
  });
});
