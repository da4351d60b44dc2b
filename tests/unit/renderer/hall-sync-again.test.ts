import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationDb } from '../../../renderer/db/db';
import { AppError } from '../../../renderer/host/client';
import { createHallSync, type HallSync } from '../../../renderer/sync/hall-sync';
import { AUDIT_GENESIS_PREV } from '../../../shared/audit-chain';
import type { HostOutput } from '../../../shared/contract';
import { fakeHost, type FakeHandlers } from './fake-host';

// The hall sync's passes with a fake host (renderer/sync/hall-sync.ts): a request for a pass
// made while one is running (an enrolment, a local change, the header finding the hall back)
// gives exactly one more pass right after it, whatever the running one ended in — never lost,
// never queued without bound.

const POSITION: HostOutput<'hall.sync.state'> = {
  workstationId: 'WS-TEST-01',
  epoch: 1,
  audit: { highest: 0, lastHash: AUDIT_GENESIS_PREV },
  records: { highest: 0 },
  ingest: 'open',
  openAlerts: [],
  serverTime: '2026-11-27T02:00:00Z',
};

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The timers the sync sets, run by the test. */
function fakeTimers() {
  let next = 1;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  return {
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      pending.set(id, { fn, ms });
      return id;
    },
    clearTimer: (handle: unknown) => void pending.delete(handle as number),
    /** The delays of the timers now pending. */
    delays: () => [...pending.values()].map((t) => t.ms),
    /** Fires every pending timer due within `ms`. */
    fire(ms: number) {
      for (const [id, timer] of [...pending]) {
        if (timer.ms > ms) continue;
        pending.delete(id);
        timer.fn();
      }
    },
  };
}

const syncs: HallSync[] = [];
afterEach(() => {
  for (const sync of syncs.splice(0)) sync.stop();
});

function syncOver(handlers: FakeHandlers, options: { watch?: (onChange: () => void) => () => void } = {}) {
  const host = fakeHost(handlers);
  const timers = fakeTimers();
  const sync = createHallSync({
    db: new WorkstationDb(`hall-sync-again-${Math.random()}`),
    host: host.client,
    watch: options.watch ?? null,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    log: () => undefined,
  });
  syncs.push(sync);
  return { host, sync, timers };
}

describe('a pass asked for while one is running', () => {
  it('runs once more right after it, even when the running pass ended not enrolled (an enrolment made meanwhile)', async () => {
    const first = deferred<HostOutput<'hall.sync.state'>>();
    let asked = 0;
    const { host, sync } = syncOver({
      'hall.sync.state': () => (++asked === 1 ? first.promise : POSITION),
      'hall.sync.push': () => ({ ...POSITION, stored: { audit: 0, records: 0 } }),
    });
    const running = sync.syncNow();
    await expect.poll(() => asked).toBe(1);
    // The supervisor enrols while the first pass waits for the host's answer.
    const requested = sync.syncNow();
    first.reject(new AppError('HALL_NOT_ENROLLED'));
    // Both callers get the outcome of the pass that followed the request: sent, caught up.
    expect((await requested).state).toBe('idle');
    expect((await running).state).toBe('idle');
    expect(host.names()).toEqual(['hall.sync.state', 'hall.sync.state', 'hall.sync.push']);
    expect(sync.status().lastSyncAt).not.toBeNull();
  });

  it('runs once more after a pass that found the hall offline, too', async () => {
    const first = deferred<HostOutput<'hall.sync.state'>>();
    let asked = 0;
    const { host, sync } = syncOver({
      'hall.sync.state': () => (++asked === 1 ? first.promise : POSITION),
      'hall.sync.push': () => ({ ...POSITION, stored: { audit: 0, records: 0 } }),
    });
    const running = sync.syncNow();
    await expect.poll(() => asked).toBe(1);
    void sync.syncNow();
    first.reject(new AppError('HALL_UNAVAILABLE'));
    expect((await running).state).toBe('idle');
    expect(host.names().filter((n) => n === 'hall.sync.state')).toHaveLength(2);
  });

  it('coalesces many requests during one pass into one more pass, not one each', async () => {
    const first = deferred<HostOutput<'hall.sync.state'>>();
    let asked = 0;
    const { host, sync } = syncOver({
      'hall.sync.state': () => (++asked === 1 ? first.promise : POSITION),
      'hall.sync.push': () => ({ ...POSITION, stored: { audit: 0, records: 0 } }),
    });
    const running = sync.syncNow();
    await expect.poll(() => asked).toBe(1);
    const requests = Array.from({ length: 5 }, () => sync.syncNow());
    first.resolve(POSITION);
    await Promise.all([running, ...requests]);
    // Pass 1: its position and its push; pass 2 (the five requests): nothing new to send.
    expect(host.names()).toEqual(['hall.sync.state', 'hall.sync.push']);
    expect(asked).toBe(1);
    // A request after the passes starts a new one.
    await sync.syncNow();
    expect(sync.status().state).toBe('idle');
  });

  it('keeps a local change that arrives at the end of a pass due in a quarter of a second, not in the idle half-minute', async () => {
    const push = deferred<HostOutput<'hall.sync.push'>>();
    let onChange: () => void = () => undefined;
    const { sync, timers } = syncOver(
      {
        'hall.sync.state': () => POSITION,
        'hall.sync.push': () => push.promise,
      },
      { watch: (fn) => ((onChange = fn), () => undefined) },
    );
    await sync.start();
    // The start's pass is pushing; a clerk completes a case meanwhile: the change's pass is due in 250 ms.
    await expect.poll(() => sync.status().state).toBe('syncing');
    onChange();
    expect(timers.delays()).toEqual([250]);
    push.resolve({ ...POSITION, stored: { audit: 0, records: 0 } });
    await expect.poll(() => sync.status().state).toBe('idle');
    // The end of the pass does not put the change off until the idle look.
    expect(timers.delays()).toEqual([250]);
  });
});

