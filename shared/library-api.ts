/**
 * The library API, version 1 (docs/library-api.md), as zod schemas with their inferred types. The sandbox
 * validates requests with the request schemas (all `.strict()`: unknown fields are refused);
 * the workstation's library client parses every response with the response schemas.
 *
 * Response objects whose canonical JSON is signed (the trust list's keys, a licence's signed
 * payload) are loose: unknown fields are kept, so a signature over them still verifies.
 */
import { z } from 'zod';
import { isValidHolderId } from './ids';

/** Operator roles. */
export const ROLES = ['clerk', 'supervisor', 'objection_officer'] as const;
/** An operator role. */
export type Role = (typeof ROLES)[number];

/** Licence statuses the library reports. */
export const LICENCE_STATUSES = ['valid', 'suspended', 'revoked', 'cancelled', 'expired', 'superseded'] as const;
/** A licence status. */
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

/** Holder types of the issuance catalog (Art. 7). */
export const HOLDER_TYPES = ['natural_person', 'legal_person', 'unincorporated_org'] as const;
/** A catalog holder type. */
export type HolderType = (typeof HOLDER_TYPES)[number];

/** Standard levels of a licence type (Art. 7: national, municipal or district). */
export const STANDARD_LEVELS = ['national', 'municipal', 'district'] as const;
/** A standard level. */
export type StandardLevel = (typeof STANDARD_LEVELS)[number];

/** Matter scenarios: a government service or a social (private-sector) use (Art. 18). */
export const SCENARIOS = ['government', 'social'] as const;
/** A matter scenario. */
export type Scenario = (typeof SCENARIOS)[number];

/** Grant bases: the holder's token, or counter duty without one. */
export const GRANT_BASES = ['token', 'duty'] as const;
/** A grant basis. */
export type GrantBasis = (typeof GRANT_BASES)[number];

/** How a material of a case was satisfied. */
export const MATERIAL_OUTCOMES = ['exempt', 'paper', 'missing'] as const;
/** A material outcome. */
export type MaterialOutcome = (typeof MATERIAL_OUTCOMES)[number];

/** Why paper was taken instead of an e-licence. */
export const PAPER_REASONS = ['elderly', 'no_phone', 'not_in_library', 'verification_failed', 'library_unreachable', 'applicant_choice'] as const;
/** A paper reason. */
export type PaperReason = (typeof PAPER_REASONS)[number];

/** Dimensions of an objection (Art. 23). */
export const OBJECTION_DIMENSIONS = ['accuracy', 'completeness', 'timeliness'] as const;
/** An objection dimension. */
export type ObjectionDimension = (typeof OBJECTION_DIMENSIONS)[number];

/** States of an objection at its issuer. */
export const OBJECTION_STATUSES = ['received', 'processing', 'corrected', 'rejected'] as const;
/** An objection status. */
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** What a trust-list key is for. */
export const KEY_USES = ['licence', 'holder_token'] as const;
/** A key use. */
export type KeyUse = (typeof KEY_USES)[number];

/** Holder kinds the sandbox lists. */
export const HOLDER_KINDS = ['natural_person', 'legal_person'] as const;
/** A sandbox holder kind. */
export type HolderKind = (typeof HOLDER_KINDS)[number];

/** Holder ID types (GB/T 36903): `111` citizen ID number, `001` unified social credit code. */
export const HOLDER_ID_TYPES = ['111', '001'] as const;

/** Face field value types of the catalog. */
export const FACE_FIELD_TYPES = ['text', 'date', 'number'] as const;
/** A face field value type. */
export type FaceFieldType = (typeof FACE_FIELD_TYPES)[number];

/** Every error code with its HTTP status (docs/library-api.md §1). */
export const ERROR_HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SCOPE_DENIED: 403,
  NOT_FOUND: 404,
  TOKEN_USED: 409,
  CONFLICT: 409,
  TOKEN_EXPIRED: 410,
  TOKEN_INVALID: 400,
  UNAVAILABLE: 503,
  GRANT_INVALID: 403,
  TOO_LARGE: 413,
  INTERNAL: 500,
} as const;
/** An error code of the library API. */
export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;
/** Every error code. */
export const ERROR_CODES = Object.keys(ERROR_HTTP_STATUS) as ErrorCode[];

