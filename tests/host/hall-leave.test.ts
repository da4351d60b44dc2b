import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedHall, type EmbeddedHall } from '../../electron/host/embedded-hall';
import { embeddedSandbox, type EmbeddedSandbox } from '../../electron/host/embedded-sandbox';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { createHost } from '../../electron/host/host';
import type { HallConfig } from '../../electron/host/hall-link';
import type { RunningHall } from '../../hall/index';
import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import type { HostResult } from '../../shared/errors';
import type { PushRequest } from '../../shared/hall-api';
import { TestWorkstation } from '../hall/simulated-workstation';

// 设置 → 退出大厅 at the host (`hall.leave`), against real halls over HTTP: the enrolment is
// forgotten in <data>/hall.json (the key pair kept), nothing more goes to that hall, the
// workstation uses what its command line gives without that enrolment (its embedded hall, the
// `--hall` hall not enrolled, or none), and it can enrol again — with the same hall, which takes
// it back with its streams, or with another.

const dirs: string[] = [];
const halls: EmbeddedHall[] = [];
let sandbox: EmbeddedSandbox;
/** A hall of the district (its own process in real life; here PGlite in a folder of the test). */
let district: RunningHall;

const tmp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

async function workstation(id: string, hall: HallConfig | null, dataDir = tmp('host-leave-')) {
  const host = await createHost({
    version: 'test',
    transport: 'browser',
    dataDir,
    settings: { libraryUrl: null, rootKey: null, workstationId: id, paperRetentionDays: 30 },
    settingsFile: join(dataDir, 'settings.json'),
    openSandbox: sandbox.open,
    hall,
  });
  const call = (async (name: HostCallName, input: unknown) => dispatchHostCall(host.handlers, host.currentOperator, name, input)) as <N extends HostCallName>(
    name: N,
    input: HostInput<N>,
  ) => Promise<HostResult<HostOutput<N>>>;
  const ok = async <N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>> => {
    const result = await call(name, input);
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  const signIn = async (username: string) => {
    await ok('session.signOut', {});
    await ok('session.signIn', { username, password: 'demo' });
  };
  const keyFile = () =>
    JSON.parse(readFileSync(join(dataDir, 'hall.json'), 'utf8')) as { privateKey: string; publicKey: string; enrolment: Record<string, unknown> | null };
  return { host, dataDir, call, ok, signIn, keyFile };
}

/** A hall of its own for a workstation started without `--hall` (what `npm start` embeds). */
function ownHall(dataDir: string): EmbeddedHall {
  const hall = embeddedHall(dataDir);
  halls.push(hall);
  return hall;
}

function pushOf(ws: TestWorkstation, from = 1): PushRequest {
  return {
    head: ws.head(),
    audit: ws.chain.filter((e) => e.seq >= from),
    records: [],
    outbox: { at: new Date().toISOString(), usageRecords: { count: 0, oldestAt: null }, objections: { count: 0, oldestAt: null }, needsAttention: 0 },
  };
}

beforeAll(async () => {
  sandbox = embeddedSandbox(tmp('host-leave-sandbox-'));
  const hall = embeddedHall(tmp('host-leave-district-'));
  halls.push(hall);
  await hall.open();
  district = (await hall.running())!;
}, 120_000);

afterAll(async () => {
  for (const hall of halls) await hall.close();
  await sandbox?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('leaving a hall enrolled in 设置, on a workstation started without --hall', () => {
  const ws = new TestWorkstation('unused', 'WS-LEAVE-01');
  let w: Awaited<ReturnType<typeof workstation>>;
  let own: EmbeddedHall;

  beforeAll(async () => {
    const dataDir = tmp('host-leave-1-');
    own = ownHall(join(dataDir, 'own'));
    w = await workstation('WS-LEAVE-01', { url: null, openEmbedded: own.open }, dataDir);
    await w.signIn('super01');
    await w.ok('hall.enrol', { url: district.url, code: (await district.enrolmentCode()).code });
    ws.appendEvents(3);
    await w.ok('hall.sync.push', pushOf(ws));
  }, 120_000);

  it('says where leaving leads before it is done: back to the embedded hall', async () => {
    expect(await w.ok('hall.status', {})).toMatchObject({ mode: 'remote', url: district.url, enrolled: true, fallback: 'embedded' });
  });

  it('is for supervisors only', async () => {
    await w.signIn('clerk01');
    expect(await w.call('hall.leave', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await w.ok('hall.status', {})).toMatchObject({ mode: 'remote', enrolled: true });
    await w.signIn('super01');
  });

  it('forgets the enrolment in hall.json (owner-only, the key pair kept), uses the embedded hall, and sends nothing more to the hall left', async () => {
    const before = w.keyFile();
    expect(before.enrolment).toMatchObject({ url: district.url });
    const answer = await w.ok('hall.leave', {});
    const ownUrl = (await own.running())!.url;
    expect(answer).toEqual({
      left: {
        url: district.url,
        workstationId: 'WS-LEAVE-01',
        hall: { id: district.hallId, name: expect.any(String), fingerprint: district.fingerprint, enrolledAt: expect.any(String) },
      },
      now: { mode: 'embedded', url: ownUrl },
    });
    const after = w.keyFile();
    expect([after.privateKey, after.publicKey]).toEqual([before.privateKey, before.publicKey]);
    // Enrolled with its own hall now (as at a start), no longer with the district's.
    expect(after.enrolment).toMatchObject({ url: ownUrl, embedded: true });
    expect(JSON.stringify(after)).not.toContain(district.url);
    expect(statSync(join(w.dataDir, 'hall.json')).mode & 0o777).toBe(0o600);
    expect(await w.ok('hall.status', {})).toMatchObject({ mode: 'embedded', url: ownUrl, enrolled: true, state: 'online', fallback: 'embedded' });
    // A push goes to its own hall, not to the district's: the district still holds 3 events.
    ws.appendEvents(2);
    expect(await w.ok('hall.sync.state', {})).toMatchObject({ audit: { highest: 0 } });
    expect(await w.ok('hall.sync.push', pushOf(ws))).toMatchObject({ audit: { highest: 5 } });
    const held = await fetchDistrictWorkstation('WS-LEAVE-01');
    // The district still lists the window (until its administrator revokes it), with what it sent.
    expect(held).toMatchObject({ workstationId: 'WS-LEAVE-01', revokedAt: null, auditHighest: 3 });
  });

  it('is refused for the embedded hall, which is this process’s own', async () => {
    expect(await w.call('hall.leave', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'embedded_hall' } } });
    expect(await w.ok('hall.status', {})).toMatchObject({ mode: 'embedded', enrolled: true });
  });

  it('enrols again with the hall it left, with a new code: the hall takes its key back and the streams go on from what it held', async () => {
    await w.ok('hall.enrol', { url: district.url, code: (await district.enrolmentCode()).code });
    expect(await w.ok('hall.status', {})).toMatchObject({ mode: 'remote', url: district.url, enrolled: true, state: 'online' });
    // What it had not sent there (events 4 and 5) is sent now, after the 3 it held.
    expect(await w.ok('hall.sync.state', {})).toMatchObject({ audit: { highest: 3 } });
    expect(await w.ok('hall.sync.push', pushOf(ws, 4))).toMatchObject({ audit: { highest: 5 } });
  });
});

describe('leaving on a workstation started with --hall <url>', () => {
  it('leaves it named but not enrolled (大厅未登记), this run and the next', async () => {
    const dataDir = tmp('host-leave-2-');
    const config: HallConfig = { url: district.url, openEmbedded: null };
    const w = await workstation('WS-LEAVE-02', config, dataDir);
    await w.signIn('super01');
    expect(await w.call('hall.leave', {})).toMatchObject({ ok: false, error: { code: 'HALL_NOT_ENROLLED' } });
    await w.ok('hall.enrol', { url: district.url, code: (await district.enrolmentCode()).code });
    expect(await w.ok('hall.status', {})).toMatchObject({ enrolled: true, fallback: 'remote' });
    expect(await w.ok('hall.leave', {})).toMatchObject({ now: { mode: 'remote', url: district.url } });
    expect(await w.ok('hall.status', {})).toMatchObject({ mode: 'remote', url: district.url, enrolled: false, state: 'none', hall: null });
    expect(await w.call('hall.sync.state', {})).toMatchObject({ ok: false, error: { code: 'HALL_NOT_ENROLLED' } });
    expect(w.keyFile().enrolment).toBeNull();
    const restarted = await workstation('WS-LEAVE-02', config, dataDir);
    expect(await restarted.ok('hall.status', {})).toMatchObject({ mode: 'remote', enrolled: false });
  });
});

describe('--hall off', () => {
  it('runs without a hall even when one is enrolled in 设置 (kept for a later run), and there is nothing to leave', async () => {
    const dataDir = tmp('host-leave-3-');
    const w = await workstation('WS-LEAVE-03', { url: district.url, openEmbedded: null }, dataDir);
    await w.signIn('super01');
    await w.ok('hall.enrol', { url: district.url, code: (await district.enrolmentCode()).code });
    const off = await workstation('WS-LEAVE-03', { url: null, openEmbedded: null, off: true }, dataDir);
    await off.signIn('super01');
    expect(await off.ok('hall.status', {})).toMatchObject({ mode: 'none', enrolled: false, state: 'none', fallback: 'none' });
    expect(await off.call('hall.sync.state', {})).toMatchObject({ ok: false, error: { code: 'HALL_NOT_ENROLLED' } });
    expect(await off.call('hall.leave', {})).toMatchObject({ ok: false, error: { code: 'HALL_NOT_ENROLLED' } });
    // The enrolment stays pinned: started again without --hall, the workstation uses that hall.
    const again = await workstation(
      'WS-LEAVE-03',
      {
        url: null,
        openEmbedded: async () => {
          throw new Error('the embedded hall must not start');
        },
      },
      dataDir,
    );
    expect(await again.ok('hall.status', {})).toMatchObject({ mode: 'remote', url: district.url, enrolled: true });
  });
});

/** The district hall's record of a window, as its supervisors list it. */
async function fetchDistrictWorkstation(id: string) {
  // Asked as a supervisor of another window of the district.
  const other = await workstation('WS-LEAVE-09', { url: district.url, openEmbedded: null });
  await other.signIn('super01');
  await other.ok('hall.enrol', { url: district.url, code: (await district.enrolmentCode()).code });
  const { workstations } = await other.ok('hall.workstations', {});
  return workstations.find((w) => w.workstationId === id);
}
