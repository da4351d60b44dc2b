/**
 * The resident identity card (居民身份证) as an ID-card reader (身份证阅读器) reads it: the card
 * data type, its normalisation from a vendor service's raw answer (driven by a field map, so a
 * new vendor is configuration, not code — docs/architecture.md §3.6), and the checks a counter makes on it
 * (GB 11643 check character, the birth date and sex the number encodes, the validity period in
 * Asia/Shanghai).
 *
 * The photo is face data (Art. 27): it is shown to the clerk for comparison and never stored.
 */
import { z } from 'zod';
import { citizenIdProblem, maskIdNumber, type CitizenIdProblem } from './ids';
import { IsoDate } from './library-api';
import { shanghaiDate } from './shanghai-time';
import type { SettingsProblem } from './settings-problems';

/** Sex as the card prints it (GB/T 2261.1: 1 男, 2 女). */
export const ID_CARD_SEXES = ['男', '女'] as const;
/** A card holder's sex. */
export type IdCardSex = (typeof ID_CARD_SEXES)[number];

/** Image types a card photo may come in (readers decode the chip's WLT image to one of these). */
export const ID_CARD_PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/bmp'] as const;
/** A card photo's image type. */
export type IdCardPhotoType = (typeof ID_CARD_PHOTO_TYPES)[number];

/** The largest card photo accepted, in bytes (a decoded chip photo is 102×126 pixels, ~38 KB as BMP). */
export const ID_CARD_PHOTO_MAX_BYTES = 256 * 1024;

const PHOTO_DATA_URL = /^data:image\/(png|jpeg|bmp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** A card as the workstation holds it, after normalisation. Dates are `YYYY-MM-DD`. */
export const IdCardSchema = z
  .object({
    name: z.string().min(1).max(60),
    sex: z.enum(ID_CARD_SEXES),
    /** The ethnicity's name without 族 (`汉`, `蒙古`), as printed on the card. */
    ethnicity: z.string().min(1).max(20),
    birthDate: IsoDate,
    address: z.string().min(1).max(200),
    /** 18 characters, the check character upper case. */
    idNumber: z.string().regex(/^\d{17}[\dX]$/),
    /** 签发机关, e.g. 上海市公安局浦东分局. */
    issuingAuthority: z.string().min(1).max(100),
    validFrom: IsoDate,
    /** null = 长期 (long term). */
    validTo: IsoDate.nullable(),
    /** The chip photo as a data URL, null when the reader gave none. */
    photoDataUrl: z
      .string()
      .max(Math.ceil((ID_CARD_PHOTO_MAX_BYTES * 4) / 3) + 64)
      .regex(PHOTO_DATA_URL)
      .nullable(),
  })
  .strict();
/** A card as read and normalised. */
export type IdCard = z.infer<typeof IdCardSchema>;

const FIELD_PATH = z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+){0,5}$/, 'reader_field_path' satisfies SettingsProblem);

/**
 * Where each card field is in a vendor's answer: a dotted path (`Certificate.Name`, `data.xm`)
 * relative to the answer's data object. The validity is either two fields (from, to) or one
 * period field (`20170101-20370101`, `2017.01.01-长期`).
 */
export const IdCardFieldMapSchema = z
  .object({
    name: FIELD_PATH,
    sex: FIELD_PATH,
    ethnicity: FIELD_PATH,
    birthDate: FIELD_PATH,
    address: FIELD_PATH,
    idNumber: FIELD_PATH,
    issuingAuthority: FIELD_PATH,
    validFrom: FIELD_PATH.nullable(),
    validTo: FIELD_PATH.nullable(),
    validPeriod: FIELD_PATH.nullable(),
    photo: FIELD_PATH.nullable(),
  })
  .strict()
  .refine((map) => map.validPeriod !== null || (map.validFrom !== null && map.validTo !== null), {
    message: 'reader_validity_fields' satisfies SettingsProblem,
    path: ['validPeriod'],
  });
/** A vendor's field map. */
export type IdCardFieldMap = z.infer<typeof IdCardFieldMapSchema>;

/** How a vendor sends the photo: plain base64 of the image file, or a ready data URL; its type, or `detect` from the bytes. */
export const PhotoEncodingSchema = z
  .object({
    encoding: z.enum(['base64', 'data_url']),
    type: z.enum([...ID_CARD_PHOTO_TYPES, 'detect']),
  })
  .strict();
