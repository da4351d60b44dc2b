import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../hall/db';
import { HALL_MAX_AUDIT_PER_PUSH, HALL_MAX_BODY_BYTES } from '../../shared/hall-api';
import { createAuditEvent } from '../../shared/audit-chain';
import { ENGINES, enrolled, startTestHall, type TestHall } from './helpers';
import { completedCase, type RawCall, type TestWorkstation } from './simulated-workstation';

const DATA_TABLES = [
  'audit_events',
  'records',
  'cases',
  'case_tally',
  'latency_tally',
  'objections',
  'objection_states',
  'outbox_status',
  'alerts',
  'reviews',
  'enrolment_codes',
];

describe.each(ENGINES)('bad input, class by class: a 4xx with a code, nothing changed, never a 500 (%s)', (engine) => {
  let test: TestHall;
  let ws: TestWorkstation;

  beforeAll(async () => {
    test = await startTestHall(engine);
    ws = await enrolled(test, 'WS-BAD-01');
    ws.appendEvents(5);
    ws.addCase();
    expect((await ws.push()).status).toBe(200);
  });
  afterAll(async () => {
    expect(test.logs.filter((line) => line.includes('internal error'))).toEqual([]);
    await test.stop();
  });

  /** Everything the hall holds, as counts and stream positions. */
  async function snapshot(): Promise<unknown> {
    const counts = await Promise.all(DATA_TABLES.map((t) => test.db.one(sql<{ n: number }>(`SELECT count(*) AS n FROM ${t}`)).then((r) => r!.n)));
    const streams = await test.db.all(
      sql('SELECT workstation_id, epoch, audit_highest, audit_last_hash, records_highest, head_seq FROM streams ORDER BY workstation_id, epoch'),
    );
    return { counts, streams };
  }

  async function refused(method: 'GET' | 'POST' | 'PUT', path: string, call: RawCall, status: number, code: string): Promise<Record<string, unknown>> {
    const before = await snapshot();
    const answer = await ws.call(method, path, call);
    expect([answer.status, answer.json?.error?.code], JSON.stringify(answer.json)).toEqual([status, code]);
    expect(typeof answer.json.error.message).toBe('string');
    expect(await snapshot()).toEqual(before);
    return answer.json.error;
  }

  const push = (body: unknown, extra: RawCall = {}): RawCall => ({ body, ...extra });
  const pushBody = (over: Record<string, unknown> = {}) => ({ head: ws.head(), audit: [], records: [], outbox: null, ...over });

  it('malformed JSON, text that is not UTF-8, a body not declared as JSON, a body that is not an object', async () => {
    await refused('POST', '/api/v1/sync/push', { raw: '{"head": {"seq": 5,' }, 400, 'BAD_JSON');
    await refused('POST', '/api/v1/sync/push', { raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, 400, 'BAD_JSON');
    await refused('POST', '/api/v1/sync/push', { raw: JSON.stringify(pushBody()), contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await refused('POST', '/api/v1/sync/push', push([pushBody()]), 400, 'BAD_REQUEST');
    await refused('POST', '/api/v1/sync/push', push(null), 400, 'BAD_REQUEST');
  });

  it('a body nested deeper than 64 levels, wherever the nesting is', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const raw of [
      `{"head":{"seq":5,"hash":"x"},"audit":[],"records":${deep(100_000)},"outbox":null}`,
      `{"head":{"seq":5,"hash":"x"},"audit":[],"records":[{"seq":6,"kind":"case","case":{"extra":${deep(70)}}}],"outbox":null}`,
    ]) {
      const error = await refused('POST', '/api/v1/sync/push', { raw }, 400, 'BAD_JSON');
      expect(error.message).toContain('64');
    }
  });

  it('wrong types, with the path of the field', async () => {
    const event = ws.chain[4]!;
    const error = await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [{ ...event, seq: String(event.seq) }] })), 400, 'BAD_REQUEST');
    expect(error.details).toEqual({ path: 'audit.0.seq' });
    await refused(
      'POST',
      '/api/v1/sync/push',
      push(pushBody({ records: [{ seq: 2, kind: 'case', case: { ...completedCase(), training: 'no' } }] })),
      400,
      'BAD_REQUEST',
    );
    await refused('POST', '/api/v1/sync/push', push(pushBody({ records: [{ seq: 2, kind: 'licence', licence: {} }] })), 400, 'BAD_REQUEST');
    await refused('POST', '/api/v1/sync/push', push(pushBody({ head: { seq: -1, hash: 'x' } })), 400, 'BAD_REQUEST');
    await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [{ ...event, operator: 'OP\u0000' }] })), 400, 'BAD_REQUEST');
    await refused(
      'GET',
      '/api/v1/supervision/dashboard?from=2026-11-31&to=2026-12-01',
      { operator: { id: 'OP-PD-0201', role: 'supervisor' } },
      400,
      'BAD_REQUEST',
    );
    await refused(
      'GET',
      '/api/v1/supervision/dashboard?from=2026-12-02&to=2026-12-01',
      { operator: { id: 'OP-PD-0201', role: 'supervisor' } },
      400,
      'BAD_REQUEST',
    );
    await refused(
      'GET',
      '/api/v1/supervision/audit?workstation=WS-BAD-01&limit=many',
      { operator: { id: 'OP-PD-0201', role: 'supervisor' } },
      400,
      'BAD_REQUEST',
    );
  });

  it('unknown fields, at the root, in an event, in a case, in a query', async () => {
    const error = await refused('POST', '/api/v1/sync/push', push(pushBody({ priority: 'high' })), 400, 'UNKNOWN_FIELD');
    expect(error.details).toMatchObject({ keys: ['priority'] });
    await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [{ ...ws.chain[4]!, signature: 'x' }] })), 400, 'UNKNOWN_FIELD');
    await refused(
      'POST',
      '/api/v1/sync/push',
      push(pushBody({ records: [{ seq: 2, kind: 'case', case: { ...completedCase(), clerkName: '王晓燕' } }] })),
      400,
      'UNKNOWN_FIELD',
    );
    await refused(
      'GET',
      '/api/v1/supervision/dashboard?from=2026-11-01&to=2026-11-30&window=all',
      { operator: { id: 'OP-PD-0201', role: 'supervisor' } },
      400,
      'UNKNOWN_FIELD',
    );
  });

  it('oversized batches and bodies: 413', async () => {
    const many = Array.from({ length: HALL_MAX_AUDIT_PER_PUSH + 1 }, () => ws.chain[4]!);
    await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: many })), 413, 'TOO_LARGE');
    await refused('POST', '/api/v1/sync/push', { raw: Buffer.alloc(HALL_MAX_BODY_BYTES + 1, 0x20) }, 413, 'TOO_LARGE');
    const huge = createAuditEvent(ws.chain[4]!, {
      at: test.now().toISOString(),
      operator: 'OP',
      role: 'clerk',
      workstation: 'WS-BAD-01',
      case: null,
      kind: 'export',
      details: { blob: 'x'.repeat(40_000) },
    });
    await refused('POST', '/api/v1/sync/push', push(pushBody({ head: { seq: huge.seq, hash: huge.hash }, audit: [huge] })), 413, 'TOO_LARGE');
  });

  it('sequences that jump, go back or repeat within a batch; a first new item past the next one', async () => {
    const more = ws.appendEvents(3);
    try {
      await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [more[0], more[2]] })), 400, 'SEQUENCE_ORDER');
      await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [more[1], more[0]] })), 400, 'SEQUENCE_ORDER');
      await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [more[0], more[0]] })), 400, 'SEQUENCE_ORDER');
      const gap = await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [more[1], more[2]] })), 409, 'SEQUENCE_GAP');
      expect(gap.details).toEqual({ stream: 'audit', highest: 5, epoch: 1 });
      const a = { seq: 3, kind: 'case', case: completedCase({ caseNo: 'WSBAD01-20261126-0101' }) };
      const b = { seq: 2, kind: 'case', case: completedCase({ caseNo: 'WSBAD01-20261126-0102' }) };
      await refused('POST', '/api/v1/sync/push', push(pushBody({ records: [a, b] })), 400, 'SEQUENCE_ORDER');
      await refused('POST', '/api/v1/sync/push', push(pushBody({ records: [a] })), 409, 'SEQUENCE_GAP');
    } finally {
      ws.chain.splice(-3);
    }
  });

  it('a chain event whose hash does not match its content, or that does not follow the one before it', async () => {
    const [next, after] = ws.appendEvents(2);
    try {
      const edited = { ...next!, details: { ...next!.details, note: '改过' } };
      const error = await refused('POST', '/api/v1/sync/push', push(pushBody({ audit: [edited, after] })), 422, 'CHAIN_HASH_MISMATCH');
      expect(error.details).toEqual({ seq: 6 });
      const unlinked = createAuditEvent(
        { ...next!, hash: 'f'.repeat(64) },
        {
          at: after!.at,
          operator: after!.operator,
          role: after!.role,
          workstation: after!.workstation,
          case: after!.case,
          kind: after!.kind,
          details: after!.details,
        },
      );
      await refused(
        'POST',
        '/api/v1/sync/push',
        push(pushBody({ head: { seq: unlinked.seq, hash: unlinked.hash }, audit: [next, unlinked] })),
        422,
        'CHAIN_LINK_MISMATCH',
      );
      await refused('POST', '/api/v1/sync/push', push(pushBody({ head: { seq: 6, hash: after!.hash }, audit: [next, after] })), 400, 'BAD_REQUEST');
    } finally {
      ws.chain.splice(-2);
    }
  });

  it('personal data the hall never stores', async () => {
    const named = completedCase({ caseNo: 'WSBAD01-20261126-0201' });
    await refused(
      'POST',
      '/api/v1/sync/push',
      push(pushBody({ records: [{ seq: 2, kind: 'case', case: { ...named, holder: { ...named.holder, name: '张三' } } }] })),
      422,
      'PERSONAL_DATA',
    );
    await refused(
      'POST',
      '/api/v1/sync/push',
      push(
        pushBody({
          records: [{ seq: 2, kind: 'case', case: { ...named, materials: [{ ...named.materials[0], faceFields: [{ key: 'name', value: '张三' }] }] } }],
        }),
      ),
      422,
      'PERSONAL_DATA',
    );
  });

  it('an unknown route (404), a known route with another method (405), a GET with a body, parameters given twice', async () => {
    await refused('GET', '/api/v1/sync/everything', {}, 404, 'NOT_FOUND');
    await refused('PUT', '/api/v1/sync/push', push(pushBody()), 405, 'METHOD_NOT_ALLOWED');
    await refused('GET', '/api/v1/sync/state', { raw: '{}' }, 400, 'BAD_REQUEST');
    await refused(
      'GET',
      '/api/v1/supervision/dashboard?from=2026-11-01&from=2026-11-02&to=2026-11-30',
      { operator: { id: 'OP-PD-0201', role: 'supervisor' } },
      400,
      'BAD_REQUEST',
    );
    await refused('GET', '/api/v1/reference/licences', {}, 400, 'BAD_REQUEST');
  });

  it('malformed signature headers', async () => {
    await refused('GET', '/api/v1/sync/state', { headers: { 'x-hall-workstation': 'WS-BAD-01' }, unsigned: true }, 401, 'UNSIGNED');
    await refused('GET', '/api/v1/sync/state', { nonce: 'not-hex' }, 401, 'UNSIGNED');
    await refused('GET', '/api/v1/sync/state', { time: 'yesterday' }, 401, 'UNSIGNED');
  });
});
