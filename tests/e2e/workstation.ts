import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

/** A workstation started exactly as `npm start` starts it, on its own data folder. */
export interface RunningWorkstation {
  /** The printed WORKSTATION_URL, with its secret. */
  url: string;
  origin: string;
  secret: string;
  sandboxUrl: string;
  dataDir: string;
  process: ChildProcess;
}

/** Starts `tsx electron/host/cli.ts --port 0 --data <tmp>` and waits for its two URL lines. */
export async function startWorkstation(extraArgs: string[] = []): Promise<RunningWorkstation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workstation-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', '--port', '0', '--data', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIBRARY_URL: '' },
  });
  let output = '';
  const found = await new Promise<{ url: string; sandboxUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workstation did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^WORKSTATION_URL=(\S+)$/m.exec(output)?.[1];
      const sandboxUrl = /^SANDBOX_URL=(\S+)$/m.exec(output)?.[1];
      if (url && sandboxUrl) {
        clearTimeout(timer);
        resolve({ url, sandboxUrl });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`workstation exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(found.url);
  return {
    url: found.url,
    origin: parsed.origin,
    secret: parsed.searchParams.get('key') ?? '',
    sandboxUrl: found.sandboxUrl,
    dataDir,
    process: child,
  };
}

/** Stops a workstation and removes its data folder. */
export async function stopWorkstation(ws: RunningWorkstation): Promise<void> {
  if (ws.process.exitCode === null) {
    const exited = new Promise((resolve) => ws.process.once('exit', resolve));
    ws.process.kill('SIGTERM');
    await exited;
  }
  rmSync(ws.dataDir, { recursive: true, force: true });
}

/** Signs in through the sign-in page, as a clerk would. */
export async function signIn(page: Page, ws: RunningWorkstation, username: string, password = 'demo'): Promise<void> {
  await page.goto(ws.url);
  await page.getByPlaceholder('请输入工号').fill(username);
  await page.getByPlaceholder('请输入密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('operator')).toBeVisible();
}

/** A test with one workstation per worker (starting one costs a sandbox seed). */
export const test = base.extend<object, { workstation: RunningWorkstation }>({
  workstation: [
    async ({}, use) => {
      const ws = await startWorkstation();
      await use(ws);
      await stopWorkstation(ws);
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

export { expect };

/** A host call's raw HTTP answer. */
export interface RawAnswer {
  status: number;
  body: { ok?: boolean; error?: { code: string; message: string }; value?: unknown };
}

/** A host call with full control over the headers a browser would set. */
export function rawHostCall(ws: RunningWorkstation, name: string, headers: Record<string, string>, body = '{}'): Promise<RawAnswer> {
  const { port } = new URL(ws.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: Number(port), path: `/host/${name}`, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Ends the host's operator session, so that each test starts at the sign-in page. */
export async function signOutAll(ws: RunningWorkstation): Promise<void> {
  await rawHostCall(ws, 'session.signOut', { origin: ws.origin, 'x-workstation-key': ws.secret });
}
