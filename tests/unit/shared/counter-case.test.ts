import { describe, expect, it } from 'vitest';
import {
  allowedPaperReasons,
  buildReceipt,
  buildUsageRecord,
  caseBasis,
  caseNumberForReading,
  completionCheck,
  formatCaseNumber,
  holderShowedToken,
  maskHolderId,
  materialState,
  overrideProblem,
  parseCaseNumber,
  purgeCase,
  usageRecordIdempotencyKey,
  type CaseBasis,
  workstationShortName,
  type CaseLicence,
  type CaseMaterial,
  type CounterCase,
  type MaterialOverride,
  type MaterialState,
  type PaperScan,
} from '../../../shared/counter-case';
import { UsageRecordRequest, type Holder, type Material } from '../../../shared/library-api';
import type { VerificationOutcome } from '../../../shared/licence-verify';

const HOLDER: Holder = { idType: '111', idNumber: '310101198503120014', name: '张伟' };
const ID_A = '1.2.156.3005.2.11100000000013127D001.11310000MB2F25863W.000001.001.S';
const ID_B = '1.2.156.3005.2.11100000000013127D001.11310000MB2F25863W.000001.002.Q';
const ID_C = '1.2.156.3005.2.11100000000013127D001.11310000MB2F25863W.000002.001.P';

function material(id = 'M01', required = true): Material {
  return { id, name: id === 'M01' ? '申请人有效身份证件' : `材料${id}`, required, licenceTypes: ['11100000000013127D001'], faceFields: ['name', 'idNumber'] };
}

function licence(id: string, outcome: VerificationOutcome | null, issuedAt = '2024-03-01T00:00:00Z', version = '001'): CaseLicence {
  return {
    summary: {
      id,
      typeCode: '11100000000013127D001',
      typeName: '居民身份证',
      number: 'NO.1',
      holder: HOLDER,
      issuer: { code: '11310000MB2F25863W', name: '上海市公安局' },
      issuedAt,
      validFrom: '2024-03-01',
      validTo: '2034-03-01',
      status: 'valid',
      version,
    },
    report:
      outcome === null
        ? null
        : {
            licenceId: id,
            outcome,
            checks: [
              { check: 'holder_match', result: 'warn', evidence: 'same holder ID, but name "张伟" ≠ "张 伟"', reason: 'holder_name_differs' },
              { check: 'field_digest', result: 'pass', evidence: 'digest of field name matches', field: 'name' },
            ],
            verifiedAt: '2026-11-26T02:00:01Z',
            status: { status: 'valid', asOf: '2026-11-26T02:00:01Z', live: true },
          },
    faceFields: [
      { key: 'name', value: '张伟' },
      { key: 'idNumber', value: HOLDER.idNumber },
    ],
    file: { contentType: 'application/pdf', size: 1000, hash: 'f'.repeat(64), blobKey: `file:${id}` },
  };
}

const scan = (paperReason: PaperScan['paperReason']): PaperScan => ({
  paperReason,
  scannedAt: '2026-11-26T02:05:00Z',
  pages: 2,
  hash: 'e'.repeat(64),
  blobKey: 'scan:1',
});
const choosePaper: MaterialOverride = { kind: 'choose_paper', reason: '申请人要求提交纸质证件', operatorId: 'clerk01', at: '2026-11-26T02:03:00Z' };

function item(overrides: Partial<CaseMaterial> = {}): CaseMaterial {
  return { material: material(), pull: { state: 'done' }, licences: [], paperScan: null, override: null, ...overrides };
}

