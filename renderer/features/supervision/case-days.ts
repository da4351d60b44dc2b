import type { PurgedCase } from '../../../shared/counter-case';
import {
  addToTally,
  emptyTally,
  mergeTallies,
  inScope,
  periodBounds,
  shanghaiDayOf,
  type CaseScope,
  tallyObjections,
  type CaseTally,
  type DayPeriod,
  type ObjectionTally,
} from '../../../shared/dashboard-stats';
import type { CaseDayRow, CaseRow, WorkstationDb } from '../../db/db';


// Completed cases have a completion time; open and cancelled ones have none and so are not in
// the completedAt index at all.
function completedBetween(db: WorkstationDb, fromIso: string, toIso: string) {
  return db.cases.where('completedAt').between(fromIso, toIso, true, false);
}

const MONTH_MS = 31 * 24 * 3600 * 1000;

/** Cases with completedAt in [fromIso, toIso), read a month at a time (each one bounded read). */
async function forEachCompleted(db: WorkstationDb, fromIso: string, toIso: string, visit: (row: CaseRow) => void): Promise<void> {
  const [first, last] = await Promise.all([completedBetween(db, fromIso, toIso).first(), completedBetween(db, fromIso, toIso).last()]);
  if (!first || !last) return;
  // A second past the last one: times without milliseconds sort after their own '.000Z' form.
  const end = Math.min(Date.parse(toIso), Date.parse(last.completedAt!) + 1000);
  for (let start = Date.parse(first.completedAt!); start < end; start += MONTH_MS) {
    const rows = await completedBetween(db, new Date(start).toISOString(), new Date(Math.min(start + MONTH_MS, end)).toISOString()).toArray();
    for (const row of rows) visit(row);
  }
}

async function rebuildDays(db: WorkstationDb, fromIso: string, toIso: string): Promise<void> {
  const days = new Map<string, CaseDayRow>();
  await forEachCompleted(db, fromIso, toIso, (row) => {
    const day = shanghaiDayOf(row.completedAt!);
    let entry = days.get(day);
    if (!entry) days.set(day, (entry = { day, sourceCount: 0, lastCompletedAt: row.completedAt!, tally: emptyTally(), trainingTally: emptyTally() }));
    entry.sourceCount++;
    if (row.completedAt! > entry.lastCompletedAt) entry.lastCompletedAt = row.completedAt!;
    if (row.status !== 'completed') return;
    const record = caseOf(row);
    addToTally(entry.tally, record, 'production');
    addToTally(entry.trainingTally, record, 'training');
  });
  const firstDay = shanghaiDayOf(fromIso);
  const lastDay = shanghaiDayOf(new Date(Date.parse(toIso) - 1).toISOString());
  await db.transaction('rw', db.caseDays, async () => {
    await db.caseDays.where('day').between(firstDay, lastDay, true, true).delete();
    await db.caseDays.bulkPut([...days.values()]);
  });
}

/** A case's kept record, a training case known by its row's flag or its record's (either will do). */
function caseOf(row: CaseRow): PurgedCase {
  const record = row.record as unknown as PurgedCase;
  return row.training && !record.training ? { ...record, training: true } : record;
}

const START = '1970-01-01T00:00:00.000Z';
const END = '9999-12-31T00:00:00.000Z';

/**
 * Brings the day tallies up to date with the cases completed since the last one tallied. Cases
 * are completed now, so the last tallied day and the days after it are all that can have
 * changed in normal work: two small reads when nothing did. A case changed or removed in the
 * past is found by {@link checkCaseDays}.
 */
export async function syncCaseDays(db: WorkstationDb): Promise<void> {
  const last = await db.caseDays.orderBy('day').last();
  if (!last) {
    if (await completedBetween(db, START, END).first()) await rebuildDays(db, START, END);
    return;
  }
  const newer = await db.cases.where('completedAt').above(last.lastCompletedAt).first();
  if (newer) await rebuildDays(db, periodBounds({ from: last.day, to: last.day }).fromIso, END);
}

/**
 * Checks every day tally against the cases (a count over the whole completedAt index, so it is
 * run after the dashboard is drawn) and rebuilds them all when they disagree, as after a case
 * was removed or the clock was set back. True when it rebuilt.
 */
export async function checkCaseDays(db: WorkstationDb): Promise<boolean> {
  const [completed, rows] = await Promise.all([completedBetween(db, START, END).count(), db.caseDays.toArray()]);
  if (completed === rows.reduce((sum, row) => sum + row.sourceCount, 0)) return false;
  await rebuildDays(db, START, END);
  return true;
}

/**
 * The tally of a period's completed cases of a scope: by default the production ones (training
 * left out); `training` for a workstation in training, whose supervisor sees the training cases.
 */
export async function periodTally(db: WorkstationDb, period: DayPeriod, scope: CaseScope = 'production'): Promise<CaseTally> {
  await syncCaseDays(db);
  const rows = await db.caseDays.where('day').between(period.from, period.to, true, true).toArray();
  return mergeTallies(rows.map((row) => (scope === 'training' ? (row.trainingTally ?? emptyTally()) : row.tally)));
}

/** A completed case as a drill-down lists it. */
export interface CaseListItem {
  caseNo: string;
  completedAt: string;
  matter: string;
  record: PurgedCase;
}

/**
 * The period's completed cases of a scope (by default the non-training ones) that pass a test,
 * oldest first.
 */
export async function periodCases(
  db: WorkstationDb,
  period: DayPeriod,
  test: (record: PurgedCase) => boolean = () => true,
  scope: CaseScope = 'production',
): Promise<CaseListItem[]> {
  const { fromIso, toIso } = periodBounds(period);
  const out: CaseListItem[] = [];
  await forEachCompleted(db, fromIso, toIso, (row) => {
    if (row.status !== 'completed') return;
    const record = caseOf(row);
    if (!inScope(record, scope) || !test(record)) return;
    out.push({ caseNo: row.caseNo, completedAt: row.completedAt!, matter: record.matter?.name ?? row.matterCode, record });
  });
  return out;
}

/** Objections filed in the period, by state and by issuer (the issuer from the row's record). */
export async function periodObjections(db: WorkstationDb, period: DayPeriod): Promise<ObjectionTally> {
  const { fromIso, toIso } = periodBounds(period);
  const rows = await db.objections.where('filedAt').between(fromIso, toIso, true, false).toArray();
  return tallyObjections(
    rows.map((row) => {
      const issuer = (row.record as { issuer?: { name?: unknown } }).issuer?.name;
      return { id: row.id, state: row.state, issuer: typeof issuer === 'string' ? issuer : null };
    }),
  );
}
