import { describe, expect, it } from 'vitest';
import {
  DutyRequest,
  ERROR_CODES,
  ERROR_HTTP_STATUS,
  IsoDate,
  IsoTime,
  LicenceQueryRequest,
  SignedLicencePayload,
  TrustKey,
  UsageMaterial,
} from '../../../shared/library-api';
import { PullContextSchema } from '../../../shared/contract';

describe('library API schemas', () => {
  it('lists every error code with its HTTP status', () => {
    expect(ERROR_CODES).toContain('SCOPE_DENIED');
    expect(ERROR_HTTP_STATUS.TOKEN_EXPIRED).toBe(410);
    expect(ERROR_HTTP_STATUS.GRANT_INVALID).toBe(403);
  });

  it('refuses unknown fields in requests', () => {
    const query = { grantId: 'g1', matterCode: 'M1', materialId: 'm1', purpose: '办理' };
    expect(LicenceQueryRequest.safeParse(query).success).toBe(true);
    expect(LicenceQueryRequest.safeParse({ ...query, extra: 1 }).success).toBe(false);
    expect(LicenceQueryRequest.safeParse({ ...query, purpose: 'x'.repeat(201) }).success).toBe(false);
  });

  it('takes the pull context of a case as the query of the library for one material, plus the case', () => {
    const context = { grantId: 'g1', matterCode: 'M1', materialId: 'm1', purpose: ' 办理 ', caseNo: 'C1' };
    expect(PullContextSchema.parse(context)).toEqual({ ...context, purpose: '办理' });
    const { caseNo: _, ...query } = PullContextSchema.parse(context);
    expect(LicenceQueryRequest.parse(query)).toEqual(query);
    for (const bad of [
      { ...context, extra: 1 },
      { ...context, typeCode: '11100000000013127D001' },
      { ...context, purpose: 'x'.repeat(201) },
      { ...context, caseNo: undefined },
    ]) {
      expect(PullContextSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('refuses a duty holder whose ID number fails its check character, and an empty reason', () => {
    const duty = { holder: { idType: '111', idNumber: '11010519491231002X', name: '张伟' }, matterCode: 'M1', caseNo: 'C1', reason: '老年人无手机' };
    expect(DutyRequest.safeParse(duty).success).toBe(true);
    expect(DutyRequest.safeParse({ ...duty, holder: { ...duty.holder, idNumber: '110105194912310021' } }).success).toBe(false);
    expect(DutyRequest.safeParse({ ...duty, reason: '  ' }).success).toBe(false);
  });

  it('requires a licence for an exempt material and a reason for a paper one', () => {
    expect(UsageMaterial.safeParse({ materialId: 'm1', outcome: 'exempt', licenceId: null, paperReason: null }).success).toBe(false);
    expect(UsageMaterial.safeParse({ materialId: 'm1', outcome: 'paper', licenceId: null, paperReason: null }).success).toBe(false);
    expect(UsageMaterial.safeParse({ materialId: 'm1', outcome: 'paper', licenceId: null, paperReason: 'elderly' }).success).toBe(true);
  });

  it('keeps unknown fields of signed objects so their signatures still verify', () => {
    const key = {
      kid: 'k',
      owner: { code: 'c', name: 'n' },
      use: 'licence',
      publicKey: `04${'a'.repeat(128)}`,
      notBefore: '2020-01-01T00:00:00Z',
      notAfter: '2030-01-01T00:00:00Z',
      extra: 'kept',
    };
    expect(TrustKey.parse(key)).toEqual(key);
    const payload = {
      id: '1.2.156.3005.2.11100000000013127D001.11310000MB2F25863L.000001.001.K',
      typeCode: '11100000000013127D001',
      number: 'n',
      holder: { idType: '111', idNumber: '11010519491231002X', name: '张伟' },
      issuer: { code: 'c', name: 'n' },
      issuedAt: '2020-01-01T00:00:00Z',
      validFrom: '2020-01-01',
      validTo: null,
      version: '001',
      fileHash: 'a'.repeat(64),
      digests: {},
      future: 1,
    };
    expect(SignedLicencePayload.parse(payload)).toEqual(payload);
  });

  it('accepts only dates and times that exist on the calendar', () => {
    for (const day of ['2026-02-28', '2028-02-29', '2000-02-29', '2026-12-31', '2026-04-30'])
      expect([day, IsoDate.safeParse(day).success]).toEqual([day, true]);
    for (const day of [
      '2026-02-30',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-01',
      ' 2026-01-01',
      20260101,
      null,
    ]) {
      expect([day, IsoDate.safeParse(day).success]).toEqual([day, false]);
    }
    for (const time of ['2026-11-26T02:00:00Z', '2028-02-29T23:59:59.999Z', '2026-01-01T00:00:00.123456789Z'])
      expect([time, IsoTime.safeParse(time).success]).toEqual([time, true]);
    for (const time of [
      '2026-02-30T02:00:00Z',
      '2026-02-28T24:00:00Z',
      '2026-02-28T23:60:00Z',
      '2026-02-28T23:59:60Z',
      '2026-02-28T02:00:00',
      '2026-02-28T02:00:00+08:00',
      '2026-02-28 02:00:00Z',
      0,
    ]) {
      expect([time, IsoTime.safeParse(time).success]).toEqual([time, false]);
    }
  });
});