describe('case number', () => {
  it.each([
    ['PD01', '2026-11-26T02:00:00Z', 7, 'PD01-20261126-0007'],
    ['PD01', '2026-11-26T15:59:59Z', 1, 'PD01-20261126-0001'],
    ['PD01', '2026-11-26T16:00:00Z', 1, 'PD01-20261127-0001'],
    ['HP', '2026-12-31T20:00:00Z', 9999, 'HP-20270101-9999'],
  ])('%s at %s, #%d → %s', (short, at, seq, caseNo) => {
    expect(formatCaseNumber(short, new Date(at), seq)).toBe(caseNo);
  });

  it.each([
    ['pd01', 1],
    ['P', 1],
    ['1PD', 1],
    ['PD-01', 1],
    ['PD01', 0],
    ['PD01', 10000],
    ['PD01', 1.5],
  ])('refuses short name %j with sequence %d', (short, seq) => {
    expect(() => formatCaseNumber(short, new Date('2026-11-26T02:00:00Z'), seq)).toThrow(RangeError);
  });

  it.each([
    ['PD01-20261126-0007', { workstationShort: 'PD01', date: '2026-11-26', dailySeq: 7 }],
    ['PD01-20260230-0007', null],
    ['PD01-20261126-0000', null],
    ['PD01-20261126-007', null],
    ['pd01-20261126-0007', null],
    ['PD01-20261126-0007-1', null],
  ])('parses %s', (caseNo, parts) => {
    expect(parseCaseNumber(caseNo)).toEqual(parts);
  });

  it('groups the digits in fours for reading aloud', () => {
    expect(caseNumberForReading('PD01-20261126-0007')).toBe('PD01 2026 1126 0007');
    expect(caseNumberForReading('not a case')).toBe('not a case');
  });
});

describe('workstationShortName', () => {
  it.each([
    ['WS-DEMO-01', 'WSDEMO01'],
    ['pd01', 'PD01'],
    ['01-A', 'W01A'],
    ['A', 'A0'],
    ['PUDONG-HALL-WINDOW-12', 'PUDONGHA'],
  ])('%s numbers its cases %s-…', (id, short) => {
    expect(workstationShortName(id)).toBe(short);
    expect(parseCaseNumber(formatCaseNumber(short, new Date('2026-11-27T02:00:00Z'), 1))?.workstationShort).toBe(short);
  });
});

