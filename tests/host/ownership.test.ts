import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHolder } from '../../shared/library-api';
import { startHostRig, type HostRig } from './helpers';

// A pulled licence belongs to the operator's sitting and the case that pulled it (issue 11,
// item 1): clerk01 of 浦东 pulls, signs out; clerk02 of 徐汇 signs in at the same workstation.

const MATTER = '310000-GA-SFZ-002';
const PURPOSE = '办理居民身份证换领';
let rig: HostRig;
let holders: SandboxHolder[];
let clockOffsetMs = 0;
let caseSeq = 0;
const nextCase = () => `WSOWN-20261127-${String(++caseSeq).padStart(4, '0')}`;

beforeAll(async () => {
  rig = await startHostRig({ now: () => new Date(Date.now() + clockOffsetMs) });
  holders = (await rig.sandbox('/holders')) as SandboxHolder[];
}, 60_000);

afterAll(async () => rig?.close());

const ordinary = () => holders.find((h) => h.note === null && h.kind === 'natural_person')!;

/** Signs in as `username`, redeems a fresh 亮证码 for a new case and pulls M01 (its file held by the host). */
async function pullAs(username: string) {
  await rig.ok('session.signIn', { username, password: 'demo' });
  const caseNo = nextCase();
  const { token } = (await rig.sandbox(`/holders/${ordinary().idNumber}/token`, { body: {} })) as { token: string };
  const grant = await rig.ok('grant.redeem', { token, matterCode: MATTER, caseNo });
  const pull = await rig.ok('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo, materialId: 'M01', purpose: PURPOSE });
  const licenceId = pull.licences[0]!.summary.id;
  expect(pull.licences[0]!.file.held).toBe(true);
  await expect(rig.ok('licence.file', { caseNo, licenceId })).resolves.toMatchObject({ contentType: 'application/pdf' });
  return { caseNo, grant, licenceId };
}

async function pullsBy(operatorId: string, grantId: string): Promise<number> {
  const { pulls } = (await rig.sandbox('/pull-log')) as { pulls: Array<{ operatorId: string; grantId: string | null }> };
  return pulls.filter((p) => p.operatorId === operatorId && p.grantId === grantId).length;
}

describe('what the host holds for a case belongs to the sitting that pulled it', () => {
  it('gives another operator signed in after a sign-out neither the file nor the grant', async () => {
    const { caseNo, grant, licenceId } = await pullAs('clerk01');
    await rig.ok('session.signOut', {});

    await rig.ok('session.signIn', { username: 'clerk02', password: 'demo' });
    expect(await rig.call('licence.file', { caseNo, licenceId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const pull = await rig.call('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo, materialId: 'M01', purpose: PURPOSE });
    expect(pull).toMatchObject({ ok: false, error: { code: 'GRANT_INVALID' } });
    // Refused in the host, before any library call under clerk02's name.
    expect(await pullsBy('OP-XH-0102', grant.grantId)).toBe(0);
    // Purging someone else's case number is no way to learn what it held.
    expect(await rig.ok('case.purge', { caseNo })).toEqual({ purgedLicences: 0 });
    await rig.ok('session.signOut', {});

    // Dropped at the sign-out, not hidden: the same clerk signing in again gets nothing back either.
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    expect(await rig.call('licence.file', { caseNo, licenceId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await rig.call('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo, materialId: 'M01', purpose: PURPOSE })).toMatchObject({
      ok: false,
      error: { code: 'GRANT_INVALID' },
    });
    await rig.ok('session.signOut', {});
  });

  it('drops everything at a sign-in over an open sitting, even of the same operator', async () => {
    const { caseNo, licenceId } = await pullAs('clerk01');
    await rig.ok('session.signIn', { username: 'clerk02', password: 'demo' });
    expect(await rig.call('licence.file', { caseNo, licenceId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await rig.ok('session.signOut', {});
  });

  it('uses a grant for its own case only', async () => {
    const { grant } = await pullAs('clerk01');
    const elsewhere = await rig.call('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo: nextCase(), materialId: 'M01', purpose: PURPOSE });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'GRANT_INVALID' } });
    await rig.ok('session.signOut', {});
  });

  it('drops everything when the session expires', async () => {
    const { caseNo, grant, licenceId } = await pullAs('clerk01');
    const { expiresAt } = await rig.ok('session.current', {});
    clockOffsetMs = Date.parse(expiresAt!) - Date.now() + 1_000;
    try {
      expect(await rig.ok('session.current', {})).toEqual({ operator: null, expiresAt: null });
      expect(await rig.call('licence.file', { caseNo, licenceId })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    } finally {
      clockOffsetMs = 0;
    }
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    expect(await rig.call('licence.file', { caseNo, licenceId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await rig.call('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo, materialId: 'M01', purpose: PURPOSE })).toMatchObject({
      ok: false,
      error: { code: 'GRANT_INVALID' },
    });
    await rig.ok('session.signOut', {});
  });

  it('keeps nothing of a pull that was still on its way when the operator signed out', async () => {
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    const caseNo = nextCase();
    const { token } = (await rig.sandbox(`/holders/${ordinary().idNumber}/token`, { body: {} })) as { token: string };
    const grant = await rig.ok('grant.redeem', { token, matterCode: MATTER, caseNo });
    await rig.sandbox('/faults', { body: { latencyMs: 600 } });
    let pulled;
    try {
      const inFlight = rig.call('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo, materialId: 'M01', purpose: PURPOSE });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await rig.ok('session.signOut', {});
      pulled = await inFlight;
    } finally {
      await rig.sandbox('/faults', { body: { latencyMs: 0 } });
    }
    expect(pulled).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
    const { pulls } = (await rig.sandbox('/pull-log')) as { pulls: Array<{ call: string; grantId: string | null; caseNo: string | null }> };
    const fileCall = pulls.find((p) => p.caseNo === caseNo && p.call.endsWith('/file'));
    const licenceId = fileCall ? decodeURIComponent(fileCall.call.split('/')[2]!) : 'none';
    expect(fileCall).toBeDefined();
    expect(await rig.call('licence.file', { caseNo, licenceId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await rig.ok('session.signOut', {});
  });
});
