import { describe, expect, it } from 'vitest';
import type { HostInput, HostOutput } from '../../../shared/contract';
import type { HallCaseRow } from '../../../shared/hall-api';
import { HallCasePager, cardFigure, casesQuery, columnFigure, hallCaseForView, objectionsQuery } from '../../../renderer/features/hall-scope/hall-drill';
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
    expect(objectionsQuery(PERIOD, null, 200)).toEqual({ from: '2026-11-20', to: '2026-11-26', limit: 200 });
    expect(objectionsQuery(PERIOD, { state: 'received' }, 200)).toMatchObject({ state: 'received' });
    expect(objectionsQuery(PERIOD, { issuer: '上海市公安局' }, 200)).toMatchObject({ issuer: '上海市公安局' });
    expect(objectionsQuery(PERIOD, { issuer: null }, 200)).toMatchObject({ unknownIssuer: 'true' });
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
