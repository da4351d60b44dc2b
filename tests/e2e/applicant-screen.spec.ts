import type { BrowserContext, Page, Response } from '@playwright/test';
import { maskIdNumber } from '../../shared/ids';
import type { SandboxHolder } from '../../shared/library-api';
import {
  closeCounter,
  EDGE,
  fullHolder,
  gunScan,
  holderByNote,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  setFaults,
  startCase,
  takePaper,
  waitForPulls,
} from './counter-helpers';
import { recordScreen } from './device-helpers';
import { expect, test, type RunningWorkstation } from './workstation';

// The applicant's screen (issue 14 item 4): a second tab at #/applicant of the same browser
// context follows the counter over BroadcastChannel. Everything the tab received and showed is
// recorded from its first moment, so that "no full ID number and no face field, at any point"
// is checked against every message and every state of its page, not only the last one.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let screen: Page;
/** Every value the host handed the counter as a licence's face (or its number): none may reach the screen. */
const faceValues = new Set<string>();

declare global {
  interface Window {
    __pullAnswers?: string[];
  }
}

// Installed in the counter's page: a copy of each answer to a pull, read in the page. Chromium
// does not always keep the body of a streamed answer (`/host/_batch`) for Playwright's
// `response.text()`, which then finds no face at all; the page's own copy is always there.
function recordPullAnswers(): void {
  if (location.hash.startsWith('#/applicant') || window.__pullAnswers) return;
  const answers: string[] = [];
  window.__pullAnswers = answers;
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/host/material.pull') || url.includes('/host/_batch')) {
      response
        .clone()
        .text()
        .then((text) => answers.push(`${url.includes('_batch') ? 'batch' : 'single'}\n${text}`))
        .catch(() => undefined);
    }
    return response;
  };
}

/** The faces in the answers the counter's page copied ({@link recordPullAnswers}). */
async function collectRecordedFaces(): Promise<void> {
  const answers = await page.evaluate(() => window.__pullAnswers ?? []);
  for (const answer of answers) {
    const [kind, ...rest] = answer.split('\n');
    addFaces(kind === 'batch', rest.join('\n'));
  }
}

// The pulled licences' faces, from the host's answers to the counter (single calls and the
// streamed batches alike).
async function collectFaces(response: Response): Promise<void> {
  const url = response.url();
  if (!url.includes('/host/material.pull') && !url.includes('/host/_batch')) return;
  let text: string;
  try {
    text = await response.text();
  } catch {
    return;
  }
  addFaces(url.includes('_batch'), text);
}

function addFaces(batch: boolean, text: string): void {
  const results = batch
    ? text
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { result: unknown }).result)
    : [JSON.parse(text) as unknown];
  for (const result of results) {
    const licences = (result as { value?: { licences?: Array<{ summary: { number: string }; fields: Array<{ value: unknown }> }> } }).value?.licences;
    for (const licence of licences ?? []) {
      faceValues.add(licence.summary.number);
      for (const field of licence.fields) {
        const value = typeof field.value === 'string' ? field.value : typeof field.value === 'number' ? String(field.value) : null;
        // One character (男, 汉) says nothing; anything longer is someone's data.
        if (value && [...value].length >= 2) faceValues.add(value);
      }
    }
  }
}

async function screenLog(): Promise<{ messages: string[]; pages: string[]; pulls: string[] }> {
  return screen.evaluate(() => window.__screenLog!);
}

