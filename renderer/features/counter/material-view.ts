import type { PulledLicence } from '../../../shared/contract';
import { allowedPaperReasons, type CaseMaterial, type MaterialState } from '../../../shared/counter-case';
import type { PaperReason } from '../../../shared/library-api';
import { faceFieldVerification, type VerificationOutcome } from '../../../shared/licence-verify';

/** The tag colour of a material state: green only for a verified exemption or paper in hand. */
export function stateTone(state: MaterialState): 'success' | 'warning' | 'danger' | 'info' {
  switch (state.state) {
    case 'exempt':
    case 'paper_scanned':
      return 'success';
    case 'needs_paper':
      return 'warning';
    case 'failed':
      return 'danger';
    default:
      return 'info';
  }
}

/** The outcome whose advice the card shows: the failing licence's, or the state's own. */
export function adviceOutcome(state: MaterialState): VerificationOutcome | null {
  if (state.state === 'exempt') return 'valid';
  if (state.state === 'failed') {
    if (state.failure.kind === 'licence') return state.failure.outcome;
    return state.suggestedPaperReason === 'library_unreachable' ? 'unavailable' : null;
  }
  if (state.state === 'needs_paper' && state.why === 'not_in_library') return 'not_in_library';
  return null;
}

/**
 * The paper reason to preselect in the paper dialog. The library being unreachable comes first,
 * whether or not the holder has a phone: it is why this material is on paper, and the reason
 * under which Art. 11's catch-up checks it again. Then "no phone" for a holder without one.
 * `holderHasPhone` is whether the holder showed a 亮证码 — also when the library could not
 * redeem it, so no grant is not taken for no phone.
 */
export function defaultPaperReason(state: MaterialState, holderHasPhone: boolean): PaperReason {
  // What the library said of this material is why paper is needed, phone or not: an applicant
  // told on the screen that the library holds no such licence is not then recorded as having no
  // phone.
  const said = state.state === 'failed' || state.state === 'needs_paper' ? state.suggestedPaperReason : null;
  if (said === 'library_unreachable' || said === 'not_in_library' || said === 'verification_failed') return said;
  if (!holderHasPhone) return 'no_phone';
  // Paper for a verified licence is the applicant's own choice (Art. 22).
  if (state.state === 'exempt') return 'applicant_choice';
  return allowedPaperReasons(state)[0] ?? 'applicant_choice';
}

/**
 * A licence's face fields with their marks, each judged from the verification report by the
 * rule the host marks them with (shared/licence-verify.ts, faceFieldVerification), so that a
 * case opened before a change of the rule, or a host of another version, cannot show a field as
 * verified that the rule does not.
 */
export function displayedFields(licence: PulledLicence): PulledLicence['fields'] {
  return licence.fields.map((field) => ({ ...field, verified: faceFieldVerification(licence.report, field.key) }));
}

/** The query of the objection link: the licence and, when one face field failed, that field. */
export function objectionQuery(licence: PulledLicence | null, licenceId: string): Record<string, string> {
  const query: Record<string, string> = { licenceId };
  const failedField = licence?.report.checks.find((c) => c.check === 'field_digest' && c.result === 'fail') as { field?: string } | undefined;
  if (failedField?.field) query.field = failedField.field;
  return query;
}

/** The checks worth a line on the card: those that did not pass. */
export function notableChecks(licence: PulledLicence): { check: string; result: 'fail' | 'warn' | 'unknown' }[] {
  return licence.report.checks.filter((c): c is typeof c & { result: 'fail' | 'warn' | 'unknown' } => c.result !== 'pass');
}

/** The materials in the order the clerk works through them: what needs attention first. */
export function attentionOrder(materials: readonly CaseMaterial[], states: Record<string, MaterialState>): string[] {
  const rank: Record<MaterialState['state'], number> = { failed: 0, needs_paper: 1, pending: 2, paper_scanned: 3, exempt: 4 };
  return materials
    .map((m, index) => ({ id: m.material.id, index, rank: rank[states[m.material.id]?.state ?? 'pending'] }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((m) => m.id);
}
