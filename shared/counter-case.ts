/**
 * The rules of a counter case (办件, docs/architecture.md §4) that are not UI: the case number a
 * clerk reads aloud, each material's state from its pull, its licences' verification, paper
 * scans and the clerk's overrides, whether the case can be completed, the usage record sent to
 * the library (docs/library-api.md §9), the receipt (回执), and what the purge keeps.
 *
 * The applicant is never forced onto the electronic path (Art. 22): paper is always possible
 * for the reasons `elderly`, `no_phone` and `applicant_choice`, whatever the material's state.
 */
import type { GrantBasis, Holder, LicenceSummary, Material, PaperReason, UsageMaterial, UsageRecordRequest } from './library-api';
import { maskIdNumber } from './ids';
import { isDay, type VerificationCheck, type VerificationOutcome, type VerificationReport } from './licence-verify';
import { shanghaiDate, shanghaiDateTime } from './shanghai-time';

// ---- Case number

/** Pattern of a workstation's short name: an uppercase letter, then 1–7 uppercase letters or digits. */
export const WORKSTATION_SHORT_PATTERN = /^[A-Z][A-Z0-9]{1,7}$/;
const CASE_NO_PATTERN = /^([A-Z][A-Z0-9]{1,7})-(\d{8})-(\d{4})$/;

/**
 * The case number: `<workstation short>-<yyyymmdd>-<4 digits>`, e.g. `PD01-20261126-0007`,
 * the date in Asia/Shanghai and the day's sequence from 1 to 9999. Only digits follow the
 * prefix, so it reads aloud without letter confusion. Throws a RangeError on a bad short name
 * or sequence.
 */
export function formatCaseNumber(workstationShort: string, at: Date, dailySeq: number): string {
  if (!WORKSTATION_SHORT_PATTERN.test(workstationShort))
    throw new RangeError(`formatCaseNumber: bad workstation short name ${JSON.stringify(workstationShort)}`);
  if (!Number.isInteger(dailySeq) || dailySeq < 1 || dailySeq > 9999) throw new RangeError(`formatCaseNumber: daily sequence ${dailySeq} outside 1–9999`);
  return `${workstationShort}-${shanghaiDate(at).replace(/-/g, '')}-${String(dailySeq).padStart(4, '0')}`;
}

/**
 * A workstation's short name for its case numbers, from its id: the id's letters and digits in
 * capitals, a leading `W` when it does not start with a letter, at most 8 characters, at least 2
 * (`WS-DEMO-01` → `WSDEMO01`). The counter numbers its cases with it, so that the supervisor's
 * views can show an example in the real format.
 */
export function workstationShortName(workstationId: string): string {
  const letters = workstationId.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const short = /^[A-Z]/.test(letters) ? letters : `W${letters}`;
  return short.length >= 2 ? short.slice(0, 8) : `${short}0`;
}

/** The parts of a case number, or null when it is not one. */
export function parseCaseNumber(caseNo: string): { workstationShort: string; date: string; dailySeq: number } | null {
  const match = CASE_NO_PATTERN.exec(caseNo);
  if (!match) return null;
  // Every group of the pattern takes part in a match: the defaults are never used.
  const [, workstationShort = '', day = '', seq = ''] = match;
  const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
  if (!isDay(date)) return null;
  const dailySeq = Number(seq);
  if (dailySeq < 1) return null;
  return { workstationShort, date, dailySeq };
}

/**
 * The case number grouped for reading aloud, digits in fours: `PD01-20261126-0007` →
 * `PD01 2026 1126 0007`. Anything that is not a case number is returned unchanged.
 */
export function caseNumberForReading(caseNo: string): string {
  const match = CASE_NO_PATTERN.exec(caseNo);
  if (!match) return caseNo;
  const [, prefix = '', day = '', seq = ''] = match;
  return `${prefix} ${day.slice(0, 4)} ${day.slice(4)} ${seq}`;
}

// ---- A case and its materials

/** The state of a material's pull (`POST /licences/query`, then each `GET /licences/{id}`). */
export type PullState =
  /** Under way. */
  | { state: 'pending' }
  /**
   * Answered; the licences found (maybe none) are in the material's `licences`. `latencyMs` is
   * the pull's duration as the host measured it (kept after the purge for the supervisor's numbers).
   */
  | { state: 'done'; latencyMs?: number }
  /** Failed: the library's error code, or `NETWORK` when it could not be reached. */
  | { state: 'failed'; errorCode: string }
  /** Not made: no grant (no phone and no duty basis) or paper chosen before pulling. */
  | { state: 'skipped' };

