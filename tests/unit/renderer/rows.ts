import type { PurgedCase } from '../../../shared/counter-case';
import type { ObjectionRequest, UsageRecordRequest } from '../../../shared/library-api';
import type { CompletedCaseRow, ObjectionRow, OpenCaseRow, WorkstationDb } from '../../../renderer/db/db';

/**
 * Rows and payloads shaped exactly as the stored types say (renderer/db/db.ts), for tests that
 * write the tables directly: the fields a test cares about are given, the rest are plain.
 */

/** A usage record of one exempt material (what a completed case queues). */
export function usageRecord(caseNo: string, overrides: Partial<UsageRecordRequest> = {}): UsageRecordRequest {
  return {
    caseNo,
    matterCode: '310000-GA-SFZ-002',
    grantId: null,
    holder: { idType: '111', idNumber: '310115199709281086', name: '董琳' },
    operatorId: 'OP-1',
    workstationId: 'WS-TEST-01',
    completedAt: '2026-11-27T02:00:00Z',
    training: true,
    materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'elderly' }],
    ...overrides,
  };
}

/** An objection whose evidence is one page of `evidenceChars` base64 characters (none for 0). */
export function objectionRequest(id: string, evidenceChars = 0): ObjectionRequest {
  return {
    id,
    licenceId: '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.20190001.001.T',
    dimension: 'accuracy',
    fields: [{ key: 'name', recorded: '董琳', claimed: '董林' }],
    description: '姓名有误',
    filedBy: { operatorId: 'OP-1', role: 'clerk' },
    filedAt: '2026-11-27T02:00:00Z',
    evidence: evidenceChars > 0 ? [{ name: 'page.jpg', contentType: 'image/jpeg', data: 'A'.repeat(evidenceChars) }] : [],
  };
}

/** The objection's own row, queued (or in another state), with nothing yet from the issuer. */
export function objectionRow(id: string, overrides: Partial<ObjectionRow> = {}): ObjectionRow {
  const request = objectionRequest(id);
  return {
    id,
    state: 'queued',
    licenceId: request.licenceId,
    filedAt: request.filedAt,
    updatedAt: request.filedAt,
    record: { request: { ...request, evidence: [] }, issuer: null, receivedAt: null, result: null },
    ...overrides,
  };
}

/** A completed case's kept record with one material taken on paper for `paperReason`. */
export function keptCase(caseNo: string, completedAt = '2026-11-27T02:10:00Z', overrides: Partial<PurgedCase> = {}): PurgedCase {
  return {
    caseNo,
    matter: { code: '310000-GA-SFZ-002', name: '居民身份证换领' },
    holder: { idType: '111', idNumber: '310115199709281086' },
    grant: null,
    operatorId: 'OP-1',
    workstationId: 'WS-TEST-01',
    training: false,
    openedAt: completedAt,
    completedAt,
    purgedAt: completedAt,
    materials: [
      {
        materialId: 'M01',
        name: '申请人有效身份证件',
        required: true,
        record: { materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'elderly' },
        override: null,
        licences: [],
        paperScan: null,
      },
    ],
    ...overrides,
  };
}

/** The row of a completed case keeping `kept`. */
export function completedRow(kept: PurgedCase, extra: Partial<CompletedCaseRow> = {}): CompletedCaseRow {
  return {
    caseNo: kept.caseNo,
    status: 'completed',
    openedAt: kept.openedAt,
    completedAt: kept.completedAt,
    matterCode: kept.matter.code,
    training: kept.training,
    kept,
    ...extra,
  };
}

/** The stored row of a case that must be completed (the test fails if it is not). */
export async function completedCase(db: WorkstationDb, caseNo: string): Promise<CompletedCaseRow> {
  const row = await db.cases.get(caseNo);
  if (row?.status !== 'completed') throw new Error(`${caseNo} is not a completed case`);
  return row;
}

/** The row of a case still open (or cancelled). */
export function openRow(caseNo: string, openedAt: string, status: OpenCaseRow['status'] = 'open'): OpenCaseRow {
  return { caseNo, status, openedAt, completedAt: null, matterCode: '310000-GA-SFZ-002', training: false, matterName: '居民身份证换领' };
}