/** Largest decoded evidence item of an objection (5 MiB). */
export const MAX_EVIDENCE_ITEM_BYTES = 5 * 1024 * 1024;
/** Largest decoded evidence of one objection (20 MiB). */
export const MAX_EVIDENCE_TOTAL_BYTES = 20 * 1024 * 1024;
/** Longest `purpose` of a licence query. */
export const MAX_PURPOSE_LENGTH = 200;
/** Largest and default `ttlSeconds` of a sandbox holder token. */
export const MAX_TOKEN_TTL_SECONDS = 600;
/** Default lifetime of a sandbox holder token. */
export const DEFAULT_TOKEN_TTL_SECONDS = 300;

/** Pattern of a licence identifier (root, type code, issuer USCC, serial, version, check). */
export const LICENCE_ID_PATTERN = /^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]{1,40}\.\d{3}\.[0-9A-Z]$/;
/** Pattern of a holder ID number of either type (the check character is judged separately). */
export const HOLDER_ID_NUMBER_PATTERN = /^[0-9A-Z]{18}$/;
/** Pattern of a licence type code (the defining authority's USCC and a 3-digit sequence). */
export const TYPE_CODE_PATTERN = /^[0-9A-Z]{21}$/;
/** Pattern of the simple identifiers (matter codes, material ids, case numbers, grant ids, objection ids). */
export const SIMPLE_ID_PATTERN = /^[0-9A-Za-z][0-9A-Za-z_.:-]{0,63}$/;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// `Date.parse` is no judge: V8 reads 2026-02-30 as 2 March and 24:00 as the next midnight.
function isCalendarDay(year: string, month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(Number(year), m);
}

/** Whether a text is a real calendar day `YYYY-MM-DD` (no 2026-02-30, no month 13). */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  return match !== null && isCalendarDay(match[1]!, match[2]!, match[3]!);
}

/** Whether a text is a real ISO 8601 UTC time (`2026-11-26T02:00:00Z`, fractions accepted; no 24:00, no leap second). */
export function isIsoTime(text: string): boolean {
  const match = ISO_TIME.exec(text);
  return match !== null && isCalendarDay(match[1]!, match[2]!, match[3]!) && Number(match[4]) <= 23 && Number(match[5]) <= 59 && Number(match[6]) <= 59;
}

/** An ISO 8601 UTC time (`2026-11-26T02:00:00Z`, fractions accepted), a real instant of the calendar. */
export const IsoTime = z.string().refine(isIsoTime, 'invalid time');
/** A calendar date `YYYY-MM-DD` that exists. */
export const IsoDate = z.string().refine(isIsoDate, 'invalid date');
/** An SM3 hash or digest: 64 lowercase hex characters. */
export const HashHex = z.string().regex(/^[0-9a-f]{64}$/);
/** An SM2 signature: 128 lowercase hex characters (r‖s). */
export const SignatureHex = z.string().regex(/^[0-9a-f]{128}$/);
/** An SM2 public key: 130 lowercase hex characters (`04`‖x‖y). */
export const PublicKeyHex = z.string().regex(/^04[0-9a-f]{128}$/);
/** A licence identifier. */
export const LicenceId = z.string().regex(LICENCE_ID_PATTERN);
/** A licence type code. */
export const TypeCode = z.string().regex(TYPE_CODE_PATTERN);
/** A matter code, material id, case number, grant id or objection id. */
export const SimpleId = z.string().regex(SIMPLE_ID_PATTERN);
/** Any JSON value (a face field's value, an objection's recorded or claimed value). */
export const JsonValue = z.json();
/** A JSON value. */
export type JsonValue = z.infer<typeof JsonValue>;

/** A holder as the library reports it (shape only; the check character is the verifier's job). */
export const Holder = z.object({
  idType: z.enum(HOLDER_ID_TYPES),
  idNumber: z.string().regex(HOLDER_ID_NUMBER_PATTERN),
  name: z.string().min(1).max(100),
});
/** A holder reference. */
export type Holder = z.infer<typeof Holder>;

