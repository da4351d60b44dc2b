import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openPostgres, sql, textArray } from '../../hall/db';
import { MIGRATIONS, migrate } from '../../hall/migrations';
import { ENGINES, openTestDatabase } from './helpers';

describe('the migrations', () => {
  it('are an append-only list numbered 1, 2, 3 … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
  });

  it('build an empty PostgreSQL database, once, even when two halls start on it at the same time', async () => {
    const base = inject('hallPostgresUrl');
    const name = `hall_fresh_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client(`${base}postgres`);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const [a, b] = [await openPostgres(`${base}${name}`), await openPostgres(`${base}${name}`)];
      const applied = await Promise.all([migrate(a), migrate(b)]);
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      const tables = await a.all(sql<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"));
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['audit_events', 'cases', 'case_tally', 'latency_tally', 'streams', 'workstations', 'hall_migrations']));
      await a.close();
      await b.close();
    } finally {
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });

  it.each(ENGINES)('run again on a migrated database change nothing (%s)', async (engine) => {
    const { db, drop } = await openTestDatabase(engine);
    try {
      expect(await migrate(db)).toEqual([]);
      const rows = await db.all(sql<{ version: number }>('SELECT version FROM hall_migrations ORDER BY version'));
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      // A later migration is applied in order after the released ones.
      const next = { version: MIGRATIONS.length + 1, name: 'test: a later column', sql: 'ALTER TABLE workstations ADD COLUMN label text' };
      expect(await migrate(db, [...MIGRATIONS, next])).toEqual([next.version]);
      expect(await db.all(sql('SELECT label FROM workstations'))).toEqual([]);
    } finally {
      await drop();
    }
  });

  it.each(ENGINES)('give both engines the same values: numbers for counts, ISO text for times, YYYY-MM-DD for days (%s)', async (engine) => {
    const { db, drop } = await openTestDatabase(engine);
    try {
      const row = await db.one(
        sql<{ n: number; total: number; at: string; day: string }>("SELECT count(*) AS n, sum(x::bigint) AS total, timestamptz '2026-11-26 10:00:00+08' AS at, date '2026-11-26' AS day FROM (VALUES (1), (2)) AS v(x)"),
      );
      expect(row).toEqual({ n: 2, total: 3, at: '2026-11-26T02:00:00.000Z', day: '2026-11-26' });
    } finally {
      await drop();
    }
  });

  it.each(ENGINES)('take a text array written as one literal exactly as node-postgres would send it (%s)', async (engine) => {
    const { db, drop } = await openTestDatabase(engine);
    try {
      const values = ['{"a":"b\\"c"}', 'x,y', '{}', 'NULL', '', null, '结婚登记', 'back\\slash', '\\u0041', ' lead', 'tab\there'];
      const literal = textArray(values.slice(0, 10));
      expect(typeof literal).toBe('string');
      const fallback = textArray(values);
      expect(Array.isArray(fallback)).toBe(true);
      for (const [param, expected] of [[literal, values.slice(0, 10)], [fallback, values]] as const) {
        const rows = await db.all(sql<{ v: string | null }, [unknown]>('SELECT unnest($1::text[]) AS v'), [param]);
        expect(rows.map((r) => r.v)).toEqual(expected);
      }
    } finally {
      await drop();
    }
  });
});
