import { signInAs } from './supervision-fixtures';
import { expect, signOutAll, test, type RunningWorkstation } from './workstation';

async function setDown(ws: RunningWorkstation, down: boolean): Promise<void> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ down }),
  });
  expect(response.ok).toBe(true);
}

test.beforeEach(async ({ workstation }) => signOutAll(workstation));
test.afterEach(async ({ workstation }) => setDown(workstation, false));

test('every role browses the catalog: a type’s catalog fields, the matters using it, a matter’s usage list', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'officer01');
  await page.getByTestId('nav').locator('[data-feature="catalog"]').click();
  await expect(page.getByTestId('catalog-version')).toContainText('目录版本');
  await expect(page.getByTestId('catalog-version')).toContainText('刚刚从证照库获取');
  await page.getByTestId('catalog-search').fill('驾驶证');
  const rows = page.getByTestId('catalog-table').locator('.el-table__body-wrapper tr.el-table__row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('机动车驾驶证');
  await expect(rows.first()).toContainText('上海市公安局交通警察总队');
  await expect(rows.first()).toContainText('10 年');
  await rows.first().locator('.el-table__expand-icon').click();
  const detail = page.locator('[data-testid^="type-detail-"]');
  await expect(detail).toContainText('准驾车型');
  await detail.getByRole('button', { name: '机动车驾驶证期满换证' }).click();
  await expect(page.getByTestId('usage-title')).toHaveText('用证清单：机动车驾驶证期满换证');
  await expect(page.getByTestId('usage-list')).toContainText('机动车驾驶证');
  await expect(page.getByTestId('usage-list')).toContainText('必交');
});

test('with the library down, the catalog and a matter’s usage list come from the local cache, with their version and age', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'clerk01');
  await page.goto(`${workstation.origin}/#/catalog`);
  await expect(page.getByTestId('catalog-version')).toContainText('刚刚从证照库获取');
  const version = (await page.getByTestId('catalog-version').innerText()).match(/目录版本 (\S+)/)?.[1];
  expect(version).toBeTruthy();

  await setDown(workstation, true);
  await page.reload();
  await expect(page.getByTestId('catalog-offline')).toBeVisible();
  await expect(page.getByTestId('catalog-from-cache')).toHaveText('离线缓存');
  await expect(page.getByTestId('catalog-version')).toContainText(`目录版本 ${version}`);
  await expect(page.getByTestId('catalog-table').locator('.el-table__body-wrapper tr.el-table__row').first()).toBeVisible();

  await page.getByTestId('catalog-tabs').getByText('事项与用证清单').click();
  await page.getByTestId('matter-search').fill('jhdj');
  const matter = page.getByTestId('matter-table').locator('.el-table__body-wrapper tr.el-table__row').first();
  await expect(matter).toContainText('结婚登记');
  await matter.click();
  await expect(page.getByTestId('usage-title')).toContainText('结婚登记');
  await expect(page.getByTestId('usage-list').locator('.el-table__body-wrapper tr.el-table__row').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/catalog-offline.png', fullPage: true });
});