/** A holder in a request: strict, and its ID number must pass GB 11643 / GB 32100. */
export const HolderInput = z
  .object({
    idType: z.enum(HOLDER_ID_TYPES),
    idNumber: z.string().regex(HOLDER_ID_NUMBER_PATTERN),
    name: z.string().trim().min(1).max(100),
  })
  .strict()
  .refine((holder) => isValidHolderId(holder.idType, holder.idNumber), { message: 'invalid ID number', path: ['idNumber'] });

/** An organisation reference (issuer, defining authority, key owner). */
export const Organisation = z.object({ code: z.string().min(1).max(64), name: z.string().min(1).max(200) });
/** An organisation reference. */
export type Organisation = z.infer<typeof Organisation>;

/** The error body of every failed call. */
export const ErrorBody = z.object({
  error: z.object({ code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]), message: z.string() }),
});
/** The error body. */
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- Sign-in

/** `POST /sessions` request. */
export const SignInRequest = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
    workstationId: z.string().min(1).max(64),
  })
  .strict();
/** `POST /sessions` request. */
export type SignInRequest = z.infer<typeof SignInRequest>;

/** A signed-in operator. */
export const Operator = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  role: z.enum(ROLES),
  unitCode: z.string().min(1),
  unitName: z.string().min(1),
});
/** A signed-in operator. */
export type Operator = z.infer<typeof Operator>;

/** `POST /sessions` response (201). */
export const SignInResponse = z.object({ token: z.string().min(1), expiresAt: IsoTime, operator: Operator });
/** `POST /sessions` response. */
export type SignInResponse = z.infer<typeof SignInResponse>;

// ---- Catalog and usage lists

/** A face field of a licence type. */
export const FaceField = z.object({ key: z.string().min(1), label: z.string().min(1), type: z.enum(FACE_FIELD_TYPES) });
/** A face field of a licence type. */
export type FaceField = z.infer<typeof FaceField>;

/** A licence type of the issuance catalog (Art. 7). */
export const LicenceType = z.object({
  code: TypeCode,
  name: z.string().min(1),
  definingAuthority: z.object({ code: z.string().min(1), name: z.string().min(1), level: z.enum(STANDARD_LEVELS) }),
  issuers: z.array(Organisation),
  holderType: z.enum(HOLDER_TYPES),
  collectedSince: IsoDate,
  public: z.boolean(),
  standardLevel: z.enum(STANDARD_LEVELS),
  template: z.string().min(1),
  validity: z.string().regex(/^(\d+[YMD]|long)$/),
  faceFields: z.array(FaceField),
});
/** A licence type of the issuance catalog. */
export type LicenceType = z.infer<typeof LicenceType>;

/** `GET /catalog` response. */
export const CatalogResponse = z.object({ version: z.string().min(1), types: z.array(LicenceType) });
/** `GET /catalog` response. */
export type CatalogResponse = z.infer<typeof CatalogResponse>;

/** A material of a matter's usage list. */
export const Material = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  required: z.boolean(),
  licenceTypes: z.array(TypeCode),
  faceFields: z.array(z.string().min(1)),
});
/** A material of a usage list. */
export type Material = z.infer<typeof Material>;

/** A matter (事项) with its usage list (用证清单). */
export const Matter = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  department: z.string().min(1),
  scenario: z.enum(SCENARIOS),
  materials: z.array(Material),
});
/** A matter with its usage list. */
export type Matter = z.infer<typeof Matter>;

/** `GET /matters` response. */
export const MattersResponse = z.object({ version: z.string().min(1), matters: z.array(Matter) });
/** `GET /matters` response. */
export type MattersResponse = z.infer<typeof MattersResponse>;

// ---- Trust

/** A key of the trust list. Loose: the root signature covers every field it carries. */
export const TrustKey = z.looseObject({
  kid: z.string().min(1),
  owner: Organisation,
  use: z.enum(KEY_USES),
  publicKey: PublicKeyHex,
  notBefore: IsoTime,
  notAfter: IsoTime,
});
/** A key of the trust list. */
export type TrustKey = z.infer<typeof TrustKey>;

