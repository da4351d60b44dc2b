import { describe, expect, it } from 'vitest';
import { buildReceipt, buildUsageRecord, type CaseLicence, type CaseMaterial, type CounterCase } from '../../../shared/counter-case';
import { PRINT_LAYOUTS } from '../../../shared/devices';
import type { Holder, Material } from '../../../shared/library-api';
import type { VerificationOutcome } from '../../../shared/licence-verify';
import {
  LAYOUT_GEOMETRY,
  noticeDocument,
  noticeDue,
  outstandingMaterials,
  planNotice,
  receiptDocument,
  type NoticePlan,
} from '../../../shared/print-documents';

const HOLDER: Holder = { idType: '111', idNumber: '310101198503120014', name: '张伟' };
const TYPE_NAMES: Record<string, string> = { T_ID: '居民身份证', T_MARRIAGE: '结婚证', T_HUKOU: '居民户口簿' };
const typeName = (code: string) => TYPE_NAMES[code] ?? code;

function material(id: string, name: string, required = true, licenceTypes = ['T_ID']): Material {
  return { id, name, required, licenceTypes, faceFields: [] };
}

function licence(id: string, outcome: VerificationOutcome): CaseLicence {
  return {
    summary: {
      id,
      typeCode: 'T_ID',
      typeName: '居民身份证',
      number: 'NO.1',
      holder: HOLDER,
      issuer: { code: '11310000MB2F25863W', name: '上海市公安局' },
      issuedAt: '2024-03-01T00:00:00Z',
      validFrom: '2024-03-01',
      validTo: '2034-03-01',
      status: 'valid',
      version: '001',
    },
    report: { licenceId: id, outcome, checks: [], verifiedAt: '2026-11-26T02:00:01Z', status: { status: 'valid', asOf: '2026-11-26T02:00:01Z', live: true } },
    faceFields: [{ key: 'idNumber', value: HOLDER.idNumber }],
    file: { contentType: 'application/pdf', size: 1000, hash: 'f'.repeat(64), blobKey: null },
  };
}

function item(m: Material, overrides: Partial<CaseMaterial> = {}): CaseMaterial {
  return { material: m, pull: { state: 'done' }, licences: [], paperScan: null, override: null, ...overrides };
}

const exempt = item(material('M01', '申请人有效身份证件'), { licences: [licence('L-OK', 'valid')] });
const scanned = item(material('M05', '申请书', true, ['T_FORM']), {
  paperScan: { paperReason: 'not_in_library', scannedAt: '2026-11-26T02:04:00Z', pages: 1, hash: 'e'.repeat(64), blobKey: 'x' },
});
const notInLibrary = item(material('M03', '结婚证', true, ['T_MARRIAGE']));
const expired = item(material('M07', '机动车驾驶证'), { licences: [licence('L-EXP', 'expired')] });
const unreachable = item(material('M02', '居民户口簿', true, ['T_HUKOU']), { pull: { state: 'failed', errorCode: 'UNAVAILABLE' } });
const refused = item(material('M04', '不动产权证书'), { pull: { state: 'failed', errorCode: 'SCOPE_DENIED' } });
const skipped = item(material('M08', '户口簿'), { pull: { state: 'skipped' } });
const setAside = item(material('M09', '学历证书'), {
  licences: [licence('L-SET', 'valid')],
  override: { kind: 'choose_paper', reason: '申请人要求提交纸质证件', operatorId: 'OP-1', at: '2026-11-26T02:03:00Z' },
});
const optionalMissing = item(material('M10', '其他材料', false), { pull: { state: 'done' } });
const pending = item(material('M11', '营业执照'), { pull: { state: 'pending' } });

function counterCase(materials: CaseMaterial[], training = false): CounterCase {
  return {
    caseNo: 'WSDEMO01-20261126-0007',
    matter: { code: '310000-MZ-HY-007', name: '离婚登记' },
    holder: HOLDER,
    grant: { grantId: 'G-1', basis: 'token', reason: null },
    noGrant: null,
    operatorId: 'OP-PD-0101',
    workstationId: 'WS-DEMO-01',
    training,
    openedAt: '2026-11-26T02:00:00Z',
    materials,
  };
}

