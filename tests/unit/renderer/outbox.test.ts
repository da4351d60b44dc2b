import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { WorkstationDb, type UnsentOutboxRow } from '../../../renderer/db/db';
import { hostFailure } from '../../../shared/errors';
import { AppError } from '../../../renderer/host/client';
import { backoffDelay, createOutbox, DeliveryError, enqueue, watchUnsentCount, type BatchDelivery } from '../../../renderer/outbox/outbox';
import { deliveryErrorOf } from '../../../renderer/outbox/workstation-outbox';
import { completedRow, keptCase, objectionRequest, usageRecord } from './rows';

function freshDb(): WorkstationDb {
  return new WorkstationDb(`outbox-${Math.random()}`);
}

const item = (key: string) => ({ key, kind: 'usage_record' as const, payload: usageRecord(key), createdAt: '2026-11-27T02:00:00Z' });

/** A library that keeps the first result per idempotency key, as docs/library-api.md §1 requires. */
function fakeLibrary() {
  const records = new Map<string, unknown>();
  const calls: string[] = [];
  let down = false;
  const sender = async (row: UnsentOutboxRow) => {
    calls.push(row.key);
    if (down) throw new DeliveryError('暂时无法连接市电子证照库', true);
    if (!records.has(row.key)) records.set(row.key, row.payload);
  };
  return {
    records,
    calls,
    sender,
    setDown(value: boolean) {
      down = value;
    },
  };
}

/** A clock and timer a test moves by hand. */
function manualTimers() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (run: () => void, ms: number) => {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer: unknown) => {
      const i = timers.indexOf(timer as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.run();
      }
    },
    pending: () => timers.length,
  };
}

