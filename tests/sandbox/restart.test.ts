import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openSandbox, tempDir } from './helpers';

const HOTEL = 'SH-JD-RZ-104';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('persistence and determinism', () => {
  it('keeps used tokens, objections and status changes across a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await openSandbox(dir, true);
    const auth = await first.signIn();
    const holder = (await first.holders())[0]!;
    const token = await first.mint(holder.idNumber);
    const grant = await first.redeem(auth, token, HOTEL);
    const licenceId = (
      await first.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: { grantId: grant.grantId, matterCode: HOTEL, materialId: 'M01', purpose: '入住' },
      })
    ).json.licences[0].id as string;
    const params = `grantId=${grant.grantId}&matterCode=${HOTEL}&materialId=M01`;
    const detailBefore = (await first.call('GET', `/api/v1/licences/${licenceId}?${params}`, { token: auth })).json;
    await first.call('POST', `/api/v1/_sandbox/licences/${licenceId}/status`, { body: { status: 'revoked' } });
    const objection = {
      id: 'OBJ-R1',
      licenceId,
      dimension: 'timeliness',
      fields: [],
      description: '状态未及时更新',
      filedBy: { operatorId: 'OP', role: 'clerk' },
      filedAt: '2026-11-26T02:00:00Z',
      evidence: [],
    };
    expect((await first.call('POST', '/api/v1/objections', { token: auth, body: objection })).status).toBe(201);
    const trustBefore = (await first.call('GET', '/api/v1/trust/root')).json;
    await first.stop();

    const second = await openSandbox(dir, true);
    const again = await second.call('POST', '/api/v1/authorizations/redeem', { token: auth, body: { token, matterCode: HOTEL, caseNo: 'C2' } });
    expect([again.status, again.json.error.code]).toEqual([409, 'TOKEN_USED']);
    expect((await second.call('GET', `/api/v1/licences/${licenceId}/status?${params}`, { token: auth })).json.status).toBe('revoked');
    const detailAfter = (await second.call('GET', `/api/v1/licences/${licenceId}?${params}`, { token: auth })).json;
    expect(detailAfter.signed).toEqual(detailBefore.signed);
    expect((await second.call('GET', '/api/v1/objections?ids=OBJ-R1', { token: auth })).json.objections).toHaveLength(1);
    expect((await second.call('GET', '/api/v1/trust/root')).json).toEqual(trustBefore);
    expect((await second.call('POST', '/api/v1/_sandbox/reset')).status).toBe(200);
    const fresh = await second.redeem(auth, await second.mint(holder.idNumber), HOTEL);
    const freshParams = `grantId=${fresh.grantId}&matterCode=${HOTEL}&materialId=M01`;
    expect((await second.call('GET', `/api/v1/licences/${licenceId}/status?${freshParams}`, { token: auth })).json.status).toBe('valid');
    expect((await second.call('GET', `/api/v1/licences/${licenceId}/status?${params}`, { token: auth })).json.error.code).toBe('GRANT_INVALID');
    await second.stop();
  });

  it('gives the same holders, keys and licence files for the same seed', async () => {
    const a = await openSandbox();
    const b = await openSandbox();
    expect(await b.holders()).toEqual(await a.holders());
    expect((await b.call('GET', '/api/v1/trust')).json.keys).toEqual((await a.call('GET', '/api/v1/trust')).json.keys);
    const hashes = [];
    for (const sandbox of [a, b]) {
      const auth = await sandbox.signIn();
      const grant = await sandbox.redeem(auth, await sandbox.mint((await sandbox.holders())[0]!.idNumber), HOTEL);
      const params = `grantId=${grant.grantId}&matterCode=${HOTEL}&materialId=M01`;
      const id = (
        await sandbox.call('POST', '/api/v1/licences/query', {
          token: auth,
          body: { grantId: grant.grantId, matterCode: HOTEL, materialId: 'M01', purpose: '入住' },
        })
      ).json.licences[0].id;
      hashes.push((await sandbox.call('GET', `/api/v1/licences/${id}?${params}`, { token: auth })).json.file.hash);
    }
    expect(hashes[1]).toBe(hashes[0]);
    await a.stop();
    await b.stop();
  });

  it('runs alone from the command line and prints SANDBOX_URL once it serves', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^SANDBOX_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect((await fetch(`${url}/api/v1/trust/root`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
