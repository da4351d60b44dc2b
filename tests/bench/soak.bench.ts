/**
 * A clerk's day without a reload, in Debian's Chromium against the real host and the loopback
 * sandbox: one page, 200 cases through the real counter UI, each exactly as a clerk serves it
 * (the matter typed and chosen with Enter, the holder's 亮证码 from the barcode gun, both
 * materials pulled and verified, Alt+C, the usage record delivered), one after another.
 *
 * - `soak_heap_growth_ratio` (≤ 1.10): the page's JavaScript heap after a full garbage
 *   collection (CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`) at case 200 over
 *   the same at case 20;
 * - `soak_case_time_ratio` (≤ 1.2): the median time of the last 20 cases over the median of the
 *   first 20 (a case's time: from the matter search to its usage record shown delivered, less
 *   the harness's own minting of the code and sending of the gun's keys).
 *
 * Baseline in the same run, printed beside them: the heap at case 20 and the first 20 cases'
 * median time (what the ratios divide by), and the heap's growth per case between them.
 * Every case's usage record is counted at the sandbox: exactly 200.
 *
 * Before the catch-up banner's watch stopped collecting a range per write (db/table-watch.ts)
 * the heap grew ×1.20 (16 KB a case) here. What still grows is not the app's objects: heap
 * snapshots between cases 40 and 80 differ by ~130 plain objects in all, and the rest is V8's
 * optimised code (warming up), the style cache and the network records DevTools keeps for the
 * CDP session that drives the page. `SOAK_CASES=<n>` runs fewer cases (a quick look; the
 * figures are defined at 200).
 * Run: `npm run bench -- soak` (which builds the renderer first).
 */
import { chromium, type CDPSession, type Page } from '@playwright/test';
import type { ReceivedUsageRecord, SandboxHolder } from '../../shared/library-api';
import { startWorkstation, stopWorkstation, type RunningWorkstation } from '../e2e/host-process';
import { median, reportFigures } from './lib';

const CASES = Number(process.env.SOAK_CASES ?? 200);
const EARLY = 20;
const MATTER = { code: '310000-GA-SFZ-002', query: '310000-GA-SFZ', materials: 2 };

async function sandbox<T>(ws: RunningWorkstation, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The key events of one character as a keyboard-emulating gun sends them (as tests/e2e/counter-helpers.ts). */
function gunKey(ch: string): { key: string; code: string; text: string; windowsVirtualKeyCode: number } {
  if (ch === '\r') return { key: 'Enter', code: 'Enter', text: '\r', windowsVirtualKeyCode: 13 };
  const upper = ch.toUpperCase();
  const code = /[A-Z]/.test(upper) ? `Key${upper}` : /\d/.test(ch) ? `Digit${ch}` : ch === '.' ? 'Period' : 'Minus';
  return { key: ch, code, text: ch, windowsVirtualKeyCode: upper.charCodeAt(0) };
}

/** The barcode gun, its keys stamped with the hardware's clock (see counter-helpers.ts gunScan). */
async function gunScan(cdp: CDPSession, text: string): Promise<void> {
  const start = Date.now() / 1000 + 5;
  await Promise.all(
    [...text, '\r'].flatMap((ch, i) => {
      const key = gunKey(ch);
      const timestamp = start + i * 0.003;
      return [
        cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, unmodifiedText: key.text, timestamp }),
        cdp.send('Input.dispatchKeyEvent', {
          type: 'keyUp',
          key: key.key,
          code: key.code,
          windowsVirtualKeyCode: key.windowsVirtualKeyCode,
          timestamp: timestamp + 0.001,
        }),
      ];
    }),
  );
}

/**
 * One case through the counter page. Its time is the page's: from the matter search to the
 * usage record shown delivered, less what the harness itself spends minting the 亮证码 at the
 * sandbox and dispatching the gun's keys over CDP (seconds on a loaded machine, and nothing the
 * workstation does).
 */