describe('the hall changed (left, or another enrolled)', () => {
  const OTHER: HostOutput<'hall.sync.state'> = { ...POSITION, epoch: 7, audit: { highest: 40, lastHash: 'f'.repeat(64) }, records: { highest: 9 } };

  it('forgets where the hall left stood and when it last synced: the next pass asks the hall in use now', async () => {
    let hall = OTHER;
    const { host, sync } = syncOver({
      'hall.sync.state': () => hall,
      'hall.sync.push': () => ({ ...hall, stored: { audit: 0, records: 0 } }),
    });
    await sync.syncNow();
    expect(sync.status().position).toEqual({ epoch: 7, audit: 40, records: 9 });
    expect(sync.status().lastSyncAt).not.toBeNull();
    hall = POSITION;
    sync.reset();
    expect(sync.status()).toMatchObject({ position: null, pending: null, lastSyncAt: null, lastError: null });
    const calls = host.names().length;
    await sync.syncNow();
    // Asked again (not the position cached from the other hall), and the head sent to this one.
    expect(host.names().slice(calls)).toEqual(['hall.sync.state', 'hall.sync.push']);
    expect(sync.status().position).toEqual({ epoch: 1, audit: 0, records: 0 });
  });

  it('makes a pass under way send nothing more and keep nothing of the hall left; one more pass follows for the hall in use', async () => {
    const old = deferred<HostOutput<'hall.sync.state'>>();
    let asked = 0;
    const pushed: number[] = [];
    const { sync } = syncOver({
      'hall.sync.state': () => (++asked === 1 ? old.promise : POSITION),
      'hall.sync.push': () => {
        pushed.push(asked);
        return { ...POSITION, stored: { audit: 0, records: 0 } };
      },
    });
    const running = sync.syncNow();
    await expect.poll(() => asked).toBe(1);
    sync.reset();
    // The old hall's answer arrives after the change: it is not used for pushing.
    old.resolve(OTHER);
    expect((await running).state).toBe('idle');
    expect(asked).toBe(2);
    // One push, after the new hall's answer; the position shown is the new hall's.
    expect(pushed).toEqual([2]);
    expect(sync.status().position).toEqual({ epoch: 1, audit: 0, records: 0 });
  });

  it('becomes the sender again when started right after a stop while a pass was under way (the lock let go when that pass ends)', async () => {
    // Web Locks as the browser has them: letting go also leaves the line this page stood in.
    let held = false;
    let line: (() => void) | null = null;
    const lock = {
      tryAcquire: async () => (held ? false : (held = true)),
      queue: (onHeld: () => void) => void (line = onHeld),
      release: () => {
        held = false;
        line = null;
      },
    };
    const first = deferred<HostOutput<'hall.sync.state'>>();
    let asked = 0;
    const host = fakeHost({
      'hall.sync.state': () => (++asked === 1 ? first.promise : POSITION),
      'hall.sync.push': () => ({ ...POSITION, stored: { audit: 0, records: 0 } }),
    });
    const timers = fakeTimers();
    const sync = createHallSync({
      db: new WorkstationDb(`hall-sync-again-${Math.random()}`),
      host: host.client,
      lock,
      watch: null,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      log: () => undefined,
    });
    syncs.push(sync);
    await sync.start();
    await expect.poll(() => asked).toBe(1);
    // Stopped and started at once (the hall left, the embedded one used): the pass under way still holds the lock.
    sync.stop();
    const started = sync.start();
    first.reject(new AppError('HALL_NOT_ENROLLED'));
    await started;
    await expect.poll(() => asked).toBe(2);
    expect(sync.status().state).toBe('idle');
    expect(line).toBeNull();
    expect(held).toBe(true);
  });
});
