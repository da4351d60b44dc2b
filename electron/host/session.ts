import type { Operator } from '../../shared/contract';
import { HostCallError } from '../../shared/errors';
import type { LibraryClient } from './library-client';

interface SignedIn {
  token: string;
  expiresAt: string;
  operator: Operator;
}

/**
 * The operator's session with the library. The bearer token lives here, in the host, and never
 * crosses to the renderer (DESIGN.md 7: credentials stay in the main process).
 */
export class OperatorSession {
  private current: SignedIn | null = null;

  constructor(
    private readonly library: LibraryClient,
    private readonly workstationId: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Signs in against the library; a refused password is INVALID_CREDENTIALS. */
  async signIn(username: string, password: string): Promise<{ operator: Operator; expiresAt: string }> {
    try {
      const { body } = await this.library.request<SignedIn>('/sessions', {
        method: 'POST',
        body: { username, password, workstationId: this.workstationId },
      });
      this.current = { token: body.token, expiresAt: body.expiresAt, operator: body.operator };
      return { operator: body.operator, expiresAt: body.expiresAt };
    } catch (error) {
      if (error instanceof HostCallError && (error.code === 'UNAUTHENTICATED' || error.code === 'BAD_REQUEST')) {
        throw new HostCallError('INVALID_CREDENTIALS');
      }
      throw error;
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

  /** The library bearer token; UNAUTHENTICATED when there is none. */
  token(): string {
    const session = this.active();
    if (!session) throw new HostCallError('UNAUTHENTICATED');
    return session.token;
  }

  /** Forgets the session. */
  signOut(): boolean {
    const was = this.current !== null;
    this.current = null;
    return was;
  }

  private active(): SignedIn | null {
    if (this.current && Date.parse(this.current.expiresAt) <= this.now().getTime()) this.current = null;
    return this.current;
  }
}
