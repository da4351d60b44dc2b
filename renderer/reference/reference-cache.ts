import type { ReferenceBodies, ReferenceCacheRow, ReferenceName, WorkstationDb } from '../db/db';
import { AppError, type HostClient } from '../host/client';

/** A resource as the page gets it: from the library now, or from the local cache. */
export interface CachedReference<N extends ReferenceName> {
  body: ReferenceBodies[N];
  version: string;
  /** When the workstation last got it from the library. */
  fetchedAt: string;
  /** True when the library could not be reached and the cached copy is shown (docs/architecture.md §8). */
  fromCache: boolean;
}

/** What the cache reads from and writes to. */
export interface ReferenceDeps {
  client: HostClient;
  db: WorkstationDb;
  now: () => Date;
}

async function fetchFromHost<N extends ReferenceName>(client: HostClient, name: N): Promise<{ body: ReferenceBodies[N]; version: string }> {
  if (name === 'catalog') {
    const body = await client.call('catalog.get', {});
    return { body: body as ReferenceBodies[N], version: body.version };
  }
  if (name === 'matters') {
    const body = await client.call('matters.get', {});
    return { body: body as ReferenceBodies[N], version: body.version };
  }
  const body = await client.call('trust.get', {});
  return { body: body as ReferenceBodies[N], version: body.trust.issuedAt };
}

/** The library's reference resources as the pages read them (see {@link createReferenceCache}). */
export interface ReferenceCache {
  /**
   * A resource from the library, kept in Dexie with its version and fetch time when the host
   * answers; the kept copy when the host says the library is unreachable. With nothing kept,
   * the host's error is thrown.
   */
  load<N extends ReferenceName>(name: N): Promise<CachedReference<N>>;
  /** The kept copy alone, or null: what a form reads first, with no call to wait for. */
  kept<N extends ReferenceName>(name: N): Promise<ReferenceBodies[N] | null>;
}

/**
 * The catalog, usage lists and trust list for pages that must work offline. The shell and the
 * page it opens both ask at start: one request to the host serves both.
 */
export function createReferenceCache(deps: ReferenceDeps): ReferenceCache {
  const inFlight = new Map<ReferenceName, Promise<CachedReference<ReferenceName>>>();

  async function kept<N extends ReferenceName>(name: N): Promise<ReferenceBodies[N] | null> {
    const row = await deps.db.referenceCache.get(name);
    // The row under this name holds this name's body (TypeScript cannot follow N into the union).
    return row ? (row.body as ReferenceBodies[N]) : null;
  }

  async function loadFresh<N extends ReferenceName>(name: N): Promise<CachedReference<N>> {
    try {
      const { body, version } = await fetchFromHost(deps.client, name);
      // The row of the resource asked for: a name and its own body.
      const row = { name, version, fetchedAt: deps.now().toISOString(), body } as ReferenceCacheRow;
      await deps.db.referenceCache.put(row);
      return { body, version, fetchedAt: row.fetchedAt, fromCache: false };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'LIBRARY_UNAVAILABLE') throw error;
      const cached = await deps.db.referenceCache.get(name);
      if (!cached) throw error;
      return { body: cached.body as ReferenceBodies[N], version: cached.version, fetchedAt: cached.fetchedAt, fromCache: true };
    }
  }

  return {
    load<N extends ReferenceName>(name: N): Promise<CachedReference<N>> {
      let load = inFlight.get(name) as Promise<CachedReference<N>> | undefined;
      if (!load) {
        load = loadFresh(name).finally(() => inFlight.delete(name));
        inFlight.set(name, load);
      }
      return load;
    },
    kept,
  };
}

/** How old a cached copy is, in whole minutes (never negative, whatever the clock did). */
export function ageInMinutes(fetchedAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(fetchedAt)) / 60_000));
}
