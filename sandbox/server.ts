/**
 * The sandbox's request handling: every call of docs/library-api.md, the sandbox-only ones included, over the
 * store. Routing works on decoded path segments, each checked against a strict pattern
 * before any lookup, so an encoded `../` is a 400, never a file or a 500.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import { canonicalJson } from '../shared/canonical-json';
import { escapeHtml } from '../shared/encoding';
import { buildLicenceId, isValidHolderId } from '../shared/ids';
import { fieldDigests, signLicencePayload, signTrustList } from '../shared/licence-digest';
import {
  DEFAULT_TOKEN_TTL_SECONDS,
  DutyRequest,
  FaultsRequest,
  HOLDER_ID_NUMBER_PATTERN,
  IsoTime,
  LICENCE_ID_PATTERN,
  LicenceAccessQuery,
  LicenceQueryRequest,
  MAX_EVIDENCE_ITEM_BYTES,
  MAX_EVIDENCE_TOTAL_BYTES,
  MAX_TOKEN_TTL_SECONDS,
  ObjectionRequest,
  RedeemRequest,
  ResolveObjectionRequest,
  SandboxTokenRequest,
  SetLicenceStatusRequest,
  SignInRequest,
  SIMPLE_ID_PATTERN,
  UsageRecordRequest,
  type CatalogResponse,
  type FaultsState,
  type FiledObjection,
  type Grant,
  type Holder,
  type JsonValue,
  type LicenceDetail,
  type LicenceStatus,
  type LicenceSummary,
  type Material,
  type Matter,
  type MattersResponse,
  type ObjectionState,
  type SignedLicencePayload,
  type TokenPayload,
  type TokenScope,
  type TrustList,
} from '../shared/library-api';
import { shanghaiTimeOfDay } from '../shared/shanghai-time';
import { sm3Hex } from '../shared/sm';
import { signToken, verifyToken } from '../shared/token';
import { buildCatalog, buildMatters, typeByTypeCode } from './catalog';
import { ApiError, BODY_LIMIT, OBJECTION_BODY_LIMIT, parseJsonBody, readBody, sendError, sendJson, validate } from './http';
import { PLATFORM_KID, ROOT_KID } from './keys';
import type { SeedLicence } from './people';
import { REFERENCE_DATE } from './people';
import { renderLicencePdf } from './pdf';
import type { LicenceRow, OperatorRow, Store } from './store';

const SESSION_HOURS = 8;
const GRANT_HOURS = 2;
const TRUST_NOT_BEFORE = '2024-01-01T00:00:00Z';
const TRUST_NOT_AFTER = '2034-12-31T23:59:59Z';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const PULL_LOG_LIMIT = 10_000;

/** One licence call with its pull context, as `GET /_sandbox/pull-log` lists it. */
interface PullLogEntry {
  at: string;
  call: string;
  operatorId: string;
  role: string;
  workstationId: string | null;
  caseNo: string | null;
  purpose: string | null;
  grantId: string | null;
  matterCode: string | null;
  materialId: string | null;
}

/** Everything the handlers share. */
export interface SandboxContext {
  store: Store;
  now: () => Date;
  log: (line: string) => void;
}

interface StoredGrant extends Grant {
  scope: TokenScope;
  /** The operator who redeemed or requested it: the only one who may use it (docs/library-api.md §7, GRANT_INVALID). */
  operatorId: string;
}

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  segments: string[];
  query: URLSearchParams;
  /**
   * The call as routed, whatever its spelling: the method and the decoded, non-empty segments
   * (`/usage-records/`, `//usage-records` and `/usage%2Drecords` are one route). Idempotent
   * results are keyed on this, never on the raw path.
   */
  route: string;
}

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function later(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * 3_600_000);
}

function notFound(what = '请求的资源'): ApiError {
  return new ApiError('NOT_FOUND', `${what}不存在，请核对后重试`);
}

