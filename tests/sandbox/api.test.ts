import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidHolderId, licenceIdCheckOk } from '../../shared/ids';
import { checkDisclosedFields, verifyLicenceSignature, verifyTrustList } from '../../shared/licence-digest';
import {
  CatalogResponse,
  ErrorBody,
  Grant,
  LicenceDetail,
  LicenceQueryResponse,
  LicenceStatusResponse,
  MattersResponse,
  ObjectionListResponse,
  ObjectionReceipt,
  SandboxGrantsResponse,
  SignInResponse,
  TrustList,
  TrustRoot,
} from '../../shared/library-api';
import { sm3Hex } from '../../shared/sm';
import { verifyToken } from '../../shared/token';
import { openSandbox, type TestSandbox } from './helpers';

let sandbox: TestSandbox;
let auth: string;
let catalog: CatalogResponse;
let matters: MattersResponse;

const TALENT = '310000-RS-RC-011';
const DRIVING_RENEWAL = '310000-GA-JSZ-004';
const HOTEL = 'SH-JD-RZ-104';

beforeAll(async () => {
  sandbox = await openSandbox();
  auth = await sandbox.signIn();
  catalog = CatalogResponse.parse((await sandbox.call('GET', '/api/v1/catalog', { token: auth })).json);
  matters = MattersResponse.parse((await sandbox.call('GET', '/api/v1/matters', { token: auth })).json);
});
afterAll(async () => {
  await sandbox.stop();
});

function material(matterCode: string, index: number) {
  return matters.matters.find((matter) => matter.code === matterCode)!.materials[index]!;
}

async function holderWithNote(fragment: string) {
  return (await sandbox.holders()).find((holder) => holder.note?.includes(fragment))!;
}

/** Pulls one licence the way a client does and checks it against the trust list. */
async function pullAndVerify(grant: Grant, matterCode: string, materialId: string, trust: TrustList) {
  const query = await sandbox.call('POST', '/api/v1/licences/query', {
    token: auth,
    body: { grantId: grant.grantId, matterCode, materialId, purpose: '窗口办件核验' },
  });
  expect(query.status).toBe(200);
  const { licences } = LicenceQueryResponse.parse(query.json);
  const params = `grantId=${grant.grantId}&matterCode=${matterCode}&materialId=${materialId}`;
  const results = [];
  for (const summary of licences) {
    const detailRes = await sandbox.call('GET', `/api/v1/licences/${encodeURIComponent(summary.id)}?${params}`, { token: auth });
    expect(detailRes.status).toBe(200);
    const detail = LicenceDetail.parse(detailRes.json);
    const key = trust.keys.find((item) => item.kid === detail.signed.kid && item.use === 'licence');
    const file = await fetch(`${sandbox.url}/api/v1/licences/${encodeURIComponent(summary.id)}/file?${params}`, {
      headers: { authorization: `Bearer ${auth}` },
    });
    const bytes = new Uint8Array(await file.arrayBuffer());
    results.push({
      summary,
      detail,
      trusted: key !== undefined,
      signatureOk: key !== undefined && verifyLicenceSignature(detail.signed, key.publicKey),
      fieldsOk: checkDisclosedFields(detail.disclosed, detail.signed.payload.digests).every((check) => check.result === 'ok'),
      fileOk: file.headers.get('content-type') === 'application/pdf' && sm3Hex(bytes) === detail.signed.payload.fileHash && bytes.length === detail.file.size,
    });
  }
  return results;
}

