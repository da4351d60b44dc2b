import { describe, expect, it } from 'vitest';
import { buildLicenceId } from '../../../shared/ids';
import type { Holder, LicenceDetail, SignedLicencePayload, TrustKey } from '../../../shared/library-api';
import { fieldDigests, fileHash, signLicencePayload, signTrustList } from '../../../shared/licence-digest';
import {
  VERIFICATION_REASONS,
  VerificationReportSchema,
  faceFieldVerification,
  reportWithoutLicence,
  verifyLicence,
  type FieldVerification,
  type LicenceVerificationInput,
  type VerificationReport,
} from '../../../shared/licence-verify';
import { generateSm2KeyPair } from '../../../shared/sm';
import { checkTrustList, type VerifiedTrustList } from '../../../shared/trust';
import { verifyPulledLicence } from '../../../electron/host/verification';

const ISSUER = { code: '11310000MB2F25863W', name: '上海市公安局' };
const OTHER_ISSUER = { code: '11310000MB2F2586XY', name: '上海市民政局' };
const TYPE = '11100000000013127D001';
const HOLDER: Holder = { idType: '111', idNumber: '310101198503120014', name: '张伟' };
const OTHER_HOLDER: Holder = { idType: '111', idNumber: '11010519491231002X', name: '李娜' };
const NOW = new Date('2026-11-26T02:00:00Z');
const FILE = new Uint8Array([37, 80, 68, 70, 45, 49, 46, 55]);

const root = generateSm2KeyPair();
const issuerKey = generateSm2KeyPair();
const oldKey = generateSm2KeyPair();
const platformKey = generateSm2KeyPair();
const strangerKey = generateSm2KeyPair();

function trustKey(kid: string, publicKey: string, overrides: Partial<TrustKey> = {}): TrustKey {
  return { kid, owner: ISSUER, use: 'licence', publicKey, notBefore: '2020-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z', ...overrides };
}

const trust: VerifiedTrustList = (() => {
  const list = signTrustList(
    {
      issuedAt: '2026-11-25T00:00:00Z',
      rootKid: 'root',
      keys: [
        trustKey('ga-1', issuerKey.publicKey),
        trustKey('ga-old', oldKey.publicKey, { notBefore: '2010-01-01T00:00:00Z', notAfter: '2019-12-31T23:59:59Z' }),
        trustKey('platform', platformKey.publicKey, { use: 'holder_token', owner: { code: 'SHPLATFORM', name: '随申办' } }),
        trustKey('mz-1', strangerKey.publicKey, { owner: OTHER_ISSUER }),
      ],
    },
    root.privateKey,
  );
  const result = checkTrustList(list, { kid: 'root', publicKey: root.publicKey });
  if (!result.ok) throw new Error(result.problem);
  return result.trust;
})();

const FIELDS = { name: '张伟', gender: '男', idNumber: HOLDER.idNumber, address: '上海市黄浦区中山东一路1号', photo: null };
const SALTS = { name: 's-name', gender: 's-gender', idNumber: 's-id', address: 's-address', photo: 's-photo' };
const FACE_FIELDS = ['name', 'gender', 'idNumber', 'address'];

interface LicenceSpec {
  id?: string;
  holder?: Holder;
  issuer?: { code: string; name: string };
  issuedAt?: string;
  validFrom?: string;
  validTo?: string | null;
  status?: LicenceDetail['licence']['status'];
  kid?: string;
  signingKey?: string;
}

function licence(spec: LicenceSpec = {}): LicenceDetail {
  const id = spec.id ?? buildLicenceId({ typeCode: TYPE, issuerCode: ISSUER.code, serial: '000001', version: '001' });
  const payload: SignedLicencePayload = {
    id,
    typeCode: TYPE,
    number: 'NO.000001',
    holder: spec.holder ?? HOLDER,
    issuer: spec.issuer ?? ISSUER,
    issuedAt: spec.issuedAt ?? '2024-03-01T00:00:00Z',
    validFrom: spec.validFrom ?? '2024-03-01',
    validTo: spec.validTo === undefined ? '2034-03-01' : spec.validTo,
    version: '001',
    fileHash: fileHash(FILE),
    digests: fieldDigests(FIELDS, SALTS),
  };
  return {
    licence: {
      id,
      typeCode: TYPE,
      typeName: '居民身份证',
      number: payload.number,
      holder: payload.holder,
      issuer: payload.issuer,
      issuedAt: payload.issuedAt,
      validFrom: payload.validFrom,
      validTo: payload.validTo,
      status: spec.status ?? 'valid',
      version: '001',
    },
    disclosed: FACE_FIELDS.map((key) => ({ key, value: FIELDS[key as keyof typeof FIELDS], salt: SALTS[key as keyof typeof SALTS] })),
    signed: { kid: spec.kid ?? 'ga-1', payload, signature: signLicencePayload(payload, spec.signingKey ?? issuerKey.privateKey) },
    file: { contentType: 'application/pdf', size: FILE.length, hash: payload.fileHash },
  };
}

