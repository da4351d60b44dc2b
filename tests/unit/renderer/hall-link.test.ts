import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { HostOutput, Operator } from '../../../shared/contract';
import { AppError } from '../../../renderer/host/client';
import { hallLinkShown, useHallStore } from '../../../renderer/stores/hall';
import { fakeHost } from './fake-host';
import { testRoot } from './test-root';

// The header's hall link (README → The hall link in the header): the host's probe and the
// sync's news, and a slow hall shown as 大厅响应缓慢 — never 大厅离线 while it answers.

const SUPERVISOR: Operator = { id: 'OP-SV-01', name: '李建国', role: 'supervisor', unitCode: 'U1', unitName: '中心' };

function status(state: HostOutput<'hall.status'>['state']): HostOutput<'hall.status'> {
  return {
    mode: 'remote',
    url: 'http://127.0.0.1:8790',
    enrolled: true,
    hall: { id: 'HALL-1', name: '浦东新区行政服务中心', fingerprint: '643E 294C A3A4 1174 C6EB', enrolledAt: '2026-11-20T01:00:00.000Z' },
    workstationId: 'HALLA01',
    workstationFingerprint: '0D40 7D5C A84D A88E D22F',
    state,
    lastSuccessAt: null,
    lastSyncAt: null,
    lastError: state === 'slow' ? { code: 'HALL_UNAVAILABLE', message: '大厅服务器响应缓慢' } : null,
    sync: null,
    fallback: 'embedded',
  };
}

describe('the hall link the header shows', () => {
  it('is the probe’s, unless the sync has news since: latest wins', () => {
    expect(hallLinkShown('online', null, 100)).toBe('online');
    expect(hallLinkShown('online', { state: 'offline', at: 200 }, 100)).toBe('offline');
    expect(hallLinkShown('offline', { state: 'online', at: 200 }, 100)).toBe('online');
    // News older than the probe is not news.
    expect(hallLinkShown('offline', { state: 'online', at: 50 }, 100)).toBe('offline');
  });

  it('stays 大厅响应缓慢 when a push is accepted after a probe found the hall slow (a push says it is there, not that it is quick)', () => {
    expect(hallLinkShown('slow', { state: 'online', at: 200 }, 100)).toBe('slow');
    // A push that fails after it: the sync's news stands.
    expect(hallLinkShown('slow', { state: 'offline', at: 200 }, 100)).toBe('offline');
    expect(hallLinkShown('slow', { state: 'stopped', at: 200 }, 100)).toBe('stopped');
  });

  it('shows the host’s slow state as slow, and a sync waiting out its backoff catches up at once (the hall is there)', async () => {
    let state: HostOutput<'hall.status'>['state'] = 'offline';
    const host = fakeHost({
      'hall.status': () => status(state),
      'hall.sync.state': () => {
        throw new AppError('HALL_UNAVAILABLE');
      },
    });
    const { services } = testRoot({ host: host.client, operator: SUPERVISOR });
    const hall = useHallStore();
    // The sync found the hall offline and waits out its backoff.
    expect((await services.hallSync.syncNow()).state).toBe('offline');
    await hall.probe();
    expect(hall.linkState).toBe('offline');
    const asked = () => host.names().filter((name) => name === 'hall.sync.state').length;
    expect(asked()).toBe(1);
    // The probe finds the hall slow: it is there, so the sync tries now rather than in a minute.
    state = 'slow';
    await hall.probe();
    expect(hall.linkState).toBe('slow');
    await expect.poll(asked).toBe(2);
  });
});
