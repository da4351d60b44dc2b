/**
 * Supervision across the hall (docs/architecture.md §3.7): what the supervisor's 全厅 scope reads
 * through the host. The dashboard reads the daily tallies kept at ingest (a 30-day period over a
 * million cases is a few thousand rows), the trail reads one index per filter in (at, seq)
 * order, the chain is verified as stored, and a random review draws from every window's cases
 * with the workstation's own procedure (shared/random-review), so a draw can be repeated anywhere.
 */
import { randomBytes } from 'node:crypto';
import { AUDIT_GENESIS_PREV } from '../shared/audit-chain';
import { periodBounds, shanghaiDayOf, type DayPeriod } from '../shared/dashboard-stats';
import { MATERIAL_OUTCOMES, PAPER_REASONS } from '../shared/library-api';
import { VERIFICATION_OUTCOMES } from '../shared/licence-verify';
import { checkReviewDraw, drawReview, seedFromBytes } from '../shared/random-review';
import {
  SILENT_AFTER_MS,
  UNSENT_USAGE_ALERT_MS,
  type HallAlert,
  type HallCaseRow,
  type HallRequest,
  type HallResponse,
  type HallReview,
  type HallTallyCounts,
  type HallWorkstation,
} from '../shared/hall-api';
import { keyFingerprint } from '../shared/hall-api';
import { sql, type Database } from './db';
import { HallError } from './http';
import { ALERT_COLUMNS, alertOf } from './ingest';
import { verifyStoredChain } from './chain';

/** Who asked: the supervisor the host relays for. */
export interface Supervisor {
  id: string;
}

function checkPeriod(period: DayPeriod): void {
  try {
    periodBounds(period);
  } catch {
    throw new HallError('BAD_REQUEST', '统计期间无效：结束日期早于开始日期，或日期不存在。', { path: 'from' });
  }
}

function emptyCounts(): HallTallyCounts {
  const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  return { cases: 0, materials: zeroes(MATERIAL_OUTCOMES), paperByReason: zeroes(PAPER_REASONS), outcomes: zeroes(VERIFICATION_OUTCOMES), pulls: 0 };
}

/** Adds a figure (as ingest names it) to counts. Unknown figures are ignored: a newer workstation's outcome the hall cannot show yet. */
function addFigure(counts: HallTallyCounts, figure: string, n: number): void {
  if (figure === 'cases') counts.cases += n;
  else if (figure === 'pulls') counts.pulls += n;
  else {
    const [group, key] = figure.split(':') as [string, string];
    const target = group === 'material' ? counts.materials : group === 'paper' ? counts.paperByReason : group === 'outcome' ? counts.outcomes : null;
    if (target && key in target) (target as Record<string, number>)[key]! += n;
  }
}

function exemptionRate(counts: HallTallyCounts): number | null {
  const handedIn = counts.materials.exempt + counts.materials.paper;
  return handedIn === 0 ? null : counts.materials.exempt / handedIn;
}

/** The q-quantile by nearest rank over a histogram of whole milliseconds (as shared/dashboard-stats `nearestRank` over the samples). */
export function histogramRank(histogram: readonly { ms: number; n: number }[], q: number): number | null {
  const total = histogram.reduce((sum, bucket) => sum + bucket.n, 0);
  if (total === 0) return null;
  const rank = Math.min(total - 1, Math.max(0, Math.ceil(q * total) - 1));
  let seen = 0;
  for (const bucket of histogram) {
    seen += bucket.n;
    if (seen > rank) return bucket.ms;
  }
  return histogram.at(-1)!.ms;
}

