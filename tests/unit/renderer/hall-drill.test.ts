import { describe, expect, it } from 'vitest';
import type { HostInput, HostOutput } from '../../../shared/contract';
import type { HallCaseRow } from '../../../shared/hall-api';
import {
  HallCasePager,
  HallObjectionPager,
  cardFigure,
  casesQuery,
  columnFigure,
  hallCaseForView,
  objectionsQuery,
  type HallObjectionRow,
} from '../../../renderer/features/hall-scope/hall-drill';
import { completedCase } from '../../hall/simulated-workstation';

const PERIOD = ['2026-11-20', '2026-11-26'] as const;

function row(n: number): HallCaseRow {
  return {
    workstationId: n % 2 ? 'HALLA01' : 'HALLB02',
    caseNo: `C-${String(n).padStart(3, '0')}`,
    status: 'completed',
    matterCode: 'M',
    matterName: '结婚登记',
    operatorId: 'OP-1',
    completedAt: new Date(Date.UTC(2026, 10, 26, 0, 0, n)).toISOString(),
    training: false,
    holder: null,
  };
}

/** A hall of `n` cases answering hall.cases as the hall does: newest first, a cursor after each page. */
function hallOf(n: number) {
  const all = Array.from({ length: n }, (_, i) => row(i + 1)).reverse();
  const asked: HostInput<'hall.cases'>[] = [];
  let failNext = false;
  const fetchPage = async (input: HostInput<'hall.cases'>): Promise<HostOutput<'hall.cases'>> => {
    asked.push(input);
    if (failNext) {
      failNext = false;
      throw new Error('大厅暂时无法连接');
    }
    const start = input.beforeCaseNo ? all.findIndex((r) => r.caseNo === input.beforeCaseNo) + 1 : 0;
    const limit = Number(input.limit);
    const rows = all.slice(start, start + limit);
    const last = rows.at(-1);
    const more = start + limit < all.length;
    return { rows, next: more && last ? { completedAt: last.completedAt!, workstationId: last.workstationId, caseNo: last.caseNo } : null };
  };
  return { fetchPage, asked, failOnce: () => (failNext = true) };
}

describe('the figures of the 全厅 dashboard', () => {
  it('drill to the cases 本机 would list for the same figure', () => {
    const summary = { latencyP50: 180.4, latencyP95: null };
    expect(cardFigure('cases', summary)).toEqual({ figure: 'cases' });
    expect(cardFigure('exempt', summary)).toEqual({ figure: 'material:exempt' });
    expect(cardFigure('rate', summary)).toEqual({ figure: 'material:exempt' });
    expect(cardFigure('paper', summary)).toEqual({ figure: 'material:paper' });
    expect(cardFigure('missing', summary)).toEqual({ figure: 'material:missing' });
    expect(cardFigure('p50', summary)).toEqual({ figure: 'latency', minMs: 180 });
    // No pull timed: no cases behind the latency; the windows and objections are no set of cases.
    expect(cardFigure('p95', summary)).toBeNull();
    expect(cardFigure('windows', summary)).toBeNull();
    expect(cardFigure('objections', summary)).toBeNull();
    expect(['cases', 'exempt', 'paper', 'missing', 'rate'].map((c) => columnFigure(c as never).figure)).toEqual([
      'cases',
      'material:exempt',
      'material:paper',
      'material:missing',
      'material:exempt',
    ]);
  });

  it('ask the hall for the period, the figure and the window or clerk, and the objections of a state or an issuer', () => {
    expect(casesQuery(PERIOD, { figure: 'latency', minMs: 900 }, { workstation: 'HALLB02' })).toEqual({
      from: '2026-11-20',
      to: '2026-11-26',
      figure: 'latency',
      minMs: 900,
      workstation: 'HALLB02',
    });
    expect(casesQuery(PERIOD, { figure: 'paper:elderly' }, { operator: 'OP-1' })).toEqual({
      from: '2026-11-20',
      to: '2026-11-26',
      figure: 'paper:elderly',
      operator: 'OP-1',
    });
    expect(objectionsQuery(PERIOD, null)).toEqual({ from: '2026-11-20', to: '2026-11-26' });
    expect(objectionsQuery(PERIOD, { state: 'received' })).toEqual({ from: '2026-11-20', to: '2026-11-26', state: 'received' });
    expect(objectionsQuery(PERIOD, { issuer: '上海市公安局' })).toEqual({ from: '2026-11-20', to: '2026-11-26', issuer: '上海市公安局' });
    expect(objectionsQuery(PERIOD, { issuer: null })).toEqual({ from: '2026-11-20', to: '2026-11-26', unknownIssuer: 'true' });
  });
});

