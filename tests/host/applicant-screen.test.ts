import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeviceSettings } from '../../electron/host/settings-store';
import { DEFAULT_APPLICANT_SCREEN_SETTINGS } from '../../shared/applicant-screen';
import { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from '../../shared/devices';
import { startHostRig, type HostRig } from './helpers';

let rig: HostRig;
let opened = 0;

beforeAll(async () => {
  rig = await startHostRig({
    applicantWindow: {
      open: () => {
        opened++;
        return 'secondary_display';
      },
    },
  });
}, 60_000);
afterAll(async () => rig?.close());

async function signIn(username: string): Promise<void> {
  await rig.ok('session.signOut', {});
  await rig.ok('session.signIn', { username, password: 'demo' });
}

describe("the applicant's screen's settings", () => {
  it('are read by the counter, changed by a supervisor alone, and kept in devices.json beside the rest', async () => {
    await rig.ok('session.signOut', {});
    expect(await rig.call('devices.applicantScreen.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });

    await signIn('clerk01');
    expect(await rig.ok('devices.applicantScreen.get', {})).toEqual(DEFAULT_APPLICANT_SCREEN_SETTINGS);
    expect(await rig.call('devices.applicantScreen.set', { fontSize: 'xx_large', highContrast: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    await signIn('super01');
    // The reader's settings, changed before, must survive a change of the screen's.
    const { settings } = await rig.ok('devices.settings.get', {});
    await rig.ok('devices.settings.set', { ...settings, printer: { ...settings.printer, layout: 'thermal80' } });
    const refused = await rig.call('devices.applicantScreen.set', { fontSize: 'huge', highContrast: true } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { issues: [expect.objectContaining({ path: 'fontSize' })] } } });

    const saved = await rig.ok('devices.applicantScreen.set', { fontSize: 'xx_large', highContrast: true });
    expect(saved).toEqual({
      settings: { fontSize: 'xx_large', highContrast: true },
      changes: [
        { field: 'applicantScreen.fontSize', from: 'x_large', to: 'xx_large' },
        { field: 'applicantScreen.highContrast', from: false, to: true },
      ],
    });
    expect((await rig.ok('devices.applicantScreen.set', { fontSize: 'xx_large', highContrast: true })).changes).toEqual([]);
    const file = JSON.parse(readFileSync(join(rig.dataDir, 'devices.json'), 'utf8')) as DeviceSettings;
    expect(file.applicantScreen).toEqual({ fontSize: 'xx_large', highContrast: true });
    expect(file.printer.layout).toBe('thermal80');
    expect((await rig.ok('devices.settings.get', {})).settings.applicantScreen).toEqual({ fontSize: 'xx_large', highContrast: true });

    await signIn('clerk01');
    expect(await rig.ok('devices.applicantScreen.get', {})).toEqual({ fontSize: 'xx_large', highContrast: true });
  });

  it('take their default in a devices.json written before the screen existed, which keeps the rest', () => {
    const file = join(rig.dataDir, 'older-devices.json');
    const { applicantScreen: _dropped, ...older } = {
      ...structuredClone(DEFAULT_DEVICE_SETTINGS),
      printer: { deviceName: 'Counter-A4', layout: 'a4' as const, silent: false },
    };
    writeFileSync(file, JSON.stringify(older));
    expect(loadDeviceSettings(file)).toEqual({ ...older, applicantScreen: DEFAULT_APPLICANT_SCREEN_SETTINGS });
    writeFileSync(file, JSON.stringify({ ...older, applicantScreen: { fontSize: 'tiny', highContrast: false } }));
    expect(loadDeviceSettings(file)).toEqual(DEFAULT_DEVICE_SETTINGS);
  });
});

describe("opening the applicant's screen", () => {
  it("goes to the Electron main process's window, for the counter's roles only", async () => {
    await signIn('clerk01');
    expect(await rig.ok('devices.applicantScreen.open', {})).toEqual({ outcome: 'secondary_display' });
    expect(opened).toBe(1);
    await signIn('officer01');
    expect(await rig.call('devices.applicantScreen.open', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(opened).toBe(1);
  });

  it('answers browser where there is no window to open (the page opens a tab)', async () => {
    const browser = await startHostRig();
    try {
      await browser.ok('session.signIn', { username: 'clerk01', password: 'demo' });
      expect(await browser.ok('devices.applicantScreen.open', {})).toEqual({ outcome: 'browser' });
    } finally {
      await browser.close();
    }
  });
});
