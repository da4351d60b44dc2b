/**
 * Verification of one licence (every check of docs/architecture.md §5.1), median per licence.
 * Target ≤ 2 ms [`verify_licence_ms`]. The baseline, printed beside it, is the same
 * verification with the SM2 signature checked by sm-crypto-v2's `doVerifySignature` on the raw
 * hex key, without `shared/sm`'s precomputed-key cache.
 * Run: `npx tsx tests/bench/verify-licence.bench.ts`.
 */
import { sm2 } from 'sm-crypto-v2';
import { buildLicenceId } from '../../shared/ids';
import type { LicenceDetail, SignedLicencePayload, TrustKey } from '../../shared/library-api';
import { fieldDigests, fileHash, licenceSigningInput, signLicencePayload, signTrustList } from '../../shared/licence-digest';
import { verifyLicence } from '../../shared/licence-verify';
import { generateSm2KeyPair, SM2_USER_ID } from '../../shared/sm';
import { checkTrustList } from '../../shared/trust';
import { median, reportFigures } from './lib';

const ISSUERS = 5;
const LICENCES = 200;
const ROUNDS = 3;
const NOW = new Date('2026-11-26T02:00:00Z');
const HOLDER = { idType: '111' as const, idNumber: '310101198503120014', name: '张伟' };
const FILE = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
const FILE_HASH = fileHash(FILE);

const root = generateSm2KeyPair();
const issuers = Array.from({ length: ISSUERS }, (_, i) => ({
  key: generateSm2KeyPair(),
  kid: `issuer-${i}`,
  org: { code: ['11310000MB2F25863W', '11310000MB2F2586XY', '11310000002417722A', '11310000MB0Q89331B', '12310000425006117P'][i]!, name: `发证机关${i}` },
}));
const keys: TrustKey[] = issuers.map((issuer) => ({
  kid: issuer.kid,
  owner: issuer.org,
  use: 'licence',
  publicKey: issuer.key.publicKey,
  notBefore: '2020-01-01T00:00:00Z',
  notAfter: '2030-01-01T00:00:00Z',
}));
const checked = checkTrustList(signTrustList({ issuedAt: '2026-11-25T00:00:00Z', keys, rootKid: 'root' }, root.privateKey), {
  kid: 'root',
  publicKey: root.publicKey,
});
if (!checked.ok) throw new Error(checked.problem);
const trust = checked.trust;

const FIELDS = {
  name: '张伟',
  gender: '男',
  ethnicity: '汉',
  birthDate: '1985-03-12',
  idNumber: HOLDER.idNumber,
  address: '上海市黄浦区中山东一路1号',
  issuingAuthority: '上海市公安局黄浦分局',
  validPeriod: '2024.03.01-2034.03.01',
};
const FACE_FIELDS = ['name', 'gender', 'idNumber', 'address'];

const licences: LicenceDetail[] = Array.from({ length: LICENCES }, (_, n) => {
  const issuer = issuers[n % ISSUERS]!;
  const salts = Object.fromEntries(Object.keys(FIELDS).map((key) => [key, `salt-${n}-${key}`]));
  const id = buildLicenceId({ typeCode: '11100000000013127D001', issuerCode: issuer.org.code, serial: String(n).padStart(8, '0'), version: '001' });
  const payload: SignedLicencePayload = {
    id,
    typeCode: '11100000000013127D001',
    number: `NO.${n}`,
    holder: HOLDER,
    issuer: issuer.org,
    issuedAt: '2024-03-01T00:00:00Z',
    validFrom: '2024-03-01',
    validTo: '2034-03-01',
    version: '001',
    fileHash: FILE_HASH,
    digests: fieldDigests(FIELDS, salts),
  };
  return {
    licence: {
      id,
      typeCode: payload.typeCode,
      typeName: '居民身份证',
      number: payload.number,
      holder: HOLDER,
      issuer: issuer.org,
      issuedAt: payload.issuedAt,
      validFrom: payload.validFrom,
      validTo: payload.validTo,
      status: 'valid',
      version: '001',
    },
    disclosed: FACE_FIELDS.map((key) => ({ key, value: FIELDS[key as keyof typeof FIELDS], salt: salts[key]! })),
    signed: { kid: issuer.kid, payload, signature: signLicencePayload(payload, issuer.key.privateKey) },
    file: { contentType: 'application/pdf', size: FILE.length, hash: FILE_HASH },
  };
});

function timeEach(fn: (detail: LicenceDetail) => void): number[] {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const detail of licences) {
      const start = performance.now();
      fn(detail);
      times.push(performance.now() - start);
    }
  }
  return times;
}

const fast = (detail: LicenceDetail): void => {
  const report = verifyLicence({ detail, grantHolder: HOLDER, trust, downloadedFileHash: FILE_HASH, now: NOW, faceFields: FACE_FIELDS });
  if (report.outcome !== 'valid') throw new Error(`benchmark licence not valid: ${report.outcome}`);
};
const publicKeyOf = new Map(issuers.map((issuer) => [issuer.kid, issuer.key.publicKey]));
const baseline = (detail: LicenceDetail): void => {
  const report = verifyLicence({ detail, grantHolder: HOLDER, trust: null, downloadedFileHash: FILE_HASH, now: NOW, faceFields: FACE_FIELDS });
  const ok = sm2.doVerifySignature(licenceSigningInput(detail.signed.payload), detail.signed.signature, publicKeyOf.get(detail.signed.kid)!, {
    hash: true,
    userId: SM2_USER_ID,
  });
  if (!ok || report.checks.length === 0) throw new Error('baseline verification failed');
};

fast(licences[0]!);
baseline(licences[0]!);
const fastTimes = timeEach(fast);
const baselineTimes = timeEach(baseline);

console.log(`${LICENCES} licences from ${ISSUERS} issuer keys, ${ROUNDS} rounds, ${FACE_FIELDS.length} disclosed fields each`);
reportFigures('Verification of one licence', [
  { name: 'verify_licence_ms', value: median(fastTimes), unit: 'ms', target: 2, better: 'lower' },
  { name: 'verify_licence_raw_key_ms', value: median(baselineTimes), unit: 'ms', target: null, better: 'lower' },
]);
