import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createStartup } from '../../../renderer/app/startup';
import { STARTUP_TASKS } from '../../../renderer/app/startup-tasks';
import { useHallStore } from '../../../renderer/stores/hall';
import { useSessionStore } from '../../../renderer/stores/session';
import { useWorkstationStore } from '../../../renderer/stores/workstation';
import { AUDIT_GENESIS_PREV } from '../../../shared/audit-chain';
import type { HallStatus, HostOutput } from '../../../shared/contract';
import { AppError } from '../../../renderer/host/client';
import { fakeHost } from './fake-host';
import { testRoot, WORKSTATION } from './test-root';

// The hall-sync start-up task with a fake host: the sync asks the hall nothing while the
// workstation has no hall to send to, and starts once a supervisor enrols it in 设置 (no reload).

const SUPERVISOR = { id: 'OP-S', name: '值班长', role: 'supervisor' as const, unitCode: 'U1', unitName: '中心' };

const NO_HALL: HallStatus = {
  mode: 'none',
  url: null,
  enrolled: false,
  hall: null,
  workstationId: null,
  workstationFingerprint: null,
  state: 'none',
  lastSuccessAt: null,
  lastSyncAt: null,
  lastError: null,
  sync: null,
  fallback: 'embedded',
};
const HALL = { id: 'HALL-1', name: '区行政服务中心', fingerprint: '3F2A 9C01 77BE 0D12 A0C4', enrolledAt: '2026-11-27T02:00:00Z' };
const POSITION: HostOutput<'hall.sync.state'> = {
  workstationId: WORKSTATION.workstationId,
  epoch: 1,
  audit: { highest: 0, lastHash: AUDIT_GENESIS_PREV },
  records: { highest: 0 },
  ingest: 'open',
  openAlerts: [],
  serverTime: '2026-11-27T02:00:00Z',
};

const hallTask = STARTUP_TASKS.find((task) => task.id === 'hall-sync')!;
let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
});

/** The page with a fake host whose `hall.status` the test sets, and the hall-sync task started as the shell starts it. */
async function page(
  initial: HallStatus,
  options: { fallback?: HallStatus; positions?: Record<string, HostOutput<'hall.sync.state'>>; leaveFails?: AppError } = {},
) {
  let status = initial;
  const host = fakeHost({
    'hall.status': () => status,
    'hall.enrol': ({ url }) => {
      status = { ...NO_HALL, mode: 'remote', url, enrolled: true, hall: HALL, workstationId: WORKSTATION.workstationId, state: 'online' };
      return { url, workstationId: WORKSTATION.workstationId, hall: HALL };
    },
    'hall.leave': () => {
      if (options.leaveFails) throw options.leaveFails;
      const left = { url: status.url!, workstationId: status.workstationId!, hall: status.hall! };
      status = options.fallback ?? { ...NO_HALL, fallback: 'none' };
      return { left, now: { mode: status.mode, url: status.url } };
    },
    // Each hall's own position, by its address.
    'hall.sync.state': () => options.positions?.[status.url ?? ''] ?? POSITION,
    // As a hall answers: what it holds after the push (the enrolment is itself logged, and sent).
    'hall.sync.push': (push) => ({
      ...(options.positions?.[status.url ?? ''] ?? POSITION),
      audit: { highest: push.audit.at(-1)?.seq ?? 0, lastHash: push.audit.at(-1)?.hash ?? AUDIT_GENESIS_PREV },
      records: { highest: push.records.at(-1)?.seq ?? 0 },
      stored: { audit: push.audit.length, records: push.records.length },
    }),
  });
  const { services, db } = testRoot({ host: host.client, operator: SUPERVISOR });
  stop = createStartup([hallTask]).open({ services, session: useSessionStore(), workstation: useWorkstationStore() });
  const hall = useHallStore();
  await expect.poll(() => hall.status).not.toBeNull();
  const syncCalls = () => host.names().filter((name) => name.startsWith('hall.sync.'));
  const hallAdmin = async () => (await db.auditEvents.toArray()).filter((e) => e.kind === 'hall_admin').map((e) => e.details);
  return { host, hall, services, syncCalls, hallAdmin, setStatus: (next: HallStatus) => (status = next) };
}

describe('the hall sync at start', () => {
  it('asks the hall nothing while no hall is configured (mode none), however often the header probes', async () => {
    const { hall, services, syncCalls } = await page(NO_HALL);
    for (let i = 0; i < 3; i++) await hall.probe();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(syncCalls()).toEqual([]);
    expect(hall.syncWanted).toBe(false);
    expect(services.hallSync.status().state).toBe('idle');
  });

  it('asks nothing either from a hall it is not enrolled with (a --hall address before the supervisor enrols)', async () => {
    const { hall, syncCalls } = await page({ ...NO_HALL, mode: 'remote', url: 'http://10.20.0.5:8790' });
    await hall.probe();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hall.configured).toBe(true);
    expect(syncCalls()).toEqual([]);
  });

  it('starts sending once a supervisor enrols the workstation in 设置, without a reload', async () => {
    const { hall, services, syncCalls } = await page(NO_HALL);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(syncCalls()).toEqual([]);
    await hall.enrol('http://10.20.0.5:8790', '7K3Q-M9XA-2D4F-HT8C');
    await expect.poll(() => syncCalls()).toEqual(['hall.sync.state', 'hall.sync.push']);
    await expect.poll(() => services.hallSync.status().state).toBe('idle');
    expect(services.hallSync.status().lastSyncAt).not.toBeNull();
  });

  it('starts at once on a workstation enrolled already (the embedded hall of npm start)', async () => {
    const { syncCalls } = await page({ ...NO_HALL, mode: 'embedded', url: 'http://127.0.0.1:40001', enrolled: true, hall: HALL, state: 'online' });
    await expect.poll(() => syncCalls()).toContain('hall.sync.state');
  });
});

