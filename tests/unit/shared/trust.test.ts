import { describe, expect, it } from 'vitest';
import type { TrustKey } from '../../../shared/library-api';
import { signTrustList } from '../../../shared/licence-digest';
import { generateSm2KeyPair } from '../../../shared/sm';
import { checkTrustList, findTrustedKey, holderTokenKeyLookup, type VerifiedTrustList } from '../../../shared/trust';

const root = generateSm2KeyPair();
const other = generateSm2KeyPair();
const pinned = { kid: 'root-1', publicKey: root.publicKey };
const issuerKey = generateSm2KeyPair().publicKey;
const platformKey = generateSm2KeyPair().publicKey;

const keys: TrustKey[] = [
  {
    kid: 'ga-2026',
    owner: { code: '11310000MB2F25863W', name: '上海市公安局' },
    use: 'licence',
    publicKey: issuerKey,
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2026-12-31T23:59:59Z',
  },
  {
    kid: 'platform-1',
    owner: { code: 'SHPLATFORM', name: '随申办' },
    use: 'holder_token',
    publicKey: platformKey,
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    note: 'an unknown field, covered by the signature',
  },
];
const signed = signTrustList({ issuedAt: '2026-11-26T00:00:00Z', keys, rootKid: 'root-1' }, root.privateKey, root.publicKey);

function verified(): VerifiedTrustList {
  const result = checkTrustList(signed, pinned);
  if (!result.ok) throw new Error(result.problem);
  return result.trust;
}

describe('checkTrustList', () => {
  it('accepts a list signed by the pinned root and indexes its keys, unknown fields kept', () => {
    const trust = verified();
    expect([...trust.byKid.keys()]).toEqual(['ga-2026', 'platform-1']);
    expect(trust.byKid.get('platform-1')).toMatchObject({ note: 'an unknown field, covered by the signature' });
  });

  it.each<[string, () => unknown, string]>([
    ['a body that is not a trust list', () => ({ keys: [] }), 'malformed'],
    ['another root kid', () => signTrustList({ issuedAt: signed.issuedAt, keys, rootKid: 'root-2' }, root.privateKey), 'root_kid_mismatch'],
    ['a list signed by another key', () => signTrustList({ issuedAt: signed.issuedAt, keys, rootKid: 'root-1' }, other.privateKey), 'bad_signature'],
    ['a key added after signing', () => ({ ...signed, keys: [...signed.keys, { ...keys[0]!, kid: 'evil' }] }), 'bad_signature'],
    ['a key window stretched after signing', () => ({ ...signed, keys: [{ ...keys[0]!, notAfter: '2099-01-01T00:00:00Z' }, keys[1]] }), 'bad_signature'],
    ['an unknown field changed after signing', () => ({ ...signed, keys: [keys[0], { ...keys[1]!, note: 'changed' }] }), 'bad_signature'],
    ['the issue time changed after signing', () => ({ ...signed, issuedAt: '2026-11-27T00:00:00Z' }), 'bad_signature'],
    [
      'two keys with one kid',
      () => signTrustList({ issuedAt: signed.issuedAt, keys: [keys[0]!, { ...keys[1]!, kid: 'ga-2026' }], rootKid: 'root-1' }, root.privateKey),
      'duplicate_kid',
    ],
  ])('refuses %s', (_, body, problem) => {
    expect(checkTrustList(body(), pinned)).toEqual({ ok: false, problem });
  });
});

describe('findTrustedKey', () => {
  const trust = verified();
  it.each<[string, Parameters<typeof findTrustedKey>[1], string | null]>([
    ['a licence key inside its window', { kid: 'ga-2026', use: 'licence', at: new Date('2026-06-01T00:00:00Z') }, null],
    ['with its owner', { kid: 'ga-2026', use: 'licence', at: new Date('2026-06-01T00:00:00Z'), ownerCode: '11310000MB2F25863W' }, null],
    ['at the first instant of its window', { kid: 'ga-2026', use: 'licence', at: new Date('2026-01-01T00:00:00Z') }, null],
    ['at the last instant of its window', { kid: 'ga-2026', use: 'licence', at: new Date('2026-12-31T23:59:59Z') }, null],
    ['an unknown kid', { kid: 'nope', use: 'licence', at: new Date('2026-06-01T00:00:00Z') }, 'unknown_kid'],
    ['a holder-platform key used for a licence', { kid: 'platform-1', use: 'licence', at: new Date('2026-06-01T00:00:00Z') }, 'wrong_use'],
    ['another owner', { kid: 'ga-2026', use: 'licence', at: new Date('2026-06-01T00:00:00Z'), ownerCode: '12310000MB2F25863X' }, 'wrong_owner'],
    ['before notBefore', { kid: 'ga-2026', use: 'licence', at: new Date('2025-12-31T23:59:59Z') }, 'not_yet_valid'],
    ['after notAfter', { kid: 'ga-2026', use: 'licence', at: new Date('2027-01-01T00:00:00Z') }, 'expired'],
  ])('%s', (_, requirement, problem) => {
    const result = findTrustedKey(trust, requirement);
    if (problem === null) expect(result).toEqual({ ok: true, key: trust.byKid.get(requirement.kid) });
    else expect(result).toMatchObject({ ok: false, problem });
  });

  it('gives the token verifier the public key of a current holder-platform key only', () => {
    const lookup = holderTokenKeyLookup(trust, new Date('2026-11-26T00:00:00Z'));
    expect(lookup('platform-1')).toBe(platformKey);
    expect(lookup('ga-2026')).toBeNull();
    expect(lookup('nope')).toBeNull();
    expect(holderTokenKeyLookup(trust, new Date('2027-02-01T00:00:00Z'))('platform-1')).toBeNull();
  });
});
