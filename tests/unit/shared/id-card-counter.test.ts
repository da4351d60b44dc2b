import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/canonical-json';
import { checkIdCard, compareCardWithHolder, idCardProblems, idCardReadAuditDetails, type IdCard } from '../../../shared/id-card';

// 董琳, a woman born 1997-09-28: a valid citizen ID number (GB 11643).
const ID = '310115199709281086';
const PHOTO = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]).toString('base64')}`;
const card = (change: Partial<IdCard> = {}): IdCard => ({
  name: '董琳',
  sex: '女',
  ethnicity: '汉',
  birthDate: '1997-09-28',
  address: '上海市浦东新区张杨路100弄5号1201室',
  idNumber: ID,
  issuingAuthority: '上海市公安局浦东分局',
  validFrom: '2017-01-01',
  validTo: '2027-01-01',
  photoDataUrl: PHOTO,
  ...change,
});
const NOW = new Date('2026-06-01T00:00:00Z');

describe('idCardProblems', () => {
  it('finds nothing on a good card', () => {
    expect(idCardProblems(checkIdCard(card(), NOW))).toEqual([]);
  });

  it('names every problem, the number first and the validity last', () => {
    const wrong = card({ idNumber: '310115199709281087', sex: '男', birthDate: '1990-01-01', validFrom: '2005-09-30', validTo: '2025-09-30' });
    expect(idCardProblems(checkIdCard(wrong, NOW))).toEqual(['id_number', 'birth_date_mismatch', 'sex_mismatch', 'expired']);
    expect(idCardProblems(checkIdCard(card({ validFrom: '2027-01-01', validTo: null }), NOW))).toEqual(['not_yet_valid']);
  });
});

describe('compareCardWithHolder (a card read before a 亮证码 is redeemed)', () => {
  const holder = { idType: '111', idNumber: ID, name: '董琳' };

  it('matches the same person', () => {
    expect(compareCardWithHolder(card(), holder)).toBe('match');
    // A lower-case check character in the code, spaces a reader pads a name with.
    expect(compareCardWithHolder(card({ idNumber: '11010519491231002X' }), { idType: '111', idNumber: '11010519491231002x', name: '董 琳' })).toBe('match');
  });

  it('matches a transcribed name written with another middle dot', () => {
    expect(compareCardWithHolder(card({ name: '买买提·艾力' }), { ...holder, name: '买买提•艾力' })).toBe('match');
    expect(compareCardWithHolder(card({ name: '买买提·艾力' }), { ...holder, name: '买买提．艾力' })).toBe('match');
  });

  it('tells another person from the same number under another name', () => {
    expect(compareCardWithHolder(card(), { ...holder, idNumber: '310104195212018146', name: '刘丽' })).toBe('id_number_differs');
    expect(compareCardWithHolder(card(), { ...holder, idNumber: '310104195212018146' })).toBe('id_number_differs');
    expect(compareCardWithHolder(card(), { ...holder, name: '董林' })).toBe('name_differs');
  });

  it('does not compare a card with a company', () => {
    expect(compareCardWithHolder(card(), { idType: '001', idNumber: '91310115HH9DU39G0G', name: '上海鑫达便利店管理有限公司' })).toBe('not_comparable');
  });
});

describe('idCardReadAuditDetails', () => {
  it('records the masked number, the reader and the checks — never the full number, the photo or another card field', () => {
    const expired = card({ validFrom: '2005-09-30', validTo: '2025-09-30' });
    const details = idCardReadAuditDetails({ card: expired, readerId: 'SIM-IDR-0001', source: 'simulator', checks: checkIdCard(expired, NOW) });
    expect(details).toEqual({
      action: 'read',
      ok: true,
      holder: '310115********1086',
      readerId: 'SIM-IDR-0001',
      source: 'simulator',
      validity: 'expired',
      problems: ['expired'],
    });
    const text = canonicalJson(details);
    for (const secret of [ID, PHOTO.slice(22), '董琳', '张杨路', '1997-09-28']) expect(text).not.toContain(secret);
  });
});
