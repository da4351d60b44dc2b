import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { expect, type RunningWorkstation } from './workstation';

function startProcess(script: string, args: string[], line: RegExp, what: string): Promise<{ child: ChildProcess; value: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIBRARY_URL: '' } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const value = line.exec(output)?.[1];
      if (value) {
        clearTimeout(timer);
        resolve({ child, value });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A workstation on a configured library (a sandbox started on its own, its root key pinned),
 * as a hall runs it in production: its cases are not training cases, so they count.
 */
export async function startLibraryWorkstation(): Promise<RunningWorkstation & { library: ChildProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'supervision-e2e-'));
  const library = await startProcess('sandbox/cli.ts', ['--port', '0', '--data', join(dataDir, 'library')], /^SANDBOX_URL=(\S+)$/m, 'library sandbox');
  const root = (await (await fetch(`${library.value}/api/v1/trust/root`)).json()) as { kid: string; publicKey: string };
  const host = await startProcess(
    'electron/host/cli.ts',
    ['--port', '0', '--data', join(dataDir, 'host'), '--library', library.value, '--root-key', `${root.kid}:${root.publicKey}`],
    /^WORKSTATION_URL=(\S+)$/m,
    'workstation',
  );
  const parsed = new URL(host.value);
  return {
    url: host.value,
    origin: parsed.origin,
    secret: parsed.searchParams.get('key') ?? '',
    sandboxUrl: library.value,
    dataDir,
    process: host.child,
    library: library.child,
  };
}

/** A test whose worker's workstation runs on a configured library, not the embedded sandbox. */
export const libraryTest = base.extend<object, { workstation: RunningWorkstation }>({
  workstation: [
    async ({}, use) => {
      const ws = await startLibraryWorkstation();
      await use(ws);
      await stop(ws.process);
      await stop(ws.library);
      rmSync(ws.dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

/** Signs in on the sign-in page of an open page. */
export async function signInAs(page: Page, ws: RunningWorkstation, username: string): Promise<void> {
  await page.goto(ws.url);
  await page.getByPlaceholder('请输入工号').fill(username);
  await page.getByPlaceholder('请输入密码').fill('demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('operator')).toBeVisible();
}

/** A host call from the page itself, with the tab's secret, as the renderer makes it. */
export function callFromPage(page: Page, name: string, input: unknown = {}): Promise<{ ok: boolean; error?: { code: string; message: string }; value?: unknown }> {
  return page.evaluate(
    async ([callName, body]) => {
      const response = await fetch(`/host/${callName}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-workstation-key': sessionStorage.getItem('workstation.key') ?? '' },
        body: JSON.stringify(body),
      });
      return response.json();
    },
    [name, input] as const,
  );
}

/** Opens a tab of the supervisor's view. */
export async function openSupervision(page: Page, ws: RunningWorkstation, tab: 'dashboard' | 'audit' | 'review' | 'training'): Promise<void> {
  await page.goto(`${ws.origin}/#/supervision?tab=${tab}`);
  await expect(page.getByRole('heading', { name: '值班监督' })).toBeVisible();
}