/** A licence pulled for a material, with its verification (null while it runs). */
export interface CaseLicence {
  summary: LicenceSummary;
  report: VerificationReport | null;
  /** The face fields the material needs, as disclosed (face data: purged). */
  faceFields: { key: string; value: unknown }[];
  /** The file: its signed hash, and where the downloaded bytes are stored (purged). */
  file: { contentType: string; size: number; hash: string; blobKey: string | null };
}

/** A paper scan of a material. The scan is the applicant's submitted material, not pulled data. */
export interface PaperScan {
  paperReason: PaperReason;
  scannedAt: string;
  pages: number;
  /** SM3 of the scanned bytes. */
  hash: string;
  blobKey: string | null;
}

/**
 * A clerk's override of a material's state, always with a reason, recorded in the audit chain
 * (`override`). `choose_paper` sets aside a verified licence (the clerk doubts it, or the
 * applicant prefers paper); `use_licence` picks another of several valid licences. No override
 * turns a licence that did not verify into an exemption: nothing unverified is exempt.
 */
export type MaterialOverride =
  | { kind: 'choose_paper'; reason: string; operatorId: string; at: string }
  | { kind: 'use_licence'; licenceId: string; reason: string; operatorId: string; at: string };

/** One material of the case, as the counter tracks it. */
export interface CaseMaterial {
  material: Material;
  pull: PullState;
  licences: CaseLicence[];
  paperScan: PaperScan | null;
  override: MaterialOverride | null;
}

/**
 * Why a case has no grant, as the case knows it when it starts: the library could not be reached
 * (to redeem the 亮证码, or to grant a counter-duty basis for a holder without a phone), or the
 * holder has no phone and the matter is a social one, for which there is no duty basis (Art. 22:
 * paper). The holder panel, the receipt and the paper dialog say and preselect from it, and the
 * Art. 11 catch-up knows the library was unreachable whatever paper reason the clerk then chose.
 */
export interface NoGrant {
  cause: 'library_unreachable' | 'no_duty_basis';
  /** How the holder is known: read from their 亮证码 (checked on the workstation) or typed by the clerk (no phone). */
  holderFrom: 'token' | 'typed';
}

/** A counter case. */
export interface CounterCase {
  caseNo: string;
  matter: { code: string; name: string };
  /** The applicant: from the grant, or typed by the clerk. */
  holder: Holder;
  /** Null when no grant was obtained (paper only). */
  grant: { grantId: string; basis: GrantBasis; reason: string | null } | null;
  /** Why there is no grant; null (or absent) when there is one. */
  noGrant?: NoGrant | null;
  operatorId: string;
  workstationId: string;
  /** Training-mode cases (模拟办事, Art. 29) are flagged and left out of statistics. */
  training: boolean;
  openedAt: string;
  materials: CaseMaterial[];
}

/** Why a material failed. */
export type MaterialFailure =
  /** The pull failed; `errorCode` as the library or the transport gave it. */
  | { kind: 'pull'; errorCode: string }
  /** A licence was found but its outcome is not `valid`. */
  | { kind: 'licence'; licenceId: string; outcome: Exclude<VerificationOutcome, 'valid'> };

/** A material's state, derived by {@link materialState}. */
export type MaterialState =
  | { state: 'pending' }
  /** A verified valid licence: no paper (材料免交, Art. 14). */
  | { state: 'exempt'; licenceId: string }
  /** No licence to use: none in the library, no grant, or the clerk chose paper (with the override's reason). */
  | { state: 'needs_paper'; why: 'not_in_library' | 'no_grant' | 'override'; overrideReason: string | null; suggestedPaperReason: PaperReason }
  /** A licence exists but did not verify as valid, or the pull failed; paper and (for a licence) an objection are at hand. */
  | { state: 'failed'; failure: MaterialFailure; suggestedPaperReason: PaperReason; canObject: boolean }
  | { state: 'paper_scanned'; paperReason: PaperReason; licenceId: string | null };

