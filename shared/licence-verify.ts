/**
 * Verification of one pulled licence (docs/architecture.md §5): every check
 * is reported separately with its evidence, and the outcome is exactly one of
 * {@link VERIFICATION_OUTCOMES}.
 *
 * Outcome precedence, first match wins:
 *
 * 1. `signature_invalid` — the issuer's signature fails, or the summary's metadata is not what
 *    was signed, or a disclosed field's digest is wrong or absent from the signed list, or the
 *    file's hash is not the signed one. Whatever the status says: nothing unsigned is shown
 *    as verified.
 * 2. `untrusted_issuer` — no verified trust list, or the signing key is unknown, not a
 *    `licence` key, not the licence issuer's, or outside its window both when the licence was
 *    issued and now (the signature could then not be checked, or was made by a key we do not
 *    trust). The payload carries no signing time: a key valid at issuance keeps an old
 *    licence valid after the issuer rotates keys, and a key valid now covers a licence issued
 *    on paper before the key existed and signed when it was collected into the library.
 * 3. `holder_mismatch` — the licence's holder ID is not the grant's holder.
 * 4. `revoked` (status `revoked` or `cancelled`: 注销/撤销/吊销), then `suspended` (暂扣),
 *    then `superseded` — the library's status, an explicit act, before the dates.
 * 5. `expired` (status `expired`, or today after `validTo`), then `not_yet_valid` (today
 *    before `validFrom`); dates are calendar dates in Asia/Shanghai, `validTo` null = long term.
 * 6. `valid`.
 *
 * `not_in_library` and `unavailable` come from the pull, before any licence is at hand
 * ({@link reportWithoutLicence}). Warnings (identifier check character, holder ID checksum,
 * a differing holder name, over- or under-disclosure, a status known only from an earlier
 * contact) never change the outcome; `unknown` (file not downloaded) neither.
 */
import { z } from 'zod';
import { canonicallyEqual } from './canonical-json';
import { isValidHolderId, licenceIdCheckOk } from './ids';
import { LICENCE_STATUSES, type Holder, type LicenceDetail, type LicenceStatus } from './library-api';
import { checkDisclosedFields, verifyLicenceSignature } from './licence-digest';
import { shanghaiDate } from './shanghai-time';
import { findTrustedKey, type KeyLookupProblem, type VerifiedTrustList } from './trust';

/** Every outcome of a verification, in no particular order. */
export const VERIFICATION_OUTCOMES = [
  'valid',
  'expired',
  'not_yet_valid',
  'revoked',
  'suspended',
  'superseded',
  'signature_invalid',
  'untrusted_issuer',
  'holder_mismatch',
  'not_in_library',
  'unavailable',
] as const;

/** The one outcome of a verification. */
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** The checks of a report, in the order they are reported. */
export const VERIFICATION_CHECKS = [
  'identifier_check_char',
  'holder_id_checksum',
  'holder_match',
  'issuer_key',
  'signature',
  'metadata',
  'field_digest',
  'disclosure',
  'file_hash',
  'validity_window',
  'status',
  'library',
] as const;

/** One kind of check. */
export type VerificationCheckName = (typeof VERIFICATION_CHECKS)[number];

/** The results a check can have. */
export const CHECK_RESULTS = ['pass', 'fail', 'warn', 'unknown'] as const;
/** The result of one check. */
export type CheckResult = (typeof CHECK_RESULTS)[number];

/**
 * Why a check did not pass, as a code (the evidence says it in English for the log). The
 * outcome is decided on it ({@link verifyLicence}); a screen that wants to say why in Chinese
 * turns the code into its own sentence, shared/ holds none.
 */
