/**
 * Down: the hall's cache of the library (docs/architecture.md §3.7). The hall signs in to the library
 * with an account of its own, fetches the catalog, the matters with their usage lists and the
 * trust list, verifies the trust list against the root key pinned in its configuration, and
 * keeps all three in its database for its workstations — which still check the trust list's
 * signature themselves, so the hall is a cache, never a trust anchor.
 *
 * The library gives `/catalog` and `/matters` only to a signed-in account. A real hall asks the
 * city for an account of its own (read-only use: it never pulls a licence); with the sandbox the
 * demo account `officer01` serves, the demo role with the fewest rights (it cannot pull licences).
 */
import { CatalogResponse, MattersResponse, SignInResponse, type TrustRoot } from '../shared/library-api';
import { checkTrustList } from '../shared/trust';
import type { ReferenceName, ReferenceResponse } from '../shared/hall-api';
import { sql, type Database } from './db';
import { HallError } from './http';

/** How the hall reaches the library. */
export interface LibraryAccount {
  url: string;
  /** The library's root key, pinned: a trust list that does not verify against it is refused. */
  rootKey: TrustRoot;
  username: string;
  password: string;
}

/** What the last refresh did, for the log and the tests. */
export interface RefreshOutcome {
  ok: boolean;
  /** Resources stored (new or changed) by this refresh. */
  updated: ReferenceName[];
  error: string | null;
}

const readCache = sql<{ name: ReferenceName; version: string | null; fetched_at: string; body: string }, [string]>(
  'SELECT name, version, fetched_at, body FROM reference_cache WHERE name = $1',
);
const writeCache = sql<unknown, [string, string | null, string, string]>(
  `INSERT INTO reference_cache (name, version, fetched_at, body) VALUES ($1, $2, $3, $4)
   ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, fetched_at = EXCLUDED.fetched_at, body = EXCLUDED.body`,
);
const touchCache = sql<unknown, [string, string]>('UPDATE reference_cache SET fetched_at = $2 WHERE name = $1');

/** The hall's mirror of the library's reference data. */
export class LibraryMirror {
  private token: { value: string; expiresAt: number } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly account: LibraryAccount | null,
    private readonly hallId: string,
    private readonly now: () => Date,
    private readonly log: (line: string) => void,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Refreshes now and then every `intervalMs` (every minute while the library cannot be reached). */
  start(intervalMs = 10 * 60_000): void {
    if (!this.account || this.timer) return;
    const run = async (): Promise<void> => {
      const outcome = await this.refresh();
      this.timer = setTimeout(() => void run(), outcome.ok ? intervalMs : 60_000);
      this.timer.unref();
    };
    this.timer = setTimeout(() => void run(), 0);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A cached resource as the hall serves it; REFERENCE_UNAVAILABLE before the first successful fetch. */
  async get(name: ReferenceName): Promise<ReferenceResponse> {
    const row = await this.db.one(readCache, [name]);
    if (!row) throw new HallError('REFERENCE_UNAVAILABLE', this.account ? undefined : '大厅服务器未配置市电子证照库，没有可提供的目录和用证清单。');
    return { name, version: row.version, fetchedAt: row.fetched_at, body: JSON.parse(row.body) as unknown };
  }

  /** Fetches all three resources; a failure keeps what was cached and says why. */
  async refresh(): Promise<RefreshOutcome> {
    if (!this.account) return { ok: false, updated: [], error: 'no library configured' };
    const updated: ReferenceName[] = [];
    try {
      const trust = await this.fetchJson('/trust', false);
      const checked = checkTrustList(trust.body, this.account.rootKey);
      if (!checked.ok) throw new Error(`trust list refused: ${checked.problem} (it does not verify against the pinned root key)`);
      if (await this.store('trust', null, trust.text)) updated.push('trust');
      for (const [name, path, schema] of [
        ['catalog', '/catalog', CatalogResponse],
        ['matters', '/matters', MattersResponse],
      ] as const) {
        const cached = await this.db.one(readCache, [name]);
        const answer = await this.fetchJson(path, true, cached?.version ?? undefined);
        if (answer.status === 304) {
          await this.db.run(touchCache, [name, this.now().toISOString()]);
          continue;
        }
        if (!schema.safeParse(answer.body).success) throw new Error(`${path}: the library's answer does not match docs/library-api.md`);
        if (await this.store(name, answer.etag, answer.text)) updated.push(name);
      }
      this.log(`hall: library reference data refreshed${updated.length ? ` (${updated.join(', ')} changed)` : ''}`);
      return { ok: true, updated, error: null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log(`hall: library refresh failed, keeping the cached data: ${message}`);
      return { ok: false, updated, error: message };
    }
  }

  private async store(name: ReferenceName, version: string | null, text: string): Promise<boolean> {
    const cached = await this.db.one(readCache, [name]);
    const nowIso = this.now().toISOString();
    if (cached && cached.body === text) {
      await this.db.run(touchCache, [name, nowIso]);
      return false;
    }
    await this.db.run(writeCache, [name, version, nowIso, text]);
    return true;
  }

  private async signIn(): Promise<string> {
    if (this.token && this.token.expiresAt - 60_000 > this.now().getTime()) return this.token.value;
    const account = this.account!;
    const response = await fetch(`${account.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: account.username, password: account.password, workstationId: this.hallId }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`sign-in to the library as ${account.username} refused (${response.status})`);
    const session = SignInResponse.parse(await response.json());
    this.token = { value: session.token, expiresAt: Date.parse(session.expiresAt) };
    return session.token;
  }

  private async fetchJson(path: string, signedIn: boolean, etag?: string): Promise<{ status: number; body: unknown; text: string; etag: string | null }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (signedIn) headers.authorization = `Bearer ${await this.signIn()}`;
    if (etag) headers['if-none-match'] = etag;
    let response = await fetch(`${this.account!.url}/api/v1${path}`, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    if (response.status === 401 && signedIn) {
      this.token = null;
      headers.authorization = `Bearer ${await this.signIn()}`;
      response = await fetch(`${this.account!.url}/api/v1${path}`, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    }
    if (response.status === 304) return { status: 304, body: null, text: '', etag: etag ?? null };
    if (!response.ok) throw new Error(`${path}: the library answered ${response.status}`);
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as unknown, text, etag: response.headers.get('etag') };
  }
}