function verify(detail: LicenceDetail, overrides: Partial<LicenceVerificationInput> = {}): VerificationReport {
  return verifyLicence({ detail, grantHolder: HOLDER, trust, downloadedFileHash: fileHash(FILE), now: NOW, faceFields: FACE_FIELDS, ...overrides });
}

const SEVERITY = ['pass', 'warn', 'unknown', 'fail'];

// The most severe result among the checks of that name (and field): a field disclosed twice
// has two checks, and the second one is what matters.
function resultOf(report: VerificationReport, check: string, field?: string): string | undefined {
  const results = report.checks.filter((c) => c.check === check && (field === undefined || c.field === field)).map((c) => c.result);
  return results.sort((a, b) => SEVERITY.indexOf(b) - SEVERITY.indexOf(a))[0];
}

const base = licence();
const withSummary = (change: Partial<LicenceDetail['licence']>): LicenceDetail => ({ ...base, licence: { ...base.licence, ...change } });
const withDisclosed = (disclosed: LicenceDetail['disclosed']): LicenceDetail => ({ ...base, disclosed });
const tamperedNumber: LicenceDetail = (() => {
  const d = licence({ status: 'revoked' });
  return { ...d, licence: { ...d.licence, number: 'NO.999999' }, signed: { ...d.signed, payload: { ...d.signed.payload, number: 'NO.999999' } } };
})();

