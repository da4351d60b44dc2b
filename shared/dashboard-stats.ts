/**
 * The supervisor's numbers (值班监督): how the measures were applied by the completed cases of a
 * period — materials exempted (Art. 14), paper taken and why (Art. 22), licence verification
 * outcomes, pull latency — and the objections filed (Art. 23). Training cases (模拟办事,
 * Art. 29) never count among the real ones: each figure is either of the production cases (the
 * default) or, on a workstation in training, of the training cases alone ({@link CaseScope}).
 *
 * The counts are a {@link CaseTally}: additive, so that a tally per day can be stored and the
 * tallies of a period merged ({@link mergeTallies}) without reading every case again. Every
 * figure can be drilled down to the cases behind it ({@link casesBehind}).
 *
 * Days are Asia/Shanghai calendar days (`YYYY-MM-DD`), the days a hall works in.
 */
import type { MaterialOutcome, PaperReason } from './library-api';
import { MATERIAL_OUTCOMES, PAPER_REASONS } from './library-api';
import { isDay, VERIFICATION_OUTCOMES, type VerificationOutcome } from './licence-verify';
import { addDays, shanghaiDate, shanghaiDayStart } from './shanghai-time';
import type { PurgedCase } from './counter-case';

/** A period of whole Asia/Shanghai days, both ends included (`YYYY-MM-DD`). */
export interface DayPeriod {
  from: string;
  to: string;
}

/** The Asia/Shanghai day (`YYYY-MM-DD`) of an ISO time. */
export function shanghaiDayOf(iso: string): string {
  return shanghaiDate(new Date(iso));
}

/**
 * The UTC instants that bound a period: `fromIso` is the start of its first day and `toIso`
 * the start of the day after its last, both in Asia/Shanghai (`fromIso <= t < toIso`).
 * Throws a RangeError when a day is not a real day or the period ends before it starts.
 */
export function periodBounds(period: DayPeriod): { fromIso: string; toIso: string } {
  if (!isDay(period.from) || !isDay(period.to)) throw new RangeError(`periodBounds: bad day in ${JSON.stringify(period)}`);
  if (period.to < period.from) throw new RangeError(`periodBounds: ${period.to} is before ${period.from}`);
  return { fromIso: new Date(shanghaiDayStart(period.from)).toISOString(), toIso: new Date(shanghaiDayStart(addDays(period.to, 1))).toISOString() };
}

