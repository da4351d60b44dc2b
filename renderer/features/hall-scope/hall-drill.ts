/**
 * The drill-down of the 全厅 dashboard (issue 13 item 6): which cases stand behind a figure,
 * for the whole hall, one window or one clerk, read from the hall a page at a time; and the
 * hall's record of one case as the case view shows it. Mirrors what 本机 does with its own
 * cases (shared/dashboard-stats isBehind), over `hall.cases`, `hall.case` and `hall.objections`
 * (the cases and the objections alike a page at a time, {@link HallKeysetPager}).
 */
import type { HostInput, HostOutput } from '../../../shared/contract';
import type { PurgedCase } from '../../../shared/counter-case';
import { HallCompletedCase, HallHolder, type HallCaseRow } from '../../../shared/hall-api';

/** A figure as `hall.cases` takes it (shared/hall-api HALL_FIGURE_PATTERN), with the lower bound of a latency. */
export interface HallFigure {
  figure: string;
  minMs?: number;
}

/** Whose cases: the whole hall (neither), one window, or one clerk. */
export interface HallDrillScope {
  workstation?: string;
  operator?: string;
}

/** The cards of the 全厅 dashboard. */
export type HallCardKey = 'windows' | 'cases' | 'exempt' | 'paper' | 'missing' | 'rate' | 'p50' | 'p95' | 'objections';

/** The columns of 按窗口 and 按经办人. */
export type HallColumn = 'cases' | 'exempt' | 'paper' | 'missing' | 'rate';

/**
 * The cases behind a card, as 本机 drills its own: 办结件数 all cases; 免交, 纸质, 未交 the cases
 * with such a material; 免交率 those with an exempt material; a latency the cases whose slowest
 * pull took at least that long. Null for a card that is no set of cases (窗口数; 异议 opens the
 * objections instead), or a latency no pull was timed for.
 */
export function cardFigure(key: HallCardKey, summary: { latencyP50: number | null; latencyP95: number | null }): HallFigure | null {
  switch (key) {
    case 'cases':
      return { figure: 'cases' };
    case 'exempt':
    case 'rate':
      return { figure: 'material:exempt' };
    case 'paper':
      return { figure: 'material:paper' };
    case 'missing':
      return { figure: 'material:missing' };
    case 'p50':
    case 'p95': {
      const ms = key === 'p50' ? summary.latencyP50 : summary.latencyP95;
      return ms === null ? null : { figure: 'latency', minMs: Math.floor(ms) };
    }
    default:
      return null;
  }
}

/** The cases behind a cell of 按窗口 or 按经办人 (the row's window or clerk is the scope). */
export function columnFigure(column: HallColumn): HallFigure {
  return column === 'cases' ? { figure: 'cases' } : column === 'rate' ? { figure: 'material:exempt' } : { figure: `material:${column}` };
}

/** The query of `hall.cases` for a figure, a period and a scope, without its page. */
export type HallCasesQuery = Omit<HostInput<'hall.cases'>, 'beforeCompletedAt' | 'beforeWorkstation' | 'beforeCaseNo' | 'limit'>;

/** The query of `hall.cases` for a figure of a period, for the hall, a window or a clerk. */
export function casesQuery(period: readonly [string, string], figure: HallFigure, scope: HallDrillScope = {}): HallCasesQuery {
  return {
    from: period[0],
    to: period[1],
    figure: figure.figure,
    ...(figure.minMs !== undefined ? { minMs: figure.minMs } : {}),
    ...(scope.workstation ? { workstation: scope.workstation } : {}),
    ...(scope.operator ? { operator: scope.operator } : {}),
  };
}

/** The query of `hall.objections` behind a group of the dashboard, without its page: every objection, one state, or one issuer (null: unknown). */
export function objectionsQuery(period: readonly [string, string], group: { state: string } | { issuer: string | null } | null): HallObjectionsQuery {
  const base = { from: period[0], to: period[1] };
  if (!group) return base;
  if ('state' in group) return { ...base, state: group.state as NonNullable<HallObjectionsQuery['state']> };
  return group.issuer === null ? { ...base, unknownIssuer: 'true' } : { ...base, issuer: group.issuer };
}

