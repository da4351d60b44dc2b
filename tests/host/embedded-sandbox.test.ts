import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedSandbox } from '../../electron/host/embedded-sandbox';
import { TrustRoot } from '../../shared/library-api';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-sandbox-'));
  dirs.push(dir);
  return dir;
}

describe('the embedded sandbox', () => {
  it('starts once however many ask at the same time, and gives the root key it publishes', async () => {
    const sandbox = embeddedSandbox(dataDir());
    const [first, second] = await Promise.all([sandbox.open(), sandbox.open()]);
    expect(second).toEqual(first);
    expect((await sandbox.open()).url).toBe(first.url);
    const published = TrustRoot.parse(await (await fetch(`${first.url}/api/v1/trust/root`)).json());
    expect(first.rootKey).toEqual({ kid: published.kid, publicKey: published.publicKey });
    await sandbox.close();
  });

  it('stops when closed, and starts again, with its data, on the next open', async () => {
    const dir = dataDir();
    const sandbox = embeddedSandbox(dir);
    const first = await sandbox.open();
    await sandbox.close();
    await expect(fetch(`${first.url}/api/v1/trust/root`)).rejects.toThrow();
    const again = await sandbox.open();
    // The same folder, so the same keys.
    expect(again.rootKey).toEqual(first.rootKey);
    await sandbox.close();
    // Closing what is not running does nothing.
    await sandbox.close();
  });
});
