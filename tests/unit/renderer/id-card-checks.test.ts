import { describe, expect, it } from 'vitest';
import { checkIdCard, type IdCard } from '../../../shared/id-card';
import { idCardCheckMessages } from '../../../renderer/features/counter/id-card-checks';

// 董琳, 1997-09-28, female: a valid citizen ID number (GB 11643).
const card = (change: Partial<IdCard>): IdCard => ({
  name: '董琳',
  sex: '女',
  ethnicity: '汉',
  birthDate: '1997-09-28',
  address: '上海市',
  idNumber: '310115199709281086',
  issuingAuthority: '上海市公安局浦东分局',
  validFrom: '2017-01-01',
  validTo: '2027-01-01',
  photoDataUrl: null,
  ...change,
});
const NOW = new Date('2026-06-01T00:00:00Z');

describe('the checks of a card read, as the clerk reads them', () => {
  it('says nothing of a good card', () => {
    expect(idCardCheckMessages(card({}), checkIdCard(card({}), NOW))).toEqual([]);
  });

  it('says an expired card plainly, with its period as printed, and leaves the decision to the clerk', () => {
    const expired = card({ validFrom: '2005-09-30', validTo: '2025-09-30' });
    expect(idCardCheckMessages(expired, checkIdCard(expired, NOW))).toEqual([
      '该身份证已过有效期（有效期限 2005.09.30-2025.09.30），请告知申请人及时换领；是否继续办理由窗口人员决定。',
    ]);
    const future = card({ validFrom: '2027-01-01', validTo: null });
    expect(idCardCheckMessages(future, checkIdCard(future, NOW))).toEqual(['该身份证尚未到有效期起始日（有效期限 2027.01.01-长期），请核对证件。']);
  });

  it('says each problem, the number first', () => {
    const wrong = card({ sex: '男', birthDate: '1990-01-01' });
    expect(idCardCheckMessages(wrong, checkIdCard(wrong, NOW))).toEqual([
      '卡面出生日期与公民身份号码中的出生日期不一致，请核对证件。',
      '卡面性别与公民身份号码不一致，请核对证件。',
    ]);
    const badNumber = card({ idNumber: '310115199709281087' });
    expect(idCardCheckMessages(badNumber, checkIdCard(badNumber, NOW))[0]).toBe('卡内公民身份号码的校验位不正确（GB 11643），证件可能有误，请核对证件。');
  });
});
