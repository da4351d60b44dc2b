/**
 * The hall's sync lag, in Debian's Chromium against the real host with its embedded hall (PGlite
 * in the host's data folder, as `npm start` runs it) and a library sandbox started on its own (a
 * configured library, so that cases are production cases, which the dashboard counts):
 *
 * - `hall_sync_lag_ms` (p95 ≤ 2,000): from 办结 (Alt+C at the counter) to the case counted in the
 *   全厅 dashboard — the renderer's sync noticing the new events, journaling the case, pushing
 *   through the host to the hall, the hall's ingest and tally, and the dashboard read. The
 *   dashboard is polled as the hall answers a supervisor at another window (signed with this
 *   workstation's enrolled key, `GET /api/v1/supervision/dashboard`), every POLL_MS.
 *
 * Baseline in the same run, printed beside it: the dashboard read alone (its median), the floor
 * of the measurement. Run: `npm run bench -- hall-sync` (which builds the renderer first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { HallClient } from '../../electron/host/hall-client';
import type { Operator } from '../../shared/contract';
import { shanghaiDate } from '../../shared/shanghai-time';
import { CONTEXT_OPTIONS, fullHolder, gunScan, MATTERS, mintToken, startCase, waitForPulls } from '../e2e/counter-helpers';
import { startScript, stopScript, type RunningWorkstation } from '../e2e/host-process';
import { median, quantile, reportFigures } from './lib';

const ROUNDS = 20;
const POLL_MS = 20;
const SUPERVISOR: Operator = { id: 'OP-BENCH-SUP', name: '监督', role: 'supervisor', unitCode: 'BENCH', unitName: 'bench' };

const root = mkdtempSync(join(tmpdir(), 'hall-sync-bench-'));
const library = await startScript('sandbox/cli.ts', ['--port', '0', '--data', join(root, 'library')], [/^SANDBOX_URL=(\S+)$/m], 'library sandbox');
const [libraryUrl] = library.values as [string];
const key = (await (await fetch(`${libraryUrl}/api/v1/trust/root`)).json()) as { kid: string; publicKey: string };
const hostDir = join(root, 'host');
const host = await startScript(
  'electron/host/cli.ts',
  ['--port', '0', '--data', hostDir, '--library', libraryUrl, '--root-key', `${key.kid}:${key.publicKey}`, '--workstation-id', 'BENCH01'],
  [/^WORKSTATION_URL=(\S+)$/m, /^HALL_URL=(\S+)$/m],
  'workstation',
  180_000,
);
const [url, hallUrl] = host.values as [string, string];
const parsed = new URL(url);
const ws: RunningWorkstation = {
  url,
  origin: parsed.origin,
  secret: parsed.searchParams.get('key') ?? '',
  sandboxUrl: libraryUrl,
  dataDir: hostDir,
  process: host.child,
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const lags: number[] = [];
const reads: number[] = [];
try {
  const context = await browser.newContext(CONTEXT_OPTIONS);
  const page = await context.newPage();
  await page.goto(ws.url);
  await page.getByPlaceholder('请输入工号').fill('clerk01');
  await page.getByPlaceholder('请输入密码').fill('demo');
  await page.keyboard.press('Enter');
  await page.getByTestId('counter-page').waitFor();
  const holder = await fullHolder(ws);

  // The hall as a supervisor at another window reads it: signed with the enrolled key the host
  // made (the host enrolled itself with its embedded hall at start).
  const hall = new HallClient({ dataDir: hostDir, url: hallUrl });
  const today = shanghaiDate(new Date());
  async function counted(): Promise<number> {
    const started = performance.now();
    const dashboard = await hall.call('dashboard', { from: today, to: today }, SUPERVISOR);
    reads.push(performance.now() - started);
    return dashboard.hall.counts.cases;
  }

  // One round not timed: the page's code, the host's and the hall's first statements warm up.
  for (let round = 0; round <= ROUNDS; round++) {
    await startCase(page, MATTERS.idCard);
    await gunScan(page, await mintToken(ws, holder.idNumber));
    await waitForPulls(page);
    await page.getByTestId('complete-case').waitFor();
    const before = await counted();
    // Whatever the last case's sync did is over: the page is idle at the receipt's next step.
    await page.waitForTimeout(300);
    const startedAt = Date.now();
    await page.keyboard.press('Alt+KeyC');
    let lag = Number.NaN;
    for (;;) {
      if ((await counted()) > before) {
        lag = Date.now() - startedAt;
        break;
      }
      if (Date.now() - startedAt > 30_000) throw new Error(`round ${round}: the case was not counted at the hall within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await page.getByTestId('receipt').waitFor();
    if (round > 0) lags.push(lag);
  }
  await context.close();
} finally {
  await browser.close();
  await stopScript(host.child);
  await stopScript(library.child);
  rmSync(root, { recursive: true, force: true });
}

reportFigures('hall sync lag (办结 → counted in the 全厅 dashboard)', [
  { name: 'hall_sync_lag_ms', value: quantile(lags, 0.95), unit: 'ms', target: 2000, better: 'lower' },
  { name: 'hall_sync_lag_p50_ms', value: median(lags), unit: 'ms', target: null, better: 'lower' },
  { name: 'hall_dashboard_read_ms (baseline)', value: median(reads), unit: 'ms', target: null, better: 'lower' },
]);
