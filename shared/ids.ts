/**
 * Check characters of the identifiers a counter meets: the citizen ID number (GB 11643),
 * the unified social credit code (GB 32100) and the licence identifier (GB/T 36904 as used
 * in practice, ISO/IEC 7064 MOD 37,36). docs/library-api.md §5 states the algorithms.
 */

/** Holder ID type codes (GB/T 36903). */
export const ID_TYPE = {
  /** 居民身份证号 */
  citizenId: '111',
  /** 统一社会信用代码 */
  creditCode: '001',
} as const;

/** A holder ID type code the library knows. */
export type IdType = (typeof ID_TYPE)[keyof typeof ID_TYPE];

const CITIZEN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CITIZEN_CHECK = '10X98765432';

/** Why a citizen ID number is not valid, for a message the clerk can act on. */
export type CitizenIdProblem = 'length' | 'characters' | 'birth_date' | 'check_character';

/** The check character (GB 11643) of the first 17 digits of a citizen ID number. */
export function citizenIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * CITIZEN_WEIGHTS[i]!;
  return CITIZEN_CHECK[sum % 11]!;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1]!;
}

/**
 * Checks an 18-character citizen ID number: digits, a real birth date (not after `today`,
 * not before 1900) and the check character. Returns null when valid, else the first problem.
 * A lowercase `x` is accepted as the check character; callers normalise with toUpperCase.
 */
export function citizenIdProblem(idNumber: string, today: Date = new Date()): CitizenIdProblem | null {
  const id = idNumber.toUpperCase();
  if (id.length !== 18) return 'length';
  if (!/^\d{17}[\dX]$/.test(id)) return 'characters';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (!isRealDate(year, month, day) || year < 1900) return 'birth_date';
  const birth = Date.UTC(year, month - 1, day);
  if (birth > today.getTime()) return 'birth_date';
  if (citizenIdCheckChar(id) !== id[17]) return 'check_character';
  return null;
}

/** True when a citizen ID number passes every GB 11643 check. */
export function isValidCitizenId(idNumber: string, today?: Date): boolean {
  return citizenIdProblem(idNumber, today) === null;
}

/** The alphabet of the unified social credit code (no I, O, S, V, Z). */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character (GB 32100) of the first 17 characters of a credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** True when an 18-character unified social credit code has valid characters and check character. */
export function isValidCreditCode(code: string): boolean {
  if (code.length !== 18) return false;
  for (const ch of code) if (!CREDIT_CODE_ALPHABET.includes(ch)) return false;
  return creditCodeCheckChar(code) === code[17];
}

/** True when a holder's ID number is valid for its ID type. */
export function isValidHolderId(idType: string, idNumber: string, today?: Date): boolean {
  if (idType === ID_TYPE.citizenId) return isValidCitizenId(idNumber, today) && idNumber === idNumber.toUpperCase();
  if (idType === ID_TYPE.creditCode) return isValidCreditCode(idNumber);
  return false;
}

const MOD3736_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ISO/IEC 7064 MOD 37,36 (hybrid system) check character over `0-9A-Z` text. */
export function mod3736CheckChar(text: string): string {
  const m = 36;
  let p = m;
  for (const ch of text) {
    const value = MOD3736_ALPHABET.indexOf(ch);
    if (value < 0) throw new RangeError(`mod3736CheckChar: character ${JSON.stringify(ch)} outside 0-9A-Z`);
    let s = (p % (m + 1)) + value;
    s = s % m === 0 ? m : s % m;
    p = s * 2;
  }
  p = p % (m + 1);
  return MOD3736_ALPHABET[(m + 1 - p) % m]!;
}

/** The fixed root of every licence identifier. */
export const LICENCE_ID_ROOT = '1.2.156.3005.2';

/** The parts of a licence identifier. */
export interface LicenceIdParts {
  typeCode: string;
  issuerCode: string;
  serial: string;
  version: string;
  check: string;
}

/** Builds a licence identifier with its check character. */
export function buildLicenceId(parts: Omit<LicenceIdParts, 'check'>): string {
  const check = mod3736CheckChar(parts.typeCode + parts.issuerCode + parts.serial + parts.version);
  return [LICENCE_ID_ROOT, parts.typeCode, parts.issuerCode, parts.serial, parts.version, check].join('.');
}

/** Splits a licence identifier; null when its shape is wrong (the check character is not judged). */
export function parseLicenceId(id: string): LicenceIdParts | null {
  if (!id.startsWith(`${LICENCE_ID_ROOT}.`)) return null;
  const rest = id.slice(LICENCE_ID_ROOT.length + 1).split('.');
  if (rest.length !== 5) return null;
  const [typeCode, issuerCode, serial, version, check] = rest as [string, string, string, string, string];
  if (!/^[0-9A-Z]{21}$/.test(typeCode) || !/^[0-9A-Z]{18}$/.test(issuerCode)) return null;
  if (!/^[0-9A-Z]{1,40}$/.test(serial) || !/^\d{3}$/.test(version) || !/^[0-9A-Z]$/.test(check)) return null;
  return { typeCode, issuerCode, serial, version, check };
}

/**
 * Whether a licence identifier's check character is right. A mismatch is a warning to the
 * clerk, never a rejection on its own (docs/library-api.md §5).
 */
export function licenceIdCheckOk(id: string): boolean {
  const parts = parseLicenceId(id);
  if (!parts) return false;
  return mod3736CheckChar(parts.typeCode + parts.issuerCode + parts.serial + parts.version) === parts.check;
}

/**
 * An ID number as the counter shows it on screen (Art. 27): the first 6 and last 4 characters
 * of an 18-character number, the rest as `*`; shorter inputs keep only their last 2.
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length === 18) return `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;
  if (idNumber.length <= 2) return '*'.repeat(idNumber.length);
  return '*'.repeat(idNumber.length - 2) + idNumber.slice(-2);
}