describe('the hall sync when the workstation leaves its hall, or enrols with another', () => {
  const DISTRICT = 'http://10.20.0.5:8790';
  const ENROLLED: HallStatus = {
    ...NO_HALL,
    mode: 'remote',
    url: DISTRICT,
    enrolled: true,
    hall: HALL,
    workstationId: WORKSTATION.workstationId,
    state: 'online',
  };
  const HELD_THERE: HostOutput<'hall.sync.state'> = { ...POSITION, epoch: 3, audit: { highest: 0, lastHash: AUDIT_GENESIS_PREV } };

  it('stops at once when no hall is left to send to (a --hall hall, not enrolled now), and logs the leaving', async () => {
    const { hall, services, syncCalls, hallAdmin } = await page(ENROLLED, {
      fallback: { ...NO_HALL, mode: 'remote', url: DISTRICT, fallback: 'remote' },
    });
    await expect.poll(() => services.hallSync.status().state).toBe('idle');
    const answer = await hall.leave();
    expect(answer.now).toEqual({ mode: 'remote', url: DISTRICT });
    expect(hall.syncWanted).toBe(false);
    const before = syncCalls().length;
    // A local change after leaving: nothing is asked of any hall.
    await services.audit.append(
      { operator: SUPERVISOR.id, role: 'supervisor', workstation: WORKSTATION.workstationId },
      {
        kind: 'export',
        case: null,
        details: { what: 'audit_csv', fileName: 'x.csv', filter: {}, count: 0, firstSeq: null, lastSeq: null },
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(syncCalls().length).toBe(before);
    expect(services.hallSync.status()).toMatchObject({ position: null, lastSyncAt: null });
    expect(await hallAdmin()).toEqual([
      {
        action: 'leave_hall',
        hallUrl: DISTRICT,
        hallId: HALL.id,
        hallName: HALL.name,
        hallFingerprint: HALL.fingerprint,
        workstation: WORKSTATION.workstationId,
        ok: true,
        now: 'remote',
      },
    ]);
  });

  it('logs a leaving the host refused, with the code, and the sync goes on as before', async () => {
    const { hall, services, hallAdmin } = await page(ENROLLED, { leaveFails: new AppError('HALL_NOT_ENROLLED') });
    await expect.poll(() => services.hallSync.status().state).toBe('idle');
    await expect(hall.leave()).rejects.toMatchObject({ code: 'HALL_NOT_ENROLLED' });
    expect(hall.syncWanted).toBe(true);
    expect(services.hallSync.status().lastSyncAt).not.toBeNull();
    expect(await hallAdmin()).toEqual([
      {
        action: 'leave_hall',
        hallUrl: DISTRICT,
        hallId: HALL.id,
        hallName: HALL.name,
        hallFingerprint: HALL.fingerprint,
        workstation: WORKSTATION.workstationId,
        ok: false,
        code: 'HALL_NOT_ENROLLED',
      },
    ]);
  });

  it('enrolling with another hall replaces the enrolment: the sync asks the new hall where it stands, and the enrolment is logged with the one it replaced', async () => {
    const OTHER = 'http://10.20.0.6:8790';
    const { hall, services, syncCalls, hallAdmin } = await page(ENROLLED, { positions: { [DISTRICT]: HELD_THERE } });
    await expect.poll(() => services.hallSync.status().position?.epoch).toBe(3);
    const before = syncCalls().length;
    await hall.enrol(OTHER, '7K3Q-M9XA-2D4F-HT8C');
    await expect.poll(() => syncCalls().slice(before)).toEqual(['hall.sync.state', 'hall.sync.push']);
    await expect.poll(() => services.hallSync.status().position?.epoch).toBe(1);
    expect(await hallAdmin()).toEqual([
      {
        action: 'enrol_hall',
        hallUrl: OTHER,
        replaced: DISTRICT,
        ok: true,
        hallId: HALL.id,
        hallName: HALL.name,
        hallFingerprint: HALL.fingerprint,
        workstation: WORKSTATION.workstationId,
      },
    ]);
  });

  it('goes on for the embedded hall it falls back to, from where that hall stands (not where the one left stood)', async () => {
    const EMBEDDED: HallStatus = {
      ...NO_HALL,
      mode: 'embedded',
      url: 'http://127.0.0.1:40001',
      enrolled: true,
      hall: HALL,
      workstationId: WORKSTATION.workstationId,
      state: 'online',
    };
    const { hall, services, syncCalls } = await page(ENROLLED, { fallback: EMBEDDED, positions: { [DISTRICT]: HELD_THERE } });
    await expect.poll(() => services.hallSync.status().position?.epoch).toBe(3);
    const before = syncCalls().length;
    await hall.leave();
    expect(hall.syncWanted).toBe(true);
    // Asked the embedded hall where it stands, and sent it the chain (with the leaving logged).
    await expect.poll(() => syncCalls().slice(before)).toEqual(['hall.sync.state', 'hall.sync.push']);
    await expect.poll(() => services.hallSync.status().position?.epoch).toBe(1);
  });
});
