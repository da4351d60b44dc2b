import { describe, expect, it } from 'vitest';
import { citizenIdCheckChar } from '../../../shared/ids';
import {
  cardValidity,
  checkIdCard,
  detectPhotoType,
  idCardChecksPass,
  IdCardFieldMapSchema,
  IdCardSchema,
  normaliseIdCard,
  parseCardDate,
  parseCardEthnicity,
  parseCardSex,
  parseCardValidPeriod,
  parseCardValidTo,
  photoDataUrl,
  valueAtPath,
  type IdCard,
  type IdCardFieldMap,
} from '../../../shared/id-card';

// The smallest real PNG, JPEG and BMP headers, enough for signature detection.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49]).toString('base64');
const BMP = Buffer.from([0x42, 0x4d, 0x36, 0, 0, 0]).toString('base64');

function withCheck(first17: string): string {
  return first17 + citizenIdCheckChar(first17);
}

const ID = withCheck('31011519970928108'); // a woman (8 is even) born 1997-09-28

const flatMap: IdCardFieldMap = {
  name: 'xm',
  sex: 'xb',
  ethnicity: 'mz',
  birthDate: 'csrq',
  address: 'zz',
  idNumber: 'gmsfhm',
  issuingAuthority: 'qfjg',
  validFrom: null,
  validTo: null,
  validPeriod: 'yxqx',
  photo: 'zp',
};

const nestedMap: IdCardFieldMap = {
  name: 'Certificate.Name',
  sex: 'Certificate.Sex',
  ethnicity: 'Certificate.Nation',
  birthDate: 'Certificate.Birthday',
  address: 'Certificate.Address',
  idNumber: 'Certificate.IDNumber',
  issuingAuthority: 'Certificate.IDIssued',
  validFrom: 'Certificate.Valid.0',
  validTo: 'Certificate.Valid.1',
  validPeriod: null,
  photo: 'Certificate.Base64Photo',
};

const flatRaw = {
  xm: '董琳',
  xb: '女',
  mz: '汉',
  csrq: '19970928',
  zz: '上海市浦东新区张杨路100弄5号1201室',
  gmsfhm: ID,
  qfjg: '上海市公安局浦东分局',
  yxqx: '20170101-20270101',
  zp: PNG,
};

describe('valueAtPath', () => {
  it.each([
    [{ a: { b: 1 } }, 'a.b', 1],
    [{ a: [{ c: 'x' }] }, 'a.0.c', 'x'],
    [{ a: [1] }, 'a.b', undefined],
    [{ a: null }, 'a.b', undefined],
    [{}, 'constructor', undefined],
    ['text', 'length', undefined],
  ] as const)('%j at %s is %j', (value, path, expected) => {
    expect(valueAtPath(value, path)).toBe(expected);
  });
});

