import type { CaseScope, DayPeriod } from '../../../shared/dashboard-stats';
import { checkReviewDraw, drawReview } from '../../../shared/random-review';
import type { AuditActor, AuditLog } from '../../audit/audit-log';
import type { ReviewFinding, ReviewRow, WorkstationDb } from '../../db/db';

import { periodCases } from './case-days';

/**
 * The cases a review may draw from: the period's completed cases of the scope — the real ones
 * (training left out), or on a workstation in training the training cases alone.
 */
export async function reviewCandidates(db: WorkstationDb, period: DayPeriod, scope: CaseScope = 'production'): Promise<string[]> {
  return (await periodCases(db, period, undefined, scope)).map((c) => c.caseNo);
}

/** The scope a review was drawn in. */
export function reviewScope(review: Pick<ReviewRow, 'training'>): CaseScope {
  return review.training ? 'training' : 'production';
}

/**
 * Draws a review and records it: the review row, and an audit event with the seed, the period,
 * the candidates' count and digest and the cases drawn, so the draw can be repeated and checked.
 * With `training` it draws from the training cases (a workstation in training) and says so in
 * the row and the event.
 */
export async function drawAndRecord(
  db: WorkstationDb,
  audit: AuditLog,
  actor: AuditActor,
  request: { period: DayPeriod; seed: string; size: number; now: Date; training?: boolean },
): Promise<ReviewRow> {
  const training = request.training === true;
  const candidates = await reviewCandidates(db, request.period, training ? 'training' : 'production');
  const draw = drawReview(request.seed, candidates, request.size);
  const drawnAt = request.now.toISOString();
  const review: ReviewRow = {
    id: `R-${drawnAt.replace(/[^0-9]/g, '').slice(0, 17)}-${request.seed}`,
    drawnAt,
    drawnBy: actor.operator,
    period: request.period,
    draw,
    findings: [],
    ...(training ? { training } : {}),
  };
  await db.reviews.add(review);
  await audit.append(actor, {
    kind: 'review',
    case: null,
    details: { action: 'draw', reviewId: review.id, period: request.period, ...draw, ...(training ? { training } : {}) },
  });
  return review;
}

/** Records a finding on a drawn case (replacing an earlier one on the same case), audited. */
export async function recordFinding(
  db: WorkstationDb,
  audit: AuditLog,
  actor: AuditActor,
  reviewId: string,
  finding: Omit<ReviewFinding, 'by' | 'at'>,
  now: Date,
): Promise<ReviewRow> {
  const review = await db.reviews.get(reviewId);
  if (!review) throw new Error(`no review ${reviewId}`);
  if (!review.draw.picked.includes(finding.caseNo)) throw new Error(`case ${finding.caseNo} was not drawn in ${reviewId}`);
  const recorded: ReviewFinding = { ...finding, note: finding.note.trim(), at: now.toISOString(), by: actor.operator };
  review.findings = [...review.findings.filter((f) => f.caseNo !== finding.caseNo), recorded];
  await db.reviews.put(review);
  await audit.append(actor, {
    kind: 'review',
    case: finding.caseNo,
    details: { action: 'finding', reviewId, verdict: recorded.verdict, note: recorded.note },
  });
  return review;
}

/** Draws again with the review's seed over its period's current cases: true when the same cases come out. */
export async function recheckReview(db: WorkstationDb, review: ReviewRow): Promise<boolean> {
  return checkReviewDraw(review.draw, await reviewCandidates(db, review.period, reviewScope(review)));
}

/** Every review, newest first. */
export async function listReviews(db: WorkstationDb): Promise<ReviewRow[]> {
  return db.reviews.orderBy('drawnAt').reverse().toArray();
}
