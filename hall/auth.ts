/**
 * Who is asking: enrolment with a one-time code, and the check of every signed request (the
 * workstation's SM2 signature over method, path, body digest, time and nonce; the clock window;
 * the nonce never seen before; the workstation not revoked; for supervision, the role the host
 * asserts for its signed-in operator).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { sm2Verify } from '../shared/sm';
import { AUDIT_GENESIS_PREV } from '../shared/audit-chain';
import {
  ENROLMENT_CODE_TTL_MS,
  HALL_CLOCK_SKEW_MS,
  HALL_HEADERS,
  NONCE_PATTERN,
  WORKSTATION_ID_PATTERN,
  enrolmentCodeFromBytes,
  enrolmentProofText,
  normalizeEnrolmentCode,
  requestSigningText,
  type EnrolResponse,
  type HallAccess,
} from '../shared/hall-api';
import { ROLES } from '../shared/library-api';
import { sql, type Database } from './db';
import { HallError } from './http';
import { sm3Of, type HallIdentity } from './identity';

/** The signature headers of a request, once their shape is known good. */
export interface SignedHeaders {
  workstationId: string;
  time: string;
  nonce: string;
  signature: string;
  operatorId: string | null;
  role: string | null;
}

/** Who made a request the hall accepted. */
export interface Caller {
  workstationId: string;
  /** Set on supervision calls: the operator the host relays for. */
  operator: { id: string; role: 'supervisor' } | null;
  nonce: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const OPERATOR_ID = /^[^\u0000-\u001f\u007f]{1,64}$/;

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The signature headers, or null when the request is not signed at all (UNSIGNED when they are there but malformed). */
export function signedHeaders(headers: IncomingHttpHeaders): SignedHeaders | null {
  const workstationId = header(headers, HALL_HEADERS.workstation);
  const time = header(headers, HALL_HEADERS.time);
  const nonce = header(headers, HALL_HEADERS.nonce);
  const signature = header(headers, HALL_HEADERS.signature);
  if (!workstationId && !time && !nonce && !signature) return null;
  if (!workstationId || !time || !nonce || !signature) throw new HallError('UNSIGNED', '请求的签名信息不完整，大厅服务器拒绝处理。');
  if (
    !WORKSTATION_ID_PATTERN.test(workstationId) ||
    !ISO_TIME.test(time) ||
    Number.isNaN(Date.parse(time)) ||
    !NONCE_PATTERN.test(nonce) ||
    !/^[0-9a-f]{128}$/.test(signature)
  ) {
    throw new HallError('UNSIGNED', '请求的签名信息格式不正确，大厅服务器拒绝处理。');
  }
  const operatorId = header(headers, HALL_HEADERS.operator);
  const role = header(headers, HALL_HEADERS.role);
  if ((operatorId !== null && !OPERATOR_ID.test(operatorId)) || (role !== null && !(ROLES as readonly string[]).includes(role))) {
    throw new HallError('UNSIGNED', '请求声明的操作员或岗位格式不正确。');
  }
  return { workstationId, time, nonce, signature, operatorId, role };
}

const workstationKey = sql<{ public_key: string; revoked_at: string | null }, [string]>('SELECT public_key, revoked_at FROM workstations WHERE id = $1');
const rememberNonce = sql<unknown, [string, string, string]>('INSERT INTO nonces (workstation_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING');
const touch = sql<unknown, [string, string]>('UPDATE workstations SET last_seen_at = $2 WHERE id = $1');
const forgetNonces = sql<unknown, [string]>('DELETE FROM nonces WHERE seen_at < $1');

/** Verifies signed requests and enrols workstations. */
export class Authenticator {
  constructor(
    private readonly db: Database,
    private readonly identity: HallIdentity,
    private readonly now: () => Date,
  ) {}

  /**
   * Checks a signed request, in this order: the workstation is known (401), the signature
   * verifies with its enrolled key (401), the time is within ±5 minutes (401), the nonce is new
   * (401), the workstation is not revoked (403), and a supervision call is relayed for a
   * supervisor (403). The nonce is remembered only once the signature verified.
   */
  async check(method: string, pathWithQuery: string, body: Buffer, signed: SignedHeaders | null, access: Exclude<HallAccess, 'enrol'>): Promise<Caller> {
    if (!signed) throw new HallError('UNSIGNED');
    const row = await this.db.one(workstationKey, [signed.workstationId]);
    if (!row) throw new HallError('UNKNOWN_WORKSTATION');
    const text = requestSigningText({
      method,
      path: pathWithQuery,
      bodyDigest: sm3Of(body),
      time: signed.time,
      nonce: signed.nonce,
      workstationId: signed.workstationId,
      operatorId: signed.operatorId,
      role: signed.role,
    });
    if (!sm2Verify(text, signed.signature, row.public_key)) throw new HallError('BAD_SIGNATURE');
    const now = this.now();
    if (Math.abs(Date.parse(signed.time) - now.getTime()) > HALL_CLOCK_SKEW_MS) {
      throw new HallError('STALE_REQUEST', undefined, { serverTime: now.toISOString() });
    }
    if ((await this.db.run(rememberNonce, [signed.workstationId, signed.nonce, now.toISOString()])) === 0) throw new HallError('NONCE_REUSED');
    if (row.revoked_at !== null) throw new HallError('REVOKED');
    await this.db.run(touch, [signed.workstationId, now.toISOString()]);
    if (access === 'supervisor') {
      if (!signed.operatorId || !signed.role) throw new HallError('ROLE_REFUSED', '全厅监督请求必须声明登录的操作员及其岗位。');
      if (signed.role !== 'supervisor') throw new HallError('ROLE_REFUSED');
      return { workstationId: signed.workstationId, operator: { id: signed.operatorId, role: 'supervisor' }, nonce: signed.nonce };
    }
    return { workstationId: signed.workstationId, operator: null, nonce: signed.nonce };
  }

