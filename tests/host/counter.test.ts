import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { sm3Hex } from '../../shared/sm';
import { join } from 'node:path';
import { loadKeys, PLATFORM_KID } from '../../sandbox/keys';
import { signToken } from '../../shared/token';
import type { SandboxHolder } from '../../shared/library-api';
import { startHostRig, type HostRig } from './helpers';

let rig: HostRig;
let holders: SandboxHolder[];
let caseSeq = 0;
const nextCase = () => `WS1-20261127-${String(++caseSeq).padStart(4, '0')}`;

async function tokenFor(holder: SandboxHolder, ttlSeconds?: number): Promise<string> {
  const answer = (await rig.sandbox(`/holders/${holder.idNumber}/token`, { body: ttlSeconds ? { ttlSeconds } : {} })) as { token: string };
  return answer.token;
}

function holderWithNote(text: string): SandboxHolder {
  const found = holders.find((h) => h.note?.includes(text));
  if (!found) throw new Error(`no sandbox holder whose note mentions ${text}`);
  return found;
}

/** Redeems a fresh token of the holder and pulls every material of the matter concurrently. */
async function serve(holder: SandboxHolder, matterCode: string) {
  const caseNo = nextCase();
  const grant = await rig.ok('grant.redeem', { token: await tokenFor(holder), matterCode, caseNo });
  const { matters } = await rig.ok('matters.get', {});
  const matter = matters.find((m) => m.code === matterCode)!;
  const pulls = await Promise.all(
    matter.materials.map((material) =>
      rig.ok('material.pull', { grantId: grant.grantId, matterCode, caseNo, materialId: material.id, purpose: `办理${matter.name}` }),
    ),
  );
  return { caseNo, grant, matter, pulls };
}

beforeAll(async () => {
  rig = await startHostRig();
  await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
  holders = (await rig.sandbox('/holders')) as SandboxHolder[];
}, 60_000);

afterAll(async () => rig?.close());

describe('reading a 亮证码 in the host', () => {
  it('shows the holder of a valid code with the ID number masked, without redeeming it', async () => {
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const token = await tokenFor(holder);
    const read = await rig.ok('token.inspect', { token });
    expect(read.holder).toEqual({ idType: holder.idType, idNumber: holder.idNumber, name: holder.name });
    expect(read.maskedIdNumber).toBe(`${holder.idNumber.slice(0, 6)}********${holder.idNumber.slice(14)}`);
    // Inspection did not use the code up.
    await expect(rig.ok('grant.redeem', { token, matterCode: '310000-GA-SFZ-002', caseNo: nextCase() })).resolves.toMatchObject({ basis: 'token' });
  });

  it('gives each failure its own code', async () => {
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const token = await tokenFor(holder);
    const notACode = await rig.call('token.inspect', { token: 'https://example.com/some-other-qr' });
    expect(notACode).toMatchObject({ ok: false, error: { code: 'TOKEN_NOT_A_CODE' } });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const forged = await rig.call('token.inspect', { token: token.slice(0, -1) + last });
    expect(forged).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^TOKEN_(FORGED|INVALID)$/) } });
    const [prefix, payload, signature] = token.split('.');
    const original = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const otherPayload = Buffer.from(canonicalJson({ ...original, holder: { ...original.holder, name: '李四' } })).toString('base64url');
    const swapped = await rig.call('token.inspect', { token: `${prefix}.${otherPayload}.${signature}` });
    expect(swapped).toMatchObject({ ok: false, error: { code: 'TOKEN_FORGED' } });
    const shortLived = await tokenFor(holder, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await rig.call('token.inspect', { token: shortLived })).toMatchObject({ ok: false, error: { code: 'TOKEN_EXPIRED' } });
    // Signed with the platform's own key but living a day: invalid, as the library would judge it.
    const platform = loadKeys(join(rig.dataDir, 'sandbox'))!.find((k) => k.kid === PLATFORM_KID)!;
    const iat = Math.floor(Date.now() / 1000);
    const longLived = signToken({ ...original, iat, exp: iat + 86_400 }, platform.privateKey, platform.publicKey);
    expect(await rig.call('token.inspect', { token: longLived })).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID' } });
    const tenMinutes = signToken({ ...original, iat, exp: iat + 600 }, platform.privateKey, platform.publicKey);
    expect(await rig.ok('token.inspect', { token: tenMinutes })).toMatchObject({ holder: original.holder });
  });

  it('redeems a code once', async () => {
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const token = await tokenFor(holder);
    await rig.ok('grant.redeem', { token, matterCode: '310000-GA-SFZ-002', caseNo: nextCase() });
    expect(await rig.call('grant.redeem', { token, matterCode: '310000-GA-SFZ-002', caseNo: nextCase() })).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_USED' },
    });
  });
});

