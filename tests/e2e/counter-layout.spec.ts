import type { BrowserContext, Page } from '@playwright/test';
import { closeCounter, fullHolder, gunScan, materialCard, MATTERS, mintToken, openCounter, startCase, waitForPulls } from './counter-helpers';
import { expect, test } from './workstation';

// The counter on the screen a service window has: 1366×768.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation, { viewport: { width: 1366, height: 768 } }));
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

test('人才引进落户, eight materials verified: each is one line, 办结 is in view without scrolling, the training banner is not clipped', async ({
  workstation,
}) => {
  const holder = await fullHolder(workstation);
  await startCase(page, MATTERS.talent);
  await gunScan(page, await mintToken(workstation, holder.idNumber));
  await waitForPulls(page);
  for (const id of MATTERS.talent.materials) await expect(materialCard(page, id)).toHaveAttribute('data-state', 'exempt');
  await page.screenshot({ path: 'test-results/counter-1366x768.png' });

  // A verified material is one compact line: its state, its licence, 查看证照.
  for (const id of MATTERS.talent.materials) {
    const line = materialCard(page, id);
    await expect(line.getByTestId('material-state')).toHaveText('免交（电子证照已核验）');
    await expect(line.getByTestId('licence-row')).toHaveCount(1);
    await expect(line.getByTestId('view-licence')).toBeVisible();
    const box = (await line.boundingBox())!;
    expect(box.height, `the line of ${id}`).toBeLessThanOrEqual(44);
  }

  // 办结 is on screen as the page stands: nothing has been scrolled, and the whole button shows.
  const main = page.locator('.shell__main');
  expect(await main.evaluate((el) => el.scrollTop)).toBe(0);
  const complete = page.getByTestId('complete-case');
  await expect(complete).toBeEnabled();
  await expect(complete).toBeInViewport({ ratio: 1 });
  const button = (await complete.boundingBox())!;
  const area = (await main.boundingBox())!;
  expect(button.y + button.height).toBeLessThanOrEqual(Math.min(768, area.y + area.height));

  // The training banner keeps the height its text needs.
  const banner = page.getByTestId('training-banner');
  await expect(banner).toBeVisible();
  const fit = await banner.evaluate((el) => [el, ...el.querySelectorAll('*')].map((e) => ({ scroll: e.scrollHeight, client: e.clientHeight })));
  for (const { scroll, client } of fit) expect(scroll).toBeLessThanOrEqual(client);
  expect((await banner.boundingBox())!.height).toBeGreaterThanOrEqual(32);

  // Completed from the keyboard, as the clerk would.
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
});
