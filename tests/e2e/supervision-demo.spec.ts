import type { BrowserContext, Locator, Page } from '@playwright/test';
import { closeCounter, fullHolder, gunScan, MATTERS, mintToken, openCounter, PNG_PAGE, startCase, waitForPulls } from './counter-helpers';
import { licenceIdsOf } from './offline-helpers';
import { openSupervision, signInAs } from './supervision-fixtures';
import { expect, signOut, test, type RunningWorkstation } from './workstation';

// The workstation as `npm start` runs it: on the embedded sandbox, so every case is a training
// case. The demo supervisor must still see them (marked 培训数据), tell who did what by name and
// 工号, read the audit trail, and file an objection without knowing the library's field keys.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let caseNo = '';

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation, { viewport: { width: 1366, height: 768 } }));
  // One case served by clerk01 on the embedded sandbox: a training case. Then the supervisor.
  caseNo = await serveOneCase(workstation);
  await signOut(page);
  await signInAs(page, workstation, 'super01');
});
test.afterAll(async ({ workstation }) => {
  await closeCounter(context, workstation);
});

async function serveOneCase(ws: RunningWorkstation): Promise<string> {
  const opened = await startCase(page, MATTERS.idCard);
  await gunScan(page, await mintToken(ws, (await fullHolder(ws)).idNumber));
  await waitForPulls(page);
  await expect(page.getByTestId('complete-case')).toBeEnabled();
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  return opened;
}

/** How many lines a text element's own text is laid out on. */
function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    return tops.size;
  });
}

test('the demo supervisor sees the training cases, marked 培训数据, in the dashboard, its drill-downs and a random review', async ({ workstation }) => {
  await openSupervision(page, workstation, 'dashboard');
  await expect(page.locator('.dashboard[data-loaded="true"]')).toBeVisible();
  await expect(page.getByTestId('training-data')).toContainText('培训数据');
  await expect(page.getByTestId('dash-cases').getByTestId('value')).toHaveText('1');
  await expect(page.getByTestId('dash-exempt').getByTestId('value')).toHaveText('2');

  await page.getByTestId('dash-cases').click();
  const drill = page.getByTestId('drill');
  await expect(drill).toContainText('培训数据');
  const row = page.getByTestId('drill-cases').locator('.el-table__body-wrapper tr.el-table__row');
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').first()).toHaveText(caseNo);
  // The clerk who served it, by name and 工号, not by the library's operator id.
  await expect(row).toContainText('王晓燕 clerk01');
  await expect(row).not.toContainText('OP-PD-0101');
  await page.getByTestId('drill-cases').getByRole('button', { name: '查看' }).click();
  const detail = page.locator('[data-testid="case-detail"]:visible');
  await expect(detail.getByTestId('case-operator')).toHaveText('王晓燕 clerk01');
  await expect(detail.getByTestId('case-training')).toContainText('培训数据');
  // Each licence's checks are a list, one check a line.
  const checks = detail.getByTestId('licence-checks').first().locator('li');
  expect(await checks.count()).toBeGreaterThan(5);
  await expect(checks.filter({ hasText: '签发机构签名' })).toContainText('通过');
  const heights = await checks.evaluateAll((items) => items.map((li) => li.getBoundingClientRect().height));
  for (const height of heights) expect(height).toBeLessThan(24);
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
  await page.keyboard.press('Escape');

  await openSupervision(page, workstation, 'review');
  await expect(page.getByTestId('review-training')).toContainText('培训数据');
  await page.getByTestId('review-size').locator('input').fill('1');
  await page.getByTestId('review-seed').fill('demo-seed-1');
  await page.getByTestId('review-draw').click();
  await expect(page.getByTestId('review-notice')).toContainText('已从 1 件中抽取 1 件');
  const listed = page.getByTestId('review-list').locator('.el-table__body-wrapper tr.el-table__row').first();
  await expect(listed).toContainText('陈静 super01');
  await expect(listed).toContainText('培训数据');
  await expect(page.getByTestId('review-picked')).toContainText(caseNo);
  await page.screenshot({ path: 'test-results/supervision-demo-review.png', fullPage: true });
});

