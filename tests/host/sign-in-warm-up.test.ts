import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { embeddedSandbox, type EmbeddedSandbox } from '../../electron/host/embedded-sandbox';
import { createHost, type Host, type LibraryTarget } from '../../electron/host/host';

// The library as seen through a gate: the trust list, the catalog and the usage lists wait until
// the test opens it, as they would on a slow link; everything else passes at once.
const GATED = /^\/api\/v1\/(trust|catalog|matters)$/;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let dir: string;
let sandbox: EmbeddedSandbox;
let target: LibraryTarget;
let proxy: Server;
let host: Host;
let openGate: () => void;
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sign-in-warm-up-'));
  sandbox = embeddedSandbox(dir);
  target = await sandbox.open();
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  proxy = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push(`${req.method} ${path}`);
      const payload = await body(req);
      if (GATED.test(path)) await gate;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      const answer = await fetch(`${target.url}${req.url}`, { method: req.method, headers, body: payload.length > 0 ? new Uint8Array(payload) : undefined });
      const out = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
        ...(answer.headers.get('etag') ? { etag: answer.headers.get('etag')! } : {}),
      });
      res.end(out);
    })();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  host = await createHost({
    version: 'test',
    transport: 'browser',
    dataDir: dir,
    settings: { libraryUrl: null, rootKey: null, workstationId: 'WS-TEST-01', paperRetentionDays: 30 },
    settingsFile: null,
    openSandbox: async () => ({ url, rootKey: target.rootKey }),
  });
});

afterAll(async () => {
  openGate?.();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (name: string, input: unknown) => dispatchHostCall(host.handlers, host.currentOperator, name, input);
const count = (what: string) => requests.filter((r) => r === what).length;

describe('an online sign-in', () => {
  it('answers once the library has accepted the password, while the trust list, catalog and usage lists load behind it', async () => {
    const signedIn = await Promise.race([
      call('session.signIn', { username: 'clerk01', password: 'demo' }),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000)),
    ]);
    expect(signedIn).toMatchObject({ ok: true, value: { offline: false, operator: { role: 'clerk' } } });
    // The warm-up has asked the library for all three already.
    await expect.poll(() => [count('GET /api/v1/trust'), count('GET /api/v1/catalog'), count('GET /api/v1/matters')]).toEqual([1, 1, 1]);
  });

  it('the counter’s requests for the usage lists and the catalog join the ones under way', async () => {
    // The shell and the counter page both ask, as they do on arriving at the counter.
    const matters = call('matters.get', {});
    const mattersAgain = call('matters.get', {});
    const catalog = call('catalog.get', {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    openGate();
    expect(await matters).toMatchObject({ ok: true });
    expect(await mattersAgain).toMatchObject({ ok: true });
    expect(await catalog).toMatchObject({ ok: true });
    expect([count('GET /api/v1/catalog'), count('GET /api/v1/matters')]).toEqual([1, 1]);
    // A later request asks the library again: nothing is served from memory unasked.
    expect(await call('matters.get', {})).toMatchObject({ ok: true });
    expect(count('GET /api/v1/matters')).toBe(2);
  });

  it('leaves the trust list in place for reading a 亮证码, and the verifier for signing in offline', async () => {
    const holders = (await (await fetch(`${target.url}/api/v1/_sandbox/holders`)).json()) as Array<{ idNumber: string; note: string | null; kind: string }>;
    const holder = holders.find((h) => h.kind === 'natural_person' && h.note === null)!;
    const { token } = (await (
      await fetch(`${target.url}/api/v1/_sandbox/holders/${holder.idNumber}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { token: string };
    await fetch(`${target.url}/api/v1/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: true }),
    });
    try {
      expect(await call('token.inspect', { token })).toMatchObject({ ok: true, value: { holder: { idNumber: holder.idNumber } } });
      await call('session.signOut', {});
      expect(await call('session.signIn', { username: 'clerk01', password: 'demo' })).toMatchObject({ ok: true, value: { offline: true } });
    } finally {
      await fetch(`${target.url}/api/v1/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ down: false }),
      });
    }
  });
});
