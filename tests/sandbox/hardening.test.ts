import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { sm3Hex } from '../../shared/sm';
import { MAX_JSON_DEPTH } from '../../shared/json-depth';
import { MAX_TOKEN_TTL_SECONDS } from '../../shared/library-api';
import { signToken } from '../../shared/token';
import { loadKeys, PLATFORM_KID } from '../../sandbox/keys';
import { openSandbox, tempDir, type TestSandbox } from './helpers';
import { deepJson, rawRequest } from '../support/raw-http';

let sandbox: TestSandbox;
let auth: string;

const HOTEL = 'SH-JD-RZ-104';
const HOLDER = { idType: '111' as const, idNumber: '310115199709281086', name: '董琳' };
const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T';
const citizen = { idType: '111', idNumber: '11010519491231002X', name: '张伟' };
const usageRecord = (caseNo: string) => ({
  caseNo,
  matterCode: HOTEL,
  grantId: null,
  holder: citizen,
  operatorId: 'OP',
  workstationId: 'WS',
  completedAt: '2026-11-26T02:00:00Z',
  training: true,
  materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'elderly' }],
});
const objection = (id: string) => ({
  id,
  licenceId: LICENCE,
  dimension: 'accuracy',
  fields: [],
  description: '照面信息有误',
  filedBy: { operatorId: 'OP', role: 'clerk' },
  filedAt: '2026-11-26T02:00:00Z',
  evidence: [],
});

beforeAll(async () => {
  sandbox = await openSandbox();
  auth = await sandbox.signIn();
});
afterAll(async () => {
  await sandbox.stop();
});

const json = { 'content-type': 'application/json' };
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  rawRequest(sandbox.port, 'POST', path, { body, headers: { ...json, ...headers } });
const usageRecords = async () => (await sandbox.call('GET', '/api/v1/_sandbox/usage-records')).json.usageRecords as Array<{ id: string; caseNo: string }>;

/** Every POST the sandbox serves, with a body that passes its schema (the deep body replaces it). */
function postEndpoints(): Array<{ path: string; headers: Record<string, string> }> {
  const bearer = { authorization: `Bearer ${auth}` };
  return [
    { path: '/api/v1/sessions', headers: {} },
    { path: '/api/v1/usage-records', headers: bearer },
    { path: '/api/v1/objections', headers: bearer },
    { path: '/api/v1/authorizations/redeem', headers: bearer },
    { path: '/api/v1/authorizations/duty', headers: bearer },
    { path: '/api/v1/licences/query', headers: bearer },
    { path: `/api/v1/_sandbox/holders/${HOLDER.idNumber}/token`, headers: {} },
    { path: '/api/v1/_sandbox/objections/OBJ-1/resolve', headers: {} },
    { path: `/api/v1/_sandbox/licences/${LICENCE}/status`, headers: {} },
    { path: '/api/v1/_sandbox/faults', headers: {} },
    { path: '/api/v1/_sandbox/reset', headers: {} },
  ];
}

describe('a body nested too deep', () => {
  it('is refused with 400 on every POST, with or without an Idempotency-Key, before anything else', async () => {
    for (const { path, headers } of postEndpoints()) {
      for (const depth of [MAX_JSON_DEPTH + 1, 5_000]) {
        for (const key of [{}, { 'idempotency-key': `deep-${depth}` }] as Array<Record<string, string>>) {
          const res = await post(path, deepJson(depth), { ...headers, ...key });
          expect([path, depth, res.status, res.json?.error?.code]).toEqual([path, depth, 400, 'BAD_REQUEST']);
          expect(res.json.error.message).toContain('嵌套');
        }
      }
    }
    // At the limit it is an ordinary body: the schema judges it (and says why), not the depth check.
    const atLimit = await post('/api/v1/usage-records', deepJson(MAX_JSON_DEPTH), { authorization: `Bearer ${auth}`, 'idempotency-key': 'at-limit' });
    expect(atLimit.status).toBe(400);
    expect(atLimit.json.error.message).not.toContain('嵌套');
    expect(await usageRecords()).toEqual([]);
    // The sandbox still works.
    expect((await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: usageRecord('DEEP-AFTER') })).status).toBe(201);
    await sandbox.call('POST', '/api/v1/_sandbox/reset');
  });
});

