/**
 * The counter's devices as configuration (docs/architecture.md §3.6): the ID-card reader's local service and
 * the printer. What differs between reader vendors — the service's URL and transport, the
 * request, the answer's field names, status codes and photo encoding — is a {@link ReaderConfig};
 * a supervisor picks a named preset in 设置 or describes the vendor's service as `custom`.
 *
 * Presets: `simulator-http` / `simulator-ws` speak the sandbox's reader simulator (its protocol
 * is in sandbox/README.md; in training the host points them at the embedded sandbox's simulator).
 * No vendor document could be consulted for a real reader's service (see README.md, 设备), so
 * real readers are configured as `custom` from their vendor's manual.
 */
import { z } from 'zod';
import { ApplicantScreenSettingsSchema, DEFAULT_APPLICANT_SCREEN_SETTINGS } from './applicant-screen';
import { IdCardFieldMapSchema, PhotoEncodingSchema } from './id-card';
import { JsonValue } from './library-api';
import type { SettingsProblem } from './settings-problems';

/** A reader service's transport. */
export const READER_TRANSPORTS = ['http', 'ws'] as const;
/** http: one request, one JSON answer; ws: one JSON message sent, the first JSON message back is the answer. */
export type ReaderTransport = (typeof READER_TRANSPORTS)[number];

// Only this machine: a reader service answers on loopback, and a card's data must never be
// sent to, or taken from, anywhere else.
const LOOPBACK_URL = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?(\/[^\s]*)?$/;

const VendorCodes = z.array(z.string().trim().min(1).max(32)).max(20);

/** A reader vendor's local service, described. */
export const ReaderConfigSchema = z
  .object({
    transport: z.enum(READER_TRANSPORTS),
    /** `http://127.0.0.1:<port>/<path>` or `ws://127.0.0.1:<port>/<path>`: loopback only. */
    url: z.string().regex(LOOPBACK_URL, 'reader_url_loopback' satisfies SettingsProblem),
    /** HTTP method (ignored for ws). */
    method: z.enum(['GET', 'POST']),
    /** The JSON body of a POST, or the JSON message sent over ws; null sends none (GET). */
    request: JsonValue.nullable(),
    /** Dotted path of the answer's status code (`code`, `resultFlag`, `ret`). */
    statusField: z.string().trim().min(1).max(100),
    /** Status values meaning a card was read, compared as text (`0`). */
    successValues: VendorCodes.min(1, 'reader_success_values' satisfies SettingsProblem),
    /** Status values meaning no card lies on the reader. */
    noCardValues: VendorCodes,
    /** Status values meaning the reader is busy. */
    busyValues: VendorCodes,
    /** Status values meaning the service runs but no reader is connected. */
    absentValues: VendorCodes,
    /** Dotted path of the vendor's own message, shown with an unknown failure; null if none. */
    messageField: z.string().trim().min(1).max(100).nullable(),
    /** Dotted path of the card's fields within the answer (`data`, `Certificate`); null = the answer itself. */
    dataPath: z.string().trim().min(1).max(100).nullable(),
    fields: IdCardFieldMapSchema,
    photo: PhotoEncodingSchema,
    /** Dotted path of the reader's serial number in the answer; null if the service gives none. */
    readerIdField: z.string().trim().min(1).max(100).nullable(),
    /** The reader's id when the answer has none (e.g. the asset tag on the device). */
    readerId: z.string().trim().min(1).max(64).nullable(),
    /** How long a read may take before it is a timeout. */
    timeoutMs: z
      .number()
      .int()
      .min(500, 'reader_timeout_too_short' satisfies SettingsProblem)
      .max(60_000, 'reader_timeout_too_long' satisfies SettingsProblem),
  })
  .strict()
  .superRefine((config, ctx) => {
    const scheme = config.url.slice(0, config.url.indexOf(':'));
    const wanted = config.transport === 'http' ? ['http', 'https'] : ['ws', 'wss'];
    if (!wanted.includes(scheme))
      ctx.addIssue({ code: 'custom', path: ['url'], message: (config.transport === 'http' ? 'reader_url_http' : 'reader_url_ws') satisfies SettingsProblem });
    if (config.transport === 'ws' && config.request === null)
      ctx.addIssue({ code: 'custom', path: ['request'], message: 'reader_ws_request' satisfies SettingsProblem });
    if (config.transport === 'http' && config.method === 'GET' && config.request !== null)
      ctx.addIssue({ code: 'custom', path: ['request'], message: 'reader_get_with_body' satisfies SettingsProblem });
  });
/** A reader service's description. */
export type ReaderConfig = z.infer<typeof ReaderConfigSchema>;

/** The reader presets a supervisor chooses from. */
export const READER_PRESET_IDS = ['none', 'simulator-http', 'simulator-ws', 'custom'] as const;
/** A reader preset's id. */
export type ReaderPresetId = (typeof READER_PRESET_IDS)[number];

/** A preset as the settings page lists it (its name: renderer/i18n/zh-CN.ts `settings.readerPresets`). */
export interface ReaderPresetInfo {
  id: ReaderPresetId;
  /** The public document the preset follows. */
  source: string;
  /** Presets that only run against the sandbox's simulator, hence only in training. */
  trainingOnly: boolean;
}

/** The reader simulator's fixed reader id (its 设备序列号). */
export const SIMULATOR_READER_ID = 'SIM-IDR-0001';

/** The reader simulator's status codes (sandbox/README.md). */
export const SIMULATOR_CODES = { ok: '0', noCard: '1', busy: '2', unreadable: '3', absent: '4' } as const;