describe('pulling and verifying a matter', () => {
  it("pulls every material of an ordinary citizen's matter, each licence valid with every field verified", async () => {
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const { caseNo, pulls, matter } = await serve(holder, '310000-MZ-HY-006');
    expect(pulls.map((p) => p.materialId).sort()).toEqual(matter.materials.map((m) => m.id).sort());
    for (const pull of pulls) {
      expect(pull.licences.length).toBeGreaterThan(0);
      for (const licence of pull.licences) {
        expect(licence.report.outcome).toBe('valid');
        expect(licence.summary.holder.idNumber).toBe(holder.idNumber);
        expect(licence.fields.length).toBeGreaterThan(0);
        expect(licence.fields.every((f) => f.verified === 'pass')).toBe(true);
        expect(licence.fields.every((f) => f.label !== f.key)).toBe(true);
        expect(licence.file.held).toBe(true);
        const file = await rig.ok('licence.file', { caseNo, licenceId: licence.summary.id });
        const bytes = Buffer.from(file.dataBase64, 'base64');
        expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
        expect(sm3Hex(new Uint8Array(bytes))).toBe(licence.file.hash);
      }
    }
    const firstLicence = pulls[0]!.licences[0]!.summary.id;
    const purged = await rig.ok('case.purge', { caseNo });
    expect(purged.purgedLicences).toBe(pulls.reduce((n, p) => n + p.licences.length, 0));
    expect(await rig.call('licence.file', { caseNo, licenceId: firstLicence })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('sends the whole pull context with every licence call', async () => {
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const { caseNo, grant, matter } = await serve(holder, '310000-MZ-HY-006');
    const { pulls } = (await rig.sandbox('/pull-log')) as { pulls: Array<Record<string, string | null>> };
    const mine = pulls.filter((p) => p.caseNo === caseNo);
    // A query per material, then a detail and a file call per licence.
    expect(mine.filter((p) => p.call === 'POST /licences/query')).toHaveLength(matter.materials.length);
    expect(mine.length).toBeGreaterThan(matter.materials.length);
    for (const entry of mine) {
      expect(entry).toMatchObject({
        workstationId: 'WS-TEST-01',
        operatorId: expect.any(String),
        role: 'clerk',
        grantId: grant.grantId,
        matterCode: matter.code,
        materialId: expect.stringMatching(/^M\d+$/),
        purpose: `办理${matter.name}`,
      });
    }
    await rig.ok('case.purge', { caseNo });
  });

  it('reports a tampered licence as signature_invalid and marks none of its fields verified', async () => {
    const holder = holderWithNote('篡改');
    const { pulls } = await serve(holder, '310000-GA-SFZ-002');
    const licences = pulls.flatMap((p) => p.licences);
    const tampered = licences.filter((l) => l.report.outcome === 'signature_invalid');
    expect(tampered).toHaveLength(1);
    expect(tampered[0]!.fields.some((f) => f.verified === 'pass')).toBe(false);
  });

  it('reports a licence signed by a key outside the trust list as untrusted_issuer', async () => {
    const holder = holderWithNote('不在信任列表');
    const { pulls } = await serve(holder, '310000-MZ-HY-007');
    const outcomes = pulls.flatMap((p) => p.licences.map((l) => l.report.outcome));
    expect(outcomes).toContain('untrusted_issuer');
    const untrusted = pulls.flatMap((p) => p.licences).find((l) => l.report.outcome === 'untrusted_issuer')!;
    expect(untrusted.fields.some((f) => f.verified === 'pass')).toBe(false);
  });

  it.each([
    ['已过期', '310000-GA-JSZ-004', 'expired'],
    ['吊销', '310000-GA-JSZ-004', 'revoked'],
    ['暂扣', '310000-GA-JSZ-004', 'suspended'],
    ['取代', '310000-BDC-ZY-016', 'superseded'],
  ])('reports the holder whose note says %s (matter %s) with outcome %s', async (note, matterCode, outcome) => {
    const { pulls } = await serve(holderWithNote(note), matterCode);
    expect(pulls.flatMap((p) => p.licences.map((l) => l.report.outcome))).toContain(outcome);
  });

  it('finds nothing for a licence not yet in the library', async () => {
    const { pulls } = await serve(holderWithNote('尚未归集'), '310000-MZ-HY-007');
    expect(pulls.some((p) => p.licences.length === 0)).toBe(true);
  });

  it('refuses a pull for a grant the host never obtained', async () => {
    const result = await rig.call('material.pull', {
      grantId: 'G-unknown',
      matterCode: '310000-GA-SFZ-002',
      caseNo: nextCase(),
      materialId: 'M01',
      purpose: '测试',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'GRANT_INVALID' } });
  });
});

describe('counter duty without a phone', () => {
  it('serves an elderly holder by ID number for a government matter', async () => {
    const elderly = holderWithNote('没有手机');
    const grant = await rig.ok('grant.duty', {
      holder: { idType: elderly.idType, idNumber: elderly.idNumber, name: elderly.name },
      matterCode: '310000-MZ-JL-008',
      caseNo: nextCase(),
      reason: '申请人为高龄老人，无智能手机',
    });
    expect(grant).toMatchObject({ basis: 'duty', holder: { idNumber: elderly.idNumber } });
  });

  it('refuses an ID number that fails its check, and a social matter', async () => {
    const bad = await rig.call('grant.duty', {
      holder: { idType: '111', idNumber: '110105194912310021', name: '张三' },
      matterCode: '310000-MZ-JL-008',
      caseNo: nextCase(),
      reason: '无手机',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const elderly = holderWithNote('没有手机');
    const social = await rig.call('grant.duty', {
      holder: { idType: elderly.idType, idNumber: elderly.idNumber, name: elderly.name },
      matterCode: 'SH-JD-RZ-104',
      caseNo: nextCase(),
      reason: '无手机',
    });
    expect(social).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('usage records', () => {
  it('arrive once however often they are sent with the same key', async () => {
    const holder = holders.find((h) => h.note === null && h.kind === 'natural_person')!;
    const { caseNo, grant, pulls, matter } = await serve(holder, '310000-GA-SFZ-002');
    const record = {
      caseNo,
      matterCode: matter.code,
      grantId: grant.grantId,
      holder: grant.holder,
      operatorId: 'OP-1',
      workstationId: 'WS-TEST-01',
      completedAt: '2026-11-27T02:00:00Z',
      training: true,
      materials: pulls.map((p) => ({ materialId: p.materialId, outcome: 'exempt' as const, licenceId: p.licences[0]!.summary.id, paperReason: null })),
    };
    const before = ((await rig.sandbox('/usage-records')) as { usageRecords: unknown[] }).usageRecords.length;
    const first = await rig.ok('usage.submit', { record, idempotencyKey: `usage-${caseNo}` });
    const again = await rig.ok('usage.submit', { record, idempotencyKey: `usage-${caseNo}` });
    expect(again.id).toBe(first.id);
    const after = ((await rig.sandbox('/usage-records')) as { usageRecords: unknown[] }).usageRecords.length;
    expect(after - before).toBe(1);
  });
});

describe('roles', () => {
  it('refuses counter calls to an objection officer', async () => {
    const other = await startHostRig();
    try {
      await other.ok('session.signIn', { username: 'officer01', password: 'demo' });
      expect(await other.call('token.inspect', { token: 'EL1.a.b' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await other.call('catalog.get', {})).toMatchObject({ ok: true });
    } finally {
      await other.close();
    }
  }, 60_000);
});
