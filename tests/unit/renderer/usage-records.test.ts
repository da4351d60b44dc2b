import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/canonical-json';
import type { HostInput } from '../../../shared/contract';
import type { UsageRecordRequest } from '../../../shared/library-api';
import { usageRecordEditOf, type EditMatter } from '../../../shared/usage-record-edit';
import { createAuditLog } from '../../../renderer/audit/audit-log';
import { WorkstationDb, type OutboxRow } from '../../../renderer/db/db';
import { createUsageRecordService, unsentPage } from '../../../renderer/features/outbox/usage-records';
import { hostFailure } from '../../../shared/errors';
import { AppError } from '../../../renderer/host/client';
import { createOutbox, enqueue, type Outbox } from '../../../renderer/outbox/outbox';
import { fakeHost } from './fake-host';
import { objectionRequest, usageRecord } from './rows';

const KNOWN = '310000-GA-SFZ-002';
const WITHDRAWN = '310000-GA-SFZ-999';
const KEY = 'usage-record:WSDEMO01-20261127-0007:20261127020000000';
const MATTERS: EditMatter[] = [
  {
    code: KNOWN,
    materials: [
      { id: 'M01', required: true },
      { id: 'M02', required: true },
    ],
  },
];

const RECORD: UsageRecordRequest = {
  caseNo: 'WSDEMO01-20261127-0007',
  matterCode: WITHDRAWN,
  grantId: null,
  holder: { idType: '111', idNumber: '310115199709281086', name: '董琳' },
  operatorId: 'clerk01',
  workstationId: 'WS-DEMO-01',
  completedAt: '2026-11-27T02:10:00Z',
  training: true,
  materials: [
    { materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
    { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
  ],
};

/**
 * A library as docs/library-api.md has it: a record for an unknown matter is refused (NOT_FOUND, with its
 * sentence), a key keeps only an accepted request's result, the same key with another body is
 * CONFLICT. `loseNextAnswer` stores the next record but the answer never arrives.
 */
function fakeLibrary() {
  const stored = new Map<string, { body: string; id: string }>();
  let loseNextAnswer = false;
  let down = false;
  const host = fakeHost({
    'usage.submit': ({ record, idempotencyKey }: HostInput<'usage.submit'>) => {
      if (down) throw AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '暂时无法连接市电子证照库').error);
      const body = canonicalJson(record);
      const prior = stored.get(idempotencyKey);
      if (prior && prior.body !== body) throw AppError.from(hostFailure('CONFLICT', '同一幂等键已用于内容不同的请求，请更换幂等键').error);
      if (!prior) {
        if (record.matterCode !== KNOWN) throw AppError.from(hostFailure('NOT_FOUND', `事项 ${record.matterCode} 不存在，请核对后重试`).error);
        stored.set(idempotencyKey, { body, id: `UR-${stored.size + 1}` });
      }
      if (loseNextAnswer) {
        loseNextAnswer = false;
        throw AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '暂时无法连接市电子证照库').error);
      }
      return { id: stored.get(idempotencyKey)!.id };
    },
  });
  return {
    host,
    stored,
    loseAnswer: () => (loseNextAnswer = true),
    setDown: (value: boolean) => (down = value),
  };
}

async function setup(actorRole = 'clerk') {
  const db = new WorkstationDb(`usage-records-${Math.random()}`);
  const library = fakeLibrary();
  const audit = createAuditLog(db);
  const service = createUsageRecordService({
    db,
    client: library.host.client,
    audit,
    actor: () => ({ operator: 'OP-1', role: actorRole, workstation: 'WS-1' }),
    outbox: () => outbox,
  });
  const outbox: Outbox = createOutbox({
    db,
    senders: { usage_record: (row) => service.send(row) },
    random: () => 0,
    baseDelayMs: 1,
    maxDelayMs: 1,
    setTimer: () => null,
    clearTimer: () => undefined,
  });
  const row = await enqueue(db, { key: KEY, kind: 'usage_record', payload: RECORD, createdAt: '2026-11-27T02:10:00Z' });
  return { db, library, service, outbox, id: row.id!, audit };
}

