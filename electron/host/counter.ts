import { Buffer } from 'node:buffer';
import type { HostOutput, HostParsedInput, PulledLicence } from '../../shared/contract';
import { HostCallError } from '../../shared/errors';
import { maskIdNumber } from '../../shared/ids';
import { Grant, LicenceDetail, LicenceQueryResponse, UsageRecordResponse, type CatalogResponse, type MattersResponse } from '../../shared/library-api';
import { holderTokenKeyLookup } from '../../shared/trust';
import { fileHash } from '../../shared/licence-digest';
import { parseToken, verifyTokenSignature, checkTokenExpiry, checkTokenLifetime } from '../../shared/token';
import type { LibraryClient } from './library-client';
import type { TrustStore } from './trust';
import { verifyPulledLicence } from './verification';

/** What the counter service needs from the rest of the host. */
export interface CounterDeps {
  library: LibraryClient;
  trust: TrustStore;
  token: () => Promise<string>;
  /** The operator's session in force (OperatorSession.sessionId), or null when nobody is signed in. */
  sessionId: () => string | null;
  workstationId: () => string;
  catalog: () => CatalogResponse | null;
  matters: () => MattersResponse | null;
  now?: () => Date;
}

// Pulled files stay in the host only while their case is open, and never more than this many
// cases at once: a clerk who walks away from a case does not grow the host without bound.
const MAX_HELD_CASES = 20;

interface HeldFile {
  contentType: string;
  bytes: Uint8Array;
}

/**
 * The counter transaction's host side (docs/architecture.md §4, steps 2–7): reading a 亮证码 offline,
 * grants, pulling and verifying every licence of a material, holding the files for the viewer,
 * purging them, and sending the usage record.
 *
 * A grant and the licence files pulled under it belong to the operator's session that obtained
 * them and to their case: they are used only in that session (another operator signed in on the
 * same workstation gets GRANT_INVALID / NOT_FOUND, as if they did not exist), a pull must name
 * the grant's own case, and {@link forgetSession} drops them all when the session ends.
 */
export class CounterService {
  private readonly grants = new Map<string, { grant: Grant; sessionId: string }>();
  private readonly files = new Map<string, { sessionId: string; licences: Map<string, HeldFile> }>();
  private readonly now: () => Date;

