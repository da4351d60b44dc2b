import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CONTEXT_OPTIONS, fullHolder, gunScan, MATTERS, mintToken, startCase, waitForPulls } from './counter-helpers';
import { fileObjectionFromPage, licenceIdsOf, listedStates } from './offline-helpers';
import { startScript, stopScript } from './host-process';
import { callFromPage } from './supervision-fixtures';
import { expect, signIn, signOut, type RunningWorkstation } from './workstation';

// Issue 13 item 8, end to end: one hall (its own process, PGlite in a temporary folder), one
// library sandbox, and two browser-mode workstations on it (two data folders, two ports), each
// enrolled by a supervisor in 设置 with a one-time code. Production cases (a configured library,
// not training) so that they count.

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const root = mkdtempSync(join(tmpdir(), 'hall-e2e-'));
let library: ChildProcess;
let libraryUrl = '';
let rootKey = '';
let hall: ChildProcess;
let hallUrl = '';
let hallFingerprint = '';

interface Window {
  id: string;
  ws: RunningWorkstation;
  context: BrowserContext;
  page: Page;
}
const windows: Window[] = [];
// What each process printed, shown when a test fails (the hall's and the hosts' own words).
const outputs: (() => string)[] = [];

async function startHall(port = 0): Promise<void> {
  const started = await startScript('hall/cli.ts', ['--port', String(port), '--data', join(root, 'hall')], [/^HALL_URL=(\S+)$/m], 'hall', 120_000);
  hall = started.child;
  hallUrl = started.values[0]!;
  outputs.push(() => `---- hall\n${started.output()}`);
}

async function enrolmentCode(): Promise<string> {
  const run = await startScript('hall/cli.ts', ['enrol', '--data', join(root, 'hall')], [/^ENROLMENT_CODE=(\S+)$/m, /^HALL_FINGERPRINT=(.+)$/m], 'hall enrol');
  hallFingerprint = run.values[1]!.trim();
  await new Promise((resolve) => (run.child.exitCode === null ? run.child.once('exit', resolve) : resolve(null)));
  return run.values[0]!;
}

async function startWindow(browser: Browser, id: string): Promise<Window> {
  const dataDir = join(root, id);
  const host = await startScript(
    'electron/host/cli.ts',
    ['--port', '0', '--data', dataDir, '--library', libraryUrl, '--root-key', rootKey, '--hall', hallUrl, '--workstation-id', id],
    [/^WORKSTATION_URL=(\S+)$/m],
    `workstation ${id}`,
  );
  const url = host.values[0]!;
  outputs.push(() => `---- ${id}\n${host.output()}`);
  const parsed = new URL(url);
  const ws: RunningWorkstation = {
    url,
    origin: parsed.origin,
    secret: parsed.searchParams.get('key') ?? '',
    sandboxUrl: libraryUrl,
    dataDir,
    process: host.child,
  };
  const context = await browser.newContext(CONTEXT_OPTIONS);
  const page = await context.newPage();
  return { id, ws, context, page };
}

/** Serves one applicant whose licences are all in the library, and completes the case. */
async function serveOne(w: Window): Promise<string> {
  await expect(w.page.getByTestId('counter-page')).toBeVisible();
  const caseNo = await startCase(w.page, MATTERS.idCard);
  await gunScan(w.page, await mintToken(w.ws, (await fullHolder(w.ws)).idNumber));
  await waitForPulls(w.page);
  await expect(w.page.getByTestId('complete-case')).toBeEnabled();
  await w.page.keyboard.press('Alt+KeyC');
  await expect(w.page.getByTestId('receipt')).toBeVisible();
  return caseNo;
}

async function hallDashboard(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/#/supervision?scope=hall&tab=dashboard`);
  await expect(page.getByTestId('scope-switch')).toBeVisible();
  await expect(page.getByTestId('hall-dashboard')).toHaveAttribute('data-loaded', 'true');
}

/** The case numbers the 全厅 drill-down lists, once its page has loaded. */
async function drilled(page: Page): Promise<string[]> {
  const drawer = page.getByTestId('hall-drill');
  await expect(drawer).toBeVisible();
  await expect(drawer).toHaveAttribute('data-loading', 'false');
  return drawer.getByTestId('hall-drill-cases').locator('.el-table__body-wrapper tr.el-table__row td:first-child').allInnerTexts();
}