describe('sign-in and reference data', () => {
  it('signs in each demo account and refuses a wrong password', async () => {
    for (const [username, role] of [
      ['clerk01', 'clerk'],
      ['clerk02', 'clerk'],
      ['super01', 'supervisor'],
      ['officer01', 'objection_officer'],
    ]) {
      const res = await sandbox.call('POST', '/api/v1/sessions', { body: { username, password: 'demo', workstationId: 'WS-1' } });
      expect(res.status).toBe(201);
      expect(SignInResponse.parse(res.json).operator.role).toBe(role);
    }
    const wrong = await sandbox.call('POST', '/api/v1/sessions', { body: { username: 'clerk01', password: 'nope', workstationId: 'WS-1' } });
    expect(wrong.status).toBe(401);
    expect(ErrorBody.parse(wrong.json).error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses authenticated calls without a valid session, and after the session expires', async () => {
    expect((await sandbox.call('GET', '/api/v1/catalog')).status).toBe(401);
    expect((await sandbox.call('GET', '/api/v1/catalog', { token: 'x'.repeat(43) })).json.error.code).toBe('UNAUTHENTICATED');
    const session = await sandbox.signIn('clerk02');
    sandbox.advance(8 * 3600 + 5);
    expect((await sandbox.call('GET', '/api/v1/matters', { token: session })).status).toBe(401);
    sandbox.advance(-(8 * 3600 + 5));
  });

  it('serves a catalog of ≥ 24 types and ≥ 30 matters with usage lists of 1–8 materials', () => {
    expect(catalog.types.length).toBeGreaterThanOrEqual(24);
    const names = catalog.types.map((type) => type.name);
    for (const name of [
      '居民身份证',
      '居民户口簿',
      '结婚证',
      '出生医学证明',
      '机动车驾驶证',
      '不动产权证书',
      '学位证书',
      '营业执照',
      '食品经营许可证',
      '药品经营许可证',
      '行业综合许可证',
    ])
      expect(names).toContain(name);
    expect(new Set(catalog.types.map((type) => type.holderType))).toEqual(new Set(['natural_person', 'legal_person']));
    expect(matters.matters.length).toBeGreaterThanOrEqual(30);
    expect(new Set(matters.matters.map((matter) => matter.scenario))).toEqual(new Set(['government', 'social']));
    const codes = new Set(catalog.types.map((type) => type.code));
    for (const matter of matters.matters) {
      expect(matter.materials.length).toBeGreaterThanOrEqual(1);
      expect(matter.materials.length).toBeLessThanOrEqual(8);
      for (const item of matter.materials) for (const code of item.licenceTypes) expect(codes.has(code)).toBe(true);
    }
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    for (const path of ['/api/v1/catalog', '/api/v1/matters']) {
      const first = await sandbox.call('GET', path, { token: auth });
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^".+"$/);
      expect((await sandbox.call('GET', path, { token: auth, headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await sandbox.call('GET', path, { token: auth, headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    }
  });

  it('publishes a trust list that verifies against the root key', async () => {
    const root = TrustRoot.parse((await sandbox.call('GET', '/api/v1/trust/root')).json);
    const trust = TrustList.parse(await sandbox.trust());
    expect(verifyTrustList(trust, root)).toBe(true);
    expect(trust.keys.filter((key) => key.use === 'holder_token')).toHaveLength(1);
    expect(new Set(trust.keys.filter((key) => key.use === 'licence').map((key) => key.owner.code)).size).toBeGreaterThanOrEqual(10);
  });

  it('lists ≥ 200 citizens and ≥ 50 companies with valid ID numbers, and names every edge case', async () => {
    const holders = await sandbox.holders();
    expect(holders.filter((holder) => holder.kind === 'natural_person').length).toBeGreaterThanOrEqual(200);
    expect(holders.filter((holder) => holder.kind === 'legal_person').length).toBeGreaterThanOrEqual(50);
    expect(holders.every((holder) => isValidHolderId(holder.idType, holder.idNumber))).toBe(true);
    const notes = holders.map((holder) => holder.note ?? '').join('\n');
    for (const fragment of ['已过有效期', '吊销', '暂扣', '取代', '尚未归集', '签名无法验证', '不在信任列表', '没有手机']) expect(notes).toContain(fragment);
    expect(holders.filter((holder) => holder.note === null).length).toBeGreaterThan(holders.length * 0.9);
  });
});

describe('a counter case end to end', () => {
  it('mints, verifies offline and redeems a token, then pulls and verifies all 8 materials of a matter', async () => {
    const trust = await sandbox.trust();
    const citizen = (await sandbox.holders())[0]!;
    const token = await sandbox.mint(citizen.idNumber);
    expect(token).toMatch(/^[\x21-\x7e]+$/);
    const offline = verifyToken(token, (kid) => trust.keys.find((key) => key.kid === kid && key.use === 'holder_token')?.publicKey, new Date());
    expect(offline.ok && offline.value.holder.idNumber).toBe(citizen.idNumber);
    const grant = Grant.parse(await sandbox.redeem(auth, token, TALENT));
    expect(grant.basis).toBe('token');
    const matter = matters.matters.find((item) => item.code === TALENT)!;
    expect(matter.materials).toHaveLength(8);
    for (const item of matter.materials) {
      const results = await pullAndVerify(grant, TALENT, item.id, trust);
      expect(results.length).toBeGreaterThanOrEqual(1);
      for (const result of results) {
        expect(licenceIdCheckOk(result.summary.id)).toBe(true);
        expect(result.summary.holder.idNumber).toBe(citizen.idNumber);
        expect(result).toMatchObject({ trusted: true, signatureOk: true, fieldsOk: true, fileOk: true });
        const typeFields = catalog.types.find((type) => type.code === result.summary.typeCode)!.faceFields.map((field) => field.key);
        expect(result.detail.disclosed.map((field) => field.key)).toEqual(item.faceFields.filter((key) => typeFields.includes(key)));
        expect(Object.keys(result.detail.signed.payload.digests).sort()).toEqual([...typeFields].sort());
      }
    }
  });

  it('serves the same PDF bytes each time', async () => {
    const citizen = (await sandbox.holders())[0]!;
    const grant = await sandbox.redeem(auth, await sandbox.mint(citizen.idNumber), HOTEL);
    const trust = await sandbox.trust();
    const [first] = await pullAndVerify(grant, HOTEL, 'M01', trust);
    const [second] = await pullAndVerify(grant, HOTEL, 'M01', trust);
    expect(second!.detail.file.hash).toBe(first!.detail.file.hash);
  });

  it('refuses everything outside the usage list and the token scope', async () => {
    const holders = await sandbox.holders();
    const citizen = holders[0]!;
    const grant = await sandbox.redeem(auth, await sandbox.mint(citizen.idNumber), HOTEL);
    const ask = (body: Record<string, unknown>) =>
      sandbox.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: { grantId: grant.grantId, matterCode: HOTEL, materialId: 'M01', purpose: '入住登记', ...body },
      });
    expect((await ask({})).status).toBe(200);
    expect((await ask({ materialId: 'M07' })).json.error.code).toBe('SCOPE_DENIED');
    expect((await ask({ typeCode: material(DRIVING_RENEWAL, 1).licenceTypes[0] })).json.error.code).toBe('SCOPE_DENIED');
    const other = await ask({ matterCode: DRIVING_RENEWAL });
    expect([other.status, other.json.error.code]).toEqual([403, 'SCOPE_DENIED']);
    expect((await ask({ matterCode: '310000-XX-NONE-999' })).json.error.code).toBe('NOT_FOUND');
    expect((await ask({ grantId: 'Gunknown' })).json.error.code).toBe('GRANT_INVALID');

    const someoneElse = (
      await sandbox.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: {
          grantId: (await sandbox.redeem(auth, await sandbox.mint(holders[1]!.idNumber), HOTEL)).grantId,
          matterCode: HOTEL,
          materialId: 'M01',
          purpose: '入住登记',
        },
      })
    ).json.licences[0].id as string;
    const foreign = await sandbox.call('GET', `/api/v1/licences/${someoneElse}?grantId=${grant.grantId}&matterCode=${HOTEL}&materialId=M01`, { token: auth });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, 'NOT_FOUND']);

    const scoped = await sandbox.redeem(auth, await sandbox.mint(citizen.idNumber, { scope: [material(DRIVING_RENEWAL, 1).licenceTypes[0]] }), DRIVING_RENEWAL);
    const idQuery = await sandbox.call('POST', '/api/v1/licences/query', {
      token: auth,
      body: { grantId: scoped.grantId, matterCode: DRIVING_RENEWAL, materialId: 'M01', purpose: '换证' },
    });
    expect(idQuery.json.error.code).toBe('SCOPE_DENIED');
    const drivingQuery = await sandbox.call('POST', '/api/v1/licences/query', {
      token: auth,
      body: { grantId: scoped.grantId, matterCode: DRIVING_RENEWAL, materialId: 'M07', purpose: '换证' },
    });
    expect(drivingQuery.status).toBe(200);

    const officer = await sandbox.signIn('officer01');
    expect(
      (
        await sandbox.call('POST', '/api/v1/licences/query', {
          token: officer,
          body: { grantId: grant.grantId, matterCode: HOTEL, materialId: 'M01', purpose: 'x' },
        })
      ).json.error.code,
    ).toBe('FORBIDDEN');
  });

  it('refuses a grant to every operator but the one who redeemed or requested it', async () => {
    const holders = await sandbox.holders();
    const citizen = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const redeemed = await sandbox.redeem(auth, await sandbox.mint(citizen.idNumber), HOTEL, 'C-OWNER-1');
    const dutyAnswer = await sandbox.call('POST', '/api/v1/authorizations/duty', {
      token: auth,
      body: {
        holder: { idType: citizen.idType, idNumber: citizen.idNumber, name: citizen.name },
        matterCode: DRIVING_RENEWAL,
        caseNo: 'C-OWNER-2',
        reason: '申请人未携带手机',
      },
    });
    expect(dutyAnswer.status).toBe(201);
    const duty = Grant.parse(dutyAnswer.json);
    // The grant's owner is the library's business, not part of the grant the workstation sees.
    expect(Object.keys(redeemed).sort()).toEqual(['basis', 'caseNo', 'expiresAt', 'grantId', 'holder', 'matterCode']);

    const licenceId = (
      await sandbox.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: { grantId: redeemed.grantId, matterCode: HOTEL, materialId: 'M01', purpose: '入住登记' },
      })
    ).json.licences[0].id as string;
    const reads = (token: string, grant: Grant, matterCode: string, materialId: string) => {
      const access = `grantId=${grant.grantId}&matterCode=${matterCode}&materialId=${materialId}`;
      return Promise.all([
        sandbox.call('POST', '/api/v1/licences/query', { token, body: { grantId: grant.grantId, matterCode, materialId, purpose: '办理' } }),
        sandbox.call('GET', `/api/v1/licences/${licenceId}?${access}`, { token }),
        sandbox.call('GET', `/api/v1/licences/${licenceId}/file?${access}`, { token }),
        sandbox.call('GET', `/api/v1/licences/${licenceId}/status?${access}`, { token }),
      ]);
    };
    // Another unit's clerk, and even a supervisor of the same unit: 403 GRANT_INVALID on every
    // licence call, the licence never disclosed.
    for (const other of [await sandbox.signIn('clerk02'), await sandbox.signIn('super01')]) {
      for (const answer of [...(await reads(other, redeemed, HOTEL, 'M01')), ...(await reads(other, duty, DRIVING_RENEWAL, 'M01'))]) {
        expect([answer.status, answer.json.error.code]).toEqual([403, 'GRANT_INVALID']);
        expect(answer.json.error.message).toMatch(/其他工作人员/);
      }
    }
    // The operator who took it still can, in a new session too.
    const again = await sandbox.signIn('clerk01');
    expect((await reads(again, redeemed, HOTEL, 'M01')).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const listed = SandboxGrantsResponse.parse((await sandbox.call('GET', '/api/v1/_sandbox/grants')).json).grants;
    expect(listed.find((g) => g.grantId === redeemed.grantId)?.operatorId).toBe('OP-PD-0101');
    expect(listed.find((g) => g.grantId === duty.grantId)?.operatorId).toBe('OP-PD-0101');
  });

  it('expires a grant after two hours', async () => {
    const grant = await sandbox.redeem(auth, await sandbox.mint((await sandbox.holders())[0]!.idNumber), HOTEL);
    sandbox.advance(2 * 3600 + 1);
    const res = await sandbox.call('POST', '/api/v1/licences/query', {
      token: auth,
      body: { grantId: grant.grantId, matterCode: HOTEL, materialId: 'M01', purpose: '入住' },
    });
    sandbox.advance(-(2 * 3600 + 1));
    expect([res.status, res.json.error.code]).toEqual([403, 'GRANT_INVALID']);
  });
});

