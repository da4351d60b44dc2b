import { describe, expect, it } from 'vitest';
import {
  checkDisclosedFields,
  fieldDigest,
  fieldDigests,
  fileHash,
  signLicencePayload,
  signTrustList,
  trustListSigningInput,
  verifyLicenceSignature,
  verifyTrustList,
} from '../../../shared/licence-digest';
import type { SignedLicencePayload } from '../../../shared/library-api';
import { generateSm2KeyPair, sm3Hex } from '../../../shared/sm';

const issuer = generateSm2KeyPair();
const root = generateSm2KeyPair();

describe('field digests', () => {
  it('is SM3 of "<salt>.<key>.<canonical JSON of value>"', () => {
    expect(fieldDigest('s1', 'name', '张伟')).toBe(sm3Hex('s1.name."张伟"'));
    expect(fieldDigest('s1', 'address', null)).toBe(sm3Hex('s1.address.null'));
    expect(fieldDigest('s1', 'x', { b: 1, a: [2] })).toBe(sm3Hex('s1.x.{"a":[2],"b":1}'));
  });

  it('digests every salted field and checks disclosed ones', () => {
    const fields = { name: '张伟', birthDate: '1985-03-12', address: null };
    const salts = { name: 'a', birthDate: 'b', address: 'c' };
    const digests = fieldDigests(fields, salts);
    expect(Object.keys(digests)).toEqual(['address', 'birthDate', 'name']);
    expect(
      checkDisclosedFields(
        [
          { key: 'name', value: '张伟', salt: 'a' },
          { key: 'birthDate', value: '1985-03-13', salt: 'b' },
          { key: 'photo', value: 'x', salt: 'd' },
          { key: 'address', value: null, salt: 'c' },
        ],
        digests,
      ),
    ).toEqual([
      { key: 'name', result: 'ok' },
      { key: 'birthDate', result: 'digest_mismatch' },
      { key: 'photo', result: 'not_signed' },
      { key: 'address', result: 'ok' },
    ]);
  });

  it('hashes files with SM3', () => {
    expect(fileHash(new Uint8Array([97, 98, 99]))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe('signed payload', () => {
  const payload: SignedLicencePayload = {
    id: '1.2.156.3005.2.11100000000013127D001.11310000MB2F25863L.000001.001.K',
    typeCode: '11100000000013127D001',
    number: '310101198503120017',
    holder: { idType: '111', idNumber: '310101198503120017', name: '张伟' },
    issuer: { code: '11310000MB2F25863L', name: '上海市公安局' },
    issuedAt: '2020-01-01T00:00:00Z',
    validFrom: '2020-01-01',
    validTo: null,
    version: '001',
    fileHash: 'a'.repeat(64),
    digests: { name: 'b'.repeat(64) },
  };

  it('verifies under the issuer key and fails when a byte changes or the key differs', () => {
    const signature = signLicencePayload(payload, issuer.privateKey);
    expect(verifyLicenceSignature({ payload, signature }, issuer.publicKey)).toBe(true);
    expect(verifyLicenceSignature({ payload: { ...payload, validTo: '2030-01-01' }, signature }, issuer.publicKey)).toBe(false);
    expect(verifyLicenceSignature({ payload, signature }, root.publicKey)).toBe(false);
  });
});

describe('trust list', () => {
  const unsigned = {
    issuedAt: '2026-01-01T00:00:00Z',
    keys: [
      {
        kid: 'k1',
        owner: { code: 'X', name: '发证单位' },
        use: 'licence' as const,
        publicKey: issuer.publicKey,
        notBefore: '2020-01-01T00:00:00Z',
        notAfter: '2040-01-01T00:00:00Z',
      },
    ],
    rootKid: 'root-1',
  };

  it('signs {issuedAt, keys, rootKid} and verifies against the pinned root', () => {
    const trust = signTrustList(unsigned, root.privateKey);
    expect(trustListSigningInput(trust)).toBe(trustListSigningInput(unsigned));
    expect(verifyTrustList(trust, { kid: 'root-1', publicKey: root.publicKey })).toBe(true);
    expect(verifyTrustList(trust, { kid: 'root-2', publicKey: root.publicKey })).toBe(false);
    expect(verifyTrustList(trust, { kid: 'root-1', publicKey: issuer.publicKey })).toBe(false);
    expect(verifyTrustList({ ...trust, keys: [] }, { kid: 'root-1', publicKey: root.publicKey })).toBe(false);
  });
});
