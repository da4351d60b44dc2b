/**
 * SM3 hashing and SM2 signatures (GB/T 32905, GB/T 32918) in pure JavaScript, because
 * Electron's BoringSSL has neither. Conventions are the library API's (API.md, "Common"):
 * SM2 with SM3 and the default user id, signatures as 128 hex characters (r‖s), public keys
 * as 130 hex characters (`04`‖x‖y), hashes as 64 lowercase hex characters.
 */
import { sm2, sm3 } from 'sm-crypto-v2';

/** The SM2 user id every signature in the system uses (GM/T 0009 default). */
export const SM2_USER_ID = '1234567812345678';

/** SM3 of UTF-8 text or of raw bytes, as 64 lowercase hex characters. */
export function sm3Hex(input: string | Uint8Array): string {
  return sm3(input);
}

/** An SM2 key pair in the API's hex form. */
export interface Sm2KeyPair {
  /** 64 hex characters. */
  privateKey: string;
  /** 130 hex characters, `04`‖x‖y. */
  publicKey: string;
}

/** A fresh random SM2 key pair. */
export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey, publicKey };
}

/** The public key (130 hex) of a private key (64 hex). */
export function sm2PublicKeyOf(privateKey: string): string {
  return sm2.getPublicKeyFromPrivateKey(privateKey);
}

/**
 * Signs UTF-8 text or bytes with SM2-with-SM3 (Z value over the default user id).
 * Returns r‖s as 128 lowercase hex characters.
 */
export function sm2Sign(message: string | Uint8Array, privateKey: string, publicKey?: string): string {
  return sm2.doSignature(message, privateKey, {
    hash: true,
    userId: SM2_USER_ID,
    publicKey: publicKey ?? sm2PublicKeyOf(privateKey),
  });
}

const HEX_PUBLIC_KEY = /^04[0-9a-f]{128}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;

// Precomputing a public key's multiples makes each verification ~5x faster
// (notes/measurements.md); a workstation verifies against a handful of issuer keys.
const precomputed = new Map<string, ReturnType<typeof sm2.precomputePublicKey>>();
const PRECOMPUTED_LIMIT = 256;

function pointOf(publicKey: string): ReturnType<typeof sm2.precomputePublicKey> {
  let point = precomputed.get(publicKey);
  if (!point) {
    if (precomputed.size >= PRECOMPUTED_LIMIT) precomputed.clear();
    point = sm2.precomputePublicKey(publicKey);
    precomputed.set(publicKey, point);
  }
  return point;
}

/**
 * Verifies an SM2-with-SM3 signature (128 hex, r‖s) over UTF-8 text or bytes.
 * Malformed keys or signatures verify as false; this never throws.
 */
export function sm2Verify(message: string | Uint8Array, signature: string, publicKey: string): boolean {
  const key = publicKey.toLowerCase();
  const sig = signature.toLowerCase();
  if (!HEX_PUBLIC_KEY.test(key) || !HEX_SIGNATURE.test(sig)) return false;
  try {
    if (!sm2.verifyPublicKey(key)) return false;
    return sm2.doVerifySignature(message, sig, pointOf(key), { hash: true, userId: SM2_USER_ID });
  } catch {
    return false;
  }
}