/** The names of the material states. */
export type MaterialStateName = MaterialState['state'];

/** Paper reasons that fit any material (Art. 22: the applicant is never forced onto the electronic path). */
export const ALWAYS_ALLOWED_PAPER_REASONS: readonly PaperReason[] = ['elderly', 'no_phone', 'applicant_choice'];

const UNREACHABLE_CODES = new Set(['UNAVAILABLE', 'NETWORK', 'TIMEOUT', 'INTERNAL']);

function timeOf(licence: CaseLicence): string {
  return `${licence.summary.issuedAt}|${licence.summary.version}`;
}

// The newest first: a superseded old version should not hide the current one.
function newestFirst(licences: readonly CaseLicence[]): CaseLicence[] {
  return [...licences].sort((a, b) => (timeOf(a) < timeOf(b) ? 1 : timeOf(a) > timeOf(b) ? -1 : 0));
}

function validLicences(material: CaseMaterial): CaseLicence[] {
  return newestFirst(material.licences.filter((l) => l.report?.outcome === 'valid'));
}

// The state before any override or paper scan.
function stateFromPull(material: CaseMaterial): MaterialState {
  const { pull } = material;
  if (pull.state === 'skipped') return { state: 'needs_paper', why: 'no_grant', overrideReason: null, suggestedPaperReason: 'no_phone' };
  if (pull.state === 'pending') return { state: 'pending' };
  if (pull.state === 'failed') {
    const unreachable = UNREACHABLE_CODES.has(pull.errorCode);
    return {
      state: 'failed',
      failure: { kind: 'pull', errorCode: pull.errorCode },
      suggestedPaperReason: unreachable ? 'library_unreachable' : 'verification_failed',
      canObject: false,
    };
  }
  if (material.licences.length === 0) {
    return { state: 'needs_paper', why: 'not_in_library', overrideReason: null, suggestedPaperReason: 'not_in_library' };
  }
  const valid = validLicences(material);
  if (valid.length > 0) return { state: 'exempt', licenceId: valid[0]!.summary.id };
  if (material.licences.some((l) => l.report === null)) return { state: 'pending' };
  const newest = newestFirst(material.licences)[0]!;
  const outcome = newest.report!.outcome as Exclude<VerificationOutcome, 'valid'>;
  if (outcome === 'not_in_library') {
    return { state: 'needs_paper', why: 'not_in_library', overrideReason: null, suggestedPaperReason: 'not_in_library' };
  }
  return {
    state: 'failed',
    failure: { kind: 'licence', licenceId: newest.summary.id, outcome },
    suggestedPaperReason: outcome === 'unavailable' ? 'library_unreachable' : 'verification_failed',
    canObject: outcome !== 'unavailable',
  };
}

/**
 * A material's state. A paper scan wins (the paper is in hand); then an override; then the
 * pull and its licences: a valid licence (the newest, or the one an override picked) makes the
 * material exempt; none found is `needs_paper`; a licence whose outcome is not valid, or a
 * failed pull, is `failed`; while a pull or a verification runs and nothing valid is known, `pending`.
 */
export function materialState(material: CaseMaterial): MaterialState {
  if (material.paperScan) {
    const failed = stateFromPull(material);
    const licenceId = failed.state === 'failed' && failed.failure.kind === 'licence' ? failed.failure.licenceId : null;
    return { state: 'paper_scanned', paperReason: material.paperScan.paperReason, licenceId };
  }
  const base = stateFromPull(material);
  const override = material.override;
  if (override && base.state === 'exempt') {
    if (override.kind === 'choose_paper') {
      return { state: 'needs_paper', why: 'override', overrideReason: override.reason, suggestedPaperReason: 'applicant_choice' };
    }
    if (validLicences(material).some((l) => l.summary.id === override.licenceId)) return { state: 'exempt', licenceId: override.licenceId };
  }
  return base;
}

/** Why an override is refused. */
export type OverrideProblem =
  /** The reason is empty or shorter than 2 characters. */
  | 'reason_required'
  /** Only a material with a verified valid licence can be overridden. */
  | 'not_applicable'
  /** `use_licence` names a licence that is not among the material's valid ones. */
  | 'licence_not_valid';