describe('card field parsing', () => {
  it.each([
    ['19970928', '1997-09-28'],
    ['1997.09.28', '1997-09-28'],
    ['1997-9-28', '1997-09-28'],
    ['1997/09/28', '1997-09-28'],
    ['1997年09月28日', '1997-09-28'],
    [' 19970928 ', '1997-09-28'],
    ['19970229', null],
    ['20000229', '2000-02-29'],
    ['1997928', null],
    ['18991231', null],
    ['yesterday', null],
  ] as const)('date %j → %j', (raw, expected) => {
    expect(parseCardDate(raw)).toBe(expected);
  });

  it.each([
    ['长期', null],
    ['长期有效', null],
    ['20370101', '2037-01-01'],
    ['9999.12.31', null],
    ['永久', undefined],
  ] as const)('validity end %j → %j', (raw, expected) => {
    expect(parseCardValidTo(raw)).toBe(expected);
  });

  it.each([
    ['20170101-20370101', { validFrom: '2017-01-01', validTo: '2037-01-01' }],
    ['2017.01.01-2037.01.01', { validFrom: '2017-01-01', validTo: '2037-01-01' }],
    ['2017-01-01-2037-01-01', { validFrom: '2017-01-01', validTo: '2037-01-01' }],
    ['2017.01.01 至 长期', { validFrom: '2017-01-01', validTo: null }],
    ['2017.01.01—长期', { validFrom: '2017-01-01', validTo: null }],
    ['2017.01.01', null],
    ['20170101-', null],
  ] as const)('period %j', (raw, expected) => {
    expect(parseCardValidPeriod(raw)).toEqual(expected);
  });

  it.each([
    ['男', '男'],
    ['1', '男'],
    ['M', '男'],
    ['女', '女'],
    ['2', '女'],
    ['f', '女'],
    ['9', null],
    ['未知', null],
  ] as const)('sex %j → %j', (raw, expected) => {
    expect(parseCardSex(raw)).toBe(expected);
  });

  it.each([
    ['汉', '汉'],
    ['汉族', '汉'],
    ['01', '汉'],
    ['1', '汉'],
    ['02', '蒙古'],
    ['56', '基诺'],
    ['57', null],
    ['Han', null],
  ] as const)('ethnicity %j → %j', (raw, expected) => {
    expect(parseCardEthnicity(raw)).toBe(expected);
  });

  it.each([
    [PNG, 'image/png'],
    [JPEG, 'image/jpeg'],
    [BMP, 'image/bmp'],
    [Buffer.from('GIF89a').toString('base64'), null],
  ] as const)('photo type of %s is %s', (base64, type) => {
    expect(detectPhotoType(base64)).toBe(type);
  });

  it('makes a data URL from base64 with line breaks, and refuses what is not the declared image', () => {
    const wrapped = `${JPEG.slice(0, 4)}\r\n${JPEG.slice(4)}`;
    expect(photoDataUrl(wrapped, { encoding: 'base64', type: 'detect' })).toBe(`data:image/jpeg;base64,${JPEG}`);
    expect(photoDataUrl(JPEG, { encoding: 'base64', type: 'image/jpeg' })).toBe(`data:image/jpeg;base64,${JPEG}`);
    expect(photoDataUrl(JPEG, { encoding: 'base64', type: 'image/png' })).toBeNull();
    expect(photoDataUrl(`data:image/png;base64,${PNG}`, { encoding: 'data_url', type: 'detect' })).toBe(`data:image/png;base64,${PNG}`);
    expect(photoDataUrl(PNG, { encoding: 'data_url', type: 'detect' })).toBeNull();
    expect(photoDataUrl('not base64!', { encoding: 'base64', type: 'detect' })).toBeNull();
    expect(photoDataUrl('A'.repeat(400_000), { encoding: 'base64', type: 'detect' })).toBeNull();
  });
});

