import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';
import { HostSettingsSchema, type HostSettings } from '../../shared/contract';

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