/** Whether an override may be applied to a material; null when it may. */
export function overrideProblem(material: CaseMaterial, override: MaterialOverride): OverrideProblem | null {
  if (override.reason.trim().length < 2) return 'reason_required';
  if (material.paperScan || stateFromPull(material).state !== 'exempt') return 'not_applicable';
  if (override.kind === 'use_licence' && !validLicences(material).some((l) => l.summary.id === override.licenceId)) return 'licence_not_valid';
  return null;
}

/**
 * The paper reasons that fit a material's state, the suggested one first: `not_in_library` when
 * none was found, `verification_failed` when a licence did not verify, `library_unreachable`
 * when the library could not be reached, and always `elderly`, `no_phone`, `applicant_choice`.
 */
export function allowedPaperReasons(state: MaterialState): PaperReason[] {
  const specific: PaperReason[] = [];
  if (state.state === 'needs_paper' || state.state === 'failed') specific.push(state.suggestedPaperReason);
  if (state.state === 'failed' && state.failure.kind === 'pull' && !specific.includes('library_unreachable')) specific.push('library_unreachable');
  if (state.state === 'pending') specific.push('library_unreachable');
  return [...new Set([...specific, ...ALWAYS_ALLOWED_PAPER_REASONS])];
}

// ---- How the case is authorised

/**
 * How the case got, or did not get, the library's authorisation to pull (授权方式), as the holder
 * panel and the receipt say it: by the holder's 亮证码; by a counter-duty grant for a holder
 * without a phone; no grant because the library was unreachable (the holder having shown a
 * 亮证码, or having none); no grant because a holder without a phone came for a social matter;
 * `none` for a case that does not say (older data).
 */
export type CaseBasis = 'token' | 'duty' | 'unreachable_token' | 'unreachable_no_phone' | 'no_phone_social' | 'none';

/** The {@link CaseBasis} of a case. */
export function caseBasis(counterCase: Pick<CounterCase, 'grant' | 'noGrant'>): CaseBasis {
  if (counterCase.grant) return counterCase.grant.basis === 'token' ? 'token' : 'duty';
  const noGrant = counterCase.noGrant;
  if (noGrant?.cause === 'library_unreachable') return noGrant.holderFrom === 'token' ? 'unreachable_token' : 'unreachable_no_phone';
  if (noGrant?.cause === 'no_duty_basis') return 'no_phone_social';
  return 'none';
}

/** Whether the holder showed a 亮证码 (so has a phone), whether or not the library could redeem it. */
export function holderShowedToken(counterCase: Pick<CounterCase, 'grant' | 'noGrant'>): boolean {
  return counterCase.grant ? counterCase.grant.basis === 'token' : counterCase.noGrant?.holderFrom === 'token';
}

/**
 * Whether a material's pull could not reach the library (including every material of a case
 * that could not get its grant because the library was unreachable). The case keeps this after
 * the purge, so that the Art. 11 catch-up re-checks the material whatever paper reason the
 * clerk chose for it.
 */
export function pullUnreachable(material: Pick<CaseMaterial, 'pull'>): boolean {
  return material.pull.state === 'failed' && UNREACHABLE_CODES.has(material.pull.errorCode);
}

// ---- Completion

/** Whether the case can be completed, and which materials stand in the way. */
export interface CompletionCheck {
  ok: boolean;
  /** Required materials neither exempt nor paper-scanned, and any material still pending. */
  blocking: { materialId: string; name: string; state: MaterialStateName }[];
}

/**
 * A case can be completed when every required material is exempt or paper-scanned and no
 * material is still pending (a pull under way would otherwise be recorded as missing). An
 * optional material that is neither is recorded as `missing`.
 */
export function completionCheck(counterCase: CounterCase): CompletionCheck {
  const blocking: CompletionCheck['blocking'] = [];
  for (const material of counterCase.materials) {
    const { state } = materialState(material);
    const satisfied = state === 'exempt' || state === 'paper_scanned';
    if (state === 'pending' || (material.material.required && !satisfied)) {
      blocking.push({ materialId: material.material.id, name: material.material.name, state });
    }
  }
  return { ok: blocking.length === 0, blocking };
}

// ---- Usage record

/** One material of a usage record (docs/library-api.md §9). */
export type UsageRecordMaterial = UsageMaterial;

/** The usage record body (`POST /usage-records`). */
export type UsageRecord = UsageRecordRequest;