describe('a number beyond a double', () => {
  it('is a 400 on every POST with an Idempotency-Key, not a 500 from canonicalising Infinity', async () => {
    for (const { path, headers } of postEndpoints()) {
      const res = await post(path, '{"a":1e99999}', { ...headers, 'idempotency-key': 'huge-number' });
      expect([path, res.status, res.json?.error?.code]).toEqual([path, 400, 'BAD_REQUEST']);
    }
  });
});

describe('malformed URLs', () => {
  it('are a 400, never a 500', async () => {
    for (const path of [
      '/%',
      '/%E0%A4%A',
      '/api/v1/%',
      '/api/v1/_sandbox/%E0%A4%A',
      '/_sandbox/phone/%',
      '/..%c0%af..%c0%afpackage.json',
      '/api/v1/licences/%E0%A4%A/file',
    ]) {
      const res = await rawRequest(sandbox.port, 'GET', path, { headers: { authorization: `Bearer ${auth}` } });
      expect([path, res.status]).toEqual([path, 400]);
    }
    const res = await rawRequest(sandbox.port, 'POST', '/api/v1/usage%', { headers: { ...json, authorization: `Bearer ${auth}` }, body: '{}' });
    expect(res.status).toBe(400);
  });
});

describe('Idempotency-Key is matched on the normalised route', () => {
  it('another spelling of the route is the same call: a different body is 409, the same body replays', async () => {
    const bearer = { authorization: `Bearer ${auth}`, 'idempotency-key': 'spelling-key-1' };
    const first = await post('/api/v1/usage-records', JSON.stringify(usageRecord('SPELL-1')), bearer);
    expect(first.status).toBe(201);
    for (const path of [
      '/api/v1/usage-records/',
      '//api/v1/usage-records',
      '/api/v1//usage-records',
      '/api/v1/usage%2Drecords',
      '/api/v1/usage%2drecords/',
      '/api/%76%31/usage-records',
      '/api/v1/usage-records?x=1',
    ]) {
      const other = await post(path, JSON.stringify(usageRecord(`SPELL-${path.length}`)), bearer);
      expect([path, other.status, other.json?.error?.code]).toEqual([path, 409, 'CONFLICT']);
      const replay = await post(path, JSON.stringify(usageRecord('SPELL-1')), bearer);
      expect([path, replay.status, replay.json]).toEqual([path, 200, first.json]);
    }
    expect((await usageRecords()).map((record) => record.caseNo)).toEqual(['SPELL-1']);
    // The method is part of the call: a GET is no replay of the POST.
    expect((await rawRequest(sandbox.port, 'GET', '/api/v1/usage-records', { headers: bearer })).status).toBe(404);
    await sandbox.call('POST', '/api/v1/_sandbox/reset');
  });
});