/** Nothing the screen ever received or showed holds a full ID number, a name in full or a face value. */
async function expectNothingLeaked(holders: SandboxHolder[]): Promise<void> {
  await collectRecordedFaces();
  const secrets = new Set<string>(faceValues);
  for (const holder of holders) {
    secrets.add(holder.idNumber);
    secrets.add(holder.idNumber.slice(6, 14));
    secrets.add(holder.name);
  }
  expect(faceValues.size).toBeGreaterThan(3);
  // Searched in the screen's page: the record is large, and only what was found comes back.
  const found = await screen.evaluate(
    (all) => {
      const log = window.__screenLog!;
      const leaks: string[] = [];
      for (const secret of all) {
        if (log.messages.some((m) => m.includes(secret))) leaks.push(`a message carried ${secret}`);
        if (log.pages.some((p) => p.includes(secret))) leaks.push(`the screen showed ${secret}`);
      }
      // No face field, photo or licence identifier by name either.
      for (const m of log.messages) if (/faceFields|"fields"|photo|licenceId|"number"/.test(m)) leaks.push(`a message named personal data: ${m.slice(0, 200)}`);
      return { leaks, messages: log.messages.length, pages: log.pages.length };
    },
    [...secrets],
  );
  expect(found.messages).toBeGreaterThan(10);
  expect(found.pages).toBeGreaterThan(10);
  expect(found.leaks).toEqual([]);
}

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
  await context.addInitScript(recordScreen);
  page.on('response', (response) => void collectFaces(response));
  await page.addInitScript(recordPullAnswers);
  await page.evaluate(recordPullAnswers);
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