const tallies = sql<{ workstation_id: string | null; operator_id: string | null; figure: string; n: number; g: number }, [string, string]>(
  `SELECT workstation_id, operator_id, figure, sum(n) AS n, GROUPING(workstation_id, operator_id) AS g
   FROM case_tally WHERE day BETWEEN $1::date AND $2::date
   GROUP BY GROUPING SETS ((figure), (workstation_id, figure), (operator_id, figure))`,
);
const latencies = sql<{ ms: number; n: number }, [string, string]>(
  'SELECT ms, sum(n) AS n FROM latency_tally WHERE day BETWEEN $1::date AND $2::date GROUP BY ms ORDER BY ms',
);
// The training scope: the workstations' own per-case figures (`counts`, `latencies`, what ingest
// adds to the tallies for a real case) summed over the training cases of the period, read through
// their own index. The tallies hold real cases only, and training cases are few (a training
// hall, a clerk's practice): the same figures, never mixed with the real ones.
const trainingTallies = sql<{ workstation_id: string | null; operator_id: string | null; figure: string; n: number; g: number }, [string, string]>(
  `SELECT c.workstation_id, c.operator_id, f.key AS figure, sum(f.value::bigint) AS n, GROUPING(c.workstation_id, c.operator_id) AS g
   FROM cases c CROSS JOIN LATERAL jsonb_each_text(c.counts) AS f
   WHERE c.status = 'completed' AND c.training AND c.day BETWEEN $1::date AND $2::date
   GROUP BY GROUPING SETS ((f.key), (c.workstation_id, f.key), (c.operator_id, f.key))`,
);
const trainingLatencies = sql<{ ms: number; n: number }, [string, string]>(
  `SELECT l.ms, count(*) AS n FROM cases c CROSS JOIN LATERAL unnest(c.latencies) AS l(ms)
   WHERE c.status = 'completed' AND c.training AND c.day BETWEEN $1::date AND $2::date GROUP BY l.ms ORDER BY l.ms`,
);
const objectionGroups = sql<{ state: string; issuer_name: string | null; n: number }, [string, string]>(
  'SELECT state, issuer_name, count(*) AS n FROM objections WHERE filed_at >= $1 AND filed_at < $2 GROUP BY state, issuer_name',
);

interface CaseListRow {
  workstation_id: string;
  case_no: string;
  status: 'completed' | 'cancelled' | 'correction';
  matter_code: string;
  matter_name: string;
  operator_id: string;
  completed_at: string | null;
  day: string | null;
  training: boolean;
  holder_type: '111' | '001' | null;
  holder_masked: string | null;
  holder_key: string | null;
}
const CASE_COLUMNS =
  'workstation_id, case_no, status, matter_code, matter_name, operator_id, completed_at, day, training, holder_type, holder_masked, holder_key';

function caseRowOf(row: CaseListRow): HallCaseRow {
  return {
    workstationId: row.workstation_id,
    caseNo: row.case_no,
    status: row.status,
    matterCode: row.matter_code,
    matterName: row.matter_name,
    operatorId: row.operator_id,
    completedAt: row.completed_at,
    training: row.training,
    holder:
      row.holder_type && row.holder_masked && row.holder_key ? { idType: row.holder_type, idNumberMasked: row.holder_masked, holderKey: row.holder_key } : null,
  };
}

/** Builds a WHERE clause of fixed fragments whose values are all parameters (never text built from input). */
class Conditions {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** Adds a fragment; each `{}` in it becomes the next parameter (`?` is jsonb's key-exists operator). */
  add(fragment: string, ...values: unknown[]): this {
    let i = 0;
    this.parts.push(fragment.replace(/\{\}/g, () => `$${this.params.push(values[i++])}`));
    return this;
  }

  /** A parameter's placeholder outside the WHERE clause (LIMIT). */
  param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }

