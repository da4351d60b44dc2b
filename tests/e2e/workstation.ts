import { request as httpRequest } from 'node:http';
import { test as base, expect, type Page } from '@playwright/test';

import { startWorkstation, stopWorkstation, type RunningWorkstation } from './host-process';

export { startWorkstation, stopWorkstation, type RunningWorkstation };

/** Signs in through the sign-in page, as a clerk would. */
export async function signIn(page: Page, ws: RunningWorkstation, username: string, password = 'demo'): Promise<void> {
  await page.goto(ws.url);
  await page.getByPlaceholder('请输入工号').fill(username);
  await page.getByPlaceholder('请输入密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('operator')).toBeVisible();
}

/**
 * Signs out through the shell and waits for the sign-in page: the host session has ended then,
 * so a navigation or a next test that follows cannot find the operator still signed in.
 */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
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
