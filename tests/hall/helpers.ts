/**
 * Test helpers of the hall: a hall on either engine over its own fresh database and a clock the
 * test moves (the simulated workstation is in simulated-workstation.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../hall/db';
import { startHall, type HallOptions, type RunningHall } from '../../hall/index';
import { TestWorkstation } from './simulated-workstation';

/** The two engines every hall test runs against. */
export const ENGINES = ['pglite', 'postgres'] as const;
/** An engine. */
export type Engine = (typeof ENGINES)[number];

/** A fresh, migrated database on an engine, and how to drop it. */
export async function openTestDatabase(engine: Engine): Promise<{ db: Database; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openPglite(null, { loadDataDir: new Blob([readFileSync(inject('hallPgliteSnapshot'))]) });
    return { db, drop: () => db.close() };
  }
  const base = inject('hallPostgresUrl');
  const name = `hall_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(`${base}postgres`);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE hall_template`);
  await admin.end();
  const db = await openPostgres(`${base}${name}`);
  return {
    db,
    async drop() {
      await db.close();
      const again = new pg.Client(`${base}postgres`);
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name}`);
      await again.end();
    },
  };
}

/** A hall for a test: its own database, data folder and clock. */
export interface TestHall {
  hall: RunningHall;
  db: Database;
  dataDir: string;
  engine: Engine;
  /** Moves the hall's clock. */
  advance(ms: number): void;
  /** The hall's clock now. */
  now(): Date;
  /** A new enrolment code. */
  code(): Promise<string>;
  /** Lines the hall logged. */
  logs: string[];
  stop(): Promise<void>;
}

/** Starts a hall on an engine over a fresh database. */
export async function startTestHall(engine: Engine, options: Partial<HallOptions> = {}): Promise<TestHall> {
  const { db, drop } = await openTestDatabase(engine);
  const dataDir = mkdtempSync(join(tmpdir(), 'hall-test-'));
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const logs: string[] = [];
  const hall = await startHall({
    dataDir,
    database: db,
    now,
    log: (line) => {
      logs.push(line);
      if (line.includes('internal error')) console.error(line);
    },
    ...options,
  });
  return {
    hall,
    db,
    dataDir,
    engine,
    logs,
    advance: (ms) => (offset += ms),
    now,
    code: async () => (await hall.enrolmentCode()).code,
    async stop() {
      await hall.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a workstation and enrols it. */
export async function enrolled(test: TestHall, id: string): Promise<TestWorkstation> {
  const ws = new TestWorkstation(test.hall.url, id, undefined, test.now);
  const answer = await ws.enrol(await test.code());
  if (answer.status !== 201) throw new Error(`enrolment of ${id} failed: ${JSON.stringify(answer.json)}`);
  return ws;
}
