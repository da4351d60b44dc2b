/**
 * How often a password may be tried. Each username, and the workstation as a whole, has a few
 * failed sign-ins free; from the n-th on every failure makes the next attempt wait, twice as
 * long each time up to a ceiling, whether the library answered or the workstation checked the
 * password offline. A success clears the username's count; a quiet hour clears any count.
 */

/** The rule for one kind of key (a username, the workstation). */
export interface ThrottlePolicy {
  /** The failure that starts the first wait (the 5th: four are free). */
  readonly failuresBeforeWait: number;
  /** The wait that failure starts; each further failure doubles it. */
  readonly firstWaitMs: number;
  /** The longest wait. */
  readonly maxWaitMs: number;
  /** A count is forgotten once this long has passed since its last failure. */
  readonly forgetAfterMs: number;
}

/** Per username: five failures, then a wait of 30 s, 1 min, 2 min … up to 15 min after each further one. */
export const USERNAME_THROTTLE: ThrottlePolicy = { failuresBeforeWait: 5, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

/**
 * Per workstation, whatever the username (guessing across many accounts): twenty failures,
 * then the same growing wait. A clerk's typos over a morning stay well below it.
 */
export const WORKSTATION_THROTTLE: ThrottlePolicy = { failuresBeforeWait: 20, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

/** The failures counted under one key. */
export interface ThrottleEntry {
  failures: number;
  /** Epoch milliseconds of the last failure. */
  lastFailureAt: number;
  /** Epoch milliseconds before which no attempt is taken (0: none). */
  lockedUntil: number;
}

/** The key a username is counted under: usernames differing only in case or spaces are one. */
export function usernameKey(username: string): string {
  return `user:${username.trim().toLowerCase()}`;
}

/** The key of the workstation's own count. */
export const WORKSTATION_KEY = 'workstation';

/**
 * Milliseconds to wait before an attempt under this entry is taken; 0 when it may go ahead.
 * Never more than the policy's longest wait, even if the clock was set back.
 */
export function waitBeforeAttempt(entry: ThrottleEntry | undefined, policy: ThrottlePolicy, now: number): number {
  return entry ? Math.min(policy.maxWaitMs, Math.max(0, entry.lockedUntil - now)) : 0;
}

/** The entry after one more failure at `now`, with its wait from the policy's n-th failure on. */
export function afterFailure(entry: ThrottleEntry | undefined, policy: ThrottlePolicy, now: number): ThrottleEntry {
  const fresh = !entry || now - entry.lastFailureAt > policy.forgetAfterMs;
  const failures = (fresh ? 0 : entry.failures) + 1;
  const beyond = failures - policy.failuresBeforeWait;
  const wait = beyond < 0 ? 0 : Math.min(policy.maxWaitMs, policy.firstWaitMs * 2 ** Math.min(beyond, 30));
  return { failures, lastFailureAt: now, lockedUntil: wait > 0 ? now + wait : 0 };
}

/** True when an entry no longer says anything (no wait in force and its count forgotten). */
export function isForgotten(entry: ThrottleEntry, policy: ThrottlePolicy, now: number): boolean {
  return entry.lockedUntil <= now && now - entry.lastFailureAt > policy.forgetAfterMs;
}
