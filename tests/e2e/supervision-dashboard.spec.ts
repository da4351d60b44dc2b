import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { auditEventsFromCsv, verifyAuditChain, type AuditEvent } from '../../shared/audit-chain';
import { drawReview } from '../../shared/random-review';
import { EDGE, fullHolder, gunScan, holderByNote, materialCard, MATTERS, mintToken, openCounter, startCase, takePaper, waitForPulls } from './counter-helpers';
import { libraryTest as test, openSupervision, signInAs } from './supervision-fixtures';
import { expect, signOut, type RunningWorkstation } from './workstation';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
/** The known set of cases: case number → what the counter showed for it. */
const known: { caseNo: string; exempt: number; paper: Record<string, number>; outcomes: Record<string, number> }[] = [];

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
});
test.afterAll(async () => {
  await context.close();
});

function storedAuditEvents(p: Page): Promise<AuditEvent[]> {
  return p.evaluate(
    () =>
      new Promise<AuditEvent[]>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('auditEvents').objectStore('auditEvents').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result as AuditEvent[]);
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/** Serves one applicant at the counter and records what the screen said about each licence. */
async function serve(ws: RunningWorkstation, holderId: string, matter: { code: string; query: string }, paper: [string, string, string][]): Promise<void> {
  const caseNo = await startCase(page, matter);
  await gunScan(page, await mintToken(ws, holderId));
  await waitForPulls(page);
  const outcomes: Record<string, number> = {};
  for (const outcome of await page.getByTestId('licence-outcome').evaluateAll((els) => els.map((el) => el.getAttribute('data-outcome') ?? ''))) {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const counts: Record<string, number> = {};
  for (const [materialId, label, reason] of paper) {
    await takePaper(page, materialId, label);
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  const exempt = await page.locator('[data-testid="receipt-line"][data-outcome="exempt"]').count();
  known.push({ caseNo, exempt, paper: counts, outcomes });
}

test('cases made at the counter on a configured library (not training)', async ({ workstation }) => {
  await serve(workstation, (await fullHolder(workstation)).idNumber, MATTERS.idCard, []);
  await serve(workstation, (await holderByNote(workstation, EDGE.expired)).idNumber, MATTERS.driving, [['M07', '电子证照核验未通过', 'verification_failed']]);
  await serve(workstation, (await holderByNote(workstation, EDGE.notInLibrary)).idNumber, MATTERS.divorce, [['M03', '证照库中无此证照', 'not_in_library']]);
  expect(known).toHaveLength(3);
  await expect(materialCard(page, 'M03')).toHaveCount(0);
});

test('the supervisor’s dashboard shows exactly the figures of those cases, each drilling down to them', async ({ workstation }) => {
  await signOut(page);
  await signInAs(page, workstation, 'super01');
  await openSupervision(page, workstation, 'dashboard');
  await expect(page.locator('.dashboard[data-loaded="true"]')).toBeVisible();

  const exempt = known.reduce((n, c) => n + c.exempt, 0);
  const paper = known.reduce((n, c) => n + Object.values(c.paper).reduce((a, b) => a + b, 0), 0);
  const value = (key: string) => page.getByTestId(`dash-${key}`).getByTestId('value');
  await expect(value('cases')).toHaveText('3');
  await expect(value('exempt')).toHaveText(String(exempt));
  await expect(value('paper')).toHaveText(String(paper));
  await expect(value('handed-in')).toHaveText(String(exempt + paper));
  await expect(value('rate')).toHaveText(`${((exempt / (exempt + paper)) * 100).toFixed(1)}%`);

  const figure = (chart: string, key: string) => page.getByTestId(chart).locator(`tr[data-key="${key}"]`).getByTestId('figure');
  await expect(figure('chart-materials', 'exempt')).toHaveText(String(exempt));
  await expect(figure('chart-materials', 'paper')).toHaveText(String(paper));
  await expect(figure('chart-materials', 'missing')).toHaveText('0');
  for (const reason of ['verification_failed', 'not_in_library', 'elderly', 'no_phone']) {
    await expect(figure('chart-paper', reason), reason).toHaveText(String(known.reduce((n, c) => n + (c.paper[reason] ?? 0), 0)));
  }
  for (const outcome of ['valid', 'expired', 'revoked', 'not_in_library']) {
    await expect(figure('chart-outcomes', outcome), outcome).toHaveText(String(known.reduce((n, c) => n + (c.outcomes[outcome] ?? 0), 0)));
  }
  await expect(page.getByTestId('chart-objection-states').locator('tr[data-key]')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/supervision-dashboard.png', fullPage: true });

  // Each figure leads to the cases behind it.
  const drilled = async () => page.getByTestId('drill-cases').locator('.el-table__body-wrapper tr.el-table__row td:first-child').allInnerTexts();
  await page.getByTestId('dash-paper').click();
  await expect(page.getByTestId('drill')).toContainText(`：2 件办件`);
  expect((await drilled()).sort()).toEqual([known[1]!.caseNo, known[2]!.caseNo].sort());
  await page.keyboard.press('Escape');
  await page.getByTestId('chart-paper').locator('tr[data-key="not_in_library"]').click();
  await expect(page.getByTestId('drill')).toContainText('：1 件办件');
  expect(await drilled()).toEqual([known[2]!.caseNo]);
  await page.getByTestId('drill-cases').getByRole('button', { name: '查看' }).click();
  const detail = page.locator('[data-testid="case-detail"]:visible');
  await expect(detail).toContainText('纸质材料（证照库中无此证照）');
  await expect(detail).toContainText('电子证照免交');
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
});

test('a period chosen in the picker reloads the figures and goes into the address, and an address changed reloads them', async ({ workstation }) => {
  await page.goto(`${workstation.origin}/#/supervision?tab=dashboard&from=2020-01-01&to=2020-01-02`);
  // The dashboard is already open from the test before: a fresh page reads the period from the address.
  await page.reload();
  await expect(page.locator('.dashboard[data-loaded="true"]')).toBeVisible();
  const cases = page.getByTestId('dash-cases').getByTestId('value');
  await expect(cases).toHaveText('0');
  await page.getByTestId('dash-period').locator('.el-date-editor').click();
  await page.locator('.el-picker-panel__shortcut:visible', { hasText: '今天' }).click();
  await expect(cases).toHaveText('3');
  const day = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
  await expect(page).toHaveURL(new RegExp(`#/supervision\\?.*from=${day}&to=${day}`));
  // Only the address changes (no reload): the open dashboard follows it, picker included.
  await page.evaluate(() => {
    location.hash = '#/supervision?tab=dashboard&from=2020-01-01&to=2020-01-02';
  });
  await expect(cases).toHaveText('0');
  await expect(page.getByTestId('dash-period').locator('input').first()).toHaveValue('2020-01-01');
});

test('a random review drawn twice with the same seed over the same period picks the same cases, and is audited', async ({ workstation }) => {
  await openSupervision(page, workstation, 'review');
  const picked = async () => page.getByTestId('review-picked').locator('.el-table__body-wrapper tr.el-table__row td:nth-child(2)').allInnerTexts();
  const drawWith = async (seed: string) => {
    await page.getByTestId('review-size').locator('input').fill('2');
    await page.getByTestId('review-seed').fill(seed);
    await page.getByTestId('review-draw').click();
    await expect(page.getByTestId('review-notice')).toContainText(`已从 3 件中抽取 2 件，随机种子 ${seed}`);
    await expect(page.getByTestId('review-current-seed')).toHaveText(seed);
    return picked();
  };
  const first = await drawWith('e2e-seed-1');
  const again = await drawWith('e2e-seed-1');
  expect(again).toEqual(first);
  // The documented procedure, run here on the case numbers, gives the same cases.
  expect(first).toEqual(
    drawReview(
      'e2e-seed-1',
      known.map((c) => c.caseNo),
      2,
    ).picked,
  );
  await page.getByTestId('review-recheck').click();
  await expect(page.getByTestId('review-notice')).toContainText('复核一致');

  await page.getByTestId(`review-open-${first[0]}`).click();
  // The drawn case as the counter kept it: its grant, each material and its licences' checks.
  const detail = page.locator('[data-testid="case-detail"]:visible');
  await expect(detail).toContainText('亮证码授权');
  // Each licence's checks are listed one a line (issue 10 item 10).
  await expect(detail.getByTestId('licence-checks').first().locator('li[data-check="signature"]')).toHaveText('签发机构签名通过');
  await page.getByTestId('finding-verdict').getByText('发现问题').click();
  await page.getByTestId('finding-save').click();
  await expect(page.getByRole('dialog').filter({ has: page.getByTestId('finding-save') })).toContainText('结论为“发现问题”时请填写说明');
  await page.getByTestId('finding-note').fill('纸质材料原因与核验结果一致，但未告知申请人异议渠道');
  await page.getByTestId('finding-save').click();
  await expect(page.getByTestId('review-notice')).toContainText(`已记录对 ${first[0]} 的审查结论`);

  const reviews = (await storedAuditEvents(page)).filter((e) => e.kind === 'review');
  expect(reviews.filter((e) => e.details.action === 'draw').map((e) => [e.details.seed, e.details.candidateCount, e.details.picked])).toEqual([
    ['e2e-seed-1', 3, first],
    ['e2e-seed-1', 3, first],
  ]);
  expect(reviews.at(-1)).toMatchObject({ case: first[0], details: { action: 'finding', verdict: 'issue' } });
});

test('the audit trail filters by kind and case, and its CSV export parses back exactly, Chinese intact, and is audited', async ({ workstation }) => {
  await openSupervision(page, workstation, 'audit');
  const rows = page.getByTestId('audit-table').locator('tbody tr[data-seq]');
  await expect(rows.first()).toBeVisible();
  // The first page is the newest events, newest first (read backwards in one request where
  // Chromium can), exactly as the stored trail orders them.
  const newest = (await storedAuditEvents(page))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.seq - a.seq))
    .slice(0, 50)
    .map((e) => String(e.seq));
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-seq')))).toEqual(newest);

  await page.getByTestId('audit-kind').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^办结$/ }).click();
  await page.getByTestId('audit-search').click();
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('audit-total')).toHaveText('共 3 条');

  await page.getByRole('button', { name: '重置' }).click();
  await page.getByTestId('audit-case').fill(known[0]!.caseNo);
  await page.getByTestId('audit-search').click();
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.locator('td:nth-child(6)').allInnerTexts()) expect(text).toBe(known[0]!.caseNo);
  await page.getByRole('button', { name: '重置' }).click();

  const stored = (await storedAuditEvents(page)).sort((a, b) => a.seq - b.seq);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('audit-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^audit-.+\.csv$/);
  const bytes = readFileSync((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const events = auditEventsFromCsv(bytes.toString('utf8'));
  expect(events).toEqual(
    stored.map(({ seq, at, operator, role, workstation: ws, case: caseNo, kind, details, prev, hash }) => ({
      seq,
      at,
      operator,
      role,
      workstation: ws,
      case: caseNo,
      kind,
      details,
      prev,
      hash,
    })),
  );
  expect(verifyAuditChain(events)).toEqual({ ok: true, checked: stored.length, firstBroken: null });
  const opened = events.find((e) => e.kind === 'case_open' && e.case === known[2]!.caseNo);
  expect(opened?.details.matterName).toMatch(/[\u4e00-\u9fff]/);
  expect(bytes.toString('utf8')).toContain(String(opened?.details.matterName));
  // Who each operator id is, for the reader: name and 工号 beside the id (not part of the chain).
  expect(bytes.toString('utf8')).toMatch(/"OP-PD-0101",[^\r\n]*"王晓燕","clerk01"\r\n/);

  await expect(page.getByTestId('audit-notice')).toContainText(`已导出 ${stored.length} 条记录`);
  const last = (await storedAuditEvents(page)).sort((a, b) => a.seq - b.seq).at(-1)!;
  expect(last).toMatchObject({ kind: 'export', role: 'supervisor', details: { what: 'audit_csv', count: stored.length, lastSeq: stored.at(-1)!.seq } });
});

test('an audit event changed in IndexedDB is found by the chain verification at exactly its position', async ({ workstation }) => {
  await openSupervision(page, workstation, 'audit');
  await page.getByTestId('chain-verify').click();
  await expect(page.getByTestId('chain-result')).toContainText('审计链完整');
  // The workers hashed in WebAssembly SIMD: the page's CSP lets them compile it.
  const logged = (await storedAuditEvents(page)).filter((e) => e.kind === 'chain_verify').at(-1);
  expect(logged?.details).toMatchObject({ ok: true, hashing: 'wasm-simd' });

  const total = (await storedAuditEvents(page)).length;
  const target = Math.floor(total / 2);
  await page.evaluate(
    (seq) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('auditEvents', 'readwrite');
          const store = tx.objectStore('auditEvents');
          const get = store.get(seq);
          get.onsuccess = () => store.put({ ...get.result, operator: 'someone-else' });
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    target,
  );
  await page.getByTestId('chain-verify').click();
  const result = page.getByTestId('chain-result');
  await expect(result).toHaveAttribute('data-broken-seq', String(target));
  await expect(result).toContainText(`审计链在第 ${target} 条记录处断开：该记录的内容与其哈希值不符，记录内容被修改`);
  await page.screenshot({ path: 'test-results/supervision-chain-broken.png', fullPage: true });
});
