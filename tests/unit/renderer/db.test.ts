import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { WorkstationDb } from '../../../renderer/db/db';
import { SCHEMA_VERSIONS } from '../../../renderer/db/schema';
import { usageRecord } from './rows';

describe('the local database schema', () => {
  it('is an append-only list of strictly increasing versions', () => {
    const versions = SCHEMA_VERSIONS.map((v) => v.version);
    expect(versions[0]).toBe(1);
    versions.forEach((version, i) => expect(version).toBe(i + 1));
  });

  it('opens at the latest version with every table of every version', async () => {
    const db = new WorkstationDb(`test-${Math.random()}`);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    const declared = new Set(
      SCHEMA_VERSIONS.flatMap((v) =>
        Object.entries(v.stores)
          .filter(([, def]) => def !== null)
          .map(([name]) => name),
      ),
    );
    expect(new Set(db.tables.map((t) => t.name))).toEqual(declared);
    db.close();
  });

  it('keeps rows across a reopen (IndexedDB, not memory)', async () => {
    const name = `test-${Math.random()}`;
    const first = new WorkstationDb(name);
    await first.outbox.add({
      key: 'k1',
      kind: 'usage_record',
      state: 'queued',
      createdAt: '2026-11-27T01:00:00Z',
      attempts: 0,
      lastError: null,
      payload: usageRecord('C-1'),
    });
    first.close();
    const second = new WorkstationDb(name);
    expect(await second.outbox.where('key').equals('k1').count()).toBe(1);
    await expect(
      second.outbox.add({
        key: 'k1',
        kind: 'usage_record',
        state: 'queued',
        createdAt: '2026-11-27T01:00:01Z',
        attempts: 0,
        lastError: null,
        payload: usageRecord('C-2'),
      }),
    ).rejects.toThrow();
    second.close();
  });
});
