import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureTrainingCases } from '../../hall/case-figures';
import { sql } from '../../hall/db';
import { casesBehind, inPeriod, summarize, tallyCases, tallyObjections, type DashboardFigure } from '../../shared/dashboard-stats';
import type { PurgedCase } from '../../shared/counter-case';
import type { AuditEvent } from '../../shared/audit-chain';
import { drawReview } from '../../shared/random-review';
import type { HallCompletedCase } from '../../shared/hall-api';
import { PAPER_REASONS, type PaperReason } from '../../shared/library-api';
import { VERIFICATION_OUTCOMES, type VerificationOutcome } from '../../shared/licence-verify';
import { ENGINES, enrolled, startTestHall, type TestHall } from './helpers';
import { objectionState, type MaterialSpec, type TestWorkstation } from './simulated-workstation';

/** A deterministic spread of cases: outcomes, paper reasons, latencies, clerks, days, training. */
function spread(ws: TestWorkstation, n: number, salt: number): HallCompletedCase[] {
  const made: HallCompletedCase[] = [];
  for (let i = 0; i < n; i++) {
    const k = i * 7 + salt;
    const materials: MaterialSpec[] = [];
    for (let m = 0; m < 1 + (k % 4); m++) {
      const pick = (k + m * 3) % 5;
      if (pick < 2) materials.push({ outcome: 'exempt', licenceOutcome: 'valid', latencyMs: 80 + ((k * 37 + m * 11) % 900) });
      else if (pick === 2)
        materials.push({
          outcome: 'paper',
          paperReason: PAPER_REASONS[(k + m) % PAPER_REASONS.length] as PaperReason,
          licenceOutcome: VERIFICATION_OUTCOMES[1 + ((k + m) % 9)] as VerificationOutcome,
          latencyMs: 150 + (k % 50),
        });
      else if (pick === 3) materials.push({ outcome: 'paper', paperReason: 'not_in_library', latencyMs: null });
      else materials.push({ outcome: 'missing', latencyMs: null });
    }
    // Days from 2026-11-24 to 2026-11-28 in Asia/Shanghai; one case right at a midnight there.
    const completedAt = i === 0 ? '2026-11-25T16:00:00.000Z' : new Date(Date.UTC(2026, 10, 24, 1) + ((k * 3) % 120) * 3600_000).toISOString();
    made.push(
      ws.addCase({
        operatorId: `OP-${(k % 3) + 1}`,
        completedAt,
        training: k % 11 === 0,
        materials,
        idNumber: k % 2 ? '310115198001011086' : '31010419900307252X',
      }),
    );
  }
  return made;
}

const asPurged = (cases: HallCompletedCase[]) => cases as unknown as PurgedCase[];