  /** Forgets nonces older than twice the clock window: a request that old is refused by its time anyway. */
  async forgetOldNonces(): Promise<void> {
    await this.db.run(forgetNonces, [new Date(this.now().getTime() - 2 * HALL_CLOCK_SKEW_MS).toISOString()]);
  }

  /** A new one-time enrolment code, valid for 24 hours. The code is returned once; the hall keeps its SM3. */
  async newEnrolmentCode(): Promise<{ code: string; expiresAt: string }> {
    const code = enrolmentCodeFromBytes(randomBytes(10));
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MS).toISOString();
    await this.db.run(sql<unknown, [string, string, string]>('INSERT INTO enrolment_codes (code_hash, created_at, expires_at) VALUES ($1, $2, $3)'), [
      sm3Of(normalizeEnrolmentCode(code)!),
      now.toISOString(),
      expiresAt,
    ]);
    return { code, expiresAt };
  }

  /**
   * Enrols a workstation: the request must be signed by the key it enrols (so the workstation
   * holds it), the code must be unused and unexpired, the id not enrolled (or revoked: then the
   * new key replaces the old; or enrolled with this same key: then nothing changes) and the key
   * not another workstation's. The code is used up in the
   * same transaction. The answer carries the hall's key and the proof that the hall knows the code.
   */
  async enrol(
    method: string,
    pathWithQuery: string,
    body: Buffer,
    signed: SignedHeaders | null,
    input: { code: string; workstationId: string; publicKey: string },
  ): Promise<EnrolResponse> {
    if (!signed) throw new HallError('UNSIGNED');
    if (signed.workstationId !== input.workstationId) throw new HallError('BAD_REQUEST', '签名头中的工作台编号与登记请求不一致。');
    const text = requestSigningText({
      method,
      path: pathWithQuery,
      bodyDigest: sm3Of(body),
      time: signed.time,
      nonce: signed.nonce,
      workstationId: signed.workstationId,
      operatorId: signed.operatorId,
      role: signed.role,
    });
    if (!sm2Verify(text, signed.signature, input.publicKey)) throw new HallError('BAD_SIGNATURE', '登记请求的签名与所附公钥不符，大厅服务器拒绝登记。');
    const now = this.now();
    if (Math.abs(Date.parse(signed.time) - now.getTime()) > HALL_CLOCK_SKEW_MS)
      throw new HallError('STALE_REQUEST', undefined, { serverTime: now.toISOString() });
    const normalized = normalizeEnrolmentCode(input.code);
    if (!normalized) throw new HallError('ENROLMENT_CODE_INVALID');
    const nowIso = now.toISOString();
    await this.db.transaction(async (tx) => {
      const used = await tx.run(
        sql<unknown, [string, string, string]>(
          'UPDATE enrolment_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2',
        ),
        [sm3Of(normalized), nowIso, input.workstationId],
      );
      if (used === 0) throw new HallError('ENROLMENT_CODE_INVALID');
      const existing = await tx.one(
        sql<{ revoked_at: string | null; public_key: string }, [string]>('SELECT revoked_at, public_key FROM workstations WHERE id = $1 FOR UPDATE'),
        [input.workstationId],
      );
      // The same key enrolling its own id again (its answer was lost, or refused by the workstation
      // for a bad proof) is let through with a new code: the key is the workstation's identity.
      if (existing && existing.revoked_at === null && existing.public_key === input.publicKey) return;
      if (existing && existing.revoked_at === null) throw new HallError('ALREADY_ENROLLED');
      const keyOwner = await tx.one(sql<{ id: string }, [string]>('SELECT id FROM workstations WHERE public_key = $1'), [input.publicKey]);
      if (keyOwner && keyOwner.id !== input.workstationId) throw new HallError('KEY_IN_USE');
      if (existing) {
        // A revoked workstation enrolled again: the new key replaces the old; its streams go on.
        await tx.run(
          sql<unknown, [string, string, string]>(
            'UPDATE workstations SET public_key = $2, enrolled_at = $3, last_seen_at = $3, revoked_at = NULL, revoked_by = NULL, revoke_reason = NULL WHERE id = $1',
          ),
          [input.workstationId, input.publicKey, nowIso],
        );
      } else {
        await tx.run(sql<unknown, [string, string, string]>('INSERT INTO workstations (id, public_key, enrolled_at, last_seen_at) VALUES ($1, $2, $3, $3)'), [
          input.workstationId,
          input.publicKey,
          nowIso,
        ]);
        await tx.run(
          sql<unknown, [string, string, string]>('INSERT INTO streams (workstation_id, epoch, audit_last_hash, started_at) VALUES ($1, 1, $2, $3)'),
          [input.workstationId, AUDIT_GENESIS_PREV, nowIso],
        );
      }
      await tx.run(sql<unknown, [string, string, string]>('INSERT INTO enrolments (workstation_id, public_key, enrolled_at) VALUES ($1, $2, $3)'), [
        input.workstationId,
        input.publicKey,
        nowIso,
      ]);
      await tx.run(rememberNonce, [input.workstationId, signed.nonce, nowIso]);
    });
    return {
      hallId: this.identity.hallId,
      hallName: this.identity.name,
      hallPublicKey: this.identity.publicKey,
      workstationId: input.workstationId,
      enrolledAt: nowIso,
      proof: createHmac('sm3', normalized)
        .update(enrolmentProofText(this.identity.publicKey, input.workstationId, input.publicKey))
        .digest('hex'),
    };
  }
}