describe('a drill-down a page at a time', () => {
  it('goes forward by the hall’s cursor and back by the pages seen, newest first', async () => {
    const hall = hallOf(5);
    const pager = new HallCasePager(hall.fetchPage, casesQuery(PERIOD, { figure: 'cases' }), 2);
    const numbers = (page: { rows: HallCaseRow[] }) => page.rows.map((r) => r.caseNo);
    const first = await pager.first();
    expect(first).toMatchObject({ page: 1, hasPrevious: false, hasNext: true });
    expect(numbers(first)).toEqual(['C-005', 'C-004']);
    expect(numbers(await pager.next())).toEqual(['C-003', 'C-002']);
    const last = await pager.next();
    expect(last).toMatchObject({ page: 3, hasPrevious: true, hasNext: false });
    expect(numbers(last)).toEqual(['C-001']);
    // At the end, next stays on the last page.
    expect(await pager.next()).toMatchObject({ page: 3, hasNext: false });
    expect(numbers(await pager.previous())).toEqual(['C-003', 'C-002']);
    const back = await pager.previous();
    expect(back).toMatchObject({ page: 1, hasPrevious: false });
    expect(numbers(back)).toEqual(['C-005', 'C-004']);
    // The cursor of each page is the last case of the one before, whole.
    expect(hall.asked[1]).toMatchObject({ beforeCaseNo: 'C-004', beforeWorkstation: 'HALLB02', beforeCompletedAt: row(4).completedAt, limit: 2 });
    expect(hall.asked[0]).not.toHaveProperty('beforeCaseNo');
  });

  it('stays where it was when a page cannot be read (the hall unreachable)', async () => {
    const hall = hallOf(5);
    const pager = new HallCasePager(hall.fetchPage, casesQuery(PERIOD, { figure: 'cases' }), 2);
    await pager.first();
    await pager.next();
    hall.failOnce();
    await expect(pager.next()).rejects.toThrow('大厅暂时无法连接');
    // Still on page 2: the next page is page 3, the previous page 1.
    expect(await pager.next()).toMatchObject({ page: 3 });
    hall.failOnce();
    await expect(pager.previous()).rejects.toThrow();
    expect(await pager.previous()).toMatchObject({ page: 2 });
  });
});

/** An objection filed at a window, `n` seconds into the day; a few share a filing time across windows. */
function objection(n: number): HallObjectionRow {
  return {
    workstationId: n % 3 === 0 ? 'HALLC03' : n % 3 === 1 ? 'HALLA01' : 'HALLB02',
    id: `OBJ-${String(n).padStart(3, '0')}`,
    licenceId: 'LIC-1',
    dimension: 'accuracy',
    state: 'received',
    issuer: '上海市民政局',
    filedBy: 'OP-1',
    filedAt: new Date(Date.UTC(2026, 10, 26, 0, 0, Math.floor(n / 2))).toISOString(),
    updatedAt: '2026-11-26T03:00:00.000Z',
  };
}