const CONTEXT = { department: '区民政局', operatorName: '王晓燕' };

describe('the materials a notice lists', () => {
  it('lists every required material that is neither exempt nor on paper, with why, in the usage list’s order', () => {
    const c = counterCase([exempt, notInLibrary, expired, scanned, unreachable, refused, skipped, setAside, optionalMissing]);
    expect(outstandingMaterials(c, typeName)).toEqual([
      { materialId: 'M03', name: '结婚证', licenceTypes: ['结婚证'], reason: 'not_in_library', outcome: null, detail: null },
      { materialId: 'M07', name: '机动车驾驶证', licenceTypes: ['居民身份证'], reason: 'licence_invalid', outcome: 'expired', detail: null },
      { materialId: 'M02', name: '居民户口簿', licenceTypes: ['居民户口簿'], reason: 'library_unreachable', outcome: null, detail: null },
      { materialId: 'M04', name: '不动产权证书', licenceTypes: ['居民身份证'], reason: 'pull_failed', outcome: null, detail: 'SCOPE_DENIED' },
      { materialId: 'M08', name: '户口簿', licenceTypes: ['居民身份证'], reason: 'no_grant', outcome: null, detail: null },
      { materialId: 'M09', name: '学历证书', licenceTypes: ['居民身份证'], reason: 'paper_requested', outcome: null, detail: '申请人要求提交纸质证件' },
    ]);
  });

  it('says the library was unreachable for a licence it could not check, not that the licence is invalid', () => {
    const c = counterCase([item(material('M01', '身份证'), { licences: [licence('L-U', 'unavailable')] })]);
    expect(outstandingMaterials(c, typeName)).toMatchObject([{ reason: 'library_unreachable', outcome: null }]);
  });

  it('names a licence type the catalog does not know by its code', () => {
    const c = counterCase([item(material('M01', '证明', true, ['T_UNKNOWN', 'T_ID']))]);
    expect(outstandingMaterials(c, typeName)[0]!.licenceTypes).toEqual(['T_UNKNOWN', '居民身份证']);
  });
});

describe('the clerk’s decision with a notice', () => {
  it('leaves the case open and keeps everything when the clerk keeps it open', () => {
    const result = planNotice(counterCase([exempt, notInLibrary]), 'keep_open', typeName);
    expect(result).toEqual({
      ok: true,
      plan: {
        choice: 'keep_open',
        outstanding: [expect.objectContaining({ materialId: 'M03' })],
        caseStatus: 'open',
        purgePulled: false,
        deletePaper: false,
        usageRecord: false,
      },
    });
  });

  it('closes the case as 补正, purging the pulled data and the paper, with no usage record', () => {
    const result = planNotice(counterCase([exempt, scanned, notInLibrary]), 'close_correction', typeName);
    expect(result.ok && result.plan).toMatchObject({
      choice: 'close_correction',
      caseStatus: 'correction',
      purgePulled: true,
      deletePaper: true,
      usageRecord: false,
    });
  });

  it('refuses a notice while a pull is under way, and when nothing required is missing', () => {
    expect(planNotice(counterCase([notInLibrary, pending]), 'keep_open', typeName)).toEqual({ ok: false, problem: 'pulls_pending' });
    expect(planNotice(counterCase([exempt, scanned, optionalMissing]), 'close_correction', typeName)).toEqual({ ok: false, problem: 'nothing_missing' });
  });

  it('is due exactly when the case cannot be completed for want of a material', () => {
    expect(noticeDue(counterCase([exempt, notInLibrary]))).toBe(true);
    expect(noticeDue(counterCase([exempt, optionalMissing]))).toBe(false);
    expect(noticeDue(counterCase([notInLibrary, pending]))).toBe(false);
  });
});

