import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHolder } from '../../shared/library-api';
import { buildLicenceId, parseLicenceId } from '../../shared/ids';
import { startHostRig, type HostRig } from './helpers';

let rig: HostRig;
let holders: SandboxHolder[];
const ordinary = () => holders.find((h) => h.note === null && h.kind === 'natural_person')!;

beforeAll(async () => {
  rig = await startHostRig();
  holders = (await rig.sandbox('/holders')) as SandboxHolder[];
}, 60_000);

afterAll(async () => rig?.close());

describe('offline sign-in', () => {
  it('lets an operator seen online sign in while the library is down, and reconnects when it returns', async () => {
    expect(await rig.ok('session.signIn', { username: 'clerk02', password: 'demo' })).toMatchObject({ offline: false });
    await rig.ok('session.signOut', {});
    await rig.sandbox('/faults', { body: { down: true } });
    try {
      const offline = await rig.ok('session.signIn', { username: 'clerk02', password: 'demo' });
      expect(offline).toMatchObject({ offline: true, operator: { role: 'clerk' } });
      expect(await rig.call('catalog.get', {})).toMatchObject({ ok: false, error: { code: 'LIBRARY_UNAVAILABLE' } });
      expect(await rig.ok('library.status', {})).toMatchObject({ state: 'offline' });
      await rig.ok('session.signOut', {});
      expect(await rig.call('session.signIn', { username: 'clerk02', password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
      const never = await rig.call('session.signIn', { username: 'super01', password: 'demo' });
      // Not told apart from a wrong password: the answer must not say which accounts this workstation knows.
      expect(never).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: expect.stringContaining('7 天') } });
      await rig.ok('session.signIn', { username: 'clerk02', password: 'demo' });
    } finally {
      await rig.sandbox('/faults', { body: { down: false } });
    }
    // Back online: once the link probe succeeds, the host signs in to the library on the next
    // call, without the clerk.
    expect(await rig.ok('library.status', {})).toMatchObject({ state: expect.stringMatching(/online|degraded/) });
    await expect(rig.ok('catalog.get', {})).resolves.toMatchObject({ types: expect.any(Array) });
    await rig.ok('session.signOut', {});
  });
});

