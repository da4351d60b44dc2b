import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_PREV } from '../../../shared/audit-chain';
import type { PurgedCase } from '../../../shared/counter-case';
import { HallRecord } from '../../../shared/hall-api';
import {
  chainHeadOf,
  cutPush,
  hallCancelledCaseOf,
  hallCompletedCaseOf,
  hallCorrectionCaseOf,
  hallObjectionOf,
  objectionRecordKey,
  outboxReportOf,
} from '../../../shared/hall-sync';
import { keptCase, objectionRow } from '../renderer/rows';

const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.20190001.001.T';

/** A purged case as the counter keeps it, with every field the workstation adds for itself. */
function purged(): PurgedCase {
  const kept = keptCase('WS01-20261126-0007', '2026-11-26T02:10:00Z');
  kept.grant = { grantId: 'g-1', basis: 'token', reason: null };
  kept.noGrant = null;
  kept.materials = [
    {
      materialId: 'M01',
      name: '户口簿',
      required: true,
      record: { materialId: 'M01', outcome: 'exempt', licenceId: LICENCE, paperReason: null },
      override: { kind: 'use_licence', licenceId: LICENCE, reason: '较新的证照', operatorId: 'OP-1', at: '2026-11-26T02:05:00Z' },
      licences: [
        {
          licenceId: LICENCE,
          typeCode: '11100000000013127D001',
          issuerCode: 'X',
          version: '1',
          status: 'valid',
          outcome: 'valid',
          checks: [{ check: 'signature', result: 'pass' }],
          verifiedAt: '2026-11-26T02:04:00Z',
          fileHash: 'a'.repeat(64),
        },
      ],
      paperScan: { paperReason: 'elderly', scannedAt: '2026-11-26T02:06:00Z', pages: 2, hash: 'b'.repeat(64), blobKey: 'scan:local-1' },
      pullLatencyMs: 412,
      libraryUnreachable: false,
    },
  ];
  return kept;
}

describe('the records the hall takes', () => {
  it('a completed case: the purged record, allow-listed to the hall’s strict schema (no local fields, no blob key, no name)', () => {
    // As kept, the record has fields the hall's schema refuses (it would stop the stream).
    expect(HallRecord.safeParse({ seq: 1, kind: 'case', case: { status: 'completed', ...purged() } }).success).toBe(false);
    const record = { seq: 1, kind: 'case' as const, case: hallCompletedCaseOf(purged()) };
    expect(HallRecord.safeParse(record).success).toBe(true);
    const text = JSON.stringify(record);
    expect(text).not.toContain('libraryUnreachable');
    expect(text).not.toContain('noGrant');
    expect(text).not.toContain('scan:local-1');
    expect(record.case.holder).toEqual({ idType: '111', idNumber: '310115199709281086' });
  });

  it('a cancelled case: who and when from the event that cancelled it', () => {
    const cancelled = hallCancelledCaseOf(
      { caseNo: 'WS01-20261126-0008', matterCode: '310000-GA-SFZ-002', matterName: '居民身份证换领', training: false, openedAt: '2026-11-26T02:00:00Z' },
      { operatorId: 'OP-1', workstationId: 'WS01', at: '2026-11-26T02:30:00Z' },
    );
    expect(HallRecord.safeParse({ seq: 2, kind: 'case', case: cancelled }).success).toBe(true);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: '2026-11-26T02:30:00Z' });
  });

  it('a case closed as 补正: what the workstation keeps of it, who and when from the purge that closed it', () => {
    const row = { caseNo: 'WS01-20261126-0009', matterCode: '310000-GA-SFZ-002', matterName: '', training: true, openedAt: '2026-11-26T03:00:00Z' };
    const closed = hallCorrectionCaseOf(row, { operatorId: 'OP-2', workstationId: 'WS01', at: '2026-11-26T03:40:00Z' });
    expect(closed).toEqual({
      status: 'correction',
      caseNo: 'WS01-20261126-0009',
      // A row without the matter's name (kept since schema version 7) is named by its code.
      matter: { code: '310000-GA-SFZ-002', name: '310000-GA-SFZ-002' },
      operatorId: 'OP-2',
      workstationId: 'WS01',
      training: true,
      openedAt: '2026-11-26T03:00:00Z',
      closedAt: '2026-11-26T03:40:00Z',
    });
    expect(HallRecord.safeParse({ seq: 4, kind: 'case', case: closed }).success).toBe(true);
    // Strict like the others: a field the hall does not define stops it here, not at the hall.
    expect(HallRecord.safeParse({ seq: 4, kind: 'case', case: { ...closed, noticeId: 'N-1' } }).success).toBe(false);
    expect(HallRecord.safeParse({ seq: 4, kind: 'case', case: { ...closed, closedAt: undefined } }).success).toBe(false);
  });

  it('an objection: its state and who filed it, never the contested values, the description or a draft', () => {
    const row = objectionRow('OBJ-1');
    const facts = { ...row, request: row.record.request, issuer: null, receivedAt: null, result: null, delivery: null };
    const objection = hallObjectionOf(facts)!;
    expect(HallRecord.safeParse({ seq: 3, kind: 'objection', objection }).success).toBe(true);
    expect(objection).toMatchObject({ id: 'OBJ-1', state: 'queued', fieldKeys: ['name'] });
    expect(JSON.stringify(objection)).not.toContain('董琳');
    expect(hallObjectionOf({ ...facts, delivery: 'needs_attention' })!.state).toBe('needs_attention');
    expect(hallObjectionOf({ ...facts, state: 'draft' })).toBeNull();
    expect(objectionRecordKey(objection)).toBe('objection:OBJ-1:queued:2026-11-27T02:00:00Z');
  });
});