/** Every day of a period, in order. */
export function daysOf(period: DayPeriod): string[] {
  periodBounds(period);
  const days: string[] = [];
  for (let day = period.from; day <= period.to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Whether an ISO time falls in a period. */
export function inPeriod(iso: string, period: DayPeriod): boolean {
  const day = shanghaiDayOf(iso);
  return day >= period.from && day <= period.to;
}

/** How a material of a completed case was satisfied (the usage record's outcome). */
export type { MaterialOutcome } from './library-api';

/** The additive counts of a set of completed cases (training cases left out). */
export interface CaseTally {
  /** Completed cases. */
  cases: number;
  /** Materials by how they were satisfied: exempt (e-licence, Art. 14), paper, or missing (optional, not handed in). */
  materials: Record<MaterialOutcome, number>;
  /** Paper materials by their reason (Art. 22). */
  paperByReason: Record<PaperReason, number>;
  /** Licences pulled, by their verification outcome. */
  outcomes: Record<VerificationOutcome, number>;
  /** The pull latency of every material pulled, in ms, in no particular order. */
  latencies: number[];
}

/**
 * The version of the tally's definition: what {@link addToTally} counts into a {@link CaseTally}.
 * Raise it with every change to what is counted (a figure added, a rule changed). A stored day
 * tally carries the version it was built by, and one of an older version is rebuilt from the
 * cases when it is read: a new figure then shows for past days too, with no schema version to
 * discard the stored tallies.
 *
 * 1: the tallies of schema version 6, the production and the training cases apart.
 */
export const CASE_TALLY_VERSION = 1;

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** A tally of nothing. */
export function emptyTally(): CaseTally {
  return {
    cases: 0,
    materials: zeroes(MATERIAL_OUTCOMES),
    paperByReason: zeroes(PAPER_REASONS),
    outcomes: zeroes(VERIFICATION_OUTCOMES),
    latencies: [],
  };
}

/**
 * Which completed cases a figure is about: `production`, the real ones (training cases left
 * out), or `training`, the training cases alone — what a supervisor sees while the workstation
 * is in training (模拟办事), marked as training data. The two are never mixed.
 */
export type CaseScope = 'production' | 'training';

/** Whether a completed case belongs to a scope. */
export function inScope(completed: Pick<PurgedCase, 'training'>, scope: CaseScope = 'production'): boolean {
  return scope === 'training' ? completed.training === true : !completed.training;
}

/** Adds one completed case to a tally, in place; a case outside the scope (by default: a training case) is ignored. */
export function addToTally(tally: CaseTally, completed: PurgedCase, scope: CaseScope = 'production'): void {
  if (!inScope(completed, scope)) return;
  tally.cases++;
  for (const material of completed.materials) {
    const { outcome, paperReason } = material.record;
    tally.materials[outcome]++;
    if (outcome === 'paper' && paperReason) tally.paperByReason[paperReason]++;
    for (const licence of material.licences) if (licence.outcome) tally.outcomes[licence.outcome]++;
    const latency = material.pullLatencyMs;
    if (typeof latency === 'number') tally.latencies.push(latency);
  }
}

/** The tally of the completed cases of a scope (by default training cases are left out). */
export function tallyCases(cases: Iterable<PurgedCase>, scope: CaseScope = 'production'): CaseTally {
  const tally = emptyTally();
  for (const completed of cases) addToTally(tally, completed, scope);
  return tally;
}

/** The sum of tallies (e.g. one per day of a period). */
export function mergeTallies(tallies: Iterable<CaseTally>): CaseTally {
  const sum = emptyTally();
  const latencyParts: number[][] = [];
  for (const t of tallies) {
    sum.cases += t.cases;
    for (const k of MATERIAL_OUTCOMES) sum.materials[k] += t.materials[k] ?? 0;
    for (const k of PAPER_REASONS) sum.paperByReason[k] += t.paperByReason[k] ?? 0;
    for (const k of VERIFICATION_OUTCOMES) sum.outcomes[k] += t.outcomes[k] ?? 0;
    latencyParts.push(t.latencies);
  }
  sum.latencies = latencyParts.flat();
  return sum;
}

/** The q-quantile (0 < q ≤ 1) of samples by nearest rank, or null when there are none. */
export function nearestRank(samples: readonly number[], q: number): number | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The headline figures of a tally. */
export interface DashboardSummary {
  cases: number;
  /** Materials handed in: exempt + paper (optional materials not handed in are not counted). */
  materialsHandedIn: number;
  exempt: number;
  paper: number;
  missing: number;
  /** exempt ÷ handed in, between 0 and 1; null with no material handed in. */
  exemptionRate: number | null;
  /** Pull latency, nearest-rank median and 95th percentile, in ms; null with no pull. */
  latencyP50: number | null;
  latencyP95: number | null;
  pulls: number;
}

/** The headline figures: the exemption rate and the latency percentiles. */
export function summarize(tally: CaseTally): DashboardSummary {
  const { exempt, paper, missing } = tally.materials;
  const handedIn = exempt + paper;
  return {
    cases: tally.cases,
    materialsHandedIn: handedIn,
    exempt,
    paper,
    missing,
    exemptionRate: handedIn === 0 ? null : exempt / handedIn,
    latencyP50: nearestRank(tally.latencies, 0.5),
    latencyP95: nearestRank(tally.latencies, 0.95),
    pulls: tally.latencies.length,
  };
}

/** A figure of the dashboard that can be drilled down to the cases behind it. */
export type DashboardFigure =
  | { kind: 'cases' }
  | { kind: 'material'; outcome: MaterialOutcome }
  | { kind: 'paper_reason'; reason: PaperReason }
  | { kind: 'outcome'; outcome: VerificationOutcome }
  /** Cases with a material whose pull took at least `minMs`. */
  | { kind: 'latency'; minMs: number };

/** Whether a completed case of the scope (by default: not a training case) is behind a figure. */
export function isBehind(figure: DashboardFigure, completed: PurgedCase, scope: CaseScope = 'production'): boolean {
  if (!inScope(completed, scope)) return false;
  switch (figure.kind) {
    case 'cases':
      return true;
    case 'material':
      return completed.materials.some((m) => m.record.outcome === figure.outcome);
    case 'paper_reason':
      return completed.materials.some((m) => m.record.outcome === 'paper' && m.record.paperReason === figure.reason);
    case 'outcome':
      return completed.materials.some((m) => m.licences.some((l) => l.outcome === figure.outcome));
    case 'latency':
      return completed.materials.some((m) => typeof m.pullLatencyMs === 'number' && m.pullLatencyMs >= figure.minMs);
  }
}

/** The case numbers behind a figure, in the order given; cases outside the scope (by default training ones) are left out. */
export function casesBehind(cases: Iterable<PurgedCase>, figure: DashboardFigure, scope: CaseScope = 'production'): string[] {
  const out: string[] = [];
  for (const completed of cases) if (isBehind(figure, completed, scope)) out.push(completed.caseNo);
  return out;
}

/** An objection as the dashboard counts it. */
export interface ObjectionFact {
  id: string;
  state: string;
  /** The issuer's name, null when not known yet. */
  issuer: string | null;
}

/** Objections grouped by state and by issuer, each group with its objection ids. */
export interface ObjectionTally {
  total: number;
  byState: { state: string; ids: string[] }[];
  /** Largest group first; an unknown issuer is grouped under null, last among equals. */
  byIssuer: { issuer: string | null; ids: string[] }[];
}

/** Groups objections by state and by issuer. */
export function tallyObjections(objections: Iterable<ObjectionFact>): ObjectionTally {
  const byState = new Map<string, string[]>();
  const byIssuer = new Map<string | null, string[]>();
  let total = 0;
  for (const o of objections) {
    total++;
    const inState = byState.get(o.state) ?? [];
    inState.push(o.id);
    byState.set(o.state, inState);
    const ofIssuer = byIssuer.get(o.issuer) ?? [];
    ofIssuer.push(o.id);
    byIssuer.set(o.issuer, ofIssuer);
  }
  // Largest group first; among equals an unknown issuer last, the others by name.
  const order = <K extends string | null>(map: Map<K, string[]>) =>
    [...map.entries()].sort(
      (a, b) => b[1].length - a[1].length || Number(a[0] === null) - Number(b[0] === null) || String(a[0]).localeCompare(String(b[0]), 'zh-CN'),
    );
  return {
    total,
    byState: order(byState).map(([state, ids]) => ({ state, ids })),
    byIssuer: order(byIssuer).map(([issuer, ids]) => ({ issuer, ids })),
  };
}
