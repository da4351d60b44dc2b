/**
 * The outbox drain in Debian's Chromium against the real host and the loopback sandbox: 1,000
 * objections queued while the library is down (IndexedDB rows shaped exactly as the app writes
 * them, each objection with its outbox item in one transaction), then the link restored.
 *
 * - `outbox_drain_per_s` (≥ 100): items delivered per second, from the first delivery to the last
 *   (the badge's count, watched in the page), with the objections page open — its live list
 *   re-reads as the rows change;
 * - `outbox_longest_task_ms` (≤ 100): the longest main-thread task during that drain
 *   (`longtask` entries, observed from page start by an init script).
 *
 * Baseline in the same run, printed beside them: the same drain with the counter page open
 * (no objection list on screen). Three rounds of each: the median rate, and the longest task
 * of all rounds. Every item is counted at the sandbox: exactly 1,000 each time.
 * Run: `npm run bench -- outbox` (which builds the renderer first).
 */
import QRCode from 'qrcode';
import { chromium, type Page } from '@playwright/test';
import type { FiledObjection } from '../../shared/library-api';
import { objectionRows } from '../../renderer/features/objections/objections';
import { writeObjectionRows } from '../e2e/objection-seed';
import { startWorkstation, stopWorkstation } from '../e2e/host-process';
import { median, reportFigures } from './lib';

const ITEMS = 1_000;
const ROUNDS = 3;

async function json<T>(url: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A licence the library knows, asked of it directly (objections must name one). */
async function someLicenceId(sandboxUrl: string): Promise<string> {
  const api = `${sandboxUrl}/api/v1`;
  const holders = await json<Array<{ idType: string; idNumber: string; name: string; kind: string; note: string | null }>>(`${api}/_sandbox/holders`);
  const holder = holders.find((h) => h.kind === 'natural_person' && h.note === null)!;
  const { token } = await json<{ token: string }>(`${api}/sessions`, { username: 'clerk02', password: 'demo', workstationId: 'BENCH' });
  const matterCode = '310000-GA-SFZ-002';
  const grant = await json<{ grantId: string }>(
    `${api}/authorizations/duty`,
    { holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name }, matterCode, caseNo: 'BENCH-OUTBOX-1', reason: '基准测试' },
    token,
  );
  const { licences } = await json<{ licences: { id: string }[] }>(
    `${api}/licences/query`,
    { grantId: grant.grantId, matterCode, materialId: 'M01', purpose: '基准测试' },
    token,
  );
  return licences[0]!.id;
}

async function seed(page: Page, licenceId: string, prefix: string, evidenceBase64: string): Promise<void> {
  const base = Date.parse('2026-11-27T01:00:00Z');
  const rows = Array.from({ length: ITEMS }, (_, i) => {
    const at = new Date(base + i * 1000);
    return objectionRows(
      {
        id: `${prefix}-${String(i).padStart(5, '0')}`,
        licenceId,
        dimension: 'accuracy',
        fields: [{ key: 'address', recorded: '世纪大道 1 号', claimed: `世纪大道 ${i + 2} 号` }],
        description: `基准异议 ${i}`,
        filedBy: { operatorId: 'clerk01', role: 'clerk' },
        filedAt: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        evidence: [{ name: '证明.png', contentType: 'image/png', data: evidenceBase64 }],
      },
      at.toISOString(),
    );
  });
  await writeObjectionRows(page, rows);
}

interface DrainFigures {
  perSecond: number;
  longestTaskMs: number;
  arrived: number;
}

