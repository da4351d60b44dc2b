/**
 * The hall's one query layer: plain parametrised SQL with its parameter and row types, over
 * either engine — PGlite (PostgreSQL compiled to WebAssembly, in process, one connection) for a
 * single machine or training, node-postgres against a PostgreSQL server for a real hall.
 *
 * Why plain SQL and not a query builder: the queries are few and read best as SQL (GROUPING SETS,
 * row comparisons for keyset paging, INSERT … SELECT FROM unnest), the one dialect is
 * PostgreSQL's on both engines, and Kysely, the typed builder we would have chosen, needs Node 22.
 * Each statement is declared once with `sql<Row, Params>()`, so a caller cannot pass the wrong
 * parameters or read a column that is not selected.
 *
 * Both engines give the same JavaScript values: bigint and numeric as numbers (counts and
 * sequences stay far below 2^53), timestamptz as ISO 8601 UTC text, date as `YYYY-MM-DD`.
 */
import pg from 'pg';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';

/** A statement: SQL text with `$1…` parameters, typed by its parameters and its rows. */
export interface Statement<R, P extends readonly unknown[]> {
  readonly text: string;
  /** Types only: never set. */
  readonly types?: { row: R; params: P };
}

/** Declares a statement. */
export function sql<R = Record<string, unknown>, P extends readonly unknown[] = []>(text: string): Statement<R, P> {
  return { text };
}

const UNSAFE_IN_LITERAL = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * A `text[]` parameter written as PostgreSQL's array literal in one native JSON.stringify.
 * node-postgres escapes each element of an array parameter with two regular expressions in
 * JavaScript, which for a push's thousand canonical event bodies (full of quotes) cost more than
 * hashing them. For strings without control characters or lone surrogates, JSON's quoting (`"` and
 * `\` escaped by a backslash) is exactly the array literal's, and JSON's `null` is the literal's
 * NULL; any other string falls back to node-postgres's own escaping.
 */
export function textArray(values: readonly (string | null)[]): string | (string | null)[] {
  for (const value of values) if (value !== null && UNSAFE_IN_LITERAL.test(value)) return [...values];
  return `{${JSON.stringify(values).slice(1, -1)}}`;
}

/** What a connection or a transaction can run. */
export interface Queryable {
  /** Every row. */
  all<R, P extends readonly unknown[]>(statement: Statement<R, P>, ...params: P extends [] ? [] : [P]): Promise<R[]>;
  /** The first row, or null. */
  one<R, P extends readonly unknown[]>(statement: Statement<R, P>, ...params: P extends [] ? [] : [P]): Promise<R | null>;
  /** Runs a statement; the number of rows it touched. */
  run<R, P extends readonly unknown[]>(statement: Statement<R, P>, ...params: P extends [] ? [] : [P]): Promise<number>;
  /** Several statements without parameters (migrations). */
  script(text: string): Promise<void>;
}

/** The hall's database. */
export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** The server's connection string, for work spread over connections of its own (null for PGlite: one connection, in process). */
  readonly connectionString: string | null;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMPTZ = 1184;

const toNumber = (text: string): number => Number(text);
const toIso = (text: string): string => new Date(text.includes('T') ? text : text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();
const asText = (text: string): string => text;

type Raw = (text: string, params: readonly unknown[]) => Promise<{ rows: unknown[]; affected: number }>;

function queryable(raw: Raw, script: (text: string) => Promise<void>): Queryable {
  return {
    async all(statement, ...params) {
      return (await raw(statement.text, params[0] ?? [])).rows as never;
    },
    async one(statement, ...params) {
      return ((await raw(statement.text, params[0] ?? [])).rows[0] ?? null) as never;
    },
    async run(statement, ...params) {
      return (await raw(statement.text, params[0] ?? [])).affected;
    },
    script,
  };
}

// ---- PostgreSQL through node-postgres

const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    if (oid === TIMESTAMPTZ) return toIso;
    if (oid === DATE) return asText;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

// Serialization failures and deadlocks are the server's way of saying "try again"; the hall's
// transactions are short and idempotent by (workstation, sequence), so one more try is safe.
const RETRYABLE = new Set(['40001', '40P01']);

/** Opens a pool on a PostgreSQL server (`postgres://user:password@host:port/database`). */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: pgTypes as pg.CustomTypesConfig });
  // An idle client losing its server must not bring the hall down; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  const raw =
    (runner: pg.Pool | pg.PoolClient): Raw =>
    async (text, params) => {
      const result = await runner.query({ text, values: params as unknown[] });
      return { rows: result.rows, affected: result.rowCount ?? 0 };
    };
  const script = (runner: pg.Pool | pg.PoolClient) => async (text: string) => {
    await runner.query(text);
  };
  return {
    engine: 'postgres',
    connectionString: url,
    ...queryable(raw(pool), script(pool)),
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const connection = await pool.connect();
        try {
          await connection.query('BEGIN');
          const result = await work(queryable(raw(connection), script(connection)));
          await connection.query('COMMIT');
          return result;
        } catch (error) {
          await connection.query('ROLLBACK').catch(() => undefined);
          if (attempt < 3 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
          throw error;
        } finally {
          connection.release();
        }
      }
    },
    async close() {
      await pool.end();
    },
  };
}

// ---- PGlite, in process

/** PGlite, which can also hand out its whole data folder (to start other instances from it quickly). */
export interface PgliteDatabase extends Database {
  /** The data folder as a tar file, for `openPglite(null, { loadDataDir })`. */
  snapshot(): Promise<Blob>;
}

/**
 * Opens PGlite in `dataDir` (created when new), or in memory without one. PGlite is one
 * connection: a transaction's BEGIN … COMMIT must not interleave with anyone else's statements,
 * so every statement and every transaction takes one lock in turn.
 */
export async function openPglite(dataDir: string | null, options: { loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [pgliteTypes.INT8]: toNumber, [NUMERIC]: toNumber, [pgliteTypes.TIMESTAMPTZ]: toIso, [pgliteTypes.DATE]: asText },
  });
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
  const raw: Raw = async (text, params) => {
    const result = await db.query(text, params as unknown[]);
    return { rows: result.rows, affected: result.affectedRows ?? 0 };
  };
  const script = async (text: string) => {
    await db.exec(text);
  };
  const inner = queryable(raw, script);
  return {
    engine: 'pglite',
    connectionString: null,
    all: (statement, ...params) => exclusive(() => inner.all(statement, ...params)),
    one: (statement, ...params) => exclusive(() => inner.one(statement, ...params)),
    run: (statement, ...params) => exclusive(() => inner.run(statement, ...params)),
    script: (text) => exclusive(() => inner.script(text)),
    transaction(work) {
      return exclusive(async () => {
        await db.exec('BEGIN');
        try {
          const result = await work(inner);
          await db.exec('COMMIT');
          return result;
        } catch (error) {
          await db.exec('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    },
    async close() {
      await exclusive(() => db.close());
    },
    snapshot() {
      return exclusive(() => db.dumpDataDir('none'));
    },
  };
}