export const VERIFICATION_REASONS = [
  'identifier_check_char_mismatch',
  'holder_id_checksum_invalid',
  'holder_mismatch',
  'holder_name_differs',
  'trust_list_missing',
  'issuer_key_unknown_kid',
  'issuer_key_wrong_use',
  'issuer_key_wrong_owner',
  'issuer_key_not_yet_valid',
  'issuer_key_expired',
  'signature_invalid',
  'signature_unchecked',
  'metadata_mismatch',
  'field_digest_mismatch',
  'field_not_signed',
  'field_duplicate',
  'disclosure_extra',
  'disclosure_missing',
  'file_hash_mismatch',
  'file_not_downloaded',
  'not_yet_valid',
  'expired',
  'status_last_known',
  'status_suspended',
  'status_revoked',
  'status_cancelled',
  'status_expired',
  'status_superseded',
  'not_in_library',
  'unavailable',
] as const;
/** Why a check did not pass. */
export type VerificationReason = (typeof VERIFICATION_REASONS)[number];

// The list above names every key problem and every status but `valid`: a problem or a status
// added later fails to compile here until it has its reason.
type DerivedReasons = `issuer_key_${KeyLookupProblem}` | `status_${Exclude<LicenceStatus, 'valid'>}`;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const reasonsCoverKeysAndStatuses: Same<Extract<VerificationReason, `issuer_key_${string}` | `status_${string}`>, DerivedReasons | 'status_last_known'> = true;
void reasonsCoverKeysAndStatuses;

/**
 * One check of a report. This schema is the one declaration: the host contract carries it and
 * {@link VerificationCheck} is inferred from it.
 */
export const VerificationCheckSchema = z.object({
  check: z.enum(VERIFICATION_CHECKS),
  result: z.enum(CHECK_RESULTS),
  /** English, for the log: what was compared and what was found. */
  evidence: z.string(),
  /** Present on every result but `pass`. */
  reason: z.enum(VERIFICATION_REASONS).optional(),
  /** The face field a `field_digest` or `disclosure` check is about. */
  field: z.string().optional(),
});
/** One check of a report. */
export type VerificationCheck = z.infer<typeof VerificationCheckSchema>;

/** The status the verification used: live from the library, or the last one known. */
export const StatusObservationSchema = z.object({
  status: z.enum(LICENCE_STATUSES),
  /** ISO time the library reported it. */
  asOf: z.string(),
  /** False when the library could not be reached and this is the last known status. */
  live: z.boolean(),
});
/** The status the verification used. */
export type StatusObservation = z.infer<typeof StatusObservationSchema>;

/** A licence's verification report, as {@link verifyLicence} makes it and the host contract carries it. */
export const VerificationReportSchema = z.object({
  /** Null when no licence was at hand (not in library, unavailable). */
  licenceId: z.string().nullable(),
  outcome: z.enum(VERIFICATION_OUTCOMES),
  checks: z.array(VerificationCheckSchema),
  /** ISO time of the verification. */
  verifiedAt: z.string(),
  /** The status used, null when no licence was at hand. */
  status: StatusObservationSchema.nullable(),
});
/** A licence's verification report. */
export type VerificationReport = z.infer<typeof VerificationReportSchema>;

/** What the workstation knows about one disclosed face field: verified, failed, or not known. */
export const FIELD_VERIFICATIONS = ['pass', 'fail', 'unknown'] as const;
/** What the workstation knows about one disclosed face field. */
export type FieldVerification = (typeof FIELD_VERIFICATIONS)[number];

/**
 * Whether a disclosed face field counts as verified — the one rule for the host's marks and
 * for what the counter's viewer shows (已核验 / 未通过 / 未能核验):
 *
 * - `fail` when a digest check of the field failed (its value or salt does not match the signed
 *   digest, it is not in the signed list, or it was disclosed twice);
 * - `pass` only when every digest check of the field passed, the issuer's key is trusted, the
 *   signature over the digest list verifies, and nothing else in the signed data was found
 *   altered (the outcome is not `signature_invalid`): a digest matching a list that an untrusted
 *   key signed, or a list that came with altered metadata, another altered field or another
 *   file, proves nothing;
 * - `unknown` otherwise (no digest check for the field, or the licence not trusted).
 *
 * A revoked, expired or superseded licence's fields can still be `pass`: they are what the
 * issuer signed, and the outcome says the licence cannot be used.
 */
