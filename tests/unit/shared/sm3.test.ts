import { sm3 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { sm3Hex } from '../../../shared/sm';
import { utf8Encode } from '../../../shared/encoding';

describe('sm3Hex (GB/T 32905)', () => {
  it.each([
    ['abc', '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
    ['abcd'.repeat(16), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732'],
    ['', '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b'],
  ])('the standard vector of %j', (text, hash) => {
    expect(sm3Hex(text)).toBe(hash);
  });

  it('equals sm-crypto-v2 on every length across one, two and three blocks', () => {
    let seed = 7;
    for (let length = 0; length <= 200; length++) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = seed = (seed * 1103515245 + 12345) & 0xff;
      expect(sm3Hex(bytes), `length ${length}`).toBe(sm3(bytes));
    }
  });

  it('hashes text as its UTF-8 bytes, Chinese included', () => {
    const text = 's1.name."张伟" 结婚登记 𠀋';
    expect(sm3Hex(text)).toBe(sm3Hex(utf8Encode(text)));
    expect(sm3Hex(text)).toBe(sm3(text));
  });

  it('hashes a subarray by its own bytes only', () => {
    const buffer = utf8Encode('xxabcxx');
    expect(sm3Hex(buffer.subarray(2, 5))).toBe(sm3Hex('abc'));
  });
});