const rowOf = async (db: WorkstationDb, id: number) => (await db.outbox.get(id))!;
const auditDetails = async (db: WorkstationDb) => (await db.auditEvents.orderBy('seq').toArray()).map((e) => [e.kind, e.case, e.details]);

describe('usage records the library refused', () => {
  it("a refusal (4xx) needs attention with the library's own sentence; nothing arrived", async () => {
    const { db, library, outbox, id } = await setup();
    expect(await outbox.flush()).toEqual({ delivered: 0, retrying: 0, needsAttention: 1 });
    expect(await rowOf(db, id)).toMatchObject({ state: 'needs_attention', attempts: 1, lastError: `事项 ${WITHDRAWN} 不存在，请核对后重试` });
    expect(library.stored.size).toBe(0);
    db.close();
  });

  it('a corrected record goes back to the queue with the same key, is audited with what changed, and arrives once', async () => {
    const { db, library, service, outbox, id } = await setup();
    await outbox.flush();
    const edit = { ...usageRecordEditOf(RECORD), matterCode: KNOWN };
    expect(await service.resend(id, edit, MATTERS)).toEqual({ ok: true });
    // Delivered, the row keeps the case number and the library's answer, not the record (Art. 27).
    expect(await rowOf(db, id)).toMatchObject({ key: KEY, state: 'delivered', lastError: null, payload: { caseNo: RECORD.caseNo }, answer: { id: 'UR-1' } });
    expect([...library.stored.keys()]).toEqual([KEY]);
    expect(JSON.parse(library.stored.get(KEY)!.body)).toEqual({ ...RECORD, matterCode: KNOWN });
    expect(await auditDetails(db)).toEqual([
      [
        'usage_record',
        RECORD.caseNo,
        { state: 'edited', key: KEY, refusal: `事项 ${WITHDRAWN} 不存在，请核对后重试`, changes: [{ field: 'matterCode', from: WITHDRAWN, to: KNOWN }] },
      ],
      ['usage_record', RECORD.caseNo, { state: 'delivered', key: KEY, id: 'UR-1' }],
    ]);
    db.close();
  });

  it('an edited record whose answer was lost is sent again with the same key: still one record at the library', async () => {
    const { db, library, service, outbox, id } = await setup();
    await outbox.flush();
    library.loseAnswer();
    await service.resend(id, { ...usageRecordEditOf(RECORD), matterCode: KNOWN }, MATTERS);
    expect((await rowOf(db, id)).state).toBe('queued');
    expect(library.stored.size).toBe(1);
    expect(await outbox.flush({ now: true })).toEqual({ delivered: 1, retrying: 0, needsAttention: 0 });
    expect(library.stored.size).toBe(1);
    const keys = library.host.calls.map((c) => (c.input as HostInput<'usage.submit'>).idempotencyKey);
    expect(new Set(keys)).toEqual(new Set([KEY]));
    expect(keys).toHaveLength(3);
    db.close();
  });

  it('an edit with problems saves nothing: the row keeps its record, its state and its refusal; nothing is audited or sent', async () => {
    const { db, library, service, outbox, id } = await setup();
    await outbox.flush();
    const before = await rowOf(db, id);
    const edit = usageRecordEditOf(RECORD);
    edit.matterCode = KNOWN;
    edit.materials[0] = { materialId: 'M01', outcome: 'exempt', licenceId: '', paperReason: null };
    expect(await service.resend(id, edit, MATTERS)).toEqual({ ok: false, problems: [{ code: 'licence_required', materialId: 'M01' }] });
    expect(await rowOf(db, id)).toEqual(before);
    expect(await db.auditEvents.count()).toBe(0);
    expect(library.host.calls).toHaveLength(1);
    db.close();
  });

  it('only a usage record that needs attention can be corrected or resent', async () => {
    const { db, service, id } = await setup();
    // Still queued: the library has not refused it.
    await expect(service.resend(id, usageRecordEditOf(RECORD), MATTERS)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(service.retryAsIs(id)).rejects.toMatchObject({ code: 'CONFLICT' });
    const objection: OutboxRow = {
      key: 'OBJ-1',
      kind: 'objection',
      state: 'needs_attention',
      createdAt: '2026-11-27T02:00:00Z',
      attempts: 1,
      lastError: 'x',
      payload: objectionRequest('OBJ-1'),
    };
    const objectionId = await db.outbox.add(objection);
    await expect(service.recordOf(objectionId!)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(service.recordOf(9999)).rejects.toMatchObject({ code: 'CONFLICT' });
    db.close();
  });

  it('resent as it is (the cause fixed elsewhere): audited, queued and tried again with the same key', async () => {
    const { db, library, service, outbox, id } = await setup();
    await outbox.flush();
    await service.retryAsIs(id);
    expect(await rowOf(db, id)).toMatchObject({ state: 'needs_attention', attempts: 2 });
    expect(library.host.calls.map((c) => (c.input as HostInput<'usage.submit'>).idempotencyKey)).toEqual([KEY, KEY]);
    expect((await auditDetails(db))[0]).toEqual([
      'usage_record',
      RECORD.caseNo,
      { state: 'resent', key: KEY, refusal: `事项 ${WITHDRAWN} 不存在，请核对后重试` },
    ]);
    db.close();
  });

  it('the library unreachable is not a refusal: the record stays queued, with the reason', async () => {
    const { db, library, outbox, id } = await setup();
    library.setDown(true);
    expect(await outbox.flush()).toEqual({ delivered: 0, retrying: 1, needsAttention: 0 });
    expect(await rowOf(db, id)).toMatchObject({ state: 'queued', lastError: '暂时无法连接市电子证照库' });
    db.close();
  });
});

describe('the unsent list', () => {
  it('shows what needs attention first, then what is being sent, then the queue, each oldest first, a page at a time', async () => {
    const db = new WorkstationDb(`unsent-${Math.random()}`);
    const row = (key: string, state: OutboxRow['state'], createdAt: string, kind: OutboxRow['kind'] = 'usage_record'): OutboxRow => {
      const common = { key, createdAt, attempts: state === 'queued' ? 0 : 1, lastError: state === 'needs_attention' ? '拒收' : null };
      if (state === 'delivered') return { ...common, kind: 'usage_record', state, payload: { caseNo: `C-${key}` }, deliveredAt: createdAt, answer: null };
      return kind === 'usage_record'
        ? { ...common, kind, state, payload: usageRecord(`C-${key}`, { matterCode: KNOWN }) }
        : { ...common, kind, state, payload: { ...objectionRequest(key), licenceId: 'L-1' } };
    };
    await db.outbox.bulkAdd([
      row('q2', 'queued', '2026-11-27T02:00:02Z'),
      row('d1', 'delivered', '2026-11-27T01:00:00Z'),
      row('a2', 'needs_attention', '2026-11-27T02:00:05Z', 'objection'),
      row('q1', 'queued', '2026-11-27T02:00:01Z'),
      row('s1', 'sending', '2026-11-27T02:00:09Z'),
      row('a1', 'needs_attention', '2026-11-27T02:00:03Z'),
    ]);
    const first = await unsentPage(db, 0, 4);
    expect(first.total).toBe(5);
    expect(first.counts).toEqual({ needs_attention: 2, sending: 1, queued: 2 });
    expect(first.items.map((i) => i.key)).toEqual(['a1', 'a2', 's1', 'q1']);
    expect((await unsentPage(db, 4, 4)).items.map((i) => i.key)).toEqual(['q2']);
    expect((await unsentPage(db, 3, 4)).items.map((i) => i.key)).toEqual(['q1', 'q2']);
    expect(first.items[0]).toMatchObject({ kind: 'usage_record', caseNo: 'C-a1', matterCode: KNOWN, objectionId: null, lastError: '拒收', attempts: 1 });
    expect(first.items[1]).toMatchObject({ kind: 'objection', caseNo: null, objectionId: 'a2', licenceId: 'L-1' });
    db.close();
  });
});