describe('the outbox', () => {
  it('an aborted transaction leaves no row: the case and its record go together or not at all', async () => {
    const db = freshDb();
    await expect(
      db.transaction('rw', db.cases, db.outbox, async () => {
        await db.cases.put(completedRow(keptCase('C-1')));
        await enqueue(db, item('key-0001'));
        throw new Error('the completion failed after queuing');
      }),
    ).rejects.toThrow('the completion failed');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.cases.count()).toBe(0);
    db.close();
  });

  it('a committed transaction leaves exactly one queued row, and queuing the same key again adds none', async () => {
    const db = freshDb();
    await db.transaction('rw', db.cases, db.outbox, async () => {
      await db.cases.put(completedRow(keptCase('C-2')));
      await enqueue(db, item('key-0002'));
    });
    await db.transaction('rw', db.outbox, () => enqueue(db, item('key-0002')));
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'key-0002', state: 'queued', attempts: 0, lastError: null });
    db.close();
  });

  it('retries with backoff while the library is unreachable, with the same key, and makes no duplicate', async () => {
    const db = freshDb();
    const library = fakeLibrary();
    const clock = manualTimers();
    const outbox = createOutbox({ db, senders: { usage_record: library.sender }, random: () => 0.5, ...clock, baseDelayMs: 1_000 });
    await enqueue(db, item('key-0003'));
    library.setDown(true);
    await outbox.start();
    let row = await db.outbox.where('key').equals('key-0003').first();
    expect(row).toMatchObject({ state: 'queued', attempts: 1, lastError: '暂时无法连接市电子证照库' });
    expect(clock.pending()).toBe(1);

    // Not due yet: a flush now sends nothing.
    await outbox.flush();
    expect(library.calls).toHaveLength(1);

    library.setDown(false);
    clock.advance(1_000);
    await outbox.flush();
    row = await db.outbox.where('key').equals('key-0003').first();
    expect(row).toMatchObject({ state: 'delivered', attempts: 2, lastError: null });
    expect(library.calls).toEqual(['key-0003', 'key-0003']);
    expect(library.records.size).toBe(1);
    outbox.stop();
    db.close();
  });

  it('a row left "sending" by a crash is sent again with its key; the library keeps one record', async () => {
    const db = freshDb();
    const library = fakeLibrary();
    const row = await enqueue(db, item('key-0004'));
    if (row.state === 'delivered') throw new Error('a new row is queued');
    // The first attempt reached the library, then the page died before marking it delivered.
    await library.sender(row);
    await db.outbox.update(row.id!, { state: 'sending', attempts: 1 });
    const outbox = createOutbox({ db, senders: { usage_record: library.sender } });
    await outbox.start();
    expect((await db.outbox.get(row.id!))?.state).toBe('delivered');
    expect(library.calls).toEqual(['key-0004', 'key-0004']);
    expect(library.records.size).toBe(1);
    outbox.stop();
    db.close();
  });

  it('a refusal that retrying cannot fix needs attention, keeps its error, and can be queued again', async () => {
    const db = freshDb();
    let refuse = true;
    const sent: string[] = [];
    const outbox = createOutbox({
      db,
      senders: {
        usage_record: async (row) => {
          if (refuse) throw new DeliveryError('输入的内容不符合要求，请检查后重新提交。', false);
          sent.push(row.key);
        },
      },
    });
    const row = await enqueue(db, item('key-0005'));
    const first = await outbox.flush();
    expect(first).toEqual({ delivered: 0, retrying: 0, needsAttention: 1 });
    expect(await db.outbox.get(row.id!)).toMatchObject({ state: 'needs_attention', lastError: '输入的内容不符合要求，请检查后重新提交。' });
    refuse = false;
    await outbox.retry(row.id!);
    expect((await db.outbox.get(row.id!))?.state).toBe('delivered');
    expect(sent).toEqual(['key-0005']);
    db.close();
  });

  it("a delivered row keeps its case number, the delivery time and the library's answer, and nothing of the holder", async () => {
    const db = freshDb();
    const holder = { idType: '111' as const, idNumber: '310115198001011086', name: '董琳' };
    await enqueue(db, { key: 'key-0100', kind: 'usage_record', payload: usageRecord('C-100', { holder }), createdAt: '2026-11-27T02:00:00Z' });
    await enqueue(db, {
      key: 'OBJ-100',
      kind: 'objection',
      payload: { ...objectionRequest('OBJ-100', 12), holder, description: '地址有误' },
      createdAt: '2026-11-27T02:00:01Z',
    });
    const receipt = {
      id: 'OBJ-100',
      status: 'received' as const,
      issuer: { code: '11310115MB0001201U', name: '上海市公安局浦东分局' },
      receivedAt: '2026-11-27T02:00:05Z',
    };
    const outbox = createOutbox({
      db,
      senders: { usage_record: async () => ({ answer: { id: 'UR-100' } }), objection: async () => ({ answer: receipt }) },
      now: () => Date.parse('2026-11-27T02:00:05Z'),
    });
    expect(await outbox.flush()).toMatchObject({ delivered: 2 });
    const rows = await db.outbox.orderBy('id').toArray();
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      {
        key: 'key-0100',
        kind: 'usage_record',
        state: 'delivered',
        createdAt: '2026-11-27T02:00:00Z',
        attempts: 1,
        lastError: null,
        payload: { caseNo: 'C-100' },
        deliveredAt: '2026-11-27T02:00:05.000Z',
        answer: { id: 'UR-100' },
      },
      {
        key: 'OBJ-100',
        kind: 'objection',
        state: 'delivered',
        createdAt: '2026-11-27T02:00:01Z',
        attempts: 1,
        lastError: null,
        payload: { id: 'OBJ-100' },
        deliveredAt: '2026-11-27T02:00:05.000Z',
        answer: receipt,
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(holder.idNumber);
    expect(JSON.stringify(rows)).not.toContain(holder.name);
    db.close();
  });

  it('delivers oldest first and leaves kinds it has no sender for', async () => {
    const db = freshDb();
    const library = fakeLibrary();
    await enqueue(db, { ...item('key-b'), createdAt: '2026-11-27T02:00:02Z' });
    await enqueue(db, { ...item('key-a'), createdAt: '2026-11-27T02:00:01Z' });
    await enqueue(db, { key: 'objection-1', kind: 'objection', payload: objectionRequest('objection-1'), createdAt: '2026-11-27T02:00:00Z' });
    const outbox = createOutbox({ db, senders: { usage_record: library.sender } });
    expect(await outbox.flush()).toEqual({ delivered: 2, retrying: 0, needsAttention: 0 });
    expect(library.calls).toEqual(['key-a', 'key-b']);
    expect((await db.outbox.where('key').equals('objection-1').first())?.state).toBe('queued');
    db.close();
  });

  it('counts what the library has not confirmed, live', async () => {
    const db = freshDb();
    const counts: number[] = [];
    const subscription = watchUnsentCount(db, (n) => counts.push(n));
    const row = await enqueue(db, item('key-0006'));
    await expect.poll(() => counts.at(-1)).toBe(1);
    await db.outbox.update(row.id!, { state: 'delivered' });
    await expect.poll(() => counts.at(-1)).toBe(0);
    subscription.unsubscribe();
    db.close();
  });

  it('backs off exponentially, within its jitter, up to the cap', () => {
    expect(backoffDelay(1, () => 0, 1_000, 60_000)).toBe(500);
    expect(backoffDelay(1, () => 1, 1_000, 60_000)).toBe(1_000);
    expect(backoffDelay(4, () => 1, 1_000, 60_000)).toBe(8_000);
    expect(backoffDelay(30, () => 1, 1_000, 60_000)).toBe(60_000);
  });
});