describe('verifyLicence: outcomes', () => {
  it('passes every check of a good licence', () => {
    const report = verify(base);
    expect(report.outcome).toBe('valid');
    expect(report.licenceId).toBe(base.licence.id);
    expect(report.checks.map((c) => c.check)).toEqual([
      'identifier_check_char',
      'holder_id_checksum',
      'holder_match',
      'issuer_key',
      'signature',
      'metadata',
      'field_digest',
      'field_digest',
      'field_digest',
      'field_digest',
      'disclosure',
      'file_hash',
      'validity_window',
      'status',
    ]);
    expect(report.checks.every((c) => c.result === 'pass' && c.reason === undefined && c.evidence.length > 0)).toBe(true);
    expect(report.status).toEqual({ status: 'valid', asOf: NOW.toISOString(), live: true });
  });

  it.each<[string, LicenceDetail, Partial<LicenceVerificationInput>, string, [string, string, string?][]]>([
    ['a long-term licence (validTo null)', licence({ validTo: null }), {}, 'valid', [['validity_window', 'pass']]],
    ['a file not downloaded', base, { downloadedFileHash: null }, 'valid', [['file_hash', 'unknown']]],
    [
      'a wrong identifier check character (warning only)',
      licence({ id: base.licence.id.replace(/.$/, 'A') }),
      {},
      'valid',
      [['identifier_check_char', 'warn']],
    ],
    [
      'a holder ID failing its checksum (warning only)',
      licence({ holder: { ...HOLDER, idNumber: '310101198503120017' } }),
      { grantHolder: { ...HOLDER, idNumber: '310101198503120017' } },
      'valid',
      [
        ['holder_id_checksum', 'warn'],
        ['holder_match', 'pass'],
      ],
    ],
    ['a differing holder name with the same ID (warning only)', base, { grantHolder: { ...HOLDER, name: '张 伟' } }, 'valid', [['holder_match', 'warn']]],
    [
      'a key expired since, but valid at issuance',
      licence({ kid: 'ga-old', signingKey: oldKey.privateKey, issuedAt: '2015-05-01T00:00:00Z', validFrom: '2015-05-01', validTo: '2035-05-01' }),
      {},
      'valid',
      [['issuer_key', 'pass']],
    ],
    [
      'a status known only from before the link dropped',
      base,
      { status: { status: 'valid', asOf: '2026-11-26T01:00:00Z', live: false } },
      'valid',
      [['status', 'warn']],
    ],
    [
      'the library disclosing a field the material does not need',
      withDisclosed([...base.disclosed, { key: 'photo', value: null, salt: 's-photo' }]),
      {},
      'valid',
      [
        ['disclosure', 'warn'],
        ['field_digest', 'pass', 'photo'],
      ],
    ],
    [
      'the library withholding a field the material needs',
      withDisclosed(base.disclosed.filter((f) => f.key !== 'address')),
      {},
      'valid',
      [['disclosure', 'warn']],
    ],

    [
      'a signature by the right key over other content',
      tamperedNumber,
      {},
      'signature_invalid',
      [
        ['signature', 'fail'],
        ['metadata', 'pass'],
      ],
    ],
    [
      'a signature by another key under the issuer kid',
      licence({ signingKey: strangerKey.privateKey }),
      {},
      'signature_invalid',
      [
        ['issuer_key', 'pass'],
        ['signature', 'fail'],
      ],
    ],
    [
      'a summary that differs from the signed payload',
      withSummary({ validTo: '2099-01-01' }),
      {},
      'signature_invalid',
      [
        ['signature', 'pass'],
        ['metadata', 'fail'],
      ],
    ],
    [
      'a summary with another holder than the signed one',
      withSummary({ holder: OTHER_HOLDER }),
      { grantHolder: OTHER_HOLDER },
      'signature_invalid',
      [['metadata', 'fail']],
    ],
    [
      'a tampered field value',
      withDisclosed(base.disclosed.map((f) => (f.key === 'address' ? { ...f, value: '上海市浦东新区' } : f))),
      {},
      'signature_invalid',
      [
        ['field_digest', 'fail', 'address'],
        ['field_digest', 'pass', 'name'],
      ],
    ],
    [
      'a wrong salt',
      withDisclosed(base.disclosed.map((f) => (f.key === 'name' ? { ...f, salt: 'other' } : f))),
      {},
      'signature_invalid',
      [['field_digest', 'fail', 'name']],
    ],
    [
      'a field that was never signed',
      withDisclosed([...base.disclosed, { key: 'nickname', value: '伟', salt: 'x' }]),
      {},
      'signature_invalid',
      [['field_digest', 'fail', 'nickname']],
    ],
    [
      'a field disclosed twice with two values',
      withDisclosed([...base.disclosed, { key: 'name', value: '张三', salt: 's-name' }]),
      {},
      'signature_invalid',
      [['field_digest', 'fail', 'name']],
    ],
    [
      'a downloaded file that is not the signed one',
      base,
      { downloadedFileHash: fileHash(new Uint8Array([1, 2, 3])) },
      'signature_invalid',
      [['file_hash', 'fail']],
    ],
    [
      'a file description whose hash is not the signed one',
      { ...base, file: { ...base.file, hash: 'a'.repeat(64) } },
      { downloadedFileHash: 'a'.repeat(64) },
      'signature_invalid',
      [['file_hash', 'fail']],
    ],
    ['a broken signature on a revoked licence (crypto first)', tamperedNumber, { grantHolder: OTHER_HOLDER }, 'signature_invalid', []],

    [
      'no verified trust list',
      base,
      { trust: null },
      'untrusted_issuer',
      [
        ['issuer_key', 'unknown'],
        ['signature', 'unknown'],
      ],
    ],
    [
      'an unknown kid',
      licence({ kid: 'nobody' }),
      {},
      'untrusted_issuer',
      [
        ['issuer_key', 'fail'],
        ['signature', 'unknown'],
      ],
    ],
    [
      'a holder-platform key',
      licence({ kid: 'platform', signingKey: platformKey.privateKey }),
      {},
      'untrusted_issuer',
      [
        ['issuer_key', 'fail'],
        ['signature', 'pass'],
      ],
    ],
    [
      'another issuer’s key',
      licence({ kid: 'mz-1', signingKey: strangerKey.privateKey }),
      {},
      'untrusted_issuer',
      [
        ['issuer_key', 'fail'],
        ['signature', 'pass'],
      ],
    ],
    [
      'a licence issued before its key existed, signed since (key valid now)',
      licence({ kid: 'ga-1', issuedAt: '2019-06-01T00:00:00Z' }),
      {},
      'valid',
      [['issuer_key', 'pass']],
    ],
    [
      'a key valid neither at issuance nor now',
      licence({ kid: 'ga-old', signingKey: oldKey.privateKey, issuedAt: '2009-06-01T00:00:00Z', validFrom: '2009-06-01', validTo: '2039-06-01' }),
      {},
      'untrusted_issuer',
      [['issuer_key', 'fail']],
    ],
    [
      'a key expired at issuance',
      licence({ kid: 'ga-old', signingKey: oldKey.privateKey, issuedAt: '2020-06-01T00:00:00Z' }),
      {},
      'untrusted_issuer',
      [['issuer_key', 'fail']],
    ],
    ['an untrusted issuer and another holder', licence({ kid: 'nobody' }), { grantHolder: OTHER_HOLDER }, 'untrusted_issuer', [['holder_match', 'fail']]],

    ['another holder’s licence', base, { grantHolder: OTHER_HOLDER }, 'holder_mismatch', [['holder_match', 'fail']]],
    ['another holder’s expired licence', licence({ validTo: '2025-01-01' }), { grantHolder: OTHER_HOLDER }, 'holder_mismatch', []],
    ['the same number under another ID type', base, { grantHolder: { ...HOLDER, idType: '001' } }, 'holder_mismatch', []],

    ['a revoked licence', licence({ status: 'revoked' }), {}, 'revoked', [['status', 'fail']]],
    ['a cancelled licence (注销)', licence({ status: 'cancelled' }), {}, 'revoked', [['status', 'fail']]],
    ['a revoked licence whose dates also ran out', licence({ status: 'revoked', validTo: '2025-01-01' }), {}, 'revoked', []],
    ['a suspended licence', licence({ status: 'suspended' }), {}, 'suspended', [['status', 'fail']]],
    ['a superseded licence', licence({ status: 'superseded' }), {}, 'superseded', [['status', 'fail']]],
    ['a revoked licence known from before the link dropped', base, { status: { status: 'revoked', asOf: '2026-11-26T01:00:00Z', live: false } }, 'revoked', []],
    [
      'a licence the library marks expired',
      licence({ status: 'expired' }),
      {},
      'expired',
      [
        ['status', 'fail'],
        ['validity_window', 'pass'],
      ],
    ],
    [
      'a licence past validTo still marked valid',
      licence({ validTo: '2026-11-25' }),
      {},
      'expired',
      [
        ['validity_window', 'fail'],
        ['status', 'pass'],
      ],
    ],
    ['a licence before validFrom', licence({ validFrom: '2026-11-27' }), {}, 'not_yet_valid', [['validity_window', 'fail']]],
  ])('%s', (_, detail, overrides, outcome, expected) => {
    const report = verify(detail, overrides);
    expect(report.outcome).toBe(outcome);
    for (const [check, result, field] of expected) expect(resultOf(report, check, field), `${check} ${field ?? ''}`).toBe(result);
    for (const c of report.checks) {
      if (c.result !== 'pass') expect(VERIFICATION_REASONS, `${c.check} ${c.result}`).toContain(c.reason);
    }
    // What the verifier makes is what the host contract carries, nothing dropped on the way.
    expect(VerificationReportSchema.parse(report)).toEqual(report);
  });
});

