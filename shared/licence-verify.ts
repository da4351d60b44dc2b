/**
 * Verification of one pulled licence (DESIGN.md section 5, "Verification report"): every check
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
import { canonicallyEqual } from './canonical-json';
import { isValidHolderId, licenceIdCheckOk } from './ids';
import type { Holder, LicenceDetail, LicenceStatus } from './library-api';
import { checkDisclosedFields, verifyLicenceSignature } from './licence-digest';
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

/** The result of one check. */
export type CheckResult = 'pass' | 'fail' | 'warn' | 'unknown';

/** Why a check did not pass, as a key for a zh-CN sentence ({@link VERIFY_MESSAGES}). */
export type VerifyMessageKey =
  | 'identifier_check_char_mismatch'
  | 'holder_id_checksum_invalid'
  | 'holder_mismatch'
  | 'holder_name_differs'
  | 'trust_list_missing'
  | `issuer_key_${KeyLookupProblem}`
  | 'signature_invalid'
  | 'signature_unchecked'
  | 'metadata_mismatch'
  | 'field_digest_mismatch'
  | 'field_not_signed'
  | 'field_duplicate'
  | 'disclosure_extra'
  | 'disclosure_missing'
  | 'file_hash_mismatch'
  | 'file_not_downloaded'
  | 'not_yet_valid'
  | 'expired'
  | 'status_last_known'
  | `status_${Exclude<LicenceStatus, 'valid'>}`
  | 'not_in_library'
  | 'unavailable';

/** zh-CN sentences for the clerk, one per {@link VerifyMessageKey}; `{field}` and `{asOf}` are filled from `params`. */
export const VERIFY_MESSAGES: Record<VerifyMessageKey, string> = {
  identifier_check_char_mismatch: '证照标识的校验位不正确，请留意核对（不影响核验结论）。',
  holder_id_checksum_invalid: '证照上持证人证件号码的校验位不正确，可提出异议核查。',
  holder_mismatch: '证照持证人与本次授权的办事人不是同一人。',
  holder_name_differs: '证照上的持证人姓名与授权中的姓名不同，请核对。',
  trust_list_missing: '本机没有经过验证的信任列表，无法确认签发机构。',
  issuer_key_unknown_kid: '签名密钥不在信任列表中。',
  issuer_key_wrong_use: '签名密钥不是证照签发密钥。',
  issuer_key_wrong_owner: '签名密钥不属于该证照的签发机构。',
  issuer_key_not_yet_valid: '签发证照时签名密钥尚未生效。',
  issuer_key_expired: '签发证照时签名密钥已过期。',
  signature_invalid: '签发机构的签名验证失败，证照内容可能被篡改。',
  signature_unchecked: '无可信密钥，未能验证签名。',
  metadata_mismatch: '证照信息与签发机构签名的内容不一致。',
  field_digest_mismatch: '照面字段“{field}”与签名摘要不一致，内容可能被篡改。',
  field_not_signed: '照面字段“{field}”不在签名的摘要列表中。',
  field_duplicate: '照面字段“{field}”重复出现。',
  disclosure_extra: '证照库披露了本材料不需要的字段“{field}”。',
  disclosure_missing: '本材料需要的字段“{field}”未披露。',
  file_hash_mismatch: '证照文件与签名中的哈希不一致。',
  file_not_downloaded: '证照文件尚未下载，未校验文件哈希。',
  not_yet_valid: '证照尚未到有效期开始日期。',
  expired: '证照已超过有效期。',
  status_last_known: '当前无法连接证照库，此为 {asOf} 时的最后已知状态。',
  status_suspended: '证照已被暂扣。',
  status_revoked: '证照已被撤销或吊销。',
  status_cancelled: '证照已注销。',
  status_expired: '证照库标记该证照已过期。',
  status_superseded: '证照已被新版本替代，请调取最新版本。',
  not_in_library: '证照库中没有该办事人的此类证照，请收取纸质材料。',
  unavailable: '证照库暂时无法访问，可改用纸质材料。',
};

