/**
 * What the counter prints for the applicant (docs/architecture.md §3.6), as view models built
 * from the case: the receipt (收件凭证) of a completed case, and the 一次性告知书 — the one-time
 * notice of everything the applicant must still bring, and why — when a required material is
 * still missing at 办结. Also the clerk's decision that goes with a notice: the case is left open
 * (the applicant comes back with what is missing and the case goes on) or closed as 补正
 * (corrections needed; the applicant applies again with the complete materials).
 *
 * Pure: codes and data, no sentences (renderer/i18n words them) and no layout (the renderer's
 * one component per layout draws them, renderer/features/print/). Nothing here carries a full
 * citizen ID number: the holder is masked as on the receipt (maskHolderId).
 */
import {
  caseBasis,
  caseNumberForReading,
  completionCheck,
  maskHolderId,
  materialState,
  pullUnreachable,
  type CaseBasis,
  type CounterCase,
  type Receipt,
  type ReceiptLine,
} from './counter-case';
import type { PrintLayout } from './devices';
import type { Holder, MaterialOutcome } from './library-api';
import type { VerificationOutcome } from './licence-verify';
import { shanghaiDateTime } from './shanghai-time';

// ---- Page geometry

/** A layout's page, in millimetres: its size, the margin each side, and the width left to print on. */
export interface LayoutGeometry {
  pageWidthMm: number;
  pageHeightMm: number;
  /** The blank margin each side (left and right) of the printed matter. */
  marginMm: number;
  /** `pageWidthMm - 2 × marginMm`: nothing printed may be wider. */
  printableWidthMm: number;
}

/**
 * The layouts' pages. A4 with 15 mm margins. An 80 mm thermal roll prints 72 mm (576 dots at
 * 203 dpi) centred on the paper, so the document keeps 4 mm each side blank itself; its page is
 * 297 mm long (the printer feeds on from page to page, and cuts after the last).
 */
export const LAYOUT_GEOMETRY: Readonly<Record<PrintLayout, LayoutGeometry>> = {
  a4: { pageWidthMm: 210, pageHeightMm: 297, marginMm: 15, printableWidthMm: 180 },
  thermal80: { pageWidthMm: 80, pageHeightMm: 297, marginMm: 4, printableWidthMm: 72 },
};

// ---- The one-time notice (一次性告知书)

/**
 * Why a required material must still be brought (the notice says it to the applicant):
 * - `not_in_library`: the library holds no such licence of the holder;
 * - `licence_invalid`: a licence was found but is not valid (`outcome` says how: expired,
 *   revoked, signature invalid …);
 * - `library_unreachable`: the library could not be reached, so nothing could be pulled;
 * - `pull_failed`: the library refused the pull (`errorCode`);
 * - `no_grant`: nothing was pulled for want of the holder's authorisation (a social matter for
 *   a holder without a phone, Art. 22);
 * - `paper_requested`: a valid licence exists but the clerk set it aside for paper (with the
 *   override's reason, e.g. the applicant's wish).
 */
export type NoticeReason = 'not_in_library' | 'licence_invalid' | 'library_unreachable' | 'pull_failed' | 'no_grant' | 'paper_requested';

/** One material the applicant must still bring. */
export interface OutstandingMaterial {
  materialId: string;
  name: string;
  /** The names of the licence types that satisfy it (the usage list's), so the applicant knows what to bring. */
  licenceTypes: string[];
  reason: NoticeReason;
  /** For `licence_invalid`: the licence's verification outcome. */
  outcome: VerificationOutcome | null;
  /** For `pull_failed`: the error code. For `paper_requested`: the clerk's reason. */
  detail: string | null;
}

/**
 * The required materials of a case that are neither exempt (a verified licence) nor taken on
 * paper, each with why, in the usage list's order. A material still being pulled is not listed
 * (see {@link planNotice}, which refuses a notice while one is); optional materials are never
 * outstanding. `typeName` names a licence type code (the catalog's name, or the code itself).
 */