test("the applicant's tab follows a whole case, and shows nothing of anyone between cases", async ({ workstation }) => {
  // Two cases with every library call slowed down, on a shared two-core machine.
  test.setTimeout(150_000);
  const holder = await holderByNote(workstation, EDGE.tampered);

  // The counter's button opens the screen in a tab of its own: no opener, no copy of the secret.
  const [opened] = await Promise.all([context.waitForEvent('page'), page.getByTestId('open-applicant-screen').click()]);
  screen = opened;
  await expect(screen).toHaveURL(/#\/applicant$/);
  const root = screen.getByTestId('applicant-screen');
  await expect(root).toHaveAttribute('data-view', 'neutral');
  await expect(root).toContainText('欢迎');
  await expect(root).toContainText('请稍候');
  expect(await screen.evaluate(() => [sessionStorage.length, window.opener === null])).toEqual([0, true]);
  // Pressed again, the button finds the screen open instead of opening another.
  await page.keyboard.press('Alt+KeyA');
  await expect(page.getByText('申请人屏已经打开')).toBeVisible();
  expect(context.pages()).toHaveLength(2);

  // Slow library calls, so that each licence is seen being pulled before it is verified.
  await setFaults(workstation, { latencyMs: 600 });
  try {
    const caseNo = await startCase(page, MATTERS.divorce);
    await expect(root).toHaveAttribute('data-stage', 'holder');
    await expect(screen.getByTestId('applicant-case-no')).toHaveAttribute('data-case', caseNo);
    await expect(screen.getByTestId('applicant-case-no')).toHaveText(caseNo.replace(/^(\w+)-(\d{4})(\d{4})-(\d{4})$/, '$1 $2 $3 $4'));
    const matterName = (await page.getByTestId('usage-list').locator('strong').first().textContent())!.trim();
    await expect(screen.getByTestId('applicant-matter')).toHaveText(matterName);
    await expect(screen.getByTestId('applicant-usage')).toHaveCount(3);
    await expect(root).toContainText('本事项需要以下材料');

    await gunScan(page, await mintToken(workstation, holder.idNumber));
    await expect(root).toHaveAttribute('data-stage', 'materials');
    await expect(root).toContainText('本次将调取您的以下证照');
    await expect(screen.getByTestId('applicant-holder')).toContainText(maskIdNumber(holder.idNumber));
    await expect(screen.getByTestId('applicant-holder')).toContainText(`${[...holder.name][0]}${'*'.repeat([...holder.name].length - 1)}`);
    await waitForPulls(page);

    const pull = (id: string) => screen.locator(`[data-testid="applicant-pull"][data-material="${id}"]`);
    await expect(pull('M01')).toHaveAttribute('data-state', 'verified');
    await expect(pull('M02')).toHaveAttribute('data-state', 'not_valid');
    await expect(pull('M03')).toHaveAttribute('data-state', 'verified');
    await expect(pull('M01')).toContainText('已核验');
    await expect(pull('M02')).toContainText('核验未通过');
    // Each licence was shown being pulled before it was shown verified.
    const pulls = (await screenLog()).pulls;
    for (const id of ['M01', 'M02', 'M03']) {
      const first = pulls.findIndex((p) => p.includes(`${id}:pulling`));
      const done = pulls.findIndex((p) => p.includes(`${id}:verified`) || p.includes(`${id}:not_valid`));
      expect(first, `${id} shown pulling`).toBeGreaterThanOrEqual(0);
      expect(done, `${id} shown verified after`).toBeGreaterThan(first);
    }

    // 免交: the two verified licences; on paper: the register whose signature failed, and why.
    const exempt = screen.getByTestId('applicant-exempt');
    await expect(exempt).toHaveCount(2);
    await expect(exempt.nth(0)).toHaveAttribute('data-material', 'M01');
    await expect(exempt.nth(1)).toHaveAttribute('data-material', 'M03');
    await expect(root).toContainText('以下材料已免交');
    const paper = screen.getByTestId('applicant-paper');
    await expect(paper).toHaveCount(1);
    await expect(paper).toHaveAttribute('data-material', 'M02');
    await expect(paper).toHaveAttribute('data-received', 'false');
    await expect(paper).toHaveAttribute('data-reason', 'not_valid');
    await expect(paper).toContainText('电子证照核验未通过（签名无效）');
    await expect(root).toContainText('请提供以下纸质材料');

    // The clerk takes the paper: the screen says it is received.
    await takePaper(page, 'M02', '电子证照核验未通过');
    await expect(paper).toHaveAttribute('data-received', 'true');
    await expect(paper).toHaveAttribute('data-reason', 'verification_failed');
    await expect(paper).toContainText('已收取');
    await expect(root).toContainText('已收取的纸质材料');

    // 办结: the case number stays for the applicant to note; 下一位: the neutral page.
    await expect(page.getByTestId('complete-case')).toBeEnabled();
    await page.keyboard.press('Alt+KeyC');
    await expect(page.getByTestId('completed')).toBeVisible();
    await expect(root).toHaveAttribute('data-stage', 'completed');
    await expect(screen.getByTestId('applicant-completed')).toContainText('办理完成');
    await expect(screen.getByTestId('applicant-case-no')).toHaveAttribute('data-case', caseNo);
    await page.getByTestId('next-case').click();
    await expect(root).toHaveAttribute('data-view', 'neutral');
    await expect(root).not.toContainText(caseNo.slice(-4));

    // A new applicant: nothing of the previous one is left on the screen.
    const next = await fullHolder(workstation);
    const nextCaseNo = await startCase(page, MATTERS.idCard);
    await expect(screen.getByTestId('applicant-case-no')).toHaveAttribute('data-case', nextCaseNo);
    await gunScan(page, await mintToken(workstation, next.idNumber));
    await expect(screen.getByTestId('applicant-holder')).toContainText(maskIdNumber(next.idNumber));
    await expect(root).not.toContainText(maskIdNumber(holder.idNumber));
    await expect(root).not.toContainText(caseNo);
    await expect(screen.getByTestId('applicant-paper')).toHaveCount(0);
    await waitForPulls(page);
    await expect(screen.getByTestId('applicant-exempt')).toHaveCount(2);
    await expect(materialCard(page, 'M01')).toHaveAttribute('data-state', 'exempt');

    // Signed out in the middle of a case: the screen goes back to the neutral page.
    await page.getByTestId('sign-out').click();
    await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
    await expect(root).toHaveAttribute('data-view', 'neutral');

    await expectNothingLeaked([holder, next]);
  } finally {
    await setFaults(workstation, { latencyMs: 0 });
  }
});

test('a tab at #/applicant opened by hand shows only the neutral page while no counter publishes, and goes neutral when the counter tab is closed', async ({
  workstation,
}) => {
  // Nobody is signed in (the last test signed out): a screen opened now shows nothing but the welcome.
  const lone = await context.newPage();
  await lone.goto(`${workstation.origin}/#/applicant`);
  await expect(lone.getByTestId('applicant-screen')).toHaveAttribute('data-view', 'neutral');
  await expect(lone).toHaveURL(/#\/applicant$/);

  // A clerk's counter in another tab with a case open: both screens show it; the counter tab closes: neutral.
  const counter = await context.newPage();
  await signInAs(counter, workstation, 'clerk01');
  await expect(counter.getByTestId('counter-page')).toBeVisible();
  const caseNo = await startCase(counter, MATTERS.idCard);
  await expect(lone.getByTestId('applicant-case-no')).toHaveAttribute('data-case', caseNo);
  await counter.close({ runBeforeUnload: false });
  await expect(lone.getByTestId('applicant-screen')).toHaveAttribute('data-view', 'neutral');
  await lone.close();
});

test("the screen's type size and high contrast are settings, and take effect at once", async ({ workstation }) => {
  const root = screen.getByTestId('applicant-screen');
  await expect(root).toHaveAttribute('data-font-size', 'x_large');
  await expect(root).toHaveCSS('font-size', '36px');
  await expect(root).toHaveCSS('background-color', 'rgb(255, 255, 255)');

  await signInAs(page, workstation, 'super01');
  await page.goto(`${workstation.origin}/#/settings`);
  const settings = page.getByTestId('applicant-settings');
  await expect(settings).toContainText('申请人屏');
  await settings.getByTestId('applicant-font-size').locator('[data-size="xx_large"]').click();
  await settings.getByTestId('applicant-high-contrast').click();
  await expect(settings.getByTestId('applicant-preview')).toHaveCSS('font-size', '46px');
  await settings.getByTestId('applicant-settings-save').click();
  await expect(page.getByTestId('applicant-settings-notice')).toContainText('申请人屏设置已保存');
  await expect(page.getByTestId('applicant-settings-notice')).toContainText('申请人屏字号、申请人屏高对比度');

  await expect(root).toHaveAttribute('data-font-size', 'xx_large');
  await expect(root).toHaveAttribute('data-contrast', 'high');
  await expect(root).toHaveCSS('font-size', '46px');
  await expect(root).toHaveCSS('background-color', 'rgb(0, 0, 0)');
  await expect(root).toHaveCSS('color', 'rgb(255, 255, 255)');

  // Kept by the host: a screen opened later, and the settings page reloaded, read them again.
  await page.reload();
  await expect(page.getByTestId('applicant-settings').getByTestId('applicant-high-contrast')).toHaveClass(/is-checked/);
  await page.goto(`${workstation.origin}/#/counter`);
  await expect(page.getByTestId('counter-page')).toBeVisible();
  const later = await context.newPage();
  await later.goto(`${workstation.origin}/#/applicant`);
  await expect(later.getByTestId('applicant-screen')).toHaveCSS('font-size', '46px');
  await expect(later.getByTestId('applicant-screen')).toHaveAttribute('data-contrast', 'high');
  await later.close();

  // The change is on the record (操作日志), with its old and new values.
  const recorded = await page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('auditEvents').objectStore('auditEvents').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(
              (all.result as Array<{ kind: string; role: string; details: unknown }>)
                .filter((e) => e.kind === 'device_settings_change')
                .map((e) => [e.role, e.details]),
            );
          };
        };
      }),
  );
  expect(recorded).toEqual([
    [
      'supervisor',
      {
        changes: [
          { field: 'applicantScreen.fontSize', from: 'x_large', to: 'xx_large' },
          { field: 'applicantScreen.highContrast', from: false, to: true },
        ],
      },
    ],
  ]);
  await page.goto(`${workstation.origin}/#/settings`);
  const back = page.getByTestId('applicant-settings');
  await back.getByTestId('applicant-font-size').locator('[data-size="x_large"]').click();
  await back.getByTestId('applicant-high-contrast').click();
  await back.getByTestId('applicant-settings-save').click();
  await expect(page.getByTestId('applicant-settings-notice')).toContainText('申请人屏设置已保存');
  await expect(root).toHaveCSS('font-size', '36px');
});

/** Signs in on a page that may be signed out or on another page. */
async function signInAs(target: Page, ws: RunningWorkstation, username: string): Promise<void> {
  await target.goto(ws.url);
  const field = target.getByPlaceholder('请输入工号');
  const signOut = target.getByTestId('sign-out');
  await expect(field.or(signOut)).toBeVisible();
  if (await signOut.isVisible()) {
    await signOut.click();
    await expect(field).toBeVisible();
  }
  await field.fill(username);
  await target.getByPlaceholder('请输入密码').fill('demo');
  await target.keyboard.press('Enter');
  await expect(target.getByTestId('operator')).toBeVisible();
}
