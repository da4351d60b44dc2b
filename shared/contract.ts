/**
 * The host API contract: every call the renderer may make to the host, declared once with its
 * request and response schema (docs/architecture.md §10.2). The Electron main process and the browser-mode
 * HTTP server implement the same handlers object, typed from this contract, and the renderer's
 * client is derived from it; the transports only carry `{name, input}` and a result envelope.
 */
import { z } from 'zod';
import {
  CatalogResponse,
  Grant,
  Holder,
  HolderInput,
  JsonValue,
  LicenceId,
  LicenceQueryRequest,
  LicenceSummary,
  MattersResponse,
  ObjectionListResponse,
  ObjectionReceipt,
  ObjectionRequest,
  Operator as LibraryOperator,
  ROLES,
  SimpleId,
  TokenScope,
  TrustList,
  UsageRecordRequest,
} from './library-api';
import { FIELD_VERIFICATIONS, VERIFICATION_OUTCOMES, VerificationReportSchema } from './licence-verify';
import { HOST_ERROR_CODES } from './errors';
import { checkLibraryUrl } from './library-url';
import type { SettingsProblem } from './settings-problems';
import { DeviceSettingsSchema, PRINT_LAYOUTS, READER_PRESET_IDS } from './devices';
import { ApplicantScreenSettingsSchema } from './applicant-screen';
import { IdCardChecksSchema, IdCardSchema } from './id-card';
import { HALL_ROUTES, PushRequest, PushResponse, SCOPED_REQUESTS, SyncState } from './hall-api';

/** A call's declaration: what it accepts and what it answers. */
export interface HostCallSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** Roles that may make the call; absent = any signed-in operator; 'public' = also before sign-in. */
  roles: readonly OperatorRole[] | 'public';
}

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, roles: readonly OperatorRole[] | 'public'): HostCallSpec<I, O> {
  return { input, output, roles };
}

/** Operator roles, as the library assigns them. */
export const OPERATOR_ROLES = ROLES;
/** An operator role. */
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

const ALL_ROLES = OPERATOR_ROLES;

/** The signed-in operator as the renderer sees it (the library token stays in the host). */
export const OperatorSchema = LibraryOperator;
/** The signed-in operator. */
export type Operator = z.infer<typeof OperatorSchema>;

const Empty = z.object({}).strict();

/** How the host reaches the library. */
export const LinkStateSchema = z.object({
  state: z.enum(['online', 'degraded', 'offline']),
  /** ISO time of the last successful library call, null if none yet. */
  lastSuccessAt: z.string().nullable(),
  /** Latency of the last probe in ms, null if it failed. */
  latencyMs: z.number().nullable(),
});
/** Link state as shown in the shell. */
export type LinkState = z.infer<typeof LinkStateSchema>;

const COUNTER_ROLES = ['clerk', 'supervisor'] as const;

/** A pulled and verified licence as the counter shows it. Face data stays until the case is purged. */
export const PulledLicenceSchema = z.object({
  summary: LicenceSummary,
  /** The face fields the material needs, each marked by shared/licence-verify.ts's faceFieldVerification. */
  fields: z.array(z.object({ key: z.string(), label: z.string(), value: JsonValue, verified: z.enum(FIELD_VERIFICATIONS) })),
  file: z.object({ contentType: z.string(), size: z.number(), hash: z.string(), held: z.boolean() }),
  report: VerificationReportSchema,
});
/** A pulled licence. */
export type PulledLicence = z.infer<typeof PulledLicenceSchema>;

/**
 * The pull context every library call of a case carries: the library's query for one material
 * (grant, matter, material, purpose), which pulls every type the material lists, and the case
 * it is for.
 */
export const PullContextSchema = LicenceQueryRequest.omit({ typeCode: true }).extend({ caseNo: SimpleId });

/** A library's root public key as pinned: its kid and the uncompressed SM2 point in lowercase hex. */
export const RootKeySchema = z.object({
  kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'root_kid_format' satisfies SettingsProblem),
  publicKey: z.string().regex(/^04[0-9a-f]{128}$/, 'root_public_key_format' satisfies SettingsProblem),
});