/** The sandbox application: a request handler over one store. */
export class SandboxApp {
  private readonly ctx: SandboxContext;
  private readonly catalog: CatalogResponse;
  private readonly matters: MattersResponse;
  private readonly matterByCode: Map<string, Matter>;
  private readonly catalogBody: string;
  private readonly mattersBody: string;
  private readonly trust: TrustList;
  private readonly materialising = new Map<string, Promise<MaterialisedLicence>>();
  private faults: FaultsState = { latencyMs: 0, errorRate: 0, down: false };
  /** The pull context of recent licence calls (Art. 26), newest last; kept in memory only. */
  private pullLog: PullLogEntry[] = [];
  /** Every `POST /usage-records` call that reached the library, a replay included (what a stored record cannot show). */
  private usageRecordCalls: { at: string; idempotencyKey: string | null }[] = [];

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
    this.catalog = buildCatalog();
    this.matters = buildMatters();
    this.matterByCode = new Map(this.matters.matters.map((matter) => [matter.code, matter]));
    this.catalogBody = JSON.stringify(this.catalog);
    this.mattersBody = JSON.stringify(this.matters);
    const root = this.key(ROOT_KID);
    this.trust = signTrustList(
      {
        issuedAt: `${REFERENCE_DATE}T00:00:00Z`,
        keys: ctx.store.keys
          .filter((key) => key.trusted && key.use !== 'root')
          .map((key) => ({
            kid: key.kid,
            owner: { code: key.ownerCode, name: key.ownerName },
            use: key.use as 'licence' | 'holder_token',
            publicKey: key.publicKey,
            notBefore: TRUST_NOT_BEFORE,
            notAfter: TRUST_NOT_AFTER,
          })),
        rootKid: ROOT_KID,
      },
      root.privateKey,
      root.publicKey,
    );
  }

  /** The root public key the sandbox signs its trust list with (what `GET /trust/root` publishes). */
  get rootKey(): { kid: string; publicKey: string } {
    return { kid: ROOT_KID, publicKey: this.key(ROOT_KID).publicKey };
  }

  private key(kid: string): { privateKey: string; publicKey: string } {
    const key = this.ctx.store.keys.find((item) => item.kid === kid);
    if (!key) throw new Error(`missing key ${kid}`);
    return key;
  }

  /** Handles one request; never lets an exception escape as anything but a 500 INTERNAL. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      if (error instanceof ApiError) {
        sendError(res, error, error.code === 'TOO_LARGE' ? { Connection: 'close' } : {});
      } else {
        this.ctx.log(`sandbox: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) sendError(res, new ApiError('INTERNAL', '电子证照库内部错误，请稍后重试'));
      }
    } finally {
      if (!req.complete) req.resume();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHostAndOrigin(req);
    const raw = req.url ?? '/';
    const queryAt = raw.indexOf('?');
    const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
    let segments: string[];
    try {
      segments = path
        .split('/')
        .filter((part) => part !== '')
        .map((part) => decodeURIComponent(part));
    } catch {
      throw new ApiError('BAD_REQUEST', '请求地址含有无效的编码');
    }
    const query = new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1));
    const method = req.method ?? 'GET';
    const r: Request = { req, res, method, path, segments, query, route: `${method} /${segments.map(encodeURIComponent).join('/')}` };

    if (segments[0] === '_sandbox' && segments[1] === 'phone' && segments.length === 3 && r.method === 'GET') return this.phonePage(r, segments[2]!);
    if (segments[0] !== 'api' || segments[1] !== 'v1') throw notFound('接口');
    const rest = segments.slice(2);
    if (rest[0] === '_sandbox') return this.sandboxRoute(r, rest.slice(1));
    await this.applyFaults();
    return this.apiRoute(r, rest);
  }

  private async applyFaults(): Promise<void> {
    const unavailable = new ApiError('UNAVAILABLE', '电子证照库暂时无法访问，请稍后重试或改用纸质材料');
    if (this.faults.down) throw unavailable;
    if (this.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.latencyMs));
    if (this.faults.errorRate > 0 && Math.random() < this.faults.errorRate) throw unavailable;
  }

  // ---- routing

  private async apiRoute(r: Request, rest: string[]): Promise<void> {
    const [first, second, third] = rest;
    const route = `${r.method} ${rest.length === 0 ? '' : first}`;
    // A session's token is a credential: never kept as an idempotent result (a repeat signs in again).
    if (rest.length === 1 && route === 'POST sessions') return this.post(r, BODY_LIMIT, (body) => this.signIn(body), false);
    if (rest.length === 1 && route === 'GET trust') return sendJson(r.res, 200, this.trust);
    if (rest.length === 2 && route === 'GET trust' && second === 'root') return sendJson(r.res, 200, this.rootKey);

    const known =
      (rest.length === 1 && ['GET catalog', 'GET matters', 'POST usage-records', 'POST objections', 'GET objections'].includes(route)) ||
      (rest.length === 2 && first === 'authorizations' && r.method === 'POST' && (second === 'redeem' || second === 'duty')) ||
      (first === 'licences' &&
        ((rest.length === 2 && (second === 'query' ? r.method === 'POST' : r.method === 'GET')) ||
          (rest.length === 3 && r.method === 'GET' && (third === 'file' || third === 'status'))));
    if (!known) throw notFound('接口');

    const operator = this.authenticate(r.req);
    if ((first === 'authorizations' || first === 'licences') && operator.role !== 'clerk' && operator.role !== 'supervisor') {
      throw new ApiError('FORBIDDEN', '当前岗位无权调取证照，请由窗口人员或值班长办理');
    }
    if (first === 'licences' && second !== 'query') this.logPull(r, operator, rest, null);
    if (route === 'GET catalog') return this.sendVersioned(r, this.catalogBody);
    if (route === 'GET matters') return this.sendVersioned(r, this.mattersBody);
    if (route === 'POST usage-records') {
      const key = r.req.headers['idempotency-key'];
      this.usageRecordCalls.push({ at: isoSeconds(this.ctx.now()), idempotencyKey: typeof key === 'string' && key.length <= 128 ? key : null });
      if (this.usageRecordCalls.length > PULL_LOG_LIMIT) this.usageRecordCalls.splice(0, this.usageRecordCalls.length - PULL_LOG_LIMIT);
      return this.post(r, BODY_LIMIT, (body) => this.usageRecord(body));
    }
    if (route === 'POST objections') return this.fileObjection(r);
    if (route === 'GET objections') return sendJson(r.res, 200, { objections: this.listObjections(r.query) });
    if (first === 'authorizations') return this.post(r, BODY_LIMIT, (body) => (second === 'redeem' ? this.redeem(body, operator) : this.duty(body, operator)));
    if (second === 'query') {
      return this.post(r, BODY_LIMIT, (body) => {
        const result = this.query(body, operator);
        this.logPull(r, operator, rest, body as Record<string, unknown>);
        return result;
      });
    }
    const id = checkLicenceId(second!);
    if (third === 'file') return this.licenceFile(r, id, operator);
    if (third === 'status') return sendJson(r.res, 200, this.licenceStatus(r, id, operator));
    return sendJson(r.res, 200, await this.licenceDetail(r, id, operator));
  }

  private async sandboxRoute(r: Request, rest: string[]): Promise<void> {
    const [first, second, third] = rest;
    if (r.method === 'GET' && rest.length === 1 && first === 'holders') {
      return sendJson(
        r.res,
        200,
        this.ctx.store.holders().map(({ idType, idNumber, name, kind, note }) => ({ idType, idNumber, name, kind, note })),
      );
    }
    if (r.method === 'POST' && rest.length === 3 && first === 'holders' && third === 'token') {
      const holderId = checkHolderIdNumber(second!);
      // Like a phone refreshing its code, a repeat mints a fresh token: a token is never kept as an idempotent result.
      return this.post(r, BODY_LIMIT, (body) => ({ status: 200, body: { token: this.mintToken(holderId, validate(SandboxTokenRequest, body ?? {})) } }), false);
    }
    if (r.method === 'POST' && rest.length === 3 && first === 'objections' && third === 'resolve') {
      const id = checkSimpleId(second!, '异议编号');
      return this.post(r, BODY_LIMIT, (body) => ({ status: 200, body: this.resolveObjection(id, validate(ResolveObjectionRequest, body)) }));
    }
    if (r.method === 'POST' && rest.length === 3 && first === 'licences' && third === 'status') {
      const id = checkLicenceId(second!);
      return this.post(r, BODY_LIMIT, (body) => ({ status: 200, body: this.setStatus(id, validate(SetLicenceStatusRequest, body).status) }));
    }
    if (rest.length === 1 && first === 'faults' && r.method === 'GET') return sendJson(r.res, 200, this.faults);
    if (rest.length === 1 && first === 'faults' && r.method === 'POST') {
      return this.post(r, BODY_LIMIT, (body) => {
        const change = validate(FaultsRequest, body ?? {});
        this.faults = { ...this.faults, ...change };
        return { status: 200, body: this.faults };
      });
    }
    if (rest.length === 1 && first === 'reset' && r.method === 'POST') {
      return this.post(
        r,
        BODY_LIMIT,
        () => {
          this.ctx.store.reset();
          this.faults = { latencyMs: 0, errorRate: 0, down: false };
          this.pullLog = [];
          this.usageRecordCalls = [];
          return { status: 200, body: { resetAt: isoSeconds(this.ctx.now()) } };
        },
        false,
      );
    }
    if (rest.length === 1 && first === 'pull-log' && r.method === 'GET') return sendJson(r.res, 200, { pulls: this.pullLog });
    if (rest.length === 1 && first === 'usage-records' && r.method === 'GET') return sendJson(r.res, 200, { usageRecords: this.ctx.store.usageRecords() });
    if (rest.length === 1 && first === 'usage-record-calls' && r.method === 'GET') return sendJson(r.res, 200, { calls: this.usageRecordCalls });
    if (rest.length === 1 && first === 'grants' && r.method === 'GET') return sendJson(r.res, 200, { grants: this.ctx.store.grants() });
    if (rest.length === 1 && first === 'objections' && r.method === 'GET')
      return sendJson(r.res, 200, { objections: this.ctx.store.objections<FiledObjection>() });
    throw notFound('接口');
  }

  // The pull context (docs/library-api.md §8): what the bodies carry (grant, matter,
  // material, purpose), the operator behind the token, and the case and workstation the
  // workstation sends as X-Case-No and X-Workstation-Id headers.
  private logPull(r: Request, operator: OperatorRow, rest: string[], body: Record<string, unknown> | null): void {
    const header = (name: string) => {
      const value = r.req.headers[name];
      return typeof value === 'string' && value.length <= 200 ? value : null;
    };
    const fromBody = (key: string) => (body && typeof body[key] === 'string' ? (body[key] as string) : null);
    let purpose = fromBody('purpose') ?? header('x-purpose');
    if (purpose !== null && !body) {
      try {
        purpose = decodeURIComponent(purpose);
      } catch {
        purpose = null;
      }
    }
    this.pullLog.push({
      at: isoSeconds(this.ctx.now()),
      call: `${r.method} /${rest.join('/')}`,
      operatorId: operator.id,
      role: operator.role,
      workstationId: header('x-workstation-id'),
      caseNo: header('x-case-no'),
      purpose,
      grantId: fromBody('grantId') ?? r.query.get('grantId'),
      matterCode: fromBody('matterCode') ?? r.query.get('matterCode'),
      materialId: fromBody('materialId') ?? r.query.get('materialId'),
    });
    if (this.pullLog.length > PULL_LOG_LIMIT) this.pullLog.splice(0, this.pullLog.length - PULL_LOG_LIMIT);
  }

  /**
   * Reads, parses and runs a POST, honouring Idempotency-Key, scoped to the normalised route
   * (`r.route`). The body is kept only as the SM3 of its canonical JSON, enough to tell a replay
   * from another request under the same key without keeping what it carried (a redeemed token,
   * a holder's data). Calls that hand out a credential pass `idempotent = false`. `run` is
   * synchronous for every call that changes state, so that the idempotency check and the stored
   * result cannot interleave with another request; only sign-in awaits (its hashing).
   */
  private async post(
    r: Request,
    limit: number,
    run: (body: unknown) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>,
    idempotent = true,
  ): Promise<void> {
    const body = parseJsonBody(r.req, await readBody(r.req, limit));
    const key = r.req.headers['idempotency-key'];
    if (idempotent && key !== undefined) {
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) throw new ApiError('BAD_REQUEST', 'Idempotency-Key 格式无效（1–128 个可见 ASCII 字符）');
      const bodyHash = sm3Hex(canonicalJson(body ?? null));
      const prior = this.ctx.store.idempotent(r.route, key);
      if (prior) {
        if (prior.bodyHash !== bodyHash) throw new ApiError('CONFLICT', '同一幂等键已用于内容不同的请求，请更换幂等键');
        return sendJson(r.res, 200, JSON.parse(prior.response) as unknown);
      }
      const ran = run(body);
      const result = ran instanceof Promise ? await ran : ran;
      if (result.status >= 200 && result.status < 300) this.ctx.store.saveIdempotent(r.route, key, bodyHash, JSON.stringify(result.body));
      return sendJson(r.res, result.status, result.body);
    }
    const ran = run(body);
    const result = ran instanceof Promise ? await ran : ran;
    return sendJson(r.res, result.status, result.body);
  }

  private sendVersioned(r: Request, body: string): void {
    const etag = `"${sm3Hex(body).slice(0, 32)}"`;
    const match = r.req.headers['if-none-match'];
    if (
      match !== undefined &&
      match
        .split(',')
        .map((item) => item.trim().replace(/^W\//, ''))
        .some((item) => item === etag || item === '*')
    ) {
      r.res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
      r.res.end();
      return;
    }
    r.res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      ETag: etag,
      'Cache-Control': 'no-cache',
    });
    r.res.end(body);
  }

  private authenticate(req: IncomingMessage): OperatorRow {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header);
    const operator = match ? this.ctx.store.sessionOperator(match[1]!, isoSeconds(this.ctx.now())) : null;
    if (!operator) throw new ApiError('UNAUTHENTICATED', '登录已失效或未登录，请重新登录');
    return operator;
  }

  // ---- sign-in

  private async signIn(body: unknown): Promise<{ status: number; body: unknown }> {
    const request = validate(SignInRequest, body);
    const operator = await this.ctx.store.checkPassword(request.username, request.password);
    if (!operator) throw new ApiError('UNAUTHENTICATED', '用户名或密码错误，请重新输入');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = isoSeconds(later(this.ctx.now(), SESSION_HOURS));
    this.ctx.store.createSession(token, operator.username, request.workstationId, expiresAt);
    const { id, name, role, unitCode, unitName } = operator;
    return { status: 201, body: { token, expiresAt, operator: { id, name, role, unitCode, unitName } } };
  }

  // ---- grants

  private matter(code: string): Matter {
    const matter = this.matterByCode.get(code);
    if (!matter) throw notFound(`事项 ${code} `);
    return matter;
  }

  private newGrant(
    holder: Holder,
    matterCode: string,
    caseNo: string,
    basis: Grant['basis'],
    scope: TokenScope,
    operator: OperatorRow,
  ): { status: number; body: Grant } {
    const grant: StoredGrant = {
      grantId: `G${randomBytes(12).toString('hex')}`,
      holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
      matterCode,
      caseNo,
      basis,
      expiresAt: isoSeconds(later(this.ctx.now(), GRANT_HOURS)),
      scope,
      operatorId: operator.id,
    };
    this.ctx.store.saveGrant(grant.grantId, grant);
    const { scope: _scope, operatorId: _operatorId, ...body } = grant;
    return { status: 201, body };
  }

  private redeem(body: unknown, operator: OperatorRow): { status: number; body: Grant } {
    const request = validate(RedeemRequest, body);
    this.matter(request.matterCode);
    const tokenKeys = new Map(this.trust.keys.filter((key) => key.use === 'holder_token').map((key) => [key.kid, key.publicKey]));
    const verdict = verifyToken(request.token, (kid) => tokenKeys.get(kid), this.ctx.now());
    if (!verdict.ok) {
      if (verdict.reason === 'expired') throw new ApiError('TOKEN_EXPIRED', '亮证码已过期，请持证人刷新亮证码后重新扫描');
      if (verdict.reason === 'too_long_lived') throw new ApiError('TOKEN_INVALID', '亮证码的有效期超过规定的 10 分钟，不能使用，请持证人刷新亮证码后重新出示');
      throw new ApiError('TOKEN_INVALID', '亮证码无效（格式或签名不正确），请持证人重新出示亮证码');
    }
    if (!this.ctx.store.useToken(verdict.value.jti, isoSeconds(this.ctx.now()))) {
      throw new ApiError('TOKEN_USED', '该亮证码已使用过，请持证人刷新亮证码后重新扫描');
    }
    return this.newGrant(verdict.value.holder, request.matterCode, request.caseNo, 'token', verdict.value.scope, operator);
  }

  private duty(body: unknown, operator: OperatorRow): { status: number; body: Grant } {
    const request = validate(DutyRequest, body);
    const matter = this.matter(request.matterCode);
    if (matter.scenario !== 'government') throw new ApiError('FORBIDDEN', '社会化应用事项不能依职能授权，请持证人出示亮证码');
    return this.newGrant(request.holder, request.matterCode, request.caseNo, 'duty', '*', operator);
  }

  /** Checks a grant against its operator, a matter and a material; returns what it may reach. */
  private authorize(
    operator: OperatorRow,
    grantId: string,
    matterCode: string,
    materialId: string,
    typeCode?: string,
  ): { grant: StoredGrant; material: Material; types: string[] } {
    const grant = this.ctx.store.grant<StoredGrant>(grantId);
    if (!grant || grant.expiresAt <= isoSeconds(this.ctx.now())) throw new ApiError('GRANT_INVALID', '授权不存在或已过期，请重新扫描亮证码或重新授权');
    // A grant is the holder's consent to the operator who took it, for that case: another
    // operator (another window, another unit) cannot pull with it. A grant stored before the
    // operator was recorded has no owner and is refused alike.
    if (grant.operatorId !== operator.id) throw new ApiError('GRANT_INVALID', '该授权由其他工作人员取得，不能使用；请重新扫描亮证码或重新授权');
    const matter = this.matter(matterCode);
    if (grant.matterCode !== matterCode) throw new ApiError('SCOPE_DENIED', `该授权仅限事项 ${grant.matterCode} 使用，不能调取其他事项的证照`);
    const material = matter.materials.find((item) => item.id === materialId);
    if (!material) throw new ApiError('SCOPE_DENIED', '该材料不在本事项的用证清单中，不能调取');
    if (typeCode !== undefined && !material.licenceTypes.includes(typeCode)) throw new ApiError('SCOPE_DENIED', '该证照类型不在本材料的用证清单中，不能调取');
    const scope = grant.scope;
    const types = material.licenceTypes.filter((code) => (typeCode === undefined || code === typeCode) && (scope === '*' || scope.includes(code)));
    if (types.length === 0) throw new ApiError('SCOPE_DENIED', '持证人的亮证授权不包含该类证照，请持证人重新授权');
    return { grant, material, types };
  }

  // ---- licences

  private effectiveStatus(licence: LicenceRow): { status: LicenceStatus; changedAt: string } {
    const today = isoSeconds(this.ctx.now()).slice(0, 10);
    if (licence.status === 'valid' && licence.validTo !== null && licence.validTo < today) {
      return { status: 'expired', changedAt: `${licence.validTo}T16:00:00Z` };
    }
    return { status: licence.status, changedAt: licence.statusChangedAt };
  }

  private holderOf(licence: SeedLicence): Holder {
    const holder = this.ctx.store.holder(licence.holderId);
    if (!holder) throw new Error(`licence ${licence.id} without holder`);
    return { idType: holder.idType, idNumber: holder.idNumber, name: holder.name };
  }

  private summary(licence: LicenceRow): LicenceSummary {
    return {
      id: licence.id,
      typeCode: licence.typeCode,
      typeName: typeByTypeCode(licence.typeCode)?.name ?? licence.typeCode,
      number: licence.number,
      holder: this.holderOf(licence),
      issuer: { code: licence.issuerCode, name: licence.issuerName },
      issuedAt: licence.issuedAt,
      validFrom: licence.validFrom,
      validTo: licence.validTo,
      status: this.effectiveStatus(licence).status,
      version: licence.version,
    };
  }

  private query(body: unknown, operator: OperatorRow): { status: number; body: unknown } {
    const request = validate(LicenceQueryRequest, body);
    const { grant, types } = this.authorize(operator, request.grantId, request.matterCode, request.materialId, request.typeCode);
    const licences = this.ctx.store.licencesOf(grant.holder.idNumber).filter((licence) => types.includes(licence.typeCode));
    return { status: 200, body: { licences: licences.map((licence) => this.summary(licence)) } };
  }

  /** The licence a read may reach: the grant's holder's, of a type the material and scope allow. */
  private reachable(r: Request, id: string, operator: OperatorRow): { licence: LicenceRow; material: Material } {
    const params = validate(LicenceAccessQuery, Object.fromEntries(r.query.entries()));
    const { grant, material, types } = this.authorize(operator, params.grantId, params.matterCode, params.materialId);
    const licence = this.ctx.store.licence(id);
    if (!licence || licence.holderId !== grant.holder.idNumber) throw notFound('该证照');
    if (!types.includes(licence.typeCode)) throw new ApiError('SCOPE_DENIED', '该证照不在本材料的用证清单或持证人授权范围内，不能调取');
    return { licence, material };
  }

  private materialise(licence: LicenceRow): Promise<MaterialisedLicence> {
    const stored = this.ctx.store.licenceFile(licence.id);
    if (stored) return Promise.resolve({ pdf: stored.pdf, hash: stored.hash, ...(JSON.parse(stored.signed) as SignedParts) });
    let pending = this.materialising.get(licence.id);
    if (!pending) {
      pending = this.makeLicenceFile(licence).finally(() => this.materialising.delete(licence.id));
      this.materialising.set(licence.id, pending);
    }
    return pending;
  }

  private async makeLicenceFile(licence: LicenceRow): Promise<MaterialisedLicence> {
    const spec = typeByTypeCode(licence.typeCode);
    const labels = new Map(spec?.fields.map(([key, label]) => [key, label]) ?? []);
    const pdf = Buffer.from(
      await renderLicencePdf({
        id: licence.id,
        typeName: spec?.name ?? licence.typeCode,
        number: licence.number,
        issuerName: licence.issuerName,
        issuedAt: licence.issuedAt,
        faceFields: Object.entries(licence.fields).map(([key, value]) => ({ label: labels.get(key) ?? key, value })),
      }),
    );
    const hash = sm3Hex(pdf);
    // The issuer signs the summary's metadata itself, so that the two cannot differ (the
    // workstation's metadata check); the status and the type's name are the library's, unsigned.
    const { typeName: _typeName, status: _status, ...metadata } = this.summary(licence);
    const payload: SignedLicencePayload = { ...metadata, fileHash: hash, digests: fieldDigests(licence.fields, licence.salts) };
    const key = this.key(licence.kid);
    const signature = signLicencePayload(payload, key.privateKey, key.publicKey);
    let parts: SignedParts = { kid: licence.kid, payload, signature, fields: licence.fields };
    if (licence.signing === 'tampered') {
      // The edge case of a record altered after the issuer signed it: the disclosed value
      // matches its digest, but the digest list no longer matches the signature.
      const fields = { ...licence.fields, address: tamperAddress(licence.fields['address'] ?? null) };
      parts = { ...parts, fields, payload: { ...payload, digests: fieldDigests(fields, licence.salts) } };
    }
    this.ctx.store.saveLicenceFile(licence.id, { pdf, hash, signed: JSON.stringify(parts) });
    return { pdf, hash, ...parts };
  }

  private async licenceDetail(r: Request, id: string, operator: OperatorRow): Promise<LicenceDetail> {
    const { licence, material } = this.reachable(r, id, operator);
    const made = await this.materialise(licence);
    const disclosed = material.faceFields
      .filter((key) => Object.prototype.hasOwnProperty.call(made.fields, key))
      .map((key) => ({ key, value: made.fields[key] ?? null, salt: licence.salts[key]! }));
    return {
      licence: this.summary(licence),
      disclosed,
      signed: { kid: made.kid, payload: made.payload, signature: made.signature },
      file: { contentType: 'application/pdf', size: made.pdf.length, hash: made.hash },
    };
  }

  private async licenceFile(r: Request, id: string, operator: OperatorRow): Promise<void> {
    const { licence } = this.reachable(r, id, operator);
    const made = await this.materialise(licence);
    r.res.writeHead(200, {
      'Content-Type': 'application/pdf',
      'Content-Length': String(made.pdf.length),
      'Content-Disposition': `inline; filename="licence-${licence.serial}-${licence.version}.pdf"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    r.res.end(made.pdf);
  }

  private licenceStatus(r: Request, id: string, operator: OperatorRow): { status: LicenceStatus; changedAt: string; supersededBy: string | null } {
    const { licence } = this.reachable(r, id, operator);
    return { ...this.effectiveStatus(licence), supersededBy: licence.supersededBy };
  }

  // ---- usage records and objections

  private usageRecord(body: unknown): { status: number; body: unknown } {
    const request = validate(UsageRecordRequest, body);
    this.matter(request.matterCode);
    const id = `UR${randomBytes(10).toString('hex')}`;
    this.ctx.store.addUsageRecord(id, { id, receivedAt: isoSeconds(this.ctx.now()), ...request });
    return { status: 201, body: { id } };
  }

  private async fileObjection(r: Request): Promise<void> {
    const raw = parseJsonBody(r.req, await readBody(r.req, OBJECTION_BODY_LIMIT));
    const request = validate(ObjectionRequest, raw);
    const key = r.req.headers['idempotency-key'];
    if (key !== undefined && key !== request.id) throw new ApiError('BAD_REQUEST', 'Idempotency-Key 必须与异议编号 id 相同');
    let total = 0;
    for (const item of request.evidence) {
      if (item.data.length % 4 !== 0) throw new ApiError('BAD_REQUEST', `附件“${item.name}”不是有效的 base64 编码`);
      const size = (item.data.length / 4) * 3 - (item.data.endsWith('==') ? 2 : item.data.endsWith('=') ? 1 : 0);
      if (size > MAX_EVIDENCE_ITEM_BYTES) throw new ApiError('TOO_LARGE', `附件“${item.name}”超过 5 MiB，请压缩后重试`);
      total += size;
    }
    if (total > MAX_EVIDENCE_TOTAL_BYTES) throw new ApiError('TOO_LARGE', '附件合计超过 20 MiB，请压缩或减少附件后重试');
    const canonical = canonicalJson(request);
    const existing = this.ctx.store.objection<FiledObjection>(request.id);
    if (existing) {
      if (existing.request !== canonical) throw new ApiError('CONFLICT', '该异议编号已用于内容不同的异议申请');
      return sendJson(r.res, 200, receipt(existing.data));
    }
    const licence = this.ctx.store.licence(request.licenceId);
    if (!licence) throw notFound('该证照');
    const now = isoSeconds(this.ctx.now());
    const filed: FiledObjection = {
      ...request,
      holder: request.holder ?? null,
      status: 'received',
      issuer: { code: licence.issuerCode, name: licence.issuerName },
      receivedAt: now,
      updatedAt: now,
      result: null,
    };
    this.ctx.store.addObjection(request.id, canonical, filed);
    return sendJson(r.res, 201, receipt(filed));
  }

  private listObjections(query: URLSearchParams): ObjectionState[] {
    const keys = [...new Set(query.keys())];
    if (keys.length !== 1 || (keys[0] !== 'ids' && keys[0] !== 'since') || query.getAll(keys[0]).length !== 1) {
      throw new ApiError('BAD_REQUEST', '查询异议须且只能给出 ids 或 since 其中之一');
    }
    if (keys[0] === 'ids') {
      const ids = query.get('ids')!.split(',');
      if (ids.length > 100 || ids.some((id) => !SIMPLE_ID_PATTERN.test(id))) throw new ApiError('BAD_REQUEST', 'ids 须为逗号分隔的异议编号（至多 100 个）');
      return this.ctx.store.objectionsById<FiledObjection>(ids).map(state);
    }
    const since = validate(IsoTime, query.get('since'));
    const from = Date.parse(since);
    return this.ctx.store
      .objections<FiledObjection>()
      .filter((item) => Date.parse(item.updatedAt) >= from)
      .map(state);
  }

  // ---- sandbox-only

  private mintToken(idNumber: string, request: { ttlSeconds?: number | undefined; scope?: TokenScope | undefined }): string {
    const holder = this.ctx.store.holder(idNumber);
    if (!holder) throw notFound('该持证人');
    if (!holder.hasPhone) throw new ApiError('CONFLICT', '该持证人没有手机，无法出示亮证码，请依职能授权办理');
    if (Array.isArray(request.scope) && request.scope.some((code) => !typeByTypeCode(code)))
      throw new ApiError('BAD_REQUEST', '授权范围含有目录中不存在的证照类型');
    const iat = Math.floor(this.ctx.now().getTime() / 1000);
    const payload: TokenPayload = {
      v: 1,
      kid: PLATFORM_KID,
      holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
      scope: request.scope ?? '*',
      iat,
      exp: iat + (request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
      jti: randomBytes(12).toString('base64url'),
    };
    const key = this.key(PLATFORM_KID);
    return signToken(payload, key.privateKey, key.publicKey);
  }

  private async phonePage(r: Request, rawId: string): Promise<void> {
    const html = (status: number, body: string, refresh?: number): void => {
      const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${
        refresh ? `<meta http-equiv="refresh" content="${refresh}">` : ''
      }<title>亮证码（沙箱）</title><style>body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#eef3fb;margin:0;display:flex;justify-content:center}main{background:#fff;margin:24px;padding:24px;border-radius:16px;max-width:360px;text-align:center;box-shadow:0 2px 12px #0002}h1{font-size:20px;color:#1d5fbf}svg{width:280px;height:280px}code{word-break:break-all;font-size:11px;color:#555}p{color:#333}</style></head><body><main>${body}</main></body></html>`;
      r.res.writeHead(status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        'X-Content-Type-Options': 'nosniff',
      });
      r.res.end(page);
    };
    if (!HOLDER_ID_NUMBER_PATTERN.test(rawId) || !(isValidHolderId('111', rawId) || isValidHolderId('001', rawId))) {
      return html(400, '<h1>证件号码无效</h1><p>请核对持证人的证件号码。</p>');
    }
    const holder = this.ctx.store.holder(rawId);
    if (!holder) return html(404, '<h1>未找到持证人</h1><p>沙箱中没有该持证人。</p>');
    if (!holder.hasPhone) return html(409, `<h1>${escapeHtml(holder.name)}</h1><p>该持证人没有手机，无法出示亮证码，请在窗口依职能授权办理。</p>`);
    const ttlParam = r.query.get('ttl');
    const ttl = ttlParam !== null && /^\d{1,3}$/.test(ttlParam) ? Math.min(Math.max(Number(ttlParam), 1), MAX_TOKEN_TTL_SECONDS) : DEFAULT_TOKEN_TTL_SECONDS;
    const token = this.mintToken(holder.idNumber, { ttlSeconds: ttl });
    const svg = await QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const expires = new Date(this.ctx.now().getTime() + ttl * 1000);
    const shownId = `${holder.idNumber.slice(0, 4)}**********${holder.idNumber.slice(-4)}`;
    const expiresText = shanghaiTimeOfDay(expires);
    html(
      200,
      `<h1>随申办 · 亮证码</h1><p>${escapeHtml(holder.name)}（${shownId}）</p><div id="qr" data-token="${escapeHtml(token)}">${svg}</div><p>有效至 ${expiresText}（北京时间），到期前自动刷新</p><p>请向窗口工作人员出示此码</p><details><summary>亮证码文本</summary><code>${escapeHtml(token)}</code></details>`,
      Math.max(1, ttl - Math.min(30, Math.floor(ttl / 5))),
    );
  }

  private resolveObjection(id: string, request: { outcome: 'corrected' | 'rejected'; note: string }): ObjectionState {
    const stored = this.ctx.store.objection<FiledObjection>(id);
    if (!stored) throw notFound('该异议');
    const objection = stored.data;
    if (objection.result !== null) throw new ApiError('CONFLICT', '该异议已办结，不能重复答复');
    const now = isoSeconds(this.ctx.now());
    let newLicenceId: string | null = null;
    if (request.outcome === 'corrected') newLicenceId = this.supersede(objection);
    const updated: FiledObjection = { ...objection, status: request.outcome, updatedAt: now, result: { note: request.note, at: now, newLicenceId } };
    this.ctx.store.updateObjection(id, updated);
    return state(updated);
  }

  /** The issuer corrects a licence: a new version with the claimed values supersedes it. */
  private supersede(objection: FiledObjection): string {
    const old = this.ctx.store.licence(objection.licenceId);
    if (!old) throw notFound('该证照');
    const fields: Record<string, JsonValue> = { ...old.fields };
    for (const field of objection.fields) if (Object.prototype.hasOwnProperty.call(fields, field.key)) fields[field.key] = field.claimed;
    let version = Number(old.version);
    let id: string;
    do {
      version += 1;
      id = buildLicenceId({ typeCode: old.typeCode, issuerCode: old.issuerCode, serial: old.serial, version: String(version).padStart(3, '0') });
    } while (this.ctx.store.licence(id));
    const now = isoSeconds(this.ctx.now());
    const salts = Object.fromEntries(Object.keys(old.salts).map((key) => [key, randomBytes(16).toString('hex')]));
    const next: SeedLicence = {
      ...old,
      id,
      version: String(version).padStart(3, '0'),
      issuedAt: now,
      status: 'valid',
      statusChangedAt: now,
      supersededBy: null,
      fields,
      salts,
      signing: 'normal',
    };
    this.ctx.store.db.transaction(() => {
      this.ctx.store.addCorrection(next);
      this.ctx.store.setStatus(old.id, 'superseded', now, id);
    })();
    return id;
  }

  private setStatus(id: string, status: LicenceStatus): { status: LicenceStatus; changedAt: string; supersededBy: string | null } {
    const licence = this.ctx.store.licence(id);
    if (!licence) throw notFound('该证照');
    const now = isoSeconds(this.ctx.now());
    const supersededBy = status === 'superseded' ? licence.supersededBy : null;
    this.ctx.store.setStatus(id, status, now, supersededBy);
    return { status, changedAt: now, supersededBy };
  }
}