describe('the outbox with objections and usage records alike', () => {
  it('retries what the library may yet accept (network, 5xx, a session to renew) and refuses the rest with its message', () => {
    for (const code of ['LIBRARY_UNAVAILABLE', 'LIBRARY_ERROR', 'UNAUTHENTICATED', 'INTERNAL'] as const) {
      expect(deliveryErrorOf(AppError.from(hostFailure(code, '稍后再试').error)).retryable).toBe(true);
    }
    for (const code of ['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'TOO_LARGE', 'FORBIDDEN'] as const) {
      const error = deliveryErrorOf(AppError.from(hostFailure(code, '证照库的中文说明').error));
      expect([error.retryable, error.message]).toEqual([false, '证照库的中文说明']);
    }
    expect(deliveryErrorOf(new TypeError('Failed to fetch')).retryable).toBe(true);
  });

  it('drains both kinds in one queue, oldest first, whatever their kind', async () => {
    const db = freshDb();
    const sent: string[] = [];
    const sender = async (row: UnsentOutboxRow) => {
      sent.push(row.key);
    };
    await enqueue(db, { key: 'obj-2', kind: 'objection', payload: objectionRequest('obj-2'), createdAt: '2026-11-27T02:00:03Z' });
    await enqueue(db, { ...item('usage-1'), createdAt: '2026-11-27T02:00:01Z' });
    await enqueue(db, { key: 'obj-1', kind: 'objection', payload: objectionRequest('obj-1'), createdAt: '2026-11-27T02:00:02Z' });
    const outbox = createOutbox({ db, senders: { usage_record: sender, objection: sender }, batchSize: 2 });
    expect(await outbox.flush()).toEqual({ delivered: 3, retrying: 0, needsAttention: 0 });
    expect(sent).toEqual(['usage-1', 'obj-1', 'obj-2']);
    db.close();
  });

  it('a 5xx mid-batch retries that row and leaves the rest queued untried; later all arrive once', async () => {
    const db = freshDb();
    const library = fakeLibrary();
    let failNext = 0;
    const sender = async (row: UnsentOutboxRow) => {
      if (failNext > 0) {
        failNext--;
        library.calls.push(row.key);
        throw deliveryErrorOf(AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '证照库返回 503').error));
      }
      await library.sender(row);
    };
    const clock = manualTimers();
    for (let i = 1; i <= 5; i++) await enqueue(db, { ...item(`key-${i}`), createdAt: `2026-11-27T02:00:0${i}Z` });
    const outbox = createOutbox({ db, senders: { usage_record: sender }, random: () => 0, ...clock, baseDelayMs: 1_000, batchSize: 5 });
    failNext = 1;
    const result = await outbox.flush({ now: true });
    expect(result).toEqual({ delivered: 0, retrying: 1, needsAttention: 0 });
    const rows = await db.outbox.orderBy('createdAt').toArray();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ['queued', 1],
      ['queued', 0],
      ['queued', 0],
      ['queued', 0],
      ['queued', 0],
    ]);
    expect(rows[0]!.lastError).toBe('证照库返回 503');
    clock.advance(1_000);
    await outbox.flush();
    expect(library.records.size).toBe(5);
    expect((await db.outbox.toArray()).every((r) => r.state === 'delivered')).toBe(true);
    db.close();
  });

  it('a crash mid-batch leaves rows "sending"; the next page life sends them again with their keys, no duplicate', async () => {
    const db = freshDb();
    const library = fakeLibrary();
    for (let i = 1; i <= 3; i++) await enqueue(db, { ...item(`crash-${i}`), createdAt: `2026-11-27T02:00:0${i}Z` });
    // The first page claimed all three and delivered two before it died.
    const rows = (await db.outbox.toArray()).filter((r): r is UnsentOutboxRow => r.state !== 'delivered');
    await db.outbox.bulkPut(rows.map((r) => ({ ...r, state: 'sending' as const, attempts: 1 })));
    await library.sender(rows[0]!);
    await library.sender(rows[1]!);
    const outbox = createOutbox({ db, senders: { usage_record: library.sender } });
    await outbox.start();
    expect((await db.outbox.toArray()).map((r) => [r.key, r.state, r.attempts])).toEqual([
      ['crash-1', 'delivered', 2],
      ['crash-2', 'delivered', 2],
      ['crash-3', 'delivered', 2],
    ]);
    expect(library.records.size).toBe(3);
    outbox.stop();
    db.close();
  });

  it('a row edited while it needs attention is sent with its new payload when queued again', async () => {
    const db = freshDb();
    const payloads: unknown[] = [];
    const outbox = createOutbox({
      db,
      senders: {
        objection: async (row) => {
          if ((row.payload.evidence[0]?.data.length ?? 0) > 20)
            throw deliveryErrorOf(AppError.from(hostFailure('TOO_LARGE', '附件超过 20 MB，请减少附件').error));
          payloads.push(row.payload);
        },
      },
    });
    const row = await enqueue(db, { key: 'obj-big', kind: 'objection', payload: objectionRequest('obj-big', 25), createdAt: '2026-11-27T02:00:00Z' });
    await outbox.flush();
    expect(await db.outbox.get(row.id!)).toMatchObject({ state: 'needs_attention', lastError: '附件超过 20 MB，请减少附件' });
    await db.outbox.update(row.id!, { payload: objectionRequest('obj-big', 3), state: 'queued', lastError: null });
    await outbox.flush();
    expect(payloads).toEqual([objectionRequest('obj-big', 3)]);
    expect((await db.outbox.get(row.id!))?.state).toBe('delivered');
    db.close();
  });
});

