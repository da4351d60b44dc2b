import { describe, expect, it } from 'vitest';
import {
  APPLICANT_COMPLETED_HOLD_MS,
  applicantStateMessage,
  buildApplicantView,
  DEFAULT_APPLICANT_SCREEN_SETTINGS,
  INITIAL_SCREEN_STATE,
  maskHolderName,
  parseApplicantScreenMessage,
  screenDeadline,
  screenStateAfter,
  screenStateAt,
  screenStateWithoutPublisher,
  type ApplicantCaseView,
  type ApplicantView,
  type ApplicantViewSource,
} from '../../../shared/applicant-screen';
import type { CaseLicence, CaseMaterial, CounterCase, PaperScan } from '../../../shared/counter-case';
import type { Holder, Material } from '../../../shared/library-api';
import type { VerificationOutcome } from '../../../shared/licence-verify';

const HOLDER: Holder = { idType: '111', idNumber: '310101198503120014', name: '张伟国' };
const ID_TYPE = '11100000000013127D001';
const HH_TYPE = '11100000000013127D002';
const MARRIAGE_TYPE = '11100000000013127D003';
const TYPE_NAMES = new Map([
  [ID_TYPE, '居民身份证'],
  [HH_TYPE, '居民户口簿'],
  [MARRIAGE_TYPE, '结婚证'],
]);

// Values a licence's face carries: none of them may reach the applicant's screen.
const FACE = {
  address: '上海市黄浦区南京东路100弄7号1201室',
  householdNumber: 'HH-007-31010119',
  spouseName: '李秀英',
  spouseIdNumber: '310104198706150028',
  certificateNumber: 'J310101-2015-004321',
  photo: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDA',
};

function material(id: string, licenceType: string, required = true): Material {
  const names: Record<string, string> = { M01: '申请人有效身份证件', M02: '居民户口簿', M03: '结婚证' };
  return { id, name: names[id] ?? `材料${id}`, required, licenceTypes: [licenceType], faceFields: ['name', 'idNumber', 'address'] };
}

function licence(materialId: string, typeCode: string, outcome: VerificationOutcome | null, holder: Holder = HOLDER): CaseLicence {
  const id = `1.2.156.3005.2.${typeCode}.11310000MB2F25863W.0000${materialId.slice(1)}.001.S`;
  return {
    summary: {
      id,
      typeCode,
      typeName: TYPE_NAMES.get(typeCode)!,
      // A resident ID card's licence number is the ID number itself.
      number: holder.idNumber,
      holder,
      issuer: { code: '11310000MB2F25863W', name: '上海市公安局' },
      issuedAt: '2024-03-01T00:00:00Z',
      validFrom: '2024-03-01',
      validTo: '2034-03-01',
      status: 'valid',
      version: '001',
    },
    report:
      outcome === null
        ? null
        : {
            licenceId: id,
            outcome,
            checks: [{ check: 'holder_match', result: 'pass', evidence: `holder ${holder.idNumber} ${holder.name} matches` }],
            verifiedAt: '2026-11-26T02:00:01Z',
            status: { status: 'valid', asOf: '2026-11-26T02:00:01Z', live: true },
          },
    faceFields: [
      { key: 'name', value: holder.name },
      { key: 'idNumber', value: holder.idNumber },
      { key: 'address', value: FACE.address },
      { key: 'householdNumber', value: FACE.householdNumber },
      { key: 'spouseName', value: FACE.spouseName },
      { key: 'spouseIdNumber', value: FACE.spouseIdNumber },
      { key: 'certificateNumber', value: FACE.certificateNumber },
      { key: 'photo', value: FACE.photo },
    ],
    file: { contentType: 'application/pdf', size: 1000, hash: 'f'.repeat(64), blobKey: `file:${id}` },
  };
}

const scan = (paperReason: PaperScan['paperReason']): PaperScan => ({
  paperReason,
  scannedAt: '2026-11-26T02:05:00Z',
  pages: 2,
  hash: 'e'.repeat(64),
  blobKey: 'scan:secret-key',
});

function caseOf(materials: CaseMaterial[], overrides: Partial<CounterCase> = {}): CounterCase {
  return {
    caseNo: 'WSDEMO01-20261126-0007',
    matter: { code: '310000-MZ-HY-007', name: '离婚登记' },
    holder: HOLDER,
    grant: { grantId: 'G-SECRET-1', basis: 'token', reason: '窗口人员的内部备注' },
    noGrant: null,
    operatorId: 'clerk01',
    workstationId: 'WS-DEMO-01',
    training: false,
    openedAt: '2026-11-26T02:00:00Z',
    materials,
    ...overrides,
  };
}