/** One page of a drill-down. */
export interface HallPage<R> {
  rows: R[];
  /** 1 for the newest page. */
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** One page of cases. */
export type HallCasePage = HallPage<HallCaseRow>;

/**
 * A list read from the hall a page at a time, newest first (keyset paging): forward by the
 * cursor the hall answers with a page (the last row of it), back by the cursors of the pages
 * already seen — the hall pages one way only. A page that fails to load leaves the pager where
 * it was.
 */
export class HallKeysetPager<R, C> {
  // The cursor each page shown before the current one was read from (null: the first page).
  private trail: (C | null)[] = [];
  private current: C | null = null;
  private following: C | null = null;

  constructor(
    /** Reads the page after `cursor` (null: the newest), at most `limit` rows, with the cursor of the page after it (null: none). */
    private readonly fetchPage: (cursor: C | null, limit: number) => Promise<{ rows: R[]; next: C | null }>,
    private readonly pageSize: number,
  ) {}

  /** The newest page. */
  first(): Promise<HallPage<R>> {
    return this.load(null, []);
  }

  /** The page after the current one (the current one when there is none). */
  next(): Promise<HallPage<R>> {
    if (!this.following) return this.load(this.current, this.trail);
    return this.load(this.following, [...this.trail, this.current]);
  }

  /** The page before the current one (the first when there is none). */
  previous(): Promise<HallPage<R>> {
    if (this.trail.length === 0) return this.load(null, []);
    return this.load(this.trail.at(-1)!, this.trail.slice(0, -1));
  }

  private async load(cursor: C | null, trail: (C | null)[]): Promise<HallPage<R>> {
    const answer = await this.fetchPage(cursor, this.pageSize);
    this.trail = trail;
    this.current = cursor;
    this.following = answer.next;
    return { rows: answer.rows, page: trail.length + 1, hasPrevious: trail.length > 0, hasNext: answer.next !== null };
  }
}

type CaseCursor = NonNullable<HostOutput<'hall.cases'>['next']>;

/** The cases behind a figure, a page at a time (`hall.cases`). */
export class HallCasePager extends HallKeysetPager<HallCaseRow, CaseCursor> {
  constructor(fetchPage: (input: HostInput<'hall.cases'>) => Promise<HostOutput<'hall.cases'>>, query: HallCasesQuery, pageSize: number) {
    super(
      (cursor, limit) =>
        fetchPage({
          ...query,
          ...(cursor ? { beforeCompletedAt: cursor.completedAt, beforeWorkstation: cursor.workstationId, beforeCaseNo: cursor.caseNo } : {}),
          limit,
        }),
      pageSize,
    );
  }
}

/** An objection of the hall's list. */
export type HallObjectionRow = HostOutput<'hall.objections'>['rows'][number];
type ObjectionCursor = NonNullable<HostOutput<'hall.objections'>['next']>;
/** The query of `hall.objections` without its page. */
export type HallObjectionsQuery = Omit<HostInput<'hall.objections'>, 'beforeFiledAt' | 'beforeWorkstation' | 'beforeId' | 'limit'>;

/** The objections filed in a period, a page at a time (`hall.objections`), as the cases are. */
export class HallObjectionPager extends HallKeysetPager<HallObjectionRow, ObjectionCursor> {
  constructor(fetchPage: (input: HostInput<'hall.objections'>) => Promise<HostOutput<'hall.objections'>>, query: HallObjectionsQuery, pageSize: number) {
    super(
      (cursor, limit) =>
        fetchPage({ ...query, ...(cursor ? { beforeFiledAt: cursor.filedAt, beforeWorkstation: cursor.workstationId, beforeId: cursor.id } : {}), limit }),
      pageSize,
    );
  }
}

/** A completed case as the hall keeps it: the workstation's purged record with the holder masked (hall/ingest.ts). */
const HallStoredCase = HallCompletedCase.extend({ holder: HallHolder });

/**
 * The hall's record of a case as the case view shows it: checked against the shape the hall
 * stores (the workstation's purged case, its holder replaced by the masked number and keyed
 * hash), the holder given as the masked number only — the hall has no name and no full number
 * to show. Null when the record is not of that shape (a cancelled case, a newer hall's record).
 */
export function hallCaseForView(record: unknown): { record: PurgedCase; holderMasked: string } | null {
  const parsed = HallStoredCase.safeParse(record);
  if (!parsed.success) return null;
  const { holder, ...rest } = parsed.data;
  return {
    record: { ...rest, holder: { idType: holder.idType, idNumber: holder.idNumberMasked } } as PurgedCase,
    holderMasked: holder.idNumberMasked,
  };
}
