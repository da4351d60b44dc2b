import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Grant, Matter, MattersResponse, SandboxHolder, TrustList } from '../../shared/library-api';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';

/** A sandbox on port 0 over a fresh temp folder, with a clock the test can move. */
export interface TestSandbox extends RunningSandbox {
  dataDir: string;
  advance(seconds: number): void;
  call(
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string | Uint8Array; token?: string; headers?: Record<string, string> },
  ): Promise<CallResult>;
  signIn(username?: string): Promise<string>;
  holders(): Promise<SandboxHolder[]>;
  matter(code: string): Promise<Matter>;
  trust(): Promise<TrustList>;
  mint(idNumber: string, body?: unknown): Promise<string>;
  redeem(auth: string, token: string, matterCode: string, caseNo?: string): Promise<Grant>;
  stop(): Promise<void>;
}

/** A response as the tests read it; the tests check its JSON field by field, so it stays loosely typed. */
export interface CallResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions, not the code under test, judge the shape
  json: any;
  headers: Headers;
}

let counter = 0;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sandbox-test-'));
}

export async function openSandbox(dataDir = tempDir(), keep = false): Promise<TestSandbox> {
  let offset = 0;
  const running = await startSandbox({
    dataDir,
    now: () => new Date(Date.now() + offset),
    log: (line) => {
      if (line.includes('internal error')) console.error(line);
    },
  });
  const call: TestSandbox['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${running.url}${path}`, { method, headers, body: body as BodyInit | undefined });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  };
  const sandbox: TestSandbox = {
    ...running,
    dataDir,
    advance(seconds) {
      offset += seconds * 1000;
    },
    call,
    async signIn(username = 'clerk01') {
      const res = await call('POST', '/api/v1/sessions', { body: { username, password: 'demo', workstationId: 'WS-TEST-01' } });
      if (res.status !== 201) throw new Error(`sign-in failed: ${res.status}`);
      return res.json.token as string;
    },
    async holders() {
      return (await call('GET', '/api/v1/_sandbox/holders')).json as SandboxHolder[];
    },
    async matter(code) {
      const auth = await sandbox.signIn();
      const matters = (await call('GET', '/api/v1/matters', { token: auth })).json as MattersResponse;
      return matters.matters.find((item) => item.code === code)!;
    },
    async trust() {
      return (await call('GET', '/api/v1/trust')).json as TrustList;
    },
    async mint(idNumber, body = {}) {
      const res = await call('POST', `/api/v1/_sandbox/holders/${idNumber}/token`, { body });
      if (res.status !== 200) throw new Error(`mint failed: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.token as string;
    },
    async redeem(auth, token, matterCode, caseNo = `CASE-${++counter}`) {
      const res = await call('POST', '/api/v1/authorizations/redeem', { token: auth, body: { token, matterCode, caseNo } });
      if (res.status !== 201) throw new Error(`redeem failed: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json as Grant;
    },
    async stop() {
      await running.close();
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return sandbox;
}
