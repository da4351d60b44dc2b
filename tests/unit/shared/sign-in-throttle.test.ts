import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  isForgotten,
  usernameKey,
  USERNAME_THROTTLE,
  waitBeforeAttempt,
  WORKSTATION_THROTTLE,
  type ThrottleEntry,
} from '../../../shared/sign-in-throttle';

const T0 = Date.parse('2026-11-27T08:00:00Z');

function failures(count: number, policy = USERNAME_THROTTLE, at = T0): ThrottleEntry | undefined {
  let entry: ThrottleEntry | undefined;
  for (let i = 0; i < count; i++) entry = afterFailure(entry, policy, at);
  return entry;
}

describe('the sign-in limit', () => {
  it('lets four failures pass, and waits from the fifth on, doubling up to 15 minutes', () => {
    expect(waitBeforeAttempt(failures(4), USERNAME_THROTTLE, T0)).toBe(0);
    const waits = [5, 6, 7, 8, 9, 10, 11, 20].map((n) => waitBeforeAttempt(failures(n), USERNAME_THROTTLE, T0) / 1000);
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('gives the workstation as a whole twenty', () => {
    expect(waitBeforeAttempt(failures(19, WORKSTATION_THROTTLE), WORKSTATION_THROTTLE, T0)).toBe(0);
    expect(waitBeforeAttempt(failures(20, WORKSTATION_THROTTLE), WORKSTATION_THROTTLE, T0)).toBe(30_000);
  });

  it('counts down, and forgets a count after a quiet hour', () => {
    const locked = failures(5)!;
    expect(waitBeforeAttempt(locked, USERNAME_THROTTLE, T0 + 10_000)).toBe(20_000);
    expect(waitBeforeAttempt(locked, USERNAME_THROTTLE, T0 + 30_000)).toBe(0);
    // Within the hour a further failure goes on from the count …
    expect(afterFailure(locked, USERNAME_THROTTLE, T0 + 59 * 60_000).failures).toBe(6);
    // … after it, it starts again.
    expect(afterFailure(locked, USERNAME_THROTTLE, T0 + 61 * 60_000)).toEqual({ failures: 1, lastFailureAt: T0 + 61 * 60_000, lockedUntil: 0 });
    expect(isForgotten(locked, USERNAME_THROTTLE, T0 + 30 * 60_000)).toBe(false);
    expect(isForgotten(locked, USERNAME_THROTTLE, T0 + 61 * 60_000)).toBe(true);
  });

  it('never waits longer than its longest wait, even with the clock set back', () => {
    expect(waitBeforeAttempt(failures(5)!, USERNAME_THROTTLE, T0 - 86_400_000)).toBe(15 * 60_000);
  });

  it('counts a username however it is spelt', () => {
    expect(usernameKey(' Clerk01 ')).toBe(usernameKey('clerk01'));
    expect(usernameKey('clerk01')).not.toBe(usernameKey('clerk02'));
  });
});