/** `GET /trust` response: the trust list, signed by the library root key. */
export const TrustList = z.object({
  issuedAt: IsoTime,
  keys: z.array(TrustKey),
  rootKid: z.string().min(1),
  signature: SignatureHex,
});
/** The trust list. */
export type TrustList = z.infer<typeof TrustList>;

/** `GET /trust/root` response: the root key a deployment pins. */
export const TrustRoot = z.object({ kid: z.string().min(1), publicKey: PublicKeyHex });
/** The library root key. */
export type TrustRoot = z.infer<typeof TrustRoot>;

// ---- The holder's token

/** A token scope: every type (`"*"`) or a list of type codes. */
export const TokenScope = z.union([z.literal('*'), z.array(TypeCode).min(1).max(100)]);
/** A token scope. */
export type TokenScope = z.infer<typeof TokenScope>;

/** The payload of a 亮证 token (strict: an unknown field makes the token malformed). */
export const TokenPayload = z
  .object({
    v: z.literal(1),
    kid: z.string().min(1).max(128),
    holder: Holder.strict(),
    scope: TokenScope,
    iat: z.int().nonnegative(),
    exp: z.int().nonnegative(),
    jti: z.string().min(1).max(128),
  })
  .strict();
/** The payload of a 亮证 token. */
export type TokenPayload = z.infer<typeof TokenPayload>;

// ---- Grants

/** `POST /authorizations/redeem` request. */
export const RedeemRequest = z.object({ token: z.string().min(1).max(4096), matterCode: SimpleId, caseNo: SimpleId }).strict();
/** `POST /authorizations/redeem` request. */
export type RedeemRequest = z.infer<typeof RedeemRequest>;

/** `POST /authorizations/duty` request. */
export const DutyRequest = z.object({ holder: HolderInput, matterCode: SimpleId, caseNo: SimpleId, reason: z.string().trim().min(1).max(500) }).strict();
/** `POST /authorizations/duty` request. */
export type DutyRequest = z.infer<typeof DutyRequest>;

/** A grant: the right to pull one holder's licences for one case of one matter. */
export const Grant = z.object({
  grantId: z.string().min(1),
  holder: Holder,
  matterCode: z.string().min(1),
  caseNo: z.string().min(1),
  basis: z.enum(GRANT_BASES),
  expiresAt: IsoTime,
});
/** A grant. */
export type Grant = z.infer<typeof Grant>;

// ---- Licences

/** A licence summary. */
export const LicenceSummary = z.object({
  id: LicenceId,
  typeCode: TypeCode,
  typeName: z.string().min(1),
  number: z.string().min(1),
  holder: Holder,
  issuer: Organisation,
  issuedAt: IsoTime,
  validFrom: IsoDate,
  validTo: IsoDate.nullable(),
  status: z.enum(LICENCE_STATUSES),
  version: z.string().regex(/^\d{3}$/),
});
/** A licence summary. */
export type LicenceSummary = z.infer<typeof LicenceSummary>;

/** `POST /licences/query` request. */
export const LicenceQueryRequest = z
  .object({
    grantId: SimpleId,
    matterCode: SimpleId,
    materialId: SimpleId,
    purpose: z.string().trim().min(1).max(MAX_PURPOSE_LENGTH),
    typeCode: TypeCode.optional(),
  })
  .strict();
/** `POST /licences/query` request. */
export type LicenceQueryRequest = z.infer<typeof LicenceQueryRequest>;

/** `POST /licences/query` response. */
export const LicenceQueryResponse = z.object({ licences: z.array(LicenceSummary) });
/** `POST /licences/query` response. */
export type LicenceQueryResponse = z.infer<typeof LicenceQueryResponse>;

/** The query string of `GET /licences/{id}`, `/file` and `/status`. */
export const LicenceAccessQuery = z.object({ grantId: SimpleId, matterCode: SimpleId, materialId: SimpleId }).strict();
/** The query string of the licence reads. */
export type LicenceAccessQuery = z.infer<typeof LicenceAccessQuery>;

