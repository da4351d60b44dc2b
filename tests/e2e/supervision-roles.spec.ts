import { callFromPage, signInAs } from './supervision-fixtures';
import { expect, signOutAll, test } from './workstation';

test.beforeEach(async ({ workstation }) => signOutAll(workstation));

test('a clerk sees neither the supervisor view nor the settings, and cannot reach them by address', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'clerk01');
  const nav = page.getByTestId('nav');
  await expect(nav.locator('[data-feature="counter"]')).toBeVisible();
  await expect(nav.locator('[data-feature="catalog"]')).toBeVisible();
  await expect(nav.locator('[data-feature="supervision"]')).toHaveCount(0);
  await expect(nav.locator('[data-feature="settings"]')).toHaveCount(0);
  for (const hash of ['#/supervision', '#/supervision?tab=audit', '#/settings']) {
    await page.goto(`${workstation.origin}/${hash}`);
    await expect(page).toHaveURL(/#\/counter$/);
    await expect(page.getByRole('heading', { name: '值班监督' })).toHaveCount(0);
  }
});

test('the host refuses the supervisor’s calls to a clerk, in Chinese', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'clerk01');
  for (const [name, input] of [
    ['settings.get', {}],
    ['settings.update', { paperRetentionDays: 7 }],
    ['training.set', { on: true }],
  ] as const) {
    const answer = await callFromPage(page, name, input);
    expect(answer.ok, name).toBe(false);
    expect(answer.error?.code, name).toBe('FORBIDDEN');
    expect(answer.error?.message, name).toContain('无权');
  }
});

test('a supervisor has both, and the host answers the settings', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'super01');
  await expect(page.getByTestId('nav').locator('[data-feature="supervision"]')).toBeVisible();
  await expect(page.getByTestId('nav').locator('[data-feature="settings"]')).toBeVisible();
  const answer = await callFromPage(page, 'settings.get');
  expect(answer.ok).toBe(true);
  expect(answer.value).toMatchObject({ training: true, trainingForced: true, settings: { workstationId: 'WS-DEMO-01' } });
});

test('a settings change is validated per field and audited', async ({ page, workstation }) => {
  await signInAs(page, workstation, 'super01');
  const before = ((await callFromPage(page, 'settings.get')).value as { settings: { paperRetentionDays: number } }).settings.paperRetentionDays;
  const after = before === 14 ? 15 : 14;
  await page.goto(`${workstation.origin}/#/settings`);
  const form = page.getByTestId('settings-form');
  await expect(form).toBeVisible();
  await form.locator('[data-field="workstationId"] input').fill('WS 01');
  await form.locator('[data-field="libraryUrl"] input').fill('ftp://library');
  await page.getByTestId('settings-save').click();
  await expect(form.locator('[data-field="workstationId"]')).toContainText('工作台编号只能包含 1-32 个字母、数字或短横线');
  await expect(form.locator('[data-field="libraryUrl"]')).toContainText('证照库地址格式不正确，应为 https://主机名');

  await form.locator('[data-field="libraryUrl"] input').fill('');
  await form.locator('[data-field="workstationId"] input').fill('WS-DEMO-01');
  await form.locator('[data-field="paperRetentionDays"] input').fill(String(after));
  await form.locator('[data-field="paperRetentionDays"] input').blur();
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-notice')).toContainText('纸质扫描件保留天数');
  expect((await callFromPage(page, 'app.info')).value).toMatchObject({ paperRetentionDays: after });

  const events = await page.evaluate(
    () =>
      new Promise<{ kind: string; details: unknown }[]>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('auditEvents').objectStore('auditEvents').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result);
          };
        };
      }),
  );
  const change = events.filter((e) => e.kind === 'settings_change').at(-1);
  expect(change?.details).toEqual({ changes: [{ field: 'paperRetentionDays', from: before, to: after }] });
  // The workstation is shared with other spec files: put the setting back.
  expect((await callFromPage(page, 'settings.update', { paperRetentionDays: before })).ok).toBe(true);
});
