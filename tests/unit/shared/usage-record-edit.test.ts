import { describe, expect, it } from 'vitest';
import type { UsageRecordRequest } from '../../../shared/library-api';
import { applyUsageRecordEdit, changesBetween, usageRecordEditOf, type EditMatter, type UsageRecordEdit } from '../../../shared/usage-record-edit';

const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310000MB2F25863W.000001.001.S';

const RECORD: UsageRecordRequest = {
  caseNo: 'WSDEMO01-20261127-0007',
  matterCode: '310000-GA-SFZ-999',
  grantId: null,
  holder: { idType: '111', idNumber: '310115199709281086', name: '董琳' },
  operatorId: 'clerk01',
  workstationId: 'WS-DEMO-01',
  completedAt: '2026-11-27T02:10:00Z',
  training: true,
  materials: [
    { materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
    { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'library_unreachable' },
  ],
};

const MATTERS: EditMatter[] = [
  {
    code: '310000-GA-SFZ-002',
    materials: [
      { id: 'M01', required: true },
      { id: 'M02', required: false },
    ],
  },
  {
    code: '310000-MZ-HY-007',
    materials: [
      { id: 'M01', required: true },
      { id: 'M03', required: true },
    ],
  },
];

function edit(change: (e: UsageRecordEdit) => void): UsageRecordEdit {
  const e = usageRecordEditOf(RECORD);
  change(e);
  return e;
}

describe('editing a refused usage record', () => {
  it("starts from the record's own matter and lines", () => {
    expect(usageRecordEditOf(RECORD)).toEqual({ matterCode: RECORD.matterCode, materials: RECORD.materials });
  });

  it('takes a corrected matter and lines (identifiers trimmed, in capitals), keeps who, where and when, and lists what changed', () => {
    const result = applyUsageRecordEdit(
      RECORD,
      edit((e) => {
        e.matterCode = ' 310000-GA-SFZ-002 ';
        e.materials[0] = { materialId: 'M01', outcome: 'exempt', licenceId: ` ${LICENCE.toLowerCase()} `, paperReason: 'library_unreachable' };
        e.materials[1]!.outcome = 'missing';
      }),
      MATTERS,
    );
    expect(result).toEqual({
      ok: true,
      record: {
        ...RECORD,
        matterCode: '310000-GA-SFZ-002',
        materials: [
          { materialId: 'M01', outcome: 'exempt', licenceId: LICENCE, paperReason: null },
          { materialId: 'M02', outcome: 'missing', licenceId: null, paperReason: null },
        ],
      },
      changes: [
        { field: 'matterCode', from: '310000-GA-SFZ-999', to: '310000-GA-SFZ-002' },
        { field: 'materials.M01.outcome', from: 'paper', to: 'exempt' },
        { field: 'materials.M01.licenceId', from: null, to: LICENCE },
        { field: 'materials.M01.paperReason', from: 'library_unreachable', to: null },
        { field: 'materials.M02.outcome', from: 'paper', to: 'missing' },
        { field: 'materials.M02.paperReason', from: 'library_unreachable', to: null },
      ],
    });
  });

  it("keeps the record's order of materials whatever order the form returns", () => {
    const result = applyUsageRecordEdit(
      RECORD,
      edit((e) => e.materials.reverse()),
    );
    expect(result.ok && result.record.materials.map((m) => m.materialId)).toEqual(['M01', 'M02']);
    expect(result.ok && result.changes).toEqual([]);
  });

  const cases: Array<[string, (e: UsageRecordEdit) => void, unknown[]]> = [
    ['a matter code with spaces inside', (e) => (e.matterCode = '310000 GA'), [{ code: 'matter_code_invalid' }]],
    ['an empty matter code', (e) => (e.matterCode = '  '), [{ code: 'matter_code_invalid' }]],
    ['a matter the workstation does not know', (e) => (e.matterCode = '310000-XX-000'), [{ code: 'matter_unknown', matterCode: '310000-XX-000' }]],
    ["the record's own unknown matter, unchanged", () => undefined, [{ code: 'matter_unknown', matterCode: '310000-GA-SFZ-999' }]],
    [
      'a matter whose usage list lacks a material',
      (e) => (e.matterCode = '310000-MZ-HY-007'),
      [{ code: 'material_not_in_matter', materialId: 'M02', matterCode: '310000-MZ-HY-007' }],
    ],
    [
      'a required material recorded missing',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), (e.materials[0]!.outcome = 'missing')),
      [{ code: 'required_missing', materialId: 'M01' }],
    ],
    [
      'an exempt material without a licence',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), (e.materials[0]!.outcome = 'exempt')),
      [{ code: 'licence_required', materialId: 'M01' }],
    ],
    [
      'a licence identifier that is not one',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), Object.assign(e.materials[1]!, { outcome: 'exempt', licenceId: '1.2.3' })),
      [{ code: 'licence_id_invalid', materialId: 'M02' }],
    ],
    [
      'a paper material without a reason',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), (e.materials[1]!.paperReason = null)),
      [{ code: 'paper_reason_required', materialId: 'M02' }],
    ],
    [
      'a paper reason the library does not know',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), (e.materials[1]!.paperReason = 'lost' as never)),
      [{ code: 'paper_reason_required', materialId: 'M02' }],
    ],
    [
      'an unknown outcome',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), (e.materials[1]!.outcome = 'waived' as never)),
      [{ code: 'outcome_invalid', materialId: 'M02' }],
    ],
    ['a material dropped', (e) => ((e.matterCode = '310000-GA-SFZ-002'), e.materials.pop()), [{ code: 'materials_changed' }]],
    [
      'a material added',
      (e) => ((e.matterCode = '310000-GA-SFZ-002'), e.materials.push({ materialId: 'M09', outcome: 'missing', licenceId: null, paperReason: null })),
      [{ code: 'materials_changed' }],
    ],
    ['a material named twice', (e) => ((e.matterCode = '310000-GA-SFZ-002'), (e.materials[1]!.materialId = 'M01')), [{ code: 'materials_changed' }]],
  ];
  it.each(cases)('refuses %s, with nothing saved', (_name, change, problems) => {
    expect(applyUsageRecordEdit(RECORD, edit(change), MATTERS)).toEqual({ ok: false, problems });
  });

  it('without the usage lists checks the fields alone', () => {
    expect(
      applyUsageRecordEdit(
        RECORD,
        edit((e) => (e.matterCode = '310000-XX-000')),
      ).ok,
    ).toBe(true);
  });

  it("refuses, as not editable here, a field the form does not offer that the library's schema refuses", () => {
    const broken = { ...RECORD, holder: { ...RECORD.holder, idNumber: '310115199709281087' } };
    expect(applyUsageRecordEdit(broken, usageRecordEditOf(broken))).toEqual({ ok: false, problems: [{ code: 'not_editable', path: 'holder.idNumber' }] });
  });

  it('lists no change between a record and itself', () => {
    expect(changesBetween(RECORD, RECORD)).toEqual([]);
  });
});
