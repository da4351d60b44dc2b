import { closeCounter, openCounter, setFaults } from './counter-helpers';
import { expect, test } from './workstation';

test('after an outage the header says 证照库在线 at the first successful probe, never 响应缓慢', async ({ browser, workstation }) => {
  test.setTimeout(90_000);
  const { context, page } = await openCounter(browser, workstation);
  try {
    const link = page.getByTestId('link-state');
    await setFaults(workstation, { down: true });
    // The shell probes at once when it starts: reloading shows the outage without waiting 20 s.
    await page.reload();
    await expect(link).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });
    // Let a few probes fail, as in a real outage (the shell probes every 5 s while offline).
    await page.waitForTimeout(6_000);
    await expect(link).toHaveAttribute('data-state', 'offline');

    // Every state the header shows from the moment the library is back.
    await link.evaluate((el) => {
      const seen: string[] = [];
      (window as unknown as { linkStates: string[] }).linkStates = seen;
      new MutationObserver(() => seen.push(el.getAttribute('data-state') ?? '')).observe(el, { attributes: true, attributeFilter: ['data-state'] });
    });
    await setFaults(workstation, { down: false });
    // The next offline probe (within 5 s) finds the library: online at once.
    await expect(link).toHaveAttribute('data-state', 'online', { timeout: 8_000 });
    await expect(link).toContainText('证照库在线');
    // And it stays so at the next probes: nothing from the outage is held against the link.
    await page.waitForTimeout(6_000);
    await expect(link).toHaveAttribute('data-state', 'online');
    expect(await page.evaluate(() => (window as unknown as { linkStates: string[] }).linkStates)).not.toContain('degraded');
  } finally {
    await setFaults(workstation, { down: false });
    await closeCounter(context, workstation);
  }
});
