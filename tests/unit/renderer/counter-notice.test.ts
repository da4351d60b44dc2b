import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import type { HostOutput, PulledLicence } from '../../../shared/contract';
import type { LicenceType, Matter } from '../../../shared/library-api';
import type { WorkstationDb } from '../../../renderer/db/db';
import type { Outbox } from '../../../renderer/outbox/outbox';
import { useCounterStore } from '../../../renderer/stores/counter';
import { fakeHost, type FakeHandlers } from './fake-host';
import { testRoot } from './test-root';

const HOLDER = { idType: '111' as const, idNumber: '310115199709281086', name: '董琳' };
const ID_TYPE = '11100000000013127D001';
const MARRIAGE_TYPE = '11100000000013127D010';

const MATTER: Matter = {
  code: '310000-MZ-HY-007',
  name: '离婚登记',
  department: '区民政局',
  scenario: 'government',
  materials: [
    { id: 'M01', name: '申请人有效身份证件', required: true, licenceTypes: [ID_TYPE], faceFields: ['name'] },
    { id: 'M03', name: '结婚证', required: true, licenceTypes: [MARRIAGE_TYPE], faceFields: ['name'] },
  ],
};

function idLicence(): PulledLicence {
  const id = `1.2.156.3005.2.${ID_TYPE}.11310115MB0001201U.2019000001.001.T`;
  return {
    summary: {
      id,
      typeCode: ID_TYPE,
      typeName: '居民身份证',
      number: '310115199709281086',
      holder: HOLDER,
      issuer: { code: '11310115MB0001201U', name: '上海市公安局浦东分局' },
      issuedAt: '2019-04-26T05:26:42Z',
      validFrom: '2019-04-26',
      validTo: '2039-04-26',
      status: 'valid',
      version: '001',
    },
    fields: [{ key: 'name', label: '姓名', value: '董琳', verified: 'pass' }],
    file: { contentType: 'application/pdf', size: 100, hash: 'a'.repeat(64), held: true },
    report: {
      licenceId: id,
      outcome: 'valid',
      checks: [],
      verifiedAt: '2026-11-27T02:00:01Z',
      status: { status: 'valid', asOf: '2026-11-27T02:00:01Z', live: true },
    },
  };
}

function catalogType(code: string, name: string): LicenceType {
  const authority = { code: '11100000000013127D', name: '公安部', level: 'national' as const };
  return {
    code,
    name,
    definingAuthority: authority,
    issuers: [],
    holderType: 'natural_person',
    collectedSince: '2019-01-01',
    public: false,
    standardLevel: 'national',
    template: 't',
    validity: 'long',
    faceFields: [],
  };
}

const pullAnswer = (materialId: string, licences: PulledLicence[]): HostOutput<'material.pull'> => ({
  materialId,
  pulledAt: '2026-11-27T02:00:01.000Z',
  latencyMs: 12,
  licences,
});

let db: WorkstationDb | undefined;
let outbox: Outbox | undefined;

/** A case whose identity card verified and whose marriage certificate the library does not hold. */
async function caseMissingMarriage() {
  const handlers: FakeHandlers = {
    'matters.get': () => ({ version: 'v1', matters: [MATTER] }),
    'catalog.get': () => ({ version: 'c1', types: [catalogType(ID_TYPE, '居民身份证'), catalogType(MARRIAGE_TYPE, '结婚证')] }),
    'app.info': () => ({
      version: '0.1.0',
      workstationId: 'WS-TEST-01',
      libraryMode: 'sandbox',
      libraryUrl: 'http://x',
      transport: 'browser',
      paperRetentionDays: 30,
    }),
    'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: '310115********1086', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
    'grant.redeem': (input) => ({
      grantId: 'G-1',
      holder: HOLDER,
      matterCode: MATTER.code,
      caseNo: input.caseNo,
      basis: 'token',
      expiresAt: '2026-11-27T04:00:00Z',
    }),
    'material.pull': (input) => pullAnswer(input.materialId, input.materialId === 'M01' ? [idLicence()] : []),
    'case.purge': () => ({ purgedLicences: 1 }),
  };
  const host = fakeHost(handlers);
  const root = testRoot({ host: host.client, now: () => new Date('2026-11-27T02:10:00Z') });
  db = root.db;
  outbox = root.services.outbox;
  await outbox.start();
  const counter = useCounterStore();
  await counter.loadReference();
  const opened = await counter.openCase(MATTER.code);
  await counter.readToken('EL1.ok');
  return { counter, host, caseNo: opened.caseNo };
}

