import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import { sm3Hex } from '../../../shared/sm';
import type { HostInput, HostOutput, PulledLicence } from '../../../shared/contract';
import { hostFailure, type HostErrorCode } from '../../../shared/errors';
import type { Matter } from '../../../shared/library-api';
import { WorkstationDb } from '../../../renderer/db/db';
import { unsentCount, type Outbox } from '../../../renderer/outbox/outbox';
import { fakeHost, type FakeHandlers } from './fake-host';
import { completedCase } from './rows';
import { testRoot } from './test-root';
import { AppError } from '../../../renderer/host/client';
import { useCounterStore } from '../../../renderer/stores/counter';

type Handlers = FakeHandlers;

const fail = (code: HostErrorCode, message = `${code} sentence`) => AppError.from(hostFailure(code, message).error);

const HOLDER = { idType: '111' as const, idNumber: '310115199709281086', name: '董琳' };
const ID_TYPE = '11100000000013127D001';
const HH_TYPE = '11100000000013127D002';

const GOV_MATTER: Matter = {
  code: '310000-GA-SFZ-002',
  name: '居民身份证换领',
  department: '上海市公安局',
  scenario: 'government',
  materials: [
    { id: 'M01', name: '申请人有效身份证件', required: true, licenceTypes: [ID_TYPE], faceFields: ['name', 'idNumber'] },
    { id: 'M02', name: '居民户口簿', required: true, licenceTypes: [HH_TYPE], faceFields: ['name', 'householdNumber'] },
  ],
};
const SOCIAL_MATTER: Matter = { ...GOV_MATTER, code: 'SH-JD-RZ-104', name: '酒店入住登记', scenario: 'social', materials: [GOV_MATTER.materials[0]!] };

function licence(materialId: string, outcome: PulledLicence['report']['outcome'] = 'valid'): PulledLicence {
  const typeCode = materialId === 'M01' ? ID_TYPE : HH_TYPE;
  return {
    summary: {
      id: `1.2.156.3005.2.${typeCode}.11310115MB0001201U.20190000${materialId.slice(1)}.001.T`,
      typeCode,
      typeName: materialId === 'M01' ? '居民身份证' : '居民户口簿',
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
      licenceId: `1.2.156.3005.2.${typeCode}.11310115MB0001201U.20190000${materialId.slice(1)}.001.T`,
      outcome,
      checks: [{ check: 'signature', result: outcome === 'signature_invalid' ? 'fail' : 'pass', evidence: 'x' }],
      verifiedAt: '2026-11-27T02:00:01Z',
      status: { status: 'valid', asOf: '2026-11-27T02:00:01Z', live: true },
    },
  };
}

function pullAnswer(materialId: string, licences: PulledLicence[]): HostOutput<'material.pull'> {
  return { materialId, pulledAt: '2026-11-27T02:00:01.000Z', latencyMs: 12, licences };
}

const GRANT = { grantId: 'G-1', holder: HOLDER, matterCode: GOV_MATTER.code, caseNo: 'x', basis: 'token' as const, expiresAt: '2026-11-27T04:00:00Z' };

function baseHandlers(): Handlers {
  return {
    'matters.get': () => ({ version: 'v1', matters: [GOV_MATTER, SOCIAL_MATTER] }),
    'catalog.get': () => ({ version: 'c1', types: [] }),
    'app.info': () => ({
      version: '0.1.0',
      workstationId: 'WS-TEST-01',
      libraryMode: 'sandbox',
      libraryUrl: 'http://x',
      transport: 'browser',
      paperRetentionDays: 30,
    }),
  };
}

let db: WorkstationDb;

let outbox: Outbox | undefined;

// The page as the root builds it, over a fresh database and the test's strict fake host: the
// counter's usage records go to the root's outbox, sent by the usage-record service.
async function setup(handlers: Handlers) {
  const host = fakeHost(handlers);
  const root = testRoot({ host: host.client, now: () => new Date('2026-11-27T02:00:00Z') });
  db = root.db;
  outbox = root.services.outbox;
  await outbox.start();
  const counter = useCounterStore();
  await counter.loadReference();
  return { counter, host, outbox };
}

async function auditKinds(): Promise<string[]> {
  const events = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
  expect(verifyAuditChain(events).ok).toBe(true);
  return events.map((e) => e.kind);
}