/** The workstation settings a supervisor may change (each change is audited by the renderer). */
export const HostSettingsSchema = z.object({
  /** The production library; null when this workstation has none and runs on the sandbox. */
  libraryUrl: z
    .string()
    .superRefine((url, ctx) => {
      // https:// only, but for a sandbox on this machine (shared/library-url.ts).
      const checked = checkLibraryUrl(url);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: `library_url_${checked.problem}` satisfies SettingsProblem });
    })
    .nullable(),
  /** The library's root key, pinned; required with a library URL. */
  rootKey: RootKeySchema.nullable(),
  workstationId: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'workstation_id_format' satisfies SettingsProblem),
  /** Days a paper scan is kept on the workstation after its case completes. */
  paperRetentionDays: z
    .number()
    .int()
    .min(1, 'retention_too_short' satisfies SettingsProblem)
    .max(3650, 'retention_too_long' satisfies SettingsProblem),
});
/** The workstation settings. */
export type HostSettings = z.infer<typeof HostSettingsSchema>;

const SettingsView = z.object({
  settings: HostSettingsSchema,
  /** True while the workstation runs on the library sandbox (模拟办事). */
  training: z.boolean(),
  /** True when there is no production library, so training cannot be switched off. */
  trainingForced: z.boolean(),
});

/** A card read from the ID-card reader (Art. 22), with what the counter checks on it. The photo is face data: shown, never stored. */
export const IdCardReadSchema = z.object({
  card: IdCardSchema,
  /** The reader's id (its serial number, or the configured one), for the audit record. */
  readerId: z.string(),
  /** `simulator`: the sandbox's simulated reader (training); `reader`: the configured device. */
  source: z.enum(['simulator', 'reader']),
  readAt: z.string(),
  /** The number as the audit record and the screen may show it (first 6, last 4). */
  maskedIdNumber: z.string(),
  /** The checks, as codes: the renderer says them to the clerk (renderer/features/counter/id-card-checks.ts). */
  checks: IdCardChecksSchema,
});
/** A card read. */
export type IdCardRead = z.infer<typeof IdCardReadSchema>;

/** What the reader answers to a probe, as the counter shows it beside 读取身份证. */
export const ReaderStatusSchema = z.object({
  state: z.enum(['ready', 'card_present', 'busy', 'absent', 'timeout', 'unreadable', 'malformed', 'not_configured']),
  source: z.enum(['simulator', 'reader']).nullable(),
  presetId: z.enum(READER_PRESET_IDS),
  readerId: z.string().nullable(),
  /** A zh-CN sentence for the state. */
  message: z.string(),
});
/** A reader's state. */
export type ReaderStatus = z.infer<typeof ReaderStatusSchema>;

const DeviceSettingsView = z.object({
  settings: DeviceSettingsSchema,
  presets: z.array(z.object({ id: z.enum(READER_PRESET_IDS), source: z.string(), trainingOnly: z.boolean() })),
  /** True while the workstation runs on the sandbox (the simulator stands in for the reader unless configured otherwise). */
  training: z.boolean(),
  /** `electron`: silent printing to a named printer; `browser`: the browser's print dialog. */
  printing: z.enum(['electron', 'browser']),
});

/** What became of a print job. */
export const PrintResultSchema = z.object({
  /**
   * `printed`: sent to the printer without a dialog; `dialog`: printed through the print dialog
   * (silent printing off, or failed and fell back); `cancelled`: the dialog was cancelled;
   * `browser`: browser mode, the page prints with the browser's print dialog itself.
   */
  outcome: z.enum(['printed', 'dialog', 'cancelled', 'browser']),
  deviceName: z.string().nullable(),
  layout: z.enum(PRINT_LAYOUTS),
  /** A zh-CN sentence for the clerk (why the dialog came up, …). */
  message: z.string(),
});
/** A print job's outcome. */
export type PrintResult = z.infer<typeof PrintResultSchema>;