describe('the outbox with a batch sender (several rows per call)', () => {
  /** A library behind a batch call: keeps the first result per key, refuses keys it is told to, stops when down. */
  function batchLibrary() {
    const records = new Map<string, unknown>();
    const calls: string[][] = [];
    const refuse = new Set<string>();
    let downAfter = Infinity;
    const send = async (rows: UnsentOutboxRow[]): Promise<BatchDelivery[]> => {
      calls.push(rows.map((r) => r.key));
      let stopped = false;
      return rows.map((row, k): BatchDelivery => {
        if (stopped) return { untried: true };
        if (k >= downAfter) {
          stopped = true;
          return { sent: false, error: deliveryErrorOf(AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '证照库返回 503').error)) };
        }
        if (refuse.has(row.key)) return { sent: false, error: deliveryErrorOf(AppError.from(hostFailure('NOT_FOUND', '证照库中没有该证照').error)) };
        if (!records.has(row.key)) records.set(row.key, row.payload);
        return { sent: true };
      });
    };
    return {
      records,
      calls,
      refuse,
      send,
      setDownAfter(n: number) {
        downAfter = n;
      },
    };
  }

  // An objection whose evidence is `size` characters: what the batch sender's sizeOf reads.
  const objection = (i: number, size = 10) => ({
    key: `obj-${String(i).padStart(2, '0')}`,
    kind: 'objection' as const,
    payload: objectionRequest(`obj-${String(i).padStart(2, '0')}`, size),
    createdAt: `2026-11-27T02:00:${String(i).padStart(2, '0')}.000Z`,
  });

  it('sends runs of one kind together, in order, within its limits, and other kinds one by one', async () => {
    const db = freshDb();
    const library = batchLibrary();
    const single: string[] = [];
    for (let i = 1; i <= 7; i++) await enqueue(db, objection(i, i === 5 ? 95 : 10));
    await enqueue(db, { ...item('usage-1'), createdAt: '2026-11-27T02:00:03.500Z' });
    const outbox = createOutbox({
      db,
      senders: { usage_record: async (row) => void single.push(row.key) },
      batchSenders: { objection: { send: library.send, maxItems: 3, maxBytes: 100, sizeOf: (row) => row.payload.evidence[0]?.data.length ?? 0 } },
      batchSize: 20,
    });
    expect(await outbox.flush()).toEqual({ delivered: 8, retrying: 0, needsAttention: 0 });
    // The usage record splits the run; the 95-byte objection fits with no other within 100 bytes.
    expect(library.calls).toEqual([['obj-01', 'obj-02', 'obj-03'], ['obj-04'], ['obj-05'], ['obj-06', 'obj-07']]);
    expect(single).toEqual(['usage-1']);
    expect(library.records.size).toBe(7);
    db.close();
  });

  it('a refusal in a batch needs attention with its message while the rest are delivered', async () => {
    const db = freshDb();
    const library = batchLibrary();
    for (let i = 1; i <= 4; i++) await enqueue(db, objection(i));
    library.refuse.add('obj-02');
    const outbox = createOutbox({ db, senders: {}, batchSenders: { objection: { send: library.send, maxItems: 10 } } });
    expect(await outbox.flush()).toEqual({ delivered: 3, retrying: 0, needsAttention: 1 });
    expect((await db.outbox.orderBy('createdAt').toArray()).map((r) => [r.key, r.state, r.lastError])).toEqual([
      ['obj-01', 'delivered', null],
      ['obj-02', 'needs_attention', '证照库中没有该证照'],
      ['obj-03', 'delivered', null],
      ['obj-04', 'delivered', null],
    ]);
    db.close();
  });

  it('the library going down mid-batch: that row retries, the rows after it come back untried and unattempted, and later all arrive once', async () => {
    const db = freshDb();
    const library = batchLibrary();
    for (let i = 1; i <= 6; i++) await enqueue(db, objection(i));
    const clock = manualTimers();
    const outbox = createOutbox({
      db,
      senders: {},
      batchSenders: { objection: { send: library.send, maxItems: 3 } },
      random: () => 0,
      ...clock,
      baseDelayMs: 1_000,
      concurrency: 1,
    });
    library.setDownAfter(1);
    expect(await outbox.flush({ now: true })).toEqual({ delivered: 1, retrying: 1, needsAttention: 0 });
    // One call: the first row went, the second met the outage, the third was not tried; no
    // second call started once the library was known to be down.
    expect(library.calls).toEqual([['obj-01', 'obj-02', 'obj-03']]);
    expect((await db.outbox.orderBy('createdAt').toArray()).map((r) => [r.key, r.state, r.attempts])).toEqual([
      ['obj-01', 'delivered', 1],
      ['obj-02', 'queued', 1],
      ['obj-03', 'queued', 0],
      ['obj-04', 'queued', 0],
      ['obj-05', 'queued', 0],
      ['obj-06', 'queued', 0],
    ]);
    library.setDownAfter(Infinity);
    clock.advance(1_000);
    await outbox.flush();
    expect(library.records.size).toBe(6);
    expect((await db.outbox.toArray()).every((r) => r.state === 'delivered')).toBe(true);
    db.close();
  });

  it('a batch call refused as a whole for one bad row: each row is tried alone, only the bad one needs attention', async () => {
    const db = freshDb();
    const library = batchLibrary();
    for (let i = 1; i <= 10; i++) await enqueue(db, objection(i, i === 4 ? 30 : 10));
    // The host's validator refuses the whole call when any one objection in it is malformed.
    const send = async (rows: UnsentOutboxRow[]): Promise<BatchDelivery[]> => {
      if (rows.some((r) => r.kind === 'objection' && r.payload.evidence[0]?.data.length === 30)) {
        throw deliveryErrorOf(AppError.from(hostFailure('BAD_REQUEST', '请求内容不符合接口约定').error));
      }
      return library.send(rows);
    };
    const outbox = createOutbox({ db, senders: {}, batchSenders: { objection: { send, maxItems: 10 } }, random: () => 0, ...manualTimers() });
    expect(await outbox.flush({ now: true })).toEqual({ delivered: 9, retrying: 0, needsAttention: 1 });
    const rows = await db.outbox.orderBy('createdAt').toArray();
    expect(rows.filter((r) => r.state !== 'delivered').map((r) => [r.key, r.state, r.lastError])).toEqual([
      ['obj-04', 'needs_attention', '请求内容不符合接口约定'],
    ]);
    expect(library.records.size).toBe(9);
    db.close();
  });

  it('a batch call that fails as a whole counts a failed attempt for each of its rows and keeps them queued', async () => {
    const db = freshDb();
    for (let i = 1; i <= 2; i++) await enqueue(db, objection(i));
    const outbox = createOutbox({
      db,
      senders: {},
      batchSenders: {
        objection: {
          send: async () => {
            throw deliveryErrorOf(AppError.from(hostFailure('INTERNAL', '无法连接工作台主机程序').error));
          },
          maxItems: 10,
        },
      },
      random: () => 0,
      ...manualTimers(),
    });
    expect(await outbox.flush({ now: true })).toEqual({ delivered: 0, retrying: 2, needsAttention: 0 });
    expect((await db.outbox.toArray()).map((r) => [r.state, r.attempts, r.lastError])).toEqual([
      ['queued', 1, '无法连接工作台主机程序'],
      ['queued', 1, '无法连接工作台主机程序'],
    ]);
    db.close();
  });
});