/** A hall of `n` objections answering hall.objections as the hall does: newest first (filing time, window, id), a cursor after a page when more follow. */
function objectionHallOf(n: number) {
  const key = (o: HallObjectionRow) => [o.filedAt, o.workstationId, o.id];
  const before = (a: string[], b: string[]) => (a[0] !== b[0] ? a[0]! < b[0]! : a[1] !== b[1] ? a[1]! < b[1]! : a[2]! < b[2]!);
  const all = Array.from({ length: n }, (_, i) => objection(i + 1)).sort((a, b) => (before(key(a), key(b)) ? 1 : -1));
  const asked: HostInput<'hall.objections'>[] = [];
  const fetchPage = async (input: HostInput<'hall.objections'>): Promise<HostOutput<'hall.objections'>> => {
    asked.push(input);
    const after = input.beforeFiledAt ? [input.beforeFiledAt, input.beforeWorkstation!, input.beforeId!] : null;
    const limit = Number(input.limit);
    const candidates = after ? all.filter((o) => before(key(o), after)) : all;
    const rows = candidates.slice(0, limit);
    const last = rows.at(-1);
    return { rows, next: candidates.length > limit && last ? { filedAt: last.filedAt, workstationId: last.workstationId, id: last.id } : null };
  };
  return { fetchPage, asked, all };
}

describe('the objections behind the 异议 figure, a page at a time', () => {
  it('go forward by the hall’s cursor and back by the pages seen, each objection once, newest first', async () => {
    const hall = objectionHallOf(45);
    const pager = new HallObjectionPager(hall.fetchPage, objectionsQuery(PERIOD, { state: 'received' }), 20);
    const ids = (page: { rows: HallObjectionRow[] }) => page.rows.map((o) => o.id);
    const first = await pager.first();
    expect(first).toMatchObject({ page: 1, hasPrevious: false, hasNext: true });
    const second = await pager.next();
    const third = await pager.next();
    expect(third).toMatchObject({ page: 3, hasPrevious: true, hasNext: false });
    // Every objection once, in the hall's order, across the three pages.
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(hall.all.map((o) => o.id));
    expect([first, second, third].map((p) => p.rows.length)).toEqual([20, 20, 5]);
    expect(ids(await pager.previous())).toEqual(ids(second));
    expect(await pager.previous()).toMatchObject({ page: 1, hasPrevious: false });
    // The filter on every page, the cursor the last objection of the page before, whole.
    const last = first.rows.at(-1)!;
    expect(hall.asked[0]).toEqual({ from: '2026-11-20', to: '2026-11-26', state: 'received', limit: 20 });
    expect(hall.asked[1]).toEqual({
      from: '2026-11-20',
      to: '2026-11-26',
      state: 'received',
      beforeFiledAt: last.filedAt,
      beforeWorkstation: last.workstationId,
      beforeId: last.id,
      limit: 20,
    });
  });

  it('is one page when the hall holds no more than a page (or answers no cursor, as an earlier hall does)', async () => {
    const hall = objectionHallOf(20);
    const pager = new HallObjectionPager(hall.fetchPage, objectionsQuery(PERIOD, null), 20);
    expect(await pager.first()).toMatchObject({ page: 1, hasPrevious: false, hasNext: false });
    expect(await pager.next()).toMatchObject({ page: 1, hasNext: false });
  });
});

describe('a case as the hall keeps it', () => {
  function stored(extra: Record<string, unknown> = {}) {
    const made = completedCase({ caseNo: 'HALLA01-20261126-0001', workstationId: 'HALLA01' });
    return { ...made, holder: { idType: '111', idNumberMasked: '310115********1086', holderKey: 'a'.repeat(64), ...extra } };
  }

  it('shows the masked ID number and nothing else of the holder', () => {
    const view = hallCaseForView(stored());
    expect(view?.holderMasked).toBe('310115********1086');
    expect(view?.record.caseNo).toBe('HALLA01-20261126-0001');
    expect(JSON.stringify(view)).not.toContain('holderKey');
    // Whatever else a record carried beside the masked number, none of it reaches the page.
    expect(JSON.stringify(hallCaseForView(stored({ name: '董琳' })))).not.toContain('董琳');
  });

  it('is not shown when it is not of the shape the hall stores (a cancelled case, another version)', () => {
    expect(hallCaseForView({ status: 'cancelled', caseNo: 'X' })).toBeNull();
    expect(hallCaseForView({ ...stored(), surprise: true })).toBeNull();
    expect(hallCaseForView(null)).toBeNull();
  });
});
