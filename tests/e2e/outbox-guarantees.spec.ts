import type { BrowserContext, Page, Request } from '@playwright/test';
import type { SandboxHolder, UsageRecordRequest } from '../../shared/library-api';
import {
  closeCounter,
  fullHolder,
  gunScan,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  setFaults,
  startCase,
  usageRecordsOf,
  waitForPulls,
} from './counter-helpers';
import { readStore, seedUsageRecord, waitForCachedReference } from './offline-helpers';
import { expect, test, type RunningWorkstation } from './workstation';

// What the outbox guarantees across tabs and after delivery, against the real host and sandbox
// in one browser context (one origin, one IndexedDB, the browser's own Web Locks).

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let first: Page;
let holder: SandboxHolder;
/** Every usage record the pages sent to the host: its idempotency key and the page that sent it. */
const submissions: { key: string; page: Page | null }[] = [];

/** The usage records a request carries: a call of its own, or calls of a batch (`POST /host/_batch`). */
function usageSubmissionsOf(request: Request): { idempotencyKey: string }[] {
  if (request.url().endsWith('/host/usage.submit')) return [request.postDataJSON() as { idempotencyKey: string }];
  if (!request.url().endsWith('/host/_batch')) return [];
  const { calls } = request.postDataJSON() as { calls: { name: string; input: { idempotencyKey: string } }[] };
  return calls.filter((call) => call.name === 'usage.submit').map((call) => call.input);
}

function recordSubmission(request: Request): void {
  const bodies = usageSubmissionsOf(request);
  if (bodies.length === 0) return;
  let page: Page | null = null;
  try {
    page = request.frame().page();
  } catch {
    // A request of a page already closed.
  }
  for (const body of bodies) submissions.push({ key: body.idempotencyKey, page });
}

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page: first } = await openCounter(browser, workstation));
  context.on('request', recordSubmission);
  holder = await fullHolder(workstation);
  await waitForCachedReference(first, 'matters');
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

