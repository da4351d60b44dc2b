import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_HEADER, startHttpHost, type HttpHost } from '../../electron/host/http-server';
import { HOST_CALL_NAMES, hostContract } from '../../shared/contract';
import { brokenBody, FUZZ_SEED, malformedInput, Rng, shapeOf } from '../support/fuzz';
import { rawRequest, type RawAnswer } from '../support/raw-http';
import { startHostRig, type HostRig } from './helpers';

// Malformed requests to every host call — the list comes from shared/contract.ts, so a new call
// is fuzzed without touching this file — through the real browser-mode transport, with a real
// host over a real sandbox. Reproduce a failure with FUZZ_SEED=<seed> (printed with it).
const SECRET = 'fuzz-secret-0123456789abcdef';
const CALLS_PER_NAME = 10;
const BROKEN_BODIES_PER_NAME = 3;
let rig: HostRig;
let http: HttpHost;
let staticDir: string;
const unexpected: string[] = [];

beforeAll(async () => {
  rig = await startHostRig();
  staticDir = mkdtempSync(join(tmpdir(), 'host-fuzz-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>workstation</title>');
  http = await startHttpHost({
    port: 0,
    staticDir,
    secret: SECRET,
    handlers: rig.host.handlers,
    currentOperator: rig.host.currentOperator,
    onUnexpected: (error, name) => unexpected.push(`${name}: ${error instanceof Error ? error.stack : String(error)}`),
  });
});
afterAll(async () => {
  await http?.close();
  await rig?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

const headers = (extra: Record<string, string> = {}) => ({ origin: http.origin, [SECRET_HEADER]: SECRET, 'content-type': 'application/json', ...extra });
const call = (name: string, body: string | Uint8Array, extra: Record<string, string> = {}) =>
  rawRequest(http.port, 'POST', `/host/${name}`, { headers: headers(extra), body });

/** What every answer must be: no 5xx, and no envelope saying the host or the library broke. */
function judge(failures: string[], label: string, res: RawAnswer): void {
  const code: unknown = res.json?.error?.code;
  if (res.status >= 500) failures.push(`${label}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  else if (code === 'INTERNAL' || code === 'LIBRARY_ERROR') failures.push(`${label}: ${String(code)} ${res.json.error.message}`);
}

describe(`fuzzing the host (FUZZ_SEED=${FUZZ_SEED})`, () => {
  it('every call refuses malformed input with BAD_REQUEST: no 5xx, no INTERNAL, no crash, and good calls work after', async () => {
    const rng = new Rng(FUZZ_SEED);
    const failures: string[] = [];
    let sent = 0;
    // Signed in as a supervisor, so that no call stops at a role check before its input is judged.
    const signIn = await call('session.signIn', JSON.stringify({ username: 'super01', password: 'demo' }));
    expect(signIn.json).toMatchObject({ ok: true });

    for (const name of HOST_CALL_NAMES) {
      const spec = hostContract[name];
      const fields = Object.keys(shapeOf(spec.input) ?? {});
      let made = 0;
      for (let tries = 0; made < CALLS_PER_NAME && tries < 20 * CALLS_PER_NAME; tries++) {
        const { value, what } = malformedInput(rng, fields);
        // Only malformed input: a value the contract accepts (`{}` for a call without input, or
        // null, which the dispatcher reads as `{}`) is no probe.
        if (spec.input.safeParse(value ?? {}).success) continue;
        made++;
        const label = `${name} with ${what}`;
        const res = await call(name, JSON.stringify(value));
        sent++;
        judge(failures, label, res);
        if (res.json?.ok !== false || res.json.error?.code !== 'BAD_REQUEST')
          failures.push(`${label}: not refused as BAD_REQUEST: ${res.status} ${res.text.slice(0, 200)}`);
      }
      expect(made, `${name}: generated too few malformed inputs`).toBe(CALLS_PER_NAME);
      for (let i = 0; i < BROKEN_BODIES_PER_NAME; i++) {
        const { body, what } = brokenBody(rng);
        const res = await call(name, body);
        sent++;
        judge(failures, `${name} with ${what}`, res);
        if (res.json?.ok !== false) failures.push(`${name} with ${what}: accepted`);
      }
    }

    // The transport: call names that do not decode or name no call, other methods, missing or
    // wrong credentials, foreign origins and host names, paths that are not files.
    const names = [
      '%',
      '%E0%A4%A',
      '%c0%af',
      'app%2',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '..%2Fapp.info',
      'app.info%00',
      '',
      'app.info/x',
      'x'.repeat(5_000),
      '%F0%9F%98%80',
      'app.info%20',
    ];
    for (const name of names) {
      const res = await call(name, '{}');
      sent++;
      judge(failures, `call name ${name.slice(0, 40)}`, res);
      if (res.json?.ok !== false) failures.push(`call name ${name.slice(0, 40)}: accepted`);
    }
    const probes: Array<[string, string, Record<string, string>, number]> = [
      ['GET', '/host/app.info', headers(), 405],
      ['PUT', '/host/app.info', headers(), 405],
      ['DELETE', '/host/session.signOut', headers(), 405],
      ['POST', '/host/session.signOut', headers({ [SECRET_HEADER]: 'wrong' }), 401],
      ['POST', '/host/session.signOut', { origin: http.origin }, 401],
      ['POST', '/host/session.signOut', headers({ origin: 'http://evil.example' }), 403],
      ['POST', '/host/session.signOut', headers({ origin: 'null' }), 403],
      ['POST', '/host/session.signOut', headers({ host: 'evil.example' }), 403],
      ['POST', '/host/app.info', headers({ host: `localhost:${http.port}` }), 200],
      ['POST', '/host/app.info', headers({ host: `localhost:${http.port}`, origin: `http://localhost:${http.port}` }), 403],
      ['POST', '/', headers(), 405],
    ];
    for (const [method, path, probeHeaders, status] of probes) {
      const res = await rawRequest(http.port, method, path, { headers: probeHeaders, body: '{}' });
      sent++;
      judge(failures, `${method} ${path}`, res);
      if (res.status !== status) failures.push(`${method} ${path} ${JSON.stringify(probeHeaders)}: ${res.status}, expected ${status}`);
    }
    for (let i = 0; i < 20; i++) {
      const path = `/${rng.pick(['assets/', '', '..%2f', 'host', '%2e%2e/'])}${rng.pick(['%', '%E0%A4%A', '%c0%af', '..%c0%af..%c0%afpackage.json', '%00', 'index.html%00', 'a'.repeat(3_000), '%5C..%5C..%5Cpackage.json'])}`;
      const res = await rawRequest(http.port, rng.pick(['GET', 'HEAD']), path);
      sent++;
      judge(failures, `GET ${path.slice(0, 60)}`, res);
      if (res.status !== 400 && res.status !== 404) failures.push(`GET ${path.slice(0, 60)}: ${res.status}`);
    }

    expect(failures, `seed ${FUZZ_SEED}`).toEqual([]);
    expect(unexpected, `seed ${FUZZ_SEED}`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(250);

    // The host goes on: the same operator is signed in, reference data and files still come.
    expect((await call('session.current', '{}')).json).toMatchObject({ ok: true, value: { operator: { id: 'OP-PD-0201', role: 'supervisor' } } });
    expect((await call('matters.get', '{}')).json).toMatchObject({ ok: true });
    expect((await call('settings.get', '{}')).json).toMatchObject({ ok: true, value: { training: true } });
    expect((await rawRequest(http.port, 'GET', '/')).status).toBe(200);
    expect(({}.constructor as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown; role?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { role?: unknown }).role).toBeUndefined();
  });
});