function sourceOf(counterCase: CounterCase | null, extra: Partial<ApplicantViewSource> = {}): ApplicantViewSource {
  const materials = counterCase?.materials.map((m) => m.material) ?? [material('M01', ID_TYPE), material('M02', HH_TYPE)];
  return {
    opened: { caseNo: counterCase?.caseNo ?? 'WSDEMO01-20261126-0007', matter: { name: counterCase?.matter.name ?? '离婚登记', materials } },
    active: counterCase,
    completed: false,
    training: false,
    typeNames: TYPE_NAMES,
    ...extra,
  };
}

function asCase(view: ApplicantView): ApplicantCaseView {
  if (view.kind !== 'case') throw new Error('expected a case view');
  return view;
}

/** A case with every state a material can be in, and every personal value in it. */
function mixedCase(): CounterCase {
  return caseOf([
    {
      material: material('M01', ID_TYPE),
      pull: { state: 'done', latencyMs: 120 },
      licences: [licence('M01', ID_TYPE, 'valid')],
      paperScan: null,
      override: null,
    },
    { material: material('M02', HH_TYPE), pull: { state: 'done' }, licences: [licence('M02', HH_TYPE, 'signature_invalid')], paperScan: null, override: null },
    { material: material('M03', MARRIAGE_TYPE), pull: { state: 'pending' }, licences: [], paperScan: null, override: null },
    { material: material('M04', ID_TYPE, false), pull: { state: 'done' }, licences: [], paperScan: null, override: null },
    { material: material('M05', HH_TYPE), pull: { state: 'failed', errorCode: 'UNAVAILABLE' }, licences: [], paperScan: null, override: null },
    { material: material('M06', HH_TYPE), pull: { state: 'failed', errorCode: 'FORBIDDEN' }, licences: [], paperScan: null, override: null },
    {
      material: material('M07', MARRIAGE_TYPE),
      pull: { state: 'done' },
      licences: [licence('M07', MARRIAGE_TYPE, 'expired')],
      paperScan: scan('verification_failed'),
      override: null,
    },
    {
      material: material('M08', ID_TYPE),
      pull: { state: 'done' },
      licences: [licence('M08', ID_TYPE, 'valid')],
      paperScan: null,
      override: { kind: 'choose_paper', reason: '窗口人员写下的理由：申请人张伟国不信任电子证照', operatorId: 'clerk01', at: '2026-11-26T02:03:00Z' },
    },
  ]);
}