test('the 操作人 filter finds the clerk by 工号, by name and by operator id, and shows each operator as name and 工号', async ({ workstation }) => {
  await openSupervision(page, workstation, 'audit');
  const rows = page.getByTestId('audit-table').locator('tbody tr[data-seq]');
  await expect(rows.first()).toBeVisible();
  const operator = page.getByTestId('audit-operator');
  const counts: number[] = [];
  for (const text of ['clerk01', '王晓燕', 'OP-PD-0101']) {
    await operator.fill(text);
    await page.getByTestId('audit-search').click();
    await expect(page.getByTestId('audit-operator-match')).toContainText('王晓燕 clerk01');
    await expect(rows.first()).toBeVisible();
    await expect(page.getByTestId('audit-total')).not.toHaveText('');
    counts.push(await rows.count());
    for (const cell of await rows.locator('td:nth-child(3)').allInnerTexts()) expect(cell).toBe('王晓燕 clerk01');
  }
  expect(counts[0]).toBeGreaterThan(5);
  expect(new Set(counts).size).toBe(1);
  // Nobody by that name: said so, and nothing listed.
  await operator.fill('不存在的人');
  await page.getByTestId('audit-search').click();
  await expect(page.getByTestId('audit-operator-match')).toContainText('没有');
  await expect(rows).toHaveCount(0);
  await page.getByRole('button', { name: '重置' }).click();
  // The supervisor's own events, under her name too.
  await expect(rows.first().locator('td:nth-child(3)')).toHaveText('陈静 super01');
});

test('each audit event reads as a Chinese sentence with labelled fields, its JSON one click away; the case filter fits a real case number', async ({
  workstation,
}) => {
  await openSupervision(page, workstation, 'audit');
  const caseField = page.getByTestId('audit-case');
  await expect(caseField).toHaveAttribute('placeholder', /^如 WSDEMO01-\d{8}-0001$/);
  await caseField.fill(caseNo);
  expect(await caseField.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth)).toBe(true);
  await page.getByTestId('audit-search').click();
  const rows = page.getByTestId('audit-table').locator('tbody tr[data-seq]');
  await expect(rows.first()).toBeVisible();
  const opened = rows.filter({ has: page.locator('td:nth-child(5)', { hasText: /^开始办件$/ }) });
  await expect(opened).toHaveCount(1);
  await expect(opened.getByTestId('audit-sentence')).toHaveText(/^开始办理事项“[\u4e00-\u9fff（）]+”（310000-GA-SFZ-002）$/);
  await expect(opened.getByTestId('audit-fields')).toContainText('事项编码：310000-GA-SFZ-002');
  const verified = rows.filter({ has: page.locator('td:nth-child(5)', { hasText: /^核验证照$/ }) }).first();
  await expect(verified.getByTestId('audit-sentence')).toHaveText(/^核验材料 M0[12] 的电子证照：有效$/);
  await expect(verified.getByTestId('audit-fields')).toContainText('证照标识：1.2.156.3005.2.');
  const done = rows.filter({ has: page.locator('td:nth-child(5)', { hasText: /^办结$/ }) });
  await expect(done.getByTestId('audit-sentence')).toHaveText('办结：2 项材料，电子证照免交 2 项，收取纸质材料 0 项，未提交 0 项');
  // The event's JSON, as it is stored and hashed, stays available.
  await expect(done.getByTestId('audit-json')).toBeHidden();
  await done.getByTestId('audit-json-toggle').click();
  await expect(done.getByTestId('audit-json')).toBeVisible();
  await expect(done.getByTestId('audit-json')).toContainText('"outcome": "exempt"');
  // No English keys outside the JSON.
  for (const text of await rows.getByTestId('audit-fields').allInnerTexts())
    expect(text).not.toMatch(/\b(materialId|licenceId|matterCode|outcome|latencyMs)\b/);
  await page.screenshot({ path: 'test-results/supervision-demo-audit.png', fullPage: true });
});