describe('the sandbox checks Host and Origin', () => {
  const reset = (headers: Record<string, string>) => post('/api/v1/_sandbox/reset', '', headers);

  it('refuses a request from another origin or for another host name, and changes nothing', async () => {
    expect((await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: usageRecord('KEEP-1') })).status).toBe(201);
    const own = `http://127.0.0.1:${sandbox.port}`;
    const refused: Array<Record<string, string>> = [
      { origin: 'http://evil.example', host: 'evil.example' },
      { host: 'evil.example' },
      { host: `evil.example:${sandbox.port}` },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${sandbox.port + 1}` },
      { origin: `https://127.0.0.1:${sandbox.port}` },
      { origin: own, host: 'evil.example' },
    ];
    for (const headers of refused) {
      const res = await reset(headers);
      expect([headers, res.status, res.json?.error?.code]).toEqual([headers, 403, 'FORBIDDEN']);
      expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
    // The library API and the phone page alike.
    const signIn = JSON.stringify({ username: 'clerk01', password: 'demo', workstationId: 'WS-EVIL' });
    expect((await post('/api/v1/sessions', signIn, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('/api/v1/_sandbox/faults', '{"down":true}', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawRequest(sandbox.port, 'GET', `/_sandbox/phone/${HOLDER.idNumber}`, { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await rawRequest(sandbox.port, 'GET', '/api/v1/_sandbox/holders', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/faults')).json.down).toBe(false);
    expect((await usageRecords()).map((record) => record.caseNo)).toEqual(['KEEP-1']);
  });

  it('serves its own pages, its own origin and clients that send no Origin (curl, the host)', async () => {
    const page = await rawRequest(sandbox.port, 'GET', `/_sandbox/phone/${HOLDER.idNumber}`);
    expect(page.status).toBe(200);
    expect((await rawRequest(sandbox.port, 'GET', `/_sandbox/phone/${HOLDER.idNumber}`, { headers: { host: `localhost:${sandbox.port}` } })).status).toBe(200);
    expect((await reset({ origin: `http://127.0.0.1:${sandbox.port}` })).status).toBe(200);
    expect((await reset({ origin: `http://localhost:${sandbox.port}`, host: `localhost:${sandbox.port}` })).status).toBe(200);
    expect((await reset({})).status).toBe(200);
    expect(await usageRecords()).toEqual([]);
  });
});

describe('credentials and tokens never go into the idempotency table', () => {
  /** Every row of every table but the session store itself, as text. */
  function storedText(): string {
    const db = new Database(join(sandbox.dataDir, 'sandbox.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sessions'").all() as Array<{ name: string }>).map(
        (row) => row.name,
      );
      return tables.map((name) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
    } finally {
      db.close();
    }
  }

  it('a sign-in with an Idempotency-Key stores neither the password nor the bearer token, and a repeat is a new session', async () => {
    const password = 'demo';
    const body = JSON.stringify({ username: 'clerk02', password, workstationId: 'WS-IDEM-01' });
    const first = await post('/api/v1/sessions', body, { 'idempotency-key': 'sign-in-key-1' });
    expect(first.status).toBe(201);
    const again = await post('/api/v1/sessions', body, { 'idempotency-key': 'sign-in-key-1' });
    expect(again.status).toBe(201);
    expect(again.json.token).not.toBe(first.json.token);
    const text = storedText();
    expect(text).not.toContain(first.json.token);
    expect(text).not.toContain(again.json.token);
    expect(text).not.toContain('"password"');
    expect(text).not.toContain(canonicalJson(JSON.parse(body)));
    // Both sessions work.
    expect((await sandbox.call('GET', '/api/v1/matters', { token: first.json.token })).status).toBe(200);
    expect((await sandbox.call('GET', '/api/v1/matters', { token: again.json.token })).status).toBe(200);
  });

  it('a redeemed 亮证码 sent with an Idempotency-Key is not kept, yet the replay still answers the same grant', async () => {
    const token = await sandbox.mint(HOLDER.idNumber);
    const body = JSON.stringify({ token, matterCode: HOTEL, caseNo: 'IDEM-REDEEM-1' });
    const headers = { authorization: `Bearer ${auth}`, 'idempotency-key': 'redeem-key-1' };
    const first = await post('/api/v1/authorizations/redeem', body, headers);
    expect(first.status).toBe(201);
    const replay = await post('/api/v1/authorizations/redeem', body, headers);
    expect([replay.status, replay.json]).toEqual([200, first.json]);
    expect(storedText()).not.toContain(token);
    // Minting with a key hands out a fresh token each time, and keeps none.
    const minted = await post(`/api/v1/_sandbox/holders/${HOLDER.idNumber}/token`, '{}', { 'idempotency-key': 'mint-key-1' });
    const mintedAgain = await post(`/api/v1/_sandbox/holders/${HOLDER.idNumber}/token`, '{}', { 'idempotency-key': 'mint-key-1' });
    expect([minted.status, mintedAgain.status]).toEqual([200, 200]);
    expect(mintedAgain.json.token).not.toBe(minted.json.token);
    expect(storedText()).not.toContain(minted.json.token);
    await sandbox.call('POST', '/api/v1/_sandbox/reset');
  });
});

describe('a data folder from before', () => {
  it('loses the credentials its old idempotency table kept, and still replays the other results', async () => {
    const dir = tempDir();
    try {
      const first = await openSandbox(dir, true);
      await first.stop();
      const record = usageRecord('OLD-1');
      const stored = { id: 'UR-OLD-1' };
      const db = new Database(join(dir, 'sandbox.sqlite'));
      db.exec('CREATE TABLE idempotency (path TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, response TEXT NOT NULL, PRIMARY KEY (path, key))');
      const insert = db.prepare('INSERT INTO idempotency VALUES (?, ?, ?, ?)');
      insert.run(
        '/api/v1/sessions',
        'old-sign-in',
        canonicalJson({ password: 'demo', username: 'clerk01', workstationId: 'WS' }),
        JSON.stringify({ token: 'old-bearer-token-0123456789' }),
      );
      insert.run('/api/v1/_sandbox/holders/310115199709281086/token', 'old-mint', '{}', JSON.stringify({ token: 'EL1.old.token' }));
      insert.run('/api/v1/usage-records/', 'old-record', canonicalJson(record), JSON.stringify(stored));
      db.close();

      const second = await openSandbox(dir, true);
      const auth2 = await second.signIn();
      const db2 = new Database(join(dir, 'sandbox.sqlite'), { readonly: true });
      const tables = (db2.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name);
      const rows = db2.prepare('SELECT * FROM idempotent_results').all();
      db2.close();
      expect(tables).not.toContain('idempotency');
      expect(rows).toEqual([
        { route: 'POST /api/v1/usage-records', key: 'old-record', body_hash: sm3Hex(canonicalJson(record)), response: JSON.stringify(stored) },
      ]);
      const replay = await second.call('POST', '/api/v1/usage-records', { token: auth2, body: record, headers: { 'idempotency-key': 'old-record' } });
      expect([replay.status, replay.json]).toEqual([200, stored]);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dates that do not exist', () => {
  it('are refused wherever the API reads a date or a time', async () => {
    for (const completedAt of [
      '2026-02-30T02:00:00Z',
      '2026-02-29T02:00:00Z',
      '2026-04-31T02:00:00Z',
      '2026-13-01T02:00:00Z',
      '2026-02-28T24:00:00Z',
      '2026-02-28T23:60:00Z',
      '2026-02-28T23:59:60Z',
    ]) {
      const res = await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...usageRecord('DATE-1'), completedAt } });
      expect([completedAt, res.status, res.json?.error?.code]).toEqual([completedAt, 400, 'BAD_REQUEST']);
    }
    expect(
      (await sandbox.call('POST', '/api/v1/objections', { token: auth, body: { ...objection('OBJ-DATE'), filedAt: '2026-02-30T00:00:00Z' } })).status,
    ).toBe(400);
    expect((await sandbox.call('GET', '/api/v1/objections?since=2026-02-30T00:00:00Z', { token: auth })).status).toBe(400);
    expect(await usageRecords()).toEqual([]);
    // A real leap day is a date.
    expect(
      (await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...usageRecord('DATE-2'), completedAt: '2028-02-29T23:59:59Z' } })).status,
    ).toBe(201);
    expect((await sandbox.call('GET', '/api/v1/objections?since=2028-02-29T00:00:00Z', { token: auth })).status).toBe(200);
    await sandbox.call('POST', '/api/v1/_sandbox/reset');
  });
});

describe('a token valid longer than the API allows', () => {
  function platformToken(iat: number, exp: number, jti: string): string {
    const key = loadKeys(sandbox.dataDir)!.find((item) => item.kid === PLATFORM_KID)!;
    return signToken({ v: 1, kid: PLATFORM_KID, holder: HOLDER, scope: '*', iat, exp, jti }, key.privateKey, key.publicKey);
  }
  const redeem = (token: string, caseNo: string) =>
    sandbox.call('POST', '/api/v1/authorizations/redeem', { token: auth, body: { token, matterCode: HOTEL, caseNo } });

  it('is refused as TOKEN_INVALID, however well signed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      { iat: now, exp: now + 3_600, why: 'an hour' },
      { iat: now - 60, exp: now + MAX_TOKEN_TTL_SECONDS, why: '601 s' },
      { iat: now + 3_000, exp: now + 3_300, why: 'dated in the future' },
      { iat: now + 10, exp: now + 5, why: 'expiring before it was issued' },
    ];
    for (const { iat, exp, why } of cases) {
      const res = await redeem(platformToken(iat, exp, `long-${why}`), `LONG-${iat}`);
      expect([why, res.status, res.json?.error?.code]).toEqual([why, 400, 'TOKEN_INVALID']);
    }
    // The longest the API allows is fine.
    const longest = await redeem(platformToken(now - 10, now - 10 + MAX_TOKEN_TTL_SECONDS, 'longest'), 'LONGEST');
    expect(longest.status).toBe(201);
  });
});
