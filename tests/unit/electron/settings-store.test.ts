import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../../electron/host/atomic-file';
import {
  backupFileOf,
  DEFAULT_SETTINGS,
  loadSettings,
  saveSettings,
  SettingsUnusableError,
  settingsUnusableMessage,
} from '../../../electron/host/settings-store';

// Every open, flush, close and rename the atomic write makes, in order.
const fsCalls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const paths = new Map<number, string>();
  const wrapped = {
    openSync: (path: string, ...rest: unknown[]) => {
      const fd = (actual.openSync as (...a: unknown[]) => number)(path, ...rest);
      paths.set(fd, path);
      fsCalls.push(`open ${path}`);
      return fd;
    },
    fsyncSync: (fd: number) => {
      fsCalls.push(`fsync ${paths.get(fd)}`);
      return actual.fsyncSync(fd);
    },
    closeSync: (fd: number) => {
      fsCalls.push(`close ${paths.get(fd)}`);
      return actual.closeSync(fd);
    },
    renameSync: (from: string, to: string) => {
      fsCalls.push(`rename ${from} -> ${to}`);
      return actual.renameSync(from, to);
    },
  };
  return { ...actual, ...wrapped, default: { ...actual, ...wrapped } };
});

const PRODUCTION = {
  libraryUrl: 'https://gateway.example.gov.cn',
  rootKey: { kid: 'sh-elicence-root-2024', publicKey: `04${'ab'.repeat(64)}` },
  workstationId: 'PD-W07',
  paperRetentionDays: 90,
};

const folder = () => mkdtempSync(join(tmpdir(), 'settings-'));

describe('writing a file atomically', () => {
  it('flushes the data before the rename and the rename after it', () => {
    const dir = folder();
    const file = join(dir, 'settings.json');
    fsCalls.length = 0;
    writeFileAtomic(file, '{"a":1}\n', 0o600);
    expect(fsCalls).toEqual([
      `open ${file}.tmp`,
      `fsync ${file}.tmp`,
      `close ${file}.tmp`,
      `rename ${file}.tmp -> ${file}`,
      `open ${dir}`,
      `fsync ${dir}`,
      `close ${dir}`,
    ]);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });
});

describe('the saved settings', () => {
  it('are the defaults for a new workstation, and what was saved otherwise, with a backup', () => {
    const file = join(folder(), 'settings.json');
    expect(loadSettings(file)).toEqual(DEFAULT_SETTINGS);
    saveSettings(file, PRODUCTION);
    expect(loadSettings(file)).toEqual(PRODUCTION);
    expect(JSON.parse(readFileSync(backupFileOf(file), 'utf8'))).toEqual(PRODUCTION);
  });

  it('never fall back to the defaults from a damaged file: it is kept aside, and every start refuses until settings are put back', () => {
    const dir = folder();
    const file = join(dir, 'settings.json');
    saveSettings(file, PRODUCTION);
    const half = readFileSync(file, 'utf8').slice(0, 40);
    writeFileSync(file, half);
    const now = () => new Date('2026-11-27T08:00:00.123Z');

    let refused: unknown;
    try {
      loadSettings(file, now);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SettingsUnusableError);
    const error = refused as SettingsUnusableError;
    expect(error).toMatchObject({ problem: 'damaged', keptAs: `${file}.damaged-2026-11-27T08-00-00-123Z`, backup: backupFileOf(file), brokenRule: null });
    expect(readFileSync(error.keptAs!, 'utf8')).toBe(half);
    expect(existsSync(file)).toBe(false);

    // The next start, with nothing put back, refuses too.
    expect(() => loadSettings(file)).toThrow(SettingsUnusableError);
    expect(readdirSync(dir).filter((name) => name.includes('.damaged-'))).toHaveLength(1);

    // Put back from the backup, as the message says: the workstation is itself again.
    writeFileSync(file, readFileSync(backupFileOf(file)));
    expect(loadSettings(file)).toEqual(PRODUCTION);
  });

  it.each([
    ['an empty file (a rename that reached the disk before the data)', ''],
    ['a settings object missing a field', JSON.stringify({ libraryUrl: null, rootKey: null })],
    ['JSON that is not an object', '[]'],
  ])('refuse %s', (_, text) => {
    const file = join(folder(), 'settings.json');
    writeFileSync(file, text);
    expect(() => loadSettings(file)).toThrow(SettingsUnusableError);
  });

  it('refuse a file that names a library over plain http to another machine, saying which rule it breaks', () => {
    const file = join(folder(), 'settings.json');
    writeFileSync(file, JSON.stringify({ ...PRODUCTION, libraryUrl: 'http://gateway.example.gov.cn' }));
    let refused: SettingsUnusableError | null = null;
    try {
      loadSettings(file);
    } catch (error) {
      refused = error as SettingsUnusableError;
    }
    expect(refused?.brokenRule).toContain('https://');
    // No backup that parses: none is offered.
    expect(refused?.backup).toBeNull();
    const message = settingsUnusableMessage(refused!);
    expect(message.what).toContain('不符合要求的设置');
    expect(message.steps.join('')).not.toContain('.bak');
  });

  it('say in Chinese what happened and each way back', () => {
    const error = new SettingsUnusableError('/srv/ws/settings.json', 'damaged', '/srv/ws/settings.json.damaged-x', '/srv/ws/settings.json.bak', 'not JSON');
    const message = settingsUnusableMessage(error);
    expect(message.title).toBe('工作台设置文件无法使用，已暂停服务');
    expect(message.what).toContain('/srv/ws/settings.json.damaged-x');
    expect(message.steps[0]).toBe('用最近一次保存的设置恢复：将 /srv/ws/settings.json.bak 复制为 /srv/ws/settings.json，然后重新启动工作台。');
    expect(message.steps.at(-1)).toContain('演示/培训模式');
  });
});
