import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateSm2KeyPair, sm2Sign, sm2Verify } from '../../shared/sm';
import { PublicKeyHex } from '../../shared/library-api';
import { jsonTextTooDeep } from '../../shared/json-depth';
import {
  EnrolResponse,
  HALL_HEADERS,
  HALL_ROUTES,
  HallErrorBody,
  buildHallPath,
  enrolmentProofText,
  keyFingerprint,
  normalizeEnrolmentCode,
  requestSigningText,
  responseSigningText,
  type HallErrorCode,
  type HallRequestInput,
  type HallResponse,
  type HallRouteName,
} from '../../shared/hall-api';
import type { Role } from '../../shared/library-api';
import { writeFileAtomic } from './atomic-file';

/** The hall this workstation is enrolled with, as pinned. */
export interface HallEnrolment {
  /** The address it was enrolled at. */
  url: string;
  /** The id the hall knows this workstation by. */
  workstationId: string;
  hallId: string;
  hallName: string;
  /** The hall's SM2 public key: every answer must be signed with it. */
  hallPublicKey: string;
  /** Its fingerprint, for a supervisor to compare with what `npm run hall -- enrol` printed. */
  hallFingerprint: string;
  enrolledAt: string;
  /** True for the enrolment with the hall this process embeds (made by the host itself at start). */
  embedded?: boolean;
}

/** Why a hall call failed: the hall's own code, or what went wrong on the way. */
export type HallCallErrorCode =
  | HallErrorCode
  /** The hall could not be reached (network), or did not answer in time (`details.timedOut`). */
  | 'HALL_UNREACHABLE'
  /** An answer was unsigned or its signature did not verify with the pinned key: nothing of it is used. */
  | 'HALL_SIGNATURE_INVALID'
  /** An answer did not have the protocol's shape. */
  | 'HALL_PROTOCOL_ERROR'
  /** The enrolment answer did not prove that the hall knows the code (a machine in between?). */
  | 'ENROLMENT_PROOF_INVALID'
  /** No enrolment yet. */
  | 'NOT_ENROLLED';