async function drain(
  page: Page,
  sandboxUrl: string,
  route: 'objections' | 'counter',
  licenceId: string,
  prefix: string,
  evidence: string,
): Promise<DrainFigures> {
  const faults = `${sandboxUrl}/api/v1/_sandbox/faults`;
  await json(faults, { down: true });
  await page.goto(page.url().replace(/#.*$/, `#/${route}`));
  await page.waitForSelector(route === 'objections' ? '[data-testid="objections-page"]' : '[data-testid="counter-page"]');
  await seed(page, licenceId, prefix, evidence);
  await page.reload();
  await page.waitForSelector(`[data-testid="outbox-badge"][data-count="${ITEMS}"]`, { timeout: 60_000 });
  // Watch the badge from here on: the first delivery starts the clock, the last stops it.
  await page.evaluate((total) => {
    const w = window as unknown as { drainMarks: { first: number | null; last: number | null }; longTasks: number[] };
    w.drainMarks = { first: null, last: null };
    w.longTasks.length = 0;
    const badge = document.querySelector('[data-testid="outbox-badge"]')!;
    new MutationObserver(() => {
      const count = Number(badge.getAttribute('data-count'));
      if (count < total && w.drainMarks.first === null) {
        w.drainMarks.first = performance.now();
        w.longTasks.length = 0;
      }
      if (count === 0 && w.drainMarks.last === null) w.drainMarks.last = performance.now();
    }).observe(badge, { attributes: true });
  }, ITEMS);
  await json(faults, { down: false });
  await page.waitForFunction(() => (window as unknown as { drainMarks: { last: number | null } }).drainMarks.last !== null, undefined, {
    timeout: 300_000,
    polling: 200,
  });
  const { first, last, longest } = await page.evaluate(() => {
    const w = window as unknown as { drainMarks: { first: number; last: number }; longTasks: number[] };
    return { first: w.drainMarks.first, last: w.drainMarks.last, longest: Math.max(0, ...w.longTasks) };
  });
  const { objections } = await json<{ objections: FiledObjection[] }>(`${sandboxUrl}/api/v1/_sandbox/objections`);
  const arrived = objections.filter((o) => o.id.startsWith(`${prefix}-`)).length;
  // The first delivery is already counted when the clock starts: ITEMS - 1 intervals.
  return { perSecond: ((ITEMS - 1) * 1000) / (last - first), longestTaskMs: longest, arrived };
}

const host = await startWorkstation([], 90_000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 860 } });
  await context.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  await page.goto(host.url);
  await page.getByPlaceholder('请输入工号').fill('clerk01');
  await page.getByPlaceholder('请输入密码').fill('demo');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="operator"]');
  const licenceId = await someLicenceId(host.sandboxUrl);
  const evidence = (await QRCode.toBuffer('证明材料 / evidence page', { type: 'png', width: 320, margin: 4 })).toString('base64');

  const idle: DrainFigures[] = [];
  const busy: DrainFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    idle.push(await drain(page, host.sandboxUrl, 'counter', licenceId, `BENCH-IDLE-${round}`, evidence));
    busy.push(await drain(page, host.sandboxUrl, 'objections', licenceId, `BENCH-LIST-${round}`, evidence));
  }
  console.table([...idle.map((r, i) => ({ run: `counter page ${i + 1}`, ...r })), ...busy.map((r, i) => ({ run: `objections page ${i + 1}`, ...r }))]);
  const short = [...idle, ...busy].find((run) => run.arrived !== ITEMS);
  if (short) throw new Error(`the sandbox holds ${short.arrived} of ${ITEMS} objections of one run`);
  console.log(
    `${ITEMS} objections per drain, each with a ${Math.round((evidence.length * 3) / 4 / 1024)} KB evidence page; ${ROUNDS} rounds: median rate, longest task of all; the sandbox holds exactly ${ITEMS} of every run`,
  );
  reportFigures('Outbox drain of 1,000 objections (Chromium, loopback sandbox)', [
    { name: 'outbox_drain_per_s', value: median(busy.map((r) => r.perSecond)), unit: 'items/s', target: 100, better: 'higher' },
    { name: 'outbox_longest_task_ms', value: Math.max(...busy.map((r) => r.longestTaskMs)), unit: 'ms', target: 100, better: 'lower' },
    { name: 'outbox_drain_per_s_counter_page', value: median(idle.map((r) => r.perSecond)), unit: 'items/s', target: null, better: 'higher' },
    { name: 'outbox_longest_task_ms_counter_page', value: Math.max(...idle.map((r) => r.longestTaskMs)), unit: 'ms', target: null, better: 'lower' },
  ]);
  await context.close();
} finally {
  await browser.close();
  await stopWorkstation(host);
}
