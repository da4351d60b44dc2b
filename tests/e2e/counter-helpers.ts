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
export async function openCounter(
  browser: Browser,
  ws: RunningWorkstation,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
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
  // The host judges the link on its recent library calls; the faults and refusals of these
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

// The US keyboard layout a keyboard-emulating gun types in: the key code and virtual key of
// each printable character it may send, and whether Shift is held for it.
const UNSHIFTED: Record<string, [code: string, vk: number]> = {
  ' ': ['Space', 32],
  '-': ['Minus', 189],
  '=': ['Equal', 187],
  '[': ['BracketLeft', 219],
  ']': ['BracketRight', 221],
  ';': ['Semicolon', 186],
  "'": ['Quote', 222],
  ',': ['Comma', 188],
  '.': ['Period', 190],
  '/': ['Slash', 191],
  '\\': ['Backslash', 220],
  '`': ['Backquote', 192],
};
const SHIFTED: Record<string, string> = {
  _: '-',
  '+': '=',
  '{': '[',
  '}': ']',
  ':': ';',
  '"': "'",
  '<': ',',
  '>': '.',
  '?': '/',
  '|': '\\',
  '~': '`',
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
};

interface GunKey {
  key: string;
  code: string;
  text: string;
  windowsVirtualKeyCode: number;
  shift: boolean;
}

/** One character as a keyboard-emulating gun sends it: its key, and whether Shift goes with it. */
function gunKey(ch: string): GunKey {
  if (ch === '\r') return { key: 'Enter', code: 'Enter', text: '\r', windowsVirtualKeyCode: 13, shift: false };
  if (ch === '\t') return { key: 'Tab', code: 'Tab', text: '', windowsVirtualKeyCode: 9, shift: false };
  if (/[a-z]/.test(ch)) return { key: ch, code: `Key${ch.toUpperCase()}`, text: ch, windowsVirtualKeyCode: ch.toUpperCase().charCodeAt(0), shift: false };
  if (/[A-Z]/.test(ch)) return { key: ch, code: `Key${ch}`, text: ch, windowsVirtualKeyCode: ch.charCodeAt(0), shift: true };
  if (/\d/.test(ch)) return { key: ch, code: `Digit${ch}`, text: ch, windowsVirtualKeyCode: ch.charCodeAt(0), shift: false };
  const plain = UNSHIFTED[ch];
  if (plain) return { key: ch, code: plain[0], text: ch, windowsVirtualKeyCode: plain[1], shift: false };
  const base = SHIFTED[ch];
  if (base !== undefined) {
    const under = /\d/.test(base) ? { code: `Digit${base}`, vk: base.charCodeAt(0) } : { code: UNSHIFTED[base]![0], vk: UNSHIFTED[base]![1] };
    return { key: ch, code: under.code, text: ch, windowsVirtualKeyCode: under.vk, shift: true };
  }
  throw new Error(`the e2e gun cannot type ${JSON.stringify(ch)}`);
}

/** How a gun is configured: what it sends around the code, and which key ends a scan. */
export interface GunSettings {
  /** Sent before the code (e.g. the AIM symbology identifier `]Q1` of a QR code). */
  prefix?: string;
  /** Sent after the code, before the terminator. */
  suffix?: string;
  /** The key that ends a scan: Enter (the factory setting) or Tab. Default Enter. */
  terminator?: 'Enter' | 'Tab';
}

/** Where the focus is while the gun types, and what the test expects of that field. */
export interface GunScanOptions extends GunSettings {
  /**
   * The text field that has the focus while the gun types (default: the first matter search).
   * Whatever it held before the scan, it must hold after (while it is still on the page).
   */
  field?: Locator;
}

const MODIFIER_SHIFT = 8;

/**
 * The barcode gun, sending what a keyboard-emulating gun sends: for each character its key down
 * and up, with Shift pressed before a capital (or a shifted symbol) and released after it, one
 * character every 3 ms, then the terminator — while the focus is in a text field, which must
 * keep exactly what it held. A gun's keys carry the time the hardware sent them and wait in the
 * browser's input queue when the page is busy, so they go through CDP with those timestamps:
 * `page.keyboard.type(text, { delay: 3 })` waits for a round trip per key, and on a loaded
 * two-core machine the page then sees gaps of over 100 ms that no gun makes. The hardware clock
 * is set 15 seconds ahead of the page's, so that a stall of the test machine while it is still
 * sending keys (which a real gun's queued keys never have; with Shift and key-ups a scan is
 * about 1,000 events) does not read as the gun having stopped.
 */
export async function gunScan(page: Page, text: string, options: GunScanOptions = {}): Promise<void> {
  const field = options.field ?? page.getByTestId('matter-search').first();
  await field.focus();
  const handle = await field.elementHandle();
  const before = await field.inputValue();
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000 + 15;
  const terminator = options.terminator === 'Tab' ? '\t' : '\r';
  const events: Array<Record<string, unknown>> = [];
  [...(options.prefix ?? ''), ...text, ...(options.suffix ?? ''), terminator].forEach((ch, i) => {
    const key = gunKey(ch);
    const at = start + i * 0.003;
    const modifiers = key.shift ? MODIFIER_SHIFT : 0;
    const shift = { key: 'Shift', code: 'ShiftLeft', windowsVirtualKeyCode: 16, location: 1 };
    if (key.shift) events.push({ type: 'rawKeyDown', ...shift, modifiers, timestamp: at - 0.0008 });
    events.push({
      type: key.text ? 'keyDown' : 'rawKeyDown',
      key: key.key,
      code: key.code,
      windowsVirtualKeyCode: key.windowsVirtualKeyCode,
      text: key.text,
      unmodifiedText: key.shift ? key.key.toLowerCase() : key.text,
      modifiers,
      timestamp: at,
    });
    events.push({ type: 'keyUp', key: key.key, code: key.code, windowsVirtualKeyCode: key.windowsVirtualKeyCode, modifiers, timestamp: at + 0.0008 });
    if (key.shift) events.push({ type: 'keyUp', ...shift, modifiers: 0, timestamp: at + 0.0012 });
  });
  await Promise.all(events.map((event) => cdp.send('Input.dispatchKeyEvent', event as never)));
  await cdp.detach();
  // Once the code is read the page moves on and the field may be gone; while it is there, it
  // holds what it held before the scan.
  const after = await handle!.evaluate((el) => (el.isConnected ? (el as HTMLInputElement).value : null));
  if (after !== null) expect(after).toBe(before);
  await handle!.dispose();
}

/** A material's card. */
export function materialCard(page: Page, materialId: string): Locator {
  return page.locator(`[data-testid="material-card"][data-material="${materialId}"]`);
}

/** Waits until every material's pull has answered. */
export async function waitForPulls(page: Page): Promise<void> {
  await expect(page.getByTestId('materials')).toBeVisible();
  await expect(page.locator('[data-testid="material-progress"][data-phase="pulling"], [data-testid="material-progress"][data-phase="waiting"]')).toHaveCount(
    0,
    {
      timeout: 30_000,
    },
  );
}

/** The reason the open paper dialog has chosen (its label), or '' when none is. */
export function paperReasonChosen(page: Page): Locator {
  return page.getByTestId('paper-dialog').getByTestId('paper-reason').locator('.el-radio.is-checked');
}

/** Chooses a reason in the open paper dialog by its label (the reasons are radio buttons, all in view). */
export async function choosePaperReason(page: Page, reasonLabel: string): Promise<void> {
  const reasons = page.getByTestId('paper-dialog').getByTestId('paper-reason');
  await reasons.locator('.el-radio', { hasText: reasonLabel }).click();
  await expect(paperReasonChosen(page)).toHaveText(reasonLabel);
}

/** Imports a paper page for a material through the paper dialog, with a reason. */
export async function takePaper(page: Page, materialId: string, reasonLabel: string): Promise<void> {
  await materialCard(page, materialId).getByTestId('take-paper').click();
  const dialog = page.getByTestId('paper-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('paper-file-input').setInputFiles({ name: `${materialId}.png`, mimeType: 'image/png', buffer: PNG_PAGE });
  await expect(dialog.getByTestId('paper-pages').locator('li')).toHaveCount(1);
  await choosePaperReason(page, reasonLabel);
  await dialog.getByTestId('paper-save').click();
  await expect(dialog).toBeHidden();
  await expect(materialCard(page, materialId)).toHaveAttribute('data-state', 'paper_scanned');
  await expect(materialCard(page, materialId).getByTestId('paper-thumb')).toHaveCount(1);
}

/** A real PNG image standing in for a scanner's page. */
export const PNG_PAGE: Buffer = await QRCode.toBuffer('纸质材料扫描件 / scanned page', { type: 'png', width: 320, margin: 4 });

/** Reads the workstation's case rows straight from IndexedDB in the page. */
export function storedCase(page: Page, caseNo: string): Promise<{ status: string; kept?: unknown } | null> {
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