describe.each(ENGINES)('supervision across the hall (%s)', (engine) => {
  let test: TestHall;
  let windows: TestWorkstation[];
  const all: HallCompletedCase[] = [];

  beforeAll(async () => {
    test = await startTestHall(engine);
    windows = [await enrolled(test, 'WS-SV-01'), await enrolled(test, 'WS-SV-02'), await enrolled(test, 'WS-SV-03')];
    for (const [i, ws] of windows.entries()) {
      all.push(...spread(ws, 25, i));
      ws.addRecord({ kind: 'objection', objection: objectionState(`OBJ-${i}-A`, 'received', { filedAt: '2026-11-25T02:00:00.000Z' }) });
      ws.addRecord({ kind: 'objection', objection: objectionState(`OBJ-${i}-B`, 'queued', { filedAt: '2026-11-26T02:00:00.000Z' }) });
      ws.appendEvents(40, { operator: i === 0 ? 'OP-1' : 'OP-2' });
      ws.appendEvents(10, { kind: 'completion', operator: 'OP-3', case: 'WSSV-20261126-0007' });
      expect((await ws.push()).status).toBe(200);
    }
  });
  afterAll(() => test.stop());

  const supervisor = () => windows[0]!;
  const PERIOD = { from: '2026-11-24', to: '2026-11-28' };
  /** The cases a workstation's own dashboard would count for the period. */
  const inThePeriod = () => all.filter((c) => inPeriod(c.completedAt, PERIOD));

  it('shows the same figures for the hall as the workstation computes, by window and by clerk too', async () => {
    const answer = await supervisor().supervise('dashboard', PERIOD);
    expect(answer.status).toBe(200);
    expect(inThePeriod().length).toBeLessThan(all.length);
    const local = tallyCases(asPurged(inThePeriod()));
    const summary = summarize(local);
    expect(answer.json.hall.summary).toEqual(summary);
    expect(answer.json.hall.counts).toEqual({
      cases: local.cases,
      materials: local.materials,
      paperByReason: local.paperByReason,
      outcomes: local.outcomes,
      pulls: local.latencies.length,
    });
    for (const ws of windows) {
      const mine = tallyCases(asPurged(inThePeriod().filter((c) => c.workstationId === ws.id)));
      const row = answer.json.byWindow.find((w: { workstationId: string }) => w.workstationId === ws.id);
      expect(row.counts).toMatchObject({ cases: mine.cases, materials: mine.materials, paperByReason: mine.paperByReason, outcomes: mine.outcomes });
      expect(row.exemptionRate).toBe(summarize(mine).exemptionRate);
    }
    for (const operator of ['OP-1', 'OP-2', 'OP-3']) {
      const theirs = tallyCases(asPurged(inThePeriod().filter((c) => c.operatorId === operator)));
      expect(answer.json.byClerk.find((c: { operatorId: string }) => c.operatorId === operator).counts.cases).toBe(theirs.cases);
    }
    const objections = tallyObjections(
      windows.flatMap((_, i) => [
        { id: `OBJ-${i}-A`, state: 'received', issuer: '上海市民政局' },
        { id: `OBJ-${i}-B`, state: 'queued', issuer: null },
      ]),
    );
    expect(answer.json.objections).toEqual({
      total: objections.total,
      byState: objections.byState.map((g) => ({ state: g.state, n: g.ids.length })),
      byIssuer: objections.byIssuer.map((g) => ({ issuer: g.issuer, n: g.ids.length })),
    });
  });

  it('counts a period by Asia/Shanghai days', async () => {
    const oneDay = await supervisor().supervise('dashboard', { from: '2026-11-26', to: '2026-11-26' });
    const inDay = all.filter((c) => new Date(Date.parse(c.completedAt) + 8 * 3600_000).toISOString().startsWith('2026-11-26'));
    expect(inDay.some((c) => c.completedAt === '2026-11-25T16:00:00.000Z')).toBe(true);
    expect(oneDay.json.hall.summary).toEqual(summarize(tallyCases(asPurged(inDay))));
  });

  it('lists the cases behind each figure, newest first, page by page, training never', async () => {
    const figures: [string, DashboardFigure, Record<string, string | number>][] = [
      ['cases', { kind: 'cases' }, {}],
      ['paper:elderly', { kind: 'paper_reason', reason: 'elderly' }, {}],
      ['material:missing', { kind: 'material', outcome: 'missing' }, {}],
      ['outcome:expired', { kind: 'outcome', outcome: 'expired' }, {}],
      ['latency', { kind: 'latency', minMs: 600 }, { minMs: 600 }],
    ];
    for (const [figure, local, extra] of figures) {
      const expected = casesBehind(asPurged(inThePeriod()), local).sort();
      const seen: string[] = [];
      let cursor: Record<string, string> = {};
      for (let pages = 0; pages < 50; pages++) {
        const page = await supervisor().supervise('cases', { from: '2026-11-24', to: '2026-11-28', figure, limit: 7, ...extra, ...cursor });
        expect(page.status).toBe(200);
        const times = page.json.rows.map((r: { completedAt: string }) => r.completedAt);
        expect([...times].sort().reverse()).toEqual(times);
        seen.push(...page.json.rows.map((r: { caseNo: string }) => r.caseNo));
        if (!page.json.next) break;
        cursor = { beforeCompletedAt: page.json.next.completedAt, beforeWorkstation: page.json.next.workstationId, beforeCaseNo: page.json.next.caseNo };
      }
      expect(seen.sort(), figure).toEqual(expected);
    }
    const one = await supervisor().supervise('cases', { from: '2026-11-24', to: '2026-11-28', workstation: 'WS-SV-02', operator: 'OP-2', limit: 200 });
    expect(one.json.rows.map((r: { caseNo: string }) => r.caseNo).sort()).toEqual(
      inThePeriod()
        .filter((c) => !c.training && c.workstationId === 'WS-SV-02' && c.operatorId === 'OP-2')
        .map((c) => c.caseNo)
        .sort(),
    );
    expect(one.json.rows[0].holder.idNumberMasked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  });

  it('lists the objections of a period a page at a time, newest first, each once, by the cursor it answers', async () => {
    const ref = (r: { workstationId: string; id: string }) => `${r.workstationId}/${r.id}`;
    /** Every page of a query, following the hall's cursor. */
    const pages = async (query: Record<string, string | number>) => {
      const seen: string[][] = [];
      let cursor: Record<string, string> = {};
      for (let n = 0; n < 20; n++) {
        const page = await supervisor().supervise('objections', { ...query, ...cursor });
        expect(page.status).toBe(200);
        seen.push(page.json.rows.map(ref));
        if (!page.json.next) break;
        cursor = { beforeFiledAt: page.json.next.filedAt, beforeWorkstation: page.json.next.workstationId, beforeId: page.json.next.id };
      }
      return seen;
    };
    // Three windows filed at the same times: the ties are ordered by window and id, and none is lost or repeated at a page's edge.
    expect(await pages({ ...PERIOD, limit: 2 })).toEqual([
      ['WS-SV-03/OBJ-2-B', 'WS-SV-02/OBJ-1-B'],
      ['WS-SV-01/OBJ-0-B', 'WS-SV-03/OBJ-2-A'],
      ['WS-SV-02/OBJ-1-A', 'WS-SV-01/OBJ-0-A'],
    ]);
    // A last page exactly full says there is no next one (no empty page to turn to).
    expect((await pages({ ...PERIOD, limit: 3 })).map((p) => p.length)).toEqual([3, 3]);
    // The filters page the same way.
    expect(await pages({ ...PERIOD, state: 'received', limit: 2 })).toEqual([['WS-SV-03/OBJ-2-A', 'WS-SV-02/OBJ-1-A'], ['WS-SV-01/OBJ-0-A']]);
    expect(await pages({ ...PERIOD, unknownIssuer: 'true', limit: 200 })).toEqual([['WS-SV-03/OBJ-2-B', 'WS-SV-02/OBJ-1-B', 'WS-SV-01/OBJ-0-B']]);
    // A cursor is whole or absent.
    const partial = await supervisor().supervise('objections', { ...PERIOD, beforeFiledAt: '2026-11-26T02:00:00.000Z' });
    expect([partial.status, partial.json.error.code, partial.json.error.details.path]).toEqual([400, 'BAD_REQUEST', 'beforeFiledAt']);
    // A clerk gets none of it.
    expect((await supervisor().supervise('objections', PERIOD, 'clerk')).status).toBe(403);
  });

  it('shows the training cases apart when the host asks for them (its workstation in training), never mixed with the real ones', async () => {
    const training = inThePeriod().filter((c) => c.training);
    expect(training.length).toBeGreaterThanOrEqual(3);
    const answer = await supervisor().supervise('dashboard', { ...PERIOD, training: 'true' });
    expect(answer.status).toBe(200);
    expect(answer.json.training).toBe(true);
    // The workstation's own rule for its training scope (shared/dashboard-stats), over every window.
    const local = tallyCases(asPurged(inThePeriod()), 'training');
    expect(local.cases).toBe(training.length);
    expect(answer.json.hall.summary).toEqual(summarize(local));
    expect(answer.json.hall.counts).toEqual({
      cases: local.cases,
      materials: local.materials,
      paperByReason: local.paperByReason,
      outcomes: local.outcomes,
      pulls: local.latencies.length,
    });
    for (const ws of windows) {
      const mine = tallyCases(asPurged(inThePeriod().filter((c) => c.workstationId === ws.id)), 'training');
      const row = answer.json.byWindow.find((w: { workstationId: string }) => w.workstationId === ws.id);
      if (mine.cases === 0) expect(row).toBeUndefined();
      else expect(row.counts).toMatchObject({ cases: mine.cases, materials: mine.materials, paperByReason: mine.paperByReason, outcomes: mine.outcomes });
    }
    for (const operator of ['OP-1', 'OP-2', 'OP-3']) {
      const theirs = tallyCases(asPurged(inThePeriod().filter((c) => c.operatorId === operator)), 'training');
      expect(answer.json.byClerk.find((c: { operatorId: string }) => c.operatorId === operator)?.counts.cases ?? 0).toBe(theirs.cases);
    }
    // Without the flag, or with it false: the real cases alone, as before.
    const real = summarize(tallyCases(asPurged(inThePeriod())));
    for (const query of [PERIOD, { ...PERIOD, training: 'false' }]) {
      const plain = await supervisor().supervise('dashboard', query);
      expect(plain.json.training).toBe(false);
      expect(plain.json.hall.summary).toEqual(real);
    }
    // The flag is checked like every field.
    const bad = await supervisor().supervise('dashboard', { ...PERIOD, training: 'yes' });
    expect([bad.status, bad.json.error.code, bad.json.error.details.path]).toEqual([400, 'BAD_REQUEST', 'training']);
    // A clerk gets none of it.
    expect((await supervisor().supervise('dashboard', { ...PERIOD, training: 'true' }, 'clerk')).status).toBe(403);
  });

  it('lists and opens the training cases in the training scope only, and the real ones outside it', async () => {
    const training = inThePeriod().filter((c) => c.training);
    const listed = await supervisor().supervise('cases', { ...PERIOD, training: 'true', limit: 200 });
    expect(listed.status).toBe(200);
    expect(listed.json.rows.map((r: { caseNo: string }) => r.caseNo).sort()).toEqual(training.map((c) => c.caseNo).sort());
    expect(listed.json.rows.every((r: { training: boolean }) => r.training)).toBe(true);
    const behind = await supervisor().supervise('cases', { ...PERIOD, training: 'true', figure: 'material:paper', limit: 200 });
    expect(behind.json.rows.map((r: { caseNo: string }) => r.caseNo).sort()).toEqual(
      casesBehind(asPurged(inThePeriod()), { kind: 'material', outcome: 'paper' }, 'training').sort(),
    );
    const realOnes = await supervisor().supervise('cases', { ...PERIOD, limit: 200 });
    expect(realOnes.json.rows.some((r: { training: boolean }) => r.training)).toBe(false);

    const aTraining = training[0]!;
    const aReal = inThePeriod().find((c) => !c.training)!;
    const open = (c: HallCompletedCase, query: Record<string, string> = {}) => supervisor().supervise(`cases/${c.workstationId}/${c.caseNo}`, query);
    expect((await open(aTraining, { training: 'true' })).json.row).toMatchObject({ caseNo: aTraining.caseNo, training: true });
    expect((await open(aTraining)).status).toBe(404);
    expect((await open(aReal, { training: 'true' })).status).toBe(404);
    expect((await open(aReal)).status).toBe(200);
  });

  it('gives the training cases a hall of an earlier version kept without figures their figures, once', async () => {
    const before = (await supervisor().supervise('dashboard', { ...PERIOD, training: 'true' })).json;
    // What a hall before the training scope stored: no figures on a training case.
    await test.db.run(sql("UPDATE cases SET counts = '{}'::jsonb, latencies = '{}', max_latency = NULL WHERE training"));
    expect((await supervisor().supervise('dashboard', { ...PERIOD, training: 'true' })).json.hall.summary.cases).toBe(0);
    expect(await figureTrainingCases(test.db, 2)).toBe(all.filter((c) => c.training).length);
    expect(await figureTrainingCases(test.db)).toBe(0);
    const after = (await supervisor().supervise('dashboard', { ...PERIOD, training: 'true' })).json;
    expect(after.hall).toEqual(before.hall);
    expect(after.byWindow).toEqual(before.byWindow);
  });

  it('draws a training review from the training cases alone, recorded and listed apart from the real reviews', async () => {
    const refs = inThePeriod()
      .filter((c) => c.training)
      .map((c) => `${c.workstationId}/${c.caseNo}`);
    const real = await supervisor().supervisepost('reviews', { ...PERIOD, size: 2, seed: 'hall-review-real' });
    const drawn = await supervisor().supervisepost('reviews', { ...PERIOD, size: 2, seed: 'hall-review-training', training: true });
    expect(drawn.status).toBe(200);
    expect(drawn.json.training).toBe(true);
    expect(drawn.json.draw).toEqual(drawReview('hall-review-training', refs, 2));
    expect(real.json.training).toBe(false);
    expect(real.json.draw.candidateCount).toBe(inThePeriod().length - refs.length);

    const ids = async (query: Record<string, string>) =>
      (await supervisor().supervise('reviews', query)).json.reviews.map((r: { id: string; training: boolean }) => [r.id, r.training]);
    expect(await ids({ training: 'true' })).toEqual([[drawn.json.id, true]]);
    expect(await ids({})).toContainEqual([real.json.id, false]);
    expect(await ids({})).not.toContainEqual([drawn.json.id, true]);

    // Opened, checked and annotated in its own scope only.
    expect((await supervisor().supervise(`reviews/${drawn.json.id}`)).status).toBe(404);
    expect((await supervisor().supervise(`reviews/${real.json.id}`, { training: 'true' })).status).toBe(404);
    const checked = await supervisor().supervisepost(`reviews/${drawn.json.id}/check`, { training: true });
    expect(checked.json).toMatchObject({ reproduced: true, candidateCount: refs.length });
    expect((await supervisor().supervisepost(`reviews/${drawn.json.id}/check`, {})).status).toBe(404);
    const ref = drawn.json.draw.picked[0];
    expect((await supervisor().supervisepost(`reviews/${drawn.json.id}/findings`, { ref, verdict: 'compliant', note: '培训' })).status).toBe(404);
    const finding = await supervisor().supervisepost(`reviews/${drawn.json.id}/findings`, { ref, verdict: 'compliant', note: '培训', training: true });
    expect(finding.json).toMatchObject({ training: true, findings: [expect.objectContaining({ ref, verdict: 'compliant' })] });
    expect((await supervisor().supervisepost('reviews', { ...PERIOD, size: 2, training: true }, 'clerk')).status).toBe(403);
  });

  it('opens one case as the hall keeps it', async () => {
    const target = all.find((c) => !c.training)!;
    const answer = await supervisor().supervise(`cases/${target.workstationId}/${target.caseNo}`);
    expect(answer.status).toBe(200);
    expect(answer.json.record.caseNo).toBe(target.caseNo);
    expect(answer.json.record.holder).toMatchObject({ idType: '111' });
    expect(JSON.stringify(answer.json.record)).not.toContain(target.holder.idNumber);
    expect((await supervisor().supervise('cases/WS-SV-01/WSSV01-20991231-0001')).status).toBe(404);
  });

  it('pages any window trail newest first with the filters of the local one, and counts it', async () => {
    const ws = windows[1]!;
    const model = (filter: (e: AuditEvent) => boolean) => ws.chain.filter(filter).sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1));
    const cases: [Record<string, string>, (e: AuditEvent) => boolean][] = [
      [{}, () => true],
      [{ operator: 'OP-3' }, (e) => e.operator === 'OP-3'],
      [{ kind: 'completion' }, (e) => e.kind === 'completion'],
      [{ case: 'WSSV-20261126-0007' }, (e) => e.case === 'WSSV-20261126-0007'],
      [{ operator: 'OP-2', kind: 'pull' }, (e) => e.operator === 'OP-2' && e.kind === 'pull'],
    ];
    for (const [filter, predicate] of cases) {
      const expected = model(predicate);
      const got: AuditEvent[] = [];
      let cursor: Record<string, string | number> = {};
      for (;;) {
        const page = await supervisor().supervise('audit', { workstation: ws.id, limit: 12, ...filter, ...cursor });
        expect(page.status).toBe(200);
        got.push(...page.json.rows);
        if (!page.json.next) break;
        cursor = { beforeAt: page.json.next.at, beforeSeq: page.json.next.seq };
      }
      expect(
        got.map((e) => e.seq),
        JSON.stringify(filter),
      ).toEqual(expected.map((e) => e.seq));
      expect(got).toEqual(expected);
      const counted = await supervisor().supervise('audit/count', { workstation: ws.id, ...filter });
      expect(counted.json).toEqual({ n: expected.length, more: false });
    }
  });

  it('reads each filter of the trail through its own index', async () => {
    const ws = windows[2]!;
    ws.appendEvents(3000, { operator: 'OP-9' });
    for (let from = 51; from <= ws.chain.length; from += 1000) expect((await ws.push({ fromSeq: from, toSeq: from + 999 })).status).toBe(200);
    await test.db.script('ANALYZE audit_events');
    const { id: stream } = (await test.db.one(sql<{ id: number }, [string]>('SELECT id FROM streams WHERE workstation_id = $1 AND epoch = 1'), [ws.id]))!;
    const plans: [string, unknown[], string][] = [
      ['stream = $1', [stream], 'audit_events_at'],
      ['stream = $1 AND operator = $2', [stream, 'OP-3'], 'audit_events_operator'],
      ['stream = $1 AND kind = $2', [stream, 'completion'], 'audit_events_kind'],
      ['stream = $1 AND case_no = $2', [stream, 'WSSV-20261126-0007'], 'audit_events_case'],
    ];
    for (const [where, params, index] of plans) {
      const rows = await test.db.all(
        sql<Record<string, string>, unknown[]>(`EXPLAIN SELECT seq FROM audit_events WHERE ${where} ORDER BY at DESC, seq DESC LIMIT 51`),
        params,
      );
      const plan = rows.map((r) => Object.values(r)[0]).join('\n');
      expect(plan, where).toContain(index);
      expect(plan, where).not.toMatch(/Seq Scan|Sort/);
    }
  });

  it('draws a random review from every window with a recorded seed, reproducibly, and keeps the findings', async () => {
    const drawn = await supervisor().supervisepost('reviews', { from: '2026-11-24', to: '2026-11-28', size: 5, seed: 'hall-review-1' });
    expect(drawn.status).toBe(200);
    const refs = inThePeriod()
      .filter((c) => !c.training)
      .map((c) => `${c.workstationId}/${c.caseNo}`);
    const local = drawReview('hall-review-1', refs, 5);
    expect(drawn.json.draw).toEqual(local);
    expect(new Set(drawn.json.draw.picked.map((ref: string) => ref.split('/')[0])).size).toBeGreaterThan(1);
    expect(drawn.json).toMatchObject({ drawnBy: 'OP-PD-0201', period: { from: '2026-11-24', to: '2026-11-28' }, findings: [] });

    // A case of the period arriving after the draw does not change what the draw was made from.
    windows[0]!.addCase({ completedAt: '2026-11-26T05:00:00.000Z' });
    test.advance(1000);
    expect((await windows[0]!.push({ fromSeq: 51 })).status).toBe(200);
    const checked = await supervisor().supervisepost(`reviews/${drawn.json.id}/check`, {});
    expect(checked.json).toEqual({ reproduced: true, candidateCount: local.candidateCount, candidatesDigest: local.candidatesDigest });

    const ref = drawn.json.draw.picked[0];
    const finding = await supervisor().supervisepost(`reviews/${drawn.json.id}/findings`, { ref, verdict: 'issue', note: '纸质材料原因与记录不符' });
    expect(finding.json.findings).toEqual([expect.objectContaining({ ref, verdict: 'issue', note: '纸质材料原因与记录不符', by: 'OP-PD-0201' })]);
    const replaced = await supervisor().supervisepost(`reviews/${drawn.json.id}/findings`, { ref, verdict: 'compliant', note: '复核无误' });
    expect(replaced.json.findings).toHaveLength(1);
    expect(replaced.json.findings[0].verdict).toBe('compliant');
    const notDrawn = await supervisor().supervisepost(`reviews/${drawn.json.id}/findings`, { ref: 'WS-SV-01/NOT-DRAWN', verdict: 'issue', note: 'x' });
    expect(notDrawn.status).toBe(404);
    const listed = await supervisor().supervise('reviews');
    expect(listed.json.reviews[0].id).toBe(drawn.json.id);
    expect((await supervisor().supervise(`reviews/${drawn.json.id}`)).json.findings[0].note).toBe('复核无误');
    const clerk = await supervisor().supervisepost('reviews', { from: '2026-11-24', to: '2026-11-28', size: 5 }, 'clerk');
    expect(clerk.status).toBe(403);
  });

  it('lists windows behind, open alerts and windows holding usage records unsent for over an hour', async () => {
    const late = await enrolled(test, 'WS-SV-04');
    late.appendEvents(10);
    const twoHoursAgo = new Date(test.now().getTime() - 2 * 3600_000).toISOString();
    const report = {
      at: test.now().toISOString(),
      usageRecords: { count: 3, oldestAt: twoHoursAgo },
      objections: { count: 0, oldestAt: null },
      needsAttention: 0,
    };
    expect((await late.push({ toSeq: 6, outbox: report })).status).toBe(200);
    const attention = await supervisor().supervise('attention');
    expect(attention.json.unsentUsageRecords).toEqual([{ workstationId: 'WS-SV-04', count: 3, oldestAt: twoHoursAgo, reportedAt: report.at }]);
    expect(attention.json.behind).toContainEqual(expect.objectContaining({ workstationId: 'WS-SV-04', reasons: ['pending'], auditPending: 4 }));
    expect(attention.json.behind.map((b: { workstationId: string }) => b.workstationId)).not.toContain('WS-SV-01');

    test.advance(16 * 60_000);
    try {
      expect((await late.call('GET', '/api/v1/sync/state')).status).toBe(200);
      const later = await late.supervise('attention');
      const silent = later.json.behind
        .filter((b: { reasons: string[] }) => b.reasons.includes('silent'))
        .map((b: { workstationId: string }) => b.workstationId);
      expect(silent).toEqual(expect.arrayContaining(['WS-SV-01', 'WS-SV-02', 'WS-SV-03']));
      expect(silent).not.toContain('WS-SV-04');
    } finally {
      test.advance(-16 * 60_000);
    }
  });
});

