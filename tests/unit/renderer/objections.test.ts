import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { hostFailure, type HostErrorCode } from '../../../shared/errors';
import { buildLicenceId } from '../../../shared/ids';
import type { ObjectionRequest } from '../../../shared/library-api';
import { createAuditLog } from '../../../renderer/audit/audit-log';
import { WorkstationDb } from '../../../renderer/db/db';
import { fakeHost, type FakeHandlers } from './fake-host';
import { objectionRequest, objectionRow } from './rows';
import { AppError } from '../../../renderer/host/client';
import { createOutbox } from '../../../renderer/outbox/outbox';
import { createObjectionService, displayState, type ObjectionDraft } from '../../../renderer/features/objections/objections';
import { faceFieldLabel, faceFieldOptions, licenceFromCatalog, readLicenceId } from '../../../renderer/features/objections/objection-form';
import type { CatalogResponse, LicenceType } from '../../../shared/library-api';

type Handlers = FakeHandlers;

const LICENCE = buildLicenceId({ typeCode: '11100000000013127D001', issuerCode: '11310115MB0001201U', serial: '2019000001', version: '001' });
const ISSUER = { code: '11310115MB0001201U', name: '浦东新区公安分局' };
const ACTOR = { operator: 'OP-9', role: 'objection_officer', workstation: 'WS-TEST-01' };

const DRAFT: ObjectionDraft = {
  licenceId: LICENCE,
  dimension: 'accuracy',
  fields: [{ key: 'address', recorded: '浦东新区世纪大道 1 号', claimed: '浦东新区世纪大道 100 号' }],
  description: '门牌号记载有误',
  evidence: [{ name: '户籍证明.png', contentType: 'image/png', data: 'iVBORw0KGgo=' }],
};

/** A library that keeps the first receipt per objection id, as docs/library-api.md §10 requires. */
function objectionLibrary() {
  const stored = new Map<string, ObjectionRequest>();
  let failWith: HostErrorCode | null = null;
  const handlers: Handlers = {
    'objection.submit': ({ objection }) => {
      if (failWith)
        throw AppError.from(hostFailure(failWith, failWith === 'NOT_FOUND' ? '证照库中没有该证照，请核对证照标识' : '暂时无法连接市电子证照库').error);
      if (!stored.has(objection.id)) stored.set(objection.id, objection as ObjectionRequest);
      return { id: objection.id, status: 'received' as const, issuer: ISSUER, receivedAt: '2026-11-27T02:01:00Z' };
    },
  };
  return { stored, handlers, fail: (code: HostErrorCode | null) => (failWith = code) };
}

function setup(handlers: Handlers) {
  const db = new WorkstationDb(`objections-${Math.random()}`);
  const host = fakeHost(handlers);
  let ids = 0;
  const service = createObjectionService({
    db,
    client: host.client,
    audit: createAuditLog(db),
    actor: () => ACTOR,
    outbox: () => outbox,
    now: () => new Date('2026-11-27T02:00:00.123Z'),
    newId: () => `OBJ-${++ids}`,
  });
  const outbox = createOutbox({
    db,
    senders: { objection: (row) => service.send(row) },
    recordTables: [db.objections],
    random: () => 0,
    setTimer: () => null,
    clearTimer: () => undefined,
  });
  return { db, host, service, outbox };
}