/** The largest HTML document `print.document` takes (receipts carry their barcodes as inline images). */
export const PRINT_HTML_MAX_CHARS = 4 * 1024 * 1024;

// One host form per kind (a name, four decimal octets, or [IPv6]), then an optional port and path:
// an address pasted twice (`http://h:1http://h:1`) or with user-info is refused here, not
// found unparseable at the first request and taken for a hall that cannot be reached.
const HALL_URL_PATTERN = /^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::(\d{1,5}))?(?:\/[^\s?#\\@]*)?$/;

/** A hall's address as a supervisor types it in 设置: http or https (the hall signs every answer), a host, an optional port (1–65535) and path. */
export const HallUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((url) => {
    const match = HALL_URL_PATTERN.exec(url);
    return match !== null && (match[1] === undefined || (Number(match[1]) >= 1 && Number(match[1]) <= 65535));
  }, 'hall_url_format' satisfies SettingsProblem)
  .transform((url) => url.replace(/\/+$/, ''));

/** The hall this workstation is enrolled with, as pinned. */
export const HallIdentitySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** SM3 of the hall's public key, 20 hex digits in groups of four: to compare with what `npm run hall -- enrol` printed. */
  fingerprint: z.string(),
  enrolledAt: z.string(),
});

/** The hall link, as the header shows it beside the library link. */
export const HallStatusSchema = z.object({
  /** `embedded`: the hall `npm start` runs beside the workstation; `remote`: `--hall <url>` or a hall enrolled in 设置; `none`: no hall. */
  mode: z.enum(['embedded', 'remote', 'none']),
  url: z.string().nullable(),
  /** True when this workstation holds a pinned key for this hall. */
  enrolled: z.boolean(),
  hall: HallIdentitySchema.nullable(),
  /** The id the hall knows this workstation by (the one it enrolled with). */
  workstationId: z.string().nullable(),
  /** This workstation's key fingerprint, as the hall's list of workstations shows it. */
  workstationFingerprint: z.string().nullable(),
  /**
   * `online`: the hall answered this probe; `slow`: it answers, but slowly (the probe's 3 s ran
   * out while it answered lately, or it answered the probe after more than 2 s:
   * shared/hall-reach.ts); `offline`: it does not answer at all (the counter works on, the sync
   * catches up later); `refused`: it answered but does not accept this workstation (revoked,
   * unknown, a signature that does not verify: `lastError` says which); `none`: no hall, or not enrolled.
   */
  state: z.enum(['online', 'slow', 'offline', 'refused', 'none']),
  /** The last time the hall answered (any call). */
  lastSuccessAt: z.string().nullable(),
  /** The last time a push was accepted (`hall.sync.push`), in this run of the host. */
  lastSyncAt: z.string().nullable(),
  lastError: z.object({ code: z.enum(HOST_ERROR_CODES), message: z.string() }).nullable(),
  /** What the hall holds of this workstation (its resume point) and its open alerts, when it answered the probe. */
  sync: SyncState.nullable(),
  /**
   * The hall this run uses without an enrolment made in 设置 — where 退出大厅 leads: the embedded
   * hall (no `--hall`), the hall `--hall <url>` names (not enrolled then), or none (`--hall off`).
   */
  fallback: z.enum(['embedded', 'remote', 'none']),
});
/** The hall link's status. */
export type HallStatus = z.infer<typeof HallStatusSchema>;

/** Where a reference resource came from: the library itself, or the hall's copy while the library is unreachable. */
export const REFERENCE_SOURCES = ['library', 'hall'] as const;

const ReferenceMeta = {
  source: z.enum(REFERENCE_SOURCES),
  /** The library's ETag for the catalog and the matters; the trust list's own version. */
  version: z.string().nullable(),
  /** When this copy was fetched from the library (by the host, or by the hall). */
  fetchedAt: z.string(),
  /** How old the copy is, in seconds, by the host's clock. */
  ageSeconds: z.number().int().min(0),
};

