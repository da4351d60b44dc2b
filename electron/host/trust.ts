import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';
import type { TrustList, TrustRoot } from '../../shared/library-api';
import { checkTrustList, type TrustListProblem, type VerifiedTrustList } from '../../shared/trust';
import { HostCallError } from '../../shared/errors';
import type { LibraryClient } from './library-client';

/** The host's sentences for a refused trust list (in its envelopes: the settings page, a failed refresh). */
export const TRUST_LIST_PROBLEM_MESSAGES: Record<TrustListProblem, string> = {
  malformed: '信任列表格式不正确，请联系管理员。',
  root_kid_mismatch: '信任列表不是由本机预置的根密钥签发，已拒绝使用。',
  bad_signature: '信任列表的根签名验证失败，已拒绝使用。',
  duplicate_kid: '信任列表中存在重复的密钥标识，已拒绝使用。',
};

/** A verified trust list as held: when it was verified here, and where and when it was fetched. */
interface Held {
  trust: VerifiedTrustList;
  verifiedAt: string;
  source: 'library' | 'hall';
  fetchedAt: string;
}

/**
 * The trust list, verified against the pinned root key before anything relies on it, and kept
 * on disk so that a token can still be checked offline after a restart (docs/architecture.md §8).
 */
export class TrustStore {
  private current: Held | null = null;
  private refreshing: Promise<VerifiedTrustList> | null = null;

  constructor(
    private readonly library: LibraryClient,
    private readonly root: TrustRoot,
    private readonly cacheFile: string | null,
    private readonly now: () => Date = () => new Date(),
    /**
     * Another source of the list when the library cannot be reached and none was verified here
     * yet (the hall's copy: a workstation switched on during an outage). What it gives is
     * verified against the pinned root key like the library's.
     */
    private readonly fallback: (() => Promise<{ body: unknown; fetchedAt: string }>) | null = null,
  ) {
    if (cacheFile) this.current = this.readCache(cacheFile);
  }

  /**
   * Fetches and verifies the trust list; offline, the last verified one is kept. Calls made
   * while a fetch is under way share it (a sign-in and the page's start-up both ask).
   */
  refresh(): Promise<VerifiedTrustList> {
    this.refreshing ??= this.fetchAndVerify().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async fetchAndVerify(): Promise<VerifiedTrustList> {
    const { body } = await this.library.request<unknown>('/trust');
    const checked = checkTrustList(body, this.root);
    if (!checked.ok) throw new HostCallError('LIBRARY_ERROR', `${TRUST_LIST_PROBLEM_MESSAGES[checked.problem]}请联系技术支持核对根密钥。`);
    const at = this.now().toISOString();
    this.keep({ trust: checked.trust, verifiedAt: at, source: 'library', fetchedAt: at });
    return checked.trust;
  }

  private keep(held: Held): void {
    this.current = held;
    if (this.cacheFile) {
      // Atomic: the cached list is what lets a 亮证码 be checked offline.
      writeFileAtomic(this.cacheFile, JSON.stringify({ trust: held.trust.list, verifiedAt: held.verifiedAt, source: held.source, fetchedAt: held.fetchedAt }));
    }
  }

  /**
   * Takes a list from another source (the hall) after verifying it against the pinned root key,
   * when there is none here or it was issued after the one here. Answers the verified list, or the problem that refused it.
   */
  adopt(body: unknown, fetchedAt: string): { ok: true; trust: VerifiedTrustList } | { ok: false; problem: TrustListProblem } {
    const checked = checkTrustList(body, this.root);
    if (!checked.ok) return checked;
    const held = this.current?.trust.list;
    if (!held || Date.parse(checked.trust.list.issuedAt) > Date.parse(held.issuedAt)) {
      this.keep({ trust: checked.trust, verifiedAt: this.now().toISOString(), source: 'hall', fetchedAt });
    }
    return checked;
  }

  /** The last verified list, when it was verified here, and where and when it was fetched, without asking anyone. */
  peek(): { trust: TrustList; verifiedAt: string; source: 'library' | 'hall'; fetchedAt: string } | null {
    return this.current && { ...this.current, trust: this.current.trust.list };
  }

  /** The verified trust list: fresh when the library answers, else the last one verified. */
  async get(): Promise<{ trust: TrustList; verifiedAt: string }> {
    try {
      await this.refresh();
    } catch (error) {
      if (!(this.current && error instanceof HostCallError && error.code === 'LIBRARY_UNAVAILABLE')) throw error;
    }
    return { trust: this.current!.trust.list, verifiedAt: this.current!.verifiedAt };
  }

  /** The last verified trust list without asking the library, fetching it only if there is none (or joining a fetch under way). */
  async cached(): Promise<VerifiedTrustList> {
    if (this.current) return this.current.trust;
    try {
      return await this.refresh();
    } catch (error) {
      if (!(this.fallback && error instanceof HostCallError && error.code === 'LIBRARY_UNAVAILABLE')) throw error;
      const copy = await this.fallback().catch(() => null);
      const adopted = copy === null ? null : this.adopt(copy.body, copy.fetchedAt);
      if (!adopted?.ok) throw error;
      return adopted.trust;
    }
  }

  private readCache(file: string): Held | null {
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { trust: unknown; verifiedAt: unknown; source?: unknown; fetchedAt?: unknown };
      // Re-verified on load: a file on disk is no more trusted than the network.
      const checked = checkTrustList(raw.trust, this.root);
      if (checked.ok && typeof raw.verifiedAt === 'string') {
        // A file written before the hall existed came from the library when it was verified.
        const source = raw.source === 'hall' ? 'hall' : 'library';
        return { trust: checked.trust, verifiedAt: raw.verifiedAt, source, fetchedAt: typeof raw.fetchedAt === 'string' ? raw.fetchedAt : raw.verifiedAt };
      }
    } catch {
      // No cache yet, or unreadable: start without one.
    }
    return null;
  }
}
