import type { z } from 'zod';
import { HostCallError } from '../../shared/errors';
import type { LibraryClient } from './library-client';

/**
 * A versioned library resource (catalog, usage lists) kept in the host and revalidated with
 * its ETag, so that a workstation fetches the full list only when the library changed it.
 */
export class ReferenceData<S extends z.ZodType> {
  private cached: { etag: string | null; body: z.output<S> } | null = null;

  constructor(
    private readonly library: LibraryClient,
    private readonly path: string,
    private readonly schema: S,
  ) {}

  /** The last version fetched, without asking the library. */
  peek(): z.output<S> | null {
    return this.cached?.body ?? null;
  }

  /** The current resource; a library answer that does not match API.md is LIBRARY_ERROR. */
  async get(token: string): Promise<z.output<S>> {
    const response = await this.library.request<unknown>(this.path, {
      token,
      ifNoneMatch: this.cached?.etag ?? undefined,
    });
    if (response.status === 304 && this.cached) return this.cached.body;
    const parsed = this.schema.safeParse(response.body);
    if (!parsed.success) throw new HostCallError('LIBRARY_ERROR', '市电子证照库返回的数据格式不符合接口约定，请联系技术支持。');
    this.cached = { etag: response.etag, body: parsed.data };
    return parsed.data;
  }
}
