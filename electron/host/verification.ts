import { verifyLicence, type VerificationReport } from '../../shared/licence-verify';
import type { Holder, LicenceDetail } from '../../shared/library-api';
import type { VerifiedTrustList } from '../../shared/trust';

/** What the host needs to verify one pulled licence. */
export interface PulledLicenceInput {
  detail: LicenceDetail;
  downloadedFileHash: string | null;
  trust: VerifiedTrustList;
  grantHolder: Holder;
  faceFields: readonly string[] | undefined;
  now: Date;
}

/** A verification report and, per disclosed field, whether its digest matched the signed list. */
export interface PulledLicenceVerification {
  report: VerificationReport;
  fieldResults: Map<string, 'pass' | 'fail' | 'unknown'>;
}

/**
 * Verifies a pulled licence with shared/'s pure rules (DESIGN.md 5) and derives each field's
 * mark for the viewer. A field is marked verified only when its own digest check passed and the
 * licence's signature check passed: a matching digest in a list whose signature fails proves
 * nothing, so nothing unverified looks verified.
 */
export function verifyPulledLicence(input: PulledLicenceInput): PulledLicenceVerification {
  const report = verifyLicence({
    detail: input.detail,
    grantHolder: input.grantHolder,
    trust: input.trust,
    downloadedFileHash: input.downloadedFileHash,
    now: input.now,
    faceFields: input.faceFields,
  });
  const signatureOk = report.checks.some((c) => c.check === 'signature' && c.result === 'pass');
  const fieldResults = new Map<string, 'pass' | 'fail' | 'unknown'>();
  for (const field of input.detail.disclosed) {
    const digest = report.checks.find((c) => c.check === 'field_digest' && c.field === field.key);
    if (!digest || digest.result === 'unknown') fieldResults.set(field.key, 'unknown');
    else if (digest.result !== 'pass') fieldResults.set(field.key, 'fail');
    else fieldResults.set(field.key, signatureOk ? 'pass' : 'unknown');
  }
  return { report, fieldResults };
}