/** Every call of `POST /usage-records` the library handled, by idempotency key (a replay included). */
async function libraryCalls(ws: RunningWorkstation): Promise<Map<string, number>> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox/usage-record-calls`);
  const { calls } = (await response.json()) as { calls: { idempotencyKey: string | null }[] };
  const counts = new Map<string, number>();
  for (const { idempotencyKey } of calls) if (idempotencyKey) counts.set(idempotencyKey, (counts.get(idempotencyKey) ?? 0) + 1);
  return counts;
}

/** "Delivered" entries of the audit trail, by idempotency key. */
async function deliveredInAudit(page: Page): Promise<Map<string, number>> {
  const events = await readStore<{ kind: string; details: { state?: string; key?: string } }[]>(page, 'auditEvents');
  const counts = new Map<string, number>();
  for (const e of events) if (e.kind === 'usage_record' && e.details.state === 'delivered') counts.set(e.details.key!, (counts.get(e.details.key!) ?? 0) + 1);
  return counts;
}

/** A usage record as a case completed offline writes it (the library accepts it as it is). */
function offlineRecord(caseNo: string): UsageRecordRequest {
  return {
    caseNo,
    matterCode: MATTERS.idCard.code,
    grantId: null,
    holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
    operatorId: 'OP-PD-0101',
    workstationId: 'WS-DEMO-01',
    completedAt: '2026-11-26T01:20:00Z',
    training: true,
    materials: MATTERS.idCard.materials.map((materialId) => ({
      materialId,
      outcome: 'paper' as const,
      licenceId: null,
      paperReason: 'library_unreachable' as const,
    })),
  };
}

/** Queues `count` usage records straight into IndexedDB; returns their keys. */
async function seedRecords(page: Page, prefix: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 1; i <= count; i++) {
    const caseNo = `WSDEMO01-20261126-${prefix}${String(i).padStart(2, '0')}`;
    const key = `usage-record:${caseNo}:20261126012000000`;
    await seedUsageRecord(page, offlineRecord(caseNo), key);
    keys.push(key);
  }
  return keys;
}

async function openSecondTab(ws: RunningWorkstation): Promise<Page> {
  const page = await context.newPage();
  await page.goto(ws.url);
  await expect(page.getByTestId('operator')).toBeVisible();
  return page;
}

/** Serves one case through the counter page of `page`, every material exempt; returns its case number. */
async function serveCase(page: Page, ws: RunningWorkstation): Promise<string> {
  const caseNo = await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(ws, holder.idNumber));
  await waitForPulls(page);
  for (const id of MATTERS.idCard.materials) await expect(materialCard(page, id)).toHaveAttribute('data-state', 'exempt');
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  return caseNo;
}

test('a second tab opened while the first drains sends nothing twice: each of 20 items reaches the library once and is logged delivered once', async ({
  workstation,
}) => {
  test.setTimeout(120_000);
  await setFaults(workstation, { down: true });
  const keys = await seedRecords(first, '01', 20);
  // Slow answers: the first tab has rows in flight for seconds when the second opens.
  await setFaults(workstation, { down: false, latencyMs: 600 });
  await first.reload();
  await expect
    .poll(async () => [...(await libraryCalls(workstation)).keys()].filter((k) => keys.includes(k)).length, { timeout: 30_000, intervals: [100] })
    .toBeGreaterThanOrEqual(1);
  const second = await openSecondTab(workstation);
  await expect(first.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0', { timeout: 60_000 });
  await expect(second.getByTestId('outbox-badge')).toHaveAttribute('data-count', '0');
  await setFaults(workstation, { latencyMs: 0 });

  // Sent once (counted at the pages and at the library), recorded once, logged delivered once.
  const sent = submissions.filter((s) => keys.includes(s.key));
  expect(sent.map((s) => s.key).sort()).toEqual([...keys].sort());
  expect(sent.every((s) => s.page === first)).toBe(true);
  const calls = await libraryCalls(workstation);
  expect(keys.map((k) => calls.get(k))).toEqual(keys.map(() => 1));
  for (const key of keys) expect(await usageRecordsOf(workstation, key.split(':')[1]!)).toHaveLength(1);
  const audited = await deliveredInAudit(first);
  expect(keys.map((k) => audited.get(k))).toEqual(keys.map(() => 1));

  // A case completed in the second tab is queued there and sent by the first, woken at once.
  const caseNo = await serveCase(second, workstation);
  await expect(second.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered', { timeout: 15_000 });
  const fromSecond = submissions.filter((s) => s.key.includes(caseNo));
  expect(fromSecond).toHaveLength(1);
  expect(fromSecond[0]!.page).toBe(first);
  await second.close();
});

test('when the sending tab closes mid-send, the other takes over what it left in flight: nothing lost, nothing recorded twice', async ({ workstation }) => {
  test.setTimeout(120_000);
  // The first tab sends; a second one waits in line for the lock.
  const second = await openSecondTab(workstation);
  await setFaults(workstation, { down: true });
  const keys = await seedRecords(first, '02', 6);
  // The first tab reloads while the library is still down, so none of its sends can have reached
  // the library: the second takes the lock and the first comes back and waits in line. Then the
  // library returns, slow: the second tab's link comes back and it sends the rows, each answered
  // after three seconds.
  await first.reload();
  await expect(first.getByTestId('operator')).toBeVisible();
  await setFaults(workstation, { down: false, latencyMs: 3_000 });
  const inFlight = async () =>
    (await readStore<{ key: string; state: string }[]>(first, 'outbox')).filter((r) => keys.includes(r.key) && r.state === 'sending').length;
  await expect.poll(inFlight, { timeout: 20_000, intervals: [100] }).toBeGreaterThan(0);
  // The sending tab closes with rows in flight.
  await second.close();
  await setFaults(workstation, { latencyMs: 0 });

  // The first tab now holds the lock: it queues the rows the closed tab left "sending" and delivers all.
  await expect
    .poll(async () => (await readStore<{ key: string; state: string }[]>(first, 'outbox')).filter((r) => keys.includes(r.key)).map((r) => r.state), {
      timeout: 60_000,
    })
    .toEqual(keys.map(() => 'delivered'));
  for (const key of keys) expect(await usageRecordsOf(workstation, key.split(':')[1]!)).toHaveLength(1);
  // The closed tab may have reached the library before it went: a key then went twice (the
  // library answered the repeat with its first result), never more — the first tab sent
  // nothing while the library was down.
  const calls = await libraryCalls(workstation);
  for (const key of keys) expect(calls.get(key)).toBeGreaterThanOrEqual(1);
  for (const key of keys) expect(calls.get(key)).toBeLessThanOrEqual(2);
  expect(submissions.some((s) => keys.includes(s.key) && s.page === first)).toBe(true);
});

test("a delivered usage record keeps no personal data in IndexedDB: neither the holder's name nor the ID number", async ({ workstation }) => {
  const caseNo = await serveCase(first, workstation);
  await expect(first.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered', { timeout: 15_000 });
  const records = await usageRecordsOf(workstation, caseNo);
  expect(records).toHaveLength(1);
  expect(records[0]!.holder.name).toBe(holder.name);

  const outbox = await readStore<{ key: string; state: string; payload: unknown; deliveredAt?: string; answer?: unknown }[]>(first, 'outbox');
  const row = outbox.find((r) => r.key.includes(caseNo))!;
  expect(row).toMatchObject({ state: 'delivered', payload: { caseNo }, answer: { id: records[0]!.id } });
  expect(Date.parse(row.deliveredAt!)).toBeGreaterThan(Date.now() - 60_000);
  // Nothing of any holder in the whole outbox: every row here is delivered.
  expect(outbox.every((r) => r.state === 'delivered')).toBe(true);
  const stored = JSON.stringify(outbox);
  expect(stored).not.toContain(holder.name);
  expect(stored).not.toContain(holder.idNumber);
});
