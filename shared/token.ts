/**
 * The holder's 亮证 token (docs/library-api.md §6): `EL1.<payload>.<signature>`, where
 * the payload is base64url of canonical JSON and the signature is base64url of the 64 raw
 * bytes r‖s of an SM2 signature over the ASCII text `EL1.<payload>`.
 *
 * The holder platform (the sandbox) builds tokens; the library redeems them; the workstation
 * verifies them offline with the same functions. Nothing here throws on bad input: each
 * function returns a result with a reason code.
 */
import { canonicalJson } from './canonical-json';
import { base64UrlDecode, base64UrlEncode, fromHex, toHex, utf8Decode, utf8Encode } from './encoding';
import { MAX_TOKEN_TTL_SECONDS, TokenPayload, type TokenScope } from './library-api';
import { sm2Sign, sm2Verify } from './sm';

/** The version prefix of every token. */
export const TOKEN_PREFIX = 'EL1';

/** Why a token was not accepted. */
export type TokenProblem = 'not_a_token' | 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'too_long_lived';

/** A token split and decoded, its signature not yet judged. */
export interface ParsedToken {
  payload: TokenPayload;
  /** The ASCII text the signature covers: `EL1.<payload>`. */
  signingInput: string;
  /** The signature as 128 hex characters (r‖s). */
  signatureHex: string;
}

/** The result of a token check: the value, or the reason it failed. */
export type TokenResult<T> = { ok: true; value: T } | { ok: false; reason: TokenProblem };

/** Looks up a `holder_token` public key (130 hex) by its kid; null or undefined when unknown. */
export type TokenKeyLookup = (kid: string) => string | null | undefined;

const TOKEN_SHAPE = /^EL1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/** base64url (no padding) of a payload's canonical JSON. */
export function encodeTokenPayload(payload: TokenPayload): string {
  return base64UrlEncode(utf8Encode(canonicalJson(payload)));
}

/** Builds and signs a token with a `holder_token` private key (64 hex). */
export function signToken(payload: TokenPayload, privateKey: string, publicKey?: string): string {
  const signingInput = `${TOKEN_PREFIX}.${encodeTokenPayload(payload)}`;
  const signatureHex = sm2Sign(signingInput, privateKey, publicKey);
  return `${signingInput}.${base64UrlEncode(fromHex(signatureHex) ?? new Uint8Array())}`;
}

/**
 * Splits and decodes a token. `not_a_token` when the text does not look like a token at all
 * (wrong prefix, not printable ASCII, not three parts); `malformed` when it does but its
 * base64url, its JSON, its canonical form or its payload's shape is wrong. The text is not
 * trimmed: a caller reading a barcode gun trims first.
 */
export function parseToken(text: string): TokenResult<ParsedToken> {
  if (!PRINTABLE_ASCII.test(text) || !text.startsWith(`${TOKEN_PREFIX}.`)) return { ok: false, reason: 'not_a_token' };
  const match = TOKEN_SHAPE.exec(text);
  if (!match) return { ok: false, reason: text.split('.').length === 3 ? 'malformed' : 'not_a_token' };
  // Both groups take part in every match: the defaults are never used.
  const [, payloadPart = '', signaturePart = ''] = match;
  const payloadBytes = base64UrlDecode(payloadPart);
  const signatureBytes = base64UrlDecode(signaturePart);
  if (!payloadBytes || !signatureBytes || signatureBytes.length !== 64) return { ok: false, reason: 'malformed' };
  const payloadText = utf8Decode(payloadBytes);
  if (payloadText === null) return { ok: false, reason: 'malformed' };
  let json: unknown;
  try {
    json = JSON.parse(payloadText);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = TokenPayload.safeParse(json);
  if (!parsed.success || canonicalJson(json) !== payloadText) return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    value: { payload: parsed.data, signingInput: `${TOKEN_PREFIX}.${payloadPart}`, signatureHex: toHex(signatureBytes) },
  };
}

/** Checks a parsed token's signature against the key its kid names. */
export function verifyTokenSignature(token: ParsedToken, lookupKey: TokenKeyLookup): TokenResult<ParsedToken> {
  const publicKey = lookupKey(token.payload.kid);
  if (!publicKey) return { ok: false, reason: 'unknown_key' };
  if (!sm2Verify(token.signingInput, token.signatureHex, publicKey)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, value: token };
}

/** Seconds a token has left at `now`; `expired` once `now >= exp` (no leeway). */
export function checkTokenExpiry(payload: TokenPayload, now: Date): TokenResult<number> {
  const nowSeconds = now.getTime() / 1000;
  if (!(nowSeconds < payload.exp)) return { ok: false, reason: 'expired' };
  return { ok: true, value: Math.floor(payload.exp - nowSeconds) };
}

/** How far ahead of the library's clock a token's issuer may be (its `iat` in the future). */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

/**
 * Whether a token lives no longer than a holder token may (docs/library-api.md §6: at most 600 seconds): its
 * `exp` after its `iat` by 1–600 s, and no more than 600 s (plus the clock skew) ahead of
 * `now`, so a token dated in the future cannot outlive the limit either. A longer-lived one is
 * `too_long_lived`: a photographed code must not stay usable for hours.
 */
export function checkTokenLifetime(payload: TokenPayload, now: Date): TokenResult<number> {
  const lifetime = payload.exp - payload.iat;
  const ahead = payload.exp - now.getTime() / 1000;
  if (lifetime <= 0 || lifetime > MAX_TOKEN_TTL_SECONDS || ahead > MAX_TOKEN_TTL_SECONDS + TOKEN_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'too_long_lived' };
  }
  return { ok: true, value: lifetime };
}

/**
 * Parses a token, checks its signature, its lifetime and then its expiry, in the order the
 * library judges them (docs/library-api.md §6: invalid before expired; a token living longer than the API
 * allows is invalid).
 */
export function verifyToken(text: string, lookupKey: TokenKeyLookup, now: Date): TokenResult<TokenPayload> {
  const parsed = parseToken(text);
  if (!parsed.ok) return parsed;
  const signed = verifyTokenSignature(parsed.value, lookupKey);
  if (!signed.ok) return signed;
  const lifetime = checkTokenLifetime(parsed.value.payload, now);
  if (!lifetime.ok) return lifetime;
  const fresh = checkTokenExpiry(parsed.value.payload, now);
  if (!fresh.ok) return fresh;
  return { ok: true, value: parsed.value.payload };
}

/** Whether a token scope covers at least one of the given licence type codes. */
export function scopeAllowsAny(scope: TokenScope, typeCodes: readonly string[]): boolean {
  if (scope === '*') return true;
  return typeCodes.some((code) => scope.includes(code));
}
