import { describe, expect, it } from 'vitest';
import {
  buildLicenceId,
  citizenIdProblem,
  creditCodeCheckChar,
  isValidCitizenId,
  isValidCreditCode,
  licenceIdCheckOk,
  maskIdNumber,
  mod3736CheckChar,
  parseLicenceId,
} from '../../../shared/ids';

const today = new Date('2026-11-27T00:00:00Z');

describe('citizen ID number (GB 11643)', () => {
  it.each([
    ['11010519491231002X', null],
    ['110105194912310021', 'check_character'],
    ['11010519491231002x', null],
    ['1101051949123100', 'length'],
    ['11010519491331002X', 'birth_date'],
    ['11010519490229002X', 'birth_date'],
    ['11010520300101002X', 'birth_date'],
    ['1101051949123100AX', 'characters'],
  ] as const)('%s → %s', (id, problem) => {
    expect(citizenIdProblem(id, today)).toBe(problem);
  });

  it('accepts every birth date that exists, including 29 February of a leap year', () => {
    const first17 = '31010120000229123';
    let sum = 0;
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i]!;
    expect(isValidCitizenId(first17 + '10X98765432'[sum % 11], today)).toBe(true);
  });
});

describe('unified social credit code (GB 32100)', () => {
  it.each([
    ['91350100M000100Y43', true],
    ['91350100M000100Y44', false],
    ['91350100M000100Y4', false],
    ['91350100M000100YI3', false],
  ] as const)('%s → %s', (code, ok) => {
    expect(isValidCreditCode(code)).toBe(ok);
  });

  it('computes the check character of the first 17 characters', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });
});

describe('licence identifier (MOD 37,36)', () => {
  it('has the ISO/IEC 7064 property: appending the check character validates', () => {
    // In the hybrid system, running the recurrence over text+check ends with S = 1.
    for (const text of ['0', 'A', '123456789', 'HELLO', 'ZZZZ', '11100000000000000000A91310000MA1FL0000X00000001001']) {
      const check = mod3736CheckChar(text);
      let p = 36;
      let s = 0;
      for (const ch of text + check) {
        s = (p % 37) + '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.indexOf(ch);
        s = s % 36 === 0 ? 36 : s % 36;
        p = s * 2;
      }
      expect(s).toBe(1);
    }
  });

  it('detects every single-character substitution', () => {
    const text = 'AB12CD34';
    const check = mod3736CheckChar(text);
    for (let i = 0; i < text.length; i++) {
      for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        if (ch === text[i]) continue;
        expect(mod3736CheckChar(text.slice(0, i) + ch + text.slice(i + 1))).not.toBe(check);
      }
    }
  });

  it('builds, parses and checks an identifier', () => {
    const id = buildLicenceId({ typeCode: '11100000000000000000A', issuerCode: '11310000002421123X', serial: '000123', version: '001' });
    expect(id.startsWith('1.2.156.3005.2.11100000000000000000A.11310000002421123X.000123.001.')).toBe(true);
    expect(licenceIdCheckOk(id)).toBe(true);
    expect(parseLicenceId(id)?.serial).toBe('000123');
    const tampered = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
    expect(licenceIdCheckOk(tampered)).toBe(false);
    expect(parseLicenceId('1.2.156.3005.2.bad')).toBeNull();
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['11010519491231002X', '110105********002X'],
    ['91350100M000100Y43', '913501********0Y43'],
    ['12345', '***45'],
    ['1', '*'],
  ])('%s → %s', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });
});
