import { DEFAULT_APPLICANT_SCREEN_SETTINGS } from '../../../shared/applicant-screen';
import { DeviceSettingsSchema, type DeviceSettings, type ReaderConfig, type ReaderPresetId } from '../../../shared/devices';
import type { IdCardFieldMap } from '../../../shared/id-card';
import type { JsonValue } from '../../../shared/library-api';
import { isSettingsProblem } from '../../../shared/settings-problems';
import { dynamicTexts, t } from '../../i18n';

/** The reader's settings. */
export type ReaderSettings = DeviceSettings['idReader'];

/** A read command as a JSON example (a text, because braces are placeholders in the catalogue). */
export const REQUEST_EXAMPLE = '{"cmd":"ReadCard"}';

/** The card fields a vendor's answer is mapped from, in the order the form lists them. */
export const CARD_FIELDS = ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber', 'issuingAuthority'] as const;
type CardField = (typeof CARD_FIELDS)[number];

/**
 * A `custom` reader as the supervisor edits it: every value a text (lists comma-separated, the
 * request as JSON), so that anything may be typed and is checked on saving.
 */
export interface CustomReaderForm {
  transport: ReaderConfig['transport'];
  url: string;
  method: ReaderConfig['method'];
  /** The request as JSON; empty for none. */
  request: string;
  statusField: string;
  successValues: string;
  noCardValues: string;
  busyValues: string;
  absentValues: string;
  messageField: string;
  dataPath: string;
  fields: Record<CardField, string>;
  /** One period field (`20170101-20370101`) or two fields, from and to. */
  validity: 'period' | 'range';
  validPeriod: string;
  validFrom: string;
  validTo: string;
  photo: string;
  photoEncoding: ReaderConfig['photo']['encoding'];
  photoType: ReaderConfig['photo']['type'];
  readerIdField: string;
  readerId: string;
  timeoutMs: number;
}

/** The reader part of 设置 as a form. */
export interface ReaderForm {
  preset: ReaderPresetId;
  inTraining: ReaderSettings['inTraining'];
  /** The simulator presets' timeout. */
  timeoutMs: number;
  custom: CustomReaderForm;
}

/**
 * What a new `custom` reader starts from: the layout many vendors' services answer in (a status
 * code, a message, the card's fields under `data` named by the pinyin initials of the GA/T data
 * elements, the photo in base64) — the simulator's own, which the supervisor corrects from the
 * vendor's document. The address is left for them to fill.
 */
export const CUSTOM_TEMPLATE: CustomReaderForm = {
  transport: 'http',
  url: '',
  method: 'POST',
  request: '{"cmd":"ReadCard"}',
  statusField: 'code',
  successValues: '0',
  noCardValues: '1',
  busyValues: '2',
  absentValues: '4',
  messageField: 'msg',
  dataPath: 'data',
  fields: { name: 'xm', sex: 'xb', ethnicity: 'mz', birthDate: 'csrq', address: 'zz', idNumber: 'gmsfhm', issuingAuthority: 'qfjg' },
  validity: 'period',
  validPeriod: 'yxqx',
  validFrom: '',
  validTo: '',
  photo: 'zp',
  photoEncoding: 'base64',
  photoType: 'detect',
  readerIdField: 'readerSn',
  readerId: '',
  timeoutMs: 8_000,
};

const list = (values: string[]) => values.join(', ');
const split = (text: string) =>
  text
    .split(/[,，;；\s]+/u)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** The form for a custom reader's configuration. */
export function customFormOf(config: ReaderConfig): CustomReaderForm {
  const { fields } = config;
  return {
    transport: config.transport,
    url: config.url,
    method: config.method,
    request: config.request === null ? '' : JSON.stringify(config.request),
    statusField: config.statusField,
    successValues: list(config.successValues),
    noCardValues: list(config.noCardValues),
    busyValues: list(config.busyValues),
    absentValues: list(config.absentValues),
    messageField: config.messageField ?? '',
    dataPath: config.dataPath ?? '',
    fields: Object.fromEntries(CARD_FIELDS.map((key) => [key, fields[key]])) as Record<CardField, string>,
    validity: fields.validPeriod !== null ? 'period' : 'range',
    validPeriod: fields.validPeriod ?? '',
    validFrom: fields.validFrom ?? '',
    validTo: fields.validTo ?? '',
    photo: fields.photo ?? '',
    photoEncoding: config.photo.encoding,
    photoType: config.photo.type,
    readerIdField: config.readerIdField ?? '',
    readerId: config.readerId ?? '',
    timeoutMs: config.timeoutMs,
  };
}

/** The form for the reader's settings (a custom reader not yet described starts from {@link CUSTOM_TEMPLATE}). */
export function readerFormOf(settings: ReaderSettings): ReaderForm {
  return {
    preset: settings.preset,
    inTraining: settings.inTraining,
    timeoutMs: settings.timeoutMs,
    custom: settings.custom ? customFormOf(settings.custom) : structuredClone(CUSTOM_TEMPLATE),
  };
}

/** A form field's key, which a problem is shown under: `preset`, `url`, `fields.name`, `validPeriod` … */
export type ReaderFormField = string;

/** The problems of a form, per field, in words. */
export type ReaderFormProblems = Record<ReaderFormField, string>;

