import type { PurgedCase } from '../../../shared/counter-case';
import {
  addToTally,
  CASE_TALLY_VERSION,
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
import type { CaseDayRow, CompletedCaseRow, WorkstationDb } from '../../db/db';

// Completed cases have a completion time; open and cancelled ones have none and so are not in
// the completedAt index at all.
function completedBetween(db: WorkstationDb, fromIso: string, toIso: string) {
  return db.cases.where('completedAt').between(fromIso, toIso, true, false);
}

const MONTH_MS = 31 * 24 * 3600 * 1000;

/** Cases with completedAt in [fromIso, toIso), read a month at a time (each one bounded read). */
async function forEachCompleted(db: WorkstationDb, fromIso: string, toIso: string, visit: (row: CompletedCaseRow) => void): Promise<void> {
  const [first, last] = await Promise.all([completedBetween(db, fromIso, toIso).first(), completedBetween(db, fromIso, toIso).last()]);
  if (first?.status !== 'completed' || last?.status !== 'completed') return;
  // A second past the last one: times without milliseconds sort after their own '.000Z' form.
  const end = Math.min(Date.parse(toIso), Date.parse(last.completedAt) + 1000);
  for (let start = Date.parse(first.completedAt); start < end; start += MONTH_MS) {
    const rows = await completedBetween(db, new Date(start).toISOString(), new Date(Math.min(start + MONTH_MS, end)).toISOString()).toArray();
    for (const row of rows) if (row.status === 'completed') visit(row);
  }
}

async function rebuildDays(db: WorkstationDb, fromIso: string, toIso: string): Promise<void> {
  const days = new Map<string, CaseDayRow>();
  await forEachCompleted(db, fromIso, toIso, (row) => {
    const day = shanghaiDayOf(row.completedAt);
    let entry = days.get(day);
    if (!entry) {
      entry = { day, definition: CASE_TALLY_VERSION, sourceCount: 0, lastCompletedAt: row.completedAt, tally: emptyTally(), trainingTally: emptyTally() };
      days.set(day, entry);
    }
    entry.sourceCount++;
    if (row.completedAt > entry.lastCompletedAt) entry.lastCompletedAt = row.completedAt;
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
function caseOf(row: CompletedCaseRow): PurgedCase {
  const record = row.kept;
  return row.training && !record.training ? { ...record, training: true } : record;
}

const START = '1970-01-01T00:00:00.000Z';
const END = '9999-12-31T00:00:00.000Z';

/** Whether a stored day tally was built by the tally's current definition (shared/dashboard-stats). */
function current(row: CaseDayRow): boolean {
  return row.definition === CASE_TALLY_VERSION;
}

/**
 * Brings the day tallies up to date with the cases completed since the last one tallied. Cases
 * are completed now, so the last tallied day and the days after it are all that can have
 * changed in normal work: two small reads when nothing did. A case changed or removed in the
 * past is found by {@link checkCaseDays}; a day tallied by an older definition of the tally is
 * rebuilt when it is read ({@link periodTally}).
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
 * Checks every day tally against the cases and rebuilds them all when one disagrees, as after a
 * case was removed or the clock was set back. Run after the dashboard is drawn. Each day's
 * count and latest completion are read from the completedAt index (two small reads a day,
 * ~730 for two years) and compared with its tally's, so two changes that cancel out in the
 * total (a case gone from one day, another added on a day already tallied) are found too; a
 * tally of an older definition counts as disagreeing, and so do completed cases on a day with
 * no tally. True when it rebuilt.
 */
export async function checkCaseDays(db: WorkstationDb): Promise<boolean> {
  const agrees = await db.transaction('r', db.cases, db.caseDays, async () => {
    const rows = await db.caseDays.toArray();
    const [completed, ...days] = await Promise.all([
      completedBetween(db, START, END).count(),
      ...rows.map(async (row) => {
        const { fromIso, toIso } = periodBounds({ from: row.day, to: row.day });
        const [count, last] = await Promise.all([completedBetween(db, fromIso, toIso).count(), completedBetween(db, fromIso, toIso).lastKey()]);
        return { count, last };
      }),
    ]);
    const tallied = rows.reduce((sum, row) => sum + row.sourceCount, 0);
    return completed === tallied && rows.every((row, i) => current(row) && row.sourceCount === days[i]!.count && row.lastCompletedAt === days[i]!.last);
  });
  if (agrees) return false;
  await rebuildDays(db, START, END);
  return true;
}

/**
 * The tally of a period's completed cases of a scope: by default the production ones (training
 * left out); `training` for a workstation in training, whose supervisor sees the training cases.
 * A day of the period tallied by an older definition of the tally (a figure added since, say)
 * is rebuilt from its cases first, so the new figure shows for past days as well.
 */
export async function periodTally(db: WorkstationDb, period: DayPeriod, scope: CaseScope = 'production'): Promise<CaseTally> {
  await syncCaseDays(db);
  const days = () => db.caseDays.where('day').between(period.from, period.to, true, true).toArray();
  let rows = await days();
  if (!rows.every(current)) {
    const { fromIso, toIso } = periodBounds(period);
    await rebuildDays(db, fromIso, toIso);
    rows = await days();
  }
  return mergeTallies(rows.map((row) => (scope === 'training' ? row.trainingTally : row.tally)));
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
    const record = caseOf(row);
    if (!inScope(record, scope) || !test(record)) return;
    out.push({ caseNo: row.caseNo, completedAt: row.completedAt, matter: record.matter?.name ?? row.matterCode, record });
  });
  return out;
}

/** Objections filed in the period, by state and by issuer (the issuer from the row's record). */
export async function periodObjections(db: WorkstationDb, period: DayPeriod): Promise<ObjectionTally> {
  const { fromIso, toIso } = periodBounds(period);
  const rows = await db.objections.where('filedAt').between(fromIso, toIso, true, false).toArray();
  return tallyObjections(rows.map((row) => ({ id: row.id, state: row.state, issuer: row.record.issuer?.name ?? null })));
}
