import type { Collection } from 'dexie';
import type { AuditEvent, AuditEventKind } from '../../../shared/audit-chain';
import { periodBounds, type DayPeriod } from '../../../shared/dashboard-stats';
import type { AuditEventRow, WorkstationDb } from '../../db/db';

/** What the supervisor filters the audit trail by; an empty field does not filter. */
export interface AuditFilter {
  /**
   * The operator ids to show the events of (any of them): what the supervisor typed — a 工号, a
   * name or an id — resolved through the operator directory (shared/operators matchOperators).
   */
  operators?: readonly string[];
  kind?: AuditEventKind;
  caseNo?: string;
  period?: DayPeriod;
}

/** Where a page ends: the next page starts just before this event in (at, seq) order. */
export interface AuditCursor {
  at: string;
  seq: number;
}

/** One page of the trail, newest first. */
export interface AuditPage {
  rows: AuditEvent[];
  /** The cursor of the page after this one, null on the last page. */
  next: AuditCursor | null;
}

// Below and above every string and number these index keys hold. Dexie's own maxKey differs
// between its builds ('\uffff' or [[]]), so the bounds are written out.
const LO = -Infinity;
const HI = '\uffff';

interface IndexRange {
  index: string;
  prefix: string[];
  /** Filters the index cannot express (only ever over one case's few events). */
  residual: ((e: AuditEvent) => boolean) | null;
}

function operatorsOf(filter: AuditFilter): string[] {
  return [...new Set((filter.operators ?? []).map((id) => id.trim()).filter((id) => id !== ''))];
}

// Each filter combination reads one index that ends in at+seq (schema version 2), so that
// a page is one bounded range read in (at, seq) order, however large the trail. Several
// operators (a name two clerks share, or "clerk0") are one range each, merged (rangesFor).
function rangeFor(filter: AuditFilter, operator: string | undefined): IndexRange {
  const operators = operatorsOf(filter);
  const caseNo = filter.caseNo?.trim() || undefined;
  const { kind } = filter;
  if (caseNo) {
    const wanted = new Set(operators);
    const residual = wanted.size > 0 || kind ? (e: AuditEvent) => (wanted.size === 0 || wanted.has(e.operator ?? '')) && (!kind || e.kind === kind) : null;
    return { index: '[case+at+seq]', prefix: [caseNo], residual };
  }
  if (operator && kind) return { index: '[operator+kind+at+seq]', prefix: [operator, kind], residual: null };
  if (operator) return { index: '[operator+at+seq]', prefix: [operator], residual: null };
  if (kind) return { index: '[kind+at+seq]', prefix: [kind], residual: null };
  return { index: '[at+seq]', prefix: [], residual: null };
}

/** The ranges a filter reads: one, or with several operators and no case one per operator. */
function rangesFor(filter: AuditFilter): IndexRange[] {
  const operators = operatorsOf(filter);
  if (filter.caseNo?.trim() || operators.length <= 1) return [rangeFor(filter, operators[0])];
  return operators.map((operator) => rangeFor(filter, operator));
}

/** Newest first: (at, seq) descending, as every range is read. */
function newestFirst(a: AuditEvent, b: AuditEvent): number {
  return a.at < b.at ? 1 : a.at > b.at ? -1 : b.seq - a.seq;
}

function collection(db: WorkstationDb, filter: AuditFilter, range: IndexRange, before: AuditCursor | null): Collection<AuditEventRow, number> {
  const { index, prefix, residual } = range;
  const bounds = filter.period ? periodBounds(filter.period) : null;
  const lower = [...prefix, bounds ? bounds.fromIso : LO, LO];
  // A cursor comes from a row of this same range, so it is always inside it.
  const upper = before ? [...prefix, before.at, before.seq] : [...prefix, bounds ? bounds.toIso : HI, LO];
  let rows = db.auditEvents.where(index).between(lower, upper, true, false).reverse();
  if (residual) rows = rows.filter(residual);
  return rows;
}

// IndexedDB's getAllRecords (Chromium 141+, so Electron 39+) reads a range backwards in one
// request; a cursor walking backwards takes one round trip per row, ~10 ms for a page here.
type RecordsIndex = IDBIndex & {
  getAllRecords(options: { query: IDBKeyRange; count: number; direction: 'prev' }): IDBRequest<Array<{ value: unknown }>>;
};

