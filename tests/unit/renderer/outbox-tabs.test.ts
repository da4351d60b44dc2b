import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { WorkstationDb, type UnsentOutboxRow } from '../../../renderer/db/db';
import { createOutbox, enqueue, type Outbox } from '../../../renderer/outbox/outbox';
import { webSenderLock, type OutboxWake, type WakeChannel } from '../../../renderer/outbox/sender-lock';
import { usageRecord } from './rows';

// Two tabs of one workstation share one IndexedDB (here one fake-indexeddb database opened
// twice). Node has no Web Locks: FakeLockManager keeps the part of the spec the outbox relies
// on (exclusive, granted in request order, `ifAvailable` answers null at once, a `signal` leaves
// the line, the lock held until the callback's promise settles), so the page's own adapter
// (webSenderLock) is what these tests drive. The end-to-end test (tests/e2e/outbox-guarantees)
// uses the browser's real locks.

type Grant = (lock: Lock | null) => unknown;

class FakeLockManager {
  private holder: symbol | null = null;
  private line: { grant: Grant; resolve: (value: unknown) => void }[] = [];

  request(name: string, options: LockOptions, grant: Grant): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.holder === null) return this.give(grant, resolve, name);
      if (options.ifAvailable) return resolve(Promise.resolve(grant(null)));
      const waiter = { grant, resolve };
      options.signal?.addEventListener('abort', () => {
        const i = this.line.indexOf(waiter);
        if (i >= 0) this.line.splice(i, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.line.push(waiter);
    });
  }

  /** What the browser does when the holding tab closes: its lock goes at once, whatever it was doing. */
  dropHolder(): void {
    this.next();
  }

  private give(grant: Grant, resolve: (value: unknown) => void, name: string): void {
    const holder = Symbol('holder');
    this.holder = holder;
    const done = Promise.resolve(grant({ name, mode: 'exclusive' } as Lock));
    resolve(done);
    void done.finally(() => {
      if (this.holder === holder) this.next();
    });
  }

  private next(): void {
    this.holder = null;
    const waiter = this.line.shift();
    if (waiter) this.give(waiter.grant, waiter.resolve, 'test-outbox-sender');
  }
}

