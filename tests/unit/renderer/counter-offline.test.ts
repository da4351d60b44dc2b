import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { unreachableMaterials } from '../../../shared/catch-up';
import { caseBasis, holderShowedToken } from '../../../shared/counter-case';
import type { Matter } from '../../../shared/library-api';
import { defaultPaperReason } from '../../../renderer/features/counter/material-view';
import { fakeHost, type FakeHandlers } from './fake-host';
import { completedCase } from './rows';
import { testRoot, WORKSTATION } from './test-root';
import { hostFailure } from '../../../shared/errors';
import { AppError } from '../../../renderer/host/client';
import { useCounterStore } from '../../../renderer/stores/counter';

type Handlers = FakeHandlers;

const unreachable = () => {
  throw AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '暂时无法连接市电子证照库，可改走纸质材料流程，稍后系统会自动补发记录。').error);
};

const HOLDER = { idType: '111' as const, idNumber: '310115199709281086', name: '董琳' };
const MATTER: Matter = {
  code: '310000-GA-SFZ-002',
  name: '居民身份证换领',
  department: '上海市公安局',
  scenario: 'government',
  materials: [
    { id: 'M01', name: '申请人有效身份证件', required: true, licenceTypes: ['11100000000013127D001'], faceFields: ['name'] },
    { id: 'M02', name: '居民户口簿', required: true, licenceTypes: ['11100000000013127D002'], faceFields: ['name'] },
  ],
};
const page = () => ({ pdf: new Blob(['%PDF-p'], { type: 'application/pdf' }), thumbnail: new Blob(['t'], { type: 'image/jpeg' }), pages: 1, added: 1 });

let root: ReturnType<typeof testRoot> | undefined;
afterEach(() => {
  root?.services.outbox.stop();
  root?.db.close();
});

async function setup(handlers: Handlers) {
  const host = fakeHost({ 'app.info': () => WORKSTATION, ...handlers });
  root = testRoot({ host: host.client, now: () => new Date('2026-11-27T02:00:00Z') });
  await root.services.outbox.start();
  return { counter: useCounterStore(), host, db: root.db };
}

