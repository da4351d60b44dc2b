/**
 * The issuer's signed digest list and the library's trust list (docs/library-api.md §8 and
 * §4), defined once for the producer (the sandbox) and the consumer (the workstation).
 *
 * A face field's digest is SM3 of the UTF-8 text `<salt>.<key>.<canonical JSON of value>`; the
 * issuer signs the licence metadata, the file hash and every field's digest, so the library
 * can disclose only the fields a material needs (selective disclosure, Art. 13) while each
 * disclosed field stays verifiable.
 */
import { canonicalJson } from './canonical-json';
import type { DisclosedField, JsonValue, SignedLicence, SignedLicencePayload, TrustList } from './library-api';
import { sm2Sign, sm2Verify, sm3Hex } from './sm';

/** The digest of one face field. */
export function fieldDigest(salt: string, key: string, value: JsonValue): string {
  return sm3Hex(`${salt}.${key}.${canonicalJson(value)}`);
}

/** Digests of every face field, given each field's value and salt (a field without a salt is skipped). */
export function fieldDigests(fields: Readonly<Record<string, JsonValue>>, salts: Readonly<Record<string, string>>): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    const salt = salts[key];
    if (salt !== undefined) digests[key] = fieldDigest(salt, key, fields[key] ?? null);
  }
  return digests;
}

/** The text an issuer signs: canonical JSON of the signed payload. */
export function licenceSigningInput(payload: SignedLicencePayload): string {
  return canonicalJson(payload);
}

/** Signs a licence payload with an issuer's `licence` private key; returns 128 hex (r‖s). */
export function signLicencePayload(payload: SignedLicencePayload, privateKey: string, publicKey?: string): string {
  return sm2Sign(licenceSigningInput(payload), privateKey, publicKey);
}

/** Whether a signed licence's signature verifies under the given issuer public key. */
export function verifyLicenceSignature(signed: Pick<SignedLicence, 'payload' | 'signature'>, publicKey: string): boolean {
  return sm2Verify(licenceSigningInput(signed.payload), signed.signature, publicKey);
}

/** The outcome of checking one disclosed field against the signed digests. */
export interface DisclosedFieldCheck {
  key: string;
  /** `ok`, `not_signed` (no digest for the key) or `digest_mismatch`. */
  result: 'ok' | 'not_signed' | 'digest_mismatch';
}

/** Checks each disclosed field's digest against the signed digest list. */
export function checkDisclosedFields(disclosed: readonly DisclosedField[], digests: Readonly<Record<string, string>>): DisclosedFieldCheck[] {
  return disclosed.map((field) => {
    const expected = Object.prototype.hasOwnProperty.call(digests, field.key) ? digests[field.key] : undefined;
    if (expected === undefined) return { key: field.key, result: 'not_signed' };
    return { key: field.key, result: fieldDigest(field.salt, field.key, field.value) === expected ? 'ok' : 'digest_mismatch' };
  });
}

/** A file's hash as the signed payload carries it: SM3 of its bytes. */
export function fileHash(bytes: Uint8Array): string {
  return sm3Hex(bytes);
}

/** The trust list without its signature: what the root key signs. */
export type UnsignedTrustList = Omit<TrustList, 'signature'>;

/** The text the library root key signs: canonical JSON of `{issuedAt, keys, rootKid}`. */
export function trustListSigningInput(trust: UnsignedTrustList): string {
  return canonicalJson({ issuedAt: trust.issuedAt, keys: trust.keys, rootKid: trust.rootKid });
}

/** Signs a trust list with the library root key. */
export function signTrustList(trust: UnsignedTrustList, rootPrivateKey: string, rootPublicKey?: string): TrustList {
  return {
    issuedAt: trust.issuedAt,
    keys: trust.keys,
    rootKid: trust.rootKid,
    signature: sm2Sign(trustListSigningInput(trust), rootPrivateKey, rootPublicKey),
  };
}

/** Whether a trust list is signed by the pinned root key (and names that key's kid). */
export function verifyTrustList(trust: TrustList, root: { kid: string; publicKey: string }): boolean {
  if (trust.rootKid !== root.kid) return false;
  return sm2Verify(trustListSigningInput(trust), trust.signature, root.publicKey);
}
