import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { embeddedHall, hallLibraryAccount, type EmbeddedHall } from '../../electron/host/embedded-hall';
import { embeddedSandbox, type EmbeddedSandbox } from '../../electron/host/embedded-sandbox';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { HallClient } from '../../electron/host/hall-client';
import { createHost, type Host } from '../../electron/host/host';
import type { HallConfig } from '../../electron/host/hall-link';
import { sql } from '../../hall/db';
import type { RunningHall } from '../../hall/index';
import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import type { HostResult } from '../../shared/errors';
import { keyFingerprint, type PushRequest } from '../../shared/hall-api';
import { TestWorkstation, objectionState } from '../hall/simulated-workstation';
import {
  HallCasePager,
  HallObjectionPager,
  casesQuery,
  hallCaseForView,
  objectionsQuery,
  type HallCasePage,
} from '../../renderer/features/hall-scope/hall-drill';

// The host's hall calls against a real hall over HTTP: the hall `npm start` embeds (PGlite in the
// host's data folder, enrolled by the host itself at start) and a second workstation that a
// supervisor enrols with a code, with the real sandbox as the library.

interface Workstation {
  host: Host;
  dataDir: string;
  call<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostResult<HostOutput<N>>>;
  ok<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>>;
  signIn(username: string): Promise<void>;
}

const dirs: string[] = [];
let sandbox: EmbeddedSandbox;
let hall: EmbeddedHall;
let running: RunningHall;
let first: Workstation;

async function workstation(
  id: string,
  hallConfig: HallConfig | null,
  dataDir = mkdtempSync(join(tmpdir(), 'host-hall-')),
  /** A production library (the sandbox configured as one); none: the sandbox, in training. */
  library: { libraryUrl: string; rootKey: { kid: string; publicKey: string } } | null = null,
): Promise<Workstation> {
  dirs.push(dataDir);
  const host = await createHost({
    version: 'test',
    transport: 'browser',
    dataDir,
    settings: { libraryUrl: library?.libraryUrl ?? null, rootKey: library?.rootKey ?? null, workstationId: id, paperRetentionDays: 30 },
    settingsFile: join(dataDir, 'settings.json'),
    openSandbox: sandbox.open,
    hall: hallConfig,
  });
  const call = (async (name: HostCallName, input: unknown) => dispatchHostCall(host.handlers, host.currentOperator, name, input)) as Workstation['call'];
  const ok = (async (name: HostCallName, input: unknown) => {
    const result = await call(name as never, input as never);
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
    return result.value;
  }) as Workstation['ok'];
  return {
    host,
    dataDir,
    call,
    ok,
    async signIn(username) {
      await ok('session.signOut', {});
      await ok('session.signIn', { username, password: 'demo' });
    },
  };
}

/** A push of a simulated workstation's chain and records, as the renderer's sync service will send it. */
function pushOf(ws: TestWorkstation, options: { fromSeq?: number; fromRecord?: number } = {}): PushRequest {
  return {
    head: ws.head(),
    audit: ws.chain.filter((e) => e.seq >= (options.fromSeq ?? 1)),
    records: ws.records.filter((r) => r.seq >= (options.fromRecord ?? 1)),
    outbox: {
      at: new Date().toISOString(),
      usageRecords: { count: 1, oldestAt: new Date(Date.now() - 2 * 3600_000).toISOString() },
      objections: { count: 0, oldestAt: null },
      needsAttention: 0,
    },
  };
}

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'host-hall-1-'));
  sandbox = embeddedSandbox(root);
  hall = embeddedHall(root, { library: hallLibraryAccount({ libraryUrl: null, rootKey: null }, sandbox) });
  first = await workstation('WS-HALL-01', { url: null, openEmbedded: hall.open }, root);
  running = (await hall.running())!;
  // The hall fetched the sandbox's reference data at its start.
  for (let i = 0; i < 100 && !(await running.library.get('trust').catch(() => null)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}, 120_000);

