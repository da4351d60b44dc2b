import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import { drawReview } from '../../../shared/random-review';
import { createAuditLog } from '../../../renderer/audit/audit-log';
import { WorkstationDb } from '../../../renderer/db/db';
import { drawAndRecord, listReviews, recheckReview, recordFinding, reviewCandidates } from '../../../renderer/features/supervision/reviews';
import { completedRow, keptCase } from './rows';

const ACTOR = { operator: 'super01', role: 'supervisor', workstation: 'WS-DEMO-01' };
const PERIOD = { from: '2026-11-26', to: '2026-11-26' };

function completed(caseNo: string, completedAt: string, training = false) {
  return completedRow(keptCase(caseNo, completedAt, { matter: { code: 'M', name: '结婚登记' }, training, materials: [] }));
}

async function seeded(): Promise<WorkstationDb> {
  const db = new WorkstationDb(`reviews-${Math.random()}`);
  await db.cases.bulkAdd([
    ...Array.from({ length: 12 }, (_, i) => completed(`PD01-20261126-${String(i + 1).padStart(4, '0')}`, `2026-11-26T0${i % 9}:00:00Z`)),
    completed('PD01-20261126-0099', '2026-11-26T05:00:00Z', true),
    completed('PD01-20261127-0001', '2026-11-27T05:00:00Z'),
  ]);
  return db;
}

describe('random review', () => {
  it('draws from the period’s completed non-training cases, repeatably, and audits the draw', async () => {
    const db = await seeded();
    const audit = createAuditLog(db, () => new Date('2026-11-26T09:00:00Z'));
    const candidates = await reviewCandidates(db, PERIOD);
    expect(candidates).toHaveLength(12);
    expect(candidates).not.toContain('PD01-20261126-0099');

    const first = await drawAndRecord(db, audit, ACTOR, { period: PERIOD, seed: 'seed-abc', size: 4, now: new Date('2026-11-26T09:00:00Z') });
    const second = await drawAndRecord(db, audit, ACTOR, { period: PERIOD, seed: 'seed-abc', size: 4, now: new Date('2026-11-26T09:05:00Z') });
    expect(second.draw).toEqual(first.draw);
    expect(first.draw).toEqual(drawReview('seed-abc', candidates, 4));
    expect(await recheckReview(db, first)).toBe(true);
    expect((await listReviews(db)).map((r) => r.id)).toEqual([second.id, first.id]);

    const events = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(events.map((e) => [e.kind, e.details.action, e.details.seed, e.details.candidateCount])).toEqual([
      ['review', 'draw', 'seed-abc', 12],
      ['review', 'draw', 'seed-abc', 12],
    ]);
    expect(verifyAuditChain(events).ok).toBe(true);
    db.close();
  });

  it('on a workstation in training, draws from the training cases alone, says so, and rechecks in that scope', async () => {
    const db = await seeded();
    const audit = createAuditLog(db);
    const review = await drawAndRecord(db, audit, ACTOR, { period: PERIOD, seed: 'seed-trn', size: 3, now: new Date('2026-11-26T09:00:00Z'), training: true });
    expect(review.training).toBe(true);
    expect(review.draw.candidateCount).toBe(1);
    expect(review.draw.picked).toEqual(['PD01-20261126-0099']);
    expect(await recheckReview(db, review)).toBe(true);
    const [event] = (await db.auditEvents.toArray()) as AuditEvent[];
    expect(event!.details).toMatchObject({ action: 'draw', training: true, candidateCount: 1 });
    // A production draw of the same period is unchanged by it.
    const production = await drawAndRecord(db, audit, ACTOR, { period: PERIOD, seed: 'seed-trn', size: 3, now: new Date('2026-11-26T09:01:00Z') });
    expect(production.training).toBeUndefined();
    expect(production.draw.candidateCount).toBe(12);
    db.close();
  });

  it('no longer rechecks once the period’s cases changed', async () => {
    const db = await seeded();
    const review = await drawAndRecord(db, createAuditLog(db), ACTOR, { period: PERIOD, seed: 'seed-abc', size: 4, now: new Date() });
    await db.cases.add(completed('PD01-20261126-0050', '2026-11-26T07:30:00Z'));
    expect(await recheckReview(db, review)).toBe(false);
    db.close();
  });

  it('records one finding per drawn case, the latest winning, each audited on its case', async () => {
    const db = await seeded();
    const audit = createAuditLog(db);
    const review = await drawAndRecord(db, audit, ACTOR, { period: PERIOD, seed: 'seed-xyz', size: 2, now: new Date() });
    const [caseNo] = review.draw.picked;
    await recordFinding(db, audit, ACTOR, review.id, { caseNo: caseNo!, verdict: 'issue', note: ' 未告知异议渠道 ' }, new Date('2026-11-26T10:00:00Z'));
    const updated = await recordFinding(db, audit, ACTOR, review.id, { caseNo: caseNo!, verdict: 'compliant', note: '' }, new Date('2026-11-26T10:05:00Z'));
    expect(updated.findings).toEqual([{ caseNo, verdict: 'compliant', note: '', at: '2026-11-26T10:05:00.000Z', by: 'super01' }]);
    const findings = (await db.auditEvents.toArray()).filter((e) => e.kind === 'review' && e.details.action === 'finding');
    expect(findings.map((e) => [e.case, e.details.verdict, e.details.note])).toEqual([
      [caseNo, 'issue', '未告知异议渠道'],
      [caseNo, 'compliant', ''],
    ]);
    await expect(recordFinding(db, audit, ACTOR, review.id, { caseNo: 'PD01-20261127-0001', verdict: 'issue', note: 'x' }, new Date())).rejects.toThrow(
      /not drawn/,
    );
    db.close();
  });
});