/** A disclosed face field with its salt. */
export const DisclosedField = z.object({ key: z.string().min(1), value: JsonValue, salt: z.string().min(1) });
/** A disclosed face field. */
export type DisclosedField = z.infer<typeof DisclosedField>;

/** The payload an issuer signs (loose: the signature covers every field it carries). */
export const SignedLicencePayload = z.looseObject({
  id: LicenceId,
  typeCode: TypeCode,
  number: z.string().min(1),
  holder: Holder,
  issuer: Organisation,
  issuedAt: IsoTime,
  validFrom: IsoDate,
  validTo: IsoDate.nullable(),
  version: z.string().regex(/^\d{3}$/),
  fileHash: HashHex,
  digests: z.record(z.string().min(1), HashHex),
});
/** The payload an issuer signs. */
export type SignedLicencePayload = z.infer<typeof SignedLicencePayload>;

/** A licence's signed digest list. */
export const SignedLicence = z.object({ kid: z.string().min(1), payload: SignedLicencePayload, signature: SignatureHex });
/** A licence's signed digest list. */
export type SignedLicence = z.infer<typeof SignedLicence>;

/** A licence file's description. */
export const LicenceFile = z.object({ contentType: z.string().min(1), size: z.int().nonnegative(), hash: HashHex });
/** A licence file's description. */
export type LicenceFile = z.infer<typeof LicenceFile>;

/** `GET /licences/{id}` response. */
export const LicenceDetail = z.object({
  licence: LicenceSummary,
  disclosed: z.array(DisclosedField),
  signed: SignedLicence,
  file: LicenceFile,
});
/** `GET /licences/{id}` response. */
export type LicenceDetail = z.infer<typeof LicenceDetail>;

/** `GET /licences/{id}/status` response. */
export const LicenceStatusResponse = z.object({
  status: z.enum(LICENCE_STATUSES),
  changedAt: IsoTime,
  supersededBy: LicenceId.nullable(),
});
/** `GET /licences/{id}/status` response. */
export type LicenceStatusResponse = z.infer<typeof LicenceStatusResponse>;

// ---- Usage records

/** One material's outcome in a usage record: exempt needs the licence, paper needs its reason. */
export const UsageMaterial = z
  .object({
    materialId: SimpleId,
    outcome: z.enum(MATERIAL_OUTCOMES),
    licenceId: LicenceId.nullable(),
    paperReason: z.enum(PAPER_REASONS).nullable(),
  })
  .strict()
  .refine((material) => material.outcome !== 'exempt' || material.licenceId !== null, {
    message: 'an exempt material names its licence',
    path: ['licenceId'],
  })
  .refine((material) => material.outcome !== 'paper' || material.paperReason !== null, {
    message: 'a paper material names its reason',
    path: ['paperReason'],
  });
/** One material's outcome in a usage record. */
export type UsageMaterial = z.infer<typeof UsageMaterial>;

/** `POST /usage-records` request (Art. 26: the full-process log of one case). */
export const UsageRecordRequest = z
  .object({
    caseNo: SimpleId,
    matterCode: SimpleId,
    grantId: SimpleId.nullable(),
    holder: HolderInput,
    operatorId: z.string().min(1).max(64),
    workstationId: z.string().min(1).max(64),
    completedAt: IsoTime,
    training: z.boolean(),
    materials: z.array(UsageMaterial).min(1).max(50),
  })
  .strict();
/** `POST /usage-records` request. */
export type UsageRecordRequest = z.infer<typeof UsageRecordRequest>;

/** `POST /usage-records` response (201). */
export const UsageRecordResponse = z.object({ id: z.string().min(1) });
/** `POST /usage-records` response. */
export type UsageRecordResponse = z.infer<typeof UsageRecordResponse>;

// ---- Objections

/** An evidence item of an objection; `data` is base64 of at most 5 MiB. */
export const EvidenceItem = z
  .object({
    name: z.string().min(1).max(255),
    contentType: z
      .string()
      .regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i)
      .max(100),
    data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
  })
  .strict();
