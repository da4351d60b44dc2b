import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { publicUrl } from '../../hall/index';
import { TestWorkstation } from './simulated-workstation';

const TSX = ['--import', 'tsx', 'hall/cli.ts'];

/** Starts `npm run hall` (as tsx hall/cli.ts) and resolves with the URL it prints, or rejects with what it said. */
function serve(args: string[], env: Record<string, string> = {}): Promise<{ url: string; process: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [...TSX, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /HALL_URL=(\S+)/.exec(stdout)?.[1];
      if (url) resolve({ url, process: child, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`hall exited with ${code}: ${stderr}`)));
  });
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...TSX, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('npm run hall', () => {
  const folders: string[] = [];
  const children: ChildProcess[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hall-cli-'));
    folders.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(children.map(stop));
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('serves on PGlite in its data folder, says it is for one machine or training, and enrols through the running hall', async () => {
    const data = folder();
    const hall = await serve(['--port', '0', '--data', data]);
    children.push(hall.process);
    expect(hall.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hall.stderr()).toContain('仅适用于单机或培训');

    const enrol = run(['enrol', '--data', data]);
    expect(enrol.status).toBe(0);
    const code = /ENROLMENT_CODE=(\S+)/.exec(enrol.stdout)![1]!;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(enrol.stdout).toMatch(/HALL_FINGERPRINT=[0-9A-F]{4}( [0-9A-F]{4}){4}/);
    const ws = new TestWorkstation(hall.url, 'WS-CLI-01');
    expect((await ws.enrol(code)).status).toBe(201);

    const listed = run(['workstations', '--data', data]);
    expect(JSON.parse(listed.stdout).workstations.map((w: { workstationId: string }) => w.workstationId)).toEqual(['WS-CLI-01']);
    const revoked = run(['revoke', 'WS-CLI-01', '--reason', '设备报废', '--data', data]);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ workstationId: 'WS-CLI-01', revokedBy: 'hall-admin' });
    expect((await ws.call('GET', '/api/v1/sync/state')).status).toBe(403);

    // The data folder is the hall's: a second one on it refuses to start.
    await expect(serve(['--port', '0', '--data', data])).rejects.toThrow(/another hall is serving the data folder/);
  }, 240_000);

  it('serves on a PostgreSQL server with --database, and enrols on the database itself when no hall runs', async () => {
    const base = inject('hallPostgresUrl');
    const name = `hall_cli_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client(`${base}postgres`);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const data = folder();
    const enrol = run(['enrol', '--data', data, '--database', `${base}${name}`]);
    expect(enrol.status).toBe(0);
    const code = /ENROLMENT_CODE=(\S+)/.exec(enrol.stdout)![1]!;
    const hall = await serve(['--port', '0', '--data', data], { HALL_DATABASE_URL: `${base}${name}` });
    children.push(hall.process);
    expect(hall.stderr()).not.toContain('PGlite，进程内');
    expect(hall.stderr()).toContain('PostgreSQL');
    expect((await new TestWorkstation(hall.url, 'WS-CLI-02').enrol(code)).status).toBe(201);
    await stop(hall.process);
  }, 120_000);

  it('refuses bad arguments with the usage', () => {
    for (const args of [['--database', 'mysql://x'], ['frobnicate'], ['--library', 'http://x']]) {
      const result = run(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('用法');
    }
  }, 120_000);

  it('prints the address it listens on, a wildcard as a LAN address', () => {
    expect(publicUrl('10.20.0.5', 8790)).toBe('http://10.20.0.5:8790');
    expect(publicUrl('127.0.0.1', 8790)).toBe('http://127.0.0.1:8790');
    expect(publicUrl('0.0.0.0', 8790)).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8790$/);
    expect(publicUrl('0.0.0.0', 8790)).not.toBe('http://0.0.0.0:8790');
  });
});
