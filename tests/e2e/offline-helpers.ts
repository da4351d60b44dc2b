import type { Page } from '@playwright/test';
import type { FiledObjection, SandboxHolder, UsageRecordRequest } from '../../shared/library-api';
import { objectionRows } from '../../renderer/features/objections/objections';
import { MATTERS, PNG_PAGE } from './counter-helpers';
import { writeObjectionRows } from './objection-seed';
import { expect, type RunningWorkstation } from './workstation';

async function libraryPost<T>(ws: RunningWorkstation, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`library ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Identifiers of real licences of a holder, asked of the library directly (as another
 * workstation would) while it is up: objections must name licences the library knows.
 */
export async function licenceIdsOf(ws: RunningWorkstation, holder: SandboxHolder): Promise<string[]> {
  const { token } = await libraryPost<{ token: string }>(ws, '/sessions', { username: 'clerk02', password: 'demo', workstationId: 'E2E-OFFLINE' });
  const matterCode = MATTERS.idCard.code;
  const grant = await libraryPost<{ grantId: string }>(
    ws,
    '/authorizations/duty',
    {
      holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
      matterCode,
      caseNo: `E2E-OFF-${Date.now()}`,
      reason: '端到端测试取得证照标识',
    },
    token,
  );
  const ids: string[] = [];
  for (const materialId of MATTERS.idCard.materials) {
    const { licences } = await libraryPost<{ licences: { id: string; status: string }[] }>(
      ws,
      '/licences/query',
      { grantId: grant.grantId, matterCode, materialId, purpose: '端到端测试' },
      token,
    );
    ids.push(...licences.filter((l) => l.status === 'valid').map((l) => l.id));
  }
  return ids;
}

/** The objections the sandbox holds (each id at most once: it is the library's key). */
export async function sandboxObjections(ws: RunningWorkstation): Promise<FiledObjection[]> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox/objections`);
  return ((await response.json()) as { objections: FiledObjection[] }).objections;
}

/** The issuer's answer, through the sandbox. */
export async function resolveObjection(ws: RunningWorkstation, id: string, outcome: 'corrected' | 'rejected', note: string): Promise<void> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox/objections/${encodeURIComponent(id)}/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome, note }),
  });
  if (!response.ok) throw new Error(`resolve ${id}: ${response.status} ${await response.text()}`);
}

/** Files an objection through the objections page's dialog, from a typed licence identifier. */
export async function fileObjectionFromPage(
  page: Page,
  input: { licenceId: string; dimension?: string; field: string; recorded: string; claimed: string; description: string; evidence?: boolean },
): Promise<void> {
  await page.getByTestId('objection-new').click();
  const dialog = page.getByTestId('objection-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('objection-licence-id').fill(input.licenceId);
  if (input.dimension) await dialog.locator(`[data-dimension="${input.dimension}"]`).click();
  // The face field is chosen by its Chinese label from the catalog's fields of the licence's
  // type; the option carries the library's key, which the test names.
  await dialog.getByTestId('objection-field').click();
  await dialog.page().locator(`.el-select-dropdown__item[data-field="${input.field}"]:visible`).click();
  await dialog.getByTestId('objection-recorded').fill(input.recorded);
  await dialog.getByTestId('objection-claimed').fill(input.claimed);
  await dialog.getByTestId('objection-description').fill(input.description);
  if (input.evidence !== false) {
    await dialog.getByTestId('objection-file-input').setInputFiles({ name: '证明材料.png', mimeType: 'image/png', buffer: PNG_PAGE });
    await expect(dialog.getByTestId('objection-evidence').locator('li')).toHaveCount(1);
  }
  await dialog.getByTestId('objection-submit').click();
  await expect(dialog).toBeHidden();
}

/** The states the objections page shows, by id. */
export async function listedStates(page: Page): Promise<Record<string, string>> {
  const tags = page.locator('[data-testid^="objection-state-"]');
  const entries = await tags.evaluateAll((nodes) =>
    nodes.map((n) => [n.getAttribute('data-testid')!.slice('objection-state-'.length), n.getAttribute('data-state') ?? '']),
  );
  return Object.fromEntries(entries);
}

/**
 * Queues objections straight into the page's IndexedDB, with rows shaped exactly as the app
 * writes them (objectionRows), each objection and its outbox item in one transaction.
 */
export async function seedObjections(page: Page, licenceId: string, count: number, prefix: string): Promise<string[]> {
  const base = Date.parse('2026-11-27T01:00:00Z');
  const evidence = [{ name: '证明.png', contentType: 'image/png', data: PNG_PAGE.toString('base64') }];
  const rows = Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${String(i).padStart(5, '0')}`;
    const at = new Date(base + i * 1000);
    return objectionRows(
      {
        id,
        licenceId,
        dimension: 'accuracy',
        fields: [{ key: 'address', recorded: '世纪大道 1 号', claimed: `世纪大道 ${i + 2} 号` }],
        description: `批量异议 ${i}`,
        filedBy: { operatorId: 'clerk01', role: 'clerk' },
        filedAt: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        evidence,
      },
      at.toISOString(),
    );
  });
  await writeObjectionRows(page, rows);
  return rows.map((r) => r.objection.id);
}

/** Outbox rows in the page's IndexedDB by state. */
export function outboxStates(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('outbox').objectStore('outbox').getAll();
          get.onsuccess = () => {
            const counts: Record<string, number> = {};
            for (const row of get.result as { state: string }[]) counts[row.state] = (counts[row.state] ?? 0) + 1;
            open.result.close();
            resolve(counts);
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

/** Waits until the page keeps a copy of a library resource (the shell refreshes them when online). */
export async function waitForCachedReference(page: Page, name: 'trust' | 'matters' | 'catalog'): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(
        (key) =>
          new Promise<boolean>((resolve, reject) => {
            const open = indexedDB.open('e-licence-workstation');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction('referenceCache').objectStore('referenceCache').get(key);
              get.onsuccess = () => {
                open.result.close();
                resolve(get.result !== undefined);
              };
              get.onerror = () => reject(get.error);
            };
          }),
        name,
      ),
    )
    .toBe(true);
}

/** Queues a usage record straight into the page's IndexedDB, as the counter's completion writes it. */
export async function seedUsageRecord(page: Page, record: UsageRecordRequest, key: string): Promise<void> {
  const row = { key, kind: 'usage_record', state: 'queued', createdAt: record.completedAt, attempts: 0, lastError: null, payload: record };
  await page.evaluate(
    (item) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readwrite');
          tx.objectStore('outbox').add(item);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    row,
  );
}

/**
 * Reads the page's IndexedDB as the app left it: one row of `store` by `key` (through `index`
 * when given; null when absent), or every row when no key is given.
 */
export function readStore<T>(page: Page, store: string, query: { index?: string; key?: string } = {}): Promise<T> {
  return page.evaluate(
    ({ store, index, key }) =>
      new Promise<T>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const source = open.result.transaction(store).objectStore(store);
          const target = index ? source.index(index) : source;
          const request = key === undefined ? target.getAll() : target.get(key);
          request.onsuccess = () => {
            open.result.close();
            resolve((request.result ?? null) as T);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    { store, index: query.index, key: query.key },
  );
}

/** One outbox row by its key, or null. */
export function outboxRow(page: Page, key: string): Promise<{ state: string; attempts: number; lastError: string | null; payload: UsageRecordRequest } | null> {
  return readStore(page, 'outbox', { index: 'key', key });
}