describe('the counter while the library is unreachable', () => {
  it('serves from the cached usage lists, verifies the token offline, and takes every material on paper as library_unreachable', async () => {
    const { counter, host, db } = await setup({
      'matters.get': unreachable,
      'catalog.get': unreachable,
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: '310115********1086', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': unreachable,
      'usage.submit': unreachable,
      'case.purge': () => ({ purgedLicences: 0 }),
    });
    await db.referenceCache.bulkPut([
      { name: 'matters', version: 'v1', fetchedAt: '2026-11-26T09:00:00Z', body: { version: 'v1', matters: [MATTER] } },
      { name: 'catalog', version: 'c1', fetchedAt: '2026-11-26T09:00:00Z', body: { version: 'c1', types: [] } },
    ]);
    await counter.loadReference();
    expect(counter.matters.map((m) => m.code)).toEqual([MATTER.code]);

    await counter.openCase(MATTER.code);
    await counter.readToken('EL1.token');
    expect(counter.tokenInfo).toMatchObject({ name: '董琳', maskedIdNumber: '310115********1086' });
    expect(counter.active?.grant).toBeNull();
    expect(host.names()).not.toContain('material.pull');
    for (const materialId of ['M01', 'M02']) {
      expect(counter.states[materialId]).toMatchObject({ state: 'failed', suggestedPaperReason: 'library_unreachable' });
      await counter.savePaper(materialId, 'library_unreachable', page());
    }

    const done = await counter.complete();
    expect(done.record).toMatchObject({
      grantId: null,
      materials: [
        { outcome: 'paper', paperReason: 'library_unreachable' },
        { outcome: 'paper', paperReason: 'library_unreachable' },
      ],
    });
    await expect
      .poll(async () => (await db.outbox.toArray()).map((r) => [r.state, r.lastError]))
      .toEqual([['queued', '暂时无法连接市电子证照库，可改走纸质材料流程，稍后系统会自动补发记录。']]);
    const grants = (await db.auditEvents.toArray()).filter((e) => e.kind === 'grant').map((e) => e.details);
    expect(grants).toEqual([{ ok: false, basis: 'token', code: 'LIBRARY_UNAVAILABLE', holder: '310115********1086' }]);
    // The catch-up will need the holder's name for its duty grant: kept apart from the purged
    // record (which has none), with the end of the lookback.
    const row = await completedCase(db, done.receipt.caseNo);
    expect(JSON.stringify(row.kept)).not.toContain('董琳');
    expect(row.catchUpHolder).toEqual({ name: '董琳', keepUntil: new Date(Date.parse(done.record.completedAt) + 30 * 86_400_000).toISOString() });
  });

  it('knows the library was unreachable: says so, preselects it, and keeps it for the catch-up whatever reason the clerk chose', async () => {
    const { counter, db } = await setup({
      'matters.get': () => ({ version: 'v1', matters: [MATTER] }),
      'catalog.get': () => ({ version: 'c1', types: [] }),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: '310115********1086', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': unreachable,
      'usage.submit': unreachable,
      'case.purge': () => ({ purgedLicences: 0 }),
    });
    await counter.loadReference();
    await counter.openCase(MATTER.code);
    await counter.readToken('EL1.token');
    const active = counter.active!;
    // No grant, but not for want of a phone: the holder showed a 亮证码.
    expect(active.noGrant).toEqual({ cause: 'library_unreachable', holderFrom: 'token' });
    expect(caseBasis(active)).toBe('unreachable_token');
    expect(holderShowedToken(active)).toBe(true);
    expect(defaultPaperReason(counter.states.M01!, holderShowedToken(active))).toBe('library_unreachable');

    // The clerk picks another reason for the second material all the same.
    await counter.savePaper('M01', 'library_unreachable', page());
    await counter.savePaper('M02', 'no_phone', page());
    const done = await counter.complete();
    expect(done.receipt.basis).toBe('unreachable_token');
    const row = await completedCase(db, done.receipt.caseNo);
    const record = row.kept;
    expect(record.noGrant).toEqual({ cause: 'library_unreachable', holderFrom: 'token' });
    expect(record.materials.map((m) => [m.record.paperReason, m.libraryUnreachable])).toEqual([
      ['library_unreachable', true],
      ['no_phone', true],
    ]);
    // Both are re-checked when the link returns, so the name is kept for it.
    expect(unreachableMaterials(record).map((m) => m.materialId)).toEqual(['M01', 'M02']);
    expect(row.catchUpHolder?.name).toBe('董琳');
  });

  it('a holder without a phone while the library is unreachable: no grant because of the library, not of the phone', async () => {
    const { counter } = await setup({
      'matters.get': () => ({ version: 'v1', matters: [MATTER] }),
      'catalog.get': () => ({ version: 'c1', types: [] }),
      'grant.duty': unreachable,
    });
    await counter.loadReference();
    await counter.openCase(MATTER.code);
    await counter.serveWithoutPhone({ holder: HOLDER, reason: '老年人不便使用电子证照；职能依据：第二十二条' });
    const active = counter.active!;
    expect(active.noGrant).toEqual({ cause: 'library_unreachable', holderFrom: 'typed' });
    expect(caseBasis(active)).toBe('unreachable_no_phone');
    expect(defaultPaperReason(counter.states.M01!, holderShowedToken(active))).toBe('library_unreachable');
  });

  it('a refused token is still refused offline: nothing goes on without a holder', async () => {
    const { counter, db } = await setup({
      'matters.get': () => ({ version: 'v1', matters: [MATTER] }),
      'catalog.get': () => ({ version: 'c1', types: [] }),
      'token.inspect': () => {
        throw AppError.from(hostFailure('TOKEN_EXPIRED', '亮证码已过期').error);
      },
    });
    await counter.loadReference();
    await counter.openCase(MATTER.code);
    await expect(counter.readToken('EL1.old')).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(counter.active).toBeNull();
    expect(await db.referenceCache.get('matters')).toMatchObject({ version: 'v1' });
  });
});
