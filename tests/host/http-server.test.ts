import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { SECRET_HEADER, startHttpHost, type HttpHost } from '../../electron/host/http-server';
import { MAX_JSON_DEPTH } from '../../shared/json-depth';
import { deepJson, rawRequest } from '../support/raw-http';
import { startHostRig, type HostRig } from './helpers';

const SECRET = 'test-secret-0123456789';
let rig: HostRig;
let http: HttpHost;
let outside: string;
const unexpected: string[] = [];

beforeAll(async () => {
  rig = await startHostRig();
  // The renderer folder sits inside another folder with a file the server must never hand out.
  outside = mkdtempSync(join(tmpdir(), 'http-host-'));
  writeFileSync(join(outside, 'package.json'), '{"secret": true}');
  const staticDir = join(outside, 'dist-web');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>workstation</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  http = await startHttpHost({
    port: 0,
    staticDir,
    secret: SECRET,
    handlers: rig.host.handlers,
    currentOperator: rig.host.currentOperator,
    onUnexpected: (error, name) => unexpected.push(`${name}: ${String(error)}`),
  });
});
afterAll(async () => {
  await http?.close();
  await rig?.close();
  rmSync(outside, { recursive: true, force: true });
});

const hostHeaders = () => ({ origin: http.origin, [SECRET_HEADER]: SECRET, 'content-type': 'application/json' });
const hostCall = (name: string, body: string) => rawRequest(http.port, 'POST', `/host/${name}`, { headers: hostHeaders(), body });

describe('the browser-mode server and malformed URLs', () => {
  it('answers 400, never 500, to a path that does not decode, and still serves afterwards', async () => {
    const calls = ['/host/%', '/host/%E0%A4%A', '/host/app%2', '/host/..%c0%af..%c0%afapp.info'];
    for (const path of calls) {
      const res = await rawRequest(http.port, 'POST', path, { headers: hostHeaders(), body: '{}' });
      expect([path, res.status, res.json?.error?.code]).toEqual([path, 400, 'BAD_REQUEST']);
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    }
    const undecodable = [
      '/%',
      '/%E0%A4%A',
      '/assets/%',
      '/..%c0%af..%c0%afpackage.json',
      '/assets/%c0%ae%c0%ae/package.json',
      '/%00',
      '/assets/app.js%00.html',
    ];
    // These parse as paths (not as another host's address), and name no file.
    const noFile = ['//[', '//evil.example/assets/app.js', '/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json'];
    for (const path of [...undecodable, ...noFile]) {
      for (const method of ['GET', 'HEAD']) {
        const res = await rawRequest(http.port, method, path);
        expect([method, path, res.status]).toEqual([method, path, undecodable.includes(path) ? 400 : 404]);
        expect(res.text).not.toContain('secret');
      }
    }
    expect(unexpected).toEqual([]);
    expect((await rawRequest(http.port, 'GET', '/')).status).toBe(200);
    expect((await rawRequest(http.port, 'GET', '/assets/app.js')).status).toBe(200);
    const info = await hostCall('app.info', '{}');
    expect([info.status, info.json.ok]).toEqual([200, true]);
  });

  it('still checks Host, Origin and the secret before anything in the path', async () => {
    expect((await rawRequest(http.port, 'POST', '/host/%', { headers: { ...hostHeaders(), host: 'evil.example' }, body: '{}' })).status).toBe(403);
    expect((await rawRequest(http.port, 'POST', '/host/%', { headers: { ...hostHeaders(), origin: 'http://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await rawRequest(http.port, 'POST', '/host/%', { headers: { ...hostHeaders(), [SECRET_HEADER]: 'wrong' }, body: '{}' })).status).toBe(401);
  });
});

describe('a host call nested too deep', () => {
  const objection = (recorded: unknown) => ({
    objection: {
      id: 'OBJ-DEEP-1',
      licenceId: '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T',
      dimension: 'accuracy',
      fields: [{ key: 'address', recorded, claimed: 'x' }],
      description: '照面信息有误',
      filedBy: { operatorId: 'OP', role: 'clerk' },
      filedAt: '2026-11-26T02:00:00Z',
      evidence: [],
    },
  });

  it('is refused with 400 BAD_REQUEST before validation, on every call, at any depth beyond the limit', async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    // Written as text: JSON.stringify itself would overflow on such a value.
    const body = (depth: number) => JSON.stringify(objection('DEEP')).replace('"DEEP"', nested(depth));
    for (const depth of [5_000, 100_000]) {
      const res = await hostCall('objection.submit', body(depth));
      expect([depth, res.status, res.json?.ok, res.json?.error?.code]).toEqual([depth, 400, false, 'BAD_REQUEST']);
      expect(res.json.error.message).toContain('嵌套');
    }
    for (const name of ['objections.submitMany', 'usage.submit', 'session.signIn', 'app.info', 'no.such.call']) {
      const res = await hostCall(name, deepJson(MAX_JSON_DEPTH + 1));
      expect([name, res.status, res.json?.error?.code]).toEqual([name, 400, 'BAD_REQUEST']);
    }
    // Within the limit the contract judges it as usual (a field's value nested 50 deep is allowed JSON).
    const within = await hostCall('objection.submit', body(50));
    expect([within.status, within.json.error.code]).toEqual([200, 'UNAUTHENTICATED']);
    expect(unexpected).toEqual([]);
    expect((await hostCall('session.current', '{}')).json.ok).toBe(true);
  });

  it('is refused on the IPC path too (the dispatcher), cycles included, and the validator never overflows', async () => {
    const deep = JSON.parse(`${'['.repeat(5_000)}${']'.repeat(5_000)}`) as unknown;
    const cyclic: Record<string, unknown> = { key: 'address', claimed: 'x' };
    cyclic.recorded = cyclic;
    for (const input of [objection(deep), objection(cyclic), deep]) {
      const result = await dispatchHostCall(rig.host.handlers, rig.host.currentOperator, 'objection.submit', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });
});