describe('the applicant view', () => {
  it('is the neutral page between cases', () => {
    expect(buildApplicantView({ opened: null, active: null, completed: false, training: false, typeNames: TYPE_NAMES })).toEqual({ kind: 'neutral' });
  });

  it('shows the matter, the case number and the usage list before the holder is known', () => {
    const view = asCase(buildApplicantView(sourceOf(null)));
    expect(view).toMatchObject({
      stage: 'holder',
      matter: '离婚登记',
      caseNo: 'WSDEMO01-20261126-0007',
      caseNoForReading: 'WSDEMO01 2026 1126 0007',
      holder: null,
      basis: null,
    });
    expect(view.usageList).toEqual([
      { materialId: 'M01', material: '申请人有效身份证件', required: true, licenceTypes: ['居民身份证'] },
      { materialId: 'M02', material: '居民户口簿', required: true, licenceTypes: ['居民户口簿'] },
    ]);
    expect(view.pulls).toEqual([]);
  });

  it('follows each material: pulled and verified, exempt, or on paper with its reason', () => {
    const view = asCase(buildApplicantView(sourceOf(mixedCase())));
    expect(view.stage).toBe('materials');
    expect(view.holder).toEqual({ name: '张**', idNumber: '310101********0014' });
    expect(view.basis).toBe('token');
    expect(Object.fromEntries(view.pulls.map((p) => [p.materialId, p.state]))).toEqual({
      M01: 'verified',
      M02: 'not_valid',
      M03: 'pulling',
      M04: 'not_found',
      M05: 'unreachable',
      M06: 'failed',
      M07: 'not_valid',
      M08: 'verified',
    });
    expect(view.pulls[0]).toEqual({
      materialId: 'M01',
      material: '申请人有效身份证件',
      licenceTypes: ['居民身份证'],
      state: 'verified',
      licences: [{ typeName: '居民身份证', issuer: '上海市公安局', outcome: 'valid' }],
    });
    expect(view.exempt).toEqual([{ materialId: 'M01', material: '申请人有效身份证件', licence: '居民身份证', issuer: '上海市公安局' }]);
    expect(view.paper.map((p) => [p.materialId, p.reason, p.outcome, p.required, p.received])).toEqual([
      ['M02', 'not_valid', 'signature_invalid', true, false],
      ['M04', 'not_in_library', null, false, false],
      ['M05', 'library_unreachable', null, true, false],
      ['M06', 'pull_failed', null, true, false],
      ['M07', 'verification_failed', null, true, true],
      ['M08', 'chosen_paper', null, true, false],
    ]);
  });

  it('says a licence is being verified while its report is outstanding', () => {
    const counterCase = caseOf([
      { material: material('M01', ID_TYPE), pull: { state: 'done' }, licences: [licence('M01', ID_TYPE, null)], paperScan: null, override: null },
    ]);
    const view = asCase(buildApplicantView(sourceOf(counterCase)));
    expect(view.pulls[0]).toMatchObject({ state: 'verifying', licences: [{ typeName: '居民身份证', outcome: null }] });
    expect(view.exempt).toEqual([]);
    expect(view.paper).toEqual([]);
  });

  it('pulls nothing without a grant, and says why every material is on paper', () => {
    const counterCase = caseOf(
      [
        { material: material('M01', ID_TYPE), pull: { state: 'skipped' }, licences: [], paperScan: null, override: null },
        { material: material('M02', HH_TYPE), pull: { state: 'skipped' }, licences: [], paperScan: scan('no_phone'), override: null },
      ],
      { grant: null, noGrant: { cause: 'no_duty_basis', holderFrom: 'typed' } },
    );
    const view = asCase(buildApplicantView(sourceOf(counterCase)));
    expect(view.basis).toBe('no_phone_social');
    expect(view.pulls).toEqual([]);
    expect(view.paper.map((p) => [p.materialId, p.reason, p.received])).toEqual([
      ['M01', 'no_grant', false],
      ['M02', 'no_phone', true],
    ]);
  });

  it('shows the completed case, and the training mark', () => {
    const view = asCase(buildApplicantView(sourceOf(mixedCase(), { completed: true, training: true })));
    expect(view.stage).toBe('completed');
    expect(view.training).toBe(true);
  });

  it('never shows a case that is not the opened one (a new case clears the old)', () => {
    const old = mixedCase();
    const view = asCase(
      buildApplicantView({
        ...sourceOf(old),
        opened: { caseNo: 'WSDEMO01-20261126-0008', matter: { name: '居民身份证换领', materials: [material('M01', ID_TYPE)] } },
      }),
    );
    expect(view).toMatchObject({ caseNo: 'WSDEMO01-20261126-0008', stage: 'holder', holder: null, pulls: [], exempt: [], paper: [] });
    expect(JSON.stringify(view)).not.toContain('0007');
  });

  it('masks a citizen name to the surname and keeps an organisation name', () => {
    expect(maskHolderName({ idType: '111', name: '张伟' })).toBe('张*');
    expect(maskHolderName({ idType: '111', name: '欧阳娜娜' })).toBe('欧***');
    expect(maskHolderName({ idType: '111', name: '王' })).toBe('*');
    expect(maskHolderName({ idType: '001', name: '上海示例科技有限公司' })).toBe('上海示例科技有限公司');
  });
});

