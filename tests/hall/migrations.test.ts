import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openPostgres, sql } from '../../hall/db';
import { BinaryCopy } from '../../hall/copy';
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
      const tables = await a.all(
        sql<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"),
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['audit_events', 'cases', 'case_tally', 'latency_tally', 'streams', 'workstations', 'hall_migrations']),
      );
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
        sql<{ n: number; total: number; at: string; day: string }>(
          "SELECT count(*) AS n, sum(x::bigint) AS total, timestamptz '2026-11-26 10:00:00+08' AS at, date '2026-11-26' AS day FROM (VALUES (1), (2)) AS v(x)",
        ),
      );
      expect(row).toEqual({ n: 2, total: 3, at: '2026-11-26T02:00:00.000Z', day: '2026-11-26' });
    } finally {
      await drop();
    }
  });

  it.each(ENGINES)('load rows in binary COPY exactly as given, in a transaction that rolls back whole (%s)', async (engine) => {
    const { db, drop } = await openTestDatabase(engine);
    try {
      await db.script('CREATE TABLE copied (id bigint PRIMARY KEY, n integer, label text, body text)');
      const labels = ['{"a":"b\\"c"}', 'x,y', '{}', 'NULL', '', null, '结婚登记', 'back\\slash', '\\N', 'tab\there\nline'];
      // bigint ids across the range a safe integer covers, both signs (written as two 32-bit halves).
      const ids = labels.map((_, i) => [2 ** 40 + i, -(2 ** 40) - i, Number.MAX_SAFE_INTEGER - i, -1 - i, Number.MIN_SAFE_INTEGER + i][i % 5]!);
      const copy = new BinaryCopy();
      labels.forEach((label, i) =>
        copy
          .row(4)
          .int8(ids[i]!)
          .int4(1 - i)
          .text(label)
          .bytes(Buffer.from(`{"n":${i},"note":"材料"}`)),
      );
      expect(await db.transaction((tx) => tx.copyFrom('copied', ['id', 'n', 'label', 'body'], copy.finish()))).toBe(labels.length);
      const rows = await db.all(sql<{ id: number; n: number; label: string | null; body: string }>('SELECT id, n, label, body FROM copied ORDER BY id'));
      expect(rows).toEqual(labels.map((label, i) => ({ id: ids[i]!, n: 1 - i, label, body: `{"n":${i},"note":"材料"}` })).sort((a, b) => a.id - b.id));
      expect(() => new BinaryCopy().row(1).int8(2 ** 53)).toThrow(RangeError);

      // A row that breaks a constraint fails the COPY, and the transaction around it changes nothing.
      const again = new BinaryCopy();
      again.row(4).int8(1).int4(1).text('new').text('{}');
      again
        .row(4)
        .int8(2 ** 40)
        .int4(1)
        .text('duplicate')
        .text('{}');
      await expect(
        db.transaction(async (tx) => {
          await tx.run(sql('DELETE FROM copied WHERE n = 0'));
          await tx.copyFrom('copied', ['id', 'n', 'label', 'body'], again.finish());
        }),
      ).rejects.toThrow(/duplicate key/);
      expect((await db.one(sql<{ n: number }>('SELECT count(*) AS n FROM copied')))!.n).toBe(labels.length);
      // Invalid UTF-8 is the server's to refuse, not stored mangled.
      const invalid = new BinaryCopy();
      invalid
        .row(4)
        .int8(5)
        .int4(5)
        .bytes(Buffer.from([0xc3, 0x28]))
        .text('{}');
      await expect(db.copyFrom('copied', ['id', 'n', 'label', 'body'], invalid.finish())).rejects.toThrow(/invalid byte sequence/);
      await expect(db.copyFrom('copied; DROP TABLE copied', ['id'], again.finish())).rejects.toThrow(RangeError);
    } finally {
      await drop();
    }
  });
});