  get where(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

interface ReviewRow {
  id: string;
  training: boolean;
  drawn_at: string;
  drawn_by: string;
  period_from: string;
  period_to: string;
  seed: string;
  size: number;
  candidate_count: number;
  candidates_digest: string;
  picked: string;
}
const REVIEW_COLUMNS = 'id, training, drawn_at, drawn_by, period_from, period_to, seed, size, candidate_count, candidates_digest, picked';
// Two fixed texts rather than a parameter, so that each reads its own partial index.
const reviewCandidates = {
  production: sql<{ ref: string }, [string, string, string]>(
    `SELECT workstation_id || '/' || case_no AS ref FROM cases
     WHERE status = 'completed' AND NOT training AND day BETWEEN $1::date AND $2::date AND received_at <= $3`,
  ),
  training: sql<{ ref: string }, [string, string, string]>(
    `SELECT workstation_id || '/' || case_no AS ref FROM cases
     WHERE status = 'completed' AND training AND day BETWEEN $1::date AND $2::date AND received_at <= $3`,
  ),
};

/** The cases a read is about: the training ones when the host asked for them, else the real ones (shared/hall-api `TrainingFlag`). */
function scopeOf(input: { training?: boolean }): 'production' | 'training' {
  return input.training === true ? 'training' : 'production';
}

interface WorkstationRow {
  id: string;
  public_key: string;
  enrolled_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_seen_at: string | null;
  last_push_at: string | null;
  last_refusal_code: string | null;
  last_refusal_at: string | null;
  epoch: number;
  audit_highest: number;
  head_seq: number;
  records_highest: number;
  open_alerts: number;
  reported_at: string | null;
  usage_count: number | null;
  usage_oldest_at: string | null;
  objection_count: number | null;
  objection_oldest_at: string | null;
  needs_attention: number | null;
}
const workstationRows = sql<WorkstationRow>(
  `SELECT w.id, w.public_key, w.enrolled_at, w.revoked_at, w.revoked_by, w.last_seen_at, w.last_push_at, w.last_refusal_code, w.last_refusal_at,
          w.epoch, s.audit_highest, s.head_seq, s.records_highest,
          (SELECT count(*) FROM alerts a WHERE a.workstation_id = w.id AND a.acknowledged_at IS NULL) AS open_alerts,
          o.reported_at, o.usage_count, o.usage_oldest_at, o.objection_count, o.objection_oldest_at, o.needs_attention
   FROM workstations w
   JOIN streams s ON s.workstation_id = w.id AND s.epoch = w.epoch
   LEFT JOIN outbox_status o ON o.workstation_id = w.id
   ORDER BY w.id`,
);

function workstationOf(row: WorkstationRow): HallWorkstation {
  return {
    workstationId: row.id,
    fingerprint: keyFingerprint(row.public_key),
    enrolledAt: row.enrolled_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    lastSeenAt: row.last_seen_at,
    lastPushAt: row.last_push_at,
    epoch: row.epoch,
    auditHighest: row.audit_highest,
    auditPending: Math.max(0, row.head_seq - row.audit_highest),
    recordsHighest: row.records_highest,
    ingest: row.open_alerts > 0 ? 'stopped' : 'open',
    lastRefusal: row.last_refusal_code && row.last_refusal_at ? { code: row.last_refusal_code, at: row.last_refusal_at } : null,
    outbox:
      row.reported_at === null
        ? null
        : {
            at: row.reported_at,
            usageRecords: { count: row.usage_count ?? 0, oldestAt: row.usage_oldest_at },
            objections: { count: row.objection_count ?? 0, oldestAt: row.objection_oldest_at },
            needsAttention: row.needs_attention ?? 0,
          },
  };
}

/** The supervision calls. */
export class SupervisionService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly log: (line: string) => void,
  ) {}

  /** The 全厅 dashboard: the hall's figures, by window and by clerk, and its objections, for a period. */
  async dashboard(input: HallRequest<'dashboard'>): Promise<HallResponse<'dashboard'>> {
    checkPeriod(input);
    const { fromIso, toIso } = periodBounds(input);
    const training = scopeOf(input) === 'training';
    // Objections are filed on a licence, not in a case: both scopes show them, as the workstation's own 统计 does.
    const [rows, histogram, objections] = await Promise.all([
      this.db.all(training ? trainingTallies : tallies, [input.from, input.to]),
      this.db.all(training ? trainingLatencies : latencies, [input.from, input.to]),
      this.db.all(objectionGroups, [fromIso, toIso]),
    ]);
    const hall = emptyCounts();
    const byWindow = new Map<string, HallTallyCounts>();
    const byClerk = new Map<string, HallTallyCounts>();
    for (const row of rows) {
      if (row.g === 3) addFigure(hall, row.figure, row.n);
      else if (row.g === 1) {
        if (!byWindow.has(row.workstation_id!)) byWindow.set(row.workstation_id!, emptyCounts());
        addFigure(byWindow.get(row.workstation_id!)!, row.figure, row.n);
      } else {
        if (!byClerk.has(row.operator_id!)) byClerk.set(row.operator_id!, emptyCounts());
        addFigure(byClerk.get(row.operator_id!)!, row.figure, row.n);
      }
    }
    const { exempt, paper, missing } = hall.materials;
    const byState = new Map<string, number>();
    const byIssuer = new Map<string | null, number>();
    let total = 0;
    for (const group of objections) {
      total += group.n;
      byState.set(group.state, (byState.get(group.state) ?? 0) + group.n);
      byIssuer.set(group.issuer_name, (byIssuer.get(group.issuer_name) ?? 0) + group.n);
    }
    // The order of shared/dashboard-stats `tallyObjections`: largest first, an unknown issuer last among equals.
    const order = <K extends string | null>(map: Map<K, number>) =>
      [...map.entries()].sort((a, b) => b[1] - a[1] || Number(a[0] === null) - Number(b[0] === null) || String(a[0]).localeCompare(String(b[0]), 'zh-CN'));
    const breakdown = <K extends string>(map: Map<string, HallTallyCounts>, key: K) =>
      [...map.entries()]
        .sort((a, b) => b[1].cases - a[1].cases || (a[0] < b[0] ? -1 : 1))
        .map(
          ([id, counts]) =>
            ({ [key]: id, counts, exemptionRate: exemptionRate(counts) }) as { counts: HallTallyCounts; exemptionRate: number | null } & Record<K, string>,
        );
    return {
      period: { from: input.from, to: input.to },
      training,
      hall: {
        counts: hall,
        summary: {
          cases: hall.cases,
          materialsHandedIn: exempt + paper,
          exempt,
          paper,
          missing,
          exemptionRate: exemptionRate(hall),
          latencyP50: histogramRank(histogram, 0.5),
          latencyP95: histogramRank(histogram, 0.95),
          pulls: histogram.reduce((sum, bucket) => sum + bucket.n, 0),
        },
      },
      byWindow: breakdown(byWindow, 'workstationId'),
      byClerk: breakdown(byClerk, 'operatorId'),
      objections: {
        total,
        byState: order(byState).map(([state, n]) => ({ state, n })),
        byIssuer: order(byIssuer).map(([issuer, n]) => ({ issuer, n })),
      },
      generatedAt: this.now().toISOString(),
    };
  }