describe('validity window in Asia/Shanghai', () => {
  it.each([
    ['2026-11-26T15:59:59Z', '2026-11-26', 'valid'],
    ['2026-11-26T16:00:00Z', '2026-11-26', 'expired'],
    ['2026-11-26T16:00:00Z', '2026-11-27', 'valid'],
  ])('at %s a licence valid to %s is %s', (now, validTo, outcome) => {
    expect(verify(licence({ validTo }), { now: new Date(now) }).outcome).toBe(outcome);
  });

  it.each([
    ['2026-11-26T15:59:59Z', '2026-11-27', 'not_yet_valid'],
    ['2026-11-26T16:00:00Z', '2026-11-27', 'valid'],
  ])('at %s a licence valid from %s is %s', (now, validFrom, outcome) => {
    expect(verify(licence({ validFrom }), { now: new Date(now) }).outcome).toBe(outcome);
  });
});

describe('evidence and reasons', () => {
  it('names the failing field', () => {
    const report = verify(withDisclosed(base.disclosed.map((f) => (f.key === 'address' ? { ...f, value: 'x' } : f))));
    const failed = report.checks.find((c) => c.result === 'fail')!;
    expect(failed).toMatchObject({ check: 'field_digest', field: 'address', reason: 'field_digest_mismatch' });
    expect(failed.evidence).toContain('address');
  });

  it('says when an offline status was last known', () => {
    const report = verify(base, { status: { status: 'valid', asOf: '2026-11-26T01:00:00Z', live: false } });
    expect(report.checks.find((c) => c.check === 'status')).toMatchObject({ result: 'warn', reason: 'status_last_known' });
    expect(report.status).toEqual({ status: 'valid', asOf: '2026-11-26T01:00:00Z', live: false });
  });

  it.each([
    ['not_in_library', 'fail'],
    ['unavailable', 'unknown'],
  ] as const)('reports %s without a licence', (outcome, result) => {
    const report = reportWithoutLicence(outcome, NOW, 'POST /licences/query returned no licence');
    expect(report).toEqual({
      licenceId: null,
      outcome,
      checks: [{ check: 'library', result, evidence: 'POST /licences/query returned no licence', reason: outcome }],
      verifiedAt: NOW.toISOString(),
      status: null,
    });
  });
});

