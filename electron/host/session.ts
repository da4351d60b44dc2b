import { randomUUID } from 'node:crypto';
import type { Operator } from '../../shared/contract';
import { HostCallError } from '../../shared/errors';
import type { CredentialStore } from './credentials';
import type { LibraryClient } from './library-client';

interface SignedIn {
  /**
   * This sign-in, kept across a reconnection from offline to online: what the host holds for
   * the operator's cases (grants, licence files) belongs to it and goes when it ends.
   */
  sessionId: string;
  operator: Operator;
  expiresAt: string;
  /** The library's bearer token; null while signed in offline. */
  token: string | null;
  /**
   * Kept in this process's memory only, and only while signed in offline, so that the host can
   * sign in to the library when the link returns and the outbox can drain without the clerk.
   */
  offlinePassword: string | null;
  username: string;
}

interface LibrarySignIn {
  token: string;
  expiresAt: string;
  operator: Operator;
}

// An offline session lasts a working day, as the library's own sessions do.
const OFFLINE_SESSION_MS = 8 * 3600 * 1000;
// While offline, the host tries the library again at most this often.
const RECONNECT_INTERVAL_MS = 5_000;

/** The one answer to a refused offline sign-in, whatever the reason. */
export const OFFLINE_REFUSED =
  '暂时无法连接市电子证照库，离线登录未通过：用户名或密码不正确，或该账号近 7 天内没有在本工作台联网登录过。请核对后重试，或待网络恢复后再登录。';

/** A session that ended (sign-out, expiry, a new sign-in, a password changed at the library). */
export interface EndedSession {
  sessionId: string;
  operator: Operator;
}

/**
 * The operator's session with the library. The bearer token lives here, in the host, and never
 * crosses to the renderer (docs/architecture.md §9). When the library cannot be reached, an operator seen
 * online in the last 7 days signs in against the stored verifier (docs/architecture.md §8).
 */
export class OperatorSession {
  private current: SignedIn | null = null;
  private lastReconnectAttempt = 0;
  private readonly endListeners = new Set<(ended: EndedSession) => void>();
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly library: LibraryClient,
    private readonly workstationId: () => string,
    private readonly credentials: CredentialStore,
    private readonly libraryKey: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Once any call reaches the library again, the next call may sign in at once.
    library.observe((outcome) => {
      if (outcome.reachable) this.lastReconnectAttempt = 0;
    });
  }

  /** Signs in against the library, or offline when it is unreachable; a refused password is INVALID_CREDENTIALS. */
  async signIn(username: string, password: string): Promise<{ operator: Operator; expiresAt: string; offline: boolean }> {
    try {
      const body = await this.signInOnline(username, password);
      this.begin({ sessionId: randomUUID(), operator: body.operator, expiresAt: body.expiresAt, token: body.token, offlinePassword: null, username });
      return { operator: body.operator, expiresAt: body.expiresAt, offline: false };
    } catch (error) {
      if (!(error instanceof HostCallError && error.code === 'LIBRARY_UNAVAILABLE')) throw error;
      const operator = await this.credentials.check(this.libraryKey, username, password);
      // An unknown account, one not seen online for 7 days and a wrong password get one answer,
      // after the same work (CredentialStore.check hashes in every case): the answer must not
      // tell which accounts this workstation knows.
      if (operator === 'mismatch' || operator === 'unknown' || operator === 'stale') throw new HostCallError('INVALID_CREDENTIALS', OFFLINE_REFUSED);
      const expiresAt = new Date(this.now().getTime() + OFFLINE_SESSION_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.begin({ sessionId: randomUUID(), operator, expiresAt, token: null, offlinePassword: password, username });
      return { operator, expiresAt, offline: true };
    }
  }

  /** The signed-in operator, or null when nobody is signed in or the session expired. */
  operator(): Operator | null {
    return this.active()?.operator ?? null;
  }

  /** When the session expires, or null. */
  expiresAt(): string | null {
    return this.active()?.expiresAt ?? null;
  }

  /** The id of the session in force, or null: what the host holds for a case is tagged with it. */
  sessionId(): string | null {
    return this.active()?.sessionId ?? null;
  }

  /** Calls `listener` whenever a session ends, whatever ended it; returns its removal. */
  onEnd(listener: (ended: EndedSession) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * The library bearer token. Signed in offline, the host first tries to sign in to the
   * library again; until it can, the call is LIBRARY_UNAVAILABLE (the caller's paper path).
   */
  async token(): Promise<string> {
    const session = this.active();
    if (!session) throw new HostCallError('UNAUTHENTICATED');
    if (session.token) return session.token;
    const at = this.now().getTime();
    if (session.offlinePassword && at - this.lastReconnectAttempt >= RECONNECT_INTERVAL_MS) {
      this.lastReconnectAttempt = at;
      let body: LibrarySignIn | null = null;
      try {
        body = await this.signInOnline(session.username, session.offlinePassword);
      } catch (error) {
        if (error instanceof HostCallError && error.code === 'INVALID_CREDENTIALS') {
          // The password changed at the library while this workstation was offline.
          if (this.current === session) this.end();
          throw new HostCallError('UNAUTHENTICATED', '证照库已恢复连接，但该账号的密码已变更，请重新登录。');
        }
      }
      if (body) {
        // A session that ended meanwhile stays ended, whatever this late answer says.
        if (this.current !== session) throw new HostCallError('UNAUTHENTICATED');
        // The same sitting of the same operator goes on: what it holds stays.
        this.current = { ...session, operator: body.operator, expiresAt: body.expiresAt, token: body.token, offlinePassword: null };
        this.armExpiry();
        return body.token;
      }
    }
    throw new HostCallError('LIBRARY_UNAVAILABLE');
  }

  /** Forgets the session, and with it everything held for its cases. */
  signOut(): boolean {
    const was = this.current !== null;
    this.end();
    return was;
  }

  // A new sign-in ends the one before it, even of the same operator: a new sitting starts empty.
  private begin(next: SignedIn): void {
    this.end();
    this.current = next;
    this.armExpiry();
  }

  private end(): void {
    const ended = this.current;
    this.current = null;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (!ended) return;
    for (const listener of this.endListeners) listener({ sessionId: ended.sessionId, operator: ended.operator });
  }

  // The session also ends on its own at its expiry, so what it holds does not wait for a next
  // call to be dropped. (Checked against the clock again: the timer is only the prompt.)
  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const session = this.current;
    if (!session) return;
    const delay = Math.min(Math.max(Date.parse(session.expiresAt) - this.now().getTime(), 0) + 1_000, 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      if (this.current === session && this.active() === session) this.armExpiry();
    }, delay);
    this.expiryTimer.unref?.();
  }

  private async signInOnline(username: string, password: string): Promise<LibrarySignIn> {
    try {
      const { body } = await this.library.request<LibrarySignIn>('/sessions', {
        method: 'POST',
        body: { username, password, workstationId: this.workstationId() },
      });
      // The offline verifier (scrypt, 60–100 ms) is hashed while the clerk goes on to the counter;
      // an offline sign-in waits for it.
      this.credentials.remember(this.libraryKey, username, password, body.operator).catch((error: unknown) => {
        console.error('the offline sign-in verifier was not saved:', error);
      });
      return body;
    } catch (error) {
      if (error instanceof HostCallError && (error.code === 'UNAUTHENTICATED' || error.code === 'BAD_REQUEST')) {
        throw new HostCallError('INVALID_CREDENTIALS');
      }
      throw error;
    }
  }

  private active(): SignedIn | null {
    if (this.current && Date.parse(this.current.expiresAt) <= this.now().getTime()) this.end();
    return this.current;
  }
}