afterAll(async () => {
  await hall?.close();
  await sandbox?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded hall', () => {
  it('starts with the host, which enrols itself: hall.status says online, with the pinned fingerprint', async () => {
    const status = await first.ok('hall.status', {});
    expect(status).toMatchObject({
      mode: 'embedded',
      url: running.url,
      enrolled: true,
      workstationId: 'WS-HALL-01',
      hall: { id: running.hallId, fingerprint: running.fingerprint },
      state: 'online',
      lastSyncAt: null,
      lastError: null,
      sync: { epoch: 1, audit: { highest: 0 }, records: { highest: 0 }, ingest: 'open' },
    });
    // The key pair stays in the host's data folder, owner-only, and the hall knows it by its fingerprint.
    const keyFile = JSON.parse(readFileSync(join(first.dataDir, 'hall.json'), 'utf8')) as {
      publicKey: string;
      enrolment: { hallPublicKey: string; embedded: boolean };
    };
    expect(keyFile.enrolment).toMatchObject({ hallPublicKey: running.publicKey, embedded: true });
    expect(status.workstationFingerprint).toBe(keyFingerprint(keyFile.publicKey));
  });

  it('is not enrolled again at the next start with the same data folder', async () => {
    const again = await workstation('WS-HALL-01', { url: null, openEmbedded: hall.open }, first.dataDir);
    expect((await again.ok('hall.status', {})).hall?.enrolledAt).toBe((await first.ok('hall.status', {})).hall?.enrolledAt);
  });
});

describe('sync through the host', () => {
  const ws = new TestWorkstation('unused', 'WS-HALL-01');

  it('stores a push once, answers the highest sequences, and hall.sync.state gives the resume point', async () => {
    await first.signIn('clerk01');
    ws.appendEvents(12);
    // On the sandbox every case is a training case.
    ws.addCase({ completedAt: new Date().toISOString(), workstationId: 'WS-HALL-01', training: true });
    const answer = await first.ok('hall.sync.push', pushOf(ws));
    expect(answer).toEqual({ epoch: 1, audit: { highest: 12, lastHash: ws.chain[11]!.hash }, records: { highest: 1 }, stored: { audit: 12, records: 1 } });
    // Sent again after a lost answer: nothing stored twice.
    expect(await first.ok('hall.sync.push', pushOf(ws))).toMatchObject({ audit: { highest: 12 }, records: { highest: 1 }, stored: { audit: 0, records: 0 } });
    expect(await first.ok('hall.sync.state', {})).toMatchObject({
      epoch: 1,
      audit: { highest: 12, lastHash: ws.chain[11]!.hash },
      records: { highest: 1 },
      ingest: 'open',
    });
    expect((await first.ok('hall.status', {})).lastSyncAt).not.toBeNull();
  });

  it('refuses a batch that skips ahead with HALL_SEQUENCE_GAP and the highest held, to resume from', async () => {
    ws.appendEvents(10);
    const early = await first.call('hall.sync.push', pushOf(ws, { fromSeq: 18, fromRecord: 2 }));
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'HALL_SEQUENCE_GAP', details: { hallCode: 'SEQUENCE_GAP', stream: 'audit', highest: 12, epoch: 1 } },
    });
    expect(await first.ok('hall.sync.push', pushOf(ws, { fromSeq: 13, fromRecord: 2 }))).toMatchObject({ audit: { highest: 22 }, stored: { audit: 10 } });
  });

  it('refuses personal data and malformed batches before the hall (BAD_REQUEST) or at the hall (with its code)', async () => {
    const withName = pushOf(ws, { fromSeq: 23 });
    const record = {
      seq: 2,
      kind: 'case',
      case: {
        ...(ws.records[0]!.kind === 'case' ? (ws.records[0] as { case: object }).case : {}),
        holder: { idType: '111', idNumber: '310115198001011086', name: '张三' },
      },
    };
    const refused = await first.call('hall.sync.push', { ...withName, records: [record] } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // An event whose hash does not match its content passes the contract's shape but not the hall's chain check.
    ws.appendEvents(1);
    const forged = { ...ws.chain.at(-1)!, details: { tampered: true } };
    const mismatch = await first.call('hall.sync.push', { head: { seq: forged.seq, hash: forged.hash }, audit: [forged], records: [], outbox: null });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { hallCode: 'CHAIN_HASH_MISMATCH' } } });
    expect(await first.ok('hall.sync.state', {})).toMatchObject({ audit: { highest: 22 } });
  });
});