/** The form field a validation path of the reader's settings (`custom.url`, `idReader.custom.fields.name`) belongs to. */
export function readerFieldOfPath(path: string): ReaderFormField {
  const inner = path.replace(/^idReader\./, '');
  if (inner === 'custom') return 'preset';
  if (inner.startsWith('custom.fields.')) {
    const key = inner.slice('custom.fields.'.length);
    return (CARD_FIELDS as readonly string[]).includes(key) ? `fields.${key}` : key === 'photo' ? 'photo' : key;
  }
  if (inner === 'custom.photo.encoding') return 'photoEncoding';
  if (inner === 'custom.photo.type') return 'photoType';
  // The custom reader's own timeout, apart from the simulator's.
  if (inner === 'custom.timeoutMs') return 'customTimeoutMs';
  if (inner.startsWith('custom.')) return inner.slice('custom.'.length).split('.')[0]!;
  return inner.split('.')[0]!;
}

/** An issue's message in words: a settings problem's text, else the form's own words for a missing or unusable value. */
export function readerProblemText(issue: { message: string; code?: string }): string {
  if (isSettingsProblem(issue.message)) return t(`settings.problems.${issue.message}`);
  return issue.code === 'too_small' ? t('devices.reader.problems.required') : t('devices.reader.problems.invalid');
}

function customOf(form: CustomReaderForm): { config: unknown; problems: ReaderFormProblems } {
  const problems: ReaderFormProblems = {};
  let request: JsonValue | null = null;
  if (form.request.trim() !== '') {
    try {
      request = JSON.parse(form.request) as JsonValue;
    } catch {
      problems.request = t('devices.reader.problems.requestJson', { example: REQUEST_EXAMPLE });
    }
  }
  const fields: IdCardFieldMap = {
    ...(Object.fromEntries(CARD_FIELDS.map((key) => [key, form.fields[key].trim()])) as Record<CardField, string>),
    validPeriod: form.validity === 'period' ? form.validPeriod.trim() : null,
    validFrom: form.validity === 'range' ? form.validFrom.trim() : null,
    validTo: form.validity === 'range' ? form.validTo.trim() : null,
    photo: orNull(form.photo),
  };
  const config = {
    transport: form.transport,
    url: form.url.trim(),
    method: form.transport === 'ws' ? 'POST' : form.method,
    request,
    statusField: form.statusField.trim(),
    successValues: split(form.successValues),
    noCardValues: split(form.noCardValues),
    busyValues: split(form.busyValues),
    absentValues: split(form.absentValues),
    messageField: orNull(form.messageField),
    dataPath: orNull(form.dataPath),
    fields,
    photo: { encoding: form.photoEncoding, type: form.photoType },
    readerIdField: orNull(form.readerIdField),
    readerId: orNull(form.readerId),
    timeoutMs: form.timeoutMs,
  };
  return { config, problems };
}

/**
 * The reader's settings a form stands for, checked by the rules the host applies (the
 * contract's schema), or the problems per field. A custom reader is kept when another preset is
 * chosen (`keptCustom`, the one saved), so that switching to 未配置 for a while loses nothing.
 */
export function readerSettingsOf(
  form: ReaderForm,
  printer: DeviceSettings['printer'],
  keptCustom: ReaderConfig | null,
): { ok: true; settings: ReaderSettings } | { ok: false; problems: ReaderFormProblems } {
  let custom: unknown = keptCustom;
  let problems: ReaderFormProblems = {};
  if (form.preset === 'custom') ({ config: custom, problems } = customOf(form.custom));
  // Only the reader's part is judged and returned: the applicant's screen's settings stand in
  // with their defaults so that the whole schema can be applied.
  const candidate = {
    idReader: { preset: form.preset, custom, inTraining: form.inTraining, timeoutMs: form.timeoutMs },
    printer,
    applicantScreen: DEFAULT_APPLICANT_SCREEN_SETTINGS,
  };
  const parsed = DeviceSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      if (!path.startsWith('idReader')) continue;
      const field = readerFieldOfPath(path);
      problems[field] ??= readerProblemText(issue);
    }
  }
  if (Object.keys(problems).length > 0 || !parsed.success) {
    if (Object.keys(problems).length === 0) problems.preset = t('devices.reader.problems.invalid');
    return { ok: false, problems };
  }
  return { ok: true, settings: parsed.data.idReader };
}

/** A device setting's name by its path (`idReader.custom.url` → 读卡服务地址), the path itself for one not named. */
export function deviceSettingName(path: string): string {
  const key = `devices.reader.settingNames.${path.replaceAll('.', '_')}`;
  return dynamicTexts.te(key) ? dynamicTexts.t(key) : path;
}

/**
 * The changed settings as one list of names for the clerk's notice: a custom reader described
 * afresh (more than three of its fields) is named once, as 自定义阅读器配置; the audit record
 * keeps every field.
 */
export function changedSettingNames(changes: readonly { field: string }[]): string[] {
  const custom = changes.filter((c) => c.field.startsWith('idReader.custom.'));
  const names = changes.filter((c) => custom.length <= 3 || !c.field.startsWith('idReader.custom.')).map((c) => deviceSettingName(c.field));
  if (custom.length > 3) names.unshift(deviceSettingName('idReader.custom'));
  return [...new Set(names)];
}