/** The tabs' broadcast, in memory: a message reaches every other tab, never the one that posts. */
function fakeBroadcast() {
  const listeners = new Set<{ tab: number; onWake: (m: OutboxWake) => void }>();
  return (tab: number): WakeChannel => ({
    post(message) {
      for (const l of listeners) if (l.tab !== tab) l.onWake(message);
    },
    listen(onWake) {
      const entry = { tab, onWake };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  });
}

/** A library that counts every call per key (a replay included) and answers slowly enough to overlap. */
function countingLibrary(delayMs = 5) {
  const calls = new Map<string, number>();
  return {
    calls,
    sender: async (row: UnsentOutboxRow) => {
      calls.set(row.key, (calls.get(row.key) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    },
  };
}

const item = (i: number) => ({
  key: `key-${String(i).padStart(3, '0')}`,
  kind: 'usage_record' as const,
  payload: usageRecord(`C-${i}`),
  createdAt: `2026-11-27T02:00:${String(i).padStart(2, '0')}Z`,
});

function tab(
  db: WorkstationDb,
  locks: FakeLockManager,
  wake: (tab: number) => WakeChannel,
  n: number,
  sender: (row: UnsentOutboxRow) => Promise<void>,
): Outbox {
  return createOutbox({
    db,
    senders: { usage_record: sender },
    lock: webSenderLock(locks as unknown as LockManager, 'test-outbox-sender'),
    wake: wake(n),
    batchSize: 5,
    concurrency: 2,
    random: () => 0,
  });
}

const states = async (db: WorkstationDb) => (await db.outbox.toArray()).map((r) => r.state);

describe('one outbox sender per origin, across tabs', () => {
  it('a second tab started while the first drains resets nothing and sends nothing: every item goes once', async () => {
    const name = `tabs-${Math.random()}`;
    const db1 = new WorkstationDb(name);
    const db2 = new WorkstationDb(name);
    const locks = new FakeLockManager();
    const wake = fakeBroadcast();
    const library = countingLibrary(1);
    // The library holds its answers until the second tab has started: rows are in flight then.
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const slow = async (row: UnsentOutboxRow) => {
      await library.sender(row);
      await held;
    };
    for (let i = 1; i <= 20; i++) await enqueue(db1, item(i));

    const first = tab(db1, locks, wake, 1, slow);
    const draining = first.start();
    await expect.poll(async () => (await states(db1)).filter((s) => s === 'sending').length, { interval: 1 }).toBe(5);
    const second = tab(db2, locks, wake, 2, slow);
    const starting = second.start();
    await Promise.race([starting, new Promise((resolve) => setTimeout(resolve, 200))]);
    // Nothing went a second time (a second tab that took the rows in flight would send them now).
    expect(Math.max(...library.calls.values())).toBe(1);
    expect(first.sending).toBe(true);
    expect(second.sending).toBe(false);
    // The first tab's rows in flight are still its own.
    expect((await states(db2)).filter((s) => s === 'sending')).toHaveLength(5);
    // Its own flush (a case completed in that tab) only wakes the first.
    expect(await second.flush({ now: true })).toEqual({ delivered: 0, retrying: 0, needsAttention: 0 });
    answer();
    await Promise.all([draining, starting]);
    await expect.poll(() => states(db1)).toEqual(Array(20).fill('delivered'));
    expect([...library.calls.values()]).toEqual(Array(20).fill(1));
    first.stop();
    second.stop();
    db1.close();
    db2.close();
  });

  it('an item queued in a tab that is not the sender wakes the sender, which delivers it at once', async () => {
    const name = `tabs-${Math.random()}`;
    const db1 = new WorkstationDb(name);
    const db2 = new WorkstationDb(name);
    const locks = new FakeLockManager();
    const wake = fakeBroadcast();
    const sentBy: string[] = [];
    const first = tab(db1, locks, wake, 1, async (row) => void sentBy.push(`tab 1: ${row.key}`));
    const second = tab(db2, locks, wake, 2, async (row) => void sentBy.push(`tab 2: ${row.key}`));
    await first.start();
    await second.start();
    await enqueue(db2, item(1));
    await second.flush();
    await expect.poll(() => states(db1)).toEqual(['delivered']);
    expect(sentBy).toEqual(['tab 1: key-001']);
    first.stop();
    second.stop();
    db1.close();
    db2.close();
  });

  it('when the sending tab is gone, the next takes the lock, queues what it left "sending" and sends it; nothing is lost', async () => {
    const name = `tabs-${Math.random()}`;
    const db1 = new WorkstationDb(name);
    const db2 = new WorkstationDb(name);
    const locks = new FakeLockManager();
    const wake = fakeBroadcast();
    const library = countingLibrary(0);
    // The first tab claims everything and then hangs: its calls never answer.
    const hung = (row: UnsentOutboxRow) => {
      library.calls.set(row.key, (library.calls.get(row.key) ?? 0) + 1);
      return new Promise<never>(() => undefined);
    };
    for (let i = 1; i <= 3; i++) await enqueue(db1, item(i));
    const first = tab(db1, locks, wake, 1, hung);
    void first.start();
    await expect.poll(() => states(db1)).toEqual(['sending', 'sending', 'sending']);
    const second = tab(db2, locks, wake, 2, library.sender);
    await second.start();
    // While the first holds the lock its rows in flight stay its own.
    expect(await states(db2)).toEqual(['sending', 'sending', 'sending']);
    expect(second.sending).toBe(false);

    // The first tab is closed (the browser lets its lock go; its page and its calls are gone).
    locks.dropHolder();
    await expect.poll(() => states(db2)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(second.sending).toBe(true);
    // The two the dead tab had in flight (two calls at a time) went again with their keys — the
    // library answers a repeat with its first result — and the third, claimed but never sent, once.
    expect(Object.fromEntries(library.calls)).toEqual({ 'key-001': 2, 'key-002': 2, 'key-003': 1 });
    second.stop();
    db1.close();
    db2.close();
  });
});
