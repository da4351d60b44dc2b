import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HostCallError } from '../../shared/errors';
import {
  afterFailure,
  isForgotten,
  usernameKey,
  USERNAME_THROTTLE,
  waitBeforeAttempt,
  WORKSTATION_KEY,
  WORKSTATION_THROTTLE,
  type ThrottleEntry,
  type ThrottlePolicy,
} from '../../shared/sign-in-throttle';
import { writeFileAtomic } from './atomic-file';

/** A wait as a clerk reads it: `45 秒`, `2 分钟`, `2 分 30 秒` (rounded up to the second). */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${seconds} 秒`;
  return rest === 0 ? `${minutes} 分钟` : `${minutes} 分 ${rest} 秒`;
}

/** The host's sentence for a sign-in refused because of earlier failures. */
export function throttledMessage(waitMs: number): string {
  return `登录失败次数过多，为防止密码被猜测，请 ${formatWait(waitMs)}后再试。如忘记密码，请联系值班长。`;
}

/** The host's sentence for a wrong password that starts a wait. */
export function failedAndThrottledMessage(waitMs: number): string {
  return `用户名或密码不正确。连续失败次数过多，请 ${formatWait(waitMs)}后再试。`;
}

const Entry = z.object({ failures: z.number().int().min(0), lastFailureAt: z.number(), lockedUntil: z.number() });
const StateFile = z.record(z.string(), Entry);

const policyOf = (key: string): ThrottlePolicy => (key === WORKSTATION_KEY ? WORKSTATION_THROTTLE : USERNAME_THROTTLE);

/**
 * The sign-in limit of this workstation (shared/sign-in-throttle.ts), per username and for the
 * workstation as a whole, in front of both the online and the offline check. Kept in a file in
 * the data folder, so that quitting and restarting the app does not reset it; one attempt at a
 * time, so that attempts sent together cannot all slip in before the first failure counts.
 */
export class SignInThrottle {
  private entries: Record<string, ThrottleEntry>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    try {
      this.entries = StateFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // No failures recorded yet (or an unreadable record: it only ever held waits).
      this.entries = {};
    }
  }

  /**
   * Runs one sign-in attempt under the limit: refused with TOO_MANY_ATTEMPTS (the wait in the
   * message and in `details.retryAfterSeconds`) while a wait is in force, counted when it ends in
   * INVALID_CREDENTIALS, and clearing the username's count when it succeeds.
   */
  attempt<T>(username: string, signIn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.runAttempt(username, signIn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runAttempt<T>(username: string, signIn: () => Promise<T>): Promise<T> {
    const user = usernameKey(username);
    const at = this.now().getTime();
    const wait = this.waitAt(user, at);
    if (wait > 0) throw new HostCallError('TOO_MANY_ATTEMPTS', throttledMessage(wait), { retryAfterSeconds: Math.ceil(wait / 1000) });
    let result: T;
    try {
      result = await signIn();
    } catch (error) {
      if (error instanceof HostCallError && error.code === 'INVALID_CREDENTIALS') {
        const failedAt = this.now().getTime();
        for (const key of [user, WORKSTATION_KEY]) this.entries[key] = afterFailure(this.entries[key], policyOf(key), failedAt);
        this.save(failedAt);
        const next = this.waitAt(user, failedAt);
        if (next > 0) throw new HostCallError('INVALID_CREDENTIALS', failedAndThrottledMessage(next), { retryAfterSeconds: Math.ceil(next / 1000) });
      }
      throw error;
    }
    if (this.entries[user]) {
      delete this.entries[user];
      this.save(this.now().getTime());
    }
    return result;
  }

  private waitAt(user: string, at: number): number {
    return Math.max(waitBeforeAttempt(this.entries[user], USERNAME_THROTTLE, at), waitBeforeAttempt(this.entries[WORKSTATION_KEY], WORKSTATION_THROTTLE, at));
  }

  private save(at: number): void {
    for (const [key, entry] of Object.entries(this.entries)) if (isForgotten(entry, policyOf(key), at)) delete this.entries[key];
    writeFileAtomic(this.file, JSON.stringify(this.entries), 0o600);
  }
}
