import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createStartup } from '../../../renderer/app/startup';
import { STARTUP_TASKS } from '../../../renderer/app/startup-tasks';
import { WorkstationDb } from '../../../renderer/db/db';
import { createReferenceCache } from '../../../renderer/reference/reference-cache';
import { useCounterStore } from '../../../renderer/stores/counter';
import { useSessionStore } from '../../../renderer/stores/session';
import { useWorkstationStore } from '../../../renderer/stores/workstation';
import { fakeHost } from './fake-host';
import { testRoot, WORKSTATION } from './test-root';

const MATTERS = { version: 'v1', matters: [] };
const CATALOG = { version: 'c1', types: [] };

describe('arriving at the counter', () => {
  it('is ready for a matter while the outbox is still sending what was queued', async () => {
    const host = fakeHost({
      'matters.get': () => MATTERS,
      'catalog.get': () => CATALOG,
      'app.info': () => WORKSTATION,
      'library.status': () => ({ state: 'offline', lastSuccessAt: null, latencyMs: null }),
    });
    const { services } = testRoot({ host: host.client, now: () => new Date('2026-11-27T02:00:00Z') });
    let started = false;
    // An outbox draining a long queue after an outage: its start does not end while the test runs.
    services.outbox.start = () => ((started = true), new Promise<void>(() => {}));
    // The shell opens: the start-up tasks start the outbox (without waiting for it); the counter loads.
    const stop = createStartup(STARTUP_TASKS).open({ services, session: useSessionStore(), workstation: useWorkstationStore() });
    const counter = useCounterStore();
    const loaded = await Promise.race([
      counter.loadReference().then(() => 'ready'),
      new Promise((resolve) => setTimeout(() => resolve('waiting for the outbox'), 2_000)),
    ]);
    expect(loaded).toBe('ready');
    expect(counter.referenceLoaded).toBe(true);
    expect(started).toBe(true);
    stop();
  });

  it('asks the host once for a list that the shell and the page both want at the same moment', async () => {
    let calls = 0;
    let answer: (value: typeof MATTERS) => void = () => {};
    const host = fakeHost({
      'matters.get': () => {
        calls++;
        return new Promise((resolve) => (answer = resolve));
      },
    });
    const reference = createReferenceCache({
      client: host.client,
      db: new WorkstationDb(`ref-share-${Math.random()}`),
      now: () => new Date('2026-11-27T02:00:00Z'),
    });
    const shell = reference.load('matters');
    const page = reference.load('matters');
    answer(MATTERS);
    expect(await shell).toEqual(await page);
    expect(calls).toBe(1);
    // Once answered, the next one asks again.
    const later = reference.load('matters');
    answer({ version: 'v2', matters: [] });
    expect((await later).version).toBe('v2');
    expect(calls).toBe(2);
  });
});