/** The simulator's field names: the pinyin initials of GA/T data elements, as many vendors answer. */
const SIMULATOR_FIELDS = {
  name: 'xm',
  sex: 'xb',
  ethnicity: 'mz',
  birthDate: 'csrq',
  address: 'zz',
  idNumber: 'gmsfhm',
  issuingAuthority: 'qfjg',
  validFrom: null,
  validTo: null,
  validPeriod: 'yxqx',
  photo: 'zp',
} as const;

/**
 * The simulator's reader config for its base URLs (`http://127.0.0.1:<port>`, `ws://127.0.0.1:<port>`):
 * HTTP `POST /api/ReadCard`, or WebSocket `/ws` with `{"cmd":"ReadCard"}`.
 */
export function simulatorReaderConfig(transport: ReaderTransport, simulator: { httpUrl: string; wsUrl: string }, timeoutMs = 8_000): ReaderConfig {
  return {
    transport,
    url: transport === 'http' ? `${simulator.httpUrl}/api/ReadCard` : `${simulator.wsUrl}/ws`,
    method: 'POST',
    request: transport === 'http' ? { cmd: 'ReadCard' } : { cmd: 'ReadCard', seq: 1 },
    statusField: 'code',
    successValues: [SIMULATOR_CODES.ok],
    noCardValues: [SIMULATOR_CODES.noCard],
    busyValues: [SIMULATOR_CODES.busy],
    absentValues: [SIMULATOR_CODES.absent],
    messageField: 'msg',
    dataPath: 'data',
    fields: { ...SIMULATOR_FIELDS },
    photo: { encoding: 'base64', type: 'detect' },
    readerIdField: 'readerSn',
    readerId: null,
    timeoutMs,
  };
}

/** The presets, in the order the settings page offers them. */
export const READER_PRESETS: readonly ReaderPresetInfo[] = [
  { id: 'none', source: '—', trainingOnly: false },
  { id: 'simulator-http', source: 'sandbox/README.md「身份证阅读器模拟器」', trainingOnly: true },
  { id: 'simulator-ws', source: 'sandbox/README.md「身份证阅读器模拟器」', trainingOnly: true },
  { id: 'custom', source: '厂商随阅读器提供的本地读卡服务接口说明', trainingOnly: false },
];

/** The printer layouts: A4 sheets or an 80 mm thermal roll. */
export const PRINT_LAYOUTS = ['a4', 'thermal80'] as const;
/** A print layout. */
export type PrintLayout = (typeof PRINT_LAYOUTS)[number];

/** The workstation's device settings (设置 → 设备), kept by the host. */
export const DeviceSettingsSchema = z
  .object({
    idReader: z
      .object({
        /** The reader outside training. */
        preset: z.enum(READER_PRESET_IDS),
        /** The vendor's service, when `preset` is `custom`. */
        custom: ReaderConfigSchema.nullable(),
        /** In training (模拟办事) the sandbox's simulator stands in for the reader, unless the configured reader is wanted. */
        inTraining: z.enum(['simulator', 'configured']),
        /** Timeout of the simulator presets' reads. */
        timeoutMs: z.number().int().min(500).max(60_000),
      })
      .strict()
      .superRefine((reader, ctx) => {
        if (reader.preset === 'custom' && reader.custom === null)
          ctx.addIssue({ code: 'custom', path: ['custom'], message: 'reader_custom_required' satisfies SettingsProblem });
      }),
    printer: z
      .object({
        /** The printer's name as the system knows it; null = the system's default printer. */
        deviceName: z.string().trim().min(1).max(200).nullable(),
        layout: z.enum(PRINT_LAYOUTS),
        /** Print without a dialog (Electron); the dialog remains the fallback when it fails. */
        silent: z.boolean(),
      })
      .strict(),
    /** The applicant's screen: type size and contrast (Art. 22); shared/applicant-screen.ts. */
    applicantScreen: ApplicantScreenSettingsSchema,
  })
  .strict();
/** The device settings. */
export type DeviceSettings = z.infer<typeof DeviceSettingsSchema>;

/**
 * The device settings of a new workstation: no reader outside training, the simulator in
 * training, A4 on the default printer, the applicant's screen in the middle type size.
 */
export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = {
  idReader: { preset: 'none', custom: null, inTraining: 'simulator', timeoutMs: 8_000 },
  printer: { deviceName: null, layout: 'a4', silent: true },
  applicantScreen: { ...DEFAULT_APPLICANT_SCREEN_SETTINGS },
};

/**
 * Saved device settings brought up to this version before they are validated: a section added
 * since the file was written (`applicantScreen`) takes its default; anything else is left for
 * the schema to judge.
 */
export function upgradeDeviceSettings(saved: unknown): unknown {
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return saved;
  const record = saved as Record<string, unknown>;
  return 'applicantScreen' in record ? record : { ...record, applicantScreen: { ...DEFAULT_APPLICANT_SCREEN_SETTINGS } };
}

/** A device settings change as audited: the setting's path, from what, to what (none is secret). */
export interface DeviceSettingChange {
  field: string;
  from: JsonValue;
  to: JsonValue;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && prefix.split('.').length < 3) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
}

/**
 * What changed between two device settings, one entry per setting (`idReader.preset`,
 * `printer.layout`, `idReader.custom.url`, …), in a stable order: what the 操作日志 records.
 */
export function deviceSettingsChanges(before: DeviceSettings, after: DeviceSettings): DeviceSettingChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: DeviceSettingChange[] = [];
  for (const key of keys) {
    const from = a.has(key) ? a.get(key) : null;
    const to = b.has(key) ? b.get(key) : null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: key, from: (from ?? null) as JsonValue, to: (to ?? null) as JsonValue });
  }
  return changes;
}
