/**
 * Vitest global setup of the hall's tests: a real PostgreSQL server for the run (Debian's
 * `postgresql`; `.ci/run` installs it), initialised into a temporary folder as the unprivileged
 * `postgres` user when the run is root (initdb refuses root), on a free port, with its socket in
 * that folder, and stopped and removed afterwards. It also prepares a migrated template database
 * on that server and a migrated PGlite snapshot, so that each test file starts its own hall
 * database in well under a second on either engine.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openPglite, openPostgres } from '../../hall/db';
import { MIGRATIONS, migrate } from '../../hall/migrations';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://postgres@127.0.0.1:<port>/` — a database name is appended. */
    hallPostgresUrl: string;
    /** A tar of a migrated PGlite data folder. */
    hallPgliteSnapshot: string;
  }
}

/** The folder of PostgreSQL's programs: HALL_TEST_PG_BIN, or the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBin(): string {
  if (process.env.HALL_TEST_PG_BIN) return process.env.HALL_TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL is not installed: the hall tests run against a real server (apt-get install -y postgresql; .ci/run does it)');
  return join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL program as `postgres` when we are root (initdb and postgres refuse root). */
function runPg(bin: string, program: string, args: string[]): void {
  const path = join(bin, program);
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? 'runuser' : path, asRoot ? ['-u', 'postgres', '--', path, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL server in a temporary folder; `stop` removes it. */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<{ url: string; stop(): void }> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'hall-postgres-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  runPg(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // Tests need no durability; a benchmark keeps PostgreSQL's defaults (fsync on) to measure what a hall would see.
  const settings = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  runPg(bin, 'pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200${settings}`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/`,
    stop() {
      try {
        runPg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A migrated PGlite data folder as a tar, kept between runs in the temp folder under the hash of
 * the migrations and PGlite's version: PGlite's initdb takes many seconds on a busy machine.
 */
async function pgliteSnapshot(): Promise<string> {
  const version = (JSON.parse(readFileSync(join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(`${version}\n${JSON.stringify(MIGRATIONS)}`)
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'hall-test-cache');
  const file = join(dir, `pglite-${key}.tar`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const pglite = await openPglite(null);
  await migrate(pglite);
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, Buffer.from(await (await pglite.snapshot()).arrayBuffer()));
  await pglite.close();
  renameSync(aside, file);
  return file;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  const admin = new pg.Client(`${server.url}postgres`);
  await admin.connect();
  await admin.query('CREATE DATABASE hall_template');
  await admin.end();
  const template = await openPostgres(`${server.url}hall_template`);
  await migrate(template);
  await template.close();

  project.provide('hallPostgresUrl', server.url);
  project.provide('hallPgliteSnapshot', await pgliteSnapshot());
  return async () => {
    server.stop();
  };
}