describe('a push', () => {
  const event = (seq: number, size = 0) => ({
    seq,
    at: '2026-11-26T02:00:00Z',
    operator: 'OP-1',
    role: 'clerk',
    workstation: 'WS01',
    case: null,
    kind: 'view' as const,
    details: { licenceId: 'x'.repeat(size) },
    prev: AUDIT_GENESIS_PREV,
    hash: AUDIT_GENESIS_PREV,
  });
  const record = (seq: number) => ({ seq, kind: 'case' as const, case: hallCompletedCaseOf(purged()) });

  it('takes each stream in order up to its limit', () => {
    const push = cutPush(
      chainHeadOf(null),
      [1, 2, 3, 4, 5].map((s) => event(s)),
      [1, 2, 3].map(record),
      null,
      { events: 3, records: 2, chars: 1_000_000 },
    );
    expect(push.audit.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(push.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(push.head).toEqual({ seq: 0, hash: AUDIT_GENESIS_PREV });
  });

  it('stops before the size limit, but always carries one item', () => {
    const push = cutPush(chainHeadOf(null), [event(1, 5000), event(2, 5000)], [record(1)], null, { events: 100, records: 100, chars: 1000 });
    expect(push.audit.map((e) => e.seq)).toEqual([1]);
    expect(push.records).toEqual([]);
  });

  it('the outbox report: unsent usage records and objections, with the oldest of each', () => {
    const report = outboxReportOf(
      [
        { kind: 'usage_record', state: 'queued', createdAt: '2026-11-26T03:00:00Z' },
        { kind: 'usage_record', state: 'needs_attention', createdAt: '2026-11-26T01:00:00Z' },
        { kind: 'objection', state: 'sending', createdAt: '2026-11-26T02:00:00Z' },
      ],
      '2026-11-26T04:00:00Z',
    );
    expect(report).toEqual({
      at: '2026-11-26T04:00:00Z',
      usageRecords: { count: 2, oldestAt: '2026-11-26T01:00:00Z' },
      objections: { count: 1, oldestAt: '2026-11-26T02:00:00Z' },
      needsAttention: 1,
    });
  });
});