/** A material's line in the usage record: exempt with its licence, paper with its reason (and the failed licence, if one), or missing. */
export function usageRecordMaterial(material: CaseMaterial): UsageRecordMaterial {
  const state = materialState(material);
  const materialId = material.material.id;
  if (state.state === 'exempt') return { materialId, outcome: 'exempt', licenceId: state.licenceId, paperReason: null };
  if (state.state === 'paper_scanned') return { materialId, outcome: 'paper', licenceId: state.licenceId, paperReason: state.paperReason };
  return { materialId, outcome: 'missing', licenceId: null, paperReason: null };
}

/**
 * The usage record of a completed case. Throws an Error when the case cannot be completed
 * ({@link completionCheck}): a record is only made at completion.
 */
export function buildUsageRecord(counterCase: CounterCase, completedAt: string): UsageRecord {
  const check = completionCheck(counterCase);
  if (!check.ok) throw new Error(`buildUsageRecord: case ${counterCase.caseNo} cannot be completed (${check.blocking.map((b) => b.materialId).join(', ')})`);
  return {
    caseNo: counterCase.caseNo,
    matterCode: counterCase.matter.code,
    grantId: counterCase.grant?.grantId ?? null,
    holder: counterCase.holder,
    operatorId: counterCase.operatorId,
    workstationId: counterCase.workstationId,
    completedAt,
    training: counterCase.training,
    materials: counterCase.materials.map(usageRecordMaterial),
  };
}

/**
 * The `Idempotency-Key` of a case's usage record: the same on every retry, so that the record
 * is delivered exactly once. The opening time is part of it because a case number alone repeats
 * when a workstation's local data is lost and its daily sequence starts again: the library would
 * take the second case's record for a conflicting replay of the first.
 */
export function usageRecordIdempotencyKey(caseNo: string, openedAt: string): string {
  return `usage-record:${caseNo}:${openedAt.replace(/[^0-9]/g, '')}`;
}

// ---- Receipt

/** One line of the receipt: a material and how it was satisfied. */
export interface ReceiptLine {
  materialId: string;
  name: string;
  required: boolean;
  outcome: UsageRecordMaterial['outcome'];
  licenceId: string | null;
  paperReason: PaperReason | null;
}

/** What the printed receipt (回执) shows. */
export interface Receipt {
  caseNo: string;
  caseNoForReading: string;
  matter: { code: string; name: string };
  /** The holder's name and ID, a citizen ID number masked to its first 6 and last 4 characters. */
  holder: { name: string; idType: Holder['idType']; idNumberMasked: string };
  /** `YYYY-MM-DD HH:mm` in Asia/Shanghai. */
  completedAtText: string;
  operatorId: string;
  workstationId: string;
  /** True in training mode: the receipt says 培训 and is not valid. */
  training: boolean;
  /** How the case was authorised (授权方式), or why it was not. */
  basis: CaseBasis;
  lines: ReceiptLine[];
  counts: Record<UsageRecordMaterial['outcome'], number>;
}

/**
 * A holder's ID number as printed: a citizen ID masked as everywhere else ({@link maskIdNumber},
 * `310101********0014`), an organisation's credit code in full (it is public).
 */
export function maskHolderId(holder: Pick<Holder, 'idType' | 'idNumber'>): string {
  return holder.idType === '111' ? maskIdNumber(holder.idNumber) : holder.idNumber;
}

/** The receipt of a completed case, from the same lines as its usage record. */
export function buildReceipt(counterCase: CounterCase, record: UsageRecord): Receipt {
  const byId = new Map(counterCase.materials.map((m) => [m.material.id, m.material]));
  const lines = record.materials.map((line) => {
    const material = byId.get(line.materialId)!;
    return { ...line, name: material.name, required: material.required };
  });
  const counts = { exempt: 0, paper: 0, missing: 0 };
  for (const line of lines) counts[line.outcome]++;
  return {
    caseNo: counterCase.caseNo,
    caseNoForReading: caseNumberForReading(counterCase.caseNo),
    matter: counterCase.matter,
    holder: {
      name: counterCase.holder.name,
      idType: counterCase.holder.idType,
      idNumberMasked: maskHolderId(counterCase.holder),
    },
    completedAtText: shanghaiDateTime(record.completedAt, 'minute'),
    operatorId: counterCase.operatorId,
    workstationId: counterCase.workstationId,
    training: counterCase.training,
    basis: caseBasis(counterCase),
    lines,
    counts,
  };
}

