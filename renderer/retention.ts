import { catchUpHolderExpired } from '../shared/catch-up';
import type { AuditActor, AuditLog } from './audit/audit-log';
import type { WorkstationDb } from './db/db';

// A case left open this long was abandoned (the page was closed or reloaded mid-case): its
// pulled data is gone with the page, so it can never be completed.
const ABANDONED_AFTER_MS = 12 * 3600 * 1000;
const DAY_MS = 86_400_000;

/** What a sweep removed, for the audit chain. */
export interface SweepResult {
  /** Paper pages deleted because their case completed longer ago than the retention. */
  paperPagesDeleted: number;
  casesWithPagesDeleted: string[];
  /** Open cases closed as abandoned. */
  abandonedCases: string[];
  /** Outbox rows removed because the library confirmed them longer ago than the retention. */
  deliveredOutboxRowsDeleted: number;
}

/**
 * Keeps the workstation's local data within what it may hold (Art. 27): paper scans of
 * completed (or cancelled) cases are deleted after the retention a supervisor set, and cases left open by a
 * closed page are marked cancelled so they do not linger as open. Identifiers, outcomes and
 * hashes of completed cases stay. Outbox rows the library confirmed longer ago than the same
 * retention go too (they keep no personal data once delivered, only the note of the delivery);
 * a row not yet delivered is never removed, however old.
 */
export async function sweepLocalData(db: WorkstationDb, now: Date, retentionDays: number): Promise<SweepResult> {
  const expiry = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_MS).toISOString();
  const deliveredOutboxRowsDeleted = await db.transaction('rw', db.outbox, () =>
    // The deliveredAt index holds delivered rows only; the state is checked all the same.
    db.outbox
      .where('deliveredAt')
      .below(expiry)
      .and((row) => row.state === 'delivered')
      .delete(),
  );
  const swept = await db.transaction('rw', db.cases, db.paperScans, async () => {
    // Start from the cases that still have pages (few: pages leave after the retention), not
    // from every completed case: on a window with years of cases, a query per case held the
    // cases store for seconds at every start-up, and every other reader waited behind it.
    const scanned = (await db.paperScans.orderBy('caseNo').uniqueKeys()) as string[];
    const owners = await db.cases.bulkGet(scanned);
    // Each of these cases has pages (they come from the pages' own index, in this transaction).
    const casesWithPagesDeleted = scanned.filter((_, i) => {
      // A cancelled case's pages count from its opening: it never completes.
      const owner = owners[i];
      const since = owner?.completedAt ?? (owner?.status === 'cancelled' ? owner.openedAt : null);
      return since !== null && since !== undefined && since < expiry;
    });
    // A material's paper is one PDF of several pages (`pages`); a row from before is one page.
    let paperPagesDeleted = 0;
    if (casesWithPagesDeleted.length > 0) {
      const expired = db.paperScans.where('caseNo').anyOf(casesWithPagesDeleted);
      await expired.clone().each((row) => void (paperPagesDeleted += row.pages ?? 1));
      await expired.delete();
    }
    const abandoned = await db.cases
      .where('status')
      .equals('open')
      .filter((row) => row.openedAt < abandonedBefore)
      .primaryKeys();
    for (const caseNo of abandoned) await db.cases.update(caseNo, { status: 'cancelled' });
    return { paperPagesDeleted, casesWithPagesDeleted, abandonedCases: abandoned };
  });
  return { ...swept, deliveredOutboxRowsDeleted };
}

// ---- Catch-up holder names (kept apart from the paper-scan sweep above on purpose: a separate
// rule with its own deadline, and a separate function so that each can change on its own).

/**
 * Deletes the holder names that completed cases kept for Art. 11's catch-up once its lookback
 * has passed (shared/catch-up.ts): the catch-up no longer asks about those cases, so a name
 * that never got its answer — the link never came back in time, or the library kept refusing
 * the re-check — has no purpose left. A name whose catch-up answered is already gone. The
 * index on `catchUpHolder.keepUntil` holds only the cases with a name, so this reads just them.
 * Returns the cases whose name was deleted, for the audit chain.
 */
export async function expireCatchUpHolders(db: WorkstationDb, now: Date): Promise<string[]> {
  return db.transaction('rw', db.cases, async () => {
    const expired = (await db.cases.where('catchUpHolder.keepUntil').below(now.toISOString()).primaryKeys()) as string[];
    await db.cases
      .where('caseNo')
      .anyOf(expired)
      .modify((row) => {
        if (row.status === 'completed' && row.catchUpHolder && catchUpHolderExpired(row.catchUpHolder, now)) delete row.catchUpHolder;
      });
    return expired;
  });
}

/** The start-up sweep of what the workstation may no longer hold (see {@link createRetention}). */
export interface Retention {
  /**
   * Holder names kept for the catch-up past its lookback, then paper scans and delivered outbox
   * rows past `retentionDays` and cases abandoned by a closed page: each removal that removed
   * something is one `purge` event of the audit chain, by `actor`.
   */
  sweep(actor: AuditActor, retentionDays: number): Promise<void>;
}

/** The retention service over the database and the page's audit log. */
export function createRetention(deps: { db: WorkstationDb; audit: AuditLog; now: () => Date }): Retention {
  const { db, audit } = deps;
  return {
    async sweep(actor, retentionDays) {
      const now = deps.now();
      // Holder names kept for Art. 11's catch-up leave once its lookback has passed.
      const expiredNames = await expireCatchUpHolders(db, now);
      if (expiredNames.length > 0) {
        await audit.append(actor, {
          kind: 'purge',
          case: null,
          details: { reason: 'catch_up_lookback', holderNamesDeleted: expiredNames.length, cases: expiredNames },
        });
      }
      const result = await sweepLocalData(db, now, retentionDays);
      if (result.paperPagesDeleted === 0 && result.abandonedCases.length === 0 && result.deliveredOutboxRowsDeleted === 0) return;
      await audit.append(actor, { kind: 'purge', case: null, details: { reason: 'retention', retentionDays, ...result } });
    },
  };
}