/** An evidence item of an objection. */
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** A contested field of an objection. */
export const ObjectionField = z.object({ key: z.string().min(1).max(64), recorded: JsonValue, claimed: JsonValue }).strict();
/** A contested field. */
export type ObjectionField = z.infer<typeof ObjectionField>;

/** `POST /objections` request (Art. 23). */
export const ObjectionRequest = z
  .object({
    id: SimpleId,
    licenceId: LicenceId,
    dimension: z.enum(OBJECTION_DIMENSIONS),
    fields: z.array(ObjectionField).max(50),
    description: z.string().trim().min(1).max(2000),
    filedBy: z.object({ operatorId: z.string().min(1).max(64), role: z.enum(ROLES) }).strict(),
    holder: HolderInput.optional(),
    filedAt: IsoTime,
    evidence: z.array(EvidenceItem).max(20),
  })
  .strict();
/** `POST /objections` request. */
export type ObjectionRequest = z.infer<typeof ObjectionRequest>;

/** `POST /objections` response (201). */
export const ObjectionReceipt = z.object({
  id: z.string().min(1),
  status: z.literal('received'),
  issuer: Organisation,
  receivedAt: IsoTime,
});
/** `POST /objections` response. */
export type ObjectionReceipt = z.infer<typeof ObjectionReceipt>;

/** The issuer's decision on an objection. */
export const ObjectionResult = z.object({ note: z.string(), at: IsoTime, newLicenceId: LicenceId.nullable() });
/** The issuer's decision on an objection. */
export type ObjectionResult = z.infer<typeof ObjectionResult>;

/** An objection's state as `GET /objections` reports it. */
export const ObjectionState = z.object({
  id: z.string().min(1),
  status: z.enum(OBJECTION_STATUSES),
  issuer: Organisation,
  result: ObjectionResult.nullable(),
  updatedAt: IsoTime,
});
/** An objection's state. */
export type ObjectionState = z.infer<typeof ObjectionState>;

/** `GET /objections` response. */
export const ObjectionListResponse = z.object({ objections: z.array(ObjectionState) });
/** `GET /objections` response. */
export type ObjectionListResponse = z.infer<typeof ObjectionListResponse>;

// ---- Sandbox only

/** A holder the sandbox lists. */
export const SandboxHolder = z.object({
  idType: z.enum(HOLDER_ID_TYPES),
  idNumber: z.string().regex(HOLDER_ID_NUMBER_PATTERN),
  name: z.string().min(1),
  kind: z.enum(HOLDER_KINDS),
  note: z.string().nullable(),
});
/** A sandbox holder. */
export type SandboxHolder = z.infer<typeof SandboxHolder>;

/** `GET /_sandbox/holders` response. */
export const SandboxHoldersResponse = z.array(SandboxHolder);
/** `GET /_sandbox/holders` response. */
export type SandboxHoldersResponse = z.infer<typeof SandboxHoldersResponse>;

/** `POST /_sandbox/holders/{idNumber}/token` request. */
export const SandboxTokenRequest = z.object({ ttlSeconds: z.int().min(1).max(MAX_TOKEN_TTL_SECONDS).optional(), scope: TokenScope.optional() }).strict();
/** `POST /_sandbox/holders/{idNumber}/token` request. */
export type SandboxTokenRequest = z.infer<typeof SandboxTokenRequest>;

/** `POST /_sandbox/holders/{idNumber}/token` response. */
export const SandboxTokenResponse = z.object({ token: z.string().min(1) });
/** `POST /_sandbox/holders/{idNumber}/token` response. */
export type SandboxTokenResponse = z.infer<typeof SandboxTokenResponse>;

/** `POST /_sandbox/objections/{id}/resolve` request: the issuer's answer. */
export const ResolveObjectionRequest = z.object({ outcome: z.enum(['corrected', 'rejected']), note: z.string().trim().min(1).max(500) }).strict();
/** `POST /_sandbox/objections/{id}/resolve` request. */
export type ResolveObjectionRequest = z.infer<typeof ResolveObjectionRequest>;

