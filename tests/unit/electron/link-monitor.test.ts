import { describe, expect, it } from 'vitest';
import { LinkMonitor } from '../../../electron/host/link-monitor';
import type { LibraryCallObserver, LibraryClient } from '../../../electron/host/library-client';

function rig() {
  let observer: LibraryCallObserver = () => {};
  let clock = Date.parse('2026-11-27T02:00:00Z');
  const client = { observe: (o: LibraryCallObserver) => ((observer = o), () => {}) } as unknown as LibraryClient;
  const monitor = new LinkMonitor(client, () => new Date(clock));
  return {
    monitor,
    call: (ok: boolean, reachable: boolean, latencyMs = 20) => observer({ ok, reachable, latencyMs }),
    advance: (ms: number) => (clock += ms),
  };
}

describe('the link monitor', () => {
  it('is offline before any answer and after an unreachable call', () => {
    const { monitor, call } = rig();
    expect(monitor.state()).toMatchObject({ state: 'offline', lastSuccessAt: null });
    call(true, true);
    call(false, false);
    expect(monitor.state()).toMatchObject({ state: 'offline', lastSuccessAt: '2026-11-27T02:00:00.000Z', latencyMs: null });
  });

  it('is degraded after an error or a slow answer, and online again a minute later', () => {
    const { monitor, call, advance } = rig();
    call(true, true, 30);
    expect(monitor.state()).toMatchObject({ state: 'online', latencyMs: 30 });
    call(false, true);
    call(true, true);
    expect(monitor.state().state).toBe('degraded');
    advance(61_000);
    call(true, true);
    expect(monitor.state().state).toBe('online');
    call(true, true, 2_500);
    expect(monitor.state().state).toBe('degraded');
  });
});

describe('the link monitor after an outage', () => {
  it('says online at the first successful call after the library was unreachable, not degraded', () => {
    const { monitor, call, advance } = rig();
    call(true, true);
    advance(20_000);
    // The outage: the probe every 5 s fails for 40 s.
    for (let i = 0; i < 8; i++) {
      call(false, false, 3_000);
      expect(monitor.state().state).toBe('offline');
      advance(5_000);
    }
    call(true, true, 25);
    expect(monitor.state()).toMatchObject({
      state: 'online',
      latencyMs: 25,
      lastSuccessAt: new Date(Date.parse('2026-11-27T02:00:00Z') + 60_000).toISOString(),
    });
  });

  it('judges slowness on the calls made after the recovery', () => {
    const { monitor, call, advance } = rig();
    call(false, false);
    advance(5_000);
    call(true, true, 40);
    expect(monitor.state().state).toBe('online');
    advance(1_000);
    call(true, true, 2_600);
    expect(monitor.state().state).toBe('degraded');
    advance(61_000);
    call(true, true, 40);
    expect(monitor.state().state).toBe('online');
  });

  it('a 5xx after the recovery still counts against the link', () => {
    const { monitor, call, advance } = rig();
    call(false, false);
    advance(5_000);
    call(true, true);
    call(false, true);
    call(true, true);
    expect(monitor.state().state).toBe('degraded');
  });

  it('a link that drops again soon after it came back shows degraded when it answers, then online once it has held a minute', () => {
    const { monitor, call, advance } = rig();
    call(false, false);
    advance(5_000);
    call(true, true);
    expect(monitor.state().state).toBe('online');
    advance(10_000);
    call(false, false);
    expect(monitor.state().state).toBe('offline');
    advance(5_000);
    call(true, true);
    expect(monitor.state().state).toBe('degraded');
    advance(61_000);
    call(true, true);
    expect(monitor.state().state).toBe('online');
  });
});