describe('materialState', () => {
  const cases: [string, CaseMaterial, MaterialState][] = [
    ['a pull under way', item({ pull: { state: 'pending' } }), { state: 'pending' }],
    ['a verification under way', item({ licences: [licence(ID_A, null)] }), { state: 'pending' }],
    ['a valid licence', item({ licences: [licence(ID_A, 'valid')] }), { state: 'exempt', licenceId: ID_A }],
    [
      'a valid licence while another is still verifying',
      item({ licences: [licence(ID_A, 'valid'), licence(ID_C, null)] }),
      { state: 'exempt', licenceId: ID_A },
    ],
    [
      'the newest of two valid licences',
      item({ licences: [licence(ID_A, 'valid', '2024-03-01T00:00:00Z'), licence(ID_C, 'valid', '2025-01-01T00:00:00Z')] }),
      { state: 'exempt', licenceId: ID_C },
    ],
    [
      'a valid new version beside its superseded old one',
      item({ licences: [licence(ID_A, 'superseded'), licence(ID_B, 'valid', '2024-03-01T00:00:00Z', '002')] }),
      { state: 'exempt', licenceId: ID_B },
    ],
    [
      'none in the library',
      item({ licences: [] }),
      { state: 'needs_paper', why: 'not_in_library', overrideReason: null, suggestedPaperReason: 'not_in_library' },
    ],
    ['no grant', item({ pull: { state: 'skipped' } }), { state: 'needs_paper', why: 'no_grant', overrideReason: null, suggestedPaperReason: 'no_phone' }],
    [
      'an expired licence',
      item({ licences: [licence(ID_A, 'expired')] }),
      { state: 'failed', failure: { kind: 'licence', licenceId: ID_A, outcome: 'expired' }, suggestedPaperReason: 'verification_failed', canObject: true },
    ],
    [
      'a revoked newer and an expired older licence: the newer one is the reason',
      item({ licences: [licence(ID_A, 'expired', '2020-01-01T00:00:00Z'), licence(ID_C, 'revoked', '2025-01-01T00:00:00Z')] }),
      { state: 'failed', failure: { kind: 'licence', licenceId: ID_C, outcome: 'revoked' }, suggestedPaperReason: 'verification_failed', canObject: true },
    ],
    [
      'a licence whose detail could not be fetched',
      item({ licences: [licence(ID_A, 'unavailable')] }),
      { state: 'failed', failure: { kind: 'licence', licenceId: ID_A, outcome: 'unavailable' }, suggestedPaperReason: 'library_unreachable', canObject: false },
    ],
    [
      'a licence the library no longer finds',
      item({ licences: [licence(ID_A, 'not_in_library')] }),
      { state: 'needs_paper', why: 'not_in_library', overrideReason: null, suggestedPaperReason: 'not_in_library' },
    ],
    [
      'an unreachable library',
      item({ pull: { state: 'failed', errorCode: 'UNAVAILABLE' } }),
      { state: 'failed', failure: { kind: 'pull', errorCode: 'UNAVAILABLE' }, suggestedPaperReason: 'library_unreachable', canObject: false },
    ],
    [
      'a pull refused for scope',
      item({ pull: { state: 'failed', errorCode: 'SCOPE_DENIED' } }),
      { state: 'failed', failure: { kind: 'pull', errorCode: 'SCOPE_DENIED' }, suggestedPaperReason: 'verification_failed', canObject: false },
    ],
    [
      'paper scanned after a failed licence',
      item({ licences: [licence(ID_A, 'revoked')], paperScan: scan('verification_failed') }),
      { state: 'paper_scanned', paperReason: 'verification_failed', licenceId: ID_A },
    ],
    [
      'paper scanned by the applicant’s choice over a valid licence',
      item({ licences: [licence(ID_A, 'valid')], paperScan: scan('applicant_choice') }),
      { state: 'paper_scanned', paperReason: 'applicant_choice', licenceId: null },
    ],
    [
      'paper scanned with no grant',
      item({ pull: { state: 'skipped' }, paperScan: scan('elderly') }),
      { state: 'paper_scanned', paperReason: 'elderly', licenceId: null },
    ],
    [
      'a valid licence set aside by the clerk',
      item({ licences: [licence(ID_A, 'valid')], override: choosePaper }),
      { state: 'needs_paper', why: 'override', overrideReason: choosePaper.reason, suggestedPaperReason: 'applicant_choice' },
    ],
    [
      'another valid licence picked by the clerk',
      item({
        licences: [licence(ID_A, 'valid', '2024-03-01T00:00:00Z'), licence(ID_C, 'valid', '2025-01-01T00:00:00Z')],
        override: { kind: 'use_licence', licenceId: ID_A, reason: '申请人指定旧证', operatorId: 'clerk01', at: '2026-11-26T02:03:00Z' },
      }),
      { state: 'exempt', licenceId: ID_A },
    ],
    [
      'an override naming a licence that did not verify changes nothing',
      item({
        licences: [licence(ID_A, 'revoked'), licence(ID_C, 'valid', '2025-01-01T00:00:00Z')],
        override: { kind: 'use_licence', licenceId: ID_A, reason: '强行使用', operatorId: 'clerk01', at: '2026-11-26T02:03:00Z' },
      }),
      { state: 'exempt', licenceId: ID_C },
    ],
    [
      'an override on a licence that later failed re-verification is void',
      item({ licences: [licence(ID_A, 'revoked')], override: choosePaper }),
      { state: 'failed', failure: { kind: 'licence', licenceId: ID_A, outcome: 'revoked' }, suggestedPaperReason: 'verification_failed', canObject: true },
    ],
  ];
  it.each(cases)('%s', (_, m, state) => {
    expect(materialState(m)).toEqual(state);
  });
});

describe('overrides', () => {
  const valid = item({ licences: [licence(ID_A, 'valid'), licence(ID_C, 'valid', '2025-01-01T00:00:00Z')] });
  it.each<[string, CaseMaterial, MaterialOverride, string | null]>([
    ['choosing paper over a valid licence, with a reason', valid, choosePaper, null],
    ['picking another valid licence', valid, { ...choosePaper, kind: 'use_licence', licenceId: ID_A }, null],
    ['an empty reason', valid, { ...choosePaper, reason: '   ' }, 'reason_required'],
    ['a one-character reason', valid, { ...choosePaper, reason: '无' }, 'reason_required'],
    ['an override of a failed licence', item({ licences: [licence(ID_A, 'revoked')] }), choosePaper, 'not_applicable'],
    ['an override of a material with nothing in the library', item(), choosePaper, 'not_applicable'],
    ['an override once paper is scanned', item({ licences: [licence(ID_A, 'valid')], paperScan: scan('elderly') }), choosePaper, 'not_applicable'],
    [
      'picking a licence that is not valid',
      item({ licences: [licence(ID_A, 'expired'), licence(ID_C, 'valid')] }),
      { ...choosePaper, kind: 'use_licence', licenceId: ID_A },
      'licence_not_valid',
    ],
  ])('%s', (_, m, override, problem) => {
    expect(overrideProblem(m, override)).toBe(problem);
  });
});

