import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import type { IdCardRead } from '../../../shared/contract';
import { hostFailure, type HostErrorCode } from '../../../shared/errors';
import { checkIdCard, type IdCard } from '../../../shared/id-card';
import type { Matter } from '../../../shared/library-api';
import type { WorkstationDb } from '../../../renderer/db/db';
import { AppError } from '../../../renderer/host/client';
import { useCounterStore } from '../../../renderer/stores/counter';
import { useIdCardStore } from '../../../renderer/stores/id-card';
import { useSessionStore } from '../../../renderer/stores/session';
import type { Outbox } from '../../../renderer/outbox/outbox';
import { fakeHost, type FakeHandlers } from './fake-host';
import { testRoot } from './test-root';

const NOW = new Date('2026-11-27T02:00:00Z');
const PHOTO_BASE64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7, 7, 7, 7]).toString('base64');

const ELDER: IdCard = {
  name: '黄亮',
  sex: '男',
  ethnicity: '汉',
  birthDate: '1937-10-11',
  address: '上海市杨浦区控江路1号',
  idNumber: '310117193710111071',
  issuingAuthority: '上海市公安局杨浦分局',
  validFrom: '2006-03-01',
  validTo: null,
  photoDataUrl: `data:image/png;base64,${PHOTO_BASE64}`,
};
const EXPIRED: IdCard = { ...ELDER, name: '曹嘉宇', idNumber: '310120197905174191', birthDate: '1979-05-17', validFrom: '2005-09-30', validTo: '2025-09-30' };

function readOf(card: IdCard): IdCardRead {
  return {
    card,
    readerId: 'SIM-IDR-0001',
    source: 'simulator',
    readAt: NOW.toISOString(),
    maskedIdNumber: `${card.idNumber.slice(0, 6)}********${card.idNumber.slice(14)}`,
    checks: checkIdCard(card, NOW),
  };
}

const MATTER: Matter = {
  code: '310000-MZ-JL-008',
  name: '上海市敬老卡申领',
  department: '上海市民政局',
  scenario: 'government',
  // Optional, so that a case with nothing pulled can be completed.
  materials: [{ id: 'M01', name: '申请人有效身份证件', required: false, licenceTypes: ['T1'], faceFields: ['name'] }],
};

let db: WorkstationDb | undefined;
let outbox: Outbox | undefined;

async function setup(handlers: FakeHandlers) {
  const host = fakeHost({
    'matters.get': () => ({ version: 'v1', matters: [MATTER] }),
    'catalog.get': () => ({ version: 'c1', types: [] }),
    'app.info': () => ({
      version: '0.1.0',
      workstationId: 'WS-TEST-01',
      libraryMode: 'sandbox',
      libraryUrl: 'http://x',
      transport: 'browser',
      paperRetentionDays: 30,
    }),
    'case.purge': () => ({ purgedLicences: 0 }),
    ...handlers,
  });
  const root = testRoot({ host: host.client, now: () => NOW });
  db = root.db;
  outbox = root.services.outbox;
  await outbox.start();
  const counter = useCounterStore();
  await counter.loadReference();
  const idCard = useIdCardStore();
  return { host, counter, idCard };
}