/** The newest `count` events of an unfiltered-by-residual range in one request, or null where the browser cannot. */
async function newestInOneRead(
  db: WorkstationDb,
  filter: AuditFilter,
  range: IndexRange,
  before: AuditCursor | null,
  count: number,
): Promise<AuditEvent[] | null> {
  if (typeof IDBIndex === 'undefined' || !('getAllRecords' in IDBIndex.prototype)) return null;
  const { index, prefix, residual } = range;
  if (residual) return null;
  const bounds = filter.period ? periodBounds(filter.period) : null;
  const lower = [...prefix, bounds ? bounds.fromIso : LO, LO];
  const upper = before ? [...prefix, before.at, before.seq] : [...prefix, bounds ? bounds.toIso : HI, LO];
  if (!db.isOpen()) await db.open();
  const source = db.backendDB().transaction('auditEvents', 'readonly').objectStore('auditEvents').index(index) as RecordsIndex;
  return new Promise((resolve, reject) => {
    const request = source.getAllRecords({ query: IDBKeyRange.bound(lower, upper, false, true), count, direction: 'prev' });
    request.onsuccess = () => resolve(request.result.map((record) => record.value as AuditEvent));
    request.onerror = () => reject(request.error ?? new Error('IndexedDB read failed'));
  });
}

/** The newest `count` events of one range before the cursor. */
async function newestOf(db: WorkstationDb, filter: AuditFilter, range: IndexRange, before: AuditCursor | null, count: number): Promise<AuditEvent[]> {
  return (await newestInOneRead(db, filter, range, before, count)) ?? (await collection(db, filter, range, before).limit(count).toArray());
}

/** A page of the trail matching the filter, newest first, starting before the cursor. */
export async function auditPage(db: WorkstationDb, filter: AuditFilter, before: AuditCursor | null, size: number): Promise<AuditPage> {
  const ranges = rangesFor(filter);
  // With several operators, each range's newest size+1 are read and merged: the page's size+1
  // newest are among them, so each page is still a few bounded reads.
  const read = await Promise.all(ranges.map((range) => newestOf(db, filter, range, before, size + 1)));
  const rows =
    read.length === 1
      ? read[0]!
      : read
          .flat()
          .sort(newestFirst)
          .slice(0, size + 1);
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  const last = page.at(-1);
  return { rows: page, next: more && last ? { at: last.at, seq: last.seq } : null };
}

/** How many events match a filter, counted up to a cap. */
export interface AuditCount {
  n: number;
  /** True when more than `n` match (counting stopped at the cap). */
  more: boolean;
}

/**
 * How many events match the filter. The whole trail is its last seq (the chain has no gaps);
 * a filtered count reads at most `cap + 1` keys, because IndexedDB counts a range by walking it
 * and a count of 100,000 entries would hold up the page reads behind it.
 */
export async function auditCount(db: WorkstationDb, filter: AuditFilter, cap = 1000): Promise<AuditCount> {
  if (isUnfiltered(filter)) {
    const last = await db.auditEvents.orderBy('seq').lastKey();
    return { n: typeof last === 'number' ? last : 0, more: false };
  }
  let n = 0;
  // The ranges never overlap (an event has one operator), so their counts add up.
  for (const range of rangesFor(filter)) {
    n += (
      await collection(db, filter, range, null)
        .limit(cap + 1 - n)
        .primaryKeys()
    ).length;
    if (n > cap) return { n: cap, more: true };
  }
  return { n, more: false };
}

function isUnfiltered(filter: AuditFilter): boolean {
  return operatorsOf(filter).length === 0 && !filter.kind && !filter.caseNo?.trim() && !filter.period;
}

/** Every event matching the filter, oldest first (seq order), for an export. */
export async function auditEventsForExport(db: WorkstationDb, filter: AuditFilter): Promise<AuditEvent[]> {
  if (isUnfiltered(filter)) return db.auditEvents.orderBy('seq').toArray();
  const rows: AuditEvent[] = [];
  for (const range of rangesFor(filter)) rows.push(...(await collection(db, filter, range, null).toArray()));
  return rows.sort((a, b) => a.seq - b.seq);
}
