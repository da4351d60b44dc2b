import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../renderer/audit/audit-log';
import { WorkstationDb } from '../../../renderer/db/db';
import type { Outbox } from '../../../renderer/outbox/outbox';
import { loadReference } from '../../../renderer/reference/reference-cache';
import { useCounterStore } from '../../../renderer/stores/counter';
import { useSessionStore } from '../../../renderer/stores/session';
import { fakeHost } from './fake-host';

const MATTERS = { version: 'v1', matters: [] };
const CATALOG = { version: 'c1', types: [] };
const INFO = { version: '0.1.0', workstationId: 'WS-TEST-01', libraryMode: 'sandbox' as const, libraryUrl: 'http://x', transport: 'browser' as const, paperRetentionDays: 30 };

describe('arriving at the counter', () => {
  it('is ready for a matter while the outbox is still sending what was queued', async () => {
    setActivePinia(createPinia());
    useSessionStore().operator = { id: 'OP-1', name: '王晓燕', role: 'clerk', unitCode: 'U1', unitName: '中心' };
    const host = fakeHost({ 'matters.get': () => MATTERS, 'catalog.get': () => CATALOG, 'app.info': () => INFO });
    const db = new WorkstationDb(`counter-start-${Math.random()}`);
    let started = false;
    // An outbox draining a long queue after an outage: its start does not end while the test runs.
    const outbox = { start: () => ((started = true), new Promise<void>(() => {})), stop: () => {} } as unknown as Outbox;
    const counter = useCounterStore();
    counter.configure({ client: host.client, db, audit: createAuditLog(db), outbox: () => outbox, now: () => new Date('2026-11-27T02:00:00Z') });
    const loaded = await Promise.race([counter.loadReference().then(() => 'ready'), new Promise((resolve) => setTimeout(() => resolve('waiting for the outbox'), 2_000))]);
    expect(loaded).toBe('ready');
    expect(counter.referenceLoaded).toBe(true);
    expect(started).toBe(true);
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
    const deps = { client: host.client, db: new WorkstationDb(`ref-share-${Math.random()}`), now: () => new Date('2026-11-27T02:00:00Z') };
    const shell = loadReference('matters', deps);
    const page = loadReference('matters', deps);
    answer(MATTERS);
    expect(await shell).toEqual(await page);
    expect(calls).toBe(1);
    // Once answered, the next one asks again.
    const later = loadReference('matters', deps);
    answer({ version: 'v2', matters: [] });
    expect((await later).version).toBe('v2');
    expect(calls).toBe(2);
  });
});