/** One check of a report. */
export interface VerificationCheck {
  check: VerificationCheckName;
  result: CheckResult;
  /** English, for the log: what was compared and what was found. */
  evidence: string;
  /** Present on every result but `pass`. */
  messageKey?: VerifyMessageKey;
  /** Values for the message's placeholders. */
  params?: Record<string, string>;
  /** The face field a `field_digest` or `disclosure` check is about. */
  field?: string;
}

/** The status the verification used: live from the library, or the last one known. */
export interface StatusObservation {
  status: LicenceStatus;
  /** ISO time the library reported it. */
  asOf: string;
  /** False when the library could not be reached and this is the last known status. */
  live: boolean;
}

/** A licence's verification report. */
export interface VerificationReport {
  /** Null when no licence was at hand (not in library, unavailable). */
  licenceId: string | null;
  outcome: VerificationOutcome;
  checks: VerificationCheck[];
  /** ISO time of the verification. */
  verifiedAt: string;
  /** The status used, null when no licence was at hand. */
  status: StatusObservation | null;
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

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date (`YYYY-MM-DD`) in Asia/Shanghai (UTC+8 all year, no daylight saving) at an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a text is a real calendar day `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

const METADATA_FIELDS = ['id', 'typeCode', 'number', 'holder', 'issuer', 'issuedAt', 'validFrom', 'validTo', 'version'] as const;

function check(
  name: VerificationCheckName,
  result: CheckResult,
  evidence: string,
  messageKey?: VerifyMessageKey,
  extra: Partial<Pick<VerificationCheck, 'params' | 'field'>> = {},
): VerificationCheck {
  return { check: name, result, evidence, ...(messageKey ? { messageKey } : {}), ...extra };
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
    checks.push(check('holder_match', 'warn', `same holder ID, but name ${JSON.stringify(holder.name)} ≠ ${JSON.stringify(grantHolder.name)}`, 'holder_name_differs'));
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
      ? check('issuer_key', 'pass', `key ${signed.kid} is ${licence.issuer.code}'s licence key, valid now (not at issuance ${licence.issuedAt}: signed when collected)`)
      : check('issuer_key', 'fail', `key ${signed.kid}: ${atIssuance.problem} (issuer ${licence.issuer.code}, issued ${licence.issuedAt})`, `issuer_key_${atIssuance.problem}`);
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
      checks.push(check('field_digest', 'fail', `field ${key} disclosed more than once`, 'field_duplicate', { field: key, params: { field: key } }));
      continue;
    }
    seen.add(key);
    if (result === 'ok') checks.push(check('field_digest', 'pass', `digest of field ${key} matches the signed list`, undefined, { field: key }));
    else if (result === 'not_signed') {
      checks.push(check('field_digest', 'fail', `field ${key} has no digest in the signed list`, 'field_not_signed', { field: key, params: { field: key } }));
    } else {
      checks.push(
        check('field_digest', 'fail', `digest of field ${key} (salt and value as disclosed) differs from the signed one`, 'field_digest_mismatch', {
          field: key,
          params: { field: key },
        }),
      );
    }
  }
  if (faceFields) {
    const wanted = new Set(faceFields);
    for (const key of seen) {
      if (!wanted.has(key)) {
        checks.push(check('disclosure', 'warn', `field ${key} disclosed but the material does not need it`, 'disclosure_extra', { field: key, params: { field: key } }));
      }
    }
    for (const key of faceFields) {
      if (!seen.has(key) && Object.prototype.hasOwnProperty.call(digests, key)) {
        checks.push(check('disclosure', 'warn', `field ${key} is signed and needed but not disclosed`, 'disclosure_missing', { field: key, params: { field: key } }));
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
  if (!status.live) return check('status', 'warn', `status valid (${source})`, 'status_last_known', { params: { asOf: status.asOf } });
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
  if (status.status === 'expired' || window?.messageKey === 'expired') return 'expired';
  if (window?.messageKey === 'not_yet_valid') return 'not_yet_valid';
  return 'valid';
}

/**
 * Verifies one pulled licence: each check of DESIGN.md section 5 reported separately, and the
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
