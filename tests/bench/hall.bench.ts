/**
 * The hall node's benchmarks (issue 13), on a PostgreSQL server this run starts (fsync on, as a
 * hall runs it), with the same measurements on PGlite printed beside them:
 *
 * - `hall_ingest_events_per_s` ≥ 20,000: audit events pushed through the hall's HTTP API by 8
 *   simulated workstations at once (a process of their own), in signed pushes of 2,000 events
 *   (about 0.9 MB), every chain checked (SM3 of each event, its link to the one before, the
 *   anchor on what the hall holds). Baseline: the same pushes into a hall that stores them with
 *   one INSERT per event.
 * - `hall_dashboard_ms` ≤ 300: the 全厅 dashboard (a signed supervision call) for a 30-day period
 *   over 1,000,000 cases from 60 workstations. Baseline: the same figures aggregated from the
 *   raw cases. Both must agree.
 * - `hall_chain_verify_per_s` ≥ 150,000: one workstation's 1,000,000-event chain verified at the
 *   hall (a signed supervision call). Baselines: reading the same rows in one thread without
 *   hashing, and the obvious verification (each body parsed into an event and checked with the
 *   JavaScript SM3, in one thread).
 *
 * Run: `npx tsx tests/bench/hall.bench.ts` (about ten minutes on an idle 2-core machine).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, sql, type Database } from '../../hall/db';
import { migrate } from '../../hall/migrations';
import { startHall, type RunningHall } from '../../hall/index';
import { IngestService } from '../../hall/ingest';
import type { AuditRows } from '../../hall/chain';
import { BinaryCopy } from '../../hall/copy';
import type { Queryable } from '../../hall/db';
import { AUDIT_GENESIS_PREV, verifyAuditChain, type AuditEvent } from '../../shared/audit-chain';
import { canonicalJson } from '../../shared/canonical-json';
import { generateSm2KeyPair } from '../../shared/sm';
import { Station } from './hall-station';
import { startPostgres } from '../hall/postgres-setup';
import { median, reportFigures, type BenchFigure } from './lib';

const INGEST_WORKSTATIONS = 8;
const INGEST_EVENTS_PER_WORKSTATION = 25_000;
const BASELINE_EVENTS_PER_WORKSTATION = 2_500;
const BATCH = 2_000;
const DASHBOARD_CASES = 1_000_000;
const DASHBOARD_WINDOWS = 60;
const CHAIN_EVENTS = 1_000_000;

type Engine = 'postgres' | 'pglite';
const pgliteFolders: string[] = [];
const sm3 = (data: Buffer | string) => createHash('sm3').update(data).digest('hex');

async function database(engine: Engine, serverUrl: string, name: string): Promise<Database> {
  // On disk, as a hall keeps it (and a million rows would not fit PGlite's in-memory file system).
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), `hall-bench-${name}-`));
    pgliteFolders.push(dir);
    return openPglite(dir);
  }
  const admin = new pg.Client(`${serverUrl}postgres`);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return openPostgres(`${serverUrl}${name}`, { max: 12 });
}

async function hallOn(db: Database, baseline = false): Promise<{ hall: RunningHall; dataDir: string }> {
  await migrate(db);
  const dataDir = mkdtempSync(join(tmpdir(), 'hall-bench-'));
  const hall = await startHall({
    dataDir,
    database: db,
    admin: false,
    ingest: baseline
      ? (d, identity, now, log) =>
          new (class OneInsertPerEvent extends IngestService {
            protected override insertAuditEvents(tx: Queryable, streamId: number, rows: AuditRows, from: number): Promise<void> {
              return this.insertAuditEventsOneByOne(tx, streamId, rows, from);
            }
          })(d, identity, now, log)
      : undefined,
  });
  return { hall, dataDir };
}

/**
 * Pushes every station's chain in batches, the stations at once; events per second. The
 * stations run in a process of their own (as the windows are machines of their own): their
 * chains are built and their requests serialised before the clock starts, and the hall's
 * process does nothing but the hall's work.
 */
