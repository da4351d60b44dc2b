import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HostBridge, LinkState } from '../../../shared/contract';
import type { HostResult } from '../../../shared/errors';
import { AppError, bridgeTransport, createHostClient, createLibraryUnreachable, type HostClient } from '../../../renderer/host/client';
import { useWorkstationStore } from '../../../renderer/stores/workstation';
import { testRoot } from './test-root';

// The link store learns of an outage from any call the library did not answer, not only from its
// probe every 20 s: an outage between two probes otherwise went unseen, and so did its end, on
// which the shell sends the queue and re-checks the outage's paper cases (the link-return task, renderer/app/startup-tasks.ts).

const UNAVAILABLE: HostResult<unknown> = { ok: false, error: { code: 'LIBRARY_UNAVAILABLE', message: '电子证照库暂时无法访问' } };
const REFUSED: HostResult<unknown> = { ok: false, error: { code: 'LIBRARY_ERROR', message: '证照库返回错误' } };

let status: LinkState = { state: 'online', lastSuccessAt: '2026-12-03T08:00:00.000Z', latencyMs: 12 };
let answer: HostResult<unknown> = UNAVAILABLE;

// The Electron bridge (one function per call): the page's own client is built over it, with its
// signal of the library's outages, as renderer/main.ts builds them.
const bridge = new Proxy({} as HostBridge, {
  get: (_target, name) => async () => (name === 'library.status' ? { ok: true, value: status } : answer),
});
let hostClient: () => HostClient;

beforeEach(() => {
  const libraryUnreachable = createLibraryUnreachable();
  const client = createHostClient(bridgeTransport(bridge), (error) => libraryUnreachable.observe(error));
  hostClient = () => client;
  testRoot({ host: client, libraryUnreachable });
  status = { state: 'online', lastSuccessAt: '2026-12-03T08:00:00.000Z', latencyMs: 12 };
  answer = UNAVAILABLE;
});

describe('the link as the shell knows it', () => {
  it('turns offline at the first call the library did not answer, keeping the last success, and online again at the next probe after its return', async () => {
    const workstation = useWorkstationStore();
    await workstation.probe();
    expect(workstation.link?.state).toBe('online');

    // The library dropped; the next probe is many seconds away.
    status = { state: 'offline', lastSuccessAt: '2026-12-03T08:00:00.000Z', latencyMs: null };
    await expect(hostClient().call('grant.redeem', { token: 'EL1.x.y', matterCode: 'M', caseNo: 'C-1' })).rejects.toMatchObject({
      code: 'LIBRARY_UNAVAILABLE',
    });
    expect(workstation.link).toEqual({ state: 'offline', lastSuccessAt: '2026-12-03T08:00:00.000Z', latencyMs: null });

    status = { state: 'online', lastSuccessAt: '2026-12-03T08:00:09.000Z', latencyMs: 9 };
    await workstation.probe();
    expect(workstation.link?.state).toBe('online');
  });

  it('is not changed by a call the library answered with a refusal', async () => {
    const workstation = useWorkstationStore();
    await workstation.probe();
    answer = REFUSED;
    await expect(hostClient().call('grant.redeem', { token: 'EL1.x.y', matterCode: 'M', caseNo: 'C-1' })).rejects.toMatchObject({ code: 'LIBRARY_ERROR' });
    expect(workstation.link?.state).toBe('online');
  });

  it('stops listening when the store is disposed', async () => {
    const workstation = useWorkstationStore();
    await workstation.probe();
    const seen = workstation.link;
    workstation.$dispose();
    await expect(hostClient().call('grant.redeem', { token: 'EL1.x.y', matterCode: 'M', caseNo: 'C-1' })).rejects.toBeInstanceOf(AppError);
    expect(workstation.link).toEqual(seen);
  });
});

describe('createHostClient', () => {
  it('shows each failure to its observer before throwing it, and nothing on success', async () => {
    const seen: [string, string][] = [];
    let next: HostResult<unknown> = { ok: true, value: { purgedLicences: 0 } };
    const client = createHostClient(
      async () => next,
      (error, name) => seen.push([name, error.code]),
    );
    await client.call('case.purge', { caseNo: 'C-1' });
    expect(seen).toEqual([]);
    next = UNAVAILABLE;
    await expect(client.call('case.purge', { caseNo: 'C-1' })).rejects.toMatchObject({ code: 'LIBRARY_UNAVAILABLE' });
    expect(seen).toEqual([['case.purge', 'LIBRARY_UNAVAILABLE']]);
  });
});