export function faceFieldVerification(report: Pick<VerificationReport, 'outcome' | 'checks'>, key: string): FieldVerification {
  const digests = report.checks.filter((c) => c.check === 'field_digest' && c.field === key);
  if (digests.some((c) => c.result === 'fail')) return 'fail';
  if (digests.length === 0 || digests.some((c) => c.result !== 'pass')) return 'unknown';
  const passed = (name: VerificationCheckName) => report.checks.some((c) => c.check === name && c.result === 'pass');
  return passed('issuer_key') && passed('signature') && report.outcome !== 'signature_invalid' && report.outcome !== 'untrusted_issuer' ? 'pass' : 'unknown';
}

/** What {@link verifyLicence} needs. */
export interface LicenceVerificationInput {
  /** `GET /licences/{id}` as parsed. */
  detail: LicenceDetail;
  /** The holder the grant is for. */
  grantHolder: Holder;
  /** The trust list whose root signature verified, or null when there is none. */
  trust: VerifiedTrustList | null;
  /** SM3 of the file bytes downloaded, or null when the file was not downloaded. */
  downloadedFileHash: string | null;
  now: Date;
  /** The material's face fields, to check that the library disclosed exactly those. */
  faceFields?: readonly string[];
  /** A status from `GET /licences/{id}/status`; by default the summary's, live at `now`. */
  status?: StatusObservation;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a text is a real calendar day `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

const METADATA_FIELDS = ['id', 'typeCode', 'number', 'holder', 'issuer', 'issuedAt', 'validFrom', 'validTo', 'version'] as const;

function check(name: VerificationCheckName, result: CheckResult, evidence: string, reason?: VerificationReason, field?: string): VerificationCheck {
  return { check: name, result, evidence, ...(reason ? { reason } : {}), ...(field === undefined ? {} : { field }) };
}

function holderChecks(detail: LicenceDetail, grantHolder: Holder, now: Date): VerificationCheck[] {
  const holder = detail.licence.holder;
  const checks: VerificationCheck[] = [];
  checks.push(
    isValidHolderId(holder.idType, holder.idNumber, now)
      ? check('holder_id_checksum', 'pass', `holder ID ${holder.idType}/${holder.idNumber} passes its checksum`)
      : check('holder_id_checksum', 'warn', `holder ID ${holder.idType}/${holder.idNumber} fails its checksum`, 'holder_id_checksum_invalid'),
  );
  const sameId = holder.idType === grantHolder.idType && holder.idNumber.toUpperCase() === grantHolder.idNumber.toUpperCase();
  if (!sameId) {
    checks.push(
      check(
        'holder_match',
        'fail',
        `licence holder ${holder.idType}/${holder.idNumber} is not the grant's holder ${grantHolder.idType}/${grantHolder.idNumber}`,
        'holder_mismatch',
      ),
    );
  } else if (holder.name.trim() !== grantHolder.name.trim()) {
    checks.push(
      check('holder_match', 'warn', `same holder ID, but name ${JSON.stringify(holder.name)} ≠ ${JSON.stringify(grantHolder.name)}`, 'holder_name_differs'),
    );
  } else {
    checks.push(check('holder_match', 'pass', `licence holder is the grant's holder ${grantHolder.idType}/${grantHolder.idNumber}`));
  }
  return checks;
}

