import { defineStore } from 'pinia';
import type { AuditDetailsByKind, AuditEvent } from '../../shared/audit-chain';
import type { PurgedCase } from '../../shared/counter-case';
import type { CaseScope, CaseTally, DayPeriod, ObjectionTally } from '../../shared/dashboard-stats';
import { shanghaiDate } from '../../shared/shanghai-time';
import { useServices } from '../app/services';
import type { ObjectionRow, ReviewFinding, ReviewRow } from '../db/db';
import {
  auditCount,
  auditEventsForExport,
  auditPage,
  type AuditCount,
  type AuditCursor,
  type AuditFilter,
  type AuditPage,
} from '../features/supervision/audit-query';
import { checkCaseDays, periodCases, periodObjections, periodTally, type CaseListItem } from '../features/supervision/case-days';
import { verifyLocalChain, type ChainVerification } from '../features/supervision/chain-verify';
import { drawAndRecord, listReviews, recheckReview, recordFinding } from '../features/supervision/reviews';

/** An objection as a dashboard drill-down lists it. */
export type DrilledObjection = ObjectionRow;
/** A random review as the supervisor keeps it. */
export type Review = ReviewRow;

/**
 * The supervisor's view (值班监督): the audit trail (paged, verified, exported), the day
 * tallies of the dashboard with their drill-downs, and the random reviews. Each of the
 * supervisor's own steps — a verification, an export, a draw, a finding — is audited.
 */
export const useSupervisionStore = defineStore('supervision', () => {
  const { db, audit, signedInActor, now } = useServices();

  /** Events matching the filter, newest first, a page before the cursor. */
  const page = (filter: AuditFilter, before: AuditCursor | null, size: number): Promise<AuditPage> => auditPage(db, filter, before, size);
  /** How many events match (counted up to a cap). */
  const count = (filter: AuditFilter): Promise<AuditCount> => auditCount(db, filter);
  /** One event by its seq. */
  const event = (seq: number): Promise<AuditEvent | undefined> => db.auditEvents.get(seq);

  /** Verifies the whole chain (in workers), reporting progress; {@link recordVerification} logs it. */
  const verifyChain = (onProgress: (checked: number, total: number) => void): Promise<ChainVerification> => verifyLocalChain(db, onProgress);

  /** Logs a verification (Art. 26: checking the log is a step of the log). */
  async function recordVerification(details: AuditDetailsByKind['chain_verify']): Promise<void> {
    await audit.append(await signedInActor(), { kind: 'chain_verify', case: null, details });
  }

  /** The events of an export, oldest first, and the file they go to (this workstation's, today). */
  async function exportTrail(filter: AuditFilter): Promise<{ events: AuditEvent[]; fileName: string }> {
    const actor = await signedInActor();
    const events = await auditEventsForExport(db, filter);
    return { events, fileName: `audit-${actor.workstation}-${shanghaiDate(now()).replace(/-/g, '')}.csv` };
  }

  /** Logs an export: taking the log off the workstation is itself a step of the log (Art. 26). */
  async function recordExport(fileName: string, filter: AuditFilter, events: readonly AuditEvent[]): Promise<void> {
    await audit.append(await signedInActor(), {
      kind: 'export',
      case: null,
      details: {
        what: 'audit_csv',
        fileName,
        filter: { ...filter },
        count: events.length,
        firstSeq: events[0]?.seq ?? null,
        lastSeq: events.at(-1)?.seq ?? null,
      },
    });
  }

  /** The dashboard's tally of a period (day tallies brought up to date first). */
  const tally = (period: DayPeriod, scope: CaseScope): Promise<CaseTally> => periodTally(db, period, scope);
  /** The period's objections by state and issuer. */
  const objectionTally = (period: DayPeriod): Promise<ObjectionTally> => periodObjections(db, period);
  /** The period's cases behind a figure. */
  const cases = (period: DayPeriod, test: (record: PurgedCase) => boolean, scope: CaseScope): Promise<CaseListItem[]> => periodCases(db, period, test, scope);
  /** The check after the dashboard is drawn: true when it rebuilt the day tallies (draw again). */
  const checkTallies = (): Promise<boolean> => checkCaseDays(db);

  /** Objections by id, in the order given (those found). */
  async function objections(ids: readonly string[]): Promise<DrilledObjection[]> {
    return (await db.objections.bulkGet([...ids])).filter((row): row is ObjectionRow => row !== undefined);
  }

  /** Every review, newest first. */
  const reviews = (): Promise<Review[]> => listReviews(db);

  /** The kept records of a review's drawn cases, by case number. */
  async function reviewedCases(review: Review): Promise<Map<string, PurgedCase>> {
    const rows = await db.cases.bulkGet(review.draw.picked);
    return new Map(rows.filter((row) => row?.status === 'completed').map((row) => [row.caseNo, row.kept]));
  }

  /** Draws a review with its seed and records it (audited). */
  async function draw(request: { period: DayPeriod; seed: string; size: number; training: boolean }): Promise<Review> {
    return drawAndRecord(db, audit, await signedInActor(), { ...request, now: now() });
  }

  /** Records a finding on a drawn case (audited). */
  async function record(reviewId: string, finding: Omit<ReviewFinding, 'by' | 'at'>): Promise<Review> {
    return recordFinding(db, audit, await signedInActor(), reviewId, finding, now());
  }

  /** Draws again with the review's seed: true when the same cases come out. */
  const recheck = (review: Review): Promise<boolean> => recheckReview(db, review);

  return {
    page,
    count,
    event,
    verifyChain,
    recordVerification,
    exportTrail,
    recordExport,
    tally,
    objectionTally,
    cases,
    checkTallies,
    objections,
    reviews,
    reviewedCases,
    draw,
    record,
    recheck,
  };
});
