/**
 * The applicant's screen (面向申请人的屏幕): a second window, facing the applicant, that shows in
 * large type what is being done for them — the matter, the licences the counter pulls and each
 * one's verification, what is exempt (免交, Art. 14), what must still be given on paper and why
 * (Art. 22), and the case number.
 *
 * The counter publishes {@link ApplicantScreenMessage}s on a BroadcastChannel of the
 * workstation's origin; the screen has no sign-in and no host access of its own, and shows
 * nothing but what a live counter publishes. What may be published is decided here, by
 * {@link buildApplicantView}, field by field from the counter case (an allow-list: a field added
 * to the case later is never sent unless it is added here): no ID number in full, no face field,
 * no photo, no licence number or identifier, no clerk's free text. The screen checks every
 * message against {@link ApplicantScreenMessageSchema} and drops what does not fit.
 */
import { z } from 'zod';
import { caseBasis, caseNumberForReading, materialState, pullUnreachable, type CaseMaterial, type CounterCase } from './counter-case';
import { maskIdNumber } from './ids';
import { PAPER_REASONS, type Holder, type Material } from './library-api';
import { VERIFICATION_OUTCOMES, type VerificationOutcome } from './licence-verify';

// ---- Settings

/** The type sizes a supervisor chooses from (Art. 22: large type for elderly applicants). */
export const APPLICANT_FONT_SIZES = ['large', 'x_large', 'xx_large'] as const;
/** A type size of the applicant's screen. */
export type ApplicantFontSize = (typeof APPLICANT_FONT_SIZES)[number];

/** The body text size in CSS pixels of each type size; headings and the case number scale from it. */
export const APPLICANT_FONT_PX: Readonly<Record<ApplicantFontSize, number>> = { large: 28, x_large: 36, xx_large: 46 };

/** The applicant's screen's settings (设置 → 申请人屏), kept by the host in devices.json. */
export const ApplicantScreenSettingsSchema = z
  .object({
    fontSize: z.enum(APPLICANT_FONT_SIZES),
    /** White and yellow on black, heavier rules (for low vision). */
    highContrast: z.boolean(),
  })
  .strict();
/** The applicant's screen's settings. */
export type ApplicantScreenSettings = z.infer<typeof ApplicantScreenSettingsSchema>;

/** The settings of a new workstation: the middle type size, normal contrast. */
export const DEFAULT_APPLICANT_SCREEN_SETTINGS: ApplicantScreenSettings = { fontSize: 'x_large', highContrast: false };

// ---- What the screen shows

/** How a material's pull is going, as the applicant reads it. */
export const APPLICANT_PULL_STATES = ['pulling', 'verifying', 'verified', 'not_found', 'not_valid', 'unreachable', 'failed'] as const;
/** A pull's state on the applicant's screen. */
export type ApplicantPullState = (typeof APPLICANT_PULL_STATES)[number];

/**
 * Why a material is (or was) given on paper, as the applicant reads it: the paper reasons of a
 * received scan (library-api PAPER_REASONS), and for a material still awaited, why the library's
 * copy cannot be used — none in the library, no authorisation to pull, the library unreachable,
 * the pull refused, a licence that did not verify, or paper chosen at the counter.
 */
export const APPLICANT_PAPER_REASONS = [...PAPER_REASONS, 'no_grant', 'pull_failed', 'not_valid', 'chosen_paper'] as const;
/** A paper reason on the applicant's screen. */
export type ApplicantPaperReason = (typeof APPLICANT_PAPER_REASONS)[number];

/** How the case is authorised, or why it is not (shared/counter-case.ts CaseBasis). */
export const APPLICANT_BASES = ['token', 'duty', 'unreachable_token', 'unreachable_no_phone', 'no_phone_social', 'none'] as const;

const Text = z.string().min(1).max(200);
const Short = z.string().min(1).max(100);