/** `POST /_sandbox/licences/{id}/status` request. */
export const SetLicenceStatusRequest = z.object({ status: z.enum(LICENCE_STATUSES) }).strict();
/** `POST /_sandbox/licences/{id}/status` request. */
export type SetLicenceStatusRequest = z.infer<typeof SetLicenceStatusRequest>;

/** `POST /_sandbox/faults` request; omitted fields keep their value. */
export const FaultsRequest = z
  .object({
    latencyMs: z.int().min(0).max(60_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    down: z.boolean().optional(),
  })
  .strict();
/** `POST /_sandbox/faults` request. */
export type FaultsRequest = z.infer<typeof FaultsRequest>;

/** `GET|POST /_sandbox/faults` response: the faults in force. */
export const FaultsState = z.object({ latencyMs: z.int().min(0), errorRate: z.number().min(0).max(1), down: z.boolean() });
/** The faults in force. */
export type FaultsState = z.infer<typeof FaultsState>;

/** `POST /_sandbox/reset` response. */
export const ResetResponse = z.object({ resetAt: IsoTime });
/** `POST /_sandbox/reset` response. */
export type ResetResponse = z.infer<typeof ResetResponse>;

/** A usage record as the sandbox received it. */
export const ReceivedUsageRecord = z.object({
  id: z.string().min(1),
  receivedAt: IsoTime,
  caseNo: z.string(),
  matterCode: z.string(),
  grantId: z.string().nullable(),
  holder: Holder,
  operatorId: z.string(),
  workstationId: z.string(),
  completedAt: IsoTime,
  training: z.boolean(),
  materials: z.array(
    z.object({
      materialId: z.string(),
      outcome: z.enum(MATERIAL_OUTCOMES),
      licenceId: LicenceId.nullable(),
      paperReason: z.enum(PAPER_REASONS).nullable(),
    }),
  ),
});
/** A usage record as the sandbox received it. */
export type ReceivedUsageRecord = z.infer<typeof ReceivedUsageRecord>;

/** `GET /_sandbox/usage-records` response. */
export const SandboxUsageRecordsResponse = z.object({ usageRecords: z.array(ReceivedUsageRecord) });
/** `GET /_sandbox/usage-records` response. */
export type SandboxUsageRecordsResponse = z.infer<typeof SandboxUsageRecordsResponse>;

/** `GET /_sandbox/grants` response: every grant issued since the last reset, oldest first, with its token scope. */
export const SandboxGrantsResponse = z.object({
  /** Each grant with the token's scope and the id of the operator who took it (the only one who may use it). */
  grants: z.array(Grant.extend({ scope: TokenScope, operatorId: z.string().min(1) })),
});
/** `GET /_sandbox/grants` response. */
export type SandboxGrantsResponse = z.infer<typeof SandboxGrantsResponse>;

/** A filed objection as the sandbox holds it: the request as filed, with its state. */
export const FiledObjection = z.object({
  id: z.string().min(1),
  licenceId: LicenceId,
  dimension: z.enum(OBJECTION_DIMENSIONS),
  fields: z.array(z.object({ key: z.string(), recorded: JsonValue, claimed: JsonValue })),
  description: z.string(),
  filedBy: z.object({ operatorId: z.string(), role: z.enum(ROLES) }),
  holder: Holder.nullable(),
  filedAt: IsoTime,
  evidence: z.array(z.object({ name: z.string(), contentType: z.string(), data: z.string() })),
  status: z.enum(OBJECTION_STATUSES),
  issuer: Organisation,
  receivedAt: IsoTime,
  updatedAt: IsoTime,
  result: ObjectionResult.nullable(),
});
/** A filed objection as the sandbox holds it. */
export type FiledObjection = z.infer<typeof FiledObjection>;

/** `GET /_sandbox/objections` response. */
export const SandboxObjectionsResponse = z.object({ objections: z.array(FiledObjection) });
/** `GET /_sandbox/objections` response. */
export type SandboxObjectionsResponse = z.infer<typeof SandboxObjectionsResponse>;