  /** The cases behind a figure, newest first, a page at a time: the real ones, or in the training scope the training ones alone. */
  async cases(input: HallRequest<'cases'>): Promise<HallResponse<'cases'>> {
    checkPeriod(input);
    const where = new Conditions()
      .add(scopeOf(input) === 'training' ? "status = 'completed' AND training" : "status = 'completed' AND NOT training")
      .add('day BETWEEN {}::date AND {}::date', input.from, input.to);
    if (input.workstation) where.add('workstation_id = {}', input.workstation);
    if (input.operator) where.add('operator_id = {}', input.operator);
    if (input.figure === 'latency') where.add('max_latency >= {}', input.minMs ?? 0);
    else if (input.figure !== 'cases') where.add('counts ? {}', input.figure);
    const cursor = [input.beforeCompletedAt, input.beforeWorkstation, input.beforeCaseNo];
    if (cursor.some((v) => v !== undefined)) {
      if (cursor.some((v) => v === undefined)) throw new HallError('BAD_REQUEST', '翻页位置不完整。', { path: 'beforeCompletedAt' });
      where.add(
        '(day, completed_at, workstation_id, case_no) < ({}::date, {}, {}, {})',
        shanghaiDayOf(input.beforeCompletedAt!),
        input.beforeCompletedAt,
        input.beforeWorkstation,
        input.beforeCaseNo,
      );
    }
    const limit = where.param(input.limit + 1);
    const rows = await this.db.all(
      sql<CaseListRow, unknown[]>(
        `SELECT ${CASE_COLUMNS} FROM cases ${where.where} ORDER BY day DESC, completed_at DESC, workstation_id DESC, case_no DESC LIMIT ${limit}`,
      ),
      where.params,
    );
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      rows: page.map(caseRowOf),
      next: rows.length > input.limit && last ? { completedAt: last.completed_at!, workstationId: last.workstation_id, caseNo: last.case_no } : null,
    };
  }

  /** One case's record as the hall keeps it (purged, the holder masked). */
  async caseRecord(input: HallRequest<'caseRecord'>): Promise<HallResponse<'caseRecord'>> {
    const row = await this.db.one(
      sql<CaseListRow & { record: string; received_at: string }, [string, string]>(
        `SELECT ${CASE_COLUMNS}, record, received_at FROM cases WHERE workstation_id = $1 AND case_no = $2`,
      ),
      [input.workstation, input.caseNo],
    );
    // A case of the other scope is not one this view may open: training and real never mixed.
    if (!row || row.training !== (scopeOf(input) === 'training')) throw new HallError('NOT_FOUND', '大厅服务器上没有这个办件。');
    return { row: caseRowOf(row), record: JSON.parse(row.record) as Record<string, unknown>, receivedAt: row.received_at };
  }

  /**
   * Objections filed in a period, by state or issuer (the dashboard's drill-down), newest first
   * a page at a time: keyset paging on (filed_at, workstation_id, id), so that a page is one
   * bounded read however many came before it, and objections filed meanwhile neither shift nor
   * repeat what follows.
   */
  async objections(input: HallRequest<'objections'>): Promise<HallResponse<'objections'>> {
    checkPeriod(input);
    const { fromIso, toIso } = periodBounds(input);
    const where = new Conditions().add('filed_at >= {} AND filed_at < {}', fromIso, toIso);
    if (input.state) where.add('state = {}', input.state);
    if (input.issuer !== undefined) where.add('issuer_name = {}', input.issuer);
    if (input.unknownIssuer) where.add('issuer_name IS NULL');
    const cursor = [input.beforeFiledAt, input.beforeWorkstation, input.beforeId];
    if (cursor.some((v) => v !== undefined)) {
      if (cursor.some((v) => v === undefined)) throw new HallError('BAD_REQUEST', '翻页位置不完整。', { path: 'beforeFiledAt' });
      // The bound on filed_at alone lets its index start the scan at the cursor.
      where.add(
        'filed_at <= {} AND (filed_at, workstation_id, id) < ({}, {}, {})',
        input.beforeFiledAt,
        input.beforeFiledAt,
        input.beforeWorkstation,
        input.beforeId,
      );
    }
    const limit = where.param(input.limit + 1);
    const rows = await this.db.all(
      sql<
        {
          workstation_id: string;
          id: string;
          licence_id: string;
          dimension: string;
          state: string;
          issuer_name: string | null;
          filed_by: string;
          filed_at: string;
          updated_at: string;
        },
        unknown[]
      >(
        `SELECT workstation_id, id, licence_id, dimension, state, issuer_name, filed_by, filed_at, updated_at FROM objections ${where.where} ORDER BY filed_at DESC, workstation_id DESC, id DESC LIMIT ${limit}`,
      ),
      where.params,
    );
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      next: rows.length > input.limit && last ? { filedAt: last.filed_at, workstationId: last.workstation_id, id: last.id } : null,
      rows: page.map((r) => ({
        workstationId: r.workstation_id,
        id: r.id,
        licenceId: r.licence_id,
        dimension: r.dimension,
        state: r.state,
        issuer: r.issuer_name,
        filedBy: r.filed_by,
        filedAt: r.filed_at,
        updatedAt: r.updated_at,
      })),
    };
  }

  /** A window's epoch (its current one unless asked for another) and that epoch's stream. */
  private async streamOf(workstationId: string, epoch: number | undefined): Promise<{ epoch: number; stream: number; auditHighest: number }> {
    const row = await this.db.one(sql<{ epoch: number }, [string]>('SELECT epoch FROM workstations WHERE id = $1'), [workstationId]);
    if (!row) throw new HallError('NOT_FOUND', '大厅服务器上没有这个工作台。');
    if (epoch !== undefined && (epoch < 1 || epoch > row.epoch)) throw new HallError('NOT_FOUND', '该工作台没有这一段日志。');
    const chosen = epoch ?? row.epoch;
    const stream = await this.db.one(
      sql<{ id: number; audit_highest: number }, [string, number]>('SELECT id, audit_highest FROM streams WHERE workstation_id = $1 AND epoch = $2'),
      [workstationId, chosen],
    );
    if (!stream) throw new HallError('NOT_FOUND', '该工作台没有这一段日志。');
    return { epoch: chosen, stream: stream.id, auditHighest: stream.audit_highest };
  }

  private trailConditions(input: HallRequest<'auditCount'>, stream: number): Conditions {
    const where = new Conditions().add('stream = {}', stream);
    if (input.operator) where.add('operator = {}', input.operator);
    if (input.kind) where.add('kind = {}', input.kind);
    if (input.case) where.add('case_no = {}', input.case);
    if (input.from || input.to) {
      const period = { from: input.from ?? input.to!, to: input.to ?? input.from! };
      checkPeriod(period);
      const { fromIso, toIso } = periodBounds(period);
      where.add('at >= {} AND at < {}', fromIso, toIso);
    }
    return where;
  }

  /** A page of a window's trail, newest first, with the filters and paging of the workstation's own (renderer/features/supervision/audit-query). */
  async audit(input: HallRequest<'audit'>): Promise<HallResponse<'audit'>> {
    const { epoch, stream } = await this.streamOf(input.workstation, input.epoch);
    const where = this.trailConditions(input, stream);
    if ((input.beforeAt === undefined) !== (input.beforeSeq === undefined)) throw new HallError('BAD_REQUEST', '翻页位置不完整。', { path: 'beforeAt' });
    if (input.beforeAt !== undefined) where.add('(at, seq) < ({}, {})', input.beforeAt, input.beforeSeq);
    const limit = where.param(input.limit + 1);
    const rows = await this.db.all(
      sql<{ seq: number; at: string; body: string; hash: string }, unknown[]>(
        `SELECT seq, at, body, hash FROM audit_events ${where.where} ORDER BY at DESC, seq DESC LIMIT ${limit}`,
      ),
      where.params,
    );
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      workstationId: input.workstation,
      epoch,
      // What is shown is the body that was verified, not the index columns beside it.
      rows: page.map((row) => ({ ...(JSON.parse(row.body) as Omit<HallResponse<'audit'>['rows'][number], 'hash'>), hash: row.hash })),
      next: rows.length > input.limit && last ? { at: last.at, seq: last.seq } : null,
    };
  }

  /** How many events match the filters, counted up to 1,000 (the whole trail is its highest seq). */
  async auditCount(input: HallRequest<'auditCount'>): Promise<HallResponse<'auditCount'>> {
    const { stream, auditHighest } = await this.streamOf(input.workstation, input.epoch);
    if (!input.operator && !input.kind && !input.case && !input.from && !input.to) return { n: auditHighest, more: false };
    const cap = 1000;
    const where = this.trailConditions(input, stream);
    const limit = where.param(cap + 1);
    const row = await this.db.one(
      sql<{ n: number }, unknown[]>(`SELECT count(*) AS n FROM (SELECT 1 FROM audit_events ${where.where} LIMIT ${limit}) AS capped`),
      where.params,
    );
    const n = row?.n ?? 0;
    return n > cap ? { n: cap, more: true } : { n, more: false };
  }

  /** Verifies a window's chain as the hall stores it and names the first broken link. */
  async verifyChain(input: HallRequest<'verifyChain'>, by: Supervisor): Promise<HallResponse<'verifyChain'>> {
    const { epoch } = await this.streamOf(input.workstation, input.epoch);
    const result = await verifyStoredChain(this.db, input.workstation, epoch);
    this.log(
      `hall: chain of ${input.workstation} (epoch ${epoch}) verified for ${by.id}: ${result.ok ? 'intact' : `broken at ${result.firstBroken?.seq} (${result.firstBroken?.reason})`}, ${result.checked} events`,
    );
    return { workstationId: input.workstation, epoch, ...result };
  }

  private reviewOf(row: ReviewRow, findings: { ref: string; verdict: 'compliant' | 'issue'; note: string; at: string; by_operator: string }[]): HallReview {
    return {
      id: row.id,
      training: row.training,
      drawnAt: row.drawn_at,
      drawnBy: row.drawn_by,
      period: { from: row.period_from, to: row.period_to },
      draw: {
        seed: row.seed,
        size: row.size,
        candidateCount: row.candidate_count,
        candidatesDigest: row.candidates_digest,
        picked: JSON.parse(row.picked) as string[],
      },
      findings: findings.map((f) => ({ ref: f.ref, verdict: f.verdict, note: f.note, at: f.at, by: f.by_operator })),
    };
  }

  /** A review's row, if it is one of the scope asked for (a review of the other scope is not found: never mixed). */
  private async reviewRow(id: string, scope: 'production' | 'training'): Promise<ReviewRow> {
    const row = await this.db.one(sql<ReviewRow, [string]>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id = $1`), [id]);
    if (!row || row.training !== (scope === 'training')) throw new HallError('NOT_FOUND', '大厅服务器上没有这次抽查。');
    return row;
  }

  private async loadReview(id: string, scope: 'production' | 'training'): Promise<HallReview> {
    const row = await this.reviewRow(id, scope);
    const findings = await this.db.all(
      sql<{ ref: string; verdict: 'compliant' | 'issue'; note: string; at: string; by_operator: string }, [string]>(
        'SELECT ref, verdict, note, at, by_operator FROM review_findings WHERE review_id = $1 ORDER BY at, ref',
      ),
      [id],
    );
    return this.reviewOf(row, findings);
  }

  /**
   * Draws a random review from the completed cases of every window in the period, each named
   * `<workstation>/<case number>` (two windows may number cases alike): the real ones, or in the
   * training scope the training ones alone, and the review is recorded as such. The candidates
   * are the cases the hall had received when the draw was made, so a later check draws from the
   * same set.
   */
  async drawReview(input: HallRequest<'drawReview'>, by: Supervisor): Promise<HallReview> {
    checkPeriod(input);
    const scope = scopeOf(input);
    const drawnAt = this.now().toISOString();
    const candidates = (await this.db.all(reviewCandidates[scope], [input.from, input.to, drawnAt])).map((row) => row.ref);
    if (candidates.length === 0)
      throw new HallError('NOT_FOUND', scope === 'training' ? '该期间内没有可抽查的已办结培训办件。' : '该期间内没有可抽查的已办结办件。');
    const draw = drawReview(input.seed ?? seedFromBytes(randomBytes(8)), candidates, input.size);
    const id = `RV-${randomBytes(6).toString('hex').toUpperCase()}`;
    await this.db.run(
      sql<unknown, [string, boolean, string, string, string, string, string, number, number, string, string]>(
        `INSERT INTO reviews (${REVIEW_COLUMNS}) VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8, $9, $10, $11)`,
      ),
      [
        id,
        scope === 'training',
        drawnAt,
        by.id,
        input.from,
        input.to,
        draw.seed,
        draw.size,
        draw.candidateCount,
        draw.candidatesDigest,
        JSON.stringify(draw.picked),
      ],
    );
    this.log(
      `hall: ${scope === 'training' ? 'training ' : ''}review ${id} drawn by ${by.id}: ${draw.picked.length} of ${draw.candidateCount} cases, seed ${draw.seed}`,
    );
    return this.loadReview(id, scope);
  }

  /** The latest reviews of the scope, newest first. */
  async reviews(input: HallRequest<'reviews'>): Promise<HallResponse<'reviews'>> {
    const scope = scopeOf(input);
    const rows = await this.db.all(sql<{ id: string }, [boolean, number]>('SELECT id FROM reviews WHERE training = $1 ORDER BY drawn_at DESC, id LIMIT $2'), [
      scope === 'training',
      input.limit,
    ]);
    return { reviews: await Promise.all(rows.map((row) => this.loadReview(row.id, scope))) };
  }

  /** One review with its findings. */
  review(input: HallRequest<'review'>): Promise<HallReview> {
    return this.loadReview(input.id, scopeOf(input));
  }

  /** Draws again with the recorded seed over the cases the hall had at the draw: the same cases, or not. */
  async checkReview(input: HallRequest<'checkReview'>): Promise<HallResponse<'checkReview'>> {
    const scope = scopeOf(input);
    const row = await this.reviewRow(input.id, scope);
    const review = this.reviewOf(row, []);
    const candidates = (await this.db.all(reviewCandidates[scope], [row.period_from, row.period_to, row.drawn_at])).map((r) => r.ref);
    const again = drawReview(review.draw.seed, candidates, review.draw.size);
    return { reproduced: checkReviewDraw(review.draw, candidates), candidateCount: again.candidateCount, candidatesDigest: again.candidatesDigest };
  }

  /** Records (or replaces) the finding on one drawn case. */
  async recordFinding(input: HallRequest<'recordFinding'>, by: Supervisor): Promise<HallReview> {
    const scope = scopeOf(input);
    const review = await this.loadReview(input.id, scope);
    if (!review.draw.picked.includes(input.ref)) throw new HallError('NOT_FOUND', '该办件不在这次抽查的结果中。', { path: 'ref' });
    await this.db.run(
      sql<unknown, [string, string, string, string, string, string]>(
        `INSERT INTO review_findings (review_id, ref, verdict, note, at, by_operator) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (review_id, ref) DO UPDATE SET verdict = EXCLUDED.verdict, note = EXCLUDED.note, at = EXCLUDED.at, by_operator = EXCLUDED.by_operator`,
      ),
      [input.id, input.ref, input.verdict, input.note, this.now().toISOString(), by.id],
    );
    return this.loadReview(input.id, scope);
  }

  /** Alerts, open ones or all, newest first. */
  async alerts(input: HallRequest<'alerts'>): Promise<HallResponse<'alerts'>> {
    const where = input.state === 'open' ? 'WHERE acknowledged_at IS NULL' : '';
    const rows = await this.db.all(
      sql<Parameters<typeof alertOf>[0], [number]>(`SELECT ${ALERT_COLUMNS} FROM alerts ${where} ORDER BY raised_at DESC, id LIMIT $1`),
      [input.limit],
    );
    return { alerts: rows.map(alertOf) };
  }

  /**
   * Acknowledges an alert. Once a window has no open alert its ingest resumes in a new epoch:
   * both streams start again from 1, so the workstation sends its chain as it now stands, while
   * what the hall held before stays, under the old epoch, as the evidence of the break.
   */
  async acknowledgeAlert(input: HallRequest<'acknowledgeAlert'>, by: Supervisor): Promise<HallResponse<'acknowledgeAlert'>> {
    const nowIso = this.now().toISOString();
    const result = await this.db.transaction(async (tx) => {
      const existing = await tx.one(sql<Parameters<typeof alertOf>[0], [string]>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1 FOR UPDATE`), [input.id]);
      if (!existing) throw new HallError('NOT_FOUND', '大厅服务器上没有这条告警。');
      if (existing.acknowledged_at !== null) throw new HallError('ALREADY_ACKNOWLEDGED');
      const row = await tx.one(
        sql<Parameters<typeof alertOf>[0], [string, string, string, string]>(
          `UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3, note = $4 WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
        ),
        [input.id, nowIso, by.id, input.note],
      );
      const ws = await tx.one(sql<{ epoch: number }, [string]>('SELECT epoch FROM workstations WHERE id = $1 FOR UPDATE'), [existing.workstation_id]);
      const stillOpen = await tx.one(sql<{ n: number }, [string]>('SELECT count(*) AS n FROM alerts WHERE workstation_id = $1 AND acknowledged_at IS NULL'), [
        existing.workstation_id,
      ]);
      let epoch = ws!.epoch;
      if (stillOpen!.n === 0) {
        epoch += 1;
        await tx.run(sql<unknown, [string, number]>('UPDATE workstations SET epoch = $2 WHERE id = $1'), [existing.workstation_id, epoch]);
        await tx.run(
          sql<unknown, [string, number, string, string]>('INSERT INTO streams (workstation_id, epoch, audit_last_hash, started_at) VALUES ($1, $2, $3, $4)'),
          [existing.workstation_id, epoch, AUDIT_GENESIS_PREV, nowIso],
        );
      }
      return { alert: alertOf(row!), epoch };
    });
    this.log(`hall: alert ${input.id} of ${result.alert.workstationId} acknowledged by ${by.id}; ingest in epoch ${result.epoch}`);
    return result;
  }

  /** Every enrolled window with its sync position and last outbox report. */
  async workstations(): Promise<HallResponse<'workstations'>> {
    return { workstations: (await this.db.all(workstationRows)).map(workstationOf) };
  }

  /** Revokes a window: its requests are refused with 403 from now on; what it sent stays. */
  async revokeWorkstation(input: HallRequest<'revokeWorkstation'>, by: Supervisor): Promise<HallWorkstation> {
    const changed = await this.db.run(
      sql<unknown, [string, string, string, string]>(
        'UPDATE workstations SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1 AND revoked_at IS NULL',
      ),
      [input.workstation, this.now().toISOString(), by.id, input.reason],
    );
    const row = (await this.db.all(workstationRows)).find((r) => r.id === input.workstation);
    if (!row) throw new HallError('NOT_FOUND', '大厅服务器上没有这个工作台。');
    if (changed) this.log(`hall: workstation ${input.workstation} revoked by ${by.id}: ${input.reason}`);
    return workstationOf(row);
  }

  /** The hall dashboard's list of what needs a supervisor: windows behind, open alerts, usage records unsent for over an hour. */
  async attention(): Promise<HallResponse<'attention'>> {
    const now = this.now().getTime();
    const rows = (await this.db.all(workstationRows)).filter((row) => row.revoked_at === null);
    const behind: HallResponse<'attention'>['behind'] = [];
    const unsent: HallResponse<'attention'>['unsentUsageRecords'] = [];
    for (const row of rows) {
      const ws = workstationOf(row);
      const reasons: HallResponse<'attention'>['behind'][number]['reasons'] = [];
      if (ws.auditPending > 0) reasons.push('pending');
      if (ws.lastSeenAt === null || now - Date.parse(ws.lastSeenAt) > SILENT_AFTER_MS) reasons.push('silent');
      if (ws.ingest === 'stopped') reasons.push('stopped');
      if (ws.lastRefusal) reasons.push('refused');
      if (reasons.length) behind.push({ workstationId: ws.workstationId, reasons, lastSeenAt: ws.lastSeenAt, auditPending: ws.auditPending });
      const usage = ws.outbox?.usageRecords;
      if (usage && usage.count > 0 && usage.oldestAt && now - Date.parse(usage.oldestAt) > UNSENT_USAGE_ALERT_MS) {
        unsent.push({ workstationId: ws.workstationId, count: usage.count, oldestAt: usage.oldestAt, reportedAt: ws.outbox!.at });
      }
    }
    const alerts: HallAlert[] = (await this.alerts({ state: 'open', limit: 200 })).alerts;
    return { behind, alerts, unsentUsageRecords: unsent };
  }
}