describe('what can leak into a message', () => {
  // Everything of a case that must never leave the counter: the full ID numbers, every face
  // field, the photo, licence numbers and identifiers, grant ids, the clerk's free text.
  function secretsOf(counterCase: CounterCase): string[] {
    const out = new Set<string>([counterCase.holder.idNumber, counterCase.holder.idNumber.slice(6, 14), counterCase.holder.name]);
    if (counterCase.grant) out.add(counterCase.grant.grantId);
    if (counterCase.grant?.reason) out.add(counterCase.grant.reason);
    out.add(counterCase.operatorId);
    for (const m of counterCase.materials) {
      if (m.override) out.add(m.override.reason);
      if (m.paperScan) {
        out.add(m.paperScan.hash);
        if (m.paperScan.blobKey) out.add(m.paperScan.blobKey);
      }
      for (const l of m.licences) {
        out.add(l.summary.id);
        out.add(l.summary.number);
        out.add(l.file.hash);
        for (const check of l.report?.checks ?? []) out.add(check.evidence);
        for (const field of l.faceFields) if (typeof field.value === 'string' && field.value.length >= 2) out.add(field.value);
      }
    }
    // A citizen's name is shown masked: its surname alone is not a secret.
    return [...out].filter((s) => s.length >= 2);
  }

  function assertClean(counterCase: CounterCase, completed = false): void {
    const view = buildApplicantView(sourceOf(counterCase, { completed }));
    const message = applicantStateMessage('counter-page-1', 3, DEFAULT_APPLICANT_SCREEN_SETTINGS, view);
    const text = JSON.stringify(message);
    for (const secret of secretsOf(counterCase)) expect(text, `the message carries ${secret}`).not.toContain(secret);
    expect(text).not.toMatch(/faceFields|photo|summary|licenceId|grantId|operatorId|evidence|blobKey|hash/);
    // What is published is what the screen accepts: the schema and the builder agree.
    expect(parseApplicantScreenMessage(JSON.parse(text))).toEqual(message);
  }

  it('carries no full ID number, face field, photo, licence number or clerk text of a mixed case', () => {
    const counterCase = mixedCase();
    // What the reader or a later change might hang on the holder: it must not travel either.
    Object.assign(counterCase.holder, { photo: FACE.photo, address: FACE.address });
    assertClean(counterCase);
    assertClean(counterCase, true);
  });

  it('carries none of them for any of many generated cases', () => {
    let seed = 20261126;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const surnames = ['王', '李', '欧阳', '司马', '陈'];
    const given = ['伟', '秀英', '娜', '建国', '子涵'];
    const outcomes: (VerificationOutcome | null)[] = [
      'valid',
      'expired',
      'revoked',
      'signature_invalid',
      'holder_mismatch',
      'not_in_library',
      'unavailable',
      null,
    ];
    for (let i = 0; i < 300; i++) {
      const holder: Holder = { idType: '111', idNumber: `3101${digits(13)}${pick(['X', '1', '5'])}`, name: `${pick(surnames)}${pick(given)}` };
      const materials: CaseMaterial[] = ['M01', 'M02', 'M03', 'M04'].map((id) => {
        const type = pick([ID_TYPE, HH_TYPE, MARRIAGE_TYPE]);
        const pull = pick<CaseMaterial['pull']>([{ state: 'pending' }, { state: 'done' }, { state: 'failed', errorCode: 'NETWORK' }, { state: 'skipped' }]);
        const licences = pull.state === 'done' ? Array.from({ length: Math.floor(random() * 3) }, () => licence(id, type, pick(outcomes), holder)) : [];
        return {
          material: material(id, type, random() > 0.3),
          pull,
          licences,
          paperScan: random() > 0.7 ? scan(pick(['elderly', 'no_phone', 'applicant_choice'] as const)) : null,
          override: null,
        };
      });
      assertClean(caseOf(materials, { holder, caseNo: `WSDEMO01-20261126-${String(i + 1).padStart(4, '0')}` }), random() > 0.5);
    }
  });

  it('refuses a message with an ID number in full, or with a field the version does not have', () => {
    const view = asCase(buildApplicantView(sourceOf(mixedCase())));
    const good = applicantStateMessage('counter-page-1', 1, DEFAULT_APPLICANT_SCREEN_SETTINGS, view);
    expect(parseApplicantScreenMessage(good)).not.toBeNull();
    expect(parseApplicantScreenMessage({ ...good, view: { ...view, holder: { name: '张**', idNumber: HOLDER.idNumber } } })).toBeNull();
    expect(parseApplicantScreenMessage({ ...good, view: { ...view, holder: { name: '张**', idNumber: '3101011985031200*4' } } })).toBeNull();
    expect(parseApplicantScreenMessage({ ...good, view: { ...view, holder: { ...view.holder, photo: FACE.photo } } })).toBeNull();
    expect(
      parseApplicantScreenMessage({ ...good, view: { ...view, pulls: [{ ...view.pulls[0], faceFields: [{ key: 'address', value: FACE.address }] }] } }),
    ).toBeNull();
    expect(parseApplicantScreenMessage({ ...good, extra: 1 })).toBeNull();
    expect(parseApplicantScreenMessage({ ...good, v: 2 })).toBeNull();
    expect(parseApplicantScreenMessage('hello')).toBeNull();
    expect(parseApplicantScreenMessage({ v: 1, type: 'hello', screen: 'screen-0001' })).toEqual({ v: 1, type: 'hello', screen: 'screen-0001' });
    expect(parseApplicantScreenMessage({ v: 1, type: 'ping' })).toEqual({ v: 1, type: 'ping' });
  });
});