describe('objections', () => {
  it("are filed once however often they are sent, and the issuer's answer is polled", async () => {
    await rig.ok('session.signIn', { username: 'officer01', password: 'demo' });
    const holder = ordinary();
    await rig.ok('session.signOut', {});
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    const { token } = (await rig.sandbox(`/holders/${holder.idNumber}/token`, { body: {} })) as { token: string };
    const grant = await rig.ok('grant.redeem', { token, matterCode: '310000-GA-SFZ-002', caseNo: 'OBJ-CASE-1' });
    const pull = await rig.ok('material.pull', {
      grantId: grant.grantId,
      matterCode: '310000-GA-SFZ-002',
      caseNo: 'OBJ-CASE-1',
      materialId: 'M01',
      purpose: '办理居民身份证换领',
    });
    const licence = pull.licences[0]!;
    const field = licence.fields[0]!;
    const objection = {
      id: 'OBJ-20261127-0001',
      licenceId: licence.summary.id,
      dimension: 'accuracy' as const,
      fields: [{ key: field.key, recorded: field.value, claimed: '更正后的值' }],
      description: '照面信息与申请人提供的原件不一致。',
      filedBy: { operatorId: 'OP-1', role: 'clerk' as const },
      filedAt: '2026-11-27T02:00:00Z',
      evidence: [{ name: '原件.jpg', contentType: 'image/jpeg', data: Buffer.from('fake jpeg').toString('base64') }],
    };
    const first = await rig.ok('objection.submit', { objection });
    const again = await rig.ok('objection.submit', { objection });
    expect(again).toEqual(first);
    expect(first.status).toBe('received');
    const filed = (await rig.sandbox('/objections')) as { objections: Array<{ id: string }> };
    expect(filed.objections.filter((o) => o.id === objection.id)).toHaveLength(1);

    await rig.sandbox(`/objections/${objection.id}/resolve`, { body: { outcome: 'corrected', note: '已更正' } });
    const polled = await rig.ok('objections.poll', { ids: [objection.id] });
    expect(polled.objections[0]).toMatchObject({ id: objection.id, status: 'corrected', result: { note: '已更正', newLicenceId: expect.any(String) } });

    // Several in one call, as the outbox drains them: a refusal is that objection's answer and
    // the rest go on; an unreachable library ends the call with the rest untried; sent again,
    // each is filed exactly once.
    const parts = parseLicenceId(licence.summary.id)!;
    const unknownLicence = buildLicenceId({ ...parts, serial: `${parts.serial}0` });
    const batch = (suffix: string, licenceId = licence.summary.id) => ({ ...objection, id: `OBJ-20261127-${suffix}`, licenceId });
    const mixed = await rig.ok('objections.submitMany', { objections: [batch('0101'), batch('0102', unknownLicence), batch('0103')] });
    expect(mixed.results).toEqual([
      { status: 'sent', receipt: expect.objectContaining({ id: 'OBJ-20261127-0101', status: 'received' }) },
      { status: 'failed', code: 'NOT_FOUND', message: expect.stringContaining('证照') },
      { status: 'sent', receipt: expect.objectContaining({ id: 'OBJ-20261127-0103' }) },
    ]);
    await rig.sandbox('/faults', { body: { down: true } });
    try {
      const down = await rig.ok('objections.submitMany', { objections: [batch('0104'), batch('0105')] });
      expect(down.results).toEqual([{ status: 'failed', code: 'LIBRARY_UNAVAILABLE', message: expect.any(String) }, { status: 'untried' }]);
    } finally {
      await rig.sandbox('/faults', { body: { down: false } });
    }
    const again2 = await rig.ok('objections.submitMany', { objections: [batch('0101'), batch('0104'), batch('0105')] });
    expect(again2.results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    const all = (await rig.sandbox('/objections')) as { objections: Array<{ id: string }> };
    for (const suffix of ['0101', '0103', '0104', '0105']) expect(all.objections.filter((o) => o.id === `OBJ-20261127-${suffix}`)).toHaveLength(1);
    expect(all.objections.some((o) => o.id === 'OBJ-20261127-0102')).toBe(false);
    await rig.ok('session.signOut', {});
  });
});

describe('catch-up (Art. 11)', () => {
  it('finds the licences now available for a government matter served on paper', async () => {
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    const holder = ordinary();
    const result = await rig.ok('catchup.check', {
      caseNo: 'OFFLINE-CASE-1',
      matterCode: '310000-GA-SFZ-002',
      holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
      materialIds: ['M01', 'M02'],
    });
    expect(result.checked).toBe(true);
    expect(result.materials).toEqual([
      { materialId: 'M01', licenceId: expect.stringMatching(/^1\.2\.156\.3005\.2\./), outcome: 'valid' },
      { materialId: 'M02', licenceId: expect.stringMatching(/^1\.2\.156\.3005\.2\./), outcome: 'valid' },
    ]);
  });

  it('says why a social matter cannot be checked', async () => {
    const holder = ordinary();
    const result = await rig.ok('catchup.check', {
      caseNo: 'OFFLINE-CASE-2',
      matterCode: 'SH-JD-RZ-104',
      holder: { idType: holder.idType, idNumber: holder.idNumber, name: holder.name },
      materialIds: ['M01'],
    });
    expect(result).toMatchObject({ checked: false, reason: expect.stringContaining('社会化') });
    await rig.ok('session.signOut', {});
  });
});

describe('settings and training (supervisor only)', () => {
  it('refuses a clerk', async () => {
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    expect(await rig.call('settings.get', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await rig.call('training.set', { on: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await rig.ok('session.signOut', {});
  });

  it('validates changes, probes a new library, and switches training on and off', async () => {
    await rig.ok('session.signIn', { username: 'super01', password: 'demo' });
    const start = await rig.ok('settings.get', {});
    expect(start).toMatchObject({ training: true, trainingForced: true, settings: { workstationId: 'WS-TEST-01', libraryUrl: null } });
    expect(await rig.call('settings.update', { workstationId: 'has space' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await rig.call('settings.update', { paperRetentionDays: 0 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await rig.call('settings.update', { libraryUrl: rig.sandboxUrl })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const root = (await (await fetch(`${rig.sandboxUrl}/api/v1/trust/root`)).json()) as { kid: string; publicKey: string };
    const wrongRoot = { kid: root.kid, publicKey: `04${'1'.repeat(128)}` };
    // Plain http only to this machine: bearer tokens and holders' data never cross a network unencrypted.
    const plain = await rig.call('settings.update', { libraryUrl: 'http://192.0.2.10:8700', rootKey: root });
    expect(plain).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { issues: [{ path: 'libraryUrl', message: 'library_url_insecure' }] } } });
    const refused = await rig.call('settings.update', { libraryUrl: rig.sandboxUrl, rootKey: wrongRoot });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('根密钥') } });
    expect(await rig.call('settings.training' as never, {} as never)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    expect(await rig.call('training.set', { on: false })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    // The sandbox stands in for a production library here: same API, its own root key.
    const saved = await rig.ok('settings.update', { libraryUrl: rig.sandboxUrl, rootKey: root, workstationId: 'PD-W07', paperRetentionDays: 90 });
    expect(saved).toMatchObject({ training: true, trainingForced: false, settings: { workstationId: 'PD-W07', paperRetentionDays: 90 } });
    expect(await rig.ok('app.info', {})).toMatchObject({ workstationId: 'PD-W07', paperRetentionDays: 90, libraryMode: 'sandbox' });

    const off = await rig.ok('training.set', { on: false });
    expect(off.training).toBe(false);
    expect(await rig.ok('app.info', {})).toMatchObject({ libraryMode: 'library' });
    // A switch of library ends the session.
    expect(await rig.ok('session.current', {})).toEqual({ operator: null, expiresAt: null });
    await rig.ok('session.signIn', { username: 'super01', password: 'demo' });
    expect((await rig.ok('training.set', { on: true })).training).toBe(true);
  });
});
