import QRCode from 'qrcode';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from '@playwright/test';
import type { FaultsRequest, ReceivedUsageRecord, SandboxGrantsResponse, SandboxHolder } from '../../shared/library-api';
import { expect, rawHostCall, signOutAll, type RunningWorkstation } from './workstation';

/** The context options of playwright.config.ts, for contexts a spec makes itself. */
export const CONTEXT_OPTIONS: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 860 } };

/** Multi-material matters the sandbox serves, and the materials they list. */
export const MATTERS = {
  talent: { code: '310000-RS-RC-011', query: 'rcyj', materials: ['M01', 'M14', 'M15', 'M16', 'M03', 'M02', 'M17', 'M04'] },
  idCard: { code: '310000-GA-SFZ-002', query: '310000-GA-SFZ', materials: ['M01', 'M02'] },
  driving: { code: '310000-GA-JSZ-004', query: '机动车驾驶证期满', materials: ['M01', 'M07'] },
  divorce: { code: '310000-MZ-HY-007', query: 'lhdj', materials: ['M01', 'M02', 'M03'] },
  estate: { code: '310000-BDC-ZY-016', query: '不动产转移', materials: ['M01', 'M04', 'M03', 'M02'] },
  seniorCard: { code: '310000-MZ-JL-008', query: 'jlk', materials: ['M01', 'M02'] },
  hospital: { code: 'SH-YY-JD-106', query: '医院就诊', materials: ['M01', 'M17'] },
} as const;

/** Notes of the sandbox's edge-case holders (sandbox/people.ts EDGE_NOTES). */
export const EDGE = {
  expired: '机动车驾驶证已过有效期',
  revoked: '机动车驾驶证已被吊销',
  suspended: '机动车驾驶证被暂扣',
  superseded: '不动产权证书已更正换发',
  notInLibrary: '结婚证尚未归集入库',
  tampered: '居民户口簿的签名无法验证',
  untrusted: '结婚证由不在信任列表中的密钥签名',
  noPhone: '高龄老人，没有手机',
} as const;

async function sandboxJson<T>(ws: RunningWorkstation, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The sandbox's holders. */
export function sandboxHolders(ws: RunningWorkstation): Promise<SandboxHolder[]> {
  return sandboxJson<SandboxHolder[]>(ws, '/holders');
}

/** The edge-case holder whose note starts with `note`. */
export async function holderByNote(ws: RunningWorkstation, note: string): Promise<SandboxHolder> {
  const holder = (await sandboxHolders(ws)).find((h) => h.note?.startsWith(note));
  if (!holder) throw new Error(`no sandbox holder noted ${note}`);
  return holder;
}

/** The citizen who holds every licence of the big matters: the sandbox seeds them first. */
export async function fullHolder(ws: RunningWorkstation): Promise<SandboxHolder> {
  const holder = (await sandboxHolders(ws)).find((h) => h.kind === 'natural_person' && h.note === null);
  if (!holder) throw new Error('no ordinary natural person in the sandbox');
  return holder;
}

/** Mints a holder's 亮证码, as their phone would show it. */
export async function mintToken(ws: RunningWorkstation, idNumber: string, body: { ttlSeconds?: number } = {}): Promise<string> {
  return (await sandboxJson<{ token: string }>(ws, `/holders/${idNumber}/token`, body)).token;
}

/** The usage records the sandbox received for a case. */
export async function usageRecordsOf(ws: RunningWorkstation, caseNo: string): Promise<ReceivedUsageRecord[]> {
  const { usageRecords } = await sandboxJson<{ usageRecords: ReceivedUsageRecord[] }>(ws, '/usage-records');
  return usageRecords.filter((r) => r.caseNo === caseNo);
}

/** The grants the sandbox issued for a case number (the catch-up's duty grant is for `<caseNo>-CU`). */
export async function grantsFor(ws: RunningWorkstation, caseNo: string): Promise<SandboxGrantsResponse['grants']> {
  const { grants } = await sandboxJson<SandboxGrantsResponse>(ws, '/grants');
  return grants.filter((g) => g.caseNo === caseNo);
}

/** Sets the sandbox's faults (latency, down). */
export async function setFaults(ws: RunningWorkstation, faults: FaultsRequest): Promise<void> {
  await sandboxJson(ws, '/faults', faults);
}

/**
 * A fresh page for a spec file: the sandbox back to its seeded state (a new browser profile
 * starts its case numbers again, and the library must not take them for repeats), one browser
 * context kept for the whole file (the workstation's IndexedDB lives in it), a clerk signed in.
 */
export async function openCounter(browser: Browser, ws: RunningWorkstation, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  await sandboxJson(ws, '/reset', {});
  await signOutAll(ws);
  const context = await browser.newContext({ ...CONTEXT_OPTIONS, ...options });
  const page = await context.newPage();
  await page.goto(ws.url);
  await page.getByPlaceholder('请输入工号').fill('clerk01');
  await page.getByPlaceholder('请输入密码').fill('demo');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('counter-page')).toBeVisible();
  await expect(page.getByTestId('matter-search').first()).toBeFocused();
  return { context, page };
}

/** Ends a spec file: its browser context closed, the faults cleared and nobody signed in, as the next file expects. */
export async function closeCounter(context: BrowserContext, ws: RunningWorkstation): Promise<void> {
  await context.close();
  await setFaults(ws, { down: false, latencyMs: 0, errorRate: 0 });
  // The host judges the link on its last ten library calls; the faults and refusals of these
  // tests must not leave it "degraded" for the next file.
  for (let i = 0; i < 10; i++) await rawHostCall(ws, 'library.status', { origin: ws.origin, 'x-workstation-key': ws.secret });
  await signOutAll(ws);
}

