import { catchUpLookbackStart, unreachableMaterials } from '../../shared/catch-up';
import { AppError, type HostClient } from '../host/client';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import type { CaseRow, CatchUpMark, CompletedCaseRow, WorkstationDb } from '../db/db';
import { watchTables, type TableWatch } from '../db/table-watch';

/** Whether a case still waits for its catch-up (checked once with a definite answer, then never again). */
export function needsCatchUp(row: CaseRow): row is CompletedCaseRow {
  if (row.status !== 'completed' || row.catchUp) return false;
  return unreachableMaterials(row.kept).length > 0;
}

// States the clerk is shown until acknowledged: a licence found, or a check to make by hand.
const FOR_THE_CLERK: ReadonlySet<CatchUpMark['state']> = new Set(['flagged', 'not_checkable']);

/** What the catch-up works with. */
export interface CatchUpDeps {
  db: WorkstationDb;
  client: HostClient;
  audit: AuditLog;
  actor: () => AuditActor | null;
  now?: () => Date;
}

/** How one run went. */
export interface CatchUpRun {
  checked: number;
  flagged: number;
  /** True when the link dropped again during the run: the rest waits for the next return. */
  interrupted: boolean;
}

/**
 * Art. 11's catch-up: when the link returns, each completed case that took paper because the
 * library was unreachable is re-checked once, under a duty grant in the holder's own name (the
 * one piece of face data such a case keeps, for this alone: shared/catch-up.ts); where a valid
 * licence now exists the case is flagged for the clerk and the flag audited. A case that kept
 * no name is never sent with another: it is marked for the clerk to check by hand. A run never
 * overlaps another, and a case with an answer is not asked again (its kept name is deleted with
 * the answer); a case whose check failed (the link dropped, or the library refused the request)
 * waits for the next return, within the lookback.
 */
export function createCatchUp(deps: CatchUpDeps) {
  const { db, client, audit } = deps;
  const now = deps.now ?? (() => new Date());
  let running: Promise<CatchUpRun> | null = null;

  async function candidates(): Promise<CompletedCaseRow[]> {
    const rows = await db.cases.where('completedAt').aboveOrEqual(catchUpLookbackStart(now())).toArray();
    return rows.filter(needsCatchUp).sort((a, b) => (a.completedAt < b.completedAt ? -1 : 1));
  }

  // The mark and the end of the kept name in one write: once the catch-up has a definite
  // answer the name has no purpose left (shared/catch-up.ts).
  async function settle(caseNo: string, mark: CatchUpMark): Promise<void> {
    await db.cases
      .where('caseNo')
      .equals(caseNo)
      .modify((stored) => {
        if (stored.status !== 'completed') return;
        stored.catchUp = mark;
        delete stored.catchUpHolder;
      });
  }

  async function checkOne(row: CompletedCaseRow, actor: AuditActor): Promise<boolean> {
    const record = row.kept;
    const materials = unreachableMaterials(record);
    if (!row.catchUpHolder) {
      // A case completed before names were kept: the duty grant needs the holder's name and no
      // other will do, so the library is not asked; the clerk checks by hand.
      const mark: CatchUpMark = { state: 'not_checkable', checkedAt: now().toISOString(), reason: null, cause: 'holder_name_not_kept', materials: [] };
      await settle(row.caseNo, mark);
      await audit.append(actor, {
        kind: 'catch_up_flag',
        case: row.caseNo,
        details: { state: 'not_checkable', cause: 'holder_name_not_kept', materials: materials.map((m) => m.materialId) },
      });
      return false;
    }
    const answer = await client.call('catchup.check', {
      caseNo: row.caseNo,
      matterCode: row.matterCode,
      holder: { idType: record.holder.idType, idNumber: record.holder.idNumber, name: row.catchUpHolder.name },
      materialIds: materials.map((m) => m.materialId),
    });
    const names = new Map(materials.map((m) => [m.materialId, m.name]));
    const found = answer.materials.map((m) => ({
      materialId: m.materialId,
      name: names.get(m.materialId) ?? m.materialId,
      licenceId: m.licenceId,
      outcome: m.outcome,
    }));
    const flagged = found.some((m) => m.outcome === 'valid');
    const mark: CatchUpMark = {
      state: !answer.checked ? 'not_checkable' : flagged ? 'flagged' : 'clear',
      checkedAt: now().toISOString(),
      reason: answer.reason,
      materials: found,
    };
    await settle(row.caseNo, mark);
    if (flagged) {
      await audit.append(actor, {
        kind: 'catch_up_flag',
        case: row.caseNo,
        details: { materials: found.filter((m) => m.outcome === 'valid').map((m) => ({ materialId: m.materialId, licenceId: m.licenceId })) },
      });
    } else if (mark.state === 'not_checkable') {
      await audit.append(actor, { kind: 'catch_up_flag', case: row.caseNo, details: { state: 'not_checkable', reason: mark.reason } });
    }
    return flagged;
  }

  async function runOnce(): Promise<CatchUpRun> {
    const result: CatchUpRun = { checked: 0, flagged: 0, interrupted: false };
    const actor = deps.actor();
    // The re-check pulls under a counter-duty grant: only counter roles may.
    if (!actor || (actor.role !== 'clerk' && actor.role !== 'supervisor')) return result;
    for (const row of await candidates()) {
      try {
        if (await checkOne(row, actor)) result.flagged++;
        result.checked++;
      } catch (error) {
        if (error instanceof AppError && error.code !== 'LIBRARY_UNAVAILABLE' && error.code !== 'INTERNAL' && error.code !== 'UNAUTHENTICATED') continue;
        result.interrupted = true;
        break;
      }
    }
    return result;
  }

  return {
    /** Re-checks every waiting case once; a call during a run joins that run. */
    run(): Promise<CatchUpRun> {
      running ??= runOnce().finally(() => {
        running = null;
      });
      return running;
    },
    /** The clerk has seen a flag or a request for a manual check. */
    async acknowledge(caseNo: string): Promise<void> {
      await db.cases
        .where('caseNo')
        .equals(caseNo)
        .modify((row) => {
          if (row.status !== 'completed' || !row.catchUp || !FOR_THE_CLERK.has(row.catchUp.state)) return;
          row.catchUp = { ...row.catchUp, state: 'acknowledged' };
        });
    },
  };
}

/** Cases flagged (a licence found) or needing a manual check, not yet acknowledged, newest first, for the clerk. */
export async function flaggedCases(db: WorkstationDb, now: Date = new Date()): Promise<CompletedCaseRow[]> {
  // Through the index of catch-up states: the banner watches this query live, and a query over
  // every case of the lookback ran again after each write to any of them.
  const since = catchUpLookbackStart(now);
  const rows = await db.cases
    .where('catchUp.state')
    .anyOf([...FOR_THE_CLERK])
    .toArray();
  return rows
    .filter((row): row is CompletedCaseRow => row.status === 'completed' && row.completedAt >= since)
    .sort((a, b) => (a.completedAt < b.completedAt ? 1 : -1));
}

/** The catch-up's API. */
export type CatchUp = ReturnType<typeof createCatchUp>;

/**
 * Watches the cases the clerk's banner lists ({@link flaggedCases}) all day: re-read after each
 * write to `cases` (a few per case; the read is one index lookup), and nothing kept of the
 * other tables' writes — a Dexie `liveQuery` here kept a range for every write of the day
 * (db/table-watch.ts).
 */
export function watchFlaggedCases(db: WorkstationDb, onRows: (rows: CompletedCaseRow[]) => void): TableWatch {
  return watchTables(db, ['cases'], () => flaggedCases(db), { next: onRows });
}
