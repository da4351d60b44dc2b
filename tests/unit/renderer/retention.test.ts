import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { WorkstationDb, type CompletedCaseRow, type OutboxRow, type PaperScanRow } from '../../../renderer/db/db';
import { expireCatchUpHolders, sweepLocalData } from '../../../renderer/retention';
import { completedRow, keptCase, openRow, usageRecord } from './rows';

const NOW = new Date('2026-11-27T02:00:00Z');

function completed(caseNo: string, openedAt: string, completedAt: string): CompletedCaseRow {
  return completedRow({ ...keptCase(caseNo, completedAt), openedAt });
}

function page(caseNo: string): PaperScanRow {
  return { caseNo, materialId: 'M01', createdAt: '2026-10-01T00:00:00Z', reason: 'elderly', page: new Blob(['p']), thumbnail: new Blob(['t']) };
}

describe('the local data sweep', () => {
  it('deletes paper pages of cases completed before the retention, and only those', async () => {
    const db = new WorkstationDb(`retention-${Math.random()}`);
    await db.cases.bulkAdd([
      completed('OLD', '2026-10-01T01:00:00Z', '2026-10-01T01:10:00Z'),
      completed('RECENT', '2026-11-20T01:00:00Z', '2026-11-20T01:10:00Z'),
    ]);
    // OLD has a page saved one image a row (before) and a material's PDF of five pages.
    await db.paperScans.bulkAdd([page('OLD'), { ...page('OLD'), materialId: 'M02', pages: 5 }, page('RECENT')]);
    const result = await sweepLocalData(db, NOW, 30);
    expect(result).toMatchObject({ paperPagesDeleted: 6, casesWithPagesDeleted: ['OLD'], abandonedCases: [] });
    expect(await db.paperScans.where('caseNo').equals('RECENT').count()).toBe(1);
    // The completed case's record stays.
    expect(await db.cases.get('OLD')).toMatchObject({ status: 'completed' });
    db.close();
  });

  it('deletes the pages of a case cancelled before the retention, counted from its opening', async () => {
    const db = new WorkstationDb(`retention-${Math.random()}`);
    await db.cases.bulkAdd([
      openRow('GONE', '2026-10-01T01:00:00Z', 'cancelled'),
      openRow('LATE', '2026-11-25T01:00:00Z', 'cancelled'),
      openRow('OPEN', '2026-11-27T01:30:00Z', 'open'),
    ]);
    await db.paperScans.bulkAdd([page('GONE'), page('LATE'), page('OPEN')]);
    const result = await sweepLocalData(db, NOW, 30);
    expect(result).toMatchObject({ paperPagesDeleted: 1, casesWithPagesDeleted: ['GONE'], abandonedCases: [] });
    expect((await db.paperScans.toArray()).map((p) => p.caseNo).sort()).toEqual(['LATE', 'OPEN']);
    db.close();
  });

  it('closes cases left open by a closed page, not the one being served', async () => {
    const db = new WorkstationDb(`retention-${Math.random()}`);
    await db.cases.bulkAdd([openRow('STALE', '2026-11-26T08:00:00Z', 'open'), openRow('NOW', '2026-11-27T01:55:00Z', 'open')]);
    const result = await sweepLocalData(db, NOW, 30);
    expect(result.abandonedCases).toEqual(['STALE']);
    expect((await db.cases.get('STALE'))!.status).toBe('cancelled');
    expect((await db.cases.get('NOW'))!.status).toBe('open');
    db.close();
  });

  it('removes outbox rows delivered longer ago than the retention, and never a row the library has not confirmed', async () => {
    const db = new WorkstationDb(`retention-${Math.random()}`);
    const row = (key: string, state: OutboxRow['state'], createdAt: string, deliveredAt?: string): OutboxRow =>
      state === 'delivered'
        ? {
            key,
            kind: 'usage_record',
            state,
            createdAt,
            attempts: 1,
            lastError: null,
            payload: { caseNo: key },
            deliveredAt: deliveredAt ?? createdAt,
            answer: { id: `UR-${key}` },
          }
        : { key, kind: 'usage_record', state, createdAt, attempts: 1, lastError: null, payload: usageRecord(key) };
    await db.outbox.bulkAdd([
      row('DELIVERED-OLD', 'delivered', '2026-10-01T01:00:00Z', '2026-10-01T01:00:05Z'),
      // Queued before the retention, delivered within it: it stays until its delivery is due.
      row('DELIVERED-LATE', 'delivered', '2026-10-01T01:00:00Z', '2026-11-20T09:00:00Z'),
      row('DELIVERED-RECENT', 'delivered', '2026-11-26T01:00:00Z', '2026-11-26T01:00:03Z'),
      row('QUEUED-OLD', 'queued', '2026-09-01T01:00:00Z'),
      row('REFUSED-OLD', 'needs_attention', '2026-09-01T01:00:00Z'),
      row('SENDING-OLD', 'sending', '2026-09-01T01:00:00Z'),
    ]);
    const result = await sweepLocalData(db, NOW, 30);
    expect(result.deliveredOutboxRowsDeleted).toBe(1);
    expect((await db.outbox.toArray()).map((r) => r.key).sort()).toEqual(['DELIVERED-LATE', 'DELIVERED-RECENT', 'QUEUED-OLD', 'REFUSED-OLD', 'SENDING-OLD']);
    expect((await sweepLocalData(db, NOW, 30)).deliveredOutboxRowsDeleted).toBe(0);
    db.close();
  });
});

describe('the catch-up holder names past the lookback', () => {
  it('deletes a kept name once its lookback has passed, and only that name', async () => {
    const db = new WorkstationDb(`retention-${Math.random()}`);
    await db.cases.bulkAdd([
      { ...completed('EXPIRED', '2026-10-01T01:00:00Z', '2026-10-01T01:10:00Z'), catchUpHolder: { name: '董琳', keepUntil: '2026-10-31T01:10:00.000Z' } },
      { ...completed('PENDING', '2026-11-20T01:00:00Z', '2026-11-20T01:10:00Z'), catchUpHolder: { name: '刘丽', keepUntil: '2026-12-20T01:10:00.000Z' } },
      completed('NONE', '2026-09-01T01:00:00Z', '2026-09-01T01:10:00Z'),
    ]);
    expect(await expireCatchUpHolders(db, NOW)).toEqual(['EXPIRED']);
    const expired = await db.cases.get('EXPIRED');
    expect(expired).not.toHaveProperty('catchUpHolder');
    // The case's record (identifiers, outcomes) stays; only the name goes.
    expect(expired).toMatchObject({ status: 'completed', completedAt: '2026-10-01T01:10:00Z' });
    const pending = await db.cases.get('PENDING');
    expect(pending?.status === 'completed' && pending.catchUpHolder?.name).toBe('刘丽');
    expect(await expireCatchUpHolders(db, NOW)).toEqual([]);
    db.close();
  });
});
