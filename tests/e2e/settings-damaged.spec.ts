import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { saveSettings } from '../../electron/host/settings-store';
import { startScript, stopScript } from './host-process';
import { rawHostCall, type RunningWorkstation } from './workstation';

// A production workstation whose settings file was cut in half by a power cut (issue 11, item
// 7): the real CLI refuses to serve, keeps the damaged file, logs it, says why and how to
// restore in the terminal and on the page, and starts as itself once the settings are back.

const PRODUCTION = {
  libraryUrl: 'https://gateway.example.gov.cn',
  rootKey: { kid: 'sh-elicence-root-2024', publicKey: `04${'ab'.repeat(64)}` },
  workstationId: 'PD-W07',
  paperRetentionDays: 90,
};

let dataDir: string;
test.beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'workstation-damaged-'));
});
test.afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const startRefused = () =>
  startScript('electron/host/cli.ts', ['--port', '0', '--data', dataDir], [/^WORKSTATION_REFUSED=(\S+)$/m], 'refusing workstation', 30_000);

test('a settings file cut in half stops the workstation, with the way back, instead of turning it into a training one', async ({ page }) => {
  const settingsFile = join(dataDir, 'settings.json');
  saveSettings(settingsFile, PRODUCTION);
  const whole = readFileSync(settingsFile, 'utf8');
  truncateSync(settingsFile, Math.floor(whole.length / 2));
  const half = readFileSync(settingsFile, 'utf8');

  const first = await startRefused();
  try {
    const [url] = first.values as [string];
    const output = first.output();
    // The terminal: what happened, where the file went, how to restore it.
    expect(output).toContain(`NOT SERVING — the settings file ${settingsFile} is damaged`);
    expect(output).toContain('工作台设置文件无法使用，已暂停服务');
    expect(output).toContain(`将 ${settingsFile}.bak 复制为 ${settingsFile}`);
    // Nothing of a workstation started: no sandbox, no host address.
    expect(output).not.toMatch(/SANDBOX_URL=|WORKSTATION_URL=/);
    expect(existsSync(join(dataDir, 'sandbox'))).toBe(false);

    // The damaged file is kept, byte for byte, out of the way; the event is logged.
    const kept = readdirSync(dataDir).filter((name) => name.startsWith('settings.json.damaged-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, kept[0]!), 'utf8')).toBe(half);
    expect(existsSync(settingsFile)).toBe(false);
    expect(output).toContain(join(dataDir, kept[0]!));
    const events = readFileSync(join(dataDir, 'host-events.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([expect.objectContaining({ kind: 'settings_unusable', problem: 'damaged', file: settingsFile, keptAs: join(dataDir, kept[0]!) })]);

    // The page at the workstation's address explains it in Chinese.
    const response = await page.goto(url);
    expect(response?.status()).toBe(503);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('工作台设置文件无法使用，已暂停服务');
    await expect(page.getByTestId('refusal-what')).toContainText('已损坏');
    await expect(page.getByTestId('refusal-what')).toContainText(kept[0]!);
    await expect(page.getByTestId('refusal-steps')).toContainText(`${settingsFile}.bak`);
    await expect(page.getByTestId('refusal-steps')).toContainText('演示/培训模式');
    await page.screenshot({ path: 'test-results/settings-damaged.png' });
    // A tab left open gets the same answer to every host call.
    const ws = { origin: new URL(url).origin } as RunningWorkstation;
    const call = await rawHostCall(ws, 'app.info', { origin: ws.origin, 'x-workstation-key': 'x' });
    expect(call).toMatchObject({ status: 503, body: { ok: false, error: { message: expect.stringContaining('已暂停服务') } } });
  } finally {
    await stopScript(first.child);
  }

  // Started again with nothing put back: still refused, never the defaults.
  const second = await startRefused();
  try {
    expect(second.output()).toContain('kept aside at an earlier start');
    expect(second.output()).not.toMatch(/SANDBOX_URL=|WORKSTATION_URL=/);
  } finally {
    await stopScript(second.child);
  }

  // Restored from the backup as the page says: the workstation starts as itself, on its library.
  copyFileSync(`${settingsFile}.bak`, settingsFile);
  const restored = await startScript('electron/host/cli.ts', ['--port', '0', '--data', dataDir], [/^WORKSTATION_URL=(\S+)$/m], 'restored workstation', 30_000);
  try {
    const workstationUrl = new URL(restored.values[0]!);
    const ws = { origin: workstationUrl.origin } as RunningWorkstation;
    const info = await rawHostCall(ws, 'app.info', { origin: ws.origin, 'x-workstation-key': workstationUrl.searchParams.get('key')! });
    expect(info.body).toMatchObject({
      ok: true,
      value: { workstationId: 'PD-W07', libraryMode: 'library', libraryUrl: PRODUCTION.libraryUrl, paperRetentionDays: 90 },
    });
    expect(restored.output()).not.toContain('SANDBOX_URL=');
  } finally {
    await stopScript(restored.child);
  }
});