function issuerAndSignatureChecks(detail: LicenceDetail, trust: VerifiedTrustList | null, now: Date): VerificationCheck[] {
  const { signed, licence } = detail;
  if (!trust) {
    return [
      check('issuer_key', 'unknown', 'no verified trust list on this workstation', 'trust_list_missing'),
      check('signature', 'unknown', `signature by ${signed.kid} not checked: no trusted key`, 'signature_unchecked'),
    ];
  }
  const requirement = { kid: signed.kid, use: 'licence' as const, ownerCode: licence.issuer.code };
  const atIssuance = findTrustedKey(trust, { ...requirement, at: new Date(licence.issuedAt) });
  const windowProblem = !atIssuance.ok && (atIssuance.problem === 'not_yet_valid' || atIssuance.problem === 'expired');
  const atNow = windowProblem ? findTrustedKey(trust, { ...requirement, at: now }) : null;
  const lookup = atNow?.ok ? atNow : atIssuance;
  const keyCheck = atIssuance.ok
    ? check('issuer_key', 'pass', `key ${signed.kid} is ${licence.issuer.code}'s licence key, valid at issuance ${licence.issuedAt}`)
    : atNow?.ok
      ? check(
          'issuer_key',
          'pass',
          `key ${signed.kid} is ${licence.issuer.code}'s licence key, valid now (not at issuance ${licence.issuedAt}: signed when collected)`,
        )
      : check(
          'issuer_key',
          'fail',
          `key ${signed.kid}: ${atIssuance.problem} (issuer ${licence.issuer.code}, issued ${licence.issuedAt})`,
          `issuer_key_${atIssuance.problem}`,
        );
  if (!lookup.key) return [keyCheck, check('signature', 'unknown', `signature by ${signed.kid} not checked: unknown key`, 'signature_unchecked')];
  const signatureCheck = verifyLicenceSignature(signed, lookup.key.publicKey)
    ? check('signature', 'pass', `SM2 signature by ${signed.kid} over the canonical signed payload verifies`)
    : check('signature', 'fail', `SM2 signature by ${signed.kid} over the canonical signed payload does not verify`, 'signature_invalid');
  return [keyCheck, signatureCheck];
}

function metadataCheck(detail: LicenceDetail): VerificationCheck {
  const payload = detail.signed.payload;
  const differing = METADATA_FIELDS.filter((field) => !canonicallyEqual(payload[field], detail.licence[field]));
  return differing.length === 0
    ? check('metadata', 'pass', `signed payload equals the summary in ${METADATA_FIELDS.join(', ')}`)
    : check('metadata', 'fail', `signed payload differs from the summary in ${differing.join(', ')}`, 'metadata_mismatch');
}

function fieldChecks(detail: LicenceDetail, faceFields: readonly string[] | undefined): VerificationCheck[] {
  const digests = detail.signed.payload.digests;
  const checks: VerificationCheck[] = [];
  const seen = new Set<string>();
  const results = checkDisclosedFields(detail.disclosed, digests);
  for (const { key, result } of results) {
    if (seen.has(key)) {
      checks.push(check('field_digest', 'fail', `field ${key} disclosed more than once`, 'field_duplicate', key));
      continue;
    }
    seen.add(key);
    if (result === 'ok') checks.push(check('field_digest', 'pass', `digest of field ${key} matches the signed list`, undefined, key));
    else if (result === 'not_signed') {
      checks.push(check('field_digest', 'fail', `field ${key} has no digest in the signed list`, 'field_not_signed', key));
    } else {
      checks.push(
        check('field_digest', 'fail', `digest of field ${key} (salt and value as disclosed) differs from the signed one`, 'field_digest_mismatch', key),
      );
    }
  }
  if (faceFields) {
    const wanted = new Set(faceFields);
    for (const key of seen) {
      if (!wanted.has(key)) {
        checks.push(check('disclosure', 'warn', `field ${key} disclosed but the material does not need it`, 'disclosure_extra', key));
      }
    }
    for (const key of faceFields) {
      if (!seen.has(key) && Object.prototype.hasOwnProperty.call(digests, key)) {
        checks.push(check('disclosure', 'warn', `field ${key} is signed and needed but not disclosed`, 'disclosure_missing', key));
      }
    }
    if (checks.every((c) => c.check !== 'disclosure')) {
      checks.push(check('disclosure', 'pass', `disclosed fields are exactly those the material needs that the licence has`));
    }
  }
  return checks;
}

function fileCheck(detail: LicenceDetail, downloaded: string | null): VerificationCheck {
  const signedHash = detail.signed.payload.fileHash;
  if (detail.file.hash !== signedHash) {
    return check('file_hash', 'fail', `file description hash ${detail.file.hash} ≠ signed fileHash ${signedHash}`, 'file_hash_mismatch');
  }
  if (downloaded === null) return check('file_hash', 'unknown', 'file not downloaded', 'file_not_downloaded');
  return downloaded.toLowerCase() === signedHash
    ? check('file_hash', 'pass', `SM3 of the downloaded file equals the signed fileHash ${signedHash}`)
    : check('file_hash', 'fail', `SM3 of the downloaded file ${downloaded} ≠ signed fileHash ${signedHash}`, 'file_hash_mismatch');
}