  constructor(private readonly deps: CounterDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Reads a 亮证码 without redeeming it: shape, platform signature, lifetime, expiry. */
  async inspectToken({ token }: HostParsedInput<'token.inspect'>): Promise<HostOutput<'token.inspect'>> {
    const parsed = parseToken(token.trim());
    if (!parsed.ok) throw new HostCallError(parsed.reason === 'not_a_token' ? 'TOKEN_NOT_A_CODE' : 'TOKEN_INVALID');
    const trust = await this.deps.trust.cached();
    const at = this.now();
    const signed = verifyTokenSignature(parsed.value, holderTokenKeyLookup(trust, at));
    if (!signed.ok) throw new HostCallError('TOKEN_FORGED');
    // Judged as the library judges it (shared/token.ts verifyToken), also offline where only this
    // reading stands: a code living longer than 600 s is invalid, so a photographed one does not
    // keep naming its holder for hours.
    if (!checkTokenLifetime(parsed.value.payload, at).ok) throw new HostCallError('TOKEN_INVALID');
    const fresh = checkTokenExpiry(parsed.value.payload, at);
    if (!fresh.ok) throw new HostCallError('TOKEN_EXPIRED');
    const { holder, exp, scope } = parsed.value.payload;
    return { holder, maskedIdNumber: maskIdNumber(holder.idNumber), expiresAt: new Date(exp * 1000).toISOString(), scope };
  }

  async redeem(input: HostParsedInput<'grant.redeem'>): Promise<Grant> {
    const sessionId = this.session();
    const { body } = await this.deps.library.request<unknown>('/authorizations/redeem', {
      method: 'POST',
      body: { token: input.token.trim(), matterCode: input.matterCode, caseNo: input.caseNo },
      token: await this.deps.token(),
      headers: this.contextHeaders(input.caseNo),
    });
    return this.keepGrant(body, sessionId);
  }

  async duty(input: HostParsedInput<'grant.duty'>): Promise<Grant> {
    const sessionId = this.session();
    const { body } = await this.deps.library.request<unknown>('/authorizations/duty', {
      method: 'POST',
      body: input,
      token: await this.deps.token(),
      headers: this.contextHeaders(input.caseNo),
    });
    return this.keepGrant(body, sessionId);
  }

  /** Pulls one material: the query, then every licence's detail and file concurrently, each verified. */
  async pull(input: HostParsedInput<'material.pull'>): Promise<HostOutput<'material.pull'>> {
    const started = performance.now();
    const sessionId = this.session();
    // Before anything reaches the library: the grant must be one this session obtained, for this
    // case and matter. One it does not know (another operator's, one dropped at a sign-out, or
    // the host restarted) cannot be checked against the licence's holder either, so the clerk
    // reads the code again.
    const held = this.grants.get(input.grantId);
    if (!held || held.sessionId !== sessionId || held.grant.caseNo !== input.caseNo || held.grant.matterCode !== input.matterCode) {
      throw new HostCallError('GRANT_INVALID', '该授权不属于当前登录人员的本次办件，或已随退出登录清除，请重新扫描亮证码或重新授权。');
    }
    const grant = held.grant;
    const token = await this.deps.token();
    const headers = this.contextHeaders(input.caseNo, input.purpose);
    const { body } = await this.deps.library.request<unknown>('/licences/query', {
      method: 'POST',
      body: { grantId: input.grantId, matterCode: input.matterCode, materialId: input.materialId, purpose: input.purpose },
      token,
      headers,
    });
    const query = LicenceQueryResponse.safeParse(body);
    if (!query.success) throw new HostCallError('LIBRARY_ERROR', '证照库返回的查询结果格式不符合接口约定，请联系技术支持。');
    const access = new URLSearchParams({ grantId: input.grantId, matterCode: input.matterCode, materialId: input.materialId }).toString();
    const trust = await this.deps.trust.cached();
    const faceFields = this.deps
      .matters()
      ?.matters.find((m) => m.code === input.matterCode)
      ?.materials.find((m) => m.id === input.materialId)?.faceFields;
    const labels = faceFieldLabels(this.deps.catalog());
    const licences = await Promise.all(
      query.data.licences.map(async (summary): Promise<PulledLicence> => {
        const path = `/licences/${encodeURIComponent(summary.id)}`;
        const [detailAnswer, fileAnswer] = await Promise.all([
          this.deps.library.request<unknown>(`${path}?${access}`, { token, headers }),
          this.deps.library.request<Uint8Array>(`${path}/file?${access}`, { token, headers, responseType: 'bytes' }).catch((error: unknown) => {
            if (error instanceof HostCallError && error.code === 'LIBRARY_UNAVAILABLE') return null;
            throw error;
          }),
        ]);
        const detail = LicenceDetail.safeParse(detailAnswer.body);
        if (!detail.success) throw new HostCallError('LIBRARY_ERROR', '证照库返回的证照数据格式不符合接口约定，请联系技术支持。');
        const bytes = fileAnswer?.body ?? null;
        const downloadedHash = bytes ? fileHash(bytes) : null;
        const verified = verifyPulledLicence({
          detail: detail.data,
          downloadedFileHash: downloadedHash,
          trust,
          grantHolder: grant.holder,
          faceFields,
          now: this.now(),
        });
        if (bytes) this.holdFile(sessionId, input.caseNo, summary.id, detail.data.file.contentType, bytes);
        return {
          summary: detail.data.licence,
          fields: detail.data.disclosed.map((field) => ({
            key: field.key,
            label: labels.get(field.key) ?? field.key,
            value: field.value,
            verified: verified.fieldResults.get(field.key) ?? 'unknown',
          })),
          file: { ...detail.data.file, held: bytes !== null },
          report: verified.report,
        };
      }),
    );
    // Signed out while the library answered: the licences are not for whoever is at the window now.
    this.stillIn(sessionId);
    return { materialId: input.materialId, pulledAt: this.now().toISOString(), latencyMs: Math.round(performance.now() - started), licences };
  }

  /**
   * Art. 11 catch-up for a case accepted on paper while the library was unreachable: a duty
   * grant under its own case number, a pull of each material, and the best outcome per
   * material; the files are not kept. A social matter has no duty basis and is not checked.
   */
  async catchUp(input: HostParsedInput<'catchup.check'>): Promise<HostOutput<'catchup.check'>> {
    const caseNo = `${input.caseNo.slice(0, 56)}-CU`;
    let grant: Grant;
    try {
      grant = await this.duty({ holder: input.holder, matterCode: input.matterCode, caseNo, reason: '离线期间收取纸质材料，联网后依第十一条补查' });
    } catch (error) {
      if (error instanceof HostCallError && error.code === 'FORBIDDEN') {
        return { checked: false, reason: '社会化应用事项不能依职能授权补查，请在申请人下次到场时核对。', materials: [] };
      }
      throw error;
    }
    try {
      const pulls = await Promise.all(
        input.materialIds.map((materialId) =>
          this.pull({ grantId: grant.grantId, matterCode: input.matterCode, caseNo, materialId, purpose: `补查：${input.caseNo} 离线期间收取的纸质材料` }),
        ),
      );
      return {
        checked: true,
        reason: null,
        materials: pulls.map((pull) => {
          const valid = pull.licences.find((l) => l.report.outcome === 'valid');
          const best = valid ?? pull.licences[0];
          return { materialId: pull.materialId, licenceId: best?.summary.id ?? null, outcome: best ? best.report.outcome : 'not_in_library' };
        }),
      };
    } finally {
      this.purge({ caseNo });
    }
  }

  /** The PDF of a licence the case holds, to the session that pulled it only. */
  file({ caseNo, licenceId }: HostParsedInput<'licence.file'>): HostOutput<'licence.file'> {
    const sessionId = this.deps.sessionId();
    const forCase = this.files.get(caseNo);
    const held = forCase && forCase.sessionId === sessionId ? forCase.licences.get(licenceId) : undefined;
    if (!held) throw new HostCallError('NOT_FOUND', '该证照文件已清除或尚未调取，请重新调取后查看。');
    return { contentType: held.contentType, dataBase64: Buffer.from(held.bytes).toString('base64') };
  }

  /** Forgets everything the signed-in session holds for a case: files and its grant (Art. 27). */
  purge({ caseNo }: HostParsedInput<'case.purge'>): HostOutput<'case.purge'> {
    const sessionId = this.deps.sessionId();
    const forCase = this.files.get(caseNo);
    let purgedLicences = 0;
    if (forCase && forCase.sessionId === sessionId) {
      purgedLicences = forCase.licences.size;
      this.files.delete(caseNo);
    }
    for (const [id, held] of this.grants) if (held.grant.caseNo === caseNo && held.sessionId === sessionId) this.grants.delete(id);
    return { purgedLicences };
  }

  /**
   * Drops everything held for a session's cases — grants and licence files — when it ends
   * (sign-out, expiry, another sign-in): nothing pulled for one operator outlives their sitting.
   */
  forgetSession(sessionId: string): void {
    for (const [caseNo, held] of this.files) if (held.sessionId === sessionId) this.files.delete(caseNo);
    for (const [id, held] of this.grants) if (held.sessionId === sessionId) this.grants.delete(id);
  }

  /** Sends a usage record with its idempotency key: a replay returns the first result. */
  async submitUsage({ record, idempotencyKey }: HostParsedInput<'usage.submit'>): Promise<HostOutput<'usage.submit'>> {
    const { body } = await this.deps.library.request<unknown>('/usage-records', {
      method: 'POST',
      body: record,
      token: await this.deps.token(),
      idempotencyKey,
      headers: this.contextHeaders(record.caseNo),
    });
    const parsed = UsageRecordResponse.safeParse(body);
    if (!parsed.success) throw new HostCallError('LIBRARY_ERROR');
    return parsed.data;
  }

  // The pull context (docs/library-api.md §8) that the bodies have no field for travels in
  // headers: the case, the workstation and the purpose; the operator is the bearer token's.
  private contextHeaders(caseNo: string, purpose?: string): Record<string, string> {
    const headers: Record<string, string> = { 'x-case-no': caseNo, 'x-workstation-id': this.deps.workstationId() };
    if (purpose) headers['x-purpose'] = encodeURIComponent(purpose);
    return headers;
  }

  /** The session in force; UNAUTHENTICATED when nobody is signed in. */
  private session(): string {
    const sessionId = this.deps.sessionId();
    if (sessionId === null) throw new HostCallError('UNAUTHENTICATED');
    return sessionId;
  }

  /** Throws UNAUTHENTICATED unless `sessionId` is still the session in force. */
  private stillIn(sessionId: string): void {
    if (this.deps.sessionId() !== sessionId) throw new HostCallError('UNAUTHENTICATED', '登录已结束，本次调取的结果已丢弃，请重新登录后再办理。');
  }

  private keepGrant(body: unknown, sessionId: string): Grant {
    const grant = Grant.safeParse(body);
    if (!grant.success) throw new HostCallError('LIBRARY_ERROR', '证照库返回的授权格式不符合接口约定，请联系技术支持。');
    this.stillIn(sessionId);
    this.grants.set(grant.data.grantId, { grant: grant.data, sessionId });
    return grant.data;
  }

  private holdFile(sessionId: string, caseNo: string, licenceId: string, contentType: string, bytes: Uint8Array): void {
    // A file that arrives after its session ended is not kept (the pull then fails).
    if (this.deps.sessionId() !== sessionId) return;
    let held = this.files.get(caseNo);
    if (held && held.sessionId !== sessionId) {
      this.files.delete(caseNo);
      held = undefined;
    }
    if (!held) {
      if (this.files.size >= MAX_HELD_CASES) this.files.delete(this.files.keys().next().value!);
      held = { sessionId, licences: new Map() };
      this.files.set(caseNo, held);
    }
    held.licences.set(licenceId, { contentType, bytes });
  }
}

function faceFieldLabels(catalog: CatalogResponse | null): Map<string, string> {
  const labels = new Map<string, string>();
  for (const type of catalog?.types ?? []) for (const field of type.faceFields) if (!labels.has(field.key)) labels.set(field.key, field.label);
  return labels;
}