// A masked identifier keeps at most 10 of its characters (a citizen ID's first 6 and last 4)
// and hides the rest behind '*': the screen refuses one that shows more.
const MaskedId = z
  .string()
  .min(1)
  .max(40)
  .refine((value) => value.includes('*') && value.replace(/\*/g, '').length <= 10, 'not_masked');

/** A licence pulled for a material, as the applicant sees it: its type, its issuer, its verification. */
export const ApplicantLicenceSchema = z
  .object({
    typeName: Short,
    issuer: Text,
    /** Null while it is being verified. */
    outcome: z.enum(VERIFICATION_OUTCOMES).nullable(),
  })
  .strict();

/** A material the counter pulls from the library (本次将调取您的以下证照). */
export const ApplicantPullSchema = z
  .object({
    materialId: Short,
    material: Text,
    /** The licence types that satisfy it, by name. */
    licenceTypes: z.array(Short).max(10),
    state: z.enum(APPLICANT_PULL_STATES),
    licences: z.array(ApplicantLicenceSchema).max(10),
  })
  .strict();

/** A material exempt from paper (以下材料已免交), with the licence that exempts it. */
export const ApplicantExemptSchema = z.object({ materialId: Short, material: Text, licence: Short, issuer: Text }).strict();

/** A material given, or still to be given, on paper, and why. */
export const ApplicantPaperSchema = z
  .object({
    materialId: Short,
    material: Text,
    required: z.boolean(),
    reason: z.enum(APPLICANT_PAPER_REASONS),
    /** The licence's outcome when the reason is `not_valid`. */
    outcome: z.enum(VERIFICATION_OUTCOMES).nullable(),
    /** True once the clerk has taken the paper. */
    received: z.boolean(),
  })
  .strict();

/** A material of the matter's usage list (before the holder is known). */
export const ApplicantUsageItemSchema = z.object({ materialId: Short, material: Text, required: z.boolean(), licenceTypes: z.array(Short).max(10) }).strict();

/** Between cases: a welcome, nothing of anyone. */
export const NeutralViewSchema = z.object({ kind: z.literal('neutral') }).strict();

/** A case in progress or just completed. */
export const CaseViewSchema = z
  .object({
    kind: z.literal('case'),
    caseNo: Short,
    /** The case number grouped for reading aloud. */
    caseNoForReading: Short,
    matter: Text,
    /** `holder`: waiting for the 亮证码 or the ID card; `materials`: pulling and checking; `completed`: 办结. */
    stage: z.enum(['holder', 'materials', 'completed']),
    /** A training case (模拟办事): the screen says so. */
    training: z.boolean(),
    /** The applicant, masked: a citizen's name to the surname, the ID number to its first 6 and last 4 characters. */
    holder: z.object({ name: Text, idNumber: MaskedId }).strict().nullable(),
    basis: z.enum(APPLICANT_BASES).nullable(),
    usageList: z.array(ApplicantUsageItemSchema).max(50),
    pulls: z.array(ApplicantPullSchema).max(50),
    exempt: z.array(ApplicantExemptSchema).max(50),
    paper: z.array(ApplicantPaperSchema).max(50),
  })
  .strict();

/** What the applicant's screen shows. */
export const ApplicantViewSchema = z.discriminatedUnion('kind', [NeutralViewSchema, CaseViewSchema]);
/** What the applicant's screen shows. */
export type ApplicantView = z.infer<typeof ApplicantViewSchema>;
/** A case on the applicant's screen. */
export type ApplicantCaseView = z.infer<typeof CaseViewSchema>;
/** A pulled material on the applicant's screen. */
export type ApplicantPull = z.infer<typeof ApplicantPullSchema>;
/** An exempt material on the applicant's screen. */
export type ApplicantExempt = z.infer<typeof ApplicantExemptSchema>;
/** A paper material on the applicant's screen. */
export type ApplicantPaper = z.infer<typeof ApplicantPaperSchema>;

/** The view between cases. */
export const NEUTRAL_VIEW: ApplicantView = Object.freeze({ kind: 'neutral' });

// ---- The channel's messages