interface SignedParts {
  kid: string;
  payload: SignedLicencePayload;
  signature: string;
  /** The face values the library discloses (they differ from the seeded ones only for a tampered licence). */
  fields: Record<string, JsonValue>;
}

interface MaterialisedLicence extends SignedParts {
  pdf: Buffer;
  hash: string;
}

function tamperAddress(value: JsonValue): JsonValue {
  const text = typeof value === 'string' ? value : '';
  const changed = text.replace(/\d+室$/, '1801室');
  return changed === text ? `${text}（已改）` : changed;
}

function receipt(objection: FiledObjection): { id: string; status: 'received'; issuer: FiledObjection['issuer']; receivedAt: string } {
  return { id: objection.id, status: 'received', issuer: objection.issuer, receivedAt: objection.receivedAt };
}

function state(objection: FiledObjection): ObjectionState {
  return { id: objection.id, status: objection.status, issuer: objection.issuer, result: objection.result, updatedAt: objection.updatedAt };
}

/**
 * A loopback server is still a server: any web page a trainer opens could POST to it (a form
 * to `/_sandbox/reset`), and a DNS-rebound name could even read it. So, as the host does, the
 * Host header must name this server (127.0.0.1 or localhost at its own port), and a request
 * that carries an Origin (every browser request but a plain navigation or subresource GET) must
 * come from the sandbox's own origin. Clients that send no Origin — the host's library client,
 * curl, the tests — and the sandbox's own pages (the phone page, navigated to) pass.
 */