/** A vendor's photo encoding. */
export type PhotoEncoding = z.infer<typeof PhotoEncodingSchema>;

/** The value at a dotted path of a JSON value (`a.b.0.c`); undefined when any step is missing. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(step)) return undefined;
      current = current[Number(step)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** Ethnicity codes of GB/T 3304 (some readers answer the code instead of the name). */
export const GB3304_ETHNICITIES: readonly string[] = [
  '汉',
  '蒙古',
  '回',
  '藏',
  '维吾尔',
  '苗',
  '彝',
  '壮',
  '布依',
  '朝鲜',
  '满',
  '侗',
  '瑶',
  '白',
  '土家',
  '哈尼',
  '哈萨克',
  '傣',
  '黎',
  '傈僳',
  '佤',
  '畲',
  '高山',
  '拉祜',
  '水',
  '东乡',
  '纳西',
  '景颇',
  '柯尔克孜',
  '土',
  '达斡尔',
  '仫佬',
  '羌',
  '布朗',
  '撒拉',
  '毛南',
  '仡佬',
  '锡伯',
  '阿昌',
  '普米',
  '塔吉克',
  '怒',
  '乌孜别克',
  '俄罗斯',
  '鄂温克',
  '德昂',
  '保安',
  '裕固',
  '京',
  '塔塔尔',
  '独龙',
  '鄂伦春',
  '赫哲',
  '门巴',
  '珞巴',
  '基诺',
];

/** A card field a vendor's answer may get wrong. */
export type IdCardField = Exclude<keyof IdCard, 'photoDataUrl'> | 'photo' | 'validPeriod';

/** Why a raw answer could not be made into a card: a field missing, or present but not understood. */
export interface IdCardNormaliseProblem {
  field: IdCardField;
  problem: 'missing' | 'invalid';
}

/** The outcome of {@link normaliseIdCard}. */
export type IdCardNormaliseResult = { ok: true; card: IdCard } | ({ ok: false } & IdCardNormaliseProblem);

function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  // Readers pad fixed-width chip fields with spaces (and some with full-width ones).
  const trimmed = value.replace(/[\u3000\s]+$/u, '').replace(/^[\u3000\s]+/u, '');
  return trimmed.length > 0 ? trimmed : null;
}

function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A card date as `YYYY-MM-DD`: readers write `19970928`, `1997.09.28`, `1997-09-28`,
 * `1997/09/28` or `1997年09月28日`. Null when it is not a real day.
 */
