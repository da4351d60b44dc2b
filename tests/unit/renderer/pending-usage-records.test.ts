import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkstationDb } from '../../../renderer/db/db';
import { enqueue, unsentCount } from '../../../renderer/outbox/outbox';
import { unsentUsageRecordCount } from '../../../renderer/features/counter/pending-usage-records';
import { objectionRequest, usageRecord } from './rows';

let db: WorkstationDb | undefined;
afterEach(() => db?.close());

describe("the counter's 待上报用证记录", () => {
  it('counts the usage records the library has not confirmed, not the objections queued beside them', async () => {
    db = new WorkstationDb(`pending-usage-${Math.random()}`);
    const at = '2026-11-27T02:00:00Z';
    await enqueue(db, { key: 'usage-record:WS-1', kind: 'usage_record', payload: usageRecord('WS-1'), createdAt: at });
    await enqueue(db, { key: 'objection-1', kind: 'objection', payload: objectionRequest('objection-1'), createdAt: at });
    // The header's badge counts both; the counter only its usage record.
    expect(await unsentCount(db)).toBe(2);
    expect(await unsentUsageRecordCount(db)).toBe(1);

    // Every unsent state counts; a delivered record does not.
    await enqueue(db, { key: 'usage-record:WS-2', kind: 'usage_record', payload: usageRecord('WS-1'), createdAt: at });
    await enqueue(db, { key: 'usage-record:WS-3', kind: 'usage_record', payload: usageRecord('WS-1'), createdAt: at });
    await enqueue(db, { key: 'usage-record:WS-4', kind: 'usage_record', payload: usageRecord('WS-1'), createdAt: at });
    await db.outbox.where('key').equals('usage-record:WS-2').modify({ state: 'sending' });
    await db.outbox.where('key').equals('usage-record:WS-3').modify({ state: 'needs_attention' });
    await db.outbox.where('key').equals('usage-record:WS-4').modify({ state: 'delivered' });
    await db.outbox.where('key').equals('objection-1').modify({ state: 'needs_attention' });
    expect(await unsentUsageRecordCount(db)).toBe(3);
    expect(await unsentCount(db)).toBe(4);
  });
});
