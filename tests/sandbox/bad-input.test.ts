import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type CallResult, type TestSandbox } from './helpers';

let sandbox: TestSandbox;
let auth: string;
let officer: string;

const HOTEL = 'SH-JD-RZ-104';
const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T';

beforeAll(async () => {
  sandbox = await openSandbox();
  auth = await sandbox.signIn();
  officer = await sandbox.signIn('officer01');
});
afterAll(async () => {
  await sandbox.stop();
});

function expectRefused(res: CallResult, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.json.error.code).toBe(code);
  expect(typeof res.json.error.message).toBe('string');
  expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
}

async function nothingChanged(): Promise<void> {
  expect((await sandbox.call('GET', '/api/v1/_sandbox/usage-records')).json.usageRecords).toEqual([]);
  expect((await sandbox.call('GET', '/api/v1/_sandbox/objections')).json.objections).toEqual([]);
}

const citizen = { idType: '111', idNumber: '11010519491231002X', name: '张伟' };
const usageRecord = {
  caseNo: 'C1',
  matterCode: HOTEL,
  grantId: null,
  holder: citizen,
  operatorId: 'OP',
  workstationId: 'WS',
  completedAt: '2026-11-26T02:00:00Z',
  training: true,
  materials: [{ materialId: 'M01', outcome: 'paper', licenceId: null, paperReason: 'elderly' }],
};
const objection = {
  id: 'OBJ-BAD',
  licenceId: LICENCE,
  dimension: 'accuracy',
  fields: [],
  description: '照面信息有误',
  filedBy: { operatorId: 'OP', role: 'objection_officer' },
  filedAt: '2026-11-26T02:00:00Z',
  evidence: [] as Array<{ name: string; contentType: string; data: string }>,
};

