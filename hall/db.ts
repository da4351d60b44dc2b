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
  /**
   * Loads rows written in binary COPY format (hall/copy) into `columns` of `table` (names the
   * code fixes, never input); the number of rows. One statement, all rows or none.
   */
  copyFrom(table: string, columns: readonly string[], data: Uint8Array): Promise<number>;
}

/** The hall's database. */
export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** The server's connection string, for work spread over connections of its own (null for PGlite: one connection, in process). */
  readonly connectionString: string | null;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * The rows of a query as binary COPY data (hall/chain reads a stored chain this way: raw bytes,
   * no row objects). COPY takes no parameters: only values the code fixed (integers) may be
   * written into `query`, never input.
   */
  copyTo(query: string): Promise<ArrayBuffer>;
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
type CopyFrom = Queryable['copyFrom'];

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function copyStatement(table: string, columns: readonly string[], source: string): string {
  if (![table, ...columns].every((name) => IDENTIFIER.test(name)))
    throw new RangeError(`copyFrom: bad table or column name in ${table} (${columns.join(', ')})`);
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} (FORMAT binary)`;
}

function queryable(raw: Raw, script: (text: string) => Promise<void>, copyFrom: CopyFrom): Queryable {
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
    copyFrom,
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

/**
 * `COPY … FROM STDIN` as node-postgres runs any "submittable": it hands the server's messages
 * to these handlers. The data goes as one CopyData message (a push is at most 8 MiB).
 */
class CopyFromStdin {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: unknown) => void;
  private failed = false;
  private rows = 0;

  constructor(
    readonly text: string,
    private readonly data: Uint8Array,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Uint8Array): void; endCopyFrom(): void }): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rows = Number(/(\d+)$/.exec(message.text ?? '')?.[1] ?? 0);
  }

  // Settled at once: a connection that ends mid-copy reports its error here and nothing after.
  handleError(error: unknown): void {
    this.failed = true;
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve(this.rows);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** `COPY … TO STDOUT`, collecting the data. */
class CopyToStdout {
  readonly done: Promise<Buffer>;
  private resolve!: (data: Buffer) => void;
  private reject!: (error: unknown) => void;
  private failed = false;
  private readonly chunks: Buffer[] = [];

  constructor(readonly text: string) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    // A copy: the chunk is a view of a read buffer that later reads reuse.
    this.chunks.push(Buffer.from(message.chunk));
  }

  handleError(error: unknown): void {
    this.failed = true;
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve(Buffer.concat(this.chunks));
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** A Buffer's bytes as an ArrayBuffer of their own (one that can be transferred to a worker). */
function ownArrayBuffer(data: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(data.length);
  copy.set(data);
  return copy.buffer;
}

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
  const copyFrom =
    (client: pg.PoolClient | null): CopyFrom =>
    async (table, columns, data) => {
      const connection = client ?? (await pool.connect());
      try {
        const copy = new CopyFromStdin(copyStatement(table, columns, 'STDIN'), data);
        void connection.query(copy as unknown as pg.QueryConfig);
        return await copy.done;
      } finally {
        if (!client) connection.release();
      }
    };
  return {
    engine: 'postgres',
    connectionString: url,
    ...queryable(raw(pool), script(pool), copyFrom(null)),
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const connection = await pool.connect();
        try {
          await connection.query('BEGIN');
          const result = await work(queryable(raw(connection), script(connection), copyFrom(connection)));
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
    async copyTo(query) {
      const connection = await pool.connect();
      try {
        const copy = new CopyToStdout(`COPY (${query}) TO STDOUT (FORMAT binary)`);
        void connection.query(copy as unknown as pg.QueryConfig);
        return ownArrayBuffer(await copy.done);
      } finally {
        connection.release();
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
  const copyFrom: CopyFrom = async (table, columns, data) => {
    const result = await db.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([data as Uint8Array<ArrayBuffer>]) });
    return result.affectedRows ?? 0;
  };
  const inner = queryable(raw, script, copyFrom);
  return {
    engine: 'pglite',
    connectionString: null,
    all: (statement, ...params) => exclusive(() => inner.all(statement, ...params)),
    one: (statement, ...params) => exclusive(() => inner.one(statement, ...params)),
    run: (statement, ...params) => exclusive(() => inner.run(statement, ...params)),
    script: (text) => exclusive(() => inner.script(text)),
    copyFrom: (table, columns, data) => exclusive(() => inner.copyFrom(table, columns, data)),
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
    copyTo(query) {
      return exclusive(async () => {
        const result = await db.query(`COPY (${query}) TO '/dev/blob' (FORMAT binary)`);
        return result.blob ? await result.blob.arrayBuffer() : ownArrayBuffer(new Uint8Array(0));
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