/** A reference resource with where it came from and how old it is. */
export const ReferenceResultSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('catalog'), ...ReferenceMeta, body: CatalogResponse }),
  z.object({ name: z.literal('matters'), ...ReferenceMeta, body: MattersResponse }),
  /** A trust list from the hall is verified against the pinned root key, as one from the library. */
  z.object({ name: z.literal('trust'), ...ReferenceMeta, body: TrustList }),
]);
/** A reference resource. */
export type ReferenceResult = z.infer<typeof ReferenceResultSchema>;

const SUPERVISOR = ['supervisor'] as const;

/** A supervision read or action relayed to the hall: the hall route's own request and answer (shared/hall-api.ts HALL_ROUTES). */
function hallSupervision<K extends Exclude<keyof typeof HALL_ROUTES, keyof typeof SCOPED_REQUESTS>>(
  route: K,
): HostCallSpec<(typeof HALL_ROUTES)[K]['request'], (typeof HALL_ROUTES)[K]['response']> {
  return call(HALL_ROUTES[route].request, HALL_ROUTES[route].response, SUPERVISOR);
}

/**
 * A supervision call about cases (shared/hall-api `SCOPED_REQUESTS`): the hall route's request
 * without its `training` flag, which the host sets from its own mode (the training cases alone
 * while the workstation is in training, as 本机 shows them); the renderer cannot choose it.
 */
function hallScoped<I extends z.ZodType, O extends z.ZodType>(request: I, response: O): HostCallSpec<I, O> {
  return call(request, response, SUPERVISOR);
}

/** The whole host API. Adding a call here makes a missing handler a compile error. */
/** At most this many objections go in one `objections.submitMany` call. */
export const OBJECTION_BATCH_MAX = 20;

/** What became of one objection of an `objections.submitMany` call. */
export const ObjectionBatchResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('sent'), receipt: ObjectionReceipt }),
  z.object({ status: z.literal('failed'), code: z.enum(HOST_ERROR_CODES), message: z.string() }),
  z.object({ status: z.literal('untried') }),
]);
export type ObjectionBatchResult = z.infer<typeof ObjectionBatchResult>;