export function parseCardDate(raw: string): string | null {
  const match = /^(\d{4})(?:[.\-/年]?)(\d{1,2})(?:[.\-/月]?)(\d{1,2})日?$/.exec(raw.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Without separators the month and day must be two digits each (`1997928` is ambiguous).
  if (!/[.\-/年]/.test(raw) && raw.trim().length !== 8) return null;
  if (year < 1900 || !isRealDay(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const LONG_TERM = /^(长期|长期有效|long|99991231|9999\.12\.31|9999-12-31)$/i;

/** A validity end: a date, or null for 长期 (long term). Undefined when it is neither. */
export function parseCardValidTo(raw: string): string | null | undefined {
  if (LONG_TERM.test(raw.trim())) return null;
  return parseCardDate(raw) ?? undefined;
}

/** A validity period `<from>-<to>` (either date form, `-` or `—` or `至` between, `长期` for no end). */
export function parseCardValidPeriod(raw: string): { validFrom: string; validTo: string | null } | null {
  const trimmed = raw.trim();
  // Split at the separator between the two dates, not at a dash inside `1997-09-28`.
  const match = /^(\d{4}[.\-/年]?\d{1,2}[.\-/月]?\d{1,2}日?)\s*(?:-|—|–|~|至|到)\s*(.+)$/.exec(trimmed);
  if (!match) return null;
  const validFrom = parseCardDate(match[1]!);
  const validTo = parseCardValidTo(match[2]!);
  if (validFrom === null || validTo === undefined) return null;
  return { validFrom, validTo };
}

/** A sex as readers write it: `男`/`女`, GB/T 2261.1 codes `1`/`2`, or `M`/`F`. */
export function parseCardSex(raw: string): IdCardSex | null {
  const value = raw.trim().toUpperCase();
  if (value === '男' || value === '1' || value === 'M' || value === 'MALE') return '男';
  if (value === '女' || value === '2' || value === 'F' || value === 'FEMALE') return '女';
  return null;
}

/** An ethnicity as printed on the card: the name without 族, from a name or a GB/T 3304 code. */
export function parseCardEthnicity(raw: string): string | null {
  const value = raw.trim();
  if (/^\d{1,2}$/.test(value)) return GB3304_ETHNICITIES[Number(value) - 1] ?? null;
  const name = value.endsWith('族') ? value.slice(0, -1) : value;
  return /^[\u4e00-\u9fff]{1,10}$/u.test(name) ? name : null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The first bytes of a base64 text (enough to recognise an image by its signature). */
function leadingBytes(base64: string, count: number): number[] {
  const bytes: number[] = [];
  for (let i = 0; i + 4 <= base64.length && bytes.length < count; i += 4) {
    const n = [0, 1, 2, 3].map((k) => Math.max(0, BASE64_DIGITS.indexOf(base64[i + k]!)));
    bytes.push((n[0]! << 2) | (n[1]! >> 4), ((n[1]! & 15) << 4) | (n[2]! >> 2), ((n[2]! & 3) << 6) | n[3]!);
  }
  return bytes.slice(0, count);
}

/** The image type of a picture from its first bytes: PNG, JPEG or BMP; null for anything else. */
export function detectPhotoType(base64: string): IdCardPhotoType | null {
  const b = leadingBytes(base64, 4);
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  return null;
}

/**
 * A vendor's photo as a data URL: base64 is cleaned of line breaks and whitespace, must decode
 * to at most {@link ID_CARD_PHOTO_MAX_BYTES}, and must really be a PNG, JPEG or BMP (the type
 * declared by the encoding, or detected, must match the bytes).
 */
export function photoDataUrl(raw: string, encoding: PhotoEncoding): string | null {
  let base64 = raw.trim();
  if (encoding.encoding === 'data_url') {
    const match = /^data:image\/[a-z]+;base64,(.*)$/s.exec(base64);
    if (!match) return null;
    base64 = match[1]!;
  }
  base64 = base64.replace(/[\s\r\n]+/g, '');
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) return null;
  if (decodedLength(base64) > ID_CARD_PHOTO_MAX_BYTES) return null;
  const detected = detectPhotoType(base64);
  if (detected === null) return null;
  if (encoding.type !== 'detect' && encoding.type !== detected) return null;
  return `data:${detected};base64,${base64}`;
}

/**
 * Makes a card from a vendor's raw answer (its data object), field by field through `map`.
 * Every field but the photo is required; the first one missing or not understood is reported,
 * so a misconfigured preset says which field to fix.
 */
export function normaliseIdCard(data: unknown, map: IdCardFieldMap, photo: PhotoEncoding): IdCardNormaliseResult {
  const fail = (field: IdCardField, problem: 'missing' | 'invalid'): IdCardNormaliseResult => ({ ok: false, field, problem });
  const field = (key: Exclude<IdCardField, 'validPeriod' | 'validFrom' | 'validTo' | 'photo'>): string | null => text(valueAtPath(data, map[key]));

  const name = field('name');
  if (name === null) return fail('name', 'missing');
  if (name.length > 60) return fail('name', 'invalid');
  const rawSex = field('sex');
  if (rawSex === null) return fail('sex', 'missing');
  const sex = parseCardSex(rawSex);
  if (sex === null) return fail('sex', 'invalid');
  const rawEthnicity = field('ethnicity');
  if (rawEthnicity === null) return fail('ethnicity', 'missing');
  const ethnicity = parseCardEthnicity(rawEthnicity);
  if (ethnicity === null) return fail('ethnicity', 'invalid');
  const rawBirth = field('birthDate');
  if (rawBirth === null) return fail('birthDate', 'missing');
  const birthDate = parseCardDate(rawBirth);
  if (birthDate === null) return fail('birthDate', 'invalid');
  const address = field('address');
  if (address === null) return fail('address', 'missing');
  if (address.length > 200) return fail('address', 'invalid');
  const rawId = field('idNumber');
  if (rawId === null) return fail('idNumber', 'missing');
  const idNumber = rawId.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return fail('idNumber', 'invalid');
  const issuingAuthority = field('issuingAuthority');
  if (issuingAuthority === null) return fail('issuingAuthority', 'missing');
  if (issuingAuthority.length > 100) return fail('issuingAuthority', 'invalid');

  let validFrom: string;
  let validTo: string | null;
  if (map.validPeriod !== null) {
    const rawPeriod = text(valueAtPath(data, map.validPeriod));
    if (rawPeriod === null) return fail('validPeriod', 'missing');
    const period = parseCardValidPeriod(rawPeriod);
    if (period === null) return fail('validPeriod', 'invalid');
    ({ validFrom, validTo } = period);
  } else {
    const rawFrom = text(valueAtPath(data, map.validFrom!));
    if (rawFrom === null) return fail('validFrom', 'missing');
    const from = parseCardDate(rawFrom);
    if (from === null) return fail('validFrom', 'invalid');
    const rawTo = text(valueAtPath(data, map.validTo!));
    if (rawTo === null) return fail('validTo', 'missing');
    const to = parseCardValidTo(rawTo);
    if (to === undefined) return fail('validTo', 'invalid');
    validFrom = from;
    validTo = to;
  }
  if (validTo !== null && validTo < validFrom) return fail('validTo', 'invalid');

  let photoUrl: string | null = null;
  if (map.photo !== null) {
    const rawPhoto = valueAtPath(data, map.photo);
    if (typeof rawPhoto === 'string' && rawPhoto.trim().length > 0) {
      photoUrl = photoDataUrl(rawPhoto, photo);
      if (photoUrl === null) return fail('photo', 'invalid');
    }
  }
  return { ok: true, card: { name, sex, ethnicity, birthDate, address, idNumber, issuingAuthority, validFrom, validTo, photoDataUrl: photoUrl } };
}

/** Where a card stands against today (Asia/Shanghai). */
export const ID_CARD_VALIDITIES = ['valid', 'not_yet_valid', 'expired'] as const;
/** A card's validity on a day. */
export type IdCardValidity = (typeof ID_CARD_VALIDITIES)[number];

/** What the counter checks on a card read. */
export interface IdCardChecks {
  /** GB 11643: null when the number is valid, else the first problem. */
  idNumber: CitizenIdProblem | null;
  /** Whether the number's birth date (digits 7–14) is the card's birth date. */
  birthDateMatches: boolean;
  /** Whether the number's 17th digit (odd 男, even 女) agrees with the card's sex. */
  sexMatches: boolean;
  validity: IdCardValidity;
  /** The day (Asia/Shanghai) the validity was judged on. */
  today: string;
}

/** The checks' schema, for the host contract. */
export const IdCardChecksSchema = z.object({
  idNumber: z.enum(['length', 'characters', 'birth_date', 'check_character']).nullable(),
  birthDateMatches: z.boolean(),
  sexMatches: z.boolean(),
  validity: z.enum(ID_CARD_VALIDITIES),
  today: IsoDate,
});

/** The validity of a period on a day: before `validFrom` not yet valid, after `validTo` expired (the last day still counts). */
export function cardValidity(validFrom: string, validTo: string | null, today: string): IdCardValidity {
  if (today < validFrom) return 'not_yet_valid';
  if (validTo !== null && today > validTo) return 'expired';
  return 'valid';
}

/** Checks a card at an instant: the number (GB 11643), what it encodes against the card, and the validity in Asia/Shanghai. */
export function checkIdCard(card: IdCard, now: Date): IdCardChecks {
  const today = shanghaiDate(now);
  const id = card.idNumber;
  const encodedBirth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const sexDigit = Number(id[16]);
  return {
    idNumber: citizenIdProblem(id, new Date(`${today}T23:59:59Z`)),
    birthDateMatches: encodedBirth === card.birthDate,
    sexMatches: Number.isInteger(sexDigit) && (sexDigit % 2 === 1 ? '男' : '女') === card.sex,
    validity: cardValidity(card.validFrom, card.validTo, today),
    today,
  };
}

/** Whether every check passed: the card may fill the form without a word of warning. */
export function idCardChecksPass(checks: IdCardChecks): boolean {
  return checks.idNumber === null && checks.birthDateMatches && checks.sexMatches && checks.validity === 'valid';
}

/** `YYYY-MM-DD` as the card prints it, `YYYY.MM.DD`. */
export function cardDate(day: string): string {
  return day.replaceAll('-', '.');
}

/** The validity period as the card prints it: `2017.01.01-2037.01.01`, `2017.01.01-长期`. */
export function cardValidPeriodText(card: Pick<IdCard, 'validFrom' | 'validTo'>): string {
  return `${cardDate(card.validFrom)}-${card.validTo === null ? '长期' : cardDate(card.validTo)}`;
}

/** What a card's checks found wrong, as codes, worst first (the order the clerk reads them in). */
export const ID_CARD_PROBLEMS = ['id_number', 'birth_date_mismatch', 'sex_mismatch', 'expired', 'not_yet_valid'] as const;
/** One thing wrong with a card read. */
export type IdCardProblem = (typeof ID_CARD_PROBLEMS)[number];

/** The problems {@link checkIdCard} found, as codes; empty for a good card. */
export function idCardProblems(checks: IdCardChecks): IdCardProblem[] {
  const problems: IdCardProblem[] = [];
  if (checks.idNumber !== null) problems.push('id_number');
  if (!checks.birthDateMatches) problems.push('birth_date_mismatch');
  if (!checks.sexMatches) problems.push('sex_mismatch');
  if (checks.validity === 'expired') problems.push('expired');
  else if (checks.validity === 'not_yet_valid') problems.push('not_yet_valid');
  return problems;
}

/**
 * How a card read at the counter compares with the holder a 亮证码 names (Art. 22's identity
 * check before anything is pulled): `match`, `id_number_differs` (another person's card or
 * code), `name_differs` (the same number under another name: a changed name or wrong data, to
 * be looked into), or `not_comparable` (the code is a company's: its holder has no card).
 */
export type CardHolderComparison = 'match' | 'id_number_differs' | 'name_differs' | 'not_comparable';

/** A name as compared: no spaces, and the middle dots of transcribed names as one character. */
function comparableName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s\u3000]+/gu, '')
    .replace(/[·・•‧∙⋅．.]/gu, '·');
}

/** Compares a card with a 亮证码's holder (see {@link CardHolderComparison}). */
export function compareCardWithHolder(
  card: Pick<IdCard, 'name' | 'idNumber'>,
  holder: { idType: string; idNumber: string; name: string },
): CardHolderComparison {
  if (holder.idType !== '111') return 'not_comparable';
  if (holder.idNumber.toUpperCase() !== card.idNumber.toUpperCase()) return 'id_number_differs';
  if (comparableName(holder.name) !== comparableName(card.name)) return 'name_differs';
  return 'match';
}

/**
 * The details of an `id_card_read` audit event (Art. 26): never the full ID number and never
 * the photo (Art. 27) — the number masked as the screen shows it, and the reader's id.
 *
 * - `read`, `ok: true`: a card read, with its validity and what its checks found.
 * - `read`, `ok: false`: a read that failed, with the host's READER_* code.
 * - `compare_token`: the card compared with a 亮证码's holder before the code was redeemed.
 * - `go_on_expired`: the clerk chose to serve an applicant whose card has expired.
 * - `probe`: a supervisor tested the reader from 设置 (the card's data, if any, was dropped).
 */
export type IdCardAuditDetails =
  | { action: 'read'; ok: true; holder: string; readerId: string; source: 'simulator' | 'reader'; validity: IdCardValidity; problems: IdCardProblem[] }
  | { action: 'read'; ok: false; code: string }
  | { action: 'compare_token'; result: CardHolderComparison; card: string; token: string }
  | { action: 'go_on_expired'; holder: string; validTo: string | null }
  | { action: 'probe'; state: string; readerId: string | null };

/** The audit details of a successful read: the number masked, no photo, no other card field. */
export function idCardReadAuditDetails(read: {
  card: Pick<IdCard, 'idNumber'>;
  readerId: string;
  source: 'simulator' | 'reader';
  checks: IdCardChecks;
}): IdCardAuditDetails {
  return {
    action: 'read',
    ok: true,
    holder: maskIdNumber(read.card.idNumber),
    readerId: read.readerId,
    source: read.source,
    validity: read.checks.validity,
    problems: idCardProblems(read.checks),
  };
}