async function ingest(hall: RunningHall, perStation: number): Promise<number> {
  const codes: string[] = [];
  for (let i = 0; i < INGEST_WORKSTATIONS; i++) codes.push((await hall.enrolmentCode()).code);
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/hall-workstations.ts', hall.url, String(perStation), String(BATCH), ...codes], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the workstations' process ended (${code})`)));
    });
  if ((await next()) !== 'READY') throw new Error('the workstations did not get ready');
  const started = performance.now();
  child.stdin!.write('GO\n');
  const result = JSON.parse(await next()) as { pushed: number };
  const seconds = (performance.now() - started) / 1000;
  child.stdin!.end();
  const held = await hall.db.one(sql<{ n: number }>('SELECT count(*) AS n FROM audit_events'));
  if (result.pushed !== INGEST_WORKSTATIONS * perStation || held!.n !== result.pushed)
    throw new Error(`the hall holds ${held!.n} events, not ${INGEST_WORKSTATIONS * perStation}`);
  return result.pushed / seconds;
}

/**
 * A million completed cases of 60 windows over 30 days, seeded in SQL (one INSERT … SELECT over
 * generate_series), with the daily tallies built from them the way ingest keeps them.
 */
async function seedCases(db: Database): Promise<void> {
  await db.script(`SELECT setseed(0.13)`);
  await db.run(
    sql<unknown, [number, number]>(`
    INSERT INTO cases (workstation_id, case_no, status, training, operator_id, matter_code, matter_name, opened_at, completed_at, day,
                       holder_type, holder_masked, holder_key, counts, max_latency, latencies, record, received_at)
    SELECT ws, 'C' || g, 'completed', training, ws || '-OP' || (g % 3), 'M-' || (g % 40), '事项', at, at, (at::timestamptz AT TIME ZONE 'Asia/Shanghai')::date,
           '111', '310115********1086', md5(g::text), counts, GREATEST(l1 * sign(e)::int, l2 * (e >= 2)::int, l3 * (e >= 3)::int), (ARRAY[l1, l2, l3])[1:e], '{}', now()
    FROM (
      SELECT g, ws, training, at, e, p, m, l1, l2, l3,
             jsonb_strip_nulls(jsonb_build_object(
               'cases', 1, 'material:exempt', NULLIF(e, 0), 'material:paper', NULLIF(p, 0), 'material:missing', NULLIF(m, 0),
               'paper:elderly', NULLIF(p * (reason = 0)::int, 0), 'paper:not_in_library', NULLIF(p * (reason = 1)::int, 0),
               'paper:library_unreachable', NULLIF(p * (reason = 2)::int, 0), 'outcome:valid', NULLIF(e, 0),
               'outcome:expired', NULLIF((reason = 3)::int * p, 0), 'pulls', NULLIF(e, 0))) AS counts
      FROM (
        SELECT g, 'WS-' || lpad((g % $2)::text, 2, '0') AS ws, random() < 0.01 AS training,
               to_char(timestamp '2026-11-01 00:30:00' + (random() * 30 * 86400 - 1800) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
               (random() * 3)::int AS e, (random() * 2)::int AS p, (random() < 0.2)::int AS m, (random() * 4)::int AS reason,
               (40 + random() * 1500)::int AS l1, (40 + random() * 1500)::int AS l2, (40 + random() * 1500)::int AS l3
        FROM generate_series(1, $1) AS g
      ) raw
    ) made`),
    [DASHBOARD_CASES, DASHBOARD_WINDOWS],
  );
  await db.script(`
    INSERT INTO case_tally (day, workstation_id, operator_id, figure, n)
      SELECT day, workstation_id, operator_id, f.key, sum(f.value::bigint) FROM cases, jsonb_each_text(counts) AS f
      WHERE status = 'completed' AND NOT training GROUP BY 1, 2, 3, 4;
    INSERT INTO latency_tally (day, ms, n)
      SELECT day, l, count(*) FROM cases, unnest(latencies) AS l WHERE status = 'completed' AND NOT training GROUP BY 1, 2;
    ANALYZE;`);
}

/** The dashboard's figures aggregated from the raw cases: the baseline, and the check of the tallies. */
async function dashboardFromCases(
  db: Database,
  from: string,
  to: string,
): Promise<{ hall: Record<string, number>; p50: number; p95: number; windows: number }> {
  const figures = await db.all(
    sql<{ workstation_id: string | null; figure: string; n: number; g: number }, [string, string]>(`
    SELECT workstation_id, f.key AS figure, sum(f.value::bigint) AS n, GROUPING(workstation_id, operator_id) AS g FROM cases, jsonb_each_text(counts) AS f
    WHERE status = 'completed' AND NOT training AND day BETWEEN $1::date AND $2::date
    GROUP BY GROUPING SETS ((f.key), (workstation_id, f.key), (operator_id, f.key))`),
    [from, to],
  );
  const pct = await db.one(
    sql<{ p50: number; p95: number }, [string, string]>(`
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY l) AS p95
    FROM cases, unnest(latencies) AS l WHERE status = 'completed' AND NOT training AND day BETWEEN $1::date AND $2::date`),
    [from, to],
  );
  const hall: Record<string, number> = {};
  for (const row of figures) if (row.g === 3) hall[row.figure] = (hall[row.figure] ?? 0) + row.n;
  return { hall, p50: pct!.p50, p95: pct!.p95, windows: new Set(figures.map((r) => r.workstation_id).filter(Boolean)).size };
}

/** One workstation's chain of a million events, stored as the hall stores it (bodies hashed with SM3 in Node); its stream's id. */
async function seedChain(db: Database, workstationId: string): Promise<number> {
  await db.run(sql<unknown, [string, string]>('INSERT INTO workstations (id, public_key, enrolled_at) VALUES ($1, $2, now())'), [
    workstationId,
    generateSm2KeyPair().publicKey,
  ]);
  const { id: stream } = (await db.one(
    sql<{ id: number }, [string, string]>('INSERT INTO streams (workstation_id, epoch, audit_last_hash, started_at) VALUES ($1, 1, $2, now()) RETURNING id'),
    [workstationId, AUDIT_GENESIS_PREV],
  ))!;
  let prev = AUDIT_GENESIS_PREV;
  const start = Date.UTC(2026, 10, 1);
  const chunk = 20_000;
  for (let from = 1; from <= CHAIN_EVENTS; from += chunk) {
    const copy = new BinaryCopy();
    for (let seq = from; seq < from + chunk && seq <= CHAIN_EVENTS; seq++) {
      const at = new Date(start + seq * 2000).toISOString();
      const operator = `OP-${seq % 3}`;
      const kind = seq % 10 === 0 ? 'completion' : 'pull';
      const caseNo = `WSCHAIN-20261101-${String(Math.floor(seq / 10) % 10_000).padStart(4, '0')}`;
      const body = canonicalJson({
        seq,
        at,
        operator,
        role: 'clerk',
        workstation: workstationId,
        case: caseNo,
        kind,
        details: {
          materialId: `MAT${seq % 5}`,
          licenceId: `1.2.156.3005.2.11100000000000000000A.91310000MA1FL0000X.${String(seq).padStart(8, '0')}.001.7`,
          latencyMs: 80 + (seq % 700),
          note: '结婚登记 材料核验',
        },
        prev,
      });
      const hash = sm3(prev + body);
      copy.row(8).int4(stream).int8(seq).text(at).text(operator).text(kind).text(caseNo).text(body).text(hash);
      prev = hash;
    }
    await db.copyFrom('audit_events', ['stream', 'seq', 'at', 'operator', 'kind', 'case_no', 'body', 'hash'], copy.finish());
  }
  await db.run(sql<unknown, [number, number, string]>('UPDATE streams SET audit_highest = $2, audit_last_hash = $3, head_seq = $2 WHERE id = $1'), [
    stream,
    CHAIN_EVENTS,
    prev,
  ]);
  await db.script('ANALYZE audit_events');
  return stream;
}

async function runEngine(engine: Engine, serverUrl: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const log = (line: string) => console.log(`[${engine}] ${line}`);

  // Ingest, and its baseline on a fresh hall.
  {
    const { hall, dataDir } = await hallOn(await database(engine, serverUrl, 'bench_ingest'));
    out.ingest = await ingest(hall, INGEST_EVENTS_PER_WORKSTATION);
    log(`ingest: ${Math.round(out.ingest)} events/s`);
    await hall.close();
    await hall.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  {
    const { hall, dataDir } = await hallOn(await database(engine, serverUrl, 'bench_ingest_baseline'), true);
    out.ingestBaseline = await ingest(hall, BASELINE_EVENTS_PER_WORKSTATION);
    log(`ingest, one insert per event: ${Math.round(out.ingestBaseline)} events/s`);
    await hall.close();
    await hall.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  // The dashboard and the chain, on one hall.
  const db = await database(engine, serverUrl, 'bench_reads');
  const { hall, dataDir } = await hallOn(db);
  const supervisor = new Station('WS-SUPERVISOR', hall.url);
  await supervisor.enrol((await hall.enrolmentCode()).code);
  let started = performance.now();
  await seedCases(db);
  log(`seeded ${DASHBOARD_CASES} cases of ${DASHBOARD_WINDOWS} windows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const path = '/api/v1/supervision/dashboard?from=2026-11-01&to=2026-11-30';
  const operator = { id: 'OP-SUPER', role: 'supervisor' };
  const timings: number[] = [];
  let answer: { status: number; json: unknown } | null = null;
  for (let run = 0; run < 7; run++) {
    const t = performance.now();
    answer = await supervisor.send('GET', path, null, operator);
    timings.push(performance.now() - t);
  }
  if (answer!.status !== 200) throw new Error(`dashboard refused: ${JSON.stringify(answer!.json)}`);
  out.dashboard = median(timings.slice(2));
  const baselineTimings: number[] = [];
  let baseline: Awaited<ReturnType<typeof dashboardFromCases>> | null = null;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    baseline = await dashboardFromCases(db, '2026-11-01', '2026-11-30');
    baselineTimings.push(performance.now() - t);
  }
  out.dashboardBaseline = median(baselineTimings);
  const dashboard = answer!.json as {
    hall: { counts: { cases: number; materials: { exempt: number; paper: number } }; summary: { latencyP50: number; latencyP95: number; pulls: number } };
    byWindow: unknown[];
  };
  const agree =
    dashboard.hall.counts.cases === baseline!.hall.cases &&
    dashboard.hall.counts.materials.exempt === baseline!.hall['material:exempt'] &&
    dashboard.hall.counts.materials.paper === baseline!.hall['material:paper'] &&
    dashboard.hall.summary.latencyP50 === baseline!.p50 &&
    dashboard.hall.summary.latencyP95 === baseline!.p95 &&
    dashboard.hall.summary.pulls === baseline!.hall.pulls &&
    dashboard.byWindow.length === baseline!.windows;
  if (!agree) throw new Error(`the dashboard and the raw cases disagree: ${JSON.stringify({ dashboard: dashboard.hall, baseline })}`);
  log(`dashboard ${out.dashboard.toFixed(1)} ms (${dashboard.hall.counts.cases} cases), from the raw cases ${out.dashboardBaseline.toFixed(0)} ms`);

  started = performance.now();
  const stream = await seedChain(db, 'WS-CHAIN');
  log(`seeded a ${CHAIN_EVENTS}-event chain in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const rates: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const verified = await supervisor.send('POST', '/api/v1/supervision/chain-verify', Buffer.from(JSON.stringify({ workstation: 'WS-CHAIN' })), operator);
    const seconds = (performance.now() - t) / 1000;
    const result = verified.json as { ok: boolean; checked: number };
    if (!result.ok || result.checked !== CHAIN_EVENTS) throw new Error(`chain did not verify: ${JSON.stringify(verified.json)}`);
    rates.push(CHAIN_EVENTS / seconds);
  }
  out.verify = median(rates);
  // Ceiling: the same pages read without hashing.
  started = performance.now();
  let read = 0;
  for (let after = 0; ;) {
    const rows = await db.all(
      sql<{ seq: number; hash: string; body: string }, [number, number]>(
        'SELECT seq, hash, body FROM audit_events WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT 20000',
      ),
      [stream, after],
    );
    if (rows.length === 0) break;
    read += rows.length;
    after = rows.at(-1)!.seq;
  }
  out.readOnly = read / ((performance.now() - started) / 1000);
  // The obvious verification, over the first 100,000 events: each body parsed back into an event, the JavaScript SM3.
  started = performance.now();
  const sample = await db.all(
    sql<{ hash: string; body: string }, [number]>('SELECT hash, body FROM audit_events WHERE stream = $1 AND seq <= 100000 ORDER BY seq'),
    [stream],
  );
  const naive = verifyAuditChain(sample.map((row) => ({ ...(JSON.parse(row.body) as Omit<AuditEvent, 'hash'>), hash: row.hash })));
  if (!naive.ok) throw new Error('the obvious verification disagrees');
  out.verifyBaseline = sample.length / ((performance.now() - started) / 1000);
  log(`chain verified at ${Math.round(out.verify)} events/s (read alone ${Math.round(out.readOnly)}/s, obvious ${Math.round(out.verifyBaseline)}/s)`);
  await hall.close();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return out;
}

const server = await startPostgres({ durable: true });
try {
  const postgres = await runEngine('postgres', server.url);
  const pglite = await runEngine('pglite', server.url);
  const figures: BenchFigure[] = [
    { name: 'hall_ingest_events_per_s', value: postgres.ingest!, unit: 'events/s', target: 20_000, better: 'higher' },
    { name: 'hall_ingest_events_per_s_baseline_one_insert_per_event', value: postgres.ingestBaseline!, unit: 'events/s', target: null, better: 'higher' },
    { name: 'hall_ingest_events_per_s_pglite', value: pglite.ingest!, unit: 'events/s', target: null, better: 'higher' },
    { name: 'hall_ingest_events_per_s_pglite_baseline', value: pglite.ingestBaseline!, unit: 'events/s', target: null, better: 'higher' },
    { name: 'hall_dashboard_ms', value: postgres.dashboard!, unit: 'ms', target: 300, better: 'lower' },
    { name: 'hall_dashboard_ms_baseline_raw_cases', value: postgres.dashboardBaseline!, unit: 'ms', target: null, better: 'lower' },
    { name: 'hall_dashboard_ms_pglite', value: pglite.dashboard!, unit: 'ms', target: null, better: 'lower' },
    { name: 'hall_dashboard_ms_pglite_baseline', value: pglite.dashboardBaseline!, unit: 'ms', target: null, better: 'lower' },
    { name: 'hall_chain_verify_per_s', value: postgres.verify!, unit: 'events/s', target: 150_000, better: 'higher' },
    { name: 'hall_chain_verify_per_s_baseline_read_alone', value: postgres.readOnly!, unit: 'events/s', target: null, better: 'higher' },
    { name: 'hall_chain_verify_per_s_baseline_obvious', value: postgres.verifyBaseline!, unit: 'events/s', target: null, better: 'higher' },
    { name: 'hall_chain_verify_per_s_pglite', value: pglite.verify!, unit: 'events/s', target: null, better: 'higher' },
  ];
  reportFigures('hall node (PostgreSQL 15, fsync on; PGlite beside)', figures);
} finally {
  server.stop();
  for (const dir of pgliteFolders) rmSync(dir, { recursive: true, force: true });
}