async function events(): Promise<AuditEvent[]> {
  const all = (await db!.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
  expect(verifyAuditChain(all).ok).toBe(true);
  return all;
}

/** Everything the workstation stored, as one text. */
async function everythingStored(): Promise<string> {
  const tables = await Promise.all(db!.tables.map(async (table) => JSON.stringify(await table.toArray())));
  return tables.join('\n');
}

afterEach(() => {
  outbox?.stop();
  db?.close();
});

describe('the ID-card store', () => {
  it('reads the card for the case, logs the masked number and the reader, and stores neither the photo nor the number', async () => {
    const { counter, idCard } = await setup({ 'devices.readIdCard': () => readOf(ELDER) });
    const { caseNo } = await counter.openCase(MATTER.code);
    const read = await idCard.readCard();
    expect(read?.read.card.name).toBe('黄亮');
    expect(read?.problems).toEqual([]);
    expect(idCard.card?.caseNo).toBe(caseNo);

    const last = (await events()).at(-1)!;
    expect(last).toMatchObject({
      kind: 'id_card_read',
      case: caseNo,
      details: { action: 'read', ok: true, holder: '310117********1071', readerId: 'SIM-IDR-0001', source: 'simulator', validity: 'valid', problems: [] },
    });
    const stored = await everythingStored();
    expect(stored).not.toContain(PHOTO_BASE64);
    expect(stored).not.toContain(ELDER.idNumber);
    expect(stored).not.toContain('控江路');
  });

  it('says an expired card and logs the clerk going on with it', async () => {
    const { counter, idCard } = await setup({ 'devices.readIdCard': () => readOf(EXPIRED) });
    const { caseNo } = await counter.openCase(MATTER.code);
    expect((await idCard.readCard())?.problems).toEqual(['expired']);
    await idCard.goOnWithExpiredCard();
    expect((await events()).slice(-2).map((e) => e.details)).toEqual([
      { action: 'read', ok: true, holder: '310120********4191', readerId: 'SIM-IDR-0001', source: 'simulator', validity: 'expired', problems: ['expired'] },
      { action: 'go_on_expired', holder: '310120********4191', validTo: '2025-09-30' },
    ]);
    expect((await events()).at(-1)!.case).toBe(caseNo);
  });

  it.each<[HostErrorCode]>([['READER_ABSENT'], ['READER_BUSY'], ['READER_TIMEOUT'], ['READER_NO_CARD']])(
    'a read that fails (%s) says why, keeps no card, and is logged',
    async (code) => {
      const { counter, idCard } = await setup({
        'devices.readIdCard': () => {
          throw AppError.from(hostFailure(code).error);
        },
      });
      await counter.openCase(MATTER.code);
      expect(await idCard.readCard()).toBeNull();
      expect(idCard.card).toBeNull();
      expect(idCard.failure?.code).toBe(code);
      expect(idCard.failure?.message).toMatch(/。/);
      expect((await events()).at(-1)!.details).toEqual({ action: 'read', ok: false, code });
    },
  );

  it('reads only while the holder is being established', async () => {
    const { idCard, host } = await setup({ 'devices.readIdCard': () => readOf(ELDER) });
    await expect(idCard.readCard()).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(host.names()).not.toContain('devices.readIdCard');
  });

  it("refuses a 亮证码 that is not the card holder's before it is redeemed: nothing redeemed, nothing pulled", async () => {
    const other = { idType: '111' as const, idNumber: '310115199709281086', name: '董琳' };
    const { counter, idCard, host } = await setup({
      'devices.readIdCard': () => readOf(ELDER),
      'token.inspect': () => ({ holder: other, maskedIdNumber: '310115********1086', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
    });
    const { caseNo } = await counter.openCase(MATTER.code);
    await idCard.readCard();
    const refusal = counter.readToken('EL1.other', (holder, no) => idCard.compareWithToken(holder, no));
    await expect(refusal).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(refusal).rejects.toThrow(
      '身份证与亮证码不是同一人：身份证为 黄亮（310117********1071），亮证码的持有人为 董琳（310115********1086）。未调取任何证照。',
    );
    expect(host.names()).not.toContain('grant.redeem');
    expect(host.names()).not.toContain('material.pull');
    expect(counter.active).toBeNull();
    expect(idCard.tokenComparison).toBe('id_number_differs');
    expect((await events()).at(-1)).toMatchObject({
      kind: 'id_card_read',
      case: caseNo,
      details: { action: 'compare_token', result: 'id_number_differs', card: '310117********1071', token: '310115********1086' },
    });
  });

  it('lets the matching holder through, and a 亮证码 without a card read as before', async () => {
    const holder = { idType: '111' as const, idNumber: ELDER.idNumber, name: ELDER.name };
    const handlers: FakeHandlers = {
      'devices.readIdCard': () => readOf(ELDER),
      'token.inspect': () => ({ holder, maskedIdNumber: '310117********1071', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ grantId: 'G-1', holder, matterCode: MATTER.code, caseNo: input.caseNo, basis: 'token', expiresAt: '2026-11-27T04:00:00Z' }),
      'material.pull': (input) => ({ materialId: input.materialId, pulledAt: NOW.toISOString(), latencyMs: 1, licences: [] }),
    };
    const { counter, idCard, host } = await setup(handlers);
    await counter.openCase(MATTER.code);
    await idCard.readCard();
    await counter.readToken('EL1.ok', (h, no) => idCard.compareWithToken(h, no));
    expect(idCard.tokenComparison).toBe('match');
    expect(host.names()).toContain('grant.redeem');

    await counter.openCase(MATTER.code);
    await counter.readToken('EL1.ok', (h, no) => idCard.compareWithToken(h, no));
    expect(idCard.tokenComparison).toBeNull();
    expect(counter.active).not.toBeNull();
  });

  it('forgets the card and its photo with the case: cancelled, another case, completed, signed out', async () => {
    const holder = { idType: '111' as const, idNumber: ELDER.idNumber, name: ELDER.name };
    const { counter, idCard } = await setup({
      'devices.readIdCard': () => readOf(ELDER),
      'grant.duty': (input) => ({ grantId: 'G-2', holder, matterCode: MATTER.code, caseNo: input.caseNo, basis: 'duty', expiresAt: '2026-11-27T04:00:00Z' }),
      'material.pull': (input) => ({ materialId: input.materialId, pulledAt: NOW.toISOString(), latencyMs: 1, licences: [] }),
      'usage.submit': () => ({ id: 'UR-1' }),
    });
    await counter.openCase(MATTER.code);
    await idCard.readCard();
    await counter.cancelCase();
    expect(idCard.card).toBeNull();

    await counter.openCase(MATTER.code);
    await idCard.readCard();
    await counter.openCase(MATTER.code);
    expect(idCard.card).toBeNull();

    await idCard.readCard();
    await counter.serveWithoutPhone({ holder, reason: '无手机' });
    // Shown while the case is served; gone when it is completed and purged.
    expect(idCard.card).not.toBeNull();
    await counter.complete();
    expect(idCard.card).toBeNull();

    await counter.openCase(MATTER.code);
    await idCard.readCard();
    useSessionStore().operator = null;
    expect(idCard.card).toBeNull();
  });
});