function windowCheck(detail: LicenceDetail, now: Date): VerificationCheck {
  const { validFrom, validTo } = detail.licence;
  const today = shanghaiDate(now);
  const range = `${validFrom} – ${validTo ?? 'long term'}`;
  if (today < validFrom) return check('validity_window', 'fail', `today ${today} (Asia/Shanghai) is before ${range}`, 'not_yet_valid');
  if (validTo !== null && today > validTo) return check('validity_window', 'fail', `today ${today} (Asia/Shanghai) is after ${range}`, 'expired');
  return check('validity_window', 'pass', `today ${today} (Asia/Shanghai) is within ${range}`);
}

function statusCheck(status: StatusObservation): VerificationCheck {
  const source = status.live ? `library, ${status.asOf}` : `last known at ${status.asOf}, library unreachable`;
  if (status.status !== 'valid') return check('status', 'fail', `status ${status.status} (${source})`, `status_${status.status}`);
  if (!status.live) return check('status', 'warn', `status valid (${source})`, 'status_last_known');
  return check('status', 'pass', `status valid (${source})`);
}

function outcomeOf(checks: readonly VerificationCheck[], status: StatusObservation): VerificationOutcome {
  const failed = (name: VerificationCheckName) => checks.some((c) => c.check === name && c.result === 'fail');
  const notPassed = (name: VerificationCheckName) => checks.some((c) => c.check === name && c.result !== 'pass');
  if (failed('signature') || failed('metadata') || failed('field_digest') || failed('file_hash')) return 'signature_invalid';
  if (notPassed('issuer_key') || notPassed('signature')) return 'untrusted_issuer';
  if (failed('holder_match')) return 'holder_mismatch';
  if (status.status === 'revoked' || status.status === 'cancelled') return 'revoked';
  if (status.status === 'suspended') return 'suspended';
  if (status.status === 'superseded') return 'superseded';
  const window = checks.find((c) => c.check === 'validity_window');
  if (status.status === 'expired' || window?.reason === 'expired') return 'expired';
  if (window?.reason === 'not_yet_valid') return 'not_yet_valid';
  return 'valid';
}

/**
 * Verifies one pulled licence: each check of docs/architecture.md §5.1 reported separately, and the
 * outcome by the precedence in the module doc. Pure and synchronous; the SM2 verification
 * uses `shared/sm`'s precomputed-key cache.
 */
export function verifyLicence(input: LicenceVerificationInput): VerificationReport {
  const { detail, now } = input;
  const status: StatusObservation = input.status ?? { status: detail.licence.status, asOf: now.toISOString(), live: true };
  const id = detail.licence.id;
  const checks: VerificationCheck[] = [
    licenceIdCheckOk(id)
      ? check('identifier_check_char', 'pass', `check character of ${id} is right (MOD 37,36)`)
      : check('identifier_check_char', 'warn', `check character of ${id} is wrong (MOD 37,36)`, 'identifier_check_char_mismatch'),
    ...holderChecks(detail, input.grantHolder, now),
    ...issuerAndSignatureChecks(detail, input.trust, now),
    metadataCheck(detail),
    ...fieldChecks(detail, input.faceFields),
    fileCheck(detail, input.downloadedFileHash),
    windowCheck(detail, now),
    statusCheck(status),
  ];
  return { licenceId: id, outcome: outcomeOf(checks, status), checks, verifiedAt: now.toISOString(), status };
}

/**
 * The report when no licence could be verified: `not_in_library` (the library has none of the
 * material's types for the holder, Art. 8 and 11 lag) or `unavailable` (the library could not
 * be reached). `evidence` says what happened, for the log.
 */
export function reportWithoutLicence(outcome: 'not_in_library' | 'unavailable', now: Date, evidence: string): VerificationReport {
  return {
    licenceId: null,
    outcome,
    checks: [check('library', outcome === 'unavailable' ? 'unknown' : 'fail', evidence, outcome)],
    verifiedAt: now.toISOString(),
    status: null,
  };
}