export function outstandingMaterials(counterCase: CounterCase, typeName: (code: string) => string): OutstandingMaterial[] {
  const out: OutstandingMaterial[] = [];
  for (const material of counterCase.materials) {
    if (!material.material.required) continue;
    const state = materialState(material);
    const base = { materialId: material.material.id, name: material.material.name, licenceTypes: material.material.licenceTypes.map(typeName) };
    if (state.state === 'needs_paper') {
      if (state.why === 'override') out.push({ ...base, reason: 'paper_requested', outcome: null, detail: state.overrideReason });
      else if (state.why === 'no_grant') out.push({ ...base, reason: 'no_grant', outcome: null, detail: null });
      else out.push({ ...base, reason: 'not_in_library', outcome: null, detail: null });
    } else if (state.state === 'failed') {
      if (state.failure.kind === 'licence') {
        const unreachable = state.failure.outcome === 'unavailable';
        out.push({
          ...base,
          reason: unreachable ? 'library_unreachable' : 'licence_invalid',
          outcome: unreachable ? null : state.failure.outcome,
          detail: null,
        });
      } else {
        const unreachable = pullUnreachable(material);
        out.push({ ...base, reason: unreachable ? 'library_unreachable' : 'pull_failed', outcome: null, detail: unreachable ? null : state.failure.errorCode });
      }
    }
  }
  return out;
}

/**
 * What the clerk decides with a notice: `keep_open` leaves the case open on the counter (the
 * applicant brings what is missing and the clerk completes it); `close_correction` closes it as
 * 补正 — it is not completed, no usage record is made, the pulled data and the paper pages are
 * removed now (Art. 27), and the applicant applies again with the complete materials.
 */
export type NoticeChoice = 'keep_open' | 'close_correction';

/** Why a notice cannot be issued: every required material is satisfied, or a pull is still under way. */
export type NoticeProblem = 'nothing_missing' | 'pulls_pending';

/** What issuing a notice does to the case. */
export interface NoticePlan {
  choice: NoticeChoice;
  /** The materials the notice lists. */
  outstanding: OutstandingMaterial[];
  /** The case's state afterwards: still open, or closed as 补正 (`correction`). */
  caseStatus: 'open' | 'correction';
  /** True when the pulled licences and face data are purged now. */
  purgePulled: boolean;
  /** True when the case's paper pages are deleted now (the applicant takes the paper back). */
  deletePaper: boolean;
  /** A usage record is made only when a case is completed: never by a notice. */
  usageRecord: false;
}

/**
 * The one-time notice a case needs at 办结, and what the clerk's choice does. Refused while a
 * pull is under way (what it finds may satisfy the material) and when nothing required is
 * missing (the case can be completed instead).
 */
export function planNotice(
  counterCase: CounterCase,
  choice: NoticeChoice,
  typeName: (code: string) => string,
): { ok: true; plan: NoticePlan } | { ok: false; problem: NoticeProblem } {
  const check = completionCheck(counterCase);
  if (check.blocking.some((b) => b.state === 'pending')) return { ok: false, problem: 'pulls_pending' };
  const outstanding = outstandingMaterials(counterCase, typeName);
  if (check.ok || outstanding.length === 0) return { ok: false, problem: 'nothing_missing' };
  const close = choice === 'close_correction';
  return { ok: true, plan: { choice, outstanding, caseStatus: close ? 'correction' : 'open', purgePulled: close, deletePaper: close, usageRecord: false } };
}

/** Whether a case is one for a notice rather than completion: something required is missing and nothing is still being pulled. */
export function noticeDue(counterCase: CounterCase): boolean {
  const check = completionCheck(counterCase);
  return !check.ok && check.blocking.every((b) => b.state !== 'pending');
}

// ---- The printed documents