describe('the printed documents', () => {
  const plan = (c: CounterCase, choice: 'keep_open' | 'close_correction'): NoticePlan => {
    const result = planNotice(c, choice, typeName);
    if (!result.ok) throw new Error(result.problem);
    return result.plan;
  };

  it('builds the notice with the matter, the case number, what is missing and why, what is already given, and the choice', () => {
    const c = counterCase([exempt, scanned, notInLibrary, expired, optionalMissing]);
    const doc = noticeDocument(c, plan(c, 'close_correction'), '2026-11-26T02:10:30Z', CONTEXT);
    expect(doc).toMatchObject({
      kind: 'notice',
      caseNo: 'WSDEMO01-20261126-0007',
      caseNoForReading: 'WSDEMO01 2026 1126 0007',
      matter: { code: '310000-MZ-HY-007', name: '离婚登记' },
      department: '区民政局',
      holder: { name: '张伟', idType: '111', idNumberMasked: '310101********0014' },
      operator: { id: 'OP-PD-0101', name: '王晓燕' },
      workstationId: 'WS-DEMO-01',
      issuedAtText: '2026-11-26 10:10',
      training: false,
      basis: 'token',
      choice: 'close_correction',
      satisfied: [
        { materialId: 'M01', name: '申请人有效身份证件', outcome: 'exempt' },
        { materialId: 'M05', name: '申请书', outcome: 'paper' },
      ],
    });
    expect(doc.outstanding.map((m) => [m.materialId, m.reason, m.outcome])).toEqual([
      ['M03', 'not_in_library', null],
      ['M07', 'licence_invalid', 'expired'],
    ]);
  });

  it('builds the receipt from the completed case’s receipt', () => {
    const c = counterCase([exempt, scanned, optionalMissing], true);
    const receipt = buildReceipt(c, buildUsageRecord(c, '2026-11-26T03:00:00Z'));
    const doc = receiptDocument(receipt, CONTEXT);
    expect(doc).toMatchObject({
      kind: 'receipt',
      caseNo: 'WSDEMO01-20261126-0007',
      department: '区民政局',
      operator: { id: 'OP-PD-0101', name: '王晓燕' },
      issuedAtText: '2026-11-26 11:00',
      training: true,
      counts: { exempt: 1, paper: 1, missing: 1 },
    });
    expect(doc.lines.map((l) => [l.materialId, l.outcome, l.licenceId, l.paperReason])).toEqual([
      ['M01', 'exempt', 'L-OK', null],
      ['M05', 'paper', null, 'not_in_library'],
      ['M10', 'missing', null, null],
    ]);
  });

  it('never carries the full ID number, in either document', () => {
    const c = counterCase([exempt, scanned, notInLibrary]);
    const notice = noticeDocument(c, plan(c, 'keep_open'), '2026-11-26T02:10:30Z', CONTEXT);
    const done = counterCase([exempt, scanned]);
    const receipt = receiptDocument(buildReceipt(done, buildUsageRecord(done, '2026-11-26T03:00:00Z')), CONTEXT);
    for (const doc of [notice, receipt]) {
      expect(JSON.stringify(doc)).not.toContain(HOLDER.idNumber);
      expect(doc.holder.idNumberMasked).toBe('310101********0014');
    }
  });

  it('prints an organisation’s credit code in full: it is public', () => {
    const org: CounterCase = { ...counterCase([notInLibrary]), holder: { idType: '001', idNumber: '91310000MA1FL0001X', name: '上海某某有限公司' } };
    expect(noticeDocument(org, plan(org, 'keep_open'), '2026-11-26T02:10:30Z', CONTEXT).holder.idNumberMasked).toBe('91310000MA1FL0001X');
  });
});

describe('the layouts’ pages', () => {
  it('leave the printable width between equal margins, within the paper', () => {
    for (const layout of PRINT_LAYOUTS) {
      const g = LAYOUT_GEOMETRY[layout];
      expect(g.printableWidthMm).toBe(g.pageWidthMm - 2 * g.marginMm);
      expect(g.printableWidthMm).toBeGreaterThan(0);
    }
    expect(LAYOUT_GEOMETRY.thermal80.printableWidthMm).toBe(72);
  });
});
