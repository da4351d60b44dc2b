import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type BrowserContext, type Page } from '@playwright/test';
import { CONTEXT_OPTIONS, fullHolder, gunScan, MATTERS, mintToken, startCase, waitForPulls } from './counter-helpers';
import { startScript, stopScript } from './host-process';
import { callFromPage } from './supervision-fixtures';
import { expect, signIn, signOut, type RunningWorkstation } from './workstation';

// Issue 13's "done when": on a clean clone `npm start` shows the 全厅 scope working out of the
// box with the embedded hall. The workstation is started exactly as `npm start` starts it — no
// library (the embedded sandbox, where every case is a training case), no --hall (the embedded
// hall, which the workstation enrols with by itself) — and a case completed in the demo is
// counted in 全厅, marked 培训数据 as 本机 marks it, and drawn by the 全厅 随机抽查.

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const dataDir = mkdtempSync(join(tmpdir(), 'hall-demo-e2e-'));
let host: ChildProcess;
let ws: RunningWorkstation;
let output: () => string = () => '';
let context: BrowserContext;
let page: Page;
let caseNo = '';
let workstationId = '';

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  const started = await startScript(
    'electron/host/cli.ts',
    ['--port', '0', '--data', dataDir],
    [/^WORKSTATION_URL=(\S+)$/m, /^SANDBOX_URL=(\S+)$/m, /^HALL_URL=(\S+)$/m],
    'workstation as npm start runs it',
    150_000,
  );
  host = started.child;
  output = started.output;
  const [url, sandboxUrl] = started.values as [string, string];
  const parsed = new URL(url);
  ws = { url, origin: parsed.origin, secret: parsed.searchParams.get('key') ?? '', sandboxUrl, dataDir, process: host };
  context = await browser.newContext(CONTEXT_OPTIONS);
  page = await context.newPage();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(`---- workstation\n${output()}`);
});

test.afterAll(async () => {
  await context?.close();
  if (host) await stopScript(host);
  rmSync(dataDir, { recursive: true, force: true });
});

/** The 全厅 dashboard's value of a card, refreshed until it shows `expected` (the sync sends within seconds). */
async function expectHallCard(key: string, expected: string): Promise<void> {
  await expect(async () => {
    await page.getByTestId('hall-dash-refresh').click();
    await expect(page.getByTestId('hall-dash-refresh')).not.toHaveClass(/is-loading/);
    await expect(page.getByTestId(`hall-dash-${key}`).getByTestId('value')).toHaveText(expected, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

test('a clerk completes a case in the demo; the header shows the embedded hall online', async () => {
  await signIn(page, ws, 'clerk01');
  await expect(page.getByTestId('counter-page')).toBeVisible();
  // The sandbox's 演示/培训 mark, and beside it the embedded hall's link.
  await expect(page.getByTestId('training-banner')).toBeVisible();
  await expect(page.getByTestId('hall-link')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  workstationId = ((await callFromPage(page, 'app.info')).value as { workstationId: string }).workstationId;

  caseNo = await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(ws, (await fullHolder(ws)).idNumber));
  await waitForPulls(page);
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  await expect(page.getByTestId('hall-last-sync')).toContainText('最近同步', { timeout: 30_000 });

  // A clerk gets none of the hall's supervision data: the host refuses, and there is no 全厅 to switch to.
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  expect(await callFromPage(page, 'hall.dashboard', { from: today, to: today })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  await signOut(page);
});

test('the supervisor’s 统计 in 全厅 counts the training case, marked 培训数据 as in 本机', async () => {
  await signIn(page, ws, 'super01');
  await page.goto(`${ws.origin}/#/supervision?scope=hall&tab=dashboard`);
  await expect(page.getByTestId('scope-switch')).toBeVisible();
  await expect(page.getByTestId('hall-dashboard')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('hall-error')).toHaveCount(0);
  await expectHallCard('cases', '1');
  const marked = page.getByTestId('hall-dashboard').getByTestId('training-data');
  await expect(marked).toContainText('培训数据');
  await expect(marked).toContainText('培训办件');
  await expect(page.getByTestId('hall-dash-windows').getByTestId('value')).toHaveText('1');
  await expect(page.getByTestId('hall-by-window').locator('tbody tr')).toHaveText([new RegExp(`^${workstationId}\\s*1`)]);
  await expect(page.getByTestId('hall-by-clerk').locator('tbody tr')).toHaveCount(1);

  // 本机 shows the same case, marked the same way.
  await page.getByTestId('scope-local').click();
  await expect(page.getByTestId('training-data')).toContainText('培训数据');
  await expect(page.getByTestId('dash-cases').getByTestId('value')).toHaveText('1');
});

test('设置 shows the embedded hall, which cannot be left (it is the workstation’s own), and the host refuses to', async () => {
  await page.goto(`${ws.origin}/#/settings`);
  await expect(page.getByTestId('hall-settings')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('hall-status')).toContainText('内置大厅');
  await expect(page.getByTestId('hall-enrol-form')).toBeVisible();
  await expect(page.getByTestId('hall-leave')).toHaveCount(0);
  await expect(page.getByTestId('hall-replace-hint')).toHaveCount(0);
  expect(await callFromPage(page, 'hall.leave', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { reason: 'embedded_hall' } } });
});

test('the 全厅 随机抽查 draws the training case, and the review is marked 培训数据', async () => {
  await page.goto(`${ws.origin}/#/supervision?scope=hall&tab=review`);
  await expect(page.getByTestId('hall-review')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('hall-review').getByTestId('training-data')).toContainText('培训数据');
  await page.getByTestId('hall-review-size').locator('input').fill('1');
  await page.getByTestId('hall-review-draw').click();
  await expect(page.getByTestId('hall-error')).toHaveCount(0);
  await expect(page.getByTestId('hall-review-notice')).toBeVisible();
  await expect(page.getByTestId('hall-review-picked')).toContainText(`${workstationId}/${caseNo}`);
  await expect(page.getByTestId('hall-reviews').locator('tbody tr').first()).toContainText('培训数据');
  await page.getByTestId('hall-review-check').click();
  await expect(page.getByTestId('hall-review-reproduced')).toHaveAttribute('data-reproduced', 'true');
});
