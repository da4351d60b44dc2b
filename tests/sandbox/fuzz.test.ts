import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DutyRequest,
  FaultsRequest,
  LicenceQueryRequest,
  ObjectionRequest,
  RedeemRequest,
  ResolveObjectionRequest,
  SandboxTokenRequest,
  SetLicenceStatusRequest,
  SignInRequest,
  UsageRecordRequest,
} from '../../shared/library-api';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import { badSegment, brokenBody, FUZZ_SEED, malformedInput, PROTOTYPE_KEYS, Rng, shapeOf, weirdValue } from '../support/fuzz';
import { rawRequest, type RawAnswer } from '../support/raw-http';
import { tempDir } from './helpers';

// Malformed requests to every endpoint of the sandbox (docs/library-api.md, the sandbox-only calls included; keep
// ENDPOINTS in step with sandbox/server.ts's router). Reproduce a failure with FUZZ_SEED=<seed>.
const HOLDER = '310115199709281086';
const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T';
const HOTEL = 'SH-JD-RZ-104';
const citizen = { idType: '111', idNumber: '11010519491231002X', name: '张伟' };

interface Endpoint {
  method: 'GET' | 'POST';
  /** The path, `{}` where a path parameter goes. */
  path: string;
  /** A good value of the path parameter. */
  param?: string;
  query?: string;
  auth?: boolean;
  /** The request schema; generated bodies it accepts are dropped (they are no probe, and could change the faults). */
  schema?: z.ZodType;
  /** A valid body, for mutations that keep most of it. */
  template?: Record<string, unknown>;
}

const usageRecord = {
  caseNo: 'FUZZ-1',
  matterCode: HOTEL,
  grantId: null,
  holder: citizen,
  operatorId: 'OP',
  workstationId: 'WS',
  completedAt: '2026-11-26T02:00:00Z',
  training: true,
  materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'elderly' }],
};
const objection = {
  id: 'OBJ-FUZZ',
  licenceId: LICENCE,
  dimension: 'accuracy',
  fields: [],
  description: '照面信息有误',
  filedBy: { operatorId: 'OP', role: 'clerk' },
  filedAt: '2026-11-26T02:00:00Z',
  evidence: [],
};
const access = `grantId=G1&matterCode=${HOTEL}&materialId=M01`;

const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: '/api/v1/sessions', schema: SignInRequest, template: { username: 'clerk01', password: 'demo', workstationId: 'WS-FUZZ' } },
  { method: 'GET', path: '/api/v1/trust' },
  { method: 'GET', path: '/api/v1/trust/root' },
  { method: 'GET', path: '/api/v1/catalog', auth: true },
  { method: 'GET', path: '/api/v1/matters', auth: true },
  { method: 'POST', path: '/api/v1/usage-records', auth: true, schema: UsageRecordRequest, template: usageRecord },
  { method: 'POST', path: '/api/v1/objections', auth: true, schema: ObjectionRequest, template: objection },
  { method: 'GET', path: '/api/v1/objections', auth: true, query: 'ids=OBJ-1' },
  { method: 'POST', path: '/api/v1/authorizations/redeem', auth: true, schema: RedeemRequest, template: { token: 'EL1.a.b', matterCode: HOTEL, caseNo: 'C1' } },
  {
    method: 'POST',
    path: '/api/v1/authorizations/duty',
    auth: true,
    schema: DutyRequest,
    template: { holder: citizen, matterCode: '310000-MZ-JL-008', caseNo: 'C1', reason: '无手机' },
  },
  {
    method: 'POST',
    path: '/api/v1/licences/query',
    auth: true,
    schema: LicenceQueryRequest,
    template: { grantId: 'G1', matterCode: HOTEL, materialId: 'M01', purpose: '入住' },
  },
  { method: 'GET', path: '/api/v1/licences/{}', param: LICENCE, auth: true, query: access },
  { method: 'GET', path: '/api/v1/licences/{}/file', param: LICENCE, auth: true, query: access },
  { method: 'GET', path: '/api/v1/licences/{}/status', param: LICENCE, auth: true, query: access },
  { method: 'GET', path: '/api/v1/_sandbox/holders' },
  { method: 'POST', path: '/api/v1/_sandbox/holders/{}/token', param: HOLDER, schema: SandboxTokenRequest, template: { ttlSeconds: 300 } },
  {
    method: 'POST',
    path: '/api/v1/_sandbox/objections/{}/resolve',
    param: 'OBJ-1',
    schema: ResolveObjectionRequest,
    template: { outcome: 'rejected', note: '无误' },
  },
  { method: 'POST', path: '/api/v1/_sandbox/licences/{}/status', param: LICENCE, schema: SetLicenceStatusRequest, template: { status: 'revoked' } },
  { method: 'GET', path: '/api/v1/_sandbox/faults' },
  { method: 'POST', path: '/api/v1/_sandbox/faults', schema: FaultsRequest, template: { latencyMs: 0 } },
  { method: 'GET', path: '/api/v1/_sandbox/pull-log' },
  { method: 'GET', path: '/api/v1/_sandbox/usage-records' },
  { method: 'GET', path: '/api/v1/_sandbox/grants' },
  { method: 'GET', path: '/api/v1/_sandbox/objections' },
  { method: 'GET', path: '/_sandbox/phone/{}', param: HOLDER },
];