function checkHostAndOrigin(req: IncomingMessage): void {
  const port = req.socket.localPort;
  const names = port === 80 ? ['127.0.0.1', 'localhost', '127.0.0.1:80', 'localhost:80'] : [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!names.includes((req.headers.host ?? '').toLowerCase())) throw new ApiError('FORBIDDEN', '请求的主机名不是本沙箱，已拒绝');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
    throw new ApiError('FORBIDDEN', '只接受来自本沙箱页面或非浏览器客户端的请求，已拒绝跨站请求');
  }
}

function checkLicenceId(id: string): string {
  if (!LICENCE_ID_PATTERN.test(id)) throw new ApiError('BAD_REQUEST', '电子证照标识格式无效，请核对后重试');
  return id;
}

function checkHolderIdNumber(idNumber: string): string {
  if (!HOLDER_ID_NUMBER_PATTERN.test(idNumber) || !(isValidHolderId('111', idNumber) || isValidHolderId('001', idNumber))) {
    throw new ApiError('BAD_REQUEST', '证件号码无效（长度、字符或校验位不符），请核对后重新输入');
  }
  return idNumber;
}

function checkSimpleId(id: string, what: string): string {
  if (!SIMPLE_ID_PATTERN.test(id)) throw new ApiError('BAD_REQUEST', `${what}格式无效`);
  return id;
}
