import type { BrowserContext, Page } from '@playwright/test';
import { closeCounter, fullHolder, gunScan, MATTERS, mintToken, openCounter, startCase, waitForPulls } from './counter-helpers';
import { expect, test } from './workstation';

// The barcode gun as a clerk meets it: the focus left in a text field, a gun that presses Shift
// for every capital (each 亮证码 starts `EL1.`), and guns configured to send a prefix and a
// suffix or to end a scan with Tab.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

// The matter list follows the field after 100 ms (MatterPicker's SETTLE_MS): wait well past it
// before reading what the list shows.
const SETTLED_MS = 400;

test('before a case: a scan with the focus in 选择事项 leaves the field, its list and its highlighted matter as they were', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  const search = page.getByTestId('matter-search').first();

  // An empty field stays empty and no matter is offered for the clerk's next Enter.
  await gunScan(page, await mintToken(workstation, holder.idNumber), { field: search });
  await expect(search).toHaveValue('');
  await expect(search).toBeFocused();
  await expect(page.getByTestId('scan-notice')).toContainText('还没有开始办件');
  await page.waitForTimeout(SETTLED_MS);
  await expect(page.getByTestId('matter-hits')).toHaveCount(0);
  await expect(page.getByTestId('matter-no-hit')).toHaveCount(0);

  // A half-typed query keeps its text, its caret and the matter the clerk had highlighted.
  await search.pressSequentially('jhdj', { delay: 120 });
  const hits = page.getByTestId('matter-hits').locator('li');
  await expect(hits.first()).toHaveAttribute('aria-selected', 'true');
  const highlighted = await hits.first().getAttribute('data-code');
  await gunScan(page, await mintToken(workstation, holder.idNumber), { field: search });
  await expect(search).toHaveValue('jhdj');
  await page.waitForTimeout(SETTLED_MS);
  await expect(page.locator('[data-testid="matter-hits"] li[aria-selected="true"]')).toHaveAttribute('data-code', highlighted!);
  // The clerk's Enter opens the matter they had chosen, not one the scan put there.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'holder');
  await expect(page.getByTestId('usage-list')).toContainText('结婚登记');
});

test('after a refused scan: the next scans with the focus in the re-choose field leave it empty, and a good code is read', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  await startCase(page, MATTERS.idCard);
  const field = page.getByTestId('matter-search').first();
  const expired = await mintToken(workstation, holder.idNumber, { ttlSeconds: 1 });
  await page.waitForTimeout(1_200);

  await gunScan(page, expired, { field });
  await expect(page.getByTestId('token-error')).toHaveAttribute('data-code', 'TOKEN_EXPIRED');
  await expect(field).toHaveValue('');
  // The clerk leaves the focus where it is and the applicant shows a code that is not a 亮证码.
  await gunScan(page, 'HTTPS-EXAMPLE-COM-COUPON-0123456789', { field });
  await expect(page.getByTestId('token-error')).toHaveAttribute('data-code', 'TOKEN_NOT_A_CODE');
  await expect(field).toHaveValue('');
  await page.waitForTimeout(SETTLED_MS);
  await expect(page.getByTestId('matter-hits')).toHaveCount(0);
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'holder');

  await gunScan(page, await mintToken(workstation, holder.idNumber), { field });
  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await waitForPulls(page);
  // Still the matter the clerk chose: an Enter that reached the field would have changed it.
  await expect(page.getByTestId('usage-list')).toContainText('居民身份证');
  await expect(page.getByTestId('case-no')).toBeVisible();
});

test('a gun set to send a prefix (the AIM identifier ]Q1) and a suffix reads the 亮证码 inside them', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(workstation, holder.idNumber), { prefix: ']Q1', suffix: '#END' });
  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await expect(page.getByTestId('token-error')).toHaveCount(0);
  await waitForPulls(page);
});

test('a gun set to end a scan with Tab: the scan is read and the focus stays where it was', async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  await startCase(page, MATTERS.idCard);
  const field = page.getByTestId('matter-search').first();

  // A refused code first, so that the field stays on the page: Tab must not move the focus.
  const expired = await mintToken(workstation, holder.idNumber, { ttlSeconds: 1 });
  await page.waitForTimeout(1_200);
  await gunScan(page, expired, { field, terminator: 'Tab' });
  await expect(page.getByTestId('token-error')).toHaveAttribute('data-code', 'TOKEN_EXPIRED');
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();

  // A gun that sends Tab and then Enter (a suffix of Tab with the factory Enter): one scan, and
  // the Enter does not reach the field.
  await gunScan(page, await mintToken(workstation, holder.idNumber), { field, suffix: '\t', terminator: 'Enter' });
  await expect(page.getByTestId('holder-name')).toHaveText(holder.name);
  await waitForPulls(page);
  await expect(page.getByTestId('usage-list')).toContainText('居民身份证');
});