describe('the screen state', () => {
  const display = DEFAULT_APPLICANT_SCREEN_SETTINGS;
  const caseView = (caseNo: string, stage: ApplicantCaseView['stage'] = 'materials'): ApplicantView => ({
    ...asCase(buildApplicantView(sourceOf(mixedCase()))),
    caseNo,
    stage,
  });
  const msg = (publisher: string, seq: number, view: ApplicantView, big = false) =>
    applicantStateMessage(publisher, seq, big ? { fontSize: 'xx_large', highContrast: true } : display, view);

  it('follows one counter page in order, dropping an older message', () => {
    let state = screenStateAfter(INITIAL_SCREEN_STATE, msg('page-aaaaaaaa', 2, caseView('C-2')), 0);
    expect(state).toMatchObject({ publisher: 'page-aaaaaaaa', seq: 2, view: { caseNo: 'C-2' } });
    state = screenStateAfter(state, msg('page-aaaaaaaa', 1, caseView('C-1')), 0);
    expect(state).toMatchObject({ seq: 2, view: { caseNo: 'C-2' } });
    state = screenStateAfter(state, msg('page-aaaaaaaa', 3, { kind: 'neutral' }, true), 0);
    expect(state).toMatchObject({ seq: 3, view: { kind: 'neutral' }, display: { fontSize: 'xx_large', highContrast: true } });
  });

  it('lets a case from another page take over, but not another page idle', () => {
    let state = screenStateAfter(INITIAL_SCREEN_STATE, msg('page-aaaaaaaa', 5, caseView('C-1')), 0);
    state = screenStateAfter(state, msg('page-bbbbbbbb', 0, { kind: 'neutral' }), 0);
    expect(state).toMatchObject({ publisher: 'page-aaaaaaaa', view: { caseNo: 'C-1' } });
    state = screenStateAfter(state, msg('page-bbbbbbbb', 1, caseView('C-9')), 0);
    expect(state).toMatchObject({ publisher: 'page-bbbbbbbb', view: { caseNo: 'C-9' } });
  });

  it('goes neutral when the page it follows is gone, and not for another page', () => {
    const state = screenStateAfter(INITIAL_SCREEN_STATE, msg('page-aaaaaaaa', 0, caseView('C-1')), 0);
    expect(screenStateWithoutPublisher(state, 'page-bbbbbbbb')).toBe(state);
    expect(screenStateWithoutPublisher(state, 'page-aaaaaaaa')).toMatchObject({ publisher: null, view: { kind: 'neutral' } });
  });

  it('puts a completed case away after its hold, and does not show it again', () => {
    let state = screenStateAfter(INITIAL_SCREEN_STATE, msg('page-aaaaaaaa', 0, caseView('C-1', 'completed')), 1_000);
    expect(screenDeadline(state)).toBe(1_000 + APPLICANT_COMPLETED_HOLD_MS);
    // A repeat of the same completed case (another screen said hello) keeps the first time.
    state = screenStateAfter(state, msg('page-aaaaaaaa', 1, caseView('C-1', 'completed')), 30_000);
    expect(screenDeadline(state)).toBe(1_000 + APPLICANT_COMPLETED_HOLD_MS);
    expect(screenStateAt(state, APPLICANT_COMPLETED_HOLD_MS)).toBe(state);
    state = screenStateAt(state, 1_000 + APPLICANT_COMPLETED_HOLD_MS);
    expect(state).toMatchObject({ view: { kind: 'neutral' }, putAway: 'C-1' });
    state = screenStateAfter(state, msg('page-aaaaaaaa', 2, caseView('C-1', 'completed')), 70_000);
    expect(state.view).toEqual({ kind: 'neutral' });
    state = screenStateAfter(state, msg('page-aaaaaaaa', 3, caseView('C-2', 'holder')), 80_000);
    expect(state).toMatchObject({ view: { caseNo: 'C-2' }, putAway: null, completedSince: null });
  });
});
