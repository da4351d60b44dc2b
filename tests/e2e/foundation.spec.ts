import { readStore } from './offline-helpers';
import { test, expect, rawHostCall, signIn, signOut, signOutAll } from './workstation';

test.describe('browser-mode host', () => {
  test('a host call with the secret from the workstation origin is answered', async ({ workstation }) => {
    const answer = await rawHostCall(workstation, 'app.info', { origin: workstation.origin, 'x-workstation-key': workstation.secret });
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.value).toMatchObject({ libraryMode: 'sandbox', transport: 'browser', libraryUrl: workstation.sandboxUrl });
  });

  test('a host call without the secret is 401', async ({ workstation }) => {
    const answer = await rawHostCall(workstation, 'app.info', { origin: workstation.origin });
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('UNAUTHENTICATED');
    const wrong = await rawHostCall(workstation, 'app.info', { origin: workstation.origin, 'x-workstation-key': 'not-the-secret' });
    expect(wrong.status).toBe(401);
  });

  test('a host call from a foreign Origin is 403, even with the secret', async ({ workstation }) => {
    const answer = await rawHostCall(workstation, 'app.info', { origin: 'http://evil.example', 'x-workstation-key': workstation.secret });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('FORBIDDEN');
    const noOrigin = await rawHostCall(workstation, 'app.info', { 'x-workstation-key': workstation.secret });
    expect(noOrigin.status).toBe(403);
  });

  test('a request naming a foreign Host is 403 (DNS rebinding)', async ({ workstation }) => {
    const answer = await rawHostCall(workstation, 'app.info', { host: 'evil.example', origin: workstation.origin, 'x-workstation-key': workstation.secret });
    expect(answer.status).toBe(403);
  });

  test('a malformed or unknown call gets its own error, never a crash', async ({ workstation }) => {
    const headers = { origin: workstation.origin, 'x-workstation-key': workstation.secret };
    expect((await rawHostCall(workstation, 'app.info', headers, '{not json')).body.error?.code).toBe('BAD_REQUEST');
    expect((await rawHostCall(workstation, 'no.such.call', headers)).body.error?.code).toBe('UNKNOWN_CALL');
    const bad = await rawHostCall(workstation, 'session.signIn', headers, JSON.stringify({ username: 'clerk01', password: 'demo', extra: 1 }));
    expect(bad.body.error?.code).toBe('BAD_REQUEST');
    const locked = await rawHostCall(workstation, 'catalog.get', headers);
    expect(locked.body.error?.code).toBe('UNAUTHENTICATED');
  });

  test('the page itself cannot call the host without the secret', async ({ page, workstation }) => {
    await page.goto(`${workstation.origin}/`);
    const status = await page.evaluate(async () => (await fetch('/host/app.info', { method: 'POST', body: '{}' })).status);
    expect(status).toBe(401);
  });

  test('the renderer is served with the strict CSP', async ({ workstation }) => {
    const response = await fetch(`${workstation.origin}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
  });
});

test.describe('sign-in and the shell', () => {
  test.beforeEach(async ({ workstation }) => signOutAll(workstation));

  test('the sign-in page is in Chinese and readable', async ({ page, workstation }) => {
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(workstation.url);
    await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
    await expect(page.getByText('电子证照窗口工作台').first()).toBeVisible();
    await expect(page.getByTestId('training-tag')).toHaveText('演示/培训环境');
    // The indicator shows the host's own view of the link: reachable (online, or degraded if an
    // earlier test of this worker injected faults within the last minute), with its last success.
    const status = await rawHostCall(workstation, 'library.status', { origin: workstation.origin, 'x-workstation-key': workstation.secret });
    const state = (status.body.value as { state: string }).state;
    expect(['online', 'degraded']).toContain(state);
    await expect(page.getByTestId('link-state')).toHaveAttribute('data-state', state);
    await expect(page.getByTestId('link-state')).toHaveAttribute('title', /最近一次成功/);
    // The secret leaves the address bar once the page has kept it.
    expect(page.url()).not.toContain('key=');
    await page.screenshot({ path: 'test-results/sign-in.png' });
    expect(errors).toEqual([]);
  });

  test('a wrong password is refused with a sentence the clerk can act on', async ({ page, workstation }) => {
    await page.goto(workstation.url);
    await page.getByPlaceholder('请输入工号').fill('clerk01');
    await page.getByPlaceholder('请输入密码').fill('wrong');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toContainText('用户名或密码不正确');
    await expect(page.getByTestId('operator')).toHaveCount(0);
  });

  test('empty fields are refused before anything is sent', async ({ page, workstation }) => {
    await page.goto(workstation.url);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByText('请输入用户名')).toBeVisible();
    await expect(page.getByText('请输入密码', { exact: true })).toBeVisible();
  });

  test('a clerk sees the counter, objections and catalog, and cannot open supervision', async ({ page, workstation }) => {
    await signIn(page, workstation, 'clerk01');
    const nav = page.getByTestId('nav');
    await expect(nav.getByRole('menuitem')).toHaveText(['窗口办件', '异议核查', '证照目录']);
    await expect(page.getByTestId('training-banner')).toBeVisible();
    await page.goto(`${workstation.origin}/#/supervision`);
    await expect(page).toHaveURL(/#\/counter$/);
    await signOut(page);
  });

  test('a supervisor sees supervision and settings; the session survives a reload', async ({ page, workstation }) => {
    await signIn(page, workstation, 'super01');
    const nav = page.getByTestId('nav');
    await expect(nav.getByRole('menuitem')).toHaveText(['窗口办件', '值班监督', '异议核查', '证照目录', '设置']);
    await nav.getByRole('menuitem', { name: '设置' }).click();
    await expect(page.getByTestId('settings-info')).toContainText('内置沙箱（演示/培训）');
    await page.reload();
    await expect(page.getByTestId('operator')).toContainText('值班长');
    await signOut(page);
  });

  test('an objection officer lands on objections; the sign-in and the sign-out are in the audit trail', async ({ page, workstation }) => {
    await signIn(page, workstation, 'officer01');
    await expect(page).toHaveURL(/#\/objections$/);
    await expect(page.getByTestId('nav').getByRole('menuitem')).toHaveText(['异议核查', '证照目录']);
    await signOut(page);
    const events = await readStore<{ kind: string; operator: string; role: string; workstation: string; details: { offline?: boolean } }[]>(
      page,
      'auditEvents',
    );
    const sessions = events.filter((e) => e.role === 'objection_officer');
    const officer = sessions.map((e) => [e.kind, e.role, e.details.offline ?? null]);
    expect(officer).toEqual([
      ['sign_in', 'objection_officer', false],
      ['sign_out', 'objection_officer', null],
    ]);
    const info = (await rawHostCall(workstation, 'app.info', { origin: workstation.origin, 'x-workstation-key': workstation.secret })).body.value as {
      workstationId: string;
    };
    expect(sessions.map((e) => e.workstation)).toEqual([info.workstationId, info.workstationId]);
    expect(new Set(sessions.map((e) => e.operator)).size).toBe(1);
  });

  test("the catalog lists the library's licence types", async ({ page, workstation }) => {
    await signIn(page, workstation, 'clerk01');
    await page.getByTestId('nav').getByRole('menuitem', { name: '证照目录' }).click();
    const rows = page.getByTestId('catalog-table').locator('.el-table__body tr.el-table__row');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThanOrEqual(24);
    await page.getByTestId('catalog-search').fill('营业执照');
    await expect(rows).toHaveCount(1);
    await signOut(page);
  });
});