export const hostContract = {
  /** What this workstation is and which library it talks to. */
  'app.info': call(
    Empty,
    z.object({
      version: z.string(),
      workstationId: z.string(),
      /** `sandbox`: the embedded library sandbox (演示/培训); `library`: a configured library. */
      libraryMode: z.enum(['sandbox', 'library']),
      libraryUrl: z.string(),
      transport: z.enum(['electron', 'browser']),
      /** Days a paper scan stays after its case completes. */
      paperRetentionDays: z.number(),
    }),
    'public',
  ),
  /** Signs an operator in against the library; the bearer token stays in the host. */
  'session.signIn': call(
    z
      .object({
        username: z.string().trim().min(1).max(64),
        password: z.string().min(1).max(256),
      })
      .strict(),
    /** `offline`: the library was unreachable and a recent online sign-in's verifier let the operator in. */
    z.object({ operator: OperatorSchema, expiresAt: z.string(), offline: z.boolean() }),
    'public',
  ),
  /** The operator signed in at this workstation, if any. */
  'session.current': call(Empty, z.object({ operator: OperatorSchema.nullable(), expiresAt: z.string().nullable() }), 'public'),
  /** Signs the operator out and forgets the library token. */
  'session.signOut': call(Empty, z.object({ signedOut: z.boolean() }), 'public'),
  /** Probes the library and reports the link state. */
  'library.status': call(Empty, LinkStateSchema, 'public'),
  /** The issuance catalog (发证目录, Art. 7), revalidated with its ETag. */
  'catalog.get': call(Empty, CatalogResponse, ALL_ROLES),
  /** The matters with their usage lists (用证清单), revalidated with their ETag. */
  'matters.get': call(Empty, MattersResponse, ALL_ROLES),
  /** The trust list, verified against the pinned root key. */
  'trust.get': call(Empty, z.object({ trust: TrustList, verifiedAt: z.string() }), ALL_ROLES),
  /**
   * Reads a 亮证码 offline: shape, holder-platform signature from the trusted list, lifetime,
   * expiry. Nothing is redeemed; a failure is TOKEN_NOT_A_CODE, TOKEN_INVALID (malformed, or living
   * longer than 600 s), TOKEN_FORGED or TOKEN_EXPIRED.
   */
  'token.inspect': call(
    z.object({ token: z.string().max(4096) }).strict(),
    z.object({ holder: Holder, maskedIdNumber: z.string(), expiresAt: z.string(), scope: TokenScope }),
    COUNTER_ROLES,
  ),
  /** Redeems a 亮证码 for one case of one matter (it works once). */
  'grant.redeem': call(z.object({ token: z.string().max(4096), matterCode: SimpleId, caseNo: SimpleId }).strict(), Grant, COUNTER_ROLES),
  /** A counter-duty grant without a token: government matters only, with a reason. */
  'grant.duty': call(
    z.object({ holder: HolderInput, matterCode: SimpleId, caseNo: SimpleId, reason: z.string().trim().min(1).max(200) }).strict(),
    Grant,
    COUNTER_ROLES,
  ),
  /** Queries one material's licences, fetches each with its file, and verifies each in the host. */
  'material.pull': call(
    PullContextSchema,
    z.object({ materialId: z.string(), pulledAt: z.string(), latencyMs: z.number(), licences: z.array(PulledLicenceSchema) }),
    COUNTER_ROLES,
  ),
  /** The PDF of a licence pulled for a case, while the case holds it. */
  'licence.file': call(
    z.object({ caseNo: SimpleId, licenceId: LicenceId }).strict(),
    z.object({ contentType: z.string(), dataBase64: z.string() }),
    COUNTER_ROLES,
  ),
  /** Drops every file and face field the host holds for a case (Art. 27). */
  'case.purge': call(z.object({ caseNo: SimpleId }).strict(), z.object({ purgedLicences: z.number() }), COUNTER_ROLES),
  /** Files an objection (Art. 23) with its client id as idempotency key; a repeat is harmless. */
  'objection.submit': call(z.object({ objection: ObjectionRequest }).strict(), ObjectionReceipt, ALL_ROLES),
  /**
   * Files several objections in one host call (the outbox's drain), one after another, each as
   * `objection.submit` does. It stops at the first failure a later attempt may cure (see
   * RETRYABLE_DELIVERY_CODES): the objections after it come back `untried`.
   */
  'objections.submitMany': call(
    z.object({ objections: z.array(ObjectionRequest).min(1).max(OBJECTION_BATCH_MAX) }).strict(),
    z.object({ results: z.array(ObjectionBatchResult) }),
    ALL_ROLES,
  ),
  /** The library's current state of the given objections, with the issuer's answer once decided. */
  'objections.poll': call(z.object({ ids: z.array(SimpleId).min(1).max(100) }).strict(), ObjectionListResponse, ALL_ROLES),
  /**
   * Art. 11 catch-up: re-checks, under a counter-duty grant, the materials of a case accepted on
   * paper while the library was unreachable, and says which now have a valid licence.
   */
  'catchup.check': call(
    z.object({ caseNo: SimpleId, matterCode: SimpleId, holder: HolderInput, materialIds: z.array(SimpleId).min(1).max(50) }).strict(),
    z.object({
      checked: z.boolean(),
      /** Why nothing could be checked (a social matter has no duty basis), when `checked` is false. */
      reason: z.string().nullable(),
      materials: z.array(z.object({ materialId: z.string(), licenceId: z.string().nullable(), outcome: z.enum(VERIFICATION_OUTCOMES) })),
    }),
    COUNTER_ROLES,
  ),
  /** The workstation settings (supervisor only). */
  'settings.get': call(Empty, SettingsView, ['supervisor']),
  /** Changes settings after validating them; a new library must answer with a trust list its root key verifies. */
  'settings.update': call(HostSettingsSchema.partial().strict(), SettingsView, ['supervisor']),
  /** Switches the workstation to the library sandbox for 模拟办事 (Art. 29), or back. */
  'training.set': call(z.object({ on: z.boolean() }).strict(), SettingsView, ['supervisor']),
  /**
   * Reads the card on the ID-card reader (Art. 22): the simulator in training, the configured
   * reader otherwise. Refusals: READER_NOT_CONFIGURED, READER_ABSENT, READER_BUSY, READER_NO_CARD,
   * READER_TIMEOUT, READER_UNREADABLE, READER_MALFORMED. The caller logs the read (masked number, reader id).
   */
  'devices.readIdCard': call(Empty, IdCardReadSchema, COUNTER_ROLES),
  /** Probes the reader (a read whose card data is dropped at once) and says what state it is in. */
  'devices.readerStatus': call(Empty, ReaderStatusSchema, COUNTER_ROLES),
  /** The device settings with the reader presets (supervisor only). */
  'devices.settings.get': call(Empty, DeviceSettingsView, ['supervisor']),
  /** Replaces the device settings after validating them; answers what changed, for the audit record. */
  'devices.settings.set': call(
    DeviceSettingsSchema,
    DeviceSettingsView.extend({ changes: z.array(z.object({ field: z.string(), from: JsonValue, to: JsonValue })) }),
    ['supervisor'],
  ),
  /** The applicant's screen's settings (type size, contrast), for the counter that publishes to the screen. */
  'devices.applicantScreen.get': call(Empty, ApplicantScreenSettingsSchema, COUNTER_ROLES),
  /**
   * Changes the applicant's screen's settings alone (the rest of the device settings as they
   * are); answers what changed (`applicantScreen.fontSize`, …), for the audit record.
   */
  'devices.applicantScreen.set': call(
    ApplicantScreenSettingsSchema,
    z.object({ settings: ApplicantScreenSettingsSchema, changes: z.array(z.object({ field: z.string(), from: JsonValue, to: JsonValue })) }),
    ['supervisor'],
  ),
  /**
   * Opens the applicant's screen, or brings it forward: in Electron a second window, full screen
   * on the second display (`secondary_display`) or an ordinary window when there is one display
   * (`primary_display`); in browser mode `browser`, and the page opens the screen in a tab.
   */
  'devices.applicantScreen.open': call(Empty, z.object({ outcome: z.enum(['secondary_display', 'primary_display', 'browser']) }), COUNTER_ROLES),
  /** The printers the system knows (Electron); `available: false` in browser mode. */
  'print.printers': call(
    Empty,
    z.object({ available: z.boolean(), printers: z.array(z.object({ name: z.string(), displayName: z.string(), isDefault: z.boolean() })) }),
    ['supervisor'],
  ),
  /**
   * What the counter prints with (a clerk may ask; the settings themselves are the supervisor's):
   * the layout the document is laid out in, the printer, whether silently, and how — Electron's
   * printing, or the browser's print dialog.
   */
  'print.settings': call(
    Empty,
    z.object({ printing: z.enum(['electron', 'browser']), layout: z.enum(PRINT_LAYOUTS), deviceName: z.string().nullable(), silent: z.boolean() }),
    COUNTER_ROLES,
  ),
  /**
   * Prints the workstation's window (`source: window`) or a given HTML document (a receipt, a
   * 一次性告知书) to the printer and in the layout of 设置: silently in Electron, with the print
   * dialog as the fallback when silent printing fails; in browser mode it answers `browser` and
   * the page prints with the browser's dialog (a print style sheet lays it out).
   */
  'print.document': call(
    z.discriminatedUnion('source', [
      z.object({ source: z.literal('window') }).strict(),
      z.object({ source: z.literal('html'), html: z.string().min(1).max(PRINT_HTML_MAX_CHARS), title: z.string().trim().min(1).max(200) }).strict(),
    ]),
    PrintResultSchema,
    COUNTER_ROLES,
  ),
  /** Sends a usage record (Art. 26) with its idempotency key; the outbox retries it. */
  'usage.submit': call(z.object({ record: UsageRecordRequest, idempotencyKey: z.string().min(8).max(128) }).strict(), z.object({ id: z.string() }), ALL_ROLES),
  /**
   * A reference resource from the library, or from the hall's copy when the library cannot be
   * reached (offline, or an offline sign-in), with where it came from and how old it is. A trust
   * list is verified against the pinned root key whichever gave it. Refusals: LIBRARY_UNAVAILABLE
   * (neither answered; `details.hallCode` says why the hall did not), HALL_UNTRUSTED (the hall's
   * trust list does not verify).
   */
  'reference.get': call(z.object({ name: z.enum(['catalog', 'matters', 'trust']) }).strict(), ReferenceResultSchema, ALL_ROLES),

  // ---- The hall (docs/architecture.md §3.7). The host signs every request; the renderer never talks to the hall.
  /** Which hall, whether this workstation is enrolled there, and a probe of the link (it waits at most 3 s: a hall that answers more slowly is `slow`, not `offline`). */
  'hall.status': call(Empty, HallStatusSchema, 'public'),
  /**
   * Enrols this workstation with a hall: the host makes (once) its SM2 key pair in its data
   * folder, sends the code, checks the hall's proof that it knows the code and pins the hall's
   * key; the hall is used from then on (and after a restart, unless `--hall` names another).
   * Refusals: HALL_ENROLMENT_REFUSED (code wrong, used or expired; id enrolled with another
   * key), HALL_UNTRUSTED (no proof: a machine in between?), HALL_UNAVAILABLE.
   */
  'hall.enrol': call(
    z.object({ url: HallUrlSchema, code: z.string().trim().min(16).max(32) }).strict(),
    z.object({ url: z.string(), workstationId: z.string(), hall: HallIdentitySchema }),
    SUPERVISOR,
  ),
  /**
   * Leaves the hall a supervisor enrolled this workstation with (not the embedded one): the host
   * forgets the enrolment — the pinned key and address — in `<data>/hall.json` (atomically; the
   * workstation's own key pair is kept) and sends nothing more there; what was sent stays at the
   * hall, which lists the window until its administrator revokes it. The workstation then uses
   * `fallback` (see `hall.status`), and enrolling again (there or elsewhere) sends what the hall
   * does not hold. Refusals: BAD_REQUEST (the embedded hall), HALL_NOT_ENROLLED (nothing to leave).
   */
  'hall.leave': call(
    Empty,
    z.object({
      left: z.object({ url: z.string(), workstationId: z.string(), hall: HallIdentitySchema }),
      /** The hall used from now on. */
      now: z.object({ mode: z.enum(['embedded', 'remote', 'none']), url: z.string().nullable() }),
    }),
    SUPERVISOR,
  ),
  /** What the hall holds of this workstation: the highest sequence of each stream, the chain's last hash, whether ingest is open, the open alerts. The sync resumes from it. */
  'hall.sync.state': call(Empty, SyncState, ALL_ROLES),
  /**
   * Sends a batch of the workstation's history (audit events and records, each with the
   * workstation's own sequence, at most 5,000 events and 500 records) and its outbox counts; the
   * hall stores each (workstation, sequence) once and answers the highest it holds. Refusals:
   * HALL_SEQUENCE_GAP (`details: {stream, highest, epoch}`: resend from highest + 1),
   * HALL_CHAIN_BREAK and HALL_INGEST_STOPPED (a supervisor must acknowledge the alert),
   * BAD_REQUEST (`details.hallCode`: PERSONAL_DATA, CHAIN_HASH_MISMATCH, …), TOO_LARGE,
   * HALL_UNAVAILABLE (try later), HALL_NOT_ENROLLED, HALL_REVOKED, HALL_UNTRUSTED.
   */
  'hall.sync.push': call(PushRequest, PushResponse, ALL_ROLES),
  /** The 全厅 dashboard for a period of Asia/Shanghai days, with every window and clerk (in training: of the training cases, `training: true`). */
  'hall.dashboard': hallScoped(SCOPED_REQUESTS.dashboard, HALL_ROUTES.dashboard.response),
  /** The cases behind a dashboard figure, newest first, with a cursor. */
  'hall.cases': hallScoped(SCOPED_REQUESTS.cases, HALL_ROUTES.cases.response),
  /** One case as the hall keeps it. */
  'hall.case': hallScoped(SCOPED_REQUESTS.caseRecord, HALL_ROUTES.caseRecord.response),
  /** Objections filed in a period, across the hall. */
  'hall.objections': hallSupervision('objections'),
  /** A page of one window's audit trail (filters and paging as the workstation's own). */
  'hall.audit': hallSupervision('audit'),
  /** How many events of a window's trail match the filters (up to 1,000). */
  'hall.audit.count': hallSupervision('auditCount'),
  /** A window's chain verified at the hall, naming the first broken link. */
  'hall.chain.verify': hallSupervision('verifyChain'),
  /** Draws a random review from every window's completed cases (seed recorded, reproducible). */
  'hall.reviews.draw': hallScoped(SCOPED_REQUESTS.drawReview, HALL_ROUTES.drawReview.response),
  /** The reviews drawn at the hall, newest first. */
  'hall.reviews.list': hallScoped(SCOPED_REQUESTS.reviews, HALL_ROUTES.reviews.response),
  /** One review with its findings. */
  'hall.reviews.get': hallScoped(SCOPED_REQUESTS.review, HALL_ROUTES.review.response),
  /** Draws a review again from its recorded seed and candidates: reproduced or not. */
  'hall.reviews.check': hallScoped(SCOPED_REQUESTS.checkReview, HALL_ROUTES.checkReview.response),
  /** Records the finding for one drawn case (kept at the hall). */
  'hall.reviews.finding': hallScoped(SCOPED_REQUESTS.recordFinding, HALL_ROUTES.recordFinding.response),
  /** Chain alerts, open or all. */
  'hall.alerts': hallSupervision('alerts'),
  /** Acknowledges an alert with a note: the window's ingest resumes in a new epoch. */
  'hall.alerts.acknowledge': hallSupervision('acknowledgeAlert'),
  /** What needs a supervisor: windows behind, open alerts, windows holding usage records unsent for over an hour. */
  'hall.attention': hallSupervision('attention'),
  /** Every window enrolled at the hall, with its key fingerprint, sync position, outbox report and alerts. */
  'hall.workstations': hallSupervision('workstations'),
  /** Revokes a window's enrolment (a reason is recorded); its requests are refused from then on. */
  'hall.workstations.revoke': hallSupervision('revokeWorkstation'),
} as const;