describe('normaliseIdCard', () => {
  it('reads a flat answer with a period field and pinyin field names', () => {
    const result = normaliseIdCard(flatRaw, flatMap, { encoding: 'base64', type: 'detect' });
    expect(result).toEqual({
      ok: true,
      card: {
        name: '董琳',
        sex: '女',
        ethnicity: '汉',
        birthDate: '1997-09-28',
        address: '上海市浦东新区张杨路100弄5号1201室',
        idNumber: ID,
        issuingAuthority: '上海市公安局浦东分局',
        validFrom: '2017-01-01',
        validTo: '2027-01-01',
        photoDataUrl: `data:image/png;base64,${PNG}`,
      },
    });
    if (result.ok) expect(IdCardSchema.parse(result.card)).toEqual(result.card);
  });

  it('reads a nested answer with two validity fields, codes and padding, and a lower-case x', () => {
    const id = withCheck('11010519491231002');
    const raw = {
      ret: 0,
      Certificate: {
        Name: '王建国  ',
        Sex: '1',
        Nation: '01',
        Birthday: '1949.12.31',
        Address: '北京市西城区某路1号\u3000',
        IDNumber: id.toLowerCase(),
        IDIssued: '北京市公安局西城分局',
        Valid: ['2010.05.01', '长期'],
        Base64Photo: JPEG,
      },
    };
    const result = normaliseIdCard(raw, nestedMap, { encoding: 'base64', type: 'image/jpeg' });
    expect(result.ok && result.card).toMatchObject({
      name: '王建国',
      sex: '男',
      ethnicity: '汉',
      birthDate: '1949-12-31',
      idNumber: id,
      validTo: null,
      address: '北京市西城区某路1号',
    });
  });

  it('reads numbers as text (some readers answer the birth date as a number)', () => {
    const result = normaliseIdCard({ ...flatRaw, csrq: 19970928 }, flatMap, { encoding: 'base64', type: 'detect' });
    expect(result.ok && result.card.birthDate).toBe('1997-09-28');
  });

  it('accepts an answer without a photo', () => {
    const { zp: _photo, ...raw } = flatRaw;
    const result = normaliseIdCard(raw, flatMap, { encoding: 'base64', type: 'detect' });
    expect(result.ok && result.card.photoDataUrl).toBeNull();
  });

  it.each([
    [{ xm: '' }, 'name', 'missing'],
    [{ xm: undefined }, 'name', 'missing'],
    [{ xb: '3' }, 'sex', 'invalid'],
    [{ mz: 'x' }, 'ethnicity', 'invalid'],
    [{ csrq: '1997-13-01' }, 'birthDate', 'invalid'],
    [{ zz: null }, 'address', 'missing'],
    [{ gmsfhm: '3101' }, 'idNumber', 'invalid'],
    [{ qfjg: {} }, 'issuingAuthority', 'missing'],
    [{ yxqx: '2017' }, 'validPeriod', 'invalid'],
    [{ yxqx: '20370101-20170101' }, 'validTo', 'invalid'],
    [{ zp: 'R0lGODlh' }, 'photo', 'invalid'],
  ] as const)('%j → %s %s', (change, field, problem) => {
    const raw: Record<string, unknown> = { ...flatRaw, ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete raw[key];
    expect(normaliseIdCard(raw, flatMap, { encoding: 'base64', type: 'detect' })).toEqual({ ok: false, field, problem });
  });

  it('refuses a field map with no way to find the validity', () => {
    expect(IdCardFieldMapSchema.safeParse({ ...flatMap, validPeriod: null }).success).toBe(false);
    expect(IdCardFieldMapSchema.safeParse({ ...flatMap, validPeriod: null, validFrom: 'a', validTo: 'b' }).success).toBe(true);
    expect(IdCardFieldMapSchema.safeParse({ ...flatMap, name: '../x' }).success).toBe(false);
  });
});

describe('checkIdCard', () => {
  const card = (change: Partial<IdCard>): IdCard => ({
    name: '董琳',
    sex: '女',
    ethnicity: '汉',
    birthDate: '1997-09-28',
    address: '上海市',
    idNumber: ID,
    issuingAuthority: '上海市公安局浦东分局',
    validFrom: '2017-01-01',
    validTo: '2027-01-01',
    photoDataUrl: null,
    ...change,
  });

  it.each([
    ['valid', '2026-06-01T04:00:00Z', {}, { idNumber: null, birthDateMatches: true, sexMatches: true, validity: 'valid' }],
    // 2027-01-01 00:30 in Shanghai is still 2026-12-31 in UTC: the card's last day counts, in Shanghai time.
    ['last day, Shanghai', '2026-12-31T16:30:00Z', {}, { validity: 'valid', today: '2027-01-01' }],
    ['the day after, Shanghai', '2027-01-01T16:30:00Z', {}, { validity: 'expired', today: '2027-01-02' }],
    ['expired at UTC midnight only in Shanghai', '2027-01-01T16:00:00Z', {}, { validity: 'expired' }],
    ['long term', '2080-01-01T00:00:00Z', { validTo: null }, { validity: 'valid' }],
    ['not yet valid', '2016-12-31T15:59:59Z', {}, { validity: 'not_yet_valid', today: '2016-12-31' }],
    ['first day', '2016-12-31T16:00:00Z', {}, { validity: 'valid', today: '2017-01-01' }],
    ['bad check character', '2026-06-01T00:00:00Z', { idNumber: `${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}` }, { idNumber: 'check_character' }],
    ['birth date differs', '2026-06-01T00:00:00Z', { birthDate: '1997-09-29' }, { birthDateMatches: false, idNumber: null }],
    ['sex differs', '2026-06-01T00:00:00Z', { sex: '男' }, { sexMatches: false }],
  ] as const)('%s', (_name, now, change, expected) => {
    expect(checkIdCard(card(change), new Date(now))).toMatchObject(expected);
  });

  it('passes only when everything passes', () => {
    const good = checkIdCard(card({}), new Date('2026-06-01T00:00:00Z'));
    expect(idCardChecksPass(good)).toBe(true);
    const expired = checkIdCard(card({ validFrom: '2005-09-30', validTo: '2025-09-30' }), new Date('2026-06-01T00:00:00Z'));
    expect(idCardChecksPass(expired)).toBe(false);
    expect(idCardChecksPass(checkIdCard(card({ sex: '男' }), new Date('2026-06-01T00:00:00Z')))).toBe(false);
  });

  it.each([
    ['2020-01-01', '2030-01-01', '2019-12-31', 'not_yet_valid'],
    ['2020-01-01', '2030-01-01', '2020-01-01', 'valid'],
    ['2020-01-01', '2030-01-01', '2030-01-01', 'valid'],
    ['2020-01-01', '2030-01-01', '2030-01-02', 'expired'],
    ['2020-01-01', null, '2999-01-01', 'valid'],
  ] as const)('cardValidity(%s, %s) on %s is %s', (from, to, today, expected) => {
    expect(cardValidity(from, to, today)).toBe(expected);
  });
});
