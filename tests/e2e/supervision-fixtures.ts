import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { startScript, stopScript } from './host-process';
import { expect, signIn, type RunningWorkstation } from './workstation';

/**
 * A workstation on a configured library (a sandbox started on its own, its root key pinned),
 * as a hall runs it in production: its cases are not training cases, so they count.
 */
export async function startLibraryWorkstation(): Promise<RunningWorkstation & { library: ChildProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'supervision-e2e-'));
  const library = await startScript('sandbox/cli.ts', ['--port', '0', '--data', join(dataDir, 'library')], [/^SANDBOX_URL=(\S+)$/m], 'library sandbox');
  const [libraryUrl] = library.values as [string];
  const root = (await (await fetch(`${libraryUrl}/api/v1/trust/root`)).json()) as { kid: string; publicKey: string };
  const host = await startScript(
    'electron/host/cli.ts',
    ['--port', '0', '--data', join(dataDir, 'host'), '--library', libraryUrl, '--root-key', `${root.kid}:${root.publicKey}`],
    [/^WORKSTATION_URL=(\S+)$/m],
    'workstation',
  );
  const [url] = host.values as [string];
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    secret: parsed.searchParams.get('key') ?? '',
    sandboxUrl: libraryUrl,
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
      await stopScript(ws.process);
      await stopScript(ws.library);
      rmSync(ws.dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

/** Signs in on the sign-in page of an open page (the shared helper, under the name these specs use). */
export const signInAs = (page: Page, ws: RunningWorkstation, username: string): Promise<void> => signIn(page, ws, username);

/** A host call from the page itself, with the tab's secret, as the renderer makes it. */
export function callFromPage(
  page: Page,
  name: string,
  input: unknown = {},
): Promise<{ ok: boolean; error?: { code: string; message: string }; value?: unknown }> {
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
