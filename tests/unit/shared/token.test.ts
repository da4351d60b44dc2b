import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/canonical-json';
import { base64UrlEncode, utf8Encode } from '../../../shared/encoding';
import type { TokenPayload } from '../../../shared/library-api';
import { generateSm2KeyPair, sm2Sign } from '../../../shared/sm';
import { checkTokenExpiry, checkTokenLifetime, parseToken, scopeAllowsAny, signToken, TOKEN_CLOCK_SKEW_SECONDS, verifyToken } from '../../../shared/token';

const keys = generateSm2KeyPair();
const other = generateSm2KeyPair();
const lookup = (kid: string) => (kid === 'platform-1' ? keys.publicKey : null);

const payload: TokenPayload = {
  v: 1,
  kid: 'platform-1',
  holder: { idType: '111', idNumber: '11010519491231002X', name: '张伟' },
  scope: '*',
  iat: 1_800_000_000,
  exp: 1_800_000_300,
  jti: 'a1b2c3',
};
const before = new Date(1_800_000_100 * 1000);

function rawToken(payloadText: string, privateKey = keys.privateKey): string {
  const input = `EL1.${base64UrlEncode(utf8Encode(payloadText))}`;
  const hex = sm2Sign(input, privateKey);
  const bytes = Uint8Array.from(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  return `${input}.${base64UrlEncode(bytes)}`;
}

describe('亮证 token', () => {
  it('round-trips: a signed token verifies and yields its payload', () => {
    const token = signToken(payload, keys.privateKey);
    expect(token).toMatch(/^EL1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(verifyToken(token, lookup, before)).toEqual({ ok: true, value: payload });
  });

  it.each([
    ['', 'not_a_token'],
    ['hello world', 'not_a_token'],
    ['EL2.abc.def', 'not_a_token'],
    ['EL1.abc', 'not_a_token'],
    ['EL1.a.b.c', 'not_a_token'],
    ['EL1.票.abc', 'not_a_token'],
    ['EL1.a+b.abc', 'malformed'],
    ['EL1.YWJj.YWJj', 'malformed'],
  ] as const)('parse %j → %s', (text, reason) => {
    expect(parseToken(text)).toEqual({ ok: false, reason });
  });

  it('refuses a payload that is not canonical JSON, has an unknown field or a wrong shape', () => {
    const spaced = JSON.stringify(payload, null, 1);
    expect(parseToken(rawToken(spaced))).toEqual({ ok: false, reason: 'malformed' });
    expect(parseToken(rawToken(canonicalJson({ ...payload, extra: 1 })))).toEqual({ ok: false, reason: 'malformed' });
    expect(parseToken(rawToken(canonicalJson({ ...payload, v: 2 })))).toEqual({ ok: false, reason: 'malformed' });
    expect(parseToken(rawToken('not json'))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('names an unknown key and a bad signature apart', () => {
    expect(verifyToken(signToken({ ...payload, kid: 'nobody' }, keys.privateKey), lookup, before)).toEqual({ ok: false, reason: 'unknown_key' });
    expect(verifyToken(signToken(payload, other.privateKey), lookup, before)).toEqual({ ok: false, reason: 'bad_signature' });
    const token = signToken(payload, keys.privateKey);
    const forged = `EL1.${base64UrlEncode(utf8Encode(canonicalJson({ ...payload, scope: ['11100000000013127D001'] })))}.${token.split('.')[2]}`;
    expect(verifyToken(forged, lookup, before)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('is valid while now < exp, with no leeway', () => {
    expect(checkTokenExpiry(payload, new Date(payload.exp * 1000 - 1))).toEqual({ ok: true, value: 0 });
    expect(checkTokenExpiry(payload, new Date(payload.exp * 1000))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyToken(signToken(payload, keys.privateKey), lookup, new Date(payload.exp * 1000 + 5000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('judges a bad signature before expiry', () => {
    const late = new Date(payload.exp * 1000 + 5000);
    expect(verifyToken(signToken(payload, other.privateKey), lookup, late)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('scope "*" covers every type; a list covers only its types', () => {
    expect(scopeAllowsAny('*', ['X'])).toBe(true);
    expect(scopeAllowsAny(['A', 'B'], ['C', 'B'])).toBe(true);
    expect(scopeAllowsAny(['A'], ['C'])).toBe(false);
  });

  it('refuses a token that lives longer than the API allows (600 s), even well signed', () => {
    const at = (seconds: number) => new Date(seconds * 1000);
    const issued = payload.iat;
    expect(checkTokenLifetime({ ...payload, exp: issued + 600 }, at(issued))).toEqual({ ok: true, value: 600 });
    expect(checkTokenLifetime({ ...payload, exp: issued + 601 }, at(issued))).toEqual({ ok: false, reason: 'too_long_lived' });
    expect(checkTokenLifetime({ ...payload, exp: issued }, at(issued))).toEqual({ ok: false, reason: 'too_long_lived' });
    // Dated in the future: within the limit by its own dates, but usable for longer from now.
    const future = { ...payload, iat: issued + 3_000, exp: issued + 3_300 };
    expect(checkTokenLifetime(future, at(issued))).toEqual({ ok: false, reason: 'too_long_lived' });
    expect(checkTokenLifetime({ ...payload, iat: issued + TOKEN_CLOCK_SKEW_SECONDS, exp: issued + TOKEN_CLOCK_SKEW_SECONDS + 600 }, at(issued)).ok).toBe(true);
    const hour = signToken({ ...payload, exp: issued + 3_600 }, keys.privateKey);
    expect(verifyToken(hour, lookup, before)).toEqual({ ok: false, reason: 'too_long_lived' });
  });
});
