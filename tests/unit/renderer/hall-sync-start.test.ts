import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createStartup } from '../../../renderer/app/startup';
import { STARTUP_TASKS } from '../../../renderer/app/startup-tasks';
import { useHallStore } from '../../../renderer/stores/hall';
import { useSessionStore } from '../../../renderer/stores/session';
import { useWorkstationStore } from '../../../renderer/stores/workstation';
import { AUDIT_GENESIS_PREV } from '../../../shared/audit-chain';
import type { HallStatus, HostOutput } from '../../../shared/contract';
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
async function page(initial: HallStatus) {
  let status = initial;
  const host = fakeHost({
    'hall.status': () => status,
    'hall.enrol': ({ url }) => {
      status = { ...NO_HALL, mode: 'remote', url, enrolled: true, hall: HALL, workstationId: WORKSTATION.workstationId, state: 'online' };
      return { url, workstationId: WORKSTATION.workstationId, hall: HALL };
    },
    'hall.sync.state': () => POSITION,
    'hall.sync.push': () => ({ ...POSITION, stored: { audit: 0, records: 0 } }),
  });
  const { services } = testRoot({ host: host.client, operator: SUPERVISOR });
  stop = createStartup([hallTask]).open({ services, session: useSessionStore(), workstation: useWorkstationStore() });
  const hall = useHallStore();
  await expect.poll(() => hall.status).not.toBeNull();
  const syncCalls = () => host.names().filter((name) => name.startsWith('hall.sync.'));
  return { host, hall, services, syncCalls, setStatus: (next: HallStatus) => (status = next) };
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