async function events(): Promise<AuditEvent[]> {
  const all = (await db!.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
  expect(verifyAuditChain(all).ok).toBe(true);
  return all;
}

const CONTEXT = { department: '区民政局', operatorName: '王晓燕' };
const page = () => ({
  page: new Blob(['p'], { type: 'image/jpeg' }),
  thumbnail: new Blob(['t'], { type: 'image/jpeg' }),
  name: 'p.jpg',
  contentType: 'image/jpeg',
});

afterEach(() => {
  outbox?.stop();
  db?.close();
  db = undefined;
});

describe('the 一次性告知书 at the counter', () => {
  it('left open: the notice lists the missing material and why, is logged, and the case goes on to completion', async () => {
    const { counter, caseNo } = await caseMissingMarriage();
    expect(counter.completion?.ok).toBe(false);
    const doc = await counter.issueNotice('keep_open', CONTEXT);
    expect(doc).toMatchObject({
      kind: 'notice',
      caseNo,
      matter: { name: '离婚登记' },
      holder: { idNumberMasked: '310115********1086' },
      choice: 'keep_open',
      issuedAtText: '2026-11-27 10:10',
      outstanding: [{ materialId: 'M03', name: '结婚证', licenceTypes: ['结婚证'], reason: 'not_in_library' }],
      satisfied: [{ materialId: 'M01', outcome: 'exempt' }],
    });
    expect(JSON.stringify(doc)).not.toContain(HOLDER.idNumber);
    const notice = (await events()).find((e) => e.kind === 'notice')!;
    expect(notice.case).toBe(caseNo);
    expect(notice.details).toEqual({ choice: 'keep_open', materials: [{ materialId: 'M03', noticeReason: 'not_in_library', outcome: null }] });

    // Still open: the applicant brings the paper and the case is completed.
    expect(counter.phase).toBe('materials');
    expect((await db!.cases.get(caseNo))?.status).toBe('open');
    await counter.savePaper('M03', 'not_in_library', [page()]);
    await counter.complete();
    expect((await db!.cases.get(caseNo))?.status).toBe('completed');
  });

  it('closed as 补正: no usage record, the pulled data purged and the paper deleted, the case marked correction', async () => {
    const { counter, host, caseNo } = await caseMissingMarriage();
    await counter.savePaper('M01', 'applicant_choice', [page()]);
    await counter.issueNotice('close_correction', CONTEXT);
    await counter.recordNoticePrint(caseNo, { layout: 'thermal80', outcome: 'browser' });
    await counter.closeAsCorrection();

    expect(counter.phase).toBe('idle');
    expect((await db!.cases.get(caseNo))?.status).toBe('correction');
    expect(await db!.paperScans.count()).toBe(0);
    expect(await db!.outbox.count()).toBe(0);
    expect(host.names()).toContain('case.purge');
    expect(host.names()).not.toContain('usage.submit');
    const tail = (await events()).slice(-3);
    expect(tail.map((e) => [e.kind, e.details])).toEqual([
      ['notice', { choice: 'close_correction', materials: [{ materialId: 'M03', noticeReason: 'not_in_library', outcome: null }] }],
      ['notice_print', { caseNo, layout: 'thermal80', printOutcome: 'browser' }],
      ['purge', { purgedLicences: 1, paperDeleted: true, reason: 'correction' }],
    ]);
    // Closing is not cancelling: no case_cancel on the record.
    expect((await events()).some((e) => e.kind === 'case_cancel')).toBe(false);
  });

  it('refuses a notice when nothing required is missing, and logs nothing', async () => {
    const { counter } = await caseMissingMarriage();
    await counter.savePaper('M03', 'not_in_library', [page()]);
    await expect(counter.issueNotice('keep_open', CONTEXT)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('无需出具一次性告知书'),
    });
    expect((await events()).some((e) => e.kind === 'notice')).toBe(false);
  });
});
