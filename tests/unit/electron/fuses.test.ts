import { resolve } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

// The packaging configuration is read with electron-builder's own reader and schema, and the
// fuses are turned into the fuse wire exactly as electron-builder does after packing, so a
// misspelt option (silently ignored by YAML) or a fuse left at its default fails here.
const projectDir = resolve(import.meta.dirname, '../../..');

async function packagingConfig() {
  return getConfig(projectDir, 'electron-builder.yml', null);
}

describe('Electron fuses of the packaged app', () => {
  it('are written in electron-builder.yml under the names electron-builder validates', async () => {
    const config = await packagingConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.electronFuses).toBeTruthy();
    // A misspelt fuse is refused by the schema, so the check above would catch one.
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } };
    await expect(validateConfiguration(misspelt as typeof config, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('flip each hardening fuse the way a hardened app sets it', async () => {
    const config = await packagingConfig();
    const wire = (await (
      PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<Record<number, boolean>> }
    ).generateFuseConfig.call({}, config.electronFuses)) as Record<number, boolean | undefined>;
    expect({
      RunAsNode: wire[FuseV1Options.RunAsNode],
      EnableNodeOptionsEnvironmentVariable: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      EnableNodeCliInspectArguments: wire[FuseV1Options.EnableNodeCliInspectArguments],
      EnableEmbeddedAsarIntegrityValidation: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      OnlyLoadAppFromAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      EnableCookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      GrantFileProtocolExtraPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      EnableCookieEncryption: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('keep the app packed in an asar, which the integrity and asar-only fuses need', async () => {
    const config = await packagingConfig();
    // electron-builder packs into app.asar unless `asar: false`; with it off the app would not start.
    expect(config.asar ?? true).not.toBe(false);
  });
});