async function closeDrill(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('hall-drill')).toBeHidden();
}

/** The cases the 全厅 dashboard counts for a window (its row of 按窗口), refreshed until `expected`. */
async function expectWindowCases(page: Page, id: string, expected: number): Promise<void> {
  await expect(async () => {
    await page.getByTestId('hall-dash-refresh').click();
    await expect(page.getByTestId('hall-dash-refresh')).not.toHaveClass(/is-loading/);
    const row = page.getByTestId('hall-by-window').locator('tr', { hasText: id });
    await expect(row.locator('td').nth(1)).toHaveText(String(expected), { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

test.beforeAll(async ({ browser }) => {
  // A sandbox, a hall and two workstations start on a loaded machine.
  test.setTimeout(240_000);
  const started = await startScript('sandbox/cli.ts', ['--port', '0', '--data', join(root, 'library')], [/^SANDBOX_URL=(\S+)$/m], 'library sandbox');
  library = started.child;
  libraryUrl = started.values[0]!;
  const key = (await (await fetch(`${libraryUrl}/api/v1/trust/root`)).json()) as { kid: string; publicKey: string };
  rootKey = `${key.kid}:${key.publicKey}`;
  await startHall();
  windows.push(await startWindow(browser, 'HALLA01'), await startWindow(browser, 'HALLB02'));
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(outputs.map((output) => output()).join('\n'));
});

test.afterAll(async () => {
  for (const w of windows) {
    await w.context.close();
    await stopScript(w.ws.process);
  }
  if (hall) await stopScript(hall);
  if (library) await stopScript(library);
  rmSync(root, { recursive: true, force: true });
});

/**
 * Holds the host's answers to `hall.status` (alone, or in a batch of calls) from now until the
 * returned function is called: what a loaded machine does to the page's first look at the hall.
 */
async function holdHallStatus(page: Page): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const matcher = /\/host\/(hall\.status|_batch)$/;
  const held: Promise<void>[] = [];
  await page.route(matcher, (route) => {
    const request = route.request();
    if (request.url().endsWith('/_batch') && !(request.postData() ?? '').includes('"hall.status"')) return route.continue();
    const answered = (async () => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    })();
    held.push(answered);
    return answered;
  });
  return async () => {
    release();
    await Promise.all(held);
    await page.unroute(matcher);
  };
}

/** The details of the `hall_admin` events in a page's audit chain, oldest first. */
async function hallAdminEvents(page: Page): Promise<unknown[]> {
  return page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('auditEvents').objectStore('auditEvents').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve((all.result as { kind: string; details: unknown }[]).filter((e) => e.kind === 'hall_admin').map((e) => e.details));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

test('a supervisor enrols each workstation in 设置 with a one-time code and sees the hall’s fingerprint', async () => {
  for (const w of windows) {
    await signIn(w.page, w.ws, 'super01');
    // The hall is configured (--hall) but this workstation is not enrolled yet.
    await expect(w.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'not_enrolled');
    if (w.id === 'HALLA01') {
      // The supervisor types the address before the page has heard from the host which hall it
      // is (a slow host): the address the page offers when it does must not replace what was
      // typed, nor land in the middle of it (it once made `http://h:1http://h:1`, refused as an
      // unreachable hall).
      const releaseStatus = await holdHallStatus(w.page);
      await w.page.goto(`${w.ws.origin}/#/settings`);
      await w.page.getByTestId('hall-url').fill(`${hallUrl}/`);
      await releaseStatus();
      await expect(w.page.getByTestId('hall-settings')).toHaveAttribute('data-ready', 'true');
      await expect(w.page.getByTestId('hall-url')).toHaveValue(`${hallUrl}/`);
    } else {
      // Left alone, the field offers the hall the workstation was started with.
      await w.page.goto(`${w.ws.origin}/#/settings`);
      await expect(w.page.getByTestId('hall-settings')).toHaveAttribute('data-ready', 'true');
      await expect(w.page.getByTestId('hall-url')).toHaveValue(hallUrl);
    }
    await w.page.getByTestId('hall-code').fill(await enrolmentCode());
    await w.page.getByTestId('hall-enrol').click();
    await expect(w.page.getByTestId('hall-notice')).toContainText('已登记到');
    await expect(w.page.getByTestId('hall-fingerprint')).toHaveText(hallFingerprint);
    await expect(w.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'online');
    // A code is good once.
    await w.page.getByTestId('hall-code').fill('AAAA-BBBB-CCCC-DDDD');
    await w.page.getByTestId('hall-enrol').click();
    await expect(w.page.getByTestId('hall-notice')).toContainText('登记失败');
    // Both attempts are in the local chain: the enrolment, and the code refused.
    expect(await hallAdminEvents(w.page)).toEqual([
      expect.objectContaining({ action: 'enrol_hall', hallUrl, replaced: null, ok: true, hallFingerprint, workstation: w.id }),
      { action: 'enrol_hall', hallUrl, replaced: hallUrl, ok: false, code: 'HALL_ENROLMENT_REFUSED' },
    ]);
    await signOut(w.page);
    await signIn(w.page, w.ws, 'clerk01');
  }
});

const served: Record<string, string[]> = { HALLA01: [], HALLB02: [] };

test('cases completed on both windows appear in the 全厅 dashboard, by window and by clerk', async () => {
  const [a, b] = windows as [Window, Window];
  served.HALLA01!.push(await serveOne(a), await serveOne(a));
  served.HALLB02!.push(await serveOne(b));
  // The header: the hall link online, with the time of the last sync.
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'online');
  await expect(b.page.getByTestId('hall-last-sync')).toContainText('最近同步');

  await signOut(a.page);
  await signIn(a.page, a.ws, 'super01');
  await hallDashboard(a.page, a.ws.origin);
  await expectWindowCases(a.page, 'HALLA01', 2);
  await expectWindowCases(a.page, 'HALLB02', 1);
  await expect(a.page.getByTestId('hall-dash-cases').getByTestId('value')).toHaveText('3');
  await expect(a.page.getByTestId('hall-by-clerk').locator('tbody tr')).toHaveCount(1);
});

test('a window cut off from the hall works on, and catches up without duplicates when the hall is back', async () => {
  const [a, b] = windows as [Window, Window];
  const port = Number(new URL(hallUrl).port);
  await stopScript(hall);
  // The counter works as before; the header says the hall is offline.
  served.HALLB02!.push(await serveOne(b), await serveOne(b));
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
  // 全厅 says the hall cannot be reached and what to do; 本机 still works.
  await a.page.getByTestId('hall-dash-refresh').click();
  await expect(a.page.getByTestId('hall-error')).toContainText('无法连接大厅服务器');
  // A figure still on screen opens no cases, and says why.
  await a.page.getByTestId('hall-dash-cases').click();
  await expect(a.page.getByTestId('hall-drill-error')).toContainText('无法连接大厅服务器');
  await closeDrill(a.page);
  // Nor can the hall's windows be listed in 设置: the page says so and what to do.
  await a.page.goto(`${a.ws.origin}/#/settings`);
  await expect(a.page.getByTestId('hall-ws-error')).toContainText('无法连接大厅服务器');
  await expect(a.page.getByTestId('hall-ws-error')).toContainText('刷新');
  await hallDashboard(a.page, a.ws.origin);
  await a.page.getByTestId('scope-local').click();
  await expect(a.page.getByTestId('dash-cases').getByTestId('value')).toHaveText('2');

  await startHall(port);
  await a.page.getByTestId('scope-hall').click();
  await expect(a.page.getByTestId('hall-dashboard')).toHaveAttribute('data-loaded', 'true');
  await expectWindowCases(a.page, 'HALLB02', 3);
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  // Every case once: the hall's list of the window's cases is exactly what was served.
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const listed = await callFromPage(a.page, 'hall.cases', { from: today, to: today, workstation: 'HALLB02', limit: 200 });
  expect(listed.ok).toBe(true);
  const caseNos = (listed.value as { rows: { caseNo: string }[] }).rows.map((r) => r.caseNo).sort();
  expect(caseNos).toEqual([...served.HALLB02!].sort());
  await expect(a.page.getByTestId('hall-dash-cases').getByTestId('value')).toHaveText('5');
});

test('a chain cut short in one window’s IndexedDB is flagged at the hall, and the alert is shown and acknowledged', async () => {
  const [a, b] = windows as [Window, Window];
  // Someone deletes the last events of the trail in the browser profile of window B.
  const removed = await b.page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('auditEvents', 'readwrite');
          const store = tx.objectStore('auditEvents');
          const keys = store.getAllKeys();
          keys.onsuccess = () => {
            const last = keys.result.slice(-3);
            for (const key of last) store.delete(key);
            tx.oncomplete = () => {
              open.result.close();
              resolve(last.length);
            };
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  expect(removed).toBe(3);
  // The next sync (a reload of the page) tells the hall its chain's head: behind what the hall holds.
  await b.page.reload();
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('title', /暂停接收本机数据/);

  await expect(async () => {
    await a.page.getByTestId('hall-dash-refresh').click();
    await expect(a.page.getByTestId('hall-alerts').locator('li[data-workstation="HALLB02"][data-reason="truncated"]')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(a.page.getByTestId('hall-behind').locator('li[data-workstation="HALLB02"]')).toContainText('日志链告警');
  // The chain as the hall holds it still verifies: what went missing is the window's, not the hall's.
  await a.page.getByRole('tab', { name: '审计日志' }).click();
  await a.page.getByTestId('hall-audit-window').click();
  await a.page.getByRole('option', { name: 'HALLB02' }).click();
  await a.page.getByTestId('hall-verify').click();
  await expect(a.page.getByTestId('hall-verify-result')).toHaveAttribute('data-ok', 'true');

  // Acknowledged with a note: window B syncs again, in a new epoch.
  await a.page.getByRole('tab', { name: '统计' }).click();
  await a.page.getByTestId('hall-alerts').locator('li[data-workstation="HALLB02"]').getByTestId('hall-ack').click();
  await a.page.getByTestId('hall-ack-note').fill('已核实：测试中删除了本机日志');
  await a.page.getByTestId('hall-ack-confirm').click();
  await expect(a.page.getByText('已确认告警')).toBeVisible();
  // In this workstation's audit chain (Art. 26), as a revocation is: who, which alert, why, the note.
  expect((await hallAdminEvents(a.page)).filter((d) => (d as { action: string }).action !== 'enrol_hall')).toEqual([
    {
      action: 'acknowledge_alert',
      alert: expect.any(String),
      workstation: 'HALLB02',
      alertReason: 'truncated',
      alertSeq: expect.any(Number),
      note: '已核实：测试中删除了本机日志',
      ok: true,
      acknowledgedAt: expect.any(String),
      epoch: 2,
    },
  ]);
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'online', { timeout: 60_000 });
  await expectWindowCases(a.page, 'HALLB02', 3);
});

test('a clerk gets no 全厅 switch, and the host refuses the hall’s supervision data', async () => {
  const [, b] = windows as [Window, Window];
  await expect(b.page.getByTestId('operator')).toContainText('窗口人员');
  await expect(b.page.getByTestId('nav').locator('[data-feature="supervision"]')).toHaveCount(0);
  await b.page.goto(`${b.ws.origin}/#/supervision?scope=hall`);
  await expect(b.page.getByTestId('scope-switch')).toHaveCount(0);
  for (const name of ['hall.dashboard', 'hall.audit', 'hall.attention', 'hall.alerts', 'hall.workstations']) {
    const input = name === 'hall.dashboard' ? { from: '2026-01-01', to: '2026-01-02' } : name === 'hall.audit' ? { workstation: 'HALLA01' } : {};
    const answer = await callFromPage(b.page, name, input);
    expect(answer, name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  }
});

test('every 全厅 figure opens what is behind it: the cases a page at a time, each as the hall keeps it (no name, the ID number masked), and the objections', async () => {
  const [a, b] = windows as [Window, Window];
  // An objection filed at window B, for the 全厅 objections figure.
  const holder = await fullHolder(b.ws);
  const [licenceId] = await licenceIdsOf(b.ws, holder);
  await b.page.goto(`${b.ws.origin}/#/objections`);
  await expect(b.page.getByTestId('objections-page')).toBeVisible();
  await fileObjectionFromPage(b.page, {
    licenceId: licenceId!,
    field: 'address',
    recorded: '浦东新区世纪大道 1 号',
    claimed: '浦东新区世纪大道 100 号',
    description: '门牌号记载有误',
  });
  const [objectionId] = Object.keys(await listedStates(b.page));

  await hallDashboard(a.page, a.ws.origin);
  await expect(async () => {
    await a.page.getByTestId('hall-dash-refresh').click();
    await expect(a.page.getByTestId('hall-dash-objections').getByTestId('value')).toHaveText('1', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  const all = [...served.HALLA01!, ...served.HALLB02!].sort();

  // 办结件数: every case of the hall, newest first, on one page of twenty.
  await a.page.getByTestId('hall-dash-cases').click();
  expect((await drilled(a.page)).sort()).toEqual(all);
  const drawer = a.page.getByTestId('hall-drill');
  await expect(drawer).toContainText('办结件数（全厅）');
  await expect(drawer.getByTestId('hall-drill-page')).toHaveText('第 1 页');
  await expect(drawer.getByTestId('hall-drill-next')).toBeDisabled();
  await expect(drawer.getByTestId('hall-drill-prev')).toBeDisabled();

  // A case opens as the hall keeps it: purged, the ID number masked, no name.
  await drawer.getByTestId('hall-drill-cases').locator('tr', { hasText: served.HALLB02![0]! }).getByTestId('hall-drill-view').click();
  const dialog = a.page.getByTestId('hall-case-dialog');
  await expect(dialog.getByTestId('case-detail')).toBeVisible();
  await expect(dialog.getByTestId('case-holder')).toHaveText(`${holder.idNumber.slice(0, 6)}********${holder.idNumber.slice(14)}`);
  await expect(dialog).toContainText('HALLB02');
  await expect(dialog.getByTestId('licence-checks').first()).toBeVisible();
  expect(await dialog.innerText()).not.toContain(holder.name);
  expect(await dialog.innerText()).not.toContain(holder.idNumber);
  await a.page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await closeDrill(a.page);

  // A window's row: its cases; a cell of it: that figure for the window.
  const windowRow = (id: string) => a.page.getByTestId('hall-by-window').locator('tr', { hasText: id });
  await windowRow('HALLB02').locator('td').first().click();
  expect((await drilled(a.page)).sort()).toEqual([...served.HALLB02!].sort());
  await expect(drawer).toContainText('窗口 HALLB02');
  await closeDrill(a.page);
  await windowRow('HALLA01').locator('td').nth(2).click();
  expect((await drilled(a.page)).sort()).toEqual([...served.HALLA01!].sort());
  await expect(drawer).toContainText('免交：窗口 HALLA01');
  await closeDrill(a.page);
  await windowRow('HALLA01').locator('td').nth(3).click();
  expect(await drilled(a.page)).toEqual([]);
  await closeDrill(a.page);

  // A clerk's row: the clerk's cases across the windows.
  await a.page.getByTestId('hall-by-clerk').locator('tbody tr').first().locator('td').first().click();
  expect((await drilled(a.page)).sort()).toEqual(all);
  await expect(drawer).toContainText('经办人');
  await closeDrill(a.page);

  // A chart's bar, as in 本机.
  await a.page.getByTestId('hall-chart-materials').locator('tr[data-key="exempt"]').click();
  expect((await drilled(a.page)).sort()).toEqual(all);
  await closeDrill(a.page);
  await a.page.getByTestId('hall-chart-outcomes').locator('tr[data-key="valid"]').click();
  expect((await drilled(a.page)).sort()).toEqual(all);
  await closeDrill(a.page);

  // The objections figure: the objections filed in the period, across the windows.
  await a.page.getByTestId('hall-dash-objections').click();
  await expect(drawer).toHaveAttribute('data-kind', 'objections');
  await expect(drawer).toHaveAttribute('data-loading', 'false');
  const objections = drawer.getByTestId('hall-drill-objections').locator('.el-table__body-wrapper tr.el-table__row');
  await expect(objections).toHaveCount(1);
  // A page at a time, as the cases: one objection, one page.
  await expect(drawer.getByTestId('hall-drill-page')).toHaveText('第 1 页');
  await expect(drawer.getByTestId('hall-drill-next')).toBeDisabled();
  await expect(drawer.getByTestId('hall-drill-prev')).toBeDisabled();
  await expect(objections.first()).toContainText(objectionId!);
  await expect(objections.first()).toContainText('HALLB02');
  await expect(objections.first()).toContainText(licenceId!);
  expect(await objections.first().innerText()).not.toContain('浦东新区世纪大道');
  await closeDrill(a.page);
});

test('a supervisor revokes another window in 设置: its next sync is refused, the 全厅 dashboard marks it 已吊销, and the revocation is in both trails', async () => {
  const [a, b] = windows as [Window, Window];
  const bStatus = (await callFromPage(b.page, 'hall.status')) as { ok: true; value: { workstationFingerprint: string } };
  const bFingerprint = bStatus.value.workstationFingerprint;

  await a.page.goto(`${a.ws.origin}/#/settings`);
  const table = a.page.getByTestId('hall-ws-table');
  await expect(a.page.getByTestId('hall-workstations')).toHaveAttribute('data-loaded', 'true');
  const row = (id: string) => table.locator('tr.el-table__row', { hasText: id });
  await expect(table.locator('tr.el-table__row')).toHaveCount(2);
  // This workstation is marked 本机 and cannot be revoked from here; the page says why.
  await expect(row('HALLA01').getByTestId('hall-ws-self')).toHaveText('本机');
  await expect(row('HALLA01').getByTestId('hall-ws-revoke')).toBeDisabled();
  await expect(a.page.getByTestId('hall-ws-self-hint')).toContainText('不能在本机吊销本机');
  await expect(row('HALLB02').getByTestId('hall-ws-state')).toHaveAttribute('data-state', 'active');
  await expect(row('HALLB02')).toContainText(bFingerprint);

  // The confirmation names the window and says what follows; a reason is required.
  await row('HALLB02').getByTestId('hall-ws-revoke').click();
  const dialog = a.page.getByTestId('hall-ws-dialog');
  await expect(dialog).toContainText('吊销工作台 HALLB02');
  await expect(dialog).toContainText(bFingerprint);
  await expect(dialog).toContainText('拒绝该工作台此后的一切请求');
  await expect(dialog).toContainText('仍保留在大厅');
  await dialog.getByTestId('hall-ws-confirm').click();
  await expect(dialog.getByTestId('hall-ws-dialog-error')).toContainText('请填写吊销原因');
  await dialog.getByTestId('hall-ws-reason').fill('设备报废（端到端测试）');
  await dialog.getByTestId('hall-ws-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(a.page.getByText('已吊销工作台 HALLB02')).toBeVisible();
  await expect(row('HALLB02').getByTestId('hall-ws-state')).toHaveAttribute('data-state', 'revoked');
  await expect(row('HALLB02').getByTestId('hall-ws-revoked-by')).toContainText('super01');
  await expect(row('HALLB02').getByTestId('hall-ws-revoke')).toHaveCount(0);

  // The revoked window works on, but its next sync is refused, and its header says so.
  await b.page.reload();
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'refused', { timeout: 30_000 });
  await expect(b.page.getByTestId('hall-link')).toHaveAttribute('title', /已被吊销/);
  const refused = await callFromPage(b.page, 'hall.sync.state');
  expect(refused).toMatchObject({ ok: false, error: { code: 'HALL_REVOKED' } });

  // The 全厅 dashboard still counts its cases (its data stays at the hall), marked 已吊销.
  await hallDashboard(a.page, a.ws.origin);
  await expect(a.page.getByTestId('hall-by-window').locator('tr', { hasText: 'HALLB02' }).getByTestId('hall-window-revoked')).toHaveText('已吊销');
  await expect(a.page.getByTestId('hall-by-window').locator('tr', { hasText: 'HALLA01' }).getByTestId('hall-window-revoked')).toHaveCount(0);
  await expectWindowCases(a.page, 'HALLB02', served.HALLB02!.length);

  // In this workstation's audit chain, and — synced — in its trail at the hall.
  const local = (await hallAdminEvents(a.page)).filter((d) => (d as { action: string }).action !== 'enrol_hall');
  expect(local).toEqual([
    expect.objectContaining({ action: 'acknowledge_alert', workstation: 'HALLB02', ok: true }),
    {
      action: 'revoke_workstation',
      workstation: 'HALLB02',
      fingerprint: bFingerprint,
      reason: '设备报废（端到端测试）',
      ok: true,
      revokedAt: expect.any(String),
    },
  ]);
  await expect(async () => {
    const trail = await callFromPage(a.page, 'hall.audit', { workstation: 'HALLA01', kind: 'hall_admin' });
    expect(
      (trail.value as { rows: { details: { action: string; workstation: string } }[] }).rows
        .filter((r) => r.details.action !== 'enrol_hall')
        .map((r) => [r.details.action, r.details.workstation]),
    ).toEqual([
      ['revoke_workstation', 'HALLB02'],
      ['acknowledge_alert', 'HALLB02'],
    ]);
  }).toPass({ timeout: 30_000 });
});

test('a supervisor leaves the hall in 设置 after a confirmation saying what follows: the sync stops, and enrolling again sends what the hall did not get', async () => {
  const [a] = windows as [Window, Window];
  await a.page.goto(`${a.ws.origin}/#/settings`);
  await expect(a.page.getByTestId('hall-settings')).toHaveAttribute('data-ready', 'true');
  await expect(a.page.getByTestId('hall-replace-hint')).toContainText('新的登记将替换现有登记');
  await a.page.getByTestId('hall-leave').click();
  const dialog = a.page.getByTestId('hall-leave-dialog');
  await expect(dialog).toContainText(hallUrl);
  await expect(dialog).toContainText(hallFingerprint);
  await expect(dialog).toContainText('HALLA01');
  await expect(dialog).toContainText('立即停止向该大厅同步');
  await expect(dialog).toContainText('仍保留在大厅');
  await expect(dialog).toContainText('直到大厅管理员将其吊销');
  await expect(dialog).toContainText('尚未同步到该大厅的数据仍保存在本机');
  // Started with --hall: this run keeps the address, not enrolled.
  await expect(dialog.getByTestId('hall-leave-after')).toContainText(`--hall ${hallUrl}`);
  await dialog.getByTestId('hall-leave-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(a.page.getByTestId('hall-notice')).toContainText('已退出大厅');
  await expect(a.page.getByTestId('hall-leave')).toHaveCount(0);
  // The header says so at once, and the hall's supervision data is no longer this workstation's.
  await expect(a.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'not_enrolled');
  await expect(a.page.getByTestId('hall-workstations')).toHaveCount(0);
  expect(await callFromPage(a.page, 'hall.sync.state')).toMatchObject({ ok: false, error: { code: 'HALL_NOT_ENROLLED' } });
  // In the local chain at once; the hall left does not receive it.
  expect((await hallAdminEvents(a.page)).at(-1)).toEqual({
    action: 'leave_hall',
    hallUrl,
    hallId: expect.any(String),
    hallName: expect.any(String),
    hallFingerprint,
    workstation: 'HALLA01',
    ok: true,
    now: 'remote',
  });

  // Enrolled again with a new code (the address is at hand): the hall takes the same key back, and
  // the sync sends what it did not get — the leaving and the new enrolment included.
  await expect(a.page.getByTestId('hall-url')).toHaveValue(hallUrl);
  await a.page.getByTestId('hall-code').fill(await enrolmentCode());
  await a.page.getByTestId('hall-enrol').click();
  await expect(a.page.getByTestId('hall-notice')).toContainText('已登记到');
  await expect(a.page.getByTestId('hall-link')).toHaveAttribute('data-state', 'online');
  await expect(async () => {
    const trail = await callFromPage(a.page, 'hall.audit', { workstation: 'HALLA01', kind: 'hall_admin' });
    expect((trail.value as { rows: { details: { action: string } }[] }).rows.map((r) => r.details.action).slice(0, 2)).toEqual(['enrol_hall', 'leave_hall']);
  }).toPass({ timeout: 30_000 });
});