/** A failed hall call. */
export class HallCallError extends Error {
  constructor(
    readonly code: HallCallErrorCode,
    message: string,
    /** The HTTP status, when the hall answered. */
    readonly status: number | null = null,
    /** What the hall said beside its code (e.g. the highest sequence it holds). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const KeyFile = z.object({
  version: z.literal(1),
  privateKey: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: PublicKeyHex,
  enrolment: z
    .object({
      url: z.string(),
      workstationId: z.string(),
      hallId: z.string(),
      hallName: z.string(),
      hallPublicKey: PublicKeyHex,
      hallFingerprint: z.string(),
      enrolledAt: z.string(),
      embedded: z.boolean().optional(),
    })
    .nullable(),
});
type KeyFile = z.infer<typeof KeyFile>;

/** Options of a hall client. */
export interface HallClientOptions {
  /** The host's data folder: the key pair and the pinned hall key are kept in `hall.json` there. */
  dataDir: string;
  /** The hall's address, e.g. `http://10.20.0.5:8790`. */
  url: string;
  now?: () => Date;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const sm3 = (bytes: Buffer | string): string => createHash('sm3').update(bytes).digest('hex');

/**
 * The host's side of the hall protocol (shared/hall-api). It makes the workstation's SM2 key
 * pair once and keeps it in the host's data folder (never in the renderer), enrols with a
 * one-time code and pins the hall's key, signs every request, and believes no answer that is
 * not signed with the pinned key: an unsigned or badly signed answer is an error, whatever it says.
 */
export class HallClient {
  /** The file in the data folder. */
  static readonly FILE = 'hall.json';

  private state: KeyFile;
  private readonly file: string;
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HallClientOptions) {
    this.file = join(options.dataDir, HallClient.FILE);
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetch = options.fetch ?? fetch;
    const loaded = this.load();
    if (loaded) this.state = loaded;
    else {
      const pair = generateSm2KeyPair();
      this.state = { version: 1, privateKey: pair.privateKey, publicKey: pair.publicKey, enrolment: null };
      this.save();
    }
  }

  /** The hall's address this client calls. */
  get url(): string {
    return this.options.url.replace(/\/+$/, '');
  }

  /** This workstation's public key. */
  get publicKey(): string {
    return this.state.publicKey;
  }

  /** This workstation's key fingerprint (what the hall's list of workstations shows). */
  get fingerprint(): string {
    return keyFingerprint(this.state.publicKey);
  }

  /** The pinned enrolment, or null. */
  get enrolment(): HallEnrolment | null {
    return this.state.enrolment;
  }

  /**
   * Enrols with a one-time code: the request carries this workstation's id and public key and
   * is signed with that key; the answer must be signed with the hall key it carries and prove
   * that the hall knows the code. Only then is that key pinned (and a former enrolment replaced).
   */
  async enrol(workstationId: string, code: string, options: { embedded?: boolean } = {}): Promise<HallEnrolment> {
    if (normalizeEnrolmentCode(code) === null) throw new HallCallError('ENROLMENT_CODE_INVALID', '登记码格式不正确：应为 16 位字母和数字（可带短横线）。');
    const input = { code, workstationId, publicKey: this.state.publicKey };
    const answer = await this.exchange('enrol', input, workstationId, null, (body) => {
      const parsed = EnrolResponse.safeParse(body);
      return parsed.success ? parsed.data.hallPublicKey : null;
    });
    const response = answer as z.infer<typeof EnrolResponse>;
    const proof = createHmac('sm3', normalizeEnrolmentCode(code)!)
      .update(enrolmentProofText(response.hallPublicKey, workstationId, this.state.publicKey))
      .digest('hex');
    if (proof !== response.proof || response.workstationId !== workstationId) {
      throw new HallCallError('ENROLMENT_PROOF_INVALID', '大厅服务器的应答未能证明其知道该登记码，已拒绝登记；请核对大厅地址。');
    }
    const enrolment: HallEnrolment = {
      url: this.url,
      workstationId,
      hallId: response.hallId,
      hallName: response.hallName,
      hallPublicKey: response.hallPublicKey,
      hallFingerprint: keyFingerprint(response.hallPublicKey),
      enrolledAt: response.enrolledAt,
      ...(options.embedded ? { embedded: true } : {}),
    };
    this.state = { ...this.state, enrolment };
    this.save();
    return enrolment;
  }

  /** Forgets the enrolment (the key pair stays): the next hall needs a new code. */
  forgetEnrolment(): void {
    this.state = { ...this.state, enrolment: null };
    this.save();
  }

  /**
   * Makes a call of the route table, signed; for a supervision call, `operator` is the
   * signed-in operator the host relays for. Resolves with the answer parsed against the
   * route's response schema; rejects with a {@link HallCallError}.
   */
  async call<K extends Exclude<HallRouteName, 'enrol'>>(
    name: K,
    input: HallRequestInput<K>,
    operator: { id: string; role: Role } | null = null,
    /** A longer wait for a long call (verifying a chain of millions of events). */
    options: { timeoutMs?: number } = {},
  ): Promise<HallResponse<K>> {
    const enrolment = this.state.enrolment;
    if (!enrolment) throw new HallCallError('NOT_ENROLLED', '本工作台尚未在大厅服务器登记，请值班长在设置中输入大厅地址和登记码。');
    return (await this.exchange(
      name,
      input as Record<string, unknown>,
      enrolment.workstationId,
      operator,
      () => enrolment.hallPublicKey,
      options.timeoutMs,
    )) as HallResponse<K>;
  }

  private async exchange(
    name: HallRouteName,
    input: Record<string, unknown>,
    workstationId: string,
    operator: { id: string; role: Role } | null,
    /** The key the answer must be signed with, given its parsed body (null: none, so the answer is refused). */
    hallKeyFor: (body: unknown) => string | null,
    timeoutMs = this.timeoutMs,
  ): Promise<unknown> {
    const spec = HALL_ROUTES[name];
    const checked = spec.request.safeParse(input);
    if (!checked.success)
      throw new HallCallError('BAD_REQUEST', '发往大厅服务器的请求不符合接口要求。', null, { path: checked.error.issues[0]?.path.join('.') ?? '' });
    const { path, body } = buildHallPath(spec, checked.data as Record<string, unknown>);
    const bodyBytes = body === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const time = this.now().toISOString();
    const nonce = randomBytes(16).toString('hex');
    const signature = sm2Sign(
      requestSigningText({
        method: spec.method,
        path,
        bodyDigest: sm3(bodyBytes),
        time,
        nonce,
        workstationId,
        operatorId: operator?.id ?? null,
        role: operator?.role ?? null,
      }),
      this.state.privateKey,
      this.state.publicKey,
    );
    const headers: Record<string, string> = {
      accept: 'application/json',
      [HALL_HEADERS.workstation]: workstationId,
      [HALL_HEADERS.time]: time,
      [HALL_HEADERS.nonce]: nonce,
      [HALL_HEADERS.signature]: signature,
    };
    if (operator) {
      headers[HALL_HEADERS.operator] = operator.id;
      headers[HALL_HEADERS.role] = operator.role;
    }
    if (body !== null) headers['content-type'] = 'application/json';
    // An address that does not parse is no hall to wait for: said as such, never as "unreachable".
    let target: URL;
    try {
      target = new URL(`${this.url}${path}`);
    } catch {
      throw new HallCallError('BAD_REQUEST', `大厅地址无效：${this.url}。请核对大厅地址（如 http://10.20.0.5:8790）。`, null, { path: 'url' });
    }
    let status: number;
    let answerBytes: Buffer;
    let answerTime: string | null;
    let answerSignature: string | null;
    try {
      const response = await this.fetch(target.href, {
        method: spec.method,
        headers,
        body: body === null ? undefined : bodyBytes,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      answerBytes = Buffer.from(await response.arrayBuffer());
      answerTime = response.headers.get(HALL_HEADERS.time);
      answerSignature = response.headers.get(HALL_HEADERS.signature);
    } catch (error) {
      // A hall that did not answer within the wait is told apart from one that could not be
      // reached at all: a slow hall is not an absent one (shared/hall-reach.ts).
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
      throw new HallCallError('HALL_UNREACHABLE', '暂时无法连接大厅服务器，本机照常办理，稍后会自动补传。', null, timedOut ? { timedOut: true } : undefined);
    }
    let parsed: unknown;
    try {
      const text = answerBytes.toString('utf8');
      if (jsonTextTooDeep(text)) throw new Error('too deep');
      parsed = JSON.parse(text);
    } catch {
      throw new HallCallError('HALL_PROTOCOL_ERROR', '大厅服务器的应答不是有效的 JSON。', status);
    }
    // An enrolment refused (a wrong code, say) comes before any key is pinned: there is nothing to
    // check its signature against, and nothing is pinned from it either.
    const firstContactRefusal = name === 'enrol' && status >= 400;
    const hallKey = hallKeyFor(parsed);
    const signed =
      firstContactRefusal ||
      (hallKey !== null &&
        answerTime !== null &&
        answerSignature !== null &&
        sm2Verify(responseSigningText({ status, requestNonce: nonce, bodyDigest: sm3(answerBytes), time: answerTime }), answerSignature, hallKey));
    if (!signed) throw new HallCallError('HALL_SIGNATURE_INVALID', '大厅服务器的应答签名校验未通过，已忽略该应答；请核对大厅地址或重新登记。', status);
    if (status >= 400) {
      const error = HallErrorBody.safeParse(parsed);
      if (!error.success) throw new HallCallError('HALL_PROTOCOL_ERROR', '大厅服务器返回了无法识别的错误。', status);
      throw new HallCallError(error.data.error.code, error.data.error.message, status, error.data.error.details);
    }
    const value = spec.response.safeParse(parsed);
    if (!value.success) throw new HallCallError('HALL_PROTOCOL_ERROR', '大厅服务器的应答不符合接口约定。', status);
    return value.data;
  }

  private load(): KeyFile | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    // A damaged key file is not silently replaced: a new key would be a different workstation to the hall.
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Reported below as not a key file.
    }
    const parsed = KeyFile.safeParse(json);
    if (!parsed.success) throw new Error(`${this.file} is not a hall key file; move it aside to make a new key (and enrol again)`);
    return parsed.data;
  }

  private save(): void {
    // Owner-only: the private key never leaves the host's data folder.
    writeFileAtomic(this.file, `${JSON.stringify(this.state, null, 2)}\n`, 0o600);
  }
}