describe('holder tokens', () => {
  it('redeems once, not after exp, and not with a bad signature — judged in that order', async () => {
    const citizen = (await sandbox.holders())[2]!;
    const redeem = (token: string) =>
      sandbox.call('POST', '/api/v1/authorizations/redeem', { token: auth, body: { token, matterCode: HOTEL, caseNo: 'C-TOKEN' } });
    const token = await sandbox.mint(citizen.idNumber, { ttlSeconds: 60 });
    expect((await redeem(token)).status).toBe(201);
    const again = await redeem(token);
    expect([again.status, again.json.error.code]).toEqual([409, 'TOKEN_USED']);

    const short = await sandbox.mint(citizen.idNumber, { ttlSeconds: 5 });
    const forged = `${short.slice(0, -4)}${short.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    sandbox.advance(5);
    const expired = await redeem(short);
    expect([expired.status, expired.json.error.code]).toEqual([410, 'TOKEN_EXPIRED']);
    expect((await redeem(forged)).json.error.code).toBe('TOKEN_INVALID');
    expect((await redeem(token)).json.error.code).toBe('TOKEN_USED');
    sandbox.advance(-5);
    expect((await redeem('EL1.not-a.token')).json.error.code).toBe('TOKEN_INVALID');
    expect((await redeem('hello')).status).toBe(400);
  });

  it('keeps ttlSeconds exactly and defaults to 300 seconds', async () => {
    const citizen = (await sandbox.holders())[3]!;
    const trust = await sandbox.trust();
    const lookup = (kid: string) => trust.keys.find((key) => key.kid === kid)?.publicKey;
    for (const [body, ttl] of [
      [{}, 300],
      [{ ttlSeconds: 1 }, 1],
      [{ ttlSeconds: 600 }, 600],
    ] as const) {
      const result = verifyToken(await sandbox.mint(citizen.idNumber, body), lookup, new Date(Date.now() - 1000));
      expect(result.ok && result.value.exp - result.value.iat).toBe(ttl);
    }
    expect((await sandbox.call('POST', `/api/v1/_sandbox/holders/${citizen.idNumber}/token`, { body: { ttlSeconds: 601 } })).status).toBe(400);
  });

  it('has no token for the elderly holder without a phone, who is served by duty instead', async () => {
    const elderly = await holderWithNote('没有手机');
    const res = await sandbox.call('POST', `/api/v1/_sandbox/holders/${elderly.idNumber}/token`, { body: {} });
    expect(res.json.error.code).toBe('CONFLICT');
    const duty = await sandbox.call('POST', '/api/v1/authorizations/duty', {
      token: auth,
      body: {
        holder: { idType: elderly.idType, idNumber: elderly.idNumber, name: elderly.name },
        matterCode: '310000-MZ-JL-008',
        caseNo: 'C-DUTY',
        reason: '老人无智能手机，核验实体身份证后依职能调取',
      },
    });
    expect(res.status).toBe(409);
    expect(duty.status).toBe(201);
    expect(Grant.parse(duty.json).basis).toBe('duty');
    const social = await sandbox.call('POST', '/api/v1/authorizations/duty', {
      token: auth,
      body: { holder: { idType: elderly.idType, idNumber: elderly.idNumber, name: elderly.name }, matterCode: HOTEL, caseNo: 'C-DUTY', reason: '无手机' },
    });
    expect([social.status, social.json.error.code]).toEqual([403, 'FORBIDDEN']);
    // The sandbox lists the grants it issued, holder as given: the refused one is not among them.
    const { grants } = SandboxGrantsResponse.parse((await sandbox.call('GET', '/api/v1/_sandbox/grants')).json);
    expect(grants.filter((g) => g.caseNo === 'C-DUTY')).toEqual([{ ...Grant.parse(duty.json), scope: '*', operatorId: 'OP-PD-0101' }]);
    expect(grants.find((g) => g.caseNo === 'C-DUTY')!.holder.name).toBe(elderly.name);
  });

  it('serves a phone page with a live QR code that refreshes before expiry', async () => {
    const citizen = (await sandbox.holders())[0]!;
    const res = await fetch(`${sandbox.url}/_sandbox/phone/${citizen.idNumber}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<svg');
    expect(html).toMatch(/http-equiv="refresh" content="270"/);
    expect(html).toMatch(/data-token="EL1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
    expect((await fetch(`${sandbox.url}/_sandbox/phone/110105194912310021`)).status).toBe(400);
  });
});

describe('edge cases a clerk meets', () => {
  async function pullFor(fragment: string, matterCode: string, materialId: string) {
    const holder = await holderWithNote(fragment);
    const grant = await sandbox.redeem(auth, await sandbox.mint(holder.idNumber), matterCode);
    return pullAndVerify(grant, matterCode, materialId, await sandbox.trust());
  }

  it('reports expired, revoked and suspended driving licences with a good signature', async () => {
    for (const [fragment, status] of [
      ['已过有效期', 'expired'],
      ['吊销', 'revoked'],
      ['暂扣', 'suspended'],
    ] as const) {
      const [result] = await pullFor(fragment, DRIVING_RENEWAL, 'M07');
      expect(result!.summary.status).toBe(status);
      expect(result!.signatureOk).toBe(true);
    }
  });

  it('returns both versions of a superseded licence, linked', async () => {
    const results = await pullFor('取代', '310000-BDC-ZY-016', 'M04');
    const old = results.find((result) => result.summary.status === 'superseded')!;
    const current = results.find((result) => result.summary.status === 'valid')!;
    expect(current.summary.version).toBe('002');
    expect(old.signatureOk && current.signatureOk).toBe(true);
  });

  it('has nothing for a licence not yet in the library', async () => {
    expect(await pullFor('尚未归集', '310000-MZ-HY-007', 'M03')).toEqual([]);
  });

  it('serves a tampered licence whose signature fails and one signed by an untrusted key', async () => {
    const [tampered] = await pullFor('签名无法验证', '310000-GA-SFZ-002', 'M02');
    expect(tampered).toMatchObject({ trusted: true, signatureOk: false, fieldsOk: true, fileOk: true });
    const [untrusted] = await pullFor('不在信任列表', '310000-MZ-HY-007', 'M03');
    expect(untrusted).toMatchObject({ trusted: false, signatureOk: false, fileOk: true });
  });
});

describe('usage records, objections and sandbox controls', () => {
  it('replays an idempotent usage record and refuses the same key with another body', async () => {
    const citizen = (await sandbox.holders())[0]!;
    const record = {
      caseNo: 'C-UR-1',
      matterCode: HOTEL,
      grantId: null,
      holder: { idType: citizen.idType, idNumber: citizen.idNumber, name: citizen.name },
      operatorId: 'OP-PD-0101',
      workstationId: 'WS-1',
      completedAt: '2026-11-26T02:00:00.123Z',
      training: false,
      materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'applicant_choice' }],
    };
    const headers = { 'idempotency-key': 'ur-key-1' };
    const first = await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: record, headers });
    expect(first.status).toBe(201);
    const replay = await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...record }, headers });
    expect([replay.status, replay.json]).toEqual([200, first.json]);
    const conflict = await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...record, caseNo: 'C-UR-2' }, headers });
    expect([conflict.status, conflict.json.error.code]).toEqual([409, 'CONFLICT']);
    const records = (await sandbox.call('GET', '/api/v1/_sandbox/usage-records')).json.usageRecords;
    expect(records.filter((item: { caseNo: string }) => item.caseNo === 'C-UR-1')).toHaveLength(1);
  });

  it('lists every usage-record call it handled, a replay included, until a reset', async () => {
    const citizen = (await sandbox.holders())[0]!;
    const record = {
      caseNo: 'C-URC-1',
      matterCode: HOTEL,
      grantId: null,
      holder: { idType: citizen.idType, idNumber: citizen.idNumber, name: citizen.name },
      operatorId: 'OP-PD-0101',
      workstationId: 'WS-1',
      completedAt: '2026-11-26T02:00:00Z',
      training: false,
      materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'applicant_choice' }],
    };
    const headers = { 'idempotency-key': 'urc-key-1' };
    expect((await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: record, headers })).status).toBe(201);
    expect((await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: record, headers })).status).toBe(200);
    const calls = async () =>
      ((await sandbox.call('GET', '/api/v1/_sandbox/usage-record-calls')).json.calls as { idempotencyKey: string }[]).filter(
        (c) => c.idempotencyKey === 'urc-key-1',
      );
    // One record kept, two calls received.
    expect(
      (await sandbox.call('GET', '/api/v1/_sandbox/usage-records')).json.usageRecords.filter((r: { caseNo: string }) => r.caseNo === 'C-URC-1'),
    ).toHaveLength(1);
    expect(await calls()).toHaveLength(2);
    expect((await sandbox.call('POST', '/api/v1/_sandbox/reset')).status).toBe(200);
    expect(await calls()).toEqual([]);
  });

  it('files, replays, lists and resolves an objection; a correction supersedes the licence', async () => {
    const citizen = (await sandbox.holders())[0]!;
    const grant = await sandbox.redeem(auth, await sandbox.mint(citizen.idNumber), HOTEL);
    const [licence] = (await pullAndVerify(grant, HOTEL, 'M01', await sandbox.trust())).map((result) => result.summary);
    const officer = await sandbox.signIn('officer01');
    const objection = {
      id: 'OBJ-0001',
      licenceId: licence!.id,
      dimension: 'accuracy',
      fields: [{ key: 'address', recorded: 'x', claimed: '上海市浦东新区世纪大道100号' }],
      description: '住址有误',
      filedBy: { operatorId: 'OP-PD-0301', role: 'objection_officer' },
      filedAt: '2026-11-26T03:00:00Z',
      evidence: [{ name: '证明.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 evidence').toString('base64') }],
    };
    const filed = await sandbox.call('POST', '/api/v1/objections', { token: officer, body: objection, headers: { 'idempotency-key': 'OBJ-0001' } });
    expect(filed.status).toBe(201);
    expect(ObjectionReceipt.parse(filed.json).issuer.code).toBe(licence!.issuer.code);
    const replay = await sandbox.call('POST', '/api/v1/objections', { token: officer, body: objection });
    expect([replay.status, replay.json]).toEqual([200, filed.json]);
    expect((await sandbox.call('POST', '/api/v1/objections', { token: officer, body: { ...objection, description: '改' } })).json.error.code).toBe('CONFLICT');
    expect((await sandbox.call('POST', '/api/v1/objections', { token: officer, body: objection, headers: { 'idempotency-key': 'other' } })).status).toBe(400);

    const byIds = ObjectionListResponse.parse((await sandbox.call('GET', '/api/v1/objections?ids=OBJ-0001,OBJ-NONE', { token: officer })).json);
    expect(byIds.objections).toEqual([{ id: 'OBJ-0001', status: 'received', issuer: licence!.issuer, result: null, updatedAt: filed.json.receivedAt }]);
    expect((await sandbox.call('GET', '/api/v1/objections?ids=a&since=2026-01-01T00:00:00Z', { token: officer })).status).toBe(400);
    expect((await sandbox.call('GET', '/api/v1/objections', { token: officer })).status).toBe(400);

    const resolved = await sandbox.call('POST', '/api/v1/_sandbox/objections/OBJ-0001/resolve', { body: { outcome: 'corrected', note: '已更正住址' } });
    expect(resolved.status).toBe(200);
    const newId = resolved.json.result.newLicenceId as string;
    expect(licenceIdCheckOk(newId)).toBe(true);
    const since = ObjectionListResponse.parse(
      (await sandbox.call('GET', `/api/v1/objections?since=${encodeURIComponent(filed.json.receivedAt)}`, { token: officer })).json,
    );
    expect(since.objections[0]).toMatchObject({ status: 'corrected', result: { note: '已更正住址', newLicenceId: newId } });
    const status = await sandbox.call('GET', `/api/v1/licences/${licence!.id}/status?grantId=${grant.grantId}&matterCode=${HOTEL}&materialId=M01`, {
      token: auth,
    });
    expect(LicenceStatusResponse.parse(status.json)).toMatchObject({ status: 'superseded', supersededBy: newId });
    const [, corrected] = await pullAndVerify(grant, HOTEL, 'M01', await sandbox.trust());
    expect(corrected!.summary.id).toBe(newId);
    expect(corrected!.detail.disclosed.find((field) => field.key === 'address')?.value).toBeUndefined();
    expect(corrected!.signatureOk && corrected!.fieldsOk && corrected!.fileOk).toBe(true);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/objections')).json.objections[0].evidence[0].name).toBe('证明.pdf');
  });

  it('changes a licence status and restores it with "valid"', async () => {
    const citizen = (await sandbox.holders())[1]!;
    const grant = await sandbox.redeem(auth, await sandbox.mint(citizen.idNumber), HOTEL);
    const id = (
      await sandbox.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: { grantId: grant.grantId, matterCode: HOTEL, materialId: 'M01', purpose: '入住' },
      })
    ).json.licences[0].id;
    const statusOf = async () =>
      (await sandbox.call('GET', `/api/v1/licences/${id}/status?grantId=${grant.grantId}&matterCode=${HOTEL}&materialId=M01`, { token: auth })).json.status;
    expect((await sandbox.call('POST', `/api/v1/_sandbox/licences/${id}/status`, { body: { status: 'revoked' } })).status).toBe(200);
    expect(await statusOf()).toBe('revoked');
    await sandbox.call('POST', `/api/v1/_sandbox/licences/${id}/status`, { body: { status: 'valid' } });
    expect(await statusOf()).toBe('valid');
  });

  it('injects faults into /api/v1 calls only, and reset clears them', async () => {
    expect((await sandbox.call('POST', '/api/v1/_sandbox/faults', { body: { down: true } })).json).toEqual({ latencyMs: 0, errorRate: 0, down: true });
    const down = await sandbox.call('GET', '/api/v1/catalog', { token: auth });
    expect([down.status, down.json.error.code]).toEqual([503, 'UNAVAILABLE']);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/holders')).status).toBe(200);
    await sandbox.call('POST', '/api/v1/_sandbox/faults', { body: { down: false, errorRate: 1 } });
    expect((await sandbox.call('GET', '/api/v1/trust')).status).toBe(503);
    await sandbox.call('POST', '/api/v1/_sandbox/faults', { body: { errorRate: 0, latencyMs: 300 } });
    const started = Date.now();
    expect((await sandbox.call('GET', '/api/v1/trust')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await sandbox.call('POST', '/api/v1/_sandbox/reset')).status).toBe(200);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/faults')).json).toEqual({ latencyMs: 0, errorRate: 0, down: false });
    expect((await sandbox.call('GET', '/api/v1/_sandbox/objections')).json.objections).toEqual([]);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/usage-records')).json.usageRecords).toEqual([]);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/grants')).json.grants).toEqual([]);
  });
});