test('after 校验日志链 finds a break, the broken event is shown and highlighted', async ({ workstation }) => {
  await openSupervision(page, workstation, 'audit');
  // The trail filtered to the completions: the event about to be changed is not on screen.
  await page.getByTestId('audit-kind').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^办结$/ }).click();
  await page.getByTestId('audit-search').click();
  await expect(page.getByTestId('audit-table').locator('tbody tr[data-seq]')).toHaveCount(1);
  const target = 3;
  await page.evaluate(
    (seq) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('auditEvents', 'readwrite');
          const store = tx.objectStore('auditEvents');
          const get = store.get(seq);
          get.onsuccess = () => store.put({ ...get.result, details: { ...get.result.details, forged: true } });
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    target,
  );
  await expect(page.locator(`tr[data-seq="${target}"]`)).toHaveCount(0);
  await page.getByTestId('chain-verify').click();
  await expect(page.getByTestId('chain-result')).toHaveAttribute('data-broken-seq', String(target), { timeout: 30_000 });
  const broken = page.locator(`tr[data-seq="${target}"]`);
  await expect(broken).toHaveAttribute('data-broken', 'true');
  await expect(broken).toBeInViewport();
  expect(await page.locator('tr[data-broken="true"]').count()).toBe(1);
  await page.screenshot({ path: 'test-results/supervision-demo-chain-broken.png' });
});

test('an objection from the 异议核查 page: the face field by its Chinese label, the issuer by name; filed online the toast says it was received; the list fits 1366 px', async ({
  workstation,
}) => {
  const holder = await fullHolder(workstation);
  const [licenceId] = await licenceIdsOf(workstation, holder);
  await page.getByRole('menuitem', { name: '异议核查' }).click();
  await expect(page.getByTestId('objections-page')).toBeVisible();

  await page.getByTestId('objection-new').click();
  const dialog = page.getByTestId('objection-dialog');
  await dialog.getByTestId('objection-licence-id').fill(licenceId!);
  await expect(dialog.getByTestId('objection-issuer')).toContainText(/上海市公安局.+分局/);
  await expect(dialog.getByTestId('objection-type')).toHaveText('居民身份证');
  const fieldLabel = dialog.locator('.el-form-item__label', { hasText: '异议字段' });
  expect(await lineCount(fieldLabel)).toBe(1);
  await dialog.getByTestId('objection-field').click();
  const options = page.locator('.el-select-dropdown__item:visible');
  await expect(options.filter({ hasText: /^住址$/ })).toHaveCount(1);
  expect(await options.allInnerTexts()).not.toContain('address');
  await options.filter({ hasText: /^住址$/ }).click();
  await page.screenshot({ path: 'test-results/objection-dialog.png' });
  await dialog.getByTestId('objection-recorded').fill('浦东新区世纪大道 1 号');
  await dialog.getByTestId('objection-claimed').fill('浦东新区世纪大道 100 号');
  await dialog.getByTestId('objection-description').fill('门牌号记载有误');
  await dialog.getByTestId('objection-file-input').setInputFiles({ name: '证明材料.png', mimeType: 'image/png', buffer: PNG_PAGE });
  await dialog.getByTestId('objection-submit').click();
  await expect(dialog).toBeHidden();
  const toast = page.locator('.el-message').last();
  await expect(toast).toContainText('证照库已受理');
  await expect(toast).not.toContainText('联网后将自动提交');
  const rows = page.getByTestId('objections-table').locator('.el-table__body-wrapper tr.el-table__row');
  await expect(rows.first().locator('[data-state]')).toHaveAttribute('data-state', 'received');
  await expect(rows.first()).toContainText('住址');

  // A draft too, so that the 操作 column has a button.
  await page.getByTestId('objection-new').click();
  await dialog.getByTestId('objection-licence-id').fill(licenceId!);
  await dialog.getByTestId('objection-description').fill('草稿：待补充证明材料');
  await dialog.getByTestId('objection-save-draft').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('.el-message').last()).toContainText('草稿已保存');

  // At 1366 px: the answer column whole within the table, and the actions on screen.
  const table = page.getByTestId('objections-table');
  const box = (await table.boundingBox())!;
  const answerHead = (await table.locator('th', { hasText: '发证机构答复' }).first().boundingBox())!;
  expect(answerHead.x + answerHead.width).toBeLessThanOrEqual(box.x + box.width + 1);
  expect(box.x + box.width).toBeLessThanOrEqual(1366);
  await expect(page.locator('[data-testid^="objection-edit-"]').first()).toBeInViewport({ ratio: 1 });
  expect(await table.locator('.el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await page.screenshot({ path: 'test-results/objections-1366.png' });
});
