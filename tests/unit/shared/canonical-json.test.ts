import { describe, expect, it, vi } from 'vitest';
import { CanonicalJsonWriter, canonicalJson } from '../../../shared/canonical-json';

const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));
const written = (value: unknown) => Array.from(new CanonicalJsonWriter().value(value).bytes());

// A small deterministic generator (mulberry32) so that a failure can be replayed.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that take every path: plain ASCII, the escapes JSON.stringify writes, DEL,
// two- and three-byte UTF-8, a surrogate pair, lone surrogates.
const ALPHABET = ['a', 'Z', '0', ' ', '~', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '证', '照', '😀', '\ud800', '\udc00'];

function randomString(next: () => number): string {
  let text = '';
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) text += next() < 0.6 ? String.fromCharCode(0x20 + Math.floor(next() * 95)) : ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return [0, -0, 1, -17, 0.1, 1e21, 1.5e-7, 2 ** 53, -3.25, Math.floor(next() * 1e9)][Math.floor(next() * 10)];
    case 3:
    case 4:
      return randomString(next);
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.1 ? undefined : randomValue(next, depth + 1)));
    default: {
      const record: Record<string, unknown> = {};
      const keys = Math.floor(next() * 5);
      for (let i = 0; i < keys; i++) record[randomString(next)] = next() < 0.1 ? undefined : randomValue(next, depth + 1);
      return record;
    }
  }
}

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined fields and writes undefined array items as null', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, '二'], c: undefined } })).toBe('{"a":{"d":[1,null,"二"]},"b":1}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });
});

describe('CanonicalJsonWriter', () => {
  it('writes exactly the UTF-8 bytes of canonicalJson, for random values with every kind of character', () => {
    const next = random(20261127);
    for (let i = 0; i < 3_000; i++) {
      const value = randomValue(next);
      expect(written(value), JSON.stringify(value)).toEqual(utf8(canonicalJson(value)));
    }
  });

  it.each([
    ['an ASCII string', 'PD01-20261126-0007'],
    ['quotes and backslashes', 'C:\\x "y"'],
    ['control characters', '\u0000\b\f\n\r\t\u001f'],
    ['Chinese', '人才引进落户 材料核验'],
    ['a surrogate pair', '😀'],
    ['lone surrogates', '\ud800x\udc00'],
  ])('writes %s as JSON.stringify does', (_, text) => {
    expect(written(text)).toEqual(utf8(JSON.stringify(text)));
  });

  it('appends raw text as UTF-8, and starts again on reset while keeping what comes after', () => {
    const writer = new CanonicalJsonWriter();
    writer.raw('abc').raw('证').string('x');
    expect(Array.from(writer.bytes())).toEqual(utf8('abc证"x"'));
    writer
      .reset()
      .raw('{')
      .value({ k: [1] })
      .raw('}');
    expect(Array.from(writer.bytes())).toEqual(utf8('{{"k":[1]}}'));
  });

  it('grows past its first buffer without losing what was written', () => {
    const long = '证照'.repeat(2_000) + 'x'.repeat(5_000);
    expect(written({ long, n: 1 })).toEqual(utf8(canonicalJson({ long, n: 1 })));
  });

  it('refuses what canonicalJson refuses', () => {
    expect(() => new CanonicalJsonWriter().value(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => new CanonicalJsonWriter().value(Symbol('x'))).toThrow(TypeError);
  });

  it('writes the same bytes where the platform has no TextEncoder', async () => {
    vi.resetModules();
    vi.stubGlobal('TextEncoder', undefined);
    try {
      const { CanonicalJsonWriter: Plain } = await import('../../../shared/canonical-json');
      const value = { note: '人才引进落户', emoji: '😀', lone: '\ud800', quote: '"' };
      vi.unstubAllGlobals();
      expect(Array.from(new Plain().value(value).bytes())).toEqual(utf8(canonicalJson(value)));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