describe('which face fields count as verified (faceFieldVerification, the host and the viewer alike)', () => {
  const tamperedAddress = withDisclosed(base.disclosed.map((f) => (f.key === 'address' ? { ...f, value: '上海市浦东新区' } : f)));
  it.each<[string, LicenceDetail, Partial<LicenceVerificationInput>, { name: FieldVerification; address: FieldVerification }]>([
    ['a valid licence', base, {}, { name: 'pass', address: 'pass' }],
    ['a revoked licence: its fields are still what the issuer signed', licence({ status: 'revoked' }), {}, { name: 'pass', address: 'pass' }],
    ['an expired licence', licence({ validTo: '2026-11-25' }), {}, { name: 'pass', address: 'pass' }],
    ['another holder’s licence', base, { grantHolder: OTHER_HOLDER }, { name: 'pass', address: 'pass' }],
    ['a file not downloaded', base, { downloadedFileHash: null }, { name: 'pass', address: 'pass' }],
    ['a tampered field beside a good one', tamperedAddress, {}, { name: 'unknown', address: 'fail' }],
    [
      'a field disclosed twice with two values',
      withDisclosed([...base.disclosed, { key: 'name', value: '张三', salt: 's-name' }]),
      {},
      { name: 'fail', address: 'unknown' },
    ],
    ['a summary that differs from the signed payload', withSummary({ validTo: '2099-01-01' }), {}, { name: 'unknown', address: 'unknown' }],
    [
      'a downloaded file that is not the signed one',
      base,
      { downloadedFileHash: fileHash(new Uint8Array([1, 2, 3])) },
      { name: 'unknown', address: 'unknown' },
    ],
    ['a signature by another key under the issuer kid', licence({ signingKey: strangerKey.privateKey }), {}, { name: 'unknown', address: 'unknown' }],
    // The signature verifies, but with a key that is not this issuer's: trusting the digests would trust the stranger.
    ['another issuer’s key', licence({ kid: 'mz-1', signingKey: strangerKey.privateKey }), {}, { name: 'unknown', address: 'unknown' }],
    ['a holder-platform key', licence({ kid: 'platform', signingKey: platformKey.privateKey }), {}, { name: 'unknown', address: 'unknown' }],
    ['no verified trust list', base, { trust: null }, { name: 'unknown', address: 'unknown' }],
    ['the library withholding the address', withDisclosed(base.disclosed.filter((f) => f.key !== 'address')), {}, { name: 'pass', address: 'unknown' }],
  ])('%s', (_, detail, overrides, expected) => {
    const report = verify(detail, overrides);
    expect({ name: faceFieldVerification(report, 'name'), address: faceFieldVerification(report, 'address') }).toEqual(expected);
    // The host marks each disclosed field by the same rule (it never verifies without a trust list).
    if (overrides.trust === null) return;
    const host = verifyPulledLicence({
      detail,
      grantHolder: HOLDER,
      downloadedFileHash: fileHash(FILE),
      now: NOW,
      faceFields: FACE_FIELDS,
      ...overrides,
      trust,
    });
    for (const key of ['name', 'address'] as const) {
      if (detail.disclosed.some((f) => f.key === key)) expect(host.fieldResults.get(key), key).toBe(expected[key]);
    }
  });
});
