import { faceFieldVerification, verifyLicence, type FieldVerification, type VerificationReport } from '../../shared/licence-verify';
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

/** A verification report and, per disclosed field, whether it counts as verified. */
export interface PulledLicenceVerification {
  report: VerificationReport;
  fieldResults: Map<string, FieldVerification>;
}

/** Verifies a pulled licence with shared/'s rules and marks each disclosed field by {@link faceFieldVerification}. */
export function verifyPulledLicence(input: PulledLicenceInput): PulledLicenceVerification {
  const report = verifyLicence({
    detail: input.detail,
    grantHolder: input.grantHolder,
    trust: input.trust,
    downloadedFileHash: input.downloadedFileHash,
    now: input.now,
    faceFields: input.faceFields,
  });
  const fieldResults = new Map(input.detail.disclosed.map((field) => [field.key, faceFieldVerification(report, field.key)]));
  return { report, fieldResults };
}
