import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../hall/db';
import { verifyStoredChain } from '../../hall/chain';
import { createAuditEvent, verifyAuditChain, type AuditEvent } from '../../shared/audit-chain';
import { ENGINES, enrolled, startTestHall, type TestHall } from './helpers';
import { TestWorkstation } from './simulated-workstation';

/** The chain rewritten from `seq` on: that event's details changed, every later event re-hashed (what a careful forger does). */
function rewriteFrom(chain: AuditEvent[], seq: number): AuditEvent[] {
  const kept = chain.filter((e) => e.seq < seq);
  for (const event of chain.filter((e) => e.seq >= seq)) {
    const { seq: _s, prev: _p, hash: _h, ...input } = event;
    kept.push(createAuditEvent(kept.at(-1) ?? null, event.seq === seq ? { ...input, details: { ...input.details, note: '改过' } } : input));
  }
  return kept;
}

describe.each(ENGINES)('the anchored chain (%s)', (engine) => {
  let test: TestHall;
  let supervisor: TestWorkstation;
  let rewriter: TestWorkstation;

  beforeAll(async () => {
    test = await startTestHall(engine);
    supervisor = await enrolled(test, 'WS-SUPER');
  });
  afterAll(() => test.stop());

  async function openAlerts(workstationId: string) {
    const answer = await supervisor.supervise('alerts', { state: 'open' });
    return answer.json.alerts.filter((a: { workstationId: string }) => a.workstationId === workstationId);
  }

  async function synced(id: string, events: number): Promise<TestWorkstation> {
    const ws = await enrolled(test, id);
    ws.appendEvents(events);
    expect((await ws.push()).status).toBe(200);
    return ws;
  }

  it('raises an alert when history was rewritten (the next event does not continue the last hash held), and stops ingest until acknowledged', async () => {
    const ws = await synced('WS-CH-01', 10);
    rewriter = ws;
    ws.chain = rewriteFrom(ws.chain, 5);
    ws.appendEvents(1);
    const answer = await ws.push({ fromSeq: 11 });
    expect(answer.status).toBe(409);
    expect(answer.json.error.code).toBe('CHAIN_BREAK');
    expect(answer.json.error.details.alert).toMatchObject({ workstationId: 'WS-CH-01', seq: 11, reason: 'prev_mismatch', epoch: 1, acknowledgedAt: null });
    const alerts = await openAlerts('WS-CH-01');
    expect(alerts).toHaveLength(1);
    expect(test.logs.some((line) => line.includes('chain alert for WS-CH-01'))).toBe(true);
    // Stopped: even a valid push changes nothing until a supervisor acknowledges.
    const stopped = await ws.push({ fromSeq: 11 });
    expect([stopped.status, stopped.json.error.code]).toEqual([409, 'INGEST_STOPPED']);
    const state = await ws.call('GET', '/api/v1/sync/state');
    expect(state.json).toMatchObject({ ingest: 'stopped', audit: { highest: 10 } });
    expect(
      (await test.db.one(
        sql<{ n: number }, [string]>('SELECT count(*) AS n FROM audit_events WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1)'),
        ['WS-CH-01'],
      ))!.n,
    ).toBe(10);
  });

  it('lets only a supervisor acknowledge; ingest then resumes in a new epoch from seq 1, the old epoch kept as evidence', async () => {
    const [alert] = await openAlerts('WS-CH-01');
    const clerk = await supervisor.supervisepost(`alerts/${alert.id}/acknowledge`, { note: '已核实' }, 'clerk');
    expect([clerk.status, clerk.json.error.code]).toEqual([403, 'ROLE_REFUSED']);
    const acked = await supervisor.supervisepost(`alerts/${alert.id}/acknowledge`, { note: '已核实：浏览器数据被清理后恢复' });
    expect(acked.status).toBe(200);
    expect(acked.json).toMatchObject({ epoch: 2, alert: { id: alert.id, acknowledgedBy: 'OP-PD-0201', note: '已核实：浏览器数据被清理后恢复' } });
    const twice = await supervisor.supervisepost(`alerts/${alert.id}/acknowledge`, { note: '再次' });
    expect([twice.status, twice.json.error.code]).toEqual([409, 'ALREADY_ACKNOWLEDGED']);

    const listed = await supervisor.supervise('workstations');
    expect(listed.json.workstations.find((w: { workstationId: string }) => w.workstationId === 'WS-CH-01')).toMatchObject({
      epoch: 2,
      auditHighest: 0,
      ingest: 'open',
    });
    expect((await rewriter.call('GET', '/api/v1/sync/state')).json).toMatchObject({ epoch: 2, audit: { highest: 0 }, records: { highest: 0 }, ingest: 'open' });
    // The workstation sends its chain as it now stands, from the start.
    const resumed = await rewriter.push();
    expect(resumed.json).toMatchObject({ epoch: 2, audit: { highest: 11, lastHash: rewriter.chain[10]!.hash }, stored: { audit: 11 } });
    const newEpoch = await supervisor.supervise('audit', { workstation: 'WS-CH-01' });
    expect(newEpoch.json).toMatchObject({ epoch: 2 });
    expect(newEpoch.json.rows.find((e: { seq: number }) => e.seq === 5).details.note).toBe('改过');
    const oldEpoch = await supervisor.supervise('audit', { workstation: 'WS-CH-01', epoch: 1 });
    expect(oldEpoch.json.rows).toHaveLength(10);
    expect(oldEpoch.json.rows[0].details.note).toBe('结婚登记 材料核验');
  });

  it('names a diverged event, a restarted chain and a truncated chain', async () => {
    const diverged = await synced('WS-CH-02', 8);
    const rewritten = rewriteFrom(diverged.chain, 7);
    diverged.chain = rewritten;
    const a = await diverged.push({ fromSeq: 7 });
    expect(a.json.error.details.alert).toMatchObject({ reason: 'diverged', seq: 7 });

    const restarted = await synced('WS-CH-03', 5);
    restarted.chain = [];
    restarted.appendEvents(2, { details: { note: '新的浏览器配置' } });
    const b = await restarted.push();
    expect(b.json.error.details.alert).toMatchObject({ reason: 'restarted', seq: 1 });

    const emptied = await synced('WS-CH-04', 5);
    emptied.chain = [];
    const c = await emptied.push();
    expect(c.json.error.details.alert).toMatchObject({ reason: 'truncated', seq: 1 });

    const truncated = await synced('WS-CH-05', 10);
    truncated.chain = truncated.chain.slice(0, 6);
    const d = await truncated.push({ fromSeq: 11 });
    expect(d.json.error.details.alert).toMatchObject({ reason: 'truncated', seq: 7 });
  });

  it('tells a second workstation using the same key by the fork it makes', async () => {
    const first = await synced('WS-CH-06', 5);
    const copy = new TestWorkstation(test.hall.url, 'WS-CH-06', first.keys, test.now);
    copy.chain = [...first.chain];
    first.appendEvents(3, { details: { note: '窗口甲' } });
    copy.appendEvents(2, { details: { note: '窗口乙' } });
    expect((await first.push({ fromSeq: 6 })).status).toBe(200);
    const fork = await copy.push({ fromSeq: 6 });
    expect(fork.json.error.details.alert).toMatchObject({ reason: 'diverged', seq: 6 });
  });

  it('raises an alert when a record the hall holds comes again with other content', async () => {
    const ws = await enrolled(test, 'WS-CH-07');
    ws.addCase();
    ws.addCase();
    expect((await ws.push()).status).toBe(200);
    const second = ws.records[1]!;
    if (second.kind !== 'case' || second.case.status !== 'completed') throw new Error('test setup');
    ws.records[1] = { ...second, case: { ...second.case, operatorId: 'OP-OTHER' } };
    const answer = await ws.push();
    expect(answer.json.error.details.alert).toMatchObject({ reason: 'records_diverged', seq: 2 });
  });

  it('verifies a window chain as stored and names the first broken link', async () => {
    const ws = await synced('WS-CH-08', 30);
    expect(verifyAuditChain(ws.chain).ok).toBe(true);
    const intact = await supervisor.supervisepost('chain-verify', { workstation: 'WS-CH-08' });
    expect(intact.json).toMatchObject({ workstationId: 'WS-CH-08', epoch: 1, ok: true, checked: 30, highest: 30, firstBroken: null });

    const edit = sql<unknown, [string, number]>(
      "UPDATE audit_events SET body = replace(body, '材料核验', '材料核查') WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq = $2",
    );
    await test.db.run(edit, ['WS-CH-08', 12]);
    const edited = await supervisor.supervisepost('chain-verify', { workstation: 'WS-CH-08' });
    expect(edited.json).toMatchObject({ ok: false, checked: 12, firstBroken: { seq: 12, reason: 'hash_mismatch' } });

    // Pages of four events, checked in parallel: the first broken link is still the first in seq order.
    expect(await verifyStoredChain(test.db, 'WS-CH-08', 1, { pageSize: 4 })).toMatchObject({
      ok: false,
      checked: 12,
      firstBroken: { seq: 12, reason: 'hash_mismatch' },
    });
    await test.db.run(
      sql<unknown, [string]>(
        "UPDATE audit_events SET body = replace(body, '材料核验', '材料核查') WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq IN (3, 27)",
      ),
      ['WS-CH-08'],
    );
    expect(await verifyStoredChain(test.db, 'WS-CH-08', 1, { pageSize: 4 })).toMatchObject({ checked: 3, firstBroken: { seq: 3, reason: 'hash_mismatch' } });

    const other = await synced('WS-CH-09', 20);
    expect(await verifyStoredChain(test.db, 'WS-CH-09', 1, { pageSize: 4 })).toMatchObject({ ok: true, checked: 20, firstBroken: null });
    void other;
    await test.db.run(
      sql<unknown, [string]>('DELETE FROM audit_events WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq = 9'),
      ['WS-CH-09'],
    );
    expect((await supervisor.supervisepost('chain-verify', { workstation: 'WS-CH-09' })).json.firstBroken).toEqual({ seq: 10, reason: 'seq_gap' });
    expect((await verifyStoredChain(test.db, 'WS-CH-09', 1, { pageSize: 4 })).firstBroken).toEqual({ seq: 10, reason: 'seq_gap' });

    const short = await synced('WS-CH-10', 20);
    void short;
    await test.db.run(
      sql<unknown, [string]>('DELETE FROM audit_events WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq > 15'),
      ['WS-CH-10'],
    );
    expect((await supervisor.supervisepost('chain-verify', { workstation: 'WS-CH-10' })).json).toMatchObject({
      ok: false,
      checked: 15,
      highest: 20,
      firstBroken: { seq: 16, reason: 'missing' },
    });

    // A missing event at the very end of a range (ranges of 10 on two cores, pages of 4 on PGlite).
    const gapAtEnd = await synced('WS-CH-13', 20);
    void gapAtEnd;
    await test.db.run(
      sql<unknown, [string]>('DELETE FROM audit_events WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq = 10'),
      ['WS-CH-13'],
    );
    expect(await verifyStoredChain(test.db, 'WS-CH-13', 1, { pageSize: 4 })).toMatchObject({
      ok: false,
      checked: 10,
      firstBroken: { seq: 11, reason: 'seq_gap' },
    });
    expect(await verifyStoredChain(test.db, 'WS-CH-13', 1, { pageSize: 5 })).toMatchObject({
      ok: false,
      checked: 10,
      firstBroken: { seq: 11, reason: 'seq_gap' },
    });

    // An event of 18 KB among short ones in the four lanes (the hasher's memory grows for it); an
    // edit of it, then of the event before it, are named in seq order.
    const long = await enrolled(test, 'WS-CH-12');
    long.appendEvents(5);
    long.appendEvents(1, { kind: 'export', details: { note: '导出'.repeat(3000) } });
    long.appendEvents(5);
    expect((await long.push()).status).toBe(200);
    expect(await verifyStoredChain(test.db, 'WS-CH-12', 1, { pageSize: 3 })).toMatchObject({ ok: true, checked: 11 });
    const inLong = sql<unknown, [string, number, string, string]>(
      'UPDATE audit_events SET body = replace(body, $3, $4) WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq = $2',
    );
    await test.db.run(inLong, ['WS-CH-12', 6, '导出导出', '导入导出']);
    expect(await verifyStoredChain(test.db, 'WS-CH-12', 1, { pageSize: 3 })).toMatchObject({
      ok: false,
      checked: 6,
      firstBroken: { seq: 6, reason: 'hash_mismatch' },
    });
    await test.db.run(inLong, ['WS-CH-12', 5, '材料核验', '材料核查']);
    expect((await verifyStoredChain(test.db, 'WS-CH-12', 1, { pageSize: 3 })).firstBroken).toEqual({ seq: 5, reason: 'hash_mismatch' });
    // Without WebAssembly SIMD, Node's SM3 finds the same links.
    expect((await verifyStoredChain(test.db, 'WS-CH-12', 1, { pageSize: 3, simd: false })).firstBroken).toEqual({ seq: 5, reason: 'hash_mismatch' });
    // Rows 1–8 and the row of seq 10, which names the gap: nine rows read.
    expect(await verifyStoredChain(test.db, 'WS-CH-09', 1, { pageSize: 4, simd: false })).toMatchObject({
      checked: 9,
      firstBroken: { seq: 10, reason: 'seq_gap' },
    });
    expect(await verifyStoredChain(test.db, 'WS-CH-09', 1, { pageSize: 4 })).toMatchObject({ checked: 9, firstBroken: { seq: 10, reason: 'seq_gap' } });
    expect(await verifyStoredChain(test.db, 'WS-CH-08', 1, { simd: false })).toMatchObject({ checked: 3, firstBroken: { seq: 3, reason: 'hash_mismatch' } });

    const relinked = await synced('WS-CH-11', 10);
    void relinked;
    // An event whose stored hash was replaced: it no longer matches its body.
    await test.db.run(
      sql<unknown, [string]>(
        "UPDATE audit_events SET hash = repeat('a', 64) WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq = 4",
      ),
      ['WS-CH-11'],
    );
    expect((await supervisor.supervisepost('chain-verify', { workstation: 'WS-CH-11' })).json.firstBroken).toEqual({ seq: 4, reason: 'hash_mismatch' });
  });
  it('verifies a chain of thousands of events read in many pieces, each cut anywhere, and names an edit deep in it', async () => {
    // About 1.5 MB of COPY data: the server's messages reach the checker in many socket chunks,
    // rows cut between them (on PGlite, in pages of 1,000).
    const ws = await enrolled(test, 'WS-CH-14');
    ws.appendEvents(3000, { details: { note: '结婚登记 材料核验'.repeat(8), latencyMs: 120 } });
    expect((await ws.push()).status).toBe(200);
    expect(await verifyStoredChain(test.db, 'WS-CH-14', 1, { pageSize: 1000 })).toMatchObject({ ok: true, checked: 3000, highest: 3000, firstBroken: null });
    await test.db.run(
      sql<unknown, [string]>(
        "UPDATE audit_events SET body = replace(body, '材料核验', '材料核查') WHERE stream = (SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1) AND seq IN (2345, 2990)",
      ),
      ['WS-CH-14'],
    );
    expect(await verifyStoredChain(test.db, 'WS-CH-14', 1, { pageSize: 1000 })).toMatchObject({
      ok: false,
      checked: 2345,
      firstBroken: { seq: 2345, reason: 'hash_mismatch' },
    });
    expect((await verifyStoredChain(test.db, 'WS-CH-14', 1, { pageSize: 1000, simd: false })).firstBroken).toEqual({ seq: 2345, reason: 'hash_mismatch' });
  });

  // PostgreSQL's checkers read over connections of their own (PGlite has one, in the hall's thread).
  if (engine === 'postgres')
    it('reports what the server answers when it refuses the read of a range', async () => {
      await synced('WS-CH-15', 20);
      // The checkers' own connections look for the table in a schema that does not exist.
      const astray = { ...test.db, connectionString: `${test.db.connectionString!}?options=-c%20search_path%3Dnowhere` };
      await expect(verifyStoredChain(astray, 'WS-CH-15', 1, { pageSize: 10 })).rejects.toThrow(
        /^chain verification: relation "audit_events" does not exist \(42P01\)$/,
      );
      expect(await verifyStoredChain(test.db, 'WS-CH-15', 1, { pageSize: 10 })).toMatchObject({ ok: true, checked: 20 });
    });
});