let sandbox: RunningSandbox;
let dataDir: string;
let auth: string;
const internalErrors: string[] = [];

beforeAll(async () => {
  dataDir = tempDir();
  sandbox = await startSandbox({ dataDir, log: (line) => (line.includes('internal error') ? internalErrors.push(line) : undefined) });
  const res = await rawRequest(sandbox.port, 'POST', '/api/v1/sessions', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'clerk01', password: 'demo', workstationId: 'WS-FUZZ' }),
  });
  auth = res.json.token as string;
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function judge(failures: string[], label: string, res: RawAnswer, html = false): void {
  if (res.status >= 500) failures.push(`${label}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  else if (res.status >= 400 && !html && (typeof res.json?.error?.code !== 'string' || !/[\u4e00-\u9fff]/.test(String(res.json.error.message)))) {
    failures.push(`${label}: a ${res.status} without an error code and a Chinese message: ${res.text.slice(0, 200)}`);
  }
}

describe(`fuzzing the sandbox (FUZZ_SEED=${FUZZ_SEED})`, () => {
  it('every endpoint answers malformed requests with a 4xx: no 5xx, no crash, and good requests work after', async () => {
    const rng = new Rng(FUZZ_SEED);
    const failures: string[] = [];
    let sent = 0;
    const send = async (
      label: string,
      method: string,
      path: string,
      options: { headers?: Record<string, string>; body?: string | Uint8Array } = {},
      html = false,
    ) => {
      const res = await rawRequest(sandbox.port, method, path, options);
      sent++;
      judge(failures, label, res, html);
      return res;
    };

    for (const endpoint of ENDPOINTS) {
      const path = (param = endpoint.param ?? '') => endpoint.path.replace('{}', param);
      const baseHeaders = (): Record<string, string> => ({ 'content-type': 'application/json', ...(endpoint.auth ? { authorization: `Bearer ${auth}` } : {}) });
      const label = `${endpoint.method} ${endpoint.path}`;
      const html = endpoint.path.startsWith('/_sandbox/phone');

      if (endpoint.method === 'POST') {
        const fields = endpoint.schema ? Object.keys(shapeOf(endpoint.schema) ?? {}) : [];
        let made = 0;
        for (let tries = 0; made < 6 && tries < 200; tries++) {
          const { value, what } = malformedInput(rng, fields, rng.chance(0.5) ? endpoint.template : {});
          if (endpoint.schema?.safeParse(value ?? {}).success) continue;
          made++;
          const key: Record<string, string> = rng.chance(0.5) ? { 'idempotency-key': `fuzz-${rng.int(1e9)}` } : {};
          const res = await send(`${label} with ${what}`, 'POST', path(), { headers: { ...baseHeaders(), ...key }, body: JSON.stringify(value) });
          if (res.status < 400) failures.push(`${label} with ${what}: accepted (${res.status})`);
        }
        for (let i = 0; i < 3; i++) {
          const { body, what } = brokenBody(rng);
          const key: Record<string, string> = rng.chance(0.5) ? { 'idempotency-key': `fuzz-${rng.int(1e9)}` } : {};
          const res = await send(`${label} with ${what}`, 'POST', path(), { headers: { ...baseHeaders(), ...key }, body });
          if (res.status < 400) failures.push(`${label} with ${what}: accepted (${res.status})`);
        }
        // Wrong content type, a bad Idempotency-Key.
        await send(`${label} as a form`, 'POST', path(), {
          headers: { ...baseHeaders(), 'content-type': 'application/x-www-form-urlencoded' },
          body: 'username=clerk01&__proto__[x]=1',
        });
        await send(`${label} with a bad Idempotency-Key`, 'POST', path(), {
          headers: { ...baseHeaders(), 'idempotency-key': rng.pick(['x'.repeat(129), 'a b', '', '\t']) },
          body: JSON.stringify(endpoint.template ?? {}),
        });
      } else {
        // Query strings: unknown, repeated and prototype keys, undecodable escapes, wrong values.
        for (let i = 0; i < 3; i++) {
          const query = rng.pick([
            `${endpoint.query ?? ''}&extra=1`,
            `${endpoint.query ?? ''}&${endpoint.query ?? 'a=1'}`,
            `${rng.pick(PROTOTYPE_KEYS)}=1&${endpoint.query ?? ''}`,
            `grantId=%&matterCode=%E0%A4%A&materialId=${'x'.repeat(5_000)}`,
            `ids=${Array.from({ length: 150 }, (_, k) => `O${k}`).join(',')}`,
            `since=2026-02-30T00:00:00Z`,
            `ids=%2C%2C&since=x`,
            `ttl=${rng.pick(['-1', '99999', '1e3', 'abc'])}`,
          ]);
          await send(`${label}?${query.slice(0, 40)}`, 'GET', `${path()}?${query}`, { headers: baseHeaders() }, html);
        }
        await send(`${label} with a body`, 'GET', path(), { headers: baseHeaders(), body: '{"a":' }, html);
      }

      // Path parameters spelt badly; the wrong method; bad sign-in headers; foreign Host and Origin.
      if (endpoint.param) {
        for (let i = 0; i < 4; i++) {
          const segment = badSegment(rng);
          const res = await send(
            `${label} with ${segment.slice(0, 20)}`,
            endpoint.method,
            `${path(segment)}${endpoint.query ? `?${endpoint.query}` : ''}`,
            { headers: baseHeaders(), body: endpoint.method === 'POST' ? '{}' : undefined },
            html,
          );
          if (res.status < 400) failures.push(`${label} with ${segment.slice(0, 20)}: accepted (${res.status})`);
        }
      }
      const other = endpoint.method === 'GET' ? rng.pick(['POST', 'PUT', 'DELETE']) : rng.pick(['GET', 'PUT', 'PATCH']);
      await send(`${other} ${endpoint.path}`, other, path(), { headers: baseHeaders(), body: other === 'GET' ? undefined : '{}' }, html);
      if (endpoint.auth) {
        const bearer = rng.pick([
          'Bearer',
          'Bearer ',
          `Bearer ${'A'.repeat(129)}`,
          `Basic ${auth}`,
          `Bearer ${auth}x`,
          `bearer ${auth}`,
          `Bearer ${String(weirdValue(rng, 0)).replace(/[^\x20-\x7e]/g, '')}`,
        ]);
        const res = await send(
          `${label} with Authorization ${bearer.slice(0, 20)}`,
          endpoint.method,
          `${path()}${endpoint.query ? `?${endpoint.query}` : ''}`,
          { headers: { ...baseHeaders(), authorization: bearer }, body: endpoint.method === 'POST' ? JSON.stringify(endpoint.template) : undefined },
        );
        if (res.status !== 401) failures.push(`${label} with Authorization ${bearer.slice(0, 20)}: ${res.status}, expected 401`);
      }
      const foreign = rng.pick<Record<string, string>>([
        { origin: 'http://evil.example' },
        { host: 'evil.example' },
        { origin: 'null' },
        { host: `attacker.example:${sandbox.port}`, origin: `http://attacker.example:${sandbox.port}` },
      ]);
      const res = await send(`${label} from ${JSON.stringify(foreign)}`, endpoint.method, `${path()}${endpoint.query ? `?${endpoint.query}` : ''}`, {
        headers: { ...baseHeaders(), ...foreign },
        body: endpoint.method === 'POST' ? JSON.stringify(endpoint.template) : undefined,
      });
      if (res.status !== 403) failures.push(`${label} from ${JSON.stringify(foreign)}: ${res.status}, expected 403`);
    }

    // Paths that name nothing, or do not decode.
    for (let i = 0; i < 20; i++) {
      const path = `/${rng.pick(['api/v1/', 'api/v1/_sandbox/', '_sandbox/', '', 'api/'])}${badSegment(rng)}${rng.chance(0.5) ? `/${badSegment(rng)}` : ''}`;
      const res = await send(`path ${path.slice(0, 60)}`, rng.pick(['GET', 'POST']), path, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
        body: '{}',
      });
      if (res.status !== 400 && res.status !== 404) failures.push(`path ${path.slice(0, 60)}: ${res.status}`);
    }
    // A body over the limit.
    const big = await send('an oversized usage record', 'POST', '/api/v1/usage-records', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
      body: JSON.stringify({ ...usageRecord, caseNo: 'x'.repeat(1_100_000) }),
    });
    if (big.status !== 413) failures.push(`an oversized usage record: ${big.status}`);

    expect(failures, `seed ${FUZZ_SEED}`).toEqual([]);
    expect(internalErrors, `seed ${FUZZ_SEED}`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(250);

    // The sandbox goes on: it signs in, takes a record, serves the catalog; the faults are as they were.
    const json = { 'content-type': 'application/json' };
    const signIn = await rawRequest(sandbox.port, 'POST', '/api/v1/sessions', {
      headers: json,
      body: JSON.stringify({ username: 'clerk02', password: 'demo', workstationId: 'WS-FUZZ' }),
    });
    expect(signIn.status).toBe(201);
    const bearer = { authorization: `Bearer ${signIn.json.token as string}` };
    const record = await rawRequest(sandbox.port, 'POST', '/api/v1/usage-records', {
      headers: { ...json, ...bearer, 'idempotency-key': 'fuzz-follow-up' },
      body: JSON.stringify(usageRecord),
    });
    expect(record.status).toBe(201);
    expect((await rawRequest(sandbox.port, 'GET', '/api/v1/catalog', { headers: bearer })).status).toBe(200);
    expect((await rawRequest(sandbox.port, 'GET', '/api/v1/_sandbox/faults')).json).toEqual({ latencyMs: 0, errorRate: 0, down: false });
    expect((await rawRequest(sandbox.port, 'GET', `/_sandbox/phone/${HOLDER}`)).status).toBe(200);
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