describe('supervision across the hall', () => {
  it('is refused to a clerk by the host (FORBIDDEN) and by the hall itself (403 ROLE_REFUSED)', async () => {
    await first.signIn('clerk01');
    for (const name of ['hall.dashboard', 'hall.workstations', 'hall.attention', 'hall.alerts'] as const) {
      const input = name === 'hall.dashboard' ? { from: '2026-11-01', to: '2026-11-30' } : {};
      expect(await first.call(name, input as never)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    await first.signIn('officer01');
    expect(await first.call('hall.audit', { workstation: 'WS-HALL-01' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The hall does not rely on the host: the same signed request for a clerk is refused there.
    const client = new HallClient({ dataDir: first.dataDir, url: running.url });
    await expect(client.call('dashboard', { from: '2026-11-01', to: '2026-11-30' }, { id: 'OP-1', role: 'clerk' })).rejects.toMatchObject({
      code: 'ROLE_REFUSED',
      status: 403,
    });
  });

  it('relays every read for a supervisor: dashboard, drill-down, a case, objections, the trail and its count, chain verification', async () => {
    await first.signIn('super01');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const dashboard = await first.ok('hall.dashboard', { from: today, to: today });
    expect(dashboard.hall.counts.cases).toBe(1);
    const cases = await first.ok('hall.cases', { from: today, to: today });
    expect(cases.rows).toHaveLength(1);
    const row = cases.rows[0]!;
    expect(await first.ok('hall.case', { workstation: row.workstationId, caseNo: row.caseNo })).toMatchObject({ row: { caseNo: row.caseNo } });
    expect(await first.ok('hall.objections', { from: today, to: today })).toEqual({ rows: [], next: null });
    const trail = await first.ok('hall.audit', { workstation: 'WS-HALL-01', limit: 5 });
    expect(trail).toMatchObject({ workstationId: 'WS-HALL-01', epoch: 1 });
    expect(trail.rows).toHaveLength(5);
    expect(trail.next).not.toBeNull();
    expect(await first.ok('hall.audit.count', { workstation: 'WS-HALL-01' })).toEqual({ n: 22, more: false });
    expect(await first.ok('hall.chain.verify', { workstation: 'WS-HALL-01' })).toMatchObject({ ok: true, checked: 22, highest: 22, firstBroken: null });
    // A link the hall holds edited in its database: named by the verification.
    await running.db.run(sql("UPDATE audit_events SET body = replace(body, '材料核验', '材料核查') WHERE seq = 7"));
    expect(await first.ok('hall.chain.verify', { workstation: 'WS-HALL-01' })).toMatchObject({ ok: false, firstBroken: { seq: 7, reason: 'hash_mismatch' } });
    expect(await first.call('hall.case', { workstation: 'WS-HALL-01', caseNo: 'NO-SUCH-CASE' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('draws a reproducible random review and keeps its findings at the hall', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const review = await first.ok('hall.reviews.draw', { from: today, to: today, size: 1, seed: 'a'.repeat(32) });
    expect(review.draw).toMatchObject({ seed: 'a'.repeat(32), size: 1, candidateCount: 1 });
    expect(review.draw.picked).toHaveLength(1);
    expect(await first.ok('hall.reviews.check', { id: review.id })).toMatchObject({ reproduced: true, candidateCount: 1 });
    const ref = review.draw.picked[0]!;
    const withFinding = await first.ok('hall.reviews.finding', { id: review.id, ref, verdict: 'compliant', note: '材料齐全' });
    expect(withFinding.findings).toEqual([expect.objectContaining({ ref, verdict: 'compliant', note: '材料齐全' })]);
    expect((await first.ok('hall.reviews.get', { id: review.id })).findings).toHaveLength(1);
    expect((await first.ok('hall.reviews.list', {})).reviews.map((r) => r.id)).toContain(review.id);
  });
});

describe('a second workstation, enrolled by a supervisor in 设置', () => {
  let second: Workstation;
  const ws2 = new TestWorkstation('unused', 'WS-HALL-02');

  beforeAll(async () => {
    second = await workstation('WS-HALL-02', { url: running.url, openEmbedded: null });
  });

  it('is not enrolled before: hall.status says so and calls are HALL_NOT_ENROLLED', async () => {
    expect(await second.ok('hall.status', {})).toMatchObject({ mode: 'remote', url: running.url, enrolled: false, hall: null, state: 'none' });
    await second.signIn('clerk02');
    expect(await second.call('hall.sync.state', {})).toMatchObject({ ok: false, error: { code: 'HALL_NOT_ENROLLED' } });
  });

  it('enrols with the URL and a one-time code (supervisor only), pins the hall key and shows its fingerprint', async () => {
    const code = (await running.enrolmentCode()).code;
    expect(await second.call('hall.enrol', { url: running.url, code })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await second.signIn('super01');
    expect(await second.call('hall.enrol', { url: 'ftp://hall', code })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // The address pasted twice (a field filled while the page offered the configured one): the
    // address is refused, not the hall taken for unreachable.
    expect(await second.call('hall.enrol', { url: `${running.url}${running.url}`, code })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: { issues: [{ path: 'url', message: 'hall_url_format' }] } },
    });
    expect(await second.call('hall.enrol', { url: running.url, code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' })).toMatchObject({
      ok: false,
      error: { code: 'HALL_ENROLMENT_REFUSED', details: { hallCode: 'ENROLMENT_CODE_INVALID' } },
    });
    const enrolled = await second.ok('hall.enrol', { url: `${running.url}/`, code });
    expect(enrolled).toMatchObject({ url: running.url, workstationId: 'WS-HALL-02', hall: { id: running.hallId, fingerprint: running.fingerprint } });
    // A code works once.
    expect(await second.call('hall.enrol', { url: running.url, code })).toMatchObject({ ok: false, error: { code: 'HALL_ENROLMENT_REFUSED' } });
    expect(await second.ok('hall.status', {})).toMatchObject({ mode: 'remote', enrolled: true, state: 'online', workstationId: 'WS-HALL-02' });
  });

  it('keeps that hall after a restart without --hall, instead of running an embedded one', async () => {
    let opened = false;
    const restarted = await workstation(
      'WS-HALL-02',
      {
        url: null,
        openEmbedded: async () => {
          opened = true;
          throw new Error('the embedded hall must not start');
        },
      },
      second.dataDir,
    );
    expect(opened).toBe(false);
    expect(await restarted.ok('hall.status', {})).toMatchObject({ mode: 'remote', url: running.url, enrolled: true, state: 'online' });
  });

  it('syncs, and its cases and alerts appear in the first workstation supervisor views', async () => {
    await second.signIn('clerk02');
    ws2.appendEvents(5);
    ws2.addCase({ completedAt: new Date().toISOString(), workstationId: 'WS-HALL-02', training: true });
    expect(await second.ok('hall.sync.push', pushOf(ws2))).toMatchObject({ audit: { highest: 5 }, records: { highest: 1 } });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await first.signIn('super01');
    const dashboard = await first.ok('hall.dashboard', { from: today, to: today });
    expect(dashboard.hall.counts.cases).toBe(2);
    expect(dashboard.byWindow.map((w) => w.workstationId).sort()).toEqual(['WS-HALL-01', 'WS-HALL-02']);
    // Its report of a usage record unsent for two hours puts it on the attention list.
    const attention = await first.ok('hall.attention', {});
    expect(attention.unsentUsageRecords.map((w) => w.workstationId)).toContain('WS-HALL-02');

    // A rewritten history: the chain does not continue what the hall holds.
    const rewritten = new TestWorkstation('unused', 'WS-HALL-02');
    rewritten.appendEvents(6, { kind: 'export', details: { note: '另一条链' } });
    expect(await second.call('hall.sync.push', pushOf(rewritten, { fromSeq: 6, fromRecord: 2 }))).toMatchObject({
      ok: false,
      error: { code: 'HALL_CHAIN_BREAK', details: { hallCode: 'CHAIN_BREAK' } },
    });
    expect(await second.call('hall.sync.push', pushOf(ws2, { fromSeq: 6, fromRecord: 2 }))).toMatchObject({
      ok: false,
      error: { code: 'HALL_INGEST_STOPPED' },
    });
    const { alerts } = await first.ok('hall.alerts', { state: 'open' });
    const alert = alerts.find((a) => a.workstationId === 'WS-HALL-02')!;
    expect(alert).toMatchObject({ reason: 'prev_mismatch', seq: 6 });
    expect((await first.ok('hall.attention', {})).alerts.map((a) => a.id)).toContain(alert.id);
    const acknowledged = await first.ok('hall.alerts.acknowledge', { id: alert.id, note: '已核实：测试中改写的日志' });
    expect(acknowledged).toMatchObject({ epoch: 2, alert: { id: alert.id, acknowledgedBy: expect.any(String) } });
    expect(await first.call('hall.alerts.acknowledge', { id: alert.id, note: '再次确认' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Ingest resumes in a new epoch, from seq 1.
    expect(await second.ok('hall.sync.state', {})).toMatchObject({ epoch: 2, audit: { highest: 0 }, ingest: 'open' });
    expect(await second.ok('hall.sync.push', pushOf(ws2))).toMatchObject({ epoch: 2, audit: { highest: 5 } });
  });

  it('lists the hall windows, never revokes itself, and once revoked the workstation is refused (HALL_REVOKED) and its status says so', async () => {
    await first.signIn('super01');
    const { workstations } = await first.ok('hall.workstations', {});
    expect(workstations.map((w) => w.workstationId).sort()).toEqual(['WS-HALL-01', 'WS-HALL-02']);
    // Never itself: the host refuses before the hall is asked, and the window stays enrolled.
    expect(await first.call('hall.workstations.revoke', { workstation: 'WS-HALL-01', reason: '误操作' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', specific: true, details: { reason: 'self_revoke' } },
    });
    expect((await first.ok('hall.workstations', {})).workstations.find((w) => w.workstationId === 'WS-HALL-01')).toMatchObject({ revokedAt: null });
    expect(await first.ok('hall.status', {})).toMatchObject({ state: 'online' });
    const revoked = await first.ok('hall.workstations.revoke', { workstation: 'WS-HALL-02', reason: '设备报废' });
    expect(revoked).toMatchObject({ workstationId: 'WS-HALL-02', revokedAt: expect.any(String) });
    expect(await second.call('hall.sync.state', {})).toMatchObject({
      ok: false,
      error: { code: 'HALL_REVOKED', details: { hallCode: 'REVOKED', status: 403 } },
    });
    expect(await second.ok('hall.status', {})).toMatchObject({ enrolled: true, state: 'refused', lastError: { code: 'HALL_REVOKED' } });
  });

  it('says HALL_NOT_ENROLLED when the hall does not know the workstation any more (401 UNKNOWN_WORKSTATION)', async () => {
    const enrolled = await workstation('WS-HALL-03', { url: running.url, openEmbedded: null });
    await enrolled.signIn('super01');
    await enrolled.ok('hall.enrol', { url: running.url, code: (await running.enrolmentCode()).code });
    // The key file names an id the hall has no enrolment for (a hall restored from a backup older than the enrolment).
    const file = join(enrolled.dataDir, 'hall.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"workstationId": "WS-HALL-03"', '"workstationId": "WS-HALL-33"'));
    expect(readFileSync(file, 'utf8')).toContain('WS-HALL-33');
    const third = await workstation('WS-HALL-03', { url: running.url, openEmbedded: null }, enrolled.dataDir);
    await third.signIn('super01');
    expect(await third.call('hall.sync.state', {})).toMatchObject({
      ok: false,
      error: { code: 'HALL_NOT_ENROLLED', details: { hallCode: 'UNKNOWN_WORKSTATION', status: 401 } },
    });
    expect(await third.ok('hall.status', {})).toMatchObject({ state: 'refused', lastError: { code: 'HALL_NOT_ENROLLED' } });
  });
});

describe('reference data from the hall while the library is unreachable', () => {
  const sandboxDown = async (down: boolean) => {
    const { url } = await sandbox.open();
    await fetch(`${url}/api/v1/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down }) });
  };
  let fresh: Workstation;

  beforeAll(async () => {
    // A workstation whose supervisor signed in online once (so that the offline sign-in works) and enrolled it.
    fresh = await workstation('WS-HALL-04', { url: running.url, openEmbedded: null });
    await fresh.signIn('super01');
    await fresh.ok('hall.enrol', { url: running.url, code: (await running.enrolmentCode()).code });
    // The offline verifier is hashed after the sign-in answers; the restarts below read it from
    // the data folder, so it must be there first (on a loaded machine the hashing took longer
    // than the first test, and the offline sign-in found no verifier).
    await vi.waitFor(() => expect(readFileSync(join(fresh.dataDir, 'operators.json'), 'utf8')).toContain('super01'), { timeout: 30_000, interval: 50 });
  });
  afterAll(() => sandboxDown(false));

  it('comes from the library while it answers, saying so', async () => {
    for (const name of ['catalog', 'matters', 'trust'] as const) {
      const answer = await fresh.ok('reference.get', { name });
      expect(answer).toMatchObject({ name, source: 'library' });
      expect(answer.ageSeconds).toBeLessThan(60);
    }
  });

  it('comes from the hall for a workstation started during an outage, with the hall copy age; a 亮证码 is checked with the hall trust list', async () => {
    const holders = (await (await fetch(`${(await sandbox.open()).url}/api/v1/_sandbox/holders`)).json()) as {
      idNumber: string;
      note: string | null;
      kind: string;
    }[];
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const { token } = (await (
      await fetch(`${(await sandbox.open()).url}/api/v1/_sandbox/holders/${holder.idNumber}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { token: string };
    await sandboxDown(true);
    // Restarted with no trust list of its own: the operator signs in offline.
    rmSync(join(fresh.dataDir, 'trust-sandbox.json'), { force: true });
    const restarted = await workstation('WS-HALL-04', { url: running.url, openEmbedded: null }, fresh.dataDir);
    await restarted.ok('session.signIn', { username: 'super01', password: 'demo' });
    const snapshot = await running.library.get('matters');
    const matters = await restarted.ok('reference.get', { name: 'matters' });
    expect(matters).toMatchObject({ name: 'matters', source: 'hall', version: snapshot.version, fetchedAt: snapshot.fetchedAt });
    expect(matters.ageSeconds).toBe(Math.floor((Date.now() - Date.parse(snapshot.fetchedAt)) / 1000));
    expect(matters.body).toEqual(snapshot.body);
    expect(await restarted.ok('reference.get', { name: 'catalog' })).toMatchObject({ source: 'hall' });
    expect(await restarted.ok('reference.get', { name: 'trust' })).toMatchObject({ source: 'hall', body: { rootKid: expect.any(String) } });
    // The trust list the hall gave, verified here, checks a 亮证码 offline.
    expect(await restarted.ok('token.inspect', { token })).toMatchObject({ maskedIdNumber: expect.stringContaining('*') });
  });

  it('refuses a trust list the hall altered (HALL_UNTRUSTED): the hall is a cache, not a trust anchor', async () => {
    rmSync(join(fresh.dataDir, 'trust-sandbox.json'), { force: true });
    const restarted = await workstation('WS-HALL-04', { url: running.url, openEmbedded: null }, fresh.dataDir);
    await restarted.ok('session.signIn', { username: 'super01', password: 'demo' });
    const stored = (await running.db.one(sql<{ body: string }>("SELECT body FROM reference_cache WHERE name = 'trust'")))!;
    const altered = JSON.parse(stored.body) as { keys: { kid: string }[] };
    altered.keys[0]!.kid = `${altered.keys[0]!.kid}-X`;
    await running.db.run(sql<unknown, [string]>("UPDATE reference_cache SET body = $1 WHERE name = 'trust'"), [JSON.stringify(altered)]);
    try {
      expect(await restarted.call('reference.get', { name: 'trust' })).toMatchObject({
        ok: false,
        error: { code: 'HALL_UNTRUSTED', details: { problem: 'bad_signature' } },
      });
    } finally {
      await running.db.run(sql<unknown, [string]>("UPDATE reference_cache SET body = $1 WHERE name = 'trust'"), [stored.body]);
    }
  });
});

describe('the training scope', () => {
  // The embedded hall's workstation runs on the sandbox: in training, as `npm start` runs it.
  it('in training reads the training cases alone, marked so; a production workstation the real ones: never mixed, never chosen by the page', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    // A real case of the hall (a production window's) beside the training one.
    const real = new TestWorkstation('unused', 'WS-HALL-05');
    real.appendEvents(3);
    const realCase = real.addCase({ completedAt: new Date().toISOString(), workstationId: 'WS-HALL-05', training: false });
    const { url: libraryUrl, rootKey } = await sandbox.open();
    const production = await workstation('WS-HALL-05', { url: running.url, openEmbedded: null }, undefined, { libraryUrl, rootKey });
    await production.signIn('super01');
    expect((await production.ok('app.info', {})).libraryMode).toBe('library');
    await production.ok('hall.enrol', { url: running.url, code: (await running.enrolmentCode()).code });
    expect(await production.ok('hall.sync.push', pushOf(real))).toMatchObject({ records: { highest: 1 } });

    // The workstation on the sandbox: the training case alone, and the answer says so.
    const training = await first.ok('hall.dashboard', { from: today, to: today });
    // (the training cases of the two windows on the sandbox above)
    expect(training).toMatchObject({ training: true, hall: { counts: { cases: 2 } } });
    expect(training.byWindow.map((w) => w.workstationId).sort()).toEqual(['WS-HALL-01', 'WS-HALL-02']);
    expect((await first.ok('hall.cases', { from: today, to: today })).rows.map((r) => [r.workstationId, r.training]).sort()).toEqual([
      ['WS-HALL-01', true],
      ['WS-HALL-02', true],
    ]);
    expect(await first.call('hall.case', { workstation: 'WS-HALL-05', caseNo: realCase.caseNo })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const trainingReviews = (await first.ok('hall.reviews.list', {})).reviews;
    expect(trainingReviews.length).toBeGreaterThan(0);
    expect(trainingReviews.every((r) => r.training)).toBe(true);

    // The production workstation: the real case alone, its reviews apart.
    const dashboard = await production.ok('hall.dashboard', { from: today, to: today });
    expect(dashboard).toMatchObject({ training: false, hall: { counts: { cases: 1 } } });
    expect(dashboard.byWindow.map((w) => w.workstationId)).toEqual(['WS-HALL-05']);
    const review = await production.ok('hall.reviews.draw', { from: today, to: today, size: 1 });
    expect(review).toMatchObject({ training: false, draw: { candidateCount: 1, picked: [`WS-HALL-05/${realCase.caseNo}`] } });
    expect((await production.ok('hall.reviews.list', {})).reviews.map((r) => r.id)).toEqual([review.id]);
    expect(await first.call('hall.reviews.get', { id: review.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // The page cannot choose: the flag is the host's, and a call carrying it is refused.
    expect(await production.call('hall.dashboard', { from: today, to: today, training: true } as never)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await production.signIn('clerk01');
    expect(await production.call('hall.dashboard', { from: today, to: today })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('the 全厅 drill-down against the hall (renderer/features/hall-scope/hall-drill.ts)', () => {
  it('pages through the cases behind a figure, newest first, forward and back, and opens each as the hall keeps it: masked, no name', async () => {
    // On the sandbox, so in training: its 全厅 reads the training cases (the training scope above).
    const fifth = await workstation('WS-HALL-06', { url: running.url, openEmbedded: null });
    await fifth.signIn('super01');
    await fifth.ok('hall.enrol', { url: running.url, code: (await running.enrolmentCode()).code });
    const ws5 = new TestWorkstation('unused', 'WS-HALL-06');
    ws5.appendEvents(3);
    const start = Date.now() - 3600_000;
    const made = [0, 1, 2, 3, 4].map((i) =>
      ws5.addCase({ completedAt: new Date(start + i * 60_000).toISOString(), workstationId: 'WS-HALL-06', training: true }),
    );
    await fifth.ok('hall.sync.push', pushOf(ws5));
    const day = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const period = [day(start), day(Date.now())] as const;

    const pager = new HallCasePager(
      (input) => fifth.ok('hall.cases', input),
      casesQuery(period, { figure: 'material:paper' }, { workstation: 'WS-HALL-06' }),
      2,
    );
    const caseNos = (page: HallCasePage) => page.rows.map((r) => r.caseNo);
    const newest = made.map((c) => c.caseNo).reverse();
    const first1 = await pager.first();
    expect([caseNos(first1), first1.page, first1.hasPrevious, first1.hasNext]).toEqual([newest.slice(0, 2), 1, false, true]);
    const second2 = await pager.next();
    expect([caseNos(second2), second2.page, second2.hasPrevious, second2.hasNext]).toEqual([newest.slice(2, 4), 2, true, true]);
    const third3 = await pager.next();
    expect([caseNos(third3), third3.page, third3.hasNext]).toEqual([newest.slice(4), 3, false]);
    expect(caseNos(await pager.previous())).toEqual(newest.slice(2, 4));
    expect(caseNos(await pager.previous())).toEqual(newest.slice(0, 2));
    // A figure with no case behind it, and the clerk's scope.
    expect(
      (
        await new HallCasePager(
          (input) => fifth.ok('hall.cases', input),
          casesQuery(period, { figure: 'outcome:expired' }, { workstation: 'WS-HALL-06' }),
          2,
        ).first()
      ).rows,
    ).toEqual([]);
    expect(
      (
        await new HallCasePager(
          (input) => fifth.ok('hall.cases', input),
          casesQuery(period, { figure: 'cases' }, { operator: 'OP-PD-0101', workstation: 'WS-HALL-06' }),
          10,
        ).first()
      ).rows,
    ).toHaveLength(5);

    const answer = await fifth.ok('hall.case', { workstation: 'WS-HALL-06', caseNo: newest[0]! });
    const view = hallCaseForView(answer.record);
    expect(view).not.toBeNull();
    expect(view!.holderMasked).toBe('310115********1086');
    expect(view!.record).toMatchObject({ caseNo: newest[0], workstationId: 'WS-HALL-06', materials: [{ materialId: 'MAT1' }, { materialId: 'MAT2' }] });
    expect(JSON.stringify(answer.record)).not.toContain('310115198001011086');
  });

  it('pages through the objections filed in a period, newest first, forward and back, through the host', async () => {
    const sixth = await workstation('WS-HALL-07', { url: running.url, openEmbedded: null });
    await sixth.signIn('super01');
    await sixth.ok('hall.enrol', { url: running.url, code: (await running.enrolmentCode()).code });
    const ws6 = new TestWorkstation('unused', 'WS-HALL-07');
    ws6.appendEvents(2);
    const start = Date.now() - 3600_000;
    for (let i = 0; i < 5; i++) {
      const at = new Date(start + i * 60_000).toISOString();
      ws6.addRecord({ kind: 'objection', objection: objectionState(`OBJ-H7-${i}`, 'queued', { filedAt: at, updatedAt: at }) });
    }
    await sixth.ok('hall.sync.push', pushOf(ws6));
    const day = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const pager = new HallObjectionPager((input) => sixth.ok('hall.objections', input), objectionsQuery([day(start), day(Date.now())], { state: 'queued' }), 2);
    const ids = (page: { rows: { workstationId: string; id: string }[] }) => page.rows.filter((r) => r.workstationId === 'WS-HALL-07').map((r) => r.id);
    const first1 = await pager.first();
    expect([ids(first1), first1.hasNext]).toEqual([['OBJ-H7-4', 'OBJ-H7-3'], true]);
    expect(ids(await pager.next())).toEqual(['OBJ-H7-2', 'OBJ-H7-1']);
    const last = await pager.next();
    expect([ids(last), last.page, last.hasNext]).toEqual([['OBJ-H7-0'], 3, false]);
    expect(ids(await pager.previous())).toEqual(['OBJ-H7-2', 'OBJ-H7-1']);
    // A cursor cut short is refused, with the hall's code.
    expect(await sixth.call('hall.objections', { from: day(start), to: day(Date.now()), beforeId: 'OBJ-H7-4' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});

describe('the hall down', () => {
  it('answers HALL_UNAVAILABLE with a clear sentence, status offline; the library calls go on', async () => {
    await first.signIn('super01');
    await hall.close();
    const status = await first.ok('hall.status', {});
    expect(status).toMatchObject({ mode: 'embedded', enrolled: true, state: 'offline', lastError: { code: 'HALL_UNAVAILABLE' }, sync: null });
    const push = await first.call('hall.sync.state', {});
    expect(push).toMatchObject({ ok: false, error: { code: 'HALL_UNAVAILABLE', message: expect.stringContaining('本机照常办理') } });
    expect(await first.call('hall.dashboard', { from: '2026-11-01', to: '2026-11-30' })).toMatchObject({ ok: false, error: { code: 'HALL_UNAVAILABLE' } });
    await expect(first.ok('catalog.get', {})).resolves.toMatchObject({ types: expect.any(Array) });
  });

  it('with the library down too, reference.get is LIBRARY_UNAVAILABLE and says why the hall did not answer', async () => {
    const dataDir = dirs.find((dir) => existsSync(join(dir, 'hall.json')) && readFileSync(join(dir, 'hall.json'), 'utf8').includes('WS-HALL-04'))!;
    const { url } = await sandbox.open();
    await fetch(`${url}/api/v1/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: true }) });
    try {
      const restarted = await workstation('WS-HALL-04', { url: running.url, openEmbedded: null }, dataDir);
      await restarted.ok('session.signIn', { username: 'super01', password: 'demo' });
      expect(await restarted.call('reference.get', { name: 'matters' })).toMatchObject({
        ok: false,
        error: { code: 'LIBRARY_UNAVAILABLE', message: expect.stringContaining('大厅服务器也未能提供'), details: { hallCode: 'HALL_UNREACHABLE' } },
      });
    } finally {
      await fetch(`${url}/api/v1/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: false }) });
    }
  });
});