describe('allowedPaperReasons', () => {
  it.each<[string, CaseMaterial, string[]]>([
    ['none in the library', item(), ['not_in_library', 'elderly', 'no_phone', 'applicant_choice']],
    ['a failed licence', item({ licences: [licence(ID_A, 'revoked')] }), ['verification_failed', 'elderly', 'no_phone', 'applicant_choice']],
    ['an unreachable library', item({ pull: { state: 'failed', errorCode: 'NETWORK' } }), ['library_unreachable', 'elderly', 'no_phone', 'applicant_choice']],
    [
      'a refused pull',
      item({ pull: { state: 'failed', errorCode: 'GRANT_INVALID' } }),
      ['verification_failed', 'library_unreachable', 'elderly', 'no_phone', 'applicant_choice'],
    ],
    ['a pull still under way', item({ pull: { state: 'pending' } }), ['library_unreachable', 'elderly', 'no_phone', 'applicant_choice']],
    ['no grant', item({ pull: { state: 'skipped' } }), ['no_phone', 'elderly', 'applicant_choice']],
    ['a valid licence (the applicant may still prefer paper)', item({ licences: [licence(ID_A, 'valid')] }), ['elderly', 'no_phone', 'applicant_choice']],
  ])('%s', (_, m, reasons) => {
    expect(allowedPaperReasons(materialState(m))).toEqual(reasons);
  });
});

function counterCase(materials: CaseMaterial[], overrides: Partial<CounterCase> = {}): CounterCase {
  return {
    caseNo: 'PD01-20261126-0007',
    matter: { code: '310000-MZ-HY-006', name: '内地居民结婚登记' },
    holder: HOLDER,
    grant: { grantId: 'g-123', basis: 'token', reason: null },
    operatorId: 'clerk01',
    workstationId: 'PD01',
    training: false,
    openedAt: '2026-11-26T02:00:00Z',
    materials,
    ...overrides,
  };
}

const exemptId = item({ licences: [licence(ID_A, 'valid')] });
const paperHousehold = item({ material: material('M02'), paperScan: scan('not_in_library') });
const optionalMissing = item({ material: material('M03', false) });
const optionalFailed = item({ material: material('M04', false), licences: [licence(ID_C, 'expired')] });

describe('completionCheck', () => {
  it.each<[string, CaseMaterial[], string[]]>([
    ['every required material exempt or paper-scanned', [exemptId, paperHousehold], []],
    ['optional materials neither exempt nor scanned', [exemptId, optionalMissing, optionalFailed], []],
    ['a required material that needs paper', [exemptId, item({ material: material('M02') })], ['M02']],
    ['a required material that failed', [item({ licences: [licence(ID_A, 'expired')] })], ['M01']],
    ['a required material set aside by an override, not yet scanned', [item({ licences: [licence(ID_A, 'valid')], override: choosePaper })], ['M01']],
    ['an optional material still pulling', [exemptId, item({ material: material('M03', false), pull: { state: 'pending' } })], ['M03']],
  ])('%s', (_, materials, blocking) => {
    const check = completionCheck(counterCase(materials));
    expect(check.ok).toBe(blocking.length === 0);
    expect(check.blocking.map((b) => b.materialId)).toEqual(blocking);
  });
});

