import type { Operator } from '../../shared/contract';
import { HostCallError } from '../../shared/errors';
import type { CredentialStore } from './credentials';
import type { LibraryClient } from './library-client';

interface SignedIn {
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

/**
 * The operator's session with the library. The bearer token lives here, in the host, and never
 * crosses to the renderer (DESIGN.md 7). When the library cannot be reached, an operator seen
 * online in the last 7 days signs in against the stored verifier (DESIGN.md 6).
 */
export class OperatorSession {
  private current: SignedIn | null = null;
  private lastReconnectAttempt = 0;

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
      this.current = { operator: body.operator, expiresAt: body.expiresAt, token: body.token, offlinePassword: null, username };
      return { operator: body.operator, expiresAt: body.expiresAt, offline: false };
    } catch (error) {
      if (!(error instanceof HostCallError && error.code === 'LIBRARY_UNAVAILABLE')) throw error;
      const operator = await this.credentials.check(this.libraryKey, username, password);
      if (operator === 'mismatch') throw new HostCallError('INVALID_CREDENTIALS');
      if (operator === 'unknown' || operator === 'stale') {
        throw new HostCallError(
          'LIBRARY_UNAVAILABLE',
          '暂时无法连接市电子证照库，且本机没有该账号近 7 天内的联网登录记录，无法离线登录；请待网络恢复后再登录。',
        );
      }
      const expiresAt = new Date(this.now().getTime() + OFFLINE_SESSION_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.current = { operator, expiresAt, token: null, offlinePassword: password, username };
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
      try {
        const body = await this.signInOnline(session.username, session.offlinePassword);
        this.current = { operator: body.operator, expiresAt: body.expiresAt, token: body.token, offlinePassword: null, username: session.username };
        return body.token;
      } catch (error) {
        if (error instanceof HostCallError && error.code === 'INVALID_CREDENTIALS') {
          // The password changed at the library while this workstation was offline.
          this.current = null;
          throw new HostCallError('UNAUTHENTICATED', '证照库已恢复连接，但该账号的密码已变更，请重新登录。');
        }
      }
    }
    throw new HostCallError('LIBRARY_UNAVAILABLE');
  }

  /** Forgets the session. */
  signOut(): boolean {
    const was = this.current !== null;
    this.current = null;
    return was;
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
    if (this.current && Date.parse(this.current.expiresAt) <= this.now().getTime()) this.current = null;
    return this.current;
  }
}