/** A material's paper as the dialog hands it over (the PDF's bytes stand in as text). */
const paperDoc = (text: string, pages = 1, added = pages) => ({
  pdf: new Blob([text], { type: 'application/pdf' }),
  thumbnail: new Blob(['t'], { type: 'image/jpeg' }),
  pages,
  added,
});

beforeEach(() => {
  db = undefined as unknown as WorkstationDb;
});
afterEach(() => {
  outbox?.stop();
  db?.close();
});

/** A government case whose holder read fine but for whom the library holds no licence: every material needs paper. */
async function caseWithNothingInLibrary() {
  const { counter } = await setup({
    ...baseHandlers(),
    'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: 'm', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
    'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
    'material.pull': (input) => pullAnswer(input.materialId, []),
  });
  await counter.openCase(GOV_MATTER.code);
  await counter.readToken('EL1.ok');
  return counter;
}

describe('the counter store', () => {
  it('serves a holder by 亮证码 end to end: every material pulled at once, completed, recorded, purged', async () => {
    let started = 0;
    let release: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const { counter, host } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: '310115********1086', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
      'material.pull': async (input) => {
        // No answer until every material's pull has started: they must run concurrently.
        if (++started === 2) release();
        await allStarted;
        return pullAnswer(input.materialId, [licence(input.materialId)]);
      },
      'usage.submit': () => ({ id: 'UR-1' }),
      'case.purge': () => ({ purgedLicences: 2 }),
    });

    const opened = await counter.openCase(GOV_MATTER.code);
    expect(opened.caseNo).toBe('WSTEST01-20261127-0001');
    await counter.readToken('EL1.token');

    expect(counter.states).toMatchObject({ M01: { state: 'exempt' }, M02: { state: 'exempt' } });
    const pulls = host.calls.filter((c) => c.name === 'material.pull').map((c) => c.input);
    expect(pulls).toEqual([
      { grantId: 'G-1', matterCode: GOV_MATTER.code, caseNo: opened.caseNo, materialId: 'M01', purpose: '办理居民身份证换领' },
      { grantId: 'G-1', matterCode: GOV_MATTER.code, caseNo: opened.caseNo, materialId: 'M02', purpose: '办理居民身份证换领' },
    ]);
    expect(counter.completion?.ok).toBe(true);

    const done = await counter.complete();
    expect(done.receipt.lines.map((l) => [l.materialId, l.outcome, l.licenceId])).toEqual([
      ['M01', 'exempt', licence('M01').summary.id],
      ['M02', 'exempt', licence('M02').summary.id],
    ]);
    await expect.poll(async () => (await db.outbox.toArray()).map((r) => r.state)).toEqual(['delivered']);
    const submit = host.calls.find((c) => c.name === 'usage.submit')!.input as HostInput<'usage.submit'>;
    expect(submit.idempotencyKey).toMatch(new RegExp(`^usage-record:${opened.caseNo}:\\d+$`));
    expect(submit.record).toMatchObject({ caseNo: opened.caseNo, grantId: 'G-1', operatorId: 'OP-1', workstationId: 'WS-TEST-01', training: true });
    expect(host.names()).toContain('case.purge');
    expect(done.purgedLicences).toBe(2);

    // What stays on the workstation: identifiers, outcomes and hashes, no face data.
    const row = await completedCase(db, opened.caseNo);
    const kept = JSON.stringify(row.kept);
    expect(kept).toContain(licence('M01').summary.id);
    expect(kept).toContain('a'.repeat(64));
    expect(kept).not.toContain('董琳');
    // Nothing to re-check: the name is not kept apart either.
    expect(JSON.stringify(row)).not.toContain('董琳');
    expect(row).not.toHaveProperty('catchUpHolder');
    expect(counter.pulledLicence(licence('M01').summary.id)).toBeNull();

    // Every step is in the chain; the two materials' pulls interleave, so compare as a multiset.
    const expected = [
      'case_open',
      'token_read',
      'grant',
      'pull',
      'verification',
      'pull',
      'verification',
      'completion',
      'usage_record',
      'purge',
      'usage_record',
    ];
    await expect.poll(async () => (await auditKinds()).sort()).toEqual(expected.sort());
    const kinds = await auditKinds();
    expect(kinds.slice(0, 3)).toEqual(['case_open', 'token_read', 'grant']);
    expect(kinds.indexOf('completion')).toBeLessThan(kinds.indexOf('purge'));
  });

  it.each([['TOKEN_EXPIRED'], ['TOKEN_FORGED'], ['TOKEN_NOT_A_CODE']] as const)(
    'a code refused offline (%s) is reported with its code, and nothing is redeemed or pulled',
    async (code) => {
      const { counter, host } = await setup({
        ...baseHandlers(),
        'token.inspect': () => {
          throw fail(code);
        },
      });
      await counter.openCase(GOV_MATTER.code);
      await expect(counter.readToken('whatever')).rejects.toMatchObject({ code });
      expect(host.names()).not.toContain('grant.redeem');
      expect(host.names()).not.toContain('material.pull');
      expect(counter.phase).toBe('holder');
      const events = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
      expect(events.at(-1)).toMatchObject({ kind: 'token_read', details: { ok: false, code } });
    },
  );

  it('a code already used is refused by the library at redemption, and nothing is pulled', async () => {
    const { counter, host } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: '310115********1086', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': () => {
        throw fail('TOKEN_USED');
      },
    });
    await counter.openCase(GOV_MATTER.code);
    await expect(counter.readToken('EL1.used')).rejects.toMatchObject({ code: 'TOKEN_USED' });
    expect(host.names()).not.toContain('material.pull');
    expect(counter.active).toBeNull();
    expect(counter.tokenInfo).toBeNull();
  });

  it('paper for a material the library does not hold: blocked until scanned, then recorded as paper with its reason', async () => {
    const { counter } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: 'm', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
      'material.pull': (input) => pullAnswer(input.materialId, input.materialId === 'M01' ? [licence('M01')] : []),
      'usage.submit': () => ({ id: 'UR-2' }),
      'case.purge': () => ({ purgedLicences: 1 }),
    });
    await counter.openCase(GOV_MATTER.code);
    await counter.readToken('EL1.ok');
    expect(counter.states.M02).toMatchObject({ state: 'needs_paper', why: 'not_in_library' });
    expect(counter.completion).toMatchObject({ ok: false, blocking: [{ materialId: 'M02' }] });
    await expect(counter.complete()).rejects.toBeInstanceOf(AppError);
    expect(await db.outbox.count()).toBe(0);

    await counter.savePaper('M02', 'not_in_library', paperDoc('two pages', 2));
    expect(counter.states.M02).toMatchObject({ state: 'paper_scanned', paperReason: 'not_in_library' });
    // One document, of two pages.
    expect(await db.paperScans.where('caseNo').equals(counter.opened!.caseNo).count()).toBe(1);
    expect(counter.paperPages.filter((p) => p.materialId === 'M02')).toMatchObject([{ pages: 2, contentType: 'application/pdf' }]);

    const done = await counter.complete();
    expect(done.record.materials).toEqual([
      { materialId: 'M01', outcome: 'exempt', licenceId: licence('M01').summary.id, paperReason: null },
      { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'not_in_library' },
    ]);
    // The applicant's paper is the submission itself: it stays with the case.
    expect(await db.paperScans.count()).toBe(1);
  });

  it('a removed scan is gone from Dexie and the material needs paper again', async () => {
    const counter = await caseWithNothingInLibrary();
    await counter.savePaper('M01', 'applicant_choice', paperDoc('only page'));
    expect(counter.states.M01?.state).toBe('paper_scanned');
    await counter.removePaperPage(counter.paperPages[0]!.id);
    expect(await db.paperScans.count()).toBe(0);
    expect(counter.states.M01?.state).toBe('needs_paper');
  });

  it("a material is one document: a later save replaces it, its hash is the PDF's, its pages are counted", async () => {
    const counter = await caseWithNothingInLibrary();
    const hashOf = (text: string) => sm3Hex(new TextEncoder().encode(text));
    const scan = () => counter.active!.materials.find((m) => m.material.id === 'M01')!.paperScan;

    await counter.savePaper('M01', 'applicant_choice', paperDoc('first document', 3));
    expect(scan()).toMatchObject({ pages: 3, hash: hashOf('first document') });
    expect((await db.paperScans.toArray()).map((row) => [row.hash, row.pages])).toEqual([[hashOf('first document'), 3]]);
    // The dialog listed the three kept pages with two new ones: the new document replaces the old.
    await counter.savePaper('M01', 'elderly', paperDoc('second document', 5, 2));
    expect(scan()).toMatchObject({ pages: 5, hash: hashOf('second document'), paperReason: 'elderly' });
    expect((await db.paperScans.toArray()).map((row) => [row.hash, row.pages, row.reason])).toEqual([[hashOf('second document'), 5, 'elderly']]);
    expect(await counter.keptPaper('M01')).toMatchObject({ reason: 'elderly', files: [{ contentType: 'application/pdf' }] });
    const events = ((await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[]).filter((e) => e.kind === 'paper_scan').map((e) => e.details);
    expect(events.at(-1)).toEqual({ materialId: 'M01', reason: 'elderly', pages: 5, added: 2, hash: hashOf('second document') });
  });

  it('a case from before one document per material: its rows of one page each are counted, hashed together and listed for the dialog', async () => {
    const counter = await caseWithNothingInLibrary();
    const hashOf = (text: string) => sm3Hex(new TextEncoder().encode(text));
    const caseNo = counter.opened!.caseNo;
    const row = (text: string, createdAt: string) => ({
      caseNo,
      materialId: 'M01',
      createdAt,
      reason: 'elderly' as const,
      page: new Blob([text], { type: 'image/jpeg' }),
      thumbnail: new Blob(['t']),
    });
    await db.paperScans.bulkAdd([row('page one', '2026-11-27T01:00:00.000Z'), row('page two', '2026-11-27T01:00:01.000Z')]);
    expect(await counter.keptPaper('M01')).toMatchObject({ reason: 'elderly', files: [{ contentType: 'image/jpeg' }, { contentType: 'image/jpeg' }] });
    await counter.savePaper('M01', 'elderly', paperDoc('merged', 2, 0));
    expect(
      await db.paperScans
        .where('caseNo')
        .equals(caseNo)
        .and((r) => r.materialId === 'M01')
        .count(),
    ).toBe(1);
    expect(counter.active!.materials.find((m) => m.material.id === 'M01')!.paperScan).toMatchObject({ pages: 2, hash: hashOf('merged') });
  });

  it('a failed licence stays failed (no override makes it exempt) and a failed pull can be pulled again', async () => {
    let unreachable = true;
    const { counter } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: 'm', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
      'material.pull': (input) => {
        if (input.materialId === 'M01') return pullAnswer('M01', [licence('M01', 'signature_invalid')]);
        if (unreachable) throw fail('LIBRARY_UNAVAILABLE');
        return pullAnswer('M02', [licence('M02')]);
      },
    });
    await counter.openCase(GOV_MATTER.code);
    await counter.readToken('EL1.ok');
    expect(counter.states.M01).toMatchObject({ state: 'failed', failure: { kind: 'licence', outcome: 'signature_invalid' }, canObject: true });
    expect(counter.states.M02).toMatchObject({
      state: 'failed',
      failure: { kind: 'pull', errorCode: 'UNAVAILABLE' },
      suggestedPaperReason: 'library_unreachable',
    });
    expect(counter.progress.M02).toMatchObject({ phase: 'failed', errorCode: 'LIBRARY_UNAVAILABLE' });
    expect(await counter.applyOverride('M01', { kind: 'use_licence', licenceId: licence('M01').summary.id, reason: '人工确认' })).toBe('not_applicable');
    expect(counter.states.M01?.state).toBe('failed');

    unreachable = false;
    await counter.retryPull('M02');
    expect(counter.states.M02?.state).toBe('exempt');
  });

  it('an override needs a reason and is recorded in the audit chain', async () => {
    const { counter } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: 'm', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
      'material.pull': (input) => pullAnswer(input.materialId, [licence(input.materialId)]),
    });
    await counter.openCase(GOV_MATTER.code);
    await counter.readToken('EL1.ok');
    expect(await counter.applyOverride('M01', { kind: 'choose_paper', reason: ' ' })).toBe('reason_required');
    expect(counter.states.M01?.state).toBe('exempt');
    expect(await counter.applyOverride('M01', { kind: 'choose_paper', reason: '申请人要求提交原件' })).toBeNull();
    expect(counter.states.M01).toMatchObject({ state: 'needs_paper', why: 'override', overrideReason: '申请人要求提交原件' });
    const events = (await db.auditEvents.orderBy('seq').toArray()) as AuditEvent[];
    expect(events.at(-1)).toMatchObject({ kind: 'override', details: { materialId: 'M01', kind: 'choose_paper', reason: '申请人要求提交原件' } });
  });

  it('no phone, government matter: a duty grant with the reason, then every material pulled', async () => {
    const { counter, host } = await setup({
      ...baseHandlers(),
      'grant.duty': (input) => ({ ...GRANT, basis: 'duty', caseNo: input.caseNo }),
      'material.pull': (input) => pullAnswer(input.materialId, [licence(input.materialId)]),
    });
    await counter.openCase(GOV_MATTER.code);
    await counter.serveWithoutPhone({ holder: HOLDER, reason: '老年人不便使用电子证照；职能依据：第二十二条' });
    expect(host.calls.find((c) => c.name === 'grant.duty')?.input).toMatchObject({ holder: HOLDER, reason: '老年人不便使用电子证照；职能依据：第二十二条' });
    expect(counter.active?.grant).toMatchObject({ basis: 'duty' });
    expect(host.names().filter((n) => n === 'material.pull')).toHaveLength(2);
  });

  it('no phone, social matter: no grant is asked for and every material goes to paper', async () => {
    const { counter, host } = await setup(baseHandlers());
    await counter.openCase(SOCIAL_MATTER.code);
    await counter.serveWithoutPhone({ holder: HOLDER, reason: '申请人无手机' });
    expect(host.names()).not.toContain('grant.duty');
    expect(host.names()).not.toContain('material.pull');
    expect(counter.states.M01).toMatchObject({ state: 'needs_paper', why: 'no_grant' });
  });

  it('the usage record stays queued while the library is unreachable, visible as unsent, and is delivered once later', async () => {
    let down = true;
    const submitted: string[] = [];
    const { counter, outbox } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: 'm', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
      'material.pull': (input) => pullAnswer(input.materialId, [licence(input.materialId)]),
      'usage.submit': (input) => {
        submitted.push(input.idempotencyKey);
        if (down) throw fail('LIBRARY_UNAVAILABLE', '暂时无法连接市电子证照库');
        return { id: 'UR-3' };
      },
      'case.purge': () => ({ purgedLicences: 2 }),
    });
    await counter.openCase(GOV_MATTER.code);
    await counter.readToken('EL1.ok');
    await counter.complete();
    await expect.poll(async () => (await db.outbox.toArray()).map((r) => [r.state, r.lastError])).toEqual([['queued', '暂时无法连接市电子证照库']]);
    await expect.poll(() => unsentCount(db)).toBe(1);
    // The case is complete and purged all the same: the queue carries the record.
    expect(counter.completed?.purgedLicences).toBe(2);

    down = false;
    // The library answers again: the shell flushes the queue at once.
    await outbox.flush({ now: true });
    await expect.poll(async () => (await db.outbox.toArray()).map((r) => r.state)).toEqual(['delivered']);
    await expect.poll(() => unsentCount(db)).toBe(0);
    // Every attempt used one and the same key.
    expect([...new Set(submitted)]).toEqual([expect.stringMatching(new RegExp(`^usage-record:${counter.completed!.receipt.caseNo}:\\d+$`))]);
  });

  it('a cancelled case is purged from the host, its paper deleted, and the next case gets the next number', async () => {
    const { counter, host } = await setup({
      ...baseHandlers(),
      'token.inspect': () => ({ holder: HOLDER, maskedIdNumber: 'm', expiresAt: '2026-11-27T02:05:00Z', scope: '*' }),
      'grant.redeem': (input) => ({ ...GRANT, caseNo: input.caseNo }),
      'material.pull': (input) => pullAnswer(input.materialId, []),
      'case.purge': () => ({ purgedLicences: 0 }),
    });
    const first = await counter.openCase(GOV_MATTER.code);
    await counter.readToken('EL1.ok');
    await counter.savePaper('M01', 'elderly', paperDoc('p'));
    await counter.cancelCase();
    expect(host.names()).toContain('case.purge');
    expect(await db.paperScans.count()).toBe(0);
    expect((await db.cases.get(first.caseNo))?.status).toBe('cancelled');
    expect(counter.phase).toBe('idle');
    const second = await counter.openCase(GOV_MATTER.code);
    expect(second.caseNo).toBe('WSTEST01-20261127-0002');
  });
});
