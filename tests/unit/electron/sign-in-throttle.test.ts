import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatWait, SignInThrottle, throttledMessage } from '../../../electron/host/sign-in-throttle';
import { HostCallError } from '../../../shared/errors';

const wrong = async (): Promise<never> => {
  throw new HostCallError('INVALID_CREDENTIALS');
};

describe('the host sign-in limit', () => {
  it('says the wait in Chinese', () => {
    expect([1, 999, 45_000, 60_000, 120_000, 150_500].map(formatWait)).toEqual(['1 秒', '1 秒', '45 秒', '1 分钟', '2 分钟', '2 分 31 秒']);
    expect(throttledMessage(30_000)).toContain('请 30 秒后再试');
  });

  it('survives a restart of the app: the count is in the data folder, readable by its owner only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'throttle-')), 'sign-in-throttle.json');
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const first = new SignInThrottle(file, () => now.value);
    for (let i = 0; i < 5; i++) await expect(first.attempt('clerk01', wrong)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const restarted = new SignInThrottle(file, () => now.value);
    let ran = false;
    await expect(
      restarted.attempt('clerk01', async () => {
        ran = true;
        return 'signed in';
      }),
    ).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS', details: { retryAfterSeconds: 30 } });
    // Refused before the password is even checked.
    expect(ran).toBe(false);
    now.value = new Date('2026-11-27T08:00:31Z');
    await expect(restarted.attempt('clerk01', async () => 'signed in')).resolves.toBe('signed in');
  });

  it('does not count a failure that says nothing about the password', async () => {
    const throttle = new SignInThrottle(join(mkdtempSync(join(tmpdir(), 'throttle-')), 'sign-in-throttle.json'));
    for (let i = 0; i < 8; i++) {
      await expect(
        throttle.attempt('clerk01', async () => {
          throw new HostCallError('LIBRARY_UNAVAILABLE');
        }),
      ).rejects.toMatchObject({ code: 'LIBRARY_UNAVAILABLE' });
    }
    await expect(throttle.attempt('clerk01', async () => 'ok')).resolves.toBe('ok');
  });
});
