import type { CatalogResponse, MattersResponse, TrustList } from '../../shared/library-api';
import { workstationDb, type ReferenceCacheRow, type WorkstationDb } from '../db/db';
import { AppError, hostClient, type HostClient } from '../host/client';

/** What each cached library resource holds. */
export interface ReferenceBodies {
  catalog: CatalogResponse;
  matters: MattersResponse;
  trust: { trust: TrustList; verifiedAt: string };
}

/** A library resource's name in the cache. */
export type ReferenceName = keyof ReferenceBodies;

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

function defaults(): ReferenceDeps {
  return { client: hostClient(), db: workstationDb(), now: () => new Date() };
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

/**
 * A library resource (catalog, usage lists, trust list) for pages that must work offline: asked
 * of the host, and stored in Dexie with its version and fetch time when it answers; when the
 * host says the library is unreachable, the stored copy is served instead. With nothing stored,
 * the host's error is thrown.
 */
export function loadReference<N extends ReferenceName>(name: N, deps: ReferenceDeps = defaults()): Promise<CachedReference<N>> {
  // The shell and the page it opens both ask at start: one request to the host serves both.
  let loads = inFlight.get(deps.client);
  if (!loads) inFlight.set(deps.client, (loads = new Map()));
  let load = loads.get(name) as Promise<CachedReference<N>> | undefined;
  if (!load) {
    const mine = loads;
    load = loadFresh(name, deps).finally(() => mine.delete(name));
    loads.set(name, load);
  }
  return load;
}

const inFlight = new WeakMap<HostClient, Map<ReferenceName, Promise<CachedReference<ReferenceName>>>>();

async function loadFresh<N extends ReferenceName>(name: N, deps: ReferenceDeps): Promise<CachedReference<N>> {
  try {
    const { body, version } = await fetchFromHost(deps.client, name);
    const row: ReferenceCacheRow = { name, version, fetchedAt: deps.now().toISOString(), body };
    await deps.db.referenceCache.put(row);
    return { body, version, fetchedAt: row.fetchedAt, fromCache: false };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'LIBRARY_UNAVAILABLE') throw error;
    const cached = await deps.db.referenceCache.get(name);
    if (!cached) throw error;
    return { body: cached.body as ReferenceBodies[N], version: cached.version, fetchedAt: cached.fetchedAt, fromCache: true };
  }
}

/** How old a cached copy is, in whole minutes (never negative, whatever the clock did). */
export function ageInMinutes(fetchedAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(fetchedAt)) / 60_000));
}