/** The contract's type. */
export type HostContract = typeof hostContract;
/** A host call's name. */
export type HostCallName = keyof HostContract;
/** A call's input as the renderer writes it. */
export type HostInput<N extends HostCallName> = z.input<HostContract[N]['input']>;
/** A call's input after validation (what a handler receives). */
export type HostParsedInput<N extends HostCallName> = z.output<HostContract[N]['input']>;
/** A call's output. */
export type HostOutput<N extends HostCallName> = z.output<HostContract[N]['output']>;

/** The calls that go to the hall (their handlers are electron/host/hall-handlers.ts). */
export type HallCallName = Extract<HostCallName, `hall.${string}`>;

/** Every call name, in declaration order (the preload exposes exactly these). */
export const HOST_CALL_NAMES = Object.keys(hostContract) as HostCallName[];

/** True when `name` is one of the contract's calls. */
export function isHostCallName(name: unknown): name is HostCallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(hostContract, name);
}

/** The IPC channel that carries host calls in the Electron transport. */
export const HOST_CALL_CHANNEL = 'host:call';

/**
 * What the Electron preload exposes to the page as `window.workstationHost`: one function per
 * contract call, answering the result envelope.
 */
export type HostBridge = {
  readonly [N in HostCallName]: (input: unknown) => Promise<import('./errors').HostResult<unknown>>;
};
