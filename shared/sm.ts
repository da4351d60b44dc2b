/**
 * SM3 hashing and SM2 signatures (GB/T 32905, GB/T 32918) in pure JavaScript, because
 * Electron's BoringSSL has neither. Conventions are the library API's (docs/library-api.md §1):
 * SM2 with SM3 and the default user id, signatures as 128 hex characters (r‖s), public keys
 * as 130 hex characters (`04`‖x‖y), hashes as 64 lowercase hex characters.
 */
import { sm2 } from 'sm-crypto-v2';
import { HEX_BYTE, utf8Encoder } from './encoding';

/** The SM2 user id every signature in the system uses (GM/T 0009 default). */
export const SM2_USER_ID = '1234567812345678';

// SM3 (GB/T 32905) written out over 32-bit integers: sm-crypto-v2's SM3 reads words through a
// DataView, rotates the round constant on every round and builds a JS array to encode strings;
// this one does none of that and hashes a ~400-byte audit event about 1.7x faster, which is
// what lets a supervisor verify the audit chain at the rate the issue asks (≥ 60,000 events/s).
// A unit test holds it equal to sm-crypto-v2's on every length across block boundaries.
const SM3_IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
const SM3_T = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const s = j % 32;
  SM3_T[j] = (t << s) | (t >>> (32 - s));
}
const sm3W = new Int32Array(68);
const sm3V = new Int32Array(8);
const sm3Tail = new Uint8Array(128);

function sm3Compress(block: Uint8Array, offset: number): void {
  const W = sm3W;
  for (let i = 0, o = offset; i < 16; i++, o += 4) W[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  for (let i = 16; i < 68; i++) {
    const w3 = W[i - 3]!;
    const w13 = W[i - 13]!;
    let x = W[i - 16]! ^ W[i - 9]! ^ ((w3 << 15) | (w3 >>> 17));
    x = x ^ ((x << 15) | (x >>> 17)) ^ ((x << 23) | (x >>> 9));
    W[i] = x ^ ((w13 << 7) | (w13 >>> 25)) ^ W[i - 6]!;
  }
  const V = sm3V;
  let A = V[0]!,
    B = V[1]!,
    C = V[2]!,
    D = V[3]!,
    E = V[4]!,
    F = V[5]!,
    G = V[6]!,
    H = V[7]!;
  // Rounds 0–15 and 16–63 differ only in their boolean functions: two loops, no branch per round.
  for (let j = 0; j < 16; j++) {
    const a12 = (A << 12) | (A >>> 20);
    let ss1 = (a12 + E + SM3_T[j]!) | 0;
    ss1 = (ss1 << 7) | (ss1 >>> 25);
    const w = W[j]!;
    const tt1 = ((A ^ B ^ C) + D + (ss1 ^ a12) + (w ^ W[j + 4]!)) | 0;
    const tt2 = ((E ^ F ^ G) + H + ss1 + w) | 0;
    D = C;
    C = (B << 9) | (B >>> 23);
    B = A;
    A = tt1;
    H = G;
    G = (F << 19) | (F >>> 13);
    F = E;
    E = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
  }
  for (let j = 16; j < 64; j++) {
    const a12 = (A << 12) | (A >>> 20);
    let ss1 = (a12 + E + SM3_T[j]!) | 0;
    ss1 = (ss1 << 7) | (ss1 >>> 25);
    const w = W[j]!;
    const tt1 = (((A & B) | (A & C) | (B & C)) + D + (ss1 ^ a12) + (w ^ W[j + 4]!)) | 0;
    const tt2 = (((E & F) | (~E & G)) + H + ss1 + w) | 0;
    D = C;
    C = (B << 9) | (B >>> 23);
    B = A;
    A = tt1;
    H = G;
    G = (F << 19) | (F >>> 13);
    F = E;
    E = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
  }
  V[0] = V[0]! ^ A;
  V[1] = V[1]! ^ B;
  V[2] = V[2]! ^ C;
  V[3] = V[3]! ^ D;
  V[4] = V[4]! ^ E;
  V[5] = V[5]! ^ F;
  V[6] = V[6]! ^ G;
  V[7] = V[7]! ^ H;
}

// Text is encoded into one reused buffer (no allocation per hash): a UTF-16 unit becomes at most 3 bytes.
let encodeBuffer = new Uint8Array(4096);

function utf8Of(text: string): Uint8Array {
  if (!utf8Encoder.encodeInto) return utf8Encoder.encode(text);
  if (encodeBuffer.length < text.length * 3) encodeBuffer = new Uint8Array(text.length * 3);
  const { written } = utf8Encoder.encodeInto(text, encodeBuffer);
  return encodeBuffer.subarray(0, written);
}

/**
 * Writes the end of SM3's padding: a message's length in bits, as a 64-bit big-endian integer,
 * into the eight bytes before `end`.
 */
export function writeSm3Length(bytes: Uint8Array, end: number, length: number): void {
  const high = Math.floor(length / 0x20000000);
  const low = (length * 8) >>> 0;
  bytes[end - 8] = high >>> 24;
  bytes[end - 7] = (high >>> 16) & 255;
  bytes[end - 6] = (high >>> 8) & 255;
  bytes[end - 5] = high & 255;
  bytes[end - 4] = low >>> 24;
  bytes[end - 3] = (low >>> 16) & 255;
  bytes[end - 2] = (low >>> 8) & 255;
  bytes[end - 1] = low & 255;
}

/**
 * SM3 of UTF-8 text or of raw bytes, as 64 lowercase hex characters. Lone surrogates in text
 * are encoded as U+FFFD, as TextEncoder does.
 */
export function sm3Hex(input: string | Uint8Array): string {
  const data = typeof input === 'string' ? utf8Of(input) : input;
  sm3V.set(SM3_IV);
  const length = data.length;
  const full = length - (length % 64);
  for (let offset = 0; offset < full; offset += 64) sm3Compress(data, offset);
  const rest = length - full;
  const tail = sm3Tail;
  tail.fill(0);
  tail.set(data.subarray(full), 0);
  tail[rest] = 0x80;
  const tailLength = rest + 9 <= 64 ? 64 : 128;
  writeSm3Length(tail, tailLength, length);
  for (let offset = 0; offset < tailLength; offset += 64) sm3Compress(tail, offset);
  let hex = '';
  for (let i = 0; i < 8; i++) {
    const v = sm3V[i]!;
    hex += HEX_BYTE[(v >>> 24) & 255]! + HEX_BYTE[(v >>> 16) & 255]! + HEX_BYTE[(v >>> 8) & 255]! + HEX_BYTE[v & 255]!;
  }
  return hex;
}

/**
 * SM3 of many messages at once: a hasher that may work on several messages side by side (the
 * renderer's WebAssembly SIMD one hashes four at a time). Messages are queued, then hashed
 * together by `flush`.
 */
export interface Sm3Batch {
  /** Queues a message; its bytes are copied before the call returns. */
  add(message: Uint8Array): void;
  /** The SM3 of every message queued since the last flush, in order, as 64 lowercase hex characters. */
  flush(): string[];
}

/** The {@link Sm3Batch} over {@link sm3Hex}, one message at a time: where there is nothing faster. */
export class Sm3BatchJs implements Sm3Batch {
  private digests: string[] = [];

  add(message: Uint8Array): void {
    this.digests.push(sm3Hex(message));
  }

  flush(): string[] {
    const digests = this.digests;
    this.digests = [];
    return digests;
  }
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
// (docs/architecture.md §11); a workstation verifies against a handful of issuer keys.
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