/** The BroadcastChannel the counter and the applicant's screen share (same origin only). */
export const APPLICANT_SCREEN_CHANNEL = 'workstation.applicant-screen';
/** The message version; a screen ignores any other. */
export const APPLICANT_SCREEN_MESSAGE_VERSION = 1;

const PeerId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/**
 * The messages on the channel, each with its version `v`:
 * - `state` (counter → screens): what to show, and how; `seq` grows with each message of one
 *   publisher (a counter page), whose id changes when the page is loaded again.
 * - `hello` (screen → counters): a screen has opened (or answers a ping) and asks for the state.
 * - `ping` (counter → screens): is a screen open? Each answers `hello`.
 */
export const ApplicantScreenMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      v: z.literal(APPLICANT_SCREEN_MESSAGE_VERSION),
      type: z.literal('state'),
      publisher: PeerId,
      seq: z.number().int().min(0),
      display: ApplicantScreenSettingsSchema,
      view: ApplicantViewSchema,
    })
    .strict(),
  z.object({ v: z.literal(APPLICANT_SCREEN_MESSAGE_VERSION), type: z.literal('hello'), screen: PeerId }).strict(),
  z.object({ v: z.literal(APPLICANT_SCREEN_MESSAGE_VERSION), type: z.literal('ping') }).strict(),
]);
/** A message on the applicant's screen channel. */
export type ApplicantScreenMessage = z.infer<typeof ApplicantScreenMessageSchema>;
/** A `state` message. */
export type ApplicantStateMessage = Extract<ApplicantScreenMessage, { type: 'state' }>;

/**
 * A message read from the channel, or null when it is not one of this version's (another
 * version, a garbled or an unmasked one): the screen then ignores it.
 */