describe('objections', () => {
  it('files the objection row and its outbox item together, with the id as the key, and audits it', async () => {
    const library = objectionLibrary();
    library.fail('LIBRARY_UNAVAILABLE');
    const { db, service } = setup(library.handlers);
    const id = await service.file(DRAFT);
    const row = await db.objections.get(id);
    const queued = await db.outbox.where('key').equals(id).first();
    expect(row).toMatchObject({ id: 'OBJ-1', state: 'queued', licenceId: LICENCE, filedAt: '2026-11-27T02:00:00Z' });
    expect(queued).toMatchObject({ kind: 'objection', key: 'OBJ-1' });
    expect((queued!.payload as ObjectionRequest).evidence[0]!.data).toBe('iVBORw0KGgo=');
    expect((queued!.payload as ObjectionRequest).filedBy).toEqual({ operatorId: 'OP-9', role: 'objection_officer' });
    expect((await db.auditEvents.toArray()).map((e) => e.kind)).toEqual(['objection']);
    db.close();
  });

  it('an aborted transaction leaves neither the objection nor its outbox item', async () => {
    const { db } = setup({});
    await expect(
      db.transaction('rw', db.objections, db.outbox, async () => {
        await db.objections.put(objectionRow('OBJ-X'));
        await db.outbox.add({
          key: 'OBJ-X',
          kind: 'objection',
          state: 'queued',
          createdAt: 'x',
          attempts: 0,
          lastError: null,
          payload: objectionRequest('OBJ-X'),
        });
        throw new Error('the page died mid-write');
      }),
    ).rejects.toThrow('mid-write');
    expect(await db.objections.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    db.close();
  });

  it('is sent once when the link returns: the receipt goes onto the row; a repeat makes no duplicate', async () => {
    const library = objectionLibrary();
    library.fail('LIBRARY_UNAVAILABLE');
    const { db, service, outbox } = setup(library.handlers);
    const id = await service.file(DRAFT);
    await outbox.flush();
    expect((await db.outbox.where('key').equals(id).first())?.state).toBe('queued');
    library.fail(null);
    await outbox.flush({ now: true });
    const row = await db.objections.get(id);
    expect(row?.state).toBe('received');
    expect(row?.record).toMatchObject({ issuer: ISSUER, receivedAt: '2026-11-27T02:01:00Z' });
    // The page died after the library answered but before the row was marked: sent again, same key.
    await db.outbox.where('key').equals(id).modify({ state: 'queued' });
    await outbox.flush({ now: true });
    expect(library.stored.size).toBe(1);
    db.close();
  });

  it('a 4xx needs attention with the library message; edited, it is sent again with the same id', async () => {
    const library = objectionLibrary();
    library.fail('NOT_FOUND');
    const { db, service, outbox } = setup(library.handlers);
    const id = await service.file({ ...DRAFT, licenceId: LICENCE.replace('2019000001', '2019000999') });
    await outbox.flush();
    const queued = await db.outbox.where('key').equals(id).first();
    expect(queued).toMatchObject({ state: 'needs_attention', lastError: '证照库中没有该证照，请核对证照标识' });
    expect(displayState((await db.objections.get(id))!, queued)).toBe('needs_attention');

    library.fail(null);
    const draft = await service.draftOf(id);
    await service.resend(id, { ...draft!, licenceId: LICENCE });
    expect(library.stored.get(id)?.licenceId).toBe(LICENCE);
    expect((await db.objections.get(id))?.licenceId).toBe(LICENCE);
    expect((await db.outbox.where('key').equals(id).first())?.state).toBe('delivered');
    expect((await db.auditEvents.toArray()).map((e) => e.details.state)).toEqual(['queued', 'resent']);
    db.close();
  });

  it('polls undecided objections and records and audits the issuer answer', async () => {
    const library = objectionLibrary();
    const newId = LICENCE.replace('.001.', '.002.');
    const { db, service, outbox } = setup({
      ...library.handlers,
      'objections.poll': ({ ids }) => ({
        objections: ids.map((id) => ({
          id,
          status: 'corrected' as const,
          issuer: ISSUER,
          updatedAt: '2026-11-28T08:00:00Z',
          result: { note: '已更正门牌号', at: '2026-11-28T08:00:00Z', newLicenceId: newId },
        })),
      }),
    });
    const id = await service.file(DRAFT);
    await outbox.flush();
    expect(await service.poll()).toBe(1);
    const row = await db.objections.get(id);
    expect(row?.state).toBe('corrected');
    expect(row?.record).toMatchObject({ result: { note: '已更正门牌号', newLicenceId: newId } });
    expect(await service.poll()).toBe(0);
    expect((await db.auditEvents.toArray()).map((e) => e.kind)).toEqual(['objection', 'objection_update']);
    db.close();
  });

  it('a draft stays on the workstation until it is filed under the same id', async () => {
    const library = objectionLibrary();
    const { db, service, outbox } = setup(library.handlers);
    const id = await service.saveDraft(DRAFT);
    expect(await db.outbox.count()).toBe(0);
    expect(displayState((await db.objections.get(id))!, undefined)).toBe('draft');
    await service.file((await service.draftOf(id))!, id);
    await outbox.flush();
    expect([...library.stored.keys()]).toEqual([id]);
    // The draft kept its evidence pages: they arrive with it.
    expect(library.stored.get(id)!.evidence).toEqual(DRAFT.evidence);
    expect(await db.objections.count()).toBe(1);
    db.close();
  });

  it('reads a typed licence identifier: a wrong shape refused, a wrong check character only warned', () => {
    expect(readLicenceId(LICENCE)).toEqual({ ok: true, typeCode: '11100000000013127D001', issuerCode: ISSUER.code, checkOk: true });
    const wrongCheck = LICENCE.slice(0, -1) + (LICENCE.endsWith('A') ? 'B' : 'A');
    expect(readLicenceId(wrongCheck)).toEqual({ ok: true, typeCode: '11100000000013127D001', issuerCode: ISSUER.code, checkOk: false });
    expect(readLicenceId('1.2.156.3005.2.123')).toEqual({ ok: false });
    expect(readLicenceId(` ${LICENCE.toLowerCase()} `).ok).toBe(true);
  });
});

describe('what the clerk is told right after filing', () => {
  it('filed while the library answers: received (not “saved, will be sent when online”)', async () => {
    const library = objectionLibrary();
    const { db, service } = setup(library.handlers);
    const id = await service.file(DRAFT);
    expect(await service.delivery(id)).toEqual({ state: 'received', status: 'received' });
    db.close();
  });

  it('refused by the library: needs attention, with the library’s sentence', async () => {
    const library = objectionLibrary();
    library.fail('NOT_FOUND');
    const { db, service } = setup(library.handlers);
    const id = await service.file(DRAFT);
    expect(await service.delivery(id)).toEqual({ state: 'needs_attention', message: '证照库中没有该证照，请核对证照标识' });
    db.close();
  });

  it('the library unreachable: waiting in the outbox, to be sent when the link returns', async () => {
    const library = objectionLibrary();
    library.fail('LIBRARY_UNAVAILABLE');
    const { db, service } = setup(library.handlers);
    const id = await service.file(DRAFT);
    expect(await service.delivery(id)).toMatchObject({ state: 'waiting' });
    db.close();
  });

  it('no answer within the wait: still sending', async () => {
    let answer: () => void = () => undefined;
    const { db, service } = setup({
      'objection.submit': async ({ objection }) => {
        await new Promise<void>((resolve) => (answer = resolve));
        return { id: objection.id, status: 'received' as const, issuer: ISSUER, receivedAt: '2026-11-27T02:01:00Z' };
      },
    });
    const id = await service.file(DRAFT);
    expect(await service.delivery(id, 50)).toEqual({ state: 'sending' });
    answer();
    db.close();
  });
});

describe('face fields from the cached catalog', () => {
  const ID_CARD: LicenceType = {
    code: '11100000000013127D001',
    name: '居民身份证',
    definingAuthority: { code: '11100000000013127D', name: '中华人民共和国公安部', level: 'national' },
    issuers: [ISSUER],
    holderType: 'natural_person',
    collectedSince: '2018-01-01',
    public: false,
    standardLevel: 'national',
    template: 'T',
    validity: '20Y',
    faceFields: [
      { key: 'name', label: '姓名', type: 'text' },
      { key: 'address', label: '住址', type: 'text' },
    ],
  };
  const CATALOG: CatalogResponse = { version: 'v1', types: [ID_CARD] };

  it('the identifier’s type code gives the type and its fields by Chinese label; its issuer code the issuer’s name', () => {
    const found = licenceFromCatalog(CATALOG, LICENCE);
    expect(found.type?.name).toBe('居民身份证');
    expect(found.issuerName).toBe('浦东新区公安分局');
    expect(faceFieldOptions(found.type)).toEqual([
      { key: 'name', label: '姓名' },
      { key: 'address', label: '住址' },
    ]);
    expect(faceFieldLabel(CATALOG, LICENCE, 'address')).toBe('住址');
  });

  it('knows nothing of a type or issuer the catalog lacks, or of an identifier that is not one', () => {
    const other = buildLicenceId({ typeCode: '11100000000014004D001', issuerCode: '11310104MB0002302X', serial: '1', version: '001' });
    expect(licenceFromCatalog(CATALOG, other)).toEqual({ type: null, issuerName: null });
    expect(licenceFromCatalog(null, LICENCE)).toEqual({ type: null, issuerName: null });
    expect(licenceFromCatalog(CATALOG, 'address')).toEqual({ type: null, issuerName: null });
    expect(faceFieldOptions(null)).toEqual([]);
    expect(faceFieldLabel(CATALOG, other, 'address')).toBe('address');
  });
});
