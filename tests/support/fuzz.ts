/**
 * A seeded generator of malformed requests for the fuzz tests of the host and the sandbox. The
 * same seed gives the same requests, so a failure reproduces: run again with
 * `FUZZ_SEED=<seed> npx vitest run tests/host/fuzz.test.ts` (the failing case prints its seed).
 */
import type { z } from 'zod';

/** The seed of this run: FUZZ_SEED from the environment, or a fixed default. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_127);

/** A small deterministic random source (mulberry32). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** An object with an own, enumerable property of any name, `__proto__` included (JSON.stringify writes it). */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}

/** Keys that reach for an object's prototype when code copies or merges what it parsed. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e\u0645',
  '../../../../etc/passwd',
  '..%2f..%2fkeys.json',
  '%00',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'EL1.a.b',
  'EL1..',
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '2026-13-01T25:61:61Z',
  '11010519491231002X',
  '1.2.156.3005.2.X.Y.Z.001.0',
  '张伟',
  'null',
  '{"a":1}',
  'x'.repeat(300),
  '\u4e2d'.repeat(5_000),
];

const NUMBERS = [0, -0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 4_294_967_296, 601, 60_001];

/** One value of a random JSON type, nested at most `depth` deep, chosen to be wrong for most fields. */
export function weirdValue(rng: Rng, depth = 2): unknown {
  const kind = rng.int(depth > 0 ? 9 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(NUMBERS);
    case 3:
    case 4:
      return rng.pick(STRINGS);
    case 5:
      return rng.pick([[], {}, [null], { '': '' }]);
    case 6:
      return Array.from({ length: 1 + rng.int(3) }, () => weirdValue(rng, depth - 1));
    case 7: {
      const object: Record<string, unknown> = {};
      for (let i = 0; i < 1 + rng.int(3); i++)
        withKey(object, rng.chance(0.3) ? rng.pick(PROTOTYPE_KEYS) : rng.pick(STRINGS).slice(0, 20), weirdValue(rng, depth - 1));
      return object;
    }
    default:
      return rng.pick(PROTOTYPE_KEYS);
  }
}

/** A request body as bytes: text that is not JSON, bytes that are not UTF-8, or JSON too deep. */
export function brokenBody(rng: Rng): { body: string | Uint8Array; what: string } {
  const texts: Array<[string, string]> = [
    ['{', 'truncated'],
    ['{"a":', 'truncated'],
    ['nul', 'not JSON'],
    ['[1,]', 'trailing comma'],
    ["{'a':1}", 'single quotes'],
    ['{"a":1} trailing', 'trailing text'],
    ['1e99999', 'huge number'],
    ['\ufeff[', 'byte-order mark, truncated'],
    ['{"a":"\\ud800"}', 'lone surrogate'],
    ['{"a":"\\x41"}', 'bad escape'],
    [`{"a":${'['.repeat(65)}${']'.repeat(65)}}`, 'nested 66 deep'],
    [`${'['.repeat(5_000)}${']'.repeat(5_000)}`, 'nested 5,000 deep'],
    [`${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`, 'objects nested 3,000 deep'],
    [`${'['.repeat(100_000)}`, 'unclosed, 100,000 deep'],
  ];
  if (rng.chance(0.15)) {
    const bytes = rng.pick([[0x7b, 0xff, 0x7d], [0x22, 0xc0, 0xaf, 0x22], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d], [0x00]]);
    return { body: Uint8Array.from(bytes), what: 'invalid UTF-8' };
  }
  const [body, what] = rng.pick(texts);
  return { body, what };
}

/** The object shape of a zod schema, when it has one (strict, partial and plain objects do). */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | null {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape && typeof shape === 'object' ? shape : null;
}

/**
 * A body for a call whose input is an object with these fields: wrong types for some fields,
 * unknown and prototype keys, a field's value nested deep, or a wrong type altogether. The
 * caller drops what happens to be valid (the schema says so), so every body is malformed.
 */
export function malformedInput(rng: Rng, fields: readonly string[], template: Record<string, unknown> = {}): { value: unknown; what: string } {
  switch (rng.int(7)) {
    case 0:
      return { value: rng.pick([null, 0, 'text', [], [template], true]), what: 'not an object' };
    case 1: {
      const value = { ...template };
      for (const field of fields) if (rng.chance(0.6)) value[field] = weirdValue(rng);
      return { value, what: 'wrong field types' };
    }
    case 2: {
      const value = { ...template };
      const field = fields.length > 0 && rng.chance(0.5) ? rng.pick(fields) : null;
      if (field) delete value[field];
      withKey(value, rng.pick(['extra', 'admin', 'role', 'operatorId', 'sql']), weirdValue(rng, 1));
      return { value, what: `unknown field${field ? `, ${field} missing` : ''}` };
    }
    case 3: {
      const value = withKey({ ...template }, rng.pick(PROTOTYPE_KEYS), rng.chance(0.5) ? { polluted: true, role: 'supervisor' } : weirdValue(rng));
      return { value, what: 'prototype key' };
    }
    case 4: {
      const value = { ...template };
      let nested: unknown = 'bottom';
      for (let i = 0; i < 70; i++) nested = [nested];
      value[fields.length > 0 ? rng.pick(fields) : 'deep'] = nested;
      return { value, what: 'a field nested 70 deep' };
    }
    case 5: {
      const value = { ...template };
      value[fields.length > 0 ? rng.pick(fields) : 'big'] = rng.chance(0.5) ? 'x'.repeat(70_000) : Array.from({ length: 5_000 }, (_, i) => i);
      return { value, what: 'an oversized field' };
    }
    default: {
      const value: Record<string, unknown> = {};
      for (const field of fields) if (rng.chance(0.5)) value[field] = weirdValue(rng, 3);
      withKey(value, rng.pick(PROTOTYPE_KEYS), weirdValue(rng, 2));
      return { value, what: 'random fields and a prototype key' };
    }
  }
}

/** A path segment spelt badly: undecodable, traversal, encoded separators, odd characters. */
export function badSegment(rng: Rng): string {
  return rng.pick([
    '%',
    '%E0%A4%A',
    '%c0%af',
    '..%c0%af..%c0%af',
    '..%2F..%2Fkeys.json',
    '%2e%2e',
    '%00',
    '%2F',
    'x'.repeat(2_000),
    '%F0%9F%98%80',
    '__proto__',
    'constructor',
    '%5B%5D',
    'a%20b',
    '..',
    '.',
  ]);
}
