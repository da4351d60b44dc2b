import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../hall/db';
import { ENGINES, enrolled, startTestHall, type TestHall } from './helpers';
import { completedCase, objectionState, type TestWorkstation } from './simulated-workstation';

const count = (test: TestHall, table: string) => test.db.one(sql<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).then((row) => row!.n);

describe.each(ENGINES)('ingest, exactly once (%s)', (engine) => {
  let test: TestHall;
  let ws: TestWorkstation;

  beforeAll(async () => {
    test = await startTestHall(engine);
    ws = await enrolled(test, 'WS-UP-01');
  });
  afterAll(() => test.stop());

  it('stores a push of both streams and answers the highest of each, in the same transaction as the data', async () => {
    ws.appendEvents(20);
    ws.addCase({ completedAt: '2026-11-26T02:00:00.000Z' });
    ws.addCase({ completedAt: '2026-11-26T03:00:00.000Z', operatorId: 'OP-PD-0102' });
    ws.addRecord({ kind: 'objection', objection: objectionState('OBJ-1', 'queued') });
    const answer = await ws.push({
      outbox: {
        at: test.now().toISOString(),
        usageRecords: { count: 2, oldestAt: test.now().toISOString() },
        objections: { count: 1, oldestAt: null },
        needsAttention: 0,
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ epoch: 1, audit: { highest: 20, lastHash: ws.chain[19]!.hash }, records: { highest: 3 }, stored: { audit: 20, records: 3 } });
    const state = await ws.call('GET', '/api/v1/sync/state');
    expect(state.json).toMatchObject({ epoch: 1, audit: { highest: 20, lastHash: ws.chain[19]!.hash }, records: { highest: 3 }, ingest: 'open' });
    expect(await count(test, 'audit_events')).toBe(20);
    expect(await count(test, 'cases')).toBe(2);
    expect(await count(test, 'objections')).toBe(1);
  });

  it('changes nothing when the same push is sent again', async () => {
    const before = await Promise.all(['audit_events', 'records', 'cases', 'case_tally', 'latency_tally', 'objection_states'].map((t) => count(test, t)));
    const tallyBefore = await test.db.all(sql('SELECT * FROM case_tally ORDER BY day, operator_id, figure'));
    const again = await ws.push();
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ audit: { highest: 20 }, records: { highest: 3 }, stored: { audit: 0, records: 0 } });
    expect(await Promise.all(['audit_events', 'records', 'cases', 'case_tally', 'latency_tally', 'objection_states'].map((t) => count(test, t)))).toEqual(
      before,
    );
    expect(await test.db.all(sql('SELECT * FROM case_tally ORDER BY day, operator_id, figure'))).toEqual(tallyBefore);
  });

  it('refuses a batch that arrives before the one it follows, then takes both in order; an overlapping batch stores only what is new', async () => {
    ws.appendEvents(20);
    const early = await ws.push({ fromSeq: 31, toSeq: 40, fromRecord: 4 });
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({ code: 'SEQUENCE_GAP', details: { stream: 'audit', highest: 20, epoch: 1 } });
    expect(await count(test, 'audit_events')).toBe(20);
    const overlapping = await ws.push({ fromSeq: 18, toSeq: 30, fromRecord: 4 });
    expect(overlapping.json).toMatchObject({ audit: { highest: 30 }, stored: { audit: 10, records: 0 } });
    const late = await ws.push({ fromSeq: 31, toSeq: 40, fromRecord: 4 });
    expect(late.json).toMatchObject({ audit: { highest: 40, lastHash: ws.chain[39]!.hash }, stored: { audit: 10 } });
    expect(await count(test, 'audit_events')).toBe(40);

    ws.addCase();
    ws.addCase();
    const recordsEarly = await ws.push({ fromSeq: 41, fromRecord: 5 });
    expect(recordsEarly.json.error).toMatchObject({ code: 'SEQUENCE_GAP', details: { stream: 'records', highest: 3 } });
    expect((await ws.push({ fromSeq: 41, fromRecord: 4 })).json).toMatchObject({ records: { highest: 5 }, stored: { records: 2 } });
  });

  it('keeps a holder only masked with a keyed hash: never the ID number, never a name', async () => {
    const other = await enrolled(test, 'WS-UP-02');
    other.addCase({ idNumber: '310115198001011086', completedAt: '2026-11-27T02:00:00.000Z' });
    other.addCase({ idNumber: '310115198001011086', completedAt: '2026-11-27T03:00:00.000Z' });
    other.addCase({ idNumber: '31010419900307252X', completedAt: '2026-11-27T04:00:00.000Z' });
    other.addRecord({ kind: 'objection', objection: objectionState('OBJ-H', 'queued', { holder: { idType: '111', idNumber: '310115198001011086' } }) });
    expect((await other.push()).status).toBe(200);
    const rows = await test.db.all(
      sql<{ holder_masked: string; holder_key: string; record: string }, [string]>(
        'SELECT holder_masked, holder_key, record FROM cases WHERE workstation_id = $1 ORDER BY case_no',
      ),
      ['WS-UP-02'],
    );
    expect(rows.map((r) => r.holder_masked)).toEqual(['310115********1086', '310115********1086', '310104********252X']);
    expect(rows[0]!.holder_key).toBe(rows[1]!.holder_key);
    expect(rows[2]!.holder_key).not.toBe(rows[0]!.holder_key);
    // Keyed: not a plain hash anyone could compute from a guessed number.
    expect(rows[0]!.holder_key).not.toBe(createHash('sm3').update('111:310115198001011086').digest('hex'));
    expect(JSON.parse(rows[0]!.record).holder).toEqual({ idType: '111', idNumberMasked: '310115********1086', holderKey: rows[0]!.holder_key });
    for (const table of ['cases', 'objections', 'objection_states', 'records', 'audit_events']) {
      const hits = await test.db.all(sql(`SELECT 1 FROM ${table} t WHERE t::text LIKE '%310115198001011086%' OR t::text LIKE '%31010419900307252X%'`));
      expect(hits, table).toHaveLength(0);
    }
    expect(JSON.parse(rows[0]!.record).materials[1].paperScan).not.toHaveProperty('blobKey');
  });

  it('refuses a name or face data with PERSONAL_DATA and stores nothing of the push', async () => {
    const before = await count(test, 'cases');
    const withName = completedCase({ caseNo: 'WSUP01-20261126-0900' });
    const named = await ws.call('POST', '/api/v1/sync/push', {
      body: {
        head: ws.head(),
        audit: [],
        records: [{ seq: 6, kind: 'case', case: { ...withName, holder: { ...withName.holder, name: '张三' } } }],
        outbox: null,
      },
    });
    expect([named.status, named.json.error.code, named.json.error.details.path]).toEqual([422, 'PERSONAL_DATA', 'records[0].case.holder.name']);
    const withFace = await ws.call('POST', '/api/v1/sync/push', {
      body: {
        head: ws.head(),
        audit: [],
        records: [{ seq: 6, kind: 'objection', objection: { ...objectionState('OBJ-F', 'queued'), description: '姓名应为张三' } }],
        outbox: null,
      },
    });
    expect([withFace.status, withFace.json.error.code]).toEqual([422, 'PERSONAL_DATA']);
    const event = ws.appendEvents(1, { kind: 'token_read', details: { ok: true, holder: { idNumber: '310115********1086', name: '张三' } } })[0]!;
    const inAudit = await ws.push({ fromSeq: event.seq, fromRecord: 6 });
    expect([inAudit.status, inAudit.json.error.code, inAudit.json.error.details.path]).toEqual([422, 'PERSONAL_DATA', 'audit[0].details.holder.name']);
    ws.chain.pop();
    expect(await count(test, 'cases')).toBe(before);
    expect((await ws.call('GET', '/api/v1/sync/state')).json.audit.highest).toBe(40);
  });

  it('follows an objection through its states, the latest winning, each change kept', async () => {
    ws.addRecord({
      kind: 'objection',
      objection: objectionState('OBJ-1', 'received', { receivedAt: '2026-11-26T02:05:00.000Z', updatedAt: '2026-11-26T02:05:00.000Z' }),
    });
    ws.addRecord({
      kind: 'objection',
      objection: objectionState('OBJ-1', 'corrected', {
        result: { at: '2026-11-28T02:00:00.000Z', newLicenceId: null },
        updatedAt: '2026-11-28T02:00:00.000Z',
      }),
    });
    expect((await ws.push({ fromSeq: 41, fromRecord: 6 })).status).toBe(200);
    const row = await test.db.one(
      sql<{ state: string; issuer_name: string }, [string]>("SELECT state, issuer_name FROM objections WHERE workstation_id = $1 AND id = 'OBJ-1'"),
      ['WS-UP-01'],
    );
    expect(row).toEqual({ state: 'corrected', issuer_name: '上海市民政局' });
    const states = await test.db.all(
      sql<{ state: string }, [string]>("SELECT state FROM objection_states WHERE workstation_id = $1 AND id = 'OBJ-1' ORDER BY at"),
      ['WS-UP-01'],
    );
    expect(states.map((s) => s.state)).toEqual(['queued', 'received', 'corrected']);
  });

  it('keeps the latest outbox report; an older one arriving late changes nothing', async () => {
    const latest = {
      at: test.now().toISOString(),
      usageRecords: { count: 5, oldestAt: '2026-11-26T01:00:00.000Z' },
      objections: { count: 0, oldestAt: null },
      needsAttention: 1,
    };
    expect((await ws.push({ fromSeq: 41, fromRecord: 8, outbox: latest })).status).toBe(200);
    const older = { ...latest, at: new Date(Date.parse(latest.at) - 60_000).toISOString(), usageRecords: { count: 9, oldestAt: null } };
    expect((await ws.push({ fromSeq: 41, fromRecord: 8, outbox: older })).status).toBe(200);
    const row = await test.db.one(
      sql<{ usage_count: number; needs_attention: number }, [string]>('SELECT usage_count, needs_attention FROM outbox_status WHERE workstation_id = $1'),
      ['WS-UP-01'],
    );
    expect(row).toEqual({ usage_count: 5, needs_attention: 1 });
  });

  it('keeps training and cancelled cases without counting them, and never counts a case twice', async () => {
    const third = await enrolled(test, 'WS-UP-03');
    third.addCase({ training: true, completedAt: '2026-11-29T02:00:00.000Z' });
    third.addRecord({
      kind: 'case',
      case: {
        status: 'cancelled',
        caseNo: 'WSUP03-20261129-0099',
        matter: { code: 'M-MARRIAGE', name: '结婚登记' },
        operatorId: 'OP-PD-0101',
        workstationId: 'WS-UP-03',
        training: false,
        openedAt: '2026-11-29T01:00:00.000Z',
        cancelledAt: '2026-11-29T01:05:00.000Z',
      },
    });
    const real = third.addCase({ completedAt: '2026-11-29T03:00:00.000Z' });
    // The same case again under a later sequence (a workstation re-sending after a reset) is kept once.
    third.addRecord({ kind: 'case', case: real });
    expect((await third.push()).json).toMatchObject({ records: { highest: 4 }, stored: { records: 4 } });
    const tally = await test.db.all(
      sql<{ figure: string; n: number }, [string]>("SELECT figure, n FROM case_tally WHERE workstation_id = $1 AND figure = 'cases'"),
      ['WS-UP-03'],
    );
    expect(tally).toEqual([{ figure: 'cases', n: 1 }]);
    expect(
      await test.db.all(sql<{ status: string }, [string]>('SELECT status FROM cases WHERE workstation_id = $1 ORDER BY case_no'), ['WS-UP-03']),
    ).toHaveLength(3);
  });

  it('keeps a case closed as 补正 as the workstation does: stored, never counted, never drawn; old and new records side by side', async () => {
    const w = await enrolled(test, 'WS-UP-04');
    const day = '2026-11-30';
    const counted = w.addCase({ completedAt: `${day}T02:00:00.000Z` });
    // What a workstation of the version before 补正 sends: completed and cancelled cases only.
    w.addRecord({
      kind: 'case',
      case: {
        status: 'cancelled',
        caseNo: 'WSUP04-20261130-0098',
        matter: { code: 'M-MARRIAGE', name: '结婚登记' },
        operatorId: 'OP-PD-0101',
        workstationId: 'WS-UP-04',
        training: false,
        openedAt: `${day}T01:00:00.000Z`,
        cancelledAt: `${day}T01:05:00.000Z`,
      },
    });
    const correction = {
      status: 'correction' as const,
      caseNo: 'WSUP04-20261130-0099',
      matter: { code: 'M-MARRIAGE', name: '结婚登记' },
      operatorId: 'OP-PD-0102',
      workstationId: 'WS-UP-04',
      training: false,
      openedAt: `${day}T03:00:00.000Z`,
      closedAt: `${day}T03:20:00.000Z`,
    };
    // Refused whole when malformed: the stream stops there and nothing of the push is kept.
    const { closedAt: _closedAt, ...withoutTime } = correction;
    const malformed = await w.call('POST', '/api/v1/sync/push', {
      body: { head: w.head(), audit: [], records: [...w.records, { seq: 3, kind: 'case', case: withoutTime }], outbox: null },
    });
    expect([malformed.status, malformed.json.error.code]).toEqual([400, 'BAD_REQUEST']);
    expect(await count(test, "cases WHERE workstation_id = 'WS-UP-04'")).toBe(0);

    w.addRecord({ kind: 'case', case: correction });
    expect((await w.push()).json).toMatchObject({ records: { highest: 3 }, stored: { records: 3 } });
    const rows = await test.db.all(
      sql<{ case_no: string; status: string; completed_at: string | null; day: string | null; counts: unknown }, [string]>(
        'SELECT case_no, status, completed_at, day, counts FROM cases WHERE workstation_id = $1 ORDER BY case_no',
      ),
      ['WS-UP-04'],
    );
    expect(rows.map((r) => [r.status, r.completed_at, r.day, r.counts])).toEqual([
      ['completed', counted.completedAt, day, expect.objectContaining({ cases: 1 })],
      ['cancelled', null, null, {}],
      ['correction', null, null, {}],
    ]);
    const kept = await w.supervise(`cases/WS-UP-04/${correction.caseNo}`);
    expect(kept.status).toBe(200);
    expect(kept.json.row).toMatchObject({ status: 'correction', operatorId: 'OP-PD-0102', completedAt: null, training: false });
    expect(kept.json.record).toEqual(correction);
    // The workstation's dashboard counts completed cases only: so does the hall's, and its review draws from them alone.
    const dashboard = await w.supervise('dashboard', { from: day, to: day });
    expect(dashboard.json.hall.summary.cases).toBe(1);
    expect(dashboard.json.byClerk.map((c: { operatorId: string }) => c.operatorId)).toEqual(['OP-PD-0101']);
    const listed = await w.supervise('cases', { from: day, to: day, limit: 50 });
    expect(listed.json.rows.map((r: { caseNo: string }) => r.caseNo)).toEqual([counted.caseNo]);
    const review = await w.supervisepost('reviews', { from: day, to: day, size: 5, seed: 'correction-1' });
    expect(review.json.draw).toMatchObject({ candidateCount: 1, picked: [`WS-UP-04/${counted.caseNo}`] });
    // Sent again, it is the same record: nothing changes.
    expect((await w.push()).json).toMatchObject({ stored: { records: 0 } });
  });
});
