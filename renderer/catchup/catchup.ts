import type { PurgedCase } from '../../shared/counter-case';
import type { VerificationOutcome } from '../../shared/licence-verify';
import { AppError, type HostClient } from '../host/client';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import type { CaseRow, WorkstationDb } from '../db/db';

/** One material re-checked after the link returned. */
export interface CatchUpMaterial {
  materialId: string;
  name: string;
  licenceId: string | null;
  outcome: VerificationOutcome;
}

/**
 * The catch-up's answer, kept on the case row beside the purged record (which stays as the
 * counter wrote it). `flagged`: a valid licence now exists for a material taken on paper;
 * `acknowledged`: the clerk has seen the flag; `clear`: nothing found; `not_checkable`: the
 * library cannot be asked (a social matter has no duty basis).
 */
export interface CatchUpMark {
  state: 'flagged' | 'acknowledged' | 'clear' | 'not_checkable';
  checkedAt: string;
  reason: string | null;
  materials: CatchUpMaterial[];
}

/** A case row with its catch-up mark. */
export type CatchUpCase = CaseRow & { catchUp?: CatchUpMark };

// Art. 11: a paper case from an outage is worth re-checking for a while, not forever.
const LOOKBACK_DAYS = 30;
// The library's duty grant needs a holder name; the kept case has only the identifier (the
// name is face data, purged under Art. 27), so the re-check says what it is instead.
const CATCH_UP_HOLDER_NAME = '离线补查';

/** The materials of a kept case that went to paper because the library was unreachable. */
export function unreachableMaterials(record: PurgedCase): PurgedCase['materials'] {
  return (record.materials ?? []).filter((m) => m.record.outcome === 'paper' && m.record.paperReason === 'library_unreachable');
}

/** Whether a case still waits for its catch-up (checked once with a definite answer, then never again). */
export function needsCatchUp(row: CatchUpCase): boolean {
  if (row.status !== 'completed' || row.catchUp) return false;
  return unreachableMaterials(row.record as unknown as PurgedCase).length > 0;
}

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
 * library was unreachable is re-checked once; where a valid licence now exists the case is
 * flagged for the clerk and the flag audited. A run never overlaps another, and a case with an
 * answer is not asked again; a case whose check failed (the link dropped) waits for the next return.
 */
export function createCatchUp(deps: CatchUpDeps) {
  const { db, client, audit } = deps;
  const now = deps.now ?? (() => new Date());
  let running: Promise<CatchUpRun> | null = null;

  async function candidates(): Promise<CatchUpCase[]> {
    const since = new Date(now().getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
    const rows = (await db.cases.where('completedAt').aboveOrEqual(since).toArray()) as CatchUpCase[];
    return rows.filter(needsCatchUp).sort((a, b) => (a.completedAt! < b.completedAt! ? -1 : 1));
  }

  async function checkOne(row: CatchUpCase, actor: AuditActor): Promise<boolean> {
    const record = row.record as unknown as PurgedCase;
    const materials = unreachableMaterials(record);
    const answer = await client.call('catchup.check', {
      caseNo: row.caseNo,
      matterCode: row.matterCode,
      holder: { idType: record.holder.idType, idNumber: record.holder.idNumber, name: CATCH_UP_HOLDER_NAME },
      materialIds: materials.map((m) => m.materialId),
    });
    const names = new Map(materials.map((m) => [m.materialId, m.name]));
    const found = answer.materials.map((m) => ({ materialId: m.materialId, name: names.get(m.materialId) ?? m.materialId, licenceId: m.licenceId, outcome: m.outcome }));
    const flagged = found.some((m) => m.outcome === 'valid');
    const mark: CatchUpMark = {
      state: !answer.checked ? 'not_checkable' : flagged ? 'flagged' : 'clear',
      checkedAt: now().toISOString(),
      reason: answer.reason,
      materials: found,
    };
    await db.cases.update(row.caseNo, { catchUp: mark } as Partial<CaseRow>);
    if (flagged) {
      await audit.append(actor, {
        kind: 'catch_up_flag',
        case: row.caseNo,
        details: { materials: found.filter((m) => m.outcome === 'valid').map((m) => ({ materialId: m.materialId, licenceId: m.licenceId })) },
      });
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
    /** The clerk has seen a flag. */
    async acknowledge(caseNo: string): Promise<void> {
      await db.cases
        .where('caseNo')
        .equals(caseNo)
        .modify((row) => {
          const mark = (row as CatchUpCase).catchUp;
          if (mark?.state === 'flagged') (row as CatchUpCase).catchUp = { ...mark, state: 'acknowledged' };
        });
    },
  };
}

/** Cases flagged and not yet acknowledged, newest first, for the clerk. */
export async function flaggedCases(db: WorkstationDb, now: Date = new Date()): Promise<CatchUpCase[]> {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
  const rows = (await db.cases.where('completedAt').aboveOrEqual(since).toArray()) as CatchUpCase[];
  return rows.filter((row) => row.catchUp?.state === 'flagged').sort((a, b) => (a.completedAt! < b.completedAt! ? 1 : -1));
}

/** The catch-up's API. */
export type CatchUp = ReturnType<typeof createCatchUp>;