// ---- Purge

/** A licence as a purged case keeps it: identifiers, outcome, the checks' results, hashes. */
export interface PurgedLicence {
  licenceId: string;
  typeCode: string;
  issuerCode: string;
  version: string;
  status: LicenceSummary['status'];
  outcome: VerificationOutcome | null;
  /** Each check's name, result and field: the evidence text (which may quote names) is dropped. */
  checks: Pick<VerificationCheck, 'check' | 'result' | 'field'>[];
  verifiedAt: string | null;
  /** The signed file hash. */
  fileHash: string;
}

/** A material as a purged case keeps it. */
export interface PurgedMaterial {
  materialId: string;
  name: string;
  required: boolean;
  record: UsageRecordMaterial;
  override: MaterialOverride | null;
  licences: PurgedLicence[];
  /** The scan's metadata and hash; the scan itself stays under its blobKey (it is not pulled data). */
  paperScan: PaperScan | null;
  /** How long the pull took in ms, null when it was not made, failed or was not timed (absent in older rows). */
  pullLatencyMs?: number | null;
  /** True when the pull could not reach the library ({@link pullUnreachable}); absent in older rows. */
  libraryUnreachable?: boolean;
}

/** A completed case after the purge (Art. 27): identifiers, outcomes and hashes only. */
export interface PurgedCase {
  caseNo: string;
  matter: { code: string; name: string };
  /** The holder's identifier; the name is face data and is dropped. */
  holder: Pick<Holder, 'idType' | 'idNumber'>;
  grant: CounterCase['grant'];
  /** Why there was no grant; absent in older rows. */
  noGrant?: NoGrant | null;
  operatorId: string;
  workstationId: string;
  training: boolean;
  openedAt: string;
  completedAt: string;
  purgedAt: string;
  materials: PurgedMaterial[];
}

/**
 * The purge of a completed case: builds the kept record field by field (an allow-list, so a
 * field added to the case later is dropped unless it is added here too), and lists the stored
 * blobs of pulled licence files to delete. Face fields, the holder's name, licence summaries'
 * personal data, verification evidence and pulled files are dropped.
 */
export function purgeCase(counterCase: CounterCase, completedAt: string, purgedAt: string): { kept: PurgedCase; blobKeysToDelete: string[] } {
  const blobKeysToDelete: string[] = [];
  const materials = counterCase.materials.map((material): PurgedMaterial => {
    const licences = material.licences.map((licence): PurgedLicence => {
      if (licence.file.blobKey !== null) blobKeysToDelete.push(licence.file.blobKey);
      return {
        licenceId: licence.summary.id,
        typeCode: licence.summary.typeCode,
        issuerCode: licence.summary.issuer.code,
        version: licence.summary.version,
        status: licence.summary.status,
        outcome: licence.report?.outcome ?? null,
        checks: (licence.report?.checks ?? []).map((c) =>
          c.field === undefined ? { check: c.check, result: c.result } : { check: c.check, result: c.result, field: c.field },
        ),
        verifiedAt: licence.report?.verifiedAt ?? null,
        fileHash: licence.file.hash,
      };
    });
    return {
      materialId: material.material.id,
      name: material.material.name,
      required: material.material.required,
      record: usageRecordMaterial(material),
      override: material.override,
      licences,
      paperScan: material.paperScan,
      pullLatencyMs: material.pull.state === 'done' ? (material.pull.latencyMs ?? null) : null,
      libraryUnreachable: pullUnreachable(material),
    };
  });
  return {
    kept: {
      caseNo: counterCase.caseNo,
      matter: { code: counterCase.matter.code, name: counterCase.matter.name },
      holder: { idType: counterCase.holder.idType, idNumber: counterCase.holder.idNumber },
      grant: counterCase.grant,
      noGrant: counterCase.noGrant ?? null,
      operatorId: counterCase.operatorId,
      workstationId: counterCase.workstationId,
      training: counterCase.training,
      openedAt: counterCase.openedAt,
      completedAt,
      purgedAt,
      materials,
    },
    blobKeysToDelete,
  };
}
