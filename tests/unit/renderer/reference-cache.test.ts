import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { HostCallName } from '../../../shared/contract';
import { WorkstationDb } from '../../../renderer/db/db';
import { hostFailure } from '../../../shared/errors';
import { AppError, type HostClient } from '../../../renderer/host/client';
import { ageInMinutes, createReferenceCache, type ReferenceDeps } from '../../../renderer/reference/reference-cache';
import type { ReferenceName } from '../../../renderer/db/db';

/** A reference cache over the given parts, asked for one resource. */
const loadReference = <N extends ReferenceName>(name: N, deps: ReferenceDeps) => createReferenceCache(deps).load(name);

const CATALOG = { version: 'cat-7', types: [] };

// A strict fake: a call it was not given an answer for fails the test.
function fakeClient(answers: Partial<Record<HostCallName, () => unknown>>): HostClient {
  return {
    async call(name) {
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected host call ${name}`);
      return answer() as never;
    },
  };
}

const down = () => {
  throw AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '暂时无法连接市电子证照库').error);
};

describe('the reference cache', () => {
  it('stores what the library answers, with its version and fetch time', async () => {
    const db = new WorkstationDb(`ref-${Math.random()}`);
    const got = await loadReference('catalog', { client: fakeClient({ 'catalog.get': () => CATALOG }), db, now: () => new Date('2026-11-26T02:00:00Z') });
    expect(got).toEqual({ body: CATALOG, version: 'cat-7', fetchedAt: '2026-11-26T02:00:00.000Z', fromCache: false });
    expect(await db.referenceCache.get('catalog')).toMatchObject({ version: 'cat-7', fetchedAt: '2026-11-26T02:00:00.000Z', body: CATALOG });
  });

  it('serves the stored copy when the library is unreachable', async () => {
    const db = new WorkstationDb(`ref-${Math.random()}`);
    await loadReference('catalog', { client: fakeClient({ 'catalog.get': () => CATALOG }), db, now: () => new Date('2026-11-26T02:00:00Z') });
    const got = await loadReference('catalog', { client: fakeClient({ 'catalog.get': down }), db, now: () => new Date('2026-11-26T05:00:00Z') });
    expect(got).toEqual({ body: CATALOG, version: 'cat-7', fetchedAt: '2026-11-26T02:00:00.000Z', fromCache: true });
  });

  it('versions the trust list by its issue time', async () => {
    const db = new WorkstationDb(`ref-${Math.random()}`);
    const trust = { trust: { issuedAt: '2026-11-01T00:00:00Z', keys: [], rootKid: 'root-1', signature: 'ab' }, verifiedAt: '2026-11-26T02:00:00Z' };
    expect((await loadReference('trust', { client: fakeClient({ 'trust.get': () => trust }), db, now: () => new Date() })).version).toBe(
      '2026-11-01T00:00:00Z',
    );
  });

  it.each([
    ['unreachable with nothing stored', down, 'LIBRARY_UNAVAILABLE'],
    [
      'another failure (not a reason to show stale data)',
      () => {
        throw AppError.from(hostFailure('UNAUTHENTICATED', '登录已失效').error);
      },
      'UNAUTHENTICATED',
    ],
  ])('throws the host error when %s', async (_, answer, code) => {
    const db = new WorkstationDb(`ref-${Math.random()}`);
    await db.referenceCache.put({ name: 'matters', version: 'm-1', fetchedAt: '2026-11-26T02:00:00Z', body: { version: 'm-1', matters: [] } });
    const client = fakeClient({ 'catalog.get': answer, 'matters.get': answer });
    await expect(loadReference(code === 'LIBRARY_UNAVAILABLE' ? 'catalog' : 'matters', { client, db, now: () => new Date() })).rejects.toMatchObject({ code });
  });
});

describe('ageInMinutes', () => {
  it.each([
    ['2026-11-26T02:00:00Z', '2026-11-26T02:00:59Z', 0],
    ['2026-11-26T02:00:00Z', '2026-11-26T03:30:00Z', 90],
    ['2026-11-26T02:00:00Z', '2026-11-26T01:00:00Z', 0],
  ])('from %s to %s is %i', (fetchedAt, now, minutes) => {
    expect(ageInMinutes(fetchedAt, new Date(now))).toBe(minutes);
  });
});