describe('the hall dashboard reads tallies, not cases', () => {
  it('has a tally row per day, window, clerk and figure', async () => {
    const test = await startTestHall('postgres');
    try {
      const ws = await enrolled(test, 'WS-T-01');
      ws.addCase({
        operatorId: 'OP-1',
        completedAt: '2026-11-26T02:00:00.000Z',
        materials: [{ outcome: 'exempt', licenceOutcome: 'valid', latencyMs: 120.4 }],
      });
      ws.addCase({
        operatorId: 'OP-1',
        completedAt: '2026-11-26T03:00:00.000Z',
        materials: [{ outcome: 'exempt', licenceOutcome: 'valid', latencyMs: 119.6 }],
      });
      expect((await ws.push()).status).toBe(200);
      const rows = await test.db.all(sql<{ day: string; figure: string; n: number }>('SELECT day, figure, n FROM case_tally ORDER BY figure'));
      expect(rows).toEqual([
        { day: '2026-11-26', figure: 'cases', n: 2 },
        { day: '2026-11-26', figure: 'material:exempt', n: 2 },
        { day: '2026-11-26', figure: 'outcome:valid', n: 2 },
        { day: '2026-11-26', figure: 'pulls', n: 2 },
      ]);
      expect(await test.db.all(sql('SELECT day, ms, n FROM latency_tally'))).toEqual([{ day: '2026-11-26', ms: 120, n: 2 }]);
    } finally {
      await test.stop();
    }
  });
});
