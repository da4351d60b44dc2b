import type { BrowserContext, Page } from '@playwright/test';
import type { SandboxHolder } from '../../shared/library-api';
import { closeCounter, fullHolder, openCounter, setFaults } from './counter-helpers';
import { licenceIdsOf, outboxStates, sandboxObjections, seedObjections, waitForCachedReference } from './offline-helpers';
import { expect, test, type RunningWorkstation } from './workstation';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let holder: SandboxHolder;
let licenceId: string;

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
  holder = await fullHolder(workstation);
  const licences = await licenceIdsOf(workstation, holder);
  expect(licences.length).toBeGreaterThan(0);
  licenceId = licences[0]!;
  await waitForCachedReference(page, 'trust');
});
test.afterAll(async ({ workstation }) => {
  await setFaults(workstation, { down: false, errorRate: 0, latencyMs: 0 });
  await closeCounter(context, workstation);
});

async function arrivedWith(ws: RunningWorkstation, prefix: string): Promise<string[]> {
  return (await sandboxObjections(ws)).map((o) => o.id).filter((id) => id.startsWith(prefix));
}

test('200 objections queued offline, the page reloaded twice during the drain: the library holds exactly 200', async ({ workstation }) => {
  test.setTimeout(180_000);
  await setFaults(workstation, { down: true });
  const ids = await seedObjections(page, licenceId, 200, 'OBJ-RELOAD');
  await page.reload();
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '200');

  // Slow enough that the reloads land in the middle of the drain.
  await setFaults(workstation, { down: false, latencyMs: 40 });
  await expect.poll(async () => (await arrivedWith(workstation, 'OBJ-RELOAD')).length, { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(30);
  await page.reload();
  await expect.poll(async () => (await arrivedWith(workstation, 'OBJ-RELOAD')).length, { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(100);
  await page.reload();
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0', { timeout: 90_000 });

  const arrived = await arrivedWith(workstation, 'OBJ-RELOAD');
  expect(arrived).toHaveLength(200);
  expect(new Set(arrived)).toEqual(new Set(ids));
  expect(await outboxStates(page)).toEqual({ delivered: 200 });
});

test('with half the calls failing and added latency the drain still completes, with no duplicate', async ({ workstation }) => {
  test.setTimeout(180_000);
  await setFaults(workstation, { down: true, latencyMs: 0 });
  const ids = await seedObjections(page, licenceId, 20, 'OBJ-FLAKY');
  await page.reload();
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '20');
  await setFaults(workstation, { down: false, errorRate: 0.5, latencyMs: 30 });
  await expect(page.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0', { timeout: 150_000 });
  const arrived = await arrivedWith(workstation, 'OBJ-FLAKY');
  expect(arrived.sort()).toEqual([...ids].sort());
  expect((await outboxStates(page)).delivered).toBe(220);
});