describe('bad input is refused with a 4xx and changes nothing', () => {
  it('malformed JSON, a non-JSON content type and invalid UTF-8', async () => {
    const headers = { 'content-type': 'application/json' };
    expectRefused(await sandbox.call('POST', '/api/v1/usage-records', { token: auth, raw: '{"caseNo":', headers }), 400, 'BAD_REQUEST');
    expectRefused(
      await sandbox.call('POST', '/api/v1/sessions', { raw: 'username=clerk01', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      400,
      'BAD_REQUEST',
    );
    expectRefused(await sandbox.call('POST', '/api/v1/objections', { token: officer, raw: new Uint8Array([0x7b, 0xff, 0x7d]), headers }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/usage-records', { token: auth, raw: '', headers }), 400, 'BAD_REQUEST');
    await nothingChanged();
  });

  it('wrong types and missing fields', async () => {
    expectRefused(await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...usageRecord, training: 'yes' } }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...usageRecord, materials: 'M01' } }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: [usageRecord] }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/sessions', { body: { username: 'clerk01', password: 'demo' } }), 400, 'BAD_REQUEST');
    expectRefused(
      await sandbox.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: { grantId: 'G1', matterCode: HOTEL, materialId: 'M01', purpose: 'x'.repeat(201) },
      }),
      400,
      'BAD_REQUEST',
    );
    expectRefused(await sandbox.call('POST', '/api/v1/_sandbox/faults', { body: { errorRate: 2 } }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/_sandbox/faults', { body: { latencyMs: '5' } }), 400, 'BAD_REQUEST');
    await nothingChanged();
  });

  it('unknown fields, in the body and in the query string', async () => {
    expectRefused(await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...usageRecord, extra: 1 } }), 400, 'BAD_REQUEST');
    expectRefused(
      await sandbox.call('POST', '/api/v1/objections', { token: officer, body: { ...objection, filedBy: { ...objection.filedBy, unit: 'x' } } }),
      400,
      'BAD_REQUEST',
    );
    expectRefused(
      await sandbox.call('GET', `/api/v1/licences/${LICENCE}?grantId=G1&matterCode=${HOTEL}&materialId=M01&all=1`, { token: auth }),
      400,
      'BAD_REQUEST',
    );
    expect((await sandbox.call('GET', '/api/v1/_sandbox/faults')).json).toEqual({ latencyMs: 0, errorRate: 0, down: false });
    await nothingChanged();
  });

  it('ID numbers failing their check character', async () => {
    const duty = (idType: string, idNumber: string) =>
      sandbox.call('POST', '/api/v1/authorizations/duty', {
        token: auth,
        body: { holder: { idType, idNumber, name: '张伟' }, matterCode: '310000-MZ-JL-008', caseNo: 'C1', reason: '无手机' },
      });
    expectRefused(await duty('111', '110105194912310021'), 400, 'BAD_REQUEST');
    expectRefused(await duty('111', '11010519491331002X'), 400, 'BAD_REQUEST');
    expectRefused(await duty('001', '91310115MA1K3XYZ12'), 400, 'BAD_REQUEST');
    expectRefused(await duty('111', '91310115MA1K3XYZ12'), 400, 'BAD_REQUEST');
    expectRefused(
      await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: { ...usageRecord, holder: { ...citizen, idNumber: '110105194912310021' } } }),
      400,
      'BAD_REQUEST',
    );
    expectRefused(await sandbox.call('POST', '/api/v1/_sandbox/holders/110105194912310021/token', { body: {} }), 400, 'BAD_REQUEST');
    expect((await duty('111', '11010519491231002X')).status).toBe(201);
    await nothingChanged();
  });

  it('path traversal and malformed ids in the path', async () => {
    const q = `?grantId=G1&matterCode=${HOTEL}&materialId=M01`;
    for (const path of [
      `/api/v1/licences/..%2F..%2Fetc%2Fpasswd${q}`,
      `/api/v1/licences/%2e%2e%2f%2e%2e%2fkeys.json${q}`,
      `/api/v1/licences/${LICENCE}%2F..%2Ffile${q}`,
      `/api/v1/licences/%E0%A4%A/status${q}`,
    ])
      expectRefused(await sandbox.call('GET', path, { token: auth }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/_sandbox/holders/..%2F..%2Fkeys.json/token', { body: {} }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', '/api/v1/_sandbox/objections/..%2Fx/resolve', { body: { outcome: 'rejected', note: 'x' } }), 400, 'BAD_REQUEST');
    expectRefused(await sandbox.call('POST', `/api/v1/_sandbox/licences/..%2F${LICENCE}/status`, { body: { status: 'revoked' } }), 400, 'BAD_REQUEST');
    expect((await sandbox.call('GET', '/api/v1/../../keys.json')).status).toBe(404);
    expect((await fetch(`${sandbox.url}/_sandbox/phone/..%2F..%2Fkeys.json`)).status).toBe(400);
    await nothingChanged();
  });

  it('oversized bodies and evidence', async () => {
    const big = JSON.stringify({ ...usageRecord, caseNo: 'x'.repeat(1024 * 1024) });
    expectRefused(
      await sandbox.call('POST', '/api/v1/usage-records', { token: auth, raw: big, headers: { 'content-type': 'application/json' } }),
      413,
      'TOO_LARGE',
    );
    const sixMiB = Buffer.alloc(6 * 1024 * 1024, 1).toString('base64');
    expectRefused(
      await sandbox.call('POST', '/api/v1/objections', {
        token: officer,
        body: { ...objection, evidence: [{ name: 'a.jpg', contentType: 'image/jpeg', data: sixMiB }] },
      }),
      413,
      'TOO_LARGE',
    );
    const justOver = Buffer.alloc(4.1 * 1024 * 1024, 2).toString('base64');
    const overTotal = Array.from({ length: 5 }, (_, i) => ({ name: `${i}.jpg`, contentType: 'image/jpeg', data: justOver }));
    expectRefused(await sandbox.call('POST', '/api/v1/objections', { token: officer, body: { ...objection, evidence: overTotal } }), 413, 'TOO_LARGE');
    const fourMiB = Buffer.alloc(4 * 1024 * 1024, 2).toString('base64');
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `${i}.jpg`, contentType: 'image/jpeg', data: fourMiB }));
    expectRefused(
      await sandbox.call('POST', '/api/v1/objections', {
        token: officer,
        body: { ...objection, evidence: [{ name: 'a', contentType: 'image/jpeg', data: 'abc' }] },
      }),
      400,
      'BAD_REQUEST',
    );
    await nothingChanged();
    const fine = await sandbox.call('POST', '/api/v1/objections', { token: officer, body: { ...objection, evidence: five } });
    expect(fine.status).toBe(201);
    await sandbox.call('POST', '/api/v1/_sandbox/reset');
  });

  it('a bad Idempotency-Key and unknown routes', async () => {
    expectRefused(
      await sandbox.call('POST', '/api/v1/usage-records', { token: auth, body: usageRecord, headers: { 'idempotency-key': 'x'.repeat(129) } }),
      400,
      'BAD_REQUEST',
    );
    expectRefused(await sandbox.call('GET', '/api/v1/nothing', { token: auth }), 404, 'NOT_FOUND');
    expectRefused(await sandbox.call('DELETE', '/api/v1/catalog', { token: auth }), 404, 'NOT_FOUND');
    await nothingChanged();
  });
});
