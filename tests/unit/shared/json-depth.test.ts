import { describe, expect, it } from 'vitest';
import { jsonTextTooDeep, MAX_JSON_DEPTH, valueTooDeep } from '../../../shared/json-depth';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the nesting limit of a request body', () => {
  it('counts arrays and objects from the text, before parsing', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(jsonTextTooDeep(nested(64))).toBe(false);
    expect(jsonTextTooDeep(nested(65))).toBe(true);
    expect(jsonTextTooDeep(`{"a":${nested(63)}}`)).toBe(false);
    expect(jsonTextTooDeep(`{"a":${nested(64)}}`)).toBe(true);
    expect(jsonTextTooDeep('{"a":1,"b":[1,{"c":2}]}', 3)).toBe(false);
    expect(jsonTextTooDeep('{"a":1,"b":[1,{"c":[]}]}', 3)).toBe(true);
    // Siblings do not add up.
    expect(jsonTextTooDeep(`[${Array.from({ length: 1_000 }, () => nested(60)).join(',')}]`)).toBe(false);
    expect(jsonTextTooDeep(nested(100_000))).toBe(true);
    expect(jsonTextTooDeep('')).toBe(false);
    expect(jsonTextTooDeep('12')).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonTextTooDeep(JSON.stringify({ a: '['.repeat(1_000) }))).toBe(false);
    expect(jsonTextTooDeep(JSON.stringify({ a: `\\"${'{'.repeat(1_000)}` }))).toBe(false);
    // A string ending in an escaped backslash ends at the quote after it.
    expect(jsonTextTooDeep(`{"a":"x\\\\","b":${nested(70)}}`)).toBe(true);
    expect(JSON.parse(`{"a":"x\\\\","b":1}`)).toEqual({ a: 'x\\', b: 1 });
    expect(jsonTextTooDeep(`["unterminated ${'['.repeat(100)}`)).toBe(false);
    expect(jsonTextTooDeep(JSON.stringify({ evidence: 'A'.repeat(30 * 1024 * 1024) }))).toBe(false);
  });

  it('judges a value received as an object, cycles and shared parts included, without recursion', () => {
    expect(valueTooDeep(JSON.parse(nested(64)))).toBe(false);
    expect(valueTooDeep(JSON.parse(nested(65)))).toBe(true);
    expect(valueTooDeep(JSON.parse(nested(50_000)))).toBe(true);
    expect(valueTooDeep('text')).toBe(false);
    expect(valueTooDeep(null)).toBe(false);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(valueTooDeep(cyclic)).toBe(true);
    // 2^60 paths through 60 shared levels: judged in a blink, not walked path by path.
    let shared: unknown = {};
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    expect(valueTooDeep(shared)).toBe(false);
    for (let i = 0; i < 10; i++) shared = [shared, shared];
    expect(valueTooDeep(shared)).toBe(true);
  });
});
