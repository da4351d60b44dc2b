import type { BrowserContext, Page } from '@playwright/test';
import { generateSm2KeyPair } from '../../shared/sm';
import { encodeTokenPayload, parseToken, signToken } from '../../shared/token';
import {
  closeCounter,
  fullHolder,
  gunScan,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  startCase,
  storedCase,
  usageRecordsOf,
  waitForPulls,
} from './counter-helpers';
import { expect, rawHostCall, test } from './workstation';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let usedToken = '';

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

test('a full transaction by barcode gun: every material exempt, receipt, usage record at the library, purge', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  const caseNo = await startCase(page, MATTERS.talent);
  await expect(page.getByTestId('usage-item')).toHaveCount(MATTERS.talent.materials.length);

  usedToken = await mintToken(workstation, holder.idNumber);
  await gunScan(page, usedToken);

  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await expect(page.getByTestId('holder-id')).toHaveText(`${holder.idNumber.slice(0, 6)}********${holder.idNumber.slice(14)}`);
  await waitForPulls(page);
  await expect(page.getByTestId('pull-progress')).toHaveText(`已完成 ${MATTERS.talent.materials.length} / ${MATTERS.talent.materials.length} 项材料`);
  for (const id of MATTERS.talent.materials) {
    await expect(materialCard(page, id)).toHaveAttribute('data-state', 'exempt');
    await expect(materialCard(page, id).getByTestId('licence-outcome').first()).toHaveAttribute('data-outcome', 'valid');
  }
  // Nothing on screen shows the full ID number.
  expect(await page.getByTestId('counter-page').innerText()).not.toContain(holder.idNumber);
  await page.screenshot({ path: 'test-results/counter-materials.png', fullPage: true });

  // Completed from the keyboard.
  await page.keyboard.press('Alt+KeyC');
  const receipt = page.getByTestId('receipt');
  await expect(receipt).toBeVisible();
  await expect(receipt.getByTestId('receipt-case-no')).toContainText(caseNo);
  const lines = receipt.getByTestId('receipt-line');
  await expect(lines).toHaveCount(MATTERS.talent.materials.length);
  const receiptLicences: Record<string, string> = {};
  for (const id of MATTERS.talent.materials) {
    const line = lines.and(page.locator(`[data-material="${id}"]`));
    await expect(line).toHaveAttribute('data-outcome', 'exempt');
    const text = await line.innerText();
    const licenceId = /1\.2\.156\.3005\.2\.[0-9A-Z.]+/.exec(text)?.[0];
    expect(licenceId, `receipt line of ${id}`).toBeTruthy();
    receiptLicences[id] = licenceId!;
  }
  await expect(receipt.getByTestId('receipt-training')).toBeVisible();

  // The usage record reached the library, once, saying the same as the receipt.
  await expect(receipt.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered');
  const records = await usageRecordsOf(workstation, caseNo);
  expect(records).toHaveLength(1);
  expect(records[0]!.holder.idNumber).toBe(holder.idNumber);
  expect(records[0]!.training).toBe(true);
  expect(Object.fromEntries(records[0]!.materials.map((m) => [m.materialId, [m.outcome, m.licenceId]]))).toEqual(
    Object.fromEntries(MATTERS.talent.materials.map((id) => [id, ['exempt', receiptLicences[id]]])),
  );

  // Purged: the host no longer has the files, the stored case keeps identifiers and hashes only.
  await expect(page.getByTestId('purged')).toHaveAttribute('data-count', String(MATTERS.talent.materials.length));
  const file = await rawHostCall(
    workstation,
    'licence.file',
    { origin: workstation.origin, 'x-workstation-key': workstation.secret },
    JSON.stringify({ caseNo, licenceId: receiptLicences.M01 }),
  );
  expect(file.body.error?.code).toBe('NOT_FOUND');
  const stored = await storedCase(page, caseNo);
  expect(stored?.status).toBe('completed');
  const kept = JSON.stringify(stored?.kept);
  expect(kept).toContain(receiptLicences.M04);
  expect(kept).not.toContain(holder.name);
  await page.screenshot({ path: 'test-results/counter-receipt.png', fullPage: true });
  // The native print dialog cannot be driven from a test: record what would go to the printer.
  type Printed = { appHidden: boolean; text: string };
  await page.evaluate(() => {
    const record = window as unknown as { printed: Printed[] };
    record.printed = [];
    window.print = () => {
      const copy = document.querySelector<HTMLElement>('[data-testid="print-document"]');
      record.printed.push({ appHidden: getComputedStyle(document.getElementById('app')!).display === 'none', text: copy?.innerText ?? '' });
    };
  });
  await page.emulateMedia({ media: 'print' });
  await page.keyboard.press('Alt+KeyP');
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: Printed[] }).printed.length)).toBe(1);
  const [printed] = await page.evaluate(() => (window as unknown as { printed: Printed[] }).printed);
  await page.emulateMedia({ media: 'screen' });
  expect(printed!.appHidden).toBe(true);
  expect(printed!.text).toContain(caseNo);
  for (const id of MATTERS.talent.materials) expect(printed!.text).toContain(receiptLicences[id]);

  // The next applicant, from the keyboard; nothing of this one stays laid out for the printer.
  await page.keyboard.press('Alt+KeyN');
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'idle');
  await expect(page.getByTestId('print-document')).toHaveCount(0);
  await expect(page.getByTestId('matter-search')).toBeFocused();
});

async function refused(code: string, sentence: string): Promise<void> {
  const error = page.getByTestId('token-error');
  await expect(error).toHaveAttribute('data-code', code);
  await expect(error).toContainText(sentence);
  // Nothing was pulled: the case still waits for a holder.
  await expect(page.getByTestId('materials')).toHaveCount(0);
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'holder');
}

test('a replayed code is refused: already used, ask for a fresh one', async () => {
  expect(usedToken).not.toBe('');
  await startCase(page, MATTERS.idCard);
  await gunScan(page, usedToken);
  await refused('TOKEN_USED', '该亮证码已经使用过');
});

test('an expired code is refused: ask for a fresh one', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  const token = await mintToken(workstation, holder.idNumber, { ttlSeconds: 1 });
  await startCase(page, MATTERS.idCard);
  await page.waitForTimeout(1_200);
  await gunScan(page, token);
  await refused('TOKEN_EXPIRED', '亮证码已过期');
});

test('a forged code (signed by a key the holder platform does not hold) is refused', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  const genuine = parseToken(await mintToken(workstation, holder.idNumber));
  if (!genuine.ok) throw new Error('the sandbox minted a token that does not parse');
  const payload = { ...genuine.value.payload, holder: { ...genuine.value.payload.holder, name: '冒名者' } };
  const forger = generateSm2KeyPair();
  const forged = signToken(payload, forger.privateKey, forger.publicKey);
  expect(forged.startsWith(`EL1.${encodeTokenPayload(payload)}.`)).toBe(true);
  await startCase(page, MATTERS.idCard);
  await gunScan(page, forged);
  await refused('TOKEN_FORGED', '可能是伪造的');
});

test('random text from the gun is not a code', async () => {
  await startCase(page, MATTERS.idCard);
  await gunScan(page, 'HTTPS-EXAMPLE-COM-COUPON-0123456789');
  await refused('TOKEN_NOT_A_CODE', '扫描到的不是亮证码');
  // A person typing in the same field is left alone.
  const field = page.getByTestId('matter-search').first();
  await field.focus();
  await page.keyboard.type('jlk', { delay: 120 });
  await expect(field).toHaveValue('jlk');
  await field.fill('');
});