/** Leaves whatever case is on screen, so that the next test starts from the matter search. */
export async function leaveCase(page: Page): Promise<void> {
  const phase = await page.getByTestId('counter-page').getAttribute('data-phase');
  if (phase === 'completed') await page.getByTestId('next-case').click();
  else if (phase === 'holder' || phase === 'materials') {
    await page.getByTestId('cancel-case').click();
    await page.getByRole('button', { name: '确定' }).click();
  }
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'idle');
}

/** Opens a case by typing in the matter search and pressing Enter: no mouse. */
export async function startCase(page: Page, matter: { code: string; query: string }): Promise<string> {
  await leaveCase(page);
  const search = page.getByTestId('matter-search').first();
  await search.focus();
  await search.fill(matter.query);
  await expect(page.getByTestId('matter-hits').locator('li').first()).toHaveAttribute('data-code', matter.code);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'holder');
  const caseNo = await page.getByTestId('case-no').getAttribute('data-case');
  expect(caseNo).toMatch(/^[A-Z][A-Z0-9]{1,7}-\d{8}-\d{4}$/);
  return caseNo!;
}

/** The key events of one character as a keyboard-emulating gun sends them. */
function gunKey(ch: string): { key: string; code: string; text: string; windowsVirtualKeyCode: number } {
  if (ch === '\r') return { key: 'Enter', code: 'Enter', text: '\r', windowsVirtualKeyCode: 13 };
  const upper = ch.toUpperCase();
  const code = /[A-Z]/.test(upper) ? `Key${upper}` : /\d/.test(ch) ? `Digit${ch}` : ch === '.' ? 'Period' : 'Minus';
  return { key: ch, code, text: ch, windowsVirtualKeyCode: upper.charCodeAt(0) };
}

/**
 * The barcode gun: the code and Enter, one key every 3 ms, while the focus is in a text field
 * (the matter search), which must stay empty. A gun's keys carry the time the hardware sent
 * them and wait in the browser's input queue when the page is busy, so they go through CDP with
 * those timestamps: `page.keyboard.type(text, { delay: 3 })` waits for a round trip per key, and
 * on a loaded two-core machine the page then sees gaps of over 100 ms that no gun makes. The
 * hardware clock is set a few seconds ahead of the page's, so that a stall of the test machine
 * while it is still sending keys (which a real gun's queued keys never have) does not read as
 * the gun having stopped.
 */
export async function gunScan(page: Page, text: string): Promise<void> {
  const field = page.getByTestId('matter-search').first();
  await field.focus();
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000 + 5;
  const sent = [...text, '\r'].flatMap((ch, i) => {
    const key = gunKey(ch);
    const timestamp = start + i * 0.003;
    return [
      cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, unmodifiedText: key.text, timestamp }),
      cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: key.key, code: key.code, windowsVirtualKeyCode: key.windowsVirtualKeyCode, timestamp: timestamp + 0.001 }),
    ];
  });
  await Promise.all(sent);
  await cdp.detach();
  // Once the code is read the page moves on and the field may be gone: nothing may be in it either way.
  const typed = await page.getByTestId('matter-search').evaluateAll((fields) => fields.map((f) => (f as HTMLInputElement).value).join(''));
  expect(typed).toBe('');
}

/** A material's card. */
export function materialCard(page: Page, materialId: string): Locator {
  return page.locator(`[data-testid="material-card"][data-material="${materialId}"]`);
}

/** Waits until every material's pull has answered. */
export async function waitForPulls(page: Page): Promise<void> {
  await expect(page.getByTestId('materials')).toBeVisible();
  await expect(page.locator('[data-testid="material-progress"][data-phase="pulling"], [data-testid="material-progress"][data-phase="waiting"]')).toHaveCount(0, {
    timeout: 30_000,
  });
}

/** Imports a paper page for a material through the paper dialog, with a reason. */
export async function takePaper(page: Page, materialId: string, reasonLabel: string): Promise<void> {
  await materialCard(page, materialId).getByTestId('take-paper').click();
  const dialog = page.getByTestId('paper-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('paper-file-input').setInputFiles({ name: `${materialId}.png`, mimeType: 'image/png', buffer: PNG_PAGE });
  await expect(dialog.getByTestId('paper-pages').locator('li')).toHaveCount(1);
  await dialog.getByTestId('paper-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: reasonLabel }).click();
  await expect(dialog.getByTestId('paper-reason')).toContainText(reasonLabel);
  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden();
  await expect(materialCard(page, materialId)).toHaveAttribute('data-state', 'paper_scanned');
  await expect(materialCard(page, materialId).getByTestId('paper-thumb')).toHaveCount(1);
}

/** A real PNG image standing in for a scanner's page. */
export const PNG_PAGE: Buffer = await QRCode.toBuffer('纸质材料扫描件 / scanned page', { type: 'png', width: 320, margin: 4 });

/** Reads the workstation's case rows straight from IndexedDB in the page. */
export function storedCase(page: Page, caseNo: string): Promise<{ status: string; record: unknown } | null> {
  return page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('cases').objectStore('cases').get(key);
          get.onsuccess = () => {
            open.result.close();
            resolve(get.result ?? null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    caseNo,
  );
}