describe('usage record and receipt', () => {
  const c = counterCase([
    exemptId,
    paperHousehold,
    optionalMissing,
    item({ material: material('M05'), licences: [licence(ID_C, 'revoked')], paperScan: scan('verification_failed') }),
  ]);
  const record = buildUsageRecord(c, '2026-11-26T02:10:00Z');

  it('lists every material: exempt with its licence, paper with its reason, missing', () => {
    expect(record.materials).toEqual([
      { materialId: 'M01', outcome: 'exempt', licenceId: ID_A, paperReason: null },
      { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'not_in_library' },
      { materialId: 'M03', outcome: 'missing', licenceId: null, paperReason: null },
      { materialId: 'M05', outcome: 'paper', licenceId: ID_C, paperReason: 'verification_failed' },
    ]);
  });

  it('is a body the library accepts', () => {
    expect(UsageRecordRequest.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({
      caseNo: c.caseNo,
      matterCode: c.matter.code,
      grantId: 'g-123',
      operatorId: 'clerk01',
      workstationId: 'PD01',
      training: false,
    });
  });

  it('has no grant id when the case had none, and keeps the training flag', () => {
    const paperOnly = counterCase([item({ pull: { state: 'skipped' }, paperScan: scan('no_phone') })], { grant: null, training: true });
    expect(buildUsageRecord(paperOnly, '2026-11-26T02:10:00Z')).toMatchObject({ grantId: null, training: true });
  });

  it('is refused for a case that cannot be completed', () => {
    expect(() => buildUsageRecord(counterCase([item()]), '2026-11-26T02:10:00Z')).toThrow(/cannot be completed/);
  });

  it('has one idempotency key per case, the same on every retry', () => {
    const at = '2026-11-26T01:02:03.456Z';
    expect(usageRecordIdempotencyKey('PD01-20261126-0007', at)).toBe(usageRecordIdempotencyKey('PD01-20261126-0007', at));
    expect(usageRecordIdempotencyKey('PD01-20261126-0007', at)).not.toBe(usageRecordIdempotencyKey('PD01-20261126-0008', at));
    // The same case number opened again after local data was lost is another case.
    expect(usageRecordIdempotencyKey('PD01-20261126-0007', at)).not.toBe(usageRecordIdempotencyKey('PD01-20261126-0007', '2026-11-26T05:00:00.000Z'));
    expect(usageRecordIdempotencyKey('PD01-20261126-0007', at)).toMatch(/^[\x21-\x7e]{1,128}$/);
  });

  it('prints every material and how it was satisfied', () => {
    const receipt = buildReceipt(c, record);
    expect(receipt.lines.map((l) => [l.name, l.required, l.outcome, l.licenceId, l.paperReason])).toEqual([
      ['申请人有效身份证件', true, 'exempt', ID_A, null],
      ['材料M02', true, 'paper', null, 'not_in_library'],
      ['材料M03', false, 'missing', null, null],
      ['材料M05', true, 'paper', ID_C, 'verification_failed'],
    ]);
    expect(receipt.counts).toEqual({ exempt: 1, paper: 2, missing: 1 });
    expect(receipt).toMatchObject({
      caseNo: 'PD01-20261126-0007',
      caseNoForReading: 'PD01 2026 1126 0007',
      holder: { name: '张伟', idType: '111', idNumberMasked: '310101********0014' },
      completedAtText: '2026-11-26 10:10',
      training: false,
    });
  });

  it('says how the case was authorised, or why it was not', () => {
    expect(buildReceipt(c, record).basis).toBe('token');
    const cases: Array<[Pick<CounterCase, 'grant' | 'noGrant'>, CaseBasis, boolean]> = [
      [{ grant: { grantId: 'g', basis: 'token', reason: null } }, 'token', true],
      [{ grant: { grantId: 'g', basis: 'duty', reason: '老年人' } }, 'duty', false],
      [{ grant: null, noGrant: { cause: 'library_unreachable', holderFrom: 'token' } }, 'unreachable_token', true],
      [{ grant: null, noGrant: { cause: 'library_unreachable', holderFrom: 'typed' } }, 'unreachable_no_phone', false],
      [{ grant: null, noGrant: { cause: 'no_duty_basis', holderFrom: 'typed' } }, 'no_phone_social', false],
      [{ grant: null }, 'none', false],
    ];
    for (const [authorised, basis, showedToken] of cases) {
      expect(caseBasis(authorised)).toBe(basis);
      expect(holderShowedToken(authorised)).toBe(showedToken);
    }
  });

  it.each([
    [{ idType: '111', idNumber: '310101198503120014' }, '310101********0014'],
    [{ idType: '001', idNumber: '91350100M000100Y43' }, '91350100M000100Y43'],
    // A citizen ID that is not 18 characters is still masked, never printed in full.
    [{ idType: '111', idNumber: '310101850312001' }, '*************01'],
  ] as const)('masks %j as %s', (holder, masked) => {
    expect(maskHolderId(holder)).toBe(masked);
  });
});

describe('purgeCase', () => {
  const c = counterCase([exemptId, item({ material: material('M05'), licences: [licence(ID_C, 'revoked')], paperScan: scan('verification_failed') })]);
  const { kept, blobKeysToDelete } = purgeCase(c, '2026-11-26T02:10:00Z', '2026-11-26T02:10:05Z');
  const text = JSON.stringify(kept);

  it('deletes every pulled file', () => {
    expect(blobKeysToDelete).toEqual([`file:${ID_A}`, `file:${ID_C}`]);
  });

  it('drops face data, the holder’s name and the verification evidence', () => {
    expect(text).not.toContain('张伟');
    expect(text).not.toContain('faceFields');
    expect(text).not.toContain('evidence');
    expect(text).not.toContain('file:');
    expect(kept.holder).toEqual({ idType: '111', idNumber: HOLDER.idNumber });
  });

  it('keeps identifiers, outcomes and hashes', () => {
    expect(kept).toMatchObject({ caseNo: c.caseNo, matter: c.matter, grant: c.grant, completedAt: '2026-11-26T02:10:00Z', purgedAt: '2026-11-26T02:10:05Z' });
    expect(kept.materials[0]).toMatchObject({
      materialId: 'M01',
      record: { outcome: 'exempt', licenceId: ID_A },
      licences: [
        {
          licenceId: ID_A,
          typeCode: '11100000000013127D001',
          issuerCode: '11310000MB2F25863W',
          version: '001',
          status: 'valid',
          outcome: 'valid',
          checks: [
            { check: 'holder_match', result: 'warn' },
            { check: 'field_digest', result: 'pass', field: 'name' },
          ],
          verifiedAt: '2026-11-26T02:00:01Z',
          fileHash: 'f'.repeat(64),
        },
      ],
    });
    expect(kept.materials[1]).toMatchObject({
      record: { outcome: 'paper', licenceId: ID_C, paperReason: 'verification_failed' },
      paperScan: { hash: 'e'.repeat(64) },
    });
  });

  it.each([
    ['a timed pull', { state: 'done', latencyMs: 182 }, 182],
    ['a pull not timed', { state: 'done' }, null],
    ['a failed pull', { state: 'failed', errorCode: 'NETWORK' }, null],
    ['no pull (no grant)', { state: 'skipped' }, null],
  ] as const)('keeps the pull latency of %s for the supervisor (%j → %s)', (_, pull, expected) => {
    const timed = counterCase([item({ pull, licences: [licence(ID_A, 'valid')] })]);
    expect(purgeCase(timed, '2026-11-26T02:10:00Z', '2026-11-26T02:10:05Z').kept.materials[0]!.pullLatencyMs).toBe(expected);
  });

  it.each([
    ['the library unreachable', { state: 'failed', errorCode: 'UNAVAILABLE' }, true],
    ['a network failure', { state: 'failed', errorCode: 'NETWORK' }, true],
    ['a refusal', { state: 'failed', errorCode: 'SCOPE_DENIED' }, false],
    ['an answered pull', { state: 'done' }, false],
    ['no pull (no grant)', { state: 'skipped' }, false],
  ] as const)('records whether the pull could not reach the library: %s → %s', (_, pull, expected) => {
    const paper = counterCase([item({ pull, paperScan: scan('no_phone') })]);
    expect(purgeCase(paper, '2026-11-26T02:10:00Z', '2026-11-26T02:10:05Z').kept.materials[0]!.libraryUnreachable).toBe(expected);
  });

  it('keeps why there was no grant', () => {
    const offline = counterCase([item({ pull: { state: 'failed', errorCode: 'UNAVAILABLE' }, paperScan: scan('library_unreachable') })], {
      grant: null,
      noGrant: { cause: 'library_unreachable', holderFrom: 'token' },
    });
    expect(purgeCase(offline, '2026-11-26T02:10:00Z', '2026-11-26T02:10:05Z').kept.noGrant).toEqual({ cause: 'library_unreachable', holderFrom: 'token' });
  });

  it('keeps only the fields it names, whatever else the case carries', () => {
    const extended = { ...c, scratchNotes: '临时备注' } as CounterCase;
    expect(JSON.stringify(purgeCase(extended, '2026-11-26T02:10:00Z', '2026-11-26T02:10:05Z').kept)).not.toContain('临时备注');
  });
});
