import type { z } from 'zod';
import { HostCallError } from '../../shared/errors';
import type { LibraryClient } from './library-client';

/**
 * A versioned library resource (catalog, usage lists) kept in the host and revalidated with
 * its ETag, so that a workstation fetches the full list only when the library changed it.
 * Requests made while one is under way share it: the sign-in's warm-up, the shell and the
 * counter page all ask within the same moment, and each revalidation is a round trip to the
 * library on the clerk's way to the counter. Every answer is the library's own (none is served
 * from memory without asking), so an unreachable library is noticed at once.
 */
export class ReferenceData<S extends z.ZodType> {
  private cached: { etag: string | null; body: z.output<S>; fetchedAt: string } | null = null;
  private pending: Promise<z.output<S>> | null = null;

  constructor(
    private readonly library: LibraryClient,
    private readonly path: string,
    private readonly schema: S,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The last version fetched, without asking the library. */
  peek(): z.output<S> | null {
    return this.cached?.body ?? null;
  }

  /** The last version fetched with its ETag and when the library last confirmed it, without asking the library. */
  current(): { etag: string | null; body: z.output<S>; fetchedAt: string } | null {
    return this.cached;
  }

  /** The current resource; a library answer that does not match docs/library-api.md is LIBRARY_ERROR. */
  get(token: string): Promise<z.output<S>> {
    this.pending ??= this.revalidate(token).finally(() => (this.pending = null));
    return this.pending;
  }

  private async revalidate(token: string): Promise<z.output<S>> {
    const response = await this.library.request<unknown>(this.path, {
      token,
      ifNoneMatch: this.cached?.etag ?? undefined,
    });
    if (response.status === 304 && this.cached) {
      this.cached = { ...this.cached, fetchedAt: this.now().toISOString() };
      return this.cached.body;
    }
    const parsed = this.schema.safeParse(response.body);
    if (!parsed.success) throw new HostCallError('LIBRARY_ERROR', '市电子证照库返回的数据格式不符合接口约定，请联系技术支持。');
    this.cached = { etag: response.etag, body: parsed.data, fetchedAt: this.now().toISOString() };
    return parsed.data;
  }
}