export function parseApplicantScreenMessage(data: unknown): ApplicantScreenMessage | null {
  const parsed = ApplicantScreenMessageSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** A `state` message for a publisher's view and display settings. */
export function applicantStateMessage(publisher: string, seq: number, display: ApplicantScreenSettings, view: ApplicantView): ApplicantStateMessage {
  return {
    v: APPLICANT_SCREEN_MESSAGE_VERSION,
    type: 'state',
    publisher,
    seq,
    display: { fontSize: display.fontSize, highContrast: display.highContrast },
    view,
  };
}

// ---- Building the view from the counter case

/** What the view is built from: the counter's case, as its store holds it. */
export interface ApplicantViewSource {
  /** The case opened for a matter (also before the holder is known); null between cases. */
  opened: { caseNo: string; matter: { name: string; materials: readonly Material[] } } | null;
  /** The case once the holder is known (with its grant or without). */
  active: CounterCase | null;
  /** True once the case is completed (办结). */
  completed: boolean;
  /** True on the sandbox (模拟办事): the screen says the case is a training one. */
  training: boolean;
  /** The licence types' names by code (the catalog). */
  typeNames: ReadonlyMap<string, string>;
}

/**
 * A holder's name as the applicant's screen shows it: a citizen's surname and a `*` for each
 * further character (`张伟` → `张*`), so that people waiting behind the applicant do not read it;
 * an organisation's name in full (it is public).
 */
export function maskHolderName(holder: Pick<Holder, 'idType' | 'name'>): string {
  const name = holder.name.trim();
  if (holder.idType !== '111') return name;
  const characters = [...name];
  return characters.length <= 1 ? '*' : `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

function typeNamesOf(codes: readonly string[], names: ReadonlyMap<string, string>): string[] {
  return codes.map((code) => names.get(code)).filter((name): name is string => typeof name === 'string' && name.length > 0);
}

function pullState(material: CaseMaterial): ApplicantPullState {
  const { pull } = material;
  if (pull.state === 'pending') return 'pulling';
  if (pull.state === 'failed') return pullUnreachable(material) ? 'unreachable' : 'failed';
  if (material.licences.length === 0) return 'not_found';
  if (material.licences.some((l) => l.report?.outcome === 'valid')) return 'verified';
  if (material.licences.some((l) => l.report === null)) return 'verifying';
  const outcomes = material.licences.map((l) => l.report!.outcome);
  if (outcomes.every((o) => o === 'not_in_library')) return 'not_found';
  if (outcomes.every((o) => o === 'unavailable' || o === 'not_in_library')) return 'unreachable';
  return 'not_valid';
}

function licenceLine(licence: CaseMaterial['licences'][number]): z.infer<typeof ApplicantLicenceSchema> {
  return { typeName: licence.summary.typeName, issuer: licence.summary.issuer.name, outcome: licence.report?.outcome ?? null };
}

function paperLine(material: CaseMaterial): ApplicantPaper | null {
  const state = materialState(material);
  const base = { materialId: material.material.id, material: material.material.name, required: material.material.required };
  switch (state.state) {
    case 'paper_scanned':
      return { ...base, reason: state.paperReason, outcome: null, received: true };
    case 'needs_paper': {
      const reason: ApplicantPaperReason = state.why === 'override' ? 'chosen_paper' : state.why === 'no_grant' ? 'no_grant' : 'not_in_library';
      return { ...base, reason, outcome: null, received: false };
    }
    case 'failed': {
      if (state.failure.kind === 'pull')
        return { ...base, reason: pullUnreachable(material) ? 'library_unreachable' : 'pull_failed', outcome: null, received: false };
      const outcome: VerificationOutcome = state.failure.outcome;
      if (outcome === 'unavailable') return { ...base, reason: 'library_unreachable', outcome: null, received: false };
      return { ...base, reason: 'not_valid', outcome, received: false };
    }
    default:
      return null;
  }
}

function exemptLine(material: CaseMaterial): ApplicantExempt | null {
  const state = materialState(material);
  if (state.state !== 'exempt') return null;
  const licence = material.licences.find((l) => l.summary.id === state.licenceId);
  if (!licence) return null;
  return { materialId: material.material.id, material: material.material.name, licence: licence.summary.typeName, issuer: licence.summary.issuer.name };
}

/**
 * What the applicant's screen shows for the counter's case: the neutral view between cases;
 * otherwise the matter, the case number, the masked holder, the usage list, each pulled
 * material with its licences' verification, the exempt materials, and the paper materials with
 * their reasons. Built field by field (an allow-list): no ID number in full, no face field, no
 * photo, no licence number or identifier, no clerk's or operator's text leaves the counter.
 */
export function buildApplicantView(source: ApplicantViewSource): ApplicantView {
  const { opened, active, typeNames } = source;
  if (!opened) return NEUTRAL_VIEW;
  // The case in hand must be the opened one: anything else would be another applicant's.
  const counterCase = active && active.caseNo === opened.caseNo ? active : null;
  const usageList = opened.matter.materials.map((m) => ({
    materialId: m.id,
    material: m.name,
    required: m.required,
    licenceTypes: typeNamesOf(m.licenceTypes, typeNames),
  }));
  const base = { kind: 'case' as const, caseNo: opened.caseNo, caseNoForReading: caseNumberForReading(opened.caseNo), matter: opened.matter.name };
  if (!counterCase) {
    return { ...base, stage: 'holder', training: source.training, holder: null, basis: null, usageList, pulls: [], exempt: [], paper: [] };
  }
  const licenceTypesOf = new Map(opened.matter.materials.map((m) => [m.id, typeNamesOf(m.licenceTypes, typeNames)]));
  const pulls: ApplicantPull[] = counterCase.materials
    .filter((m) => m.pull.state !== 'skipped')
    .map((m) => ({
      materialId: m.material.id,
      material: m.material.name,
      licenceTypes: licenceTypesOf.get(m.material.id) ?? typeNamesOf(m.material.licenceTypes, typeNames),
      state: pullState(m),
      licences: m.licences.map(licenceLine),
    }));
  return {
    ...base,
    stage: source.completed ? 'completed' : 'materials',
    training: counterCase.training || source.training,
    holder: { name: maskHolderName(counterCase.holder), idNumber: maskIdNumber(counterCase.holder.idNumber) },
    basis: caseBasis(counterCase),
    usageList,
    pulls,
    exempt: counterCase.materials.map(exemptLine).filter((line): line is ApplicantExempt => line !== null),
    paper: counterCase.materials.map(paperLine).filter((line): line is ApplicantPaper => line !== null),
  };
}

// ---- The screen's side: which message it follows

/** How long a completed case stays on the screen when the clerk does not start the next one. */
export const APPLICANT_COMPLETED_HOLD_MS = 60_000;

/** What the screen shows, and whose. */
export interface ApplicantScreenState {
  /** The counter page it follows; null when it shows the neutral page for want of one. */
  publisher: string | null;
  /** The last `seq` taken from that publisher. */
  seq: number;
  view: ApplicantView;
  /** The display settings last published; null before any message (the defaults apply). */
  display: ApplicantScreenSettings | null;
  /** When the case shown was first shown completed (ms), to put it away after {@link APPLICANT_COMPLETED_HOLD_MS}. */
  completedSince: number | null;
  /** The completed case put away after the hold: it is not shown again. */
  putAway: string | null;
}

/** The screen before any message: the neutral page. */
export const INITIAL_SCREEN_STATE: ApplicantScreenState = Object.freeze({
  publisher: null,
  seq: -1,
  view: NEUTRAL_VIEW,
  display: null,
  completedSince: null,
  putAway: null,
});

/**
 * The screen's state after a `state` message. The screen follows one counter page: its messages
 * in order (an older `seq` is dropped). A case from another page takes the screen over (the
 * clerk works in that page now); a neutral page from another page is ignored while a case is
 * shown (a second counter tab opened idle must not wipe the applicant's case). A completed case
 * that has been put away is not shown again.
 */
export function screenStateAfter(state: ApplicantScreenState, message: ApplicantStateMessage, nowMs: number): ApplicantScreenState {
  const same = message.publisher === state.publisher;
  if (same && message.seq <= state.seq) return state;
  const { view } = message;
  if (!same && view.kind === 'neutral' && state.view.kind === 'case') return state;
  if (view.kind === 'case' && view.stage === 'completed' && view.caseNo === state.putAway) {
    return { ...state, publisher: message.publisher, seq: message.seq, display: message.display, view: NEUTRAL_VIEW, completedSince: null };
  }
  let completedSince: number | null = null;
  if (view.kind === 'case' && view.stage === 'completed') {
    const sameCaseCompleted =
      state.view.kind === 'case' && state.view.caseNo === view.caseNo && state.view.stage === 'completed' && state.completedSince !== null;
    completedSince = sameCaseCompleted ? state.completedSince : nowMs;
  }
  return {
    publisher: message.publisher,
    seq: message.seq,
    view,
    display: message.display,
    completedSince,
    putAway: view.kind === 'case' && view.caseNo === state.putAway ? state.putAway : null,
  };
}

/** When the screen must next look at the clock (ms), or null: the end of a completed case's hold. */
export function screenDeadline(state: ApplicantScreenState): number | null {
  return state.completedSince === null ? null : state.completedSince + APPLICANT_COMPLETED_HOLD_MS;
}

/** The screen's state at `nowMs`: a completed case past its hold is put away (the neutral page). */
export function screenStateAt(state: ApplicantScreenState, nowMs: number): ApplicantScreenState {
  const deadline = screenDeadline(state);
  if (deadline === null || nowMs < deadline || state.view.kind !== 'case') return state;
  return { ...state, view: NEUTRAL_VIEW, completedSince: null, putAway: state.view.caseNo };
}

/** The screen's state once the counter page it follows is gone (closed, crashed, reloaded): the neutral page. */
export function screenStateWithoutPublisher(state: ApplicantScreenState, publisher: string): ApplicantScreenState {
  if (state.publisher !== publisher) return state;
  return { ...state, publisher: null, seq: -1, view: NEUTRAL_VIEW, completedSince: null };
}