/** What every printed document says about the case. */
export interface DocumentHead {
  /** The case number; the barcode (Code 128) and the QR code carry exactly this. */
  caseNo: string;
  caseNoForReading: string;
  matter: { code: string; name: string };
  /** The department that handles the matter. */
  department: string;
  /** The applicant, a citizen ID number masked to its first 6 and last 4 characters. */
  holder: { name: string; idType: Holder['idType']; idNumberMasked: string };
  operator: { id: string; name: string };
  workstationId: string;
  /** `YYYY-MM-DD HH:mm` in Asia/Shanghai: completion for a receipt, issue for a notice. */
  issuedAtText: string;
  /** A training case's document says it has no effect. */
  training: boolean;
  /** How the case was authorised (授权方式). */
  basis: CaseBasis;
}

/** The receipt (收件凭证) of a completed case. */
export interface ReceiptDocument extends DocumentHead {
  kind: 'receipt';
  lines: ReceiptLine[];
  counts: Record<MaterialOutcome, number>;
}

/** A material of a notice's case that is already satisfied (the applicant need not bring it again while the case stays open). */
export interface SatisfiedMaterial {
  materialId: string;
  name: string;
  outcome: 'exempt' | 'paper';
}

/** The 一次性告知书. */
export interface NoticeDocument extends DocumentHead {
  kind: 'notice';
  outstanding: OutstandingMaterial[];
  satisfied: SatisfiedMaterial[];
  /** Whether the case stays open for the missing materials or was closed as 补正. */
  choice: NoticeChoice;
}

/** A document the counter prints. */
export type PrintDocument = ReceiptDocument | NoticeDocument;

/** Who printed it and for which department (not in the case itself). */
export interface DocumentContext {
  department: string;
  operatorName: string;
}

/** The printed receipt of a completed case, from its receipt (counter-case buildReceipt). */
export function receiptDocument(receipt: Receipt, context: DocumentContext): ReceiptDocument {
  return {
    kind: 'receipt',
    caseNo: receipt.caseNo,
    caseNoForReading: receipt.caseNoForReading,
    matter: { ...receipt.matter },
    department: context.department,
    holder: { ...receipt.holder },
    operator: { id: receipt.operatorId, name: context.operatorName },
    workstationId: receipt.workstationId,
    issuedAtText: receipt.completedAtText,
    training: receipt.training,
    basis: receipt.basis,
    lines: receipt.lines.map((line) => ({ ...line })),
    counts: { ...receipt.counts },
  };
}

/** The 一次性告知书 of a case and the clerk's plan for it (see {@link planNotice}), issued at `issuedAt` (ISO). */
export function noticeDocument(counterCase: CounterCase, plan: NoticePlan, issuedAt: string, context: DocumentContext): NoticeDocument {
  const satisfied: SatisfiedMaterial[] = [];
  for (const material of counterCase.materials) {
    const { state } = materialState(material);
    if (state === 'exempt' || state === 'paper_scanned')
      satisfied.push({ materialId: material.material.id, name: material.material.name, outcome: state === 'exempt' ? 'exempt' : 'paper' });
  }
  return {
    kind: 'notice',
    caseNo: counterCase.caseNo,
    caseNoForReading: caseNumberForReading(counterCase.caseNo),
    matter: { code: counterCase.matter.code, name: counterCase.matter.name },
    department: context.department,
    holder: { name: counterCase.holder.name, idType: counterCase.holder.idType, idNumberMasked: maskHolderId(counterCase.holder) },
    operator: { id: counterCase.operatorId, name: context.operatorName },
    workstationId: counterCase.workstationId,
    issuedAtText: shanghaiDateTime(issuedAt, 'minute'),
    training: counterCase.training,
    basis: caseBasis(counterCase),
    outstanding: plan.outstanding.map((m) => ({ ...m, licenceTypes: [...m.licenceTypes] })),
    satisfied,
    choice: plan.choice,
  };
}
