import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSm2KeyPair } from '../../shared/sm';
import { ENGINES, enrolled, startTestHall, type TestHall } from './helpers';
import { TestWorkstation } from './simulated-workstation';

describe.each(ENGINES)('enrolment and request signing (%s)', (engine) => {
  let test: TestHall;
  let ws: TestWorkstation;

  beforeAll(async () => {
    test = await startTestHall(engine);
    ws = await enrolled(test, 'WS-TRUST-01');
  });
  afterAll(() => test.stop());

  it('enrols with a one-time code and answers with its own key, signed', async () => {
    const other = new TestWorkstation(test.hall.url, 'WS-TRUST-02', undefined, test.now);
    const code = await test.code();
    const answer = await other.enrol(code);
    expect(answer.status).toBe(201);
    expect(answer.json.hallPublicKey).toBe(test.hall.publicKey);
    expect(answer.json.workstationId).toBe('WS-TRUST-02');
    expect(answer.signedBy(test.hall.publicKey)).toBe(true);
    // The code is used up.
    const again = await new TestWorkstation(test.hall.url, 'WS-TRUST-03', undefined, test.now).enrol(code);
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('ENROLMENT_CODE_INVALID');
  });

  it('refuses a code after 24 hours, an enrolled id, a key already enrolled, and a request not signed by the key it enrols', async () => {
    const code = await test.code();
    test.advance(24 * 3600 * 1000 + 1000);
    try {
      const late = await new TestWorkstation(test.hall.url, 'WS-TRUST-04', undefined, test.now).enrol(code);
      expect(late.json.error.code).toBe('ENROLMENT_CODE_INVALID');
    } finally {
      test.advance(-(24 * 3600 * 1000 + 1000));
    }
    const sameId = await new TestWorkstation(test.hall.url, 'WS-TRUST-01', undefined, test.now).enrol(await test.code());
    expect([sameId.status, sameId.json.error.code]).toEqual([409, 'ALREADY_ENROLLED']);
    const sameKey = await new TestWorkstation(test.hall.url, 'WS-TRUST-05', ws.keys, test.now).enrol(await test.code());
    expect([sameKey.status, sameKey.json.error.code]).toEqual([409, 'KEY_IN_USE']);
    const impostor = new TestWorkstation(test.hall.url, 'WS-TRUST-06', undefined, test.now);
    const forged = await impostor.call('POST', '/api/v1/enrol', {
      body: { code: await test.code(), workstationId: 'WS-TRUST-06', publicKey: generateSm2KeyPair().publicKey },
    });
    expect([forged.status, forged.json.error.code]).toEqual([401, 'BAD_SIGNATURE']);
    // A refused enrolment used nothing up: the code still works once.
    const codeAfterRefusal = await test.code();
    expect((await new TestWorkstation(test.hall.url, 'WS-TRUST-01', undefined, test.now).enrol(codeAfterRefusal)).status).toBe(409);
    expect((await new TestWorkstation(test.hall.url, 'WS-TRUST-07', undefined, test.now).enrol(codeAfterRefusal)).status).toBe(201);
  });

  it('answers a signed request, and signs its answer bound to the request', async () => {
    const answer = await ws.call('GET', '/api/v1/sync/state');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ workstationId: 'WS-TRUST-01', epoch: 1, audit: { highest: 0 }, records: { highest: 0 }, ingest: 'open' });
    expect(answer.signedBy(test.hall.publicKey)).toBe(true);
    expect(answer.signedBy(generateSm2KeyPair().publicKey)).toBe(false);
  });

  it('refuses an unsigned request, an unknown workstation and a bad signature with 401', async () => {
    const unsigned = await ws.call('GET', '/api/v1/sync/state', { unsigned: true });
    expect([unsigned.status, unsigned.json.error.code]).toEqual([401, 'UNSIGNED']);
    const unknown = await new TestWorkstation(test.hall.url, 'WS-NOBODY', undefined, test.now).call('GET', '/api/v1/sync/state');
    expect([unknown.status, unknown.json.error.code]).toEqual([401, 'UNKNOWN_WORKSTATION']);
    const otherKey = await ws.call('GET', '/api/v1/sync/state', { signWith: generateSm2KeyPair() });
    expect([otherKey.status, otherKey.json.error.code]).toEqual([401, 'BAD_SIGNATURE']);
    const bodySwapped = await ws.call('POST', '/api/v1/sync/push', { body: { head: ws.head(), audit: [], records: [], outbox: null }, signBody: '{}' });
    expect([bodySwapped.status, bodySwapped.json.error.code]).toEqual([401, 'BAD_SIGNATURE']);
    const asAnother = await ws.call('GET', '/api/v1/sync/state', { as: 'WS-TRUST-02' });
    expect([asAnother.status, asAnother.json.error.code]).toEqual([401, 'BAD_SIGNATURE']);
  });

  it('refuses a replayed nonce and a time more than 5 minutes off, either way, with 401', async () => {
    const nonce = 'ab'.repeat(16);
    expect((await ws.call('GET', '/api/v1/sync/state', { nonce })).status).toBe(200);
    const replay = await ws.call('GET', '/api/v1/sync/state', { nonce });
    expect([replay.status, replay.json.error.code]).toEqual([401, 'NONCE_REUSED']);
    const now = test.now().getTime();
    for (const skew of [-(5 * 60_000 + 2000), 5 * 60_000 + 2000]) {
      const off = await ws.call('GET', '/api/v1/sync/state', { time: new Date(now + skew).toISOString() });
      expect([off.status, off.json.error.code]).toEqual([401, 'STALE_REQUEST']);
    }
    const withinWindow = await ws.call('GET', '/api/v1/sync/state', { time: new Date(now - 4 * 60_000).toISOString() });
    expect(withinWindow.status).toBe(200);
  });

  it('gives the hall views to supervisors only: clerks and objection officers get 403', async () => {
    expect((await ws.supervise('workstations')).status).toBe(200);
    for (const role of ['clerk', 'objection_officer']) {
      const refused = await ws.supervise('workstations', {}, role);
      expect([refused.status, refused.json.error.code]).toEqual([403, 'ROLE_REFUSED']);
    }
    const anonymous = await ws.call('GET', '/api/v1/supervision/workstations');
    expect([anonymous.status, anonymous.json.error.code]).toEqual([403, 'ROLE_REFUSED']);
  });

  it('lets a supervisor list and revoke workstations; a revoked one gets 403 and may enrol again with a new code and key', async () => {
    const victim = await enrolled(test, 'WS-TRUST-09');
    const listed = await ws.supervise('workstations');
    const entry = listed.json.workstations.find((w: { workstationId: string }) => w.workstationId === 'WS-TRUST-09');
    expect(entry).toMatchObject({ revokedAt: null, epoch: 1, ingest: 'open' });
    expect(entry.fingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){4}$/);
    const revoked = await ws.supervisepost('workstations/WS-TRUST-09/revoke', { reason: '工作台报废' });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ workstationId: 'WS-TRUST-09', revokedBy: 'OP-PD-0201' });
    const refused = await victim.call('GET', '/api/v1/sync/state');
    expect([refused.status, refused.json.error.code]).toEqual([403, 'REVOKED']);
    const renewed = new TestWorkstation(test.hall.url, 'WS-TRUST-09', undefined, test.now);
    expect((await renewed.enrol(await test.code())).status).toBe(201);
    expect((await renewed.call('GET', '/api/v1/sync/state')).status).toBe(200);
    expect((await victim.call('GET', '/api/v1/sync/state')).json.error.code).toBe('BAD_SIGNATURE');
  });
});
