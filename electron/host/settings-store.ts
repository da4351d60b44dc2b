import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';
import { HostSettingsSchema, type HostSettings } from '../../shared/contract';
import { DEFAULT_DEVICE_SETTINGS, DeviceSettingsSchema, type DeviceSettings } from '../../shared/devices';

/** The settings a new workstation starts with. */
export const DEFAULT_SETTINGS: HostSettings = {
  libraryUrl: null,
  rootKey: null,
  workstationId: 'WS-DEMO-01',
  paperRetentionDays: 30,
};

/** Reads the saved settings; a missing or invalid file gives the defaults. */
export function loadSettings(file: string): HostSettings {
  try {
    const parsed = HostSettingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // No settings saved yet.
  }
  return { ...DEFAULT_SETTINGS };
}

/** Saves settings atomically (written aside, then renamed). */
export function saveSettings(file: string, settings: HostSettings): void {
  writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * Reads the saved device settings (`devices.json` beside `settings.json`); a missing file gives
 * the defaults, and so does an invalid one, with a warning, since a reader configuration lost
 * without a word would only show at the counter.
 */
export function loadDeviceSettings(file: string): DeviceSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return structuredClone(DEFAULT_DEVICE_SETTINGS);
  }
  try {
    const parsed = DeviceSettingsSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the warning.
  }
  console.warn(`workstation: ${file} is not valid device settings; using the defaults (no ID-card reader outside training)`);
  return structuredClone(DEFAULT_DEVICE_SETTINGS);
}

/** Saves the device settings atomically. */
export function saveDeviceSettings(file: string, settings: DeviceSettings): void {
  writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
}
