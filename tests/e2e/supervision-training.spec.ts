import { expect, signOut, signOutAll } from './workstation';
import { libraryTest as test, openSupervision, signInAs } from './supervision-fixtures';

test.describe.configure({ mode: 'serial' });

// The worker's workstation is shared with other spec files: start signed out.
test.beforeEach(async ({ workstation }) => signOutAll(workstation));

/** The training_switch events of the local audit chain, oldest first. */
function trainingSwitches(page: import('@playwright/test').Page): Promise<Array<{ on: boolean; operator: string }>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('e-licence-workstation');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows = await new Promise<Array<{ kind: string; operator: string; details: { on: boolean } }>>((resolve, reject) => {
      const request = db.transaction('auditEvents').objectStore('auditEvents').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return rows.filter((row) => row.kind === 'training_switch').map((row) => ({ on: row.details.on, operator: row.operator }));
  });
}

async function flip(page: import('@playwright/test').Page): Promise<void> {
  await page.getByTestId('training-switch').click();
  // The confirmation says what the switch does to the operator: it signs them out.
  await expect(page.locator('.el-message-box')).toContainText('切换后您将退出登录');
  await page.getByRole('button', { name: '确定' }).click();
}

test('a supervisor switches to training and back; the banner follows and both switches are logged', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'super01');
  // On the configured library: no training banner.
  await expect(page.getByTestId('training-banner')).toHaveCount(0);
  await openSupervision(page, workstation, 'training');
  await expect(page.getByTestId('training-state')).toHaveText('已关闭：当前连接市电子证照库');

  await flip(page);
  // The switch ends the session (accounts belong to one library): sign in on the sandbox.
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
  await expect(page.getByTestId('training-tag')).toBeVisible();
  await signInAs(page, workstation, 'super01');
  await expect(page.getByTestId('training-banner')).toBeVisible();
  // The banner stays in view on a page taller than the window (the dashboard), scrolled to its end.
  await openSupervision(page, workstation, 'dashboard');
  await expect(page.locator('.dashboard[data-loaded="true"]')).toBeVisible();
  await page.getByTestId('chart-objection-issuers').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('training-banner')).toBeInViewport();
  await openSupervision(page, workstation, 'training');
  await expect(page.getByTestId('training-state')).toHaveText('已开启：当前连接证照库沙箱');

  await flip(page);
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
  await expect(page.getByTestId('training-tag')).toHaveCount(0);
  await signInAs(page, workstation, 'super01');
  await expect(page.getByTestId('training-banner')).toHaveCount(0);

  const switches = await trainingSwitches(page);
  expect(switches.map((s) => s.on)).toEqual([true, false]);
  expect(new Set(switches.map((s) => s.operator)).size).toBe(1);
  await signOut(page);
});