async function serveOne(page: Page, cdp: CDPSession, ws: RunningWorkstation, holder: SandboxHolder): Promise<{ caseNo: string; ms: number }> {
  const started = performance.now();
  const counter = page.getByTestId('counter-page');
  if ((await counter.getAttribute('data-phase')) === 'completed') await page.getByTestId('next-case').click();
  await page.locator('[data-testid="counter-page"][data-phase="idle"]').waitFor();
  const search = page.getByTestId('matter-search').first();
  await search.focus();
  await search.fill(MATTER.query);
  await page.locator(`[data-testid="matter-hits"] li[data-code="${MATTER.code}"]`).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="counter-page"][data-phase="holder"]').waitFor();
  const caseNo = (await page.getByTestId('case-no').getAttribute('data-case'))!;
  const harnessStart = performance.now();
  const { token } = await sandbox<{ token: string }>(ws, `/holders/${holder.idNumber}/token`, {});
  await search.focus();
  await gunScan(cdp, token);
  const harnessMs = performance.now() - harnessStart;
  await page
    .locator('[data-testid="material-card"][data-state="exempt"]')
    .nth(MATTER.materials - 1)
    .waitFor({ timeout: 30_000 });
  // The page is done with the code (and the focus is on 办结) when the button is enabled.
  await page.locator('[data-testid="complete-case"]:not(.is-disabled)').waitFor();
  await page.keyboard.press('Alt+KeyC');
  await page.locator('[data-testid="counter-page"][data-phase="completed"]').waitFor();
  await page.locator('[data-testid="usage-record-state"][data-state="delivered"]').waitFor({ timeout: 30_000 });
  return { caseNo, ms: performance.now() - started - harnessMs };
}

/** The page's JavaScript heap after a full collection, in bytes. */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  // Twice: objects freed by the first collection's finalizers go in the second.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

const host = await startWorkstation([], 90_000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 860 } });
  const page = await context.newPage();
  await page.goto(host.url);
  await page.getByPlaceholder('请输入工号').fill('clerk01');
  await page.getByPlaceholder('请输入密码').fill('demo');
  await page.keyboard.press('Enter');
  await page.getByTestId('counter-page').waitFor();
  const holders = await sandbox<SandboxHolder[]>(host, '/holders');
  const holder = holders.find((h) => h.kind === 'natural_person' && h.note === null)!;
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');

  const times: number[] = [];
  const heaps = new Map<number, number>();
  const served: string[] = [];
  for (let n = 1; n <= CASES; n++) {
    const one = await serveOne(page, cdp, host, holder).catch(async (error: unknown) => {
      await page.screenshot({ path: 'test-results/soak-failure.png', fullPage: true });
      throw new Error(`case ${n} failed (screenshot in test-results/soak-failure.png)`, { cause: error });
    });
    served.push(one.caseNo);
    times.push(one.ms);
    if (n === EARLY || n % 50 === 0 || n === CASES) {
      heaps.set(n, await heapAfterGc(cdp));
      console.log(`case ${n}: heap ${(heaps.get(n)! / 1024 / 1024).toFixed(2)} MB, last case ${times.at(-1)!.toFixed(0)} ms`);
    }
  }
  const { usageRecords } = await sandbox<{ usageRecords: ReceivedUsageRecord[] }>(host, '/usage-records');
  const arrived = new Set(usageRecords.map((r) => r.caseNo));
  const missing = served.filter((caseNo) => !arrived.has(caseNo));
  if (missing.length > 0 || usageRecords.length !== CASES)
    throw new Error(`the sandbox holds ${usageRecords.length} usage records for ${CASES} cases (missing ${missing.join(', ')})`);

  const early = heaps.get(EARLY)!;
  const late = heaps.get(CASES)!;
  const firstMedian = median(times.slice(0, EARLY));
  const lastMedian = median(times.slice(-EARLY));
  console.table([...heaps].map(([n, bytes]) => ({ case: n, heapMB: Number((bytes / 1024 / 1024).toFixed(2)) })));
  console.log(`${CASES} cases of ${MATTER.code} (${MATTER.materials} materials) in one page; the sandbox holds exactly ${CASES} usage records`);
  reportFigures(`A day of ${CASES} cases without a reload (Chromium, loopback sandbox)`, [
    { name: 'soak_heap_growth_ratio', value: late / early, unit: '×', target: 1.1, better: 'lower' },
    { name: 'soak_case_time_ratio', value: lastMedian / firstMedian, unit: '×', target: 1.2, better: 'lower' },
    { name: 'soak_heap_at_case_20_mb', value: early / 1024 / 1024, unit: 'MB', target: null, better: 'lower' },
    { name: 'soak_heap_growth_per_case_kb', value: (late - early) / (CASES - EARLY) / 1024, unit: 'KB', target: null, better: 'lower' },
    { name: 'soak_case_ms_first_20', value: firstMedian, unit: 'ms', target: null, better: 'lower' },
    { name: 'soak_case_ms_last_20', value: lastMedian, unit: 'ms', target: null, better: 'lower' },
  ]);
  await context.close();
} finally {
  await browser.close();
  await stopWorkstation(host);
}
