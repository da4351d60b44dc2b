/**
 * The sandbox's SQLite store: seeded holders and licences, and everything the API changes
 * (sessions, used tokens, grants, idempotent results, usage records, objections, statuses).
 * better-sqlite3 is synchronous, so each handler's check-then-write runs without interleaving.
 */
import Database from 'better-sqlite3';
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LicenceStatus, Role } from '../shared/library-api';
import { sm3Hex } from '../shared/sm';
import { deriveKeys, loadKeys, saveKeys, type SandboxKey } from './keys';
import { generateSeedData, type SeedHolder, type SeedLicence } from './people';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operators (username TEXT PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
  unit_code TEXT NOT NULL, unit_name TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, username TEXT NOT NULL, workstation_id TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS holders (id_number TEXT PRIMARY KEY, id_type TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
  note TEXT, has_phone INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS licences (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, type_code TEXT NOT NULL, data TEXT NOT NULL,
  status TEXT NOT NULL, status_changed_at TEXT NOT NULL, superseded_by TEXT,
  seed_status TEXT, seed_status_changed_at TEXT, seed_superseded_by TEXT, origin TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS licences_holder ON licences (holder_id);
CREATE TABLE IF NOT EXISTS licence_files (id TEXT PRIMARY KEY, pdf BLOB NOT NULL, hash TEXT NOT NULL, signed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS used_tokens (jti TEXT PRIMARY KEY, used_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grants (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotent_results (route TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, response TEXT NOT NULL, PRIMARY KEY (route, key));
CREATE TABLE IF NOT EXISTS usage_records (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objections (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, request TEXT NOT NULL, data TEXT NOT NULL,
  updated_at TEXT NOT NULL);
`;

/** A demo account of the sandbox. */
export interface OperatorRow {
  username: string;
  id: string;
  name: string;
  role: Role;
  unitCode: string;
  unitName: string;
}

const CENTRE_PD = { unitCode: '11310115MB2C47311H', unitName: '浦东新区企业服务中心（行政服务中心）' };
const CENTRE_XH = { unitCode: '11310104MB2C47322D', unitName: '徐汇区行政服务中心' };

const DEMO_OPERATORS: readonly OperatorRow[] = [
  { username: 'clerk01', id: 'OP-PD-0101', name: '王晓燕', role: 'clerk', ...CENTRE_PD },
  { username: 'clerk02', id: 'OP-XH-0102', name: '李建华', role: 'clerk', ...CENTRE_XH },
  { username: 'super01', id: 'OP-PD-0201', name: '陈静', role: 'supervisor', ...CENTRE_PD },
  { username: 'officer01', id: 'OP-PD-0301', name: '赵敏', role: 'objection_officer', ...CENTRE_PD },
];

/** The password of every demo account. */
export const DEMO_PASSWORD = 'demo';

const SCRYPT_N = 1 << 14;

// Seeding only: four accounts once, before the sandbox serves anything.
function hashPasswordSync(password: string, salt: string): string {
  return scryptSync(password, salt, 32, { N: SCRYPT_N }).toString('hex');
}

// A sign-in hashes on libuv's thread pool: the sandbox runs inside the host's process, whose
// event loop must keep answering the page while forty sign-ins hash. Two at a time at most, so
// that the pool's other threads stay free for the host's file reads (the page's assets).
const MAX_PARALLEL_HASHES = 2;
let hashing = 0;
const waitingToHash: Array<() => void> = [];

async function hashPassword(password: string, salt: string): Promise<Buffer> {
  // A finished hash hands its slot straight to the next in line, so the count never overshoots.
  if (hashing < MAX_PARALLEL_HASHES) hashing++;
  else await new Promise<void>((resolve) => waitingToHash.push(resolve));
  try {
    return await new Promise<Buffer>((resolve, reject) => scrypt(password, salt, 32, { N: SCRYPT_N }, (error, key) => (error ? reject(error) : resolve(key))));
  } finally {
    const next = waitingToHash.shift();
    if (next) next();
    else hashing--;
  }
}

/** A licence with its current status. */
export type LicenceRow = SeedLicence & { origin: 'seed' | 'correction' };

/** A stored licence file with its signed payload. */
export interface LicenceFileRow {
  pdf: Buffer;
  hash: string;
  signed: string;
}

interface HolderDbRow {
  id_number: string;
  id_type: '111' | '001';
  name: string;
  kind: SeedHolder['kind'];
  note: string | null;
  has_phone: number;
}

function toHolder(row: HolderDbRow): SeedHolder {
  return { idType: row.id_type, idNumber: row.id_number, name: row.name, kind: row.kind, note: row.note, hasPhone: row.has_phone === 1 };
}

/**
 * Folders written before idempotent results were keyed on the normalised route kept them in
 * `idempotency` by raw path, with the whole request body (a sign-in's password, a redeemed
 * token) and, for a sign-in or a mint, the token handed out. Rows of calls that hand out a
 * credential are dropped; the rest move over with the body reduced to its hash, so a replay
 * after the upgrade still answers its first result. The old table goes.
 */
function migrateIdempotency(db: Database.Database): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'idempotency'").get();
  if (!old) return;
  const rows = db.prepare('SELECT path, key, body, response FROM idempotency').all() as Array<{ path: string; key: string; body: string; response: string }>;
  const insert = db.prepare('INSERT OR IGNORE INTO idempotent_results VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const row of rows) {
      let segments: string[];
      try {
        segments = row.path
          .split('/')
          .filter((part) => part !== '')
          .map((part) => decodeURIComponent(part));
      } catch {
        continue;
      }
      const last = segments[segments.length - 1];
      if (last === 'sessions' || last === 'token') continue;
      insert.run(`POST /${segments.map(encodeURIComponent).join('/')}`, row.key, sm3Hex(row.body), row.response);
    }
    db.exec('DROP TABLE idempotency');
  })();
}

/** The store of one data folder. */
export class Store {
  readonly db: Database.Database;
  readonly seed: string;
  readonly keys: SandboxKey[];
  readonly created: boolean;

  private constructor(db: Database.Database, seed: string, keys: SandboxKey[], created: boolean) {
    this.db = db;
    this.seed = seed;
    this.keys = keys;
    this.created = created;
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, prepared once: preparing on every call cost more than most queries. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** Opens a data folder, seeding it when new. */
  static open(dataDir: string, seed: string): Store {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'sandbox.sqlite');
    const fresh = !existsSync(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    migrateIdempotency(db);
    const storedSeed = (db.prepare('SELECT value FROM meta WHERE key = ?').get('seed') as { value: string } | undefined)?.value;
    if (fresh || storedSeed === undefined) {
      const keys = deriveKeys(seed);
      saveKeys(dataDir, keys);
      const store = new Store(db, seed, keys, true);
      store.seedData();
      return store;
    }
    const keys = loadKeys(dataDir) ?? deriveKeys(storedSeed);
    return new Store(db, storedSeed, keys, false);
  }

  private seedData(): void {
    const data = generateSeedData(this.seed);
    const insertHolder = this.db.prepare('INSERT INTO holders VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertLicence = this.db.prepare(
      "INSERT INTO licences VALUES (@id, @holder, @type, @data, @status, @changed, @by, @status, @changed, @by, 'seed', @position)",
    );
    const insertOperator = this.db.prepare('INSERT INTO operators VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO meta VALUES (?, ?)').run('seed', this.seed);
      data.holders.forEach((holder, position) => {
        insertHolder.run(holder.idNumber, holder.idType, holder.name, holder.kind, holder.note, holder.hasPhone ? 1 : 0, position);
      });
      data.licences.forEach((licence, position) => {
        insertLicence.run({
          id: licence.id,
          holder: licence.holderId,
          type: licence.typeCode,
          data: JSON.stringify(licence),
          status: licence.status,
          changed: licence.statusChangedAt,
          by: licence.supersededBy,
          position,
        });
      });
      for (const operator of DEMO_OPERATORS) {
        const salt = randomBytes(16).toString('hex');
        insertOperator.run(
          operator.username,
          operator.id,
          operator.name,
          operator.role,
          operator.unitCode,
          operator.unitName,
          salt,
          hashPasswordSync(DEMO_PASSWORD, salt),
        );
      }
    })();
  }

  /**
   * Checks a demo account's password; the operator when it matches. An unknown username is
   * hashed all the same, so the answer takes as long. Off the event loop (see hashPassword).
   */
  async checkPassword(username: string, password: string): Promise<OperatorRow | null> {
    const row = this.sql('SELECT * FROM operators WHERE username = ?').get(username) as
      { username: string; id: string; name: string; role: Role; unit_code: string; unit_name: string; salt: string; hash: string } | undefined;
    const expected = Buffer.from(row?.hash ?? '00'.repeat(32), 'hex');
    const actual = await hashPassword(password, row?.salt ?? 'none');
    if (!row || !timingSafeEqual(expected, actual)) return null;
    return { username: row.username, id: row.id, name: row.name, role: row.role, unitCode: row.unit_code, unitName: row.unit_name };
  }

  createSession(token: string, username: string, workstationId: string, expiresAt: string): void {
    this.sql('INSERT INTO sessions VALUES (?, ?, ?, ?)').run(token, username, workstationId, expiresAt);
  }

  /** The operator of a session, or null when unknown or expired at `nowIso`. */
  sessionOperator(token: string, nowIso: string): OperatorRow | null {
    const row = this.sql('SELECT username, expires_at FROM sessions WHERE token = ?').get(token) as { username: string; expires_at: string } | undefined;
    if (!row || row.expires_at <= nowIso) return null;
    const op = this.sql('SELECT * FROM operators WHERE username = ?').get(row.username) as
      { username: string; id: string; name: string; role: Role; unit_code: string; unit_name: string } | undefined;
    return op ? { username: op.username, id: op.id, name: op.name, role: op.role, unitCode: op.unit_code, unitName: op.unit_name } : null;
  }

  holders(): SeedHolder[] {
    return (this.sql('SELECT * FROM holders ORDER BY position').all() as HolderDbRow[]).map(toHolder);
  }

  holder(idNumber: string): SeedHolder | null {
    const row = this.sql('SELECT * FROM holders WHERE id_number = ?').get(idNumber) as HolderDbRow | undefined;
    return row ? toHolder(row) : null;
  }

  private toLicence(row: {
    data: string;
    status: LicenceStatus;
    status_changed_at: string;
    superseded_by: string | null;
    origin: 'seed' | 'correction';
  }): LicenceRow {
    const data = JSON.parse(row.data) as SeedLicence;
    return { ...data, status: row.status, statusChangedAt: row.status_changed_at, supersededBy: row.superseded_by, origin: row.origin };
  }

  licence(id: string): LicenceRow | null {
    const row = this.sql('SELECT * FROM licences WHERE id = ?').get(id) as Parameters<Store['toLicence']>[0] | undefined;
    return row ? this.toLicence(row) : null;
  }

  licencesOf(holderId: string): LicenceRow[] {
    const rows = this.sql('SELECT * FROM licences WHERE holder_id = ? ORDER BY position').all(holderId) as Array<Parameters<Store['toLicence']>[0]>;
    return rows.map((row) => this.toLicence(row));
  }

  setStatus(id: string, status: LicenceStatus, changedAt: string, supersededBy: string | null): void {
    this.sql('UPDATE licences SET status = ?, status_changed_at = ?, superseded_by = ? WHERE id = ?').run(status, changedAt, supersededBy, id);
  }

  addCorrection(licence: SeedLicence): void {
    const position = (this.sql('SELECT MAX(position) AS p FROM licences').get() as { p: number }).p + 1;
    this.db
      .prepare("INSERT INTO licences VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, 'correction', ?)")
      .run(licence.id, licence.holderId, licence.typeCode, JSON.stringify(licence), licence.status, licence.statusChangedAt, licence.supersededBy, position);
  }

  licenceFile(id: string): LicenceFileRow | null {
    return (this.sql('SELECT pdf, hash, signed FROM licence_files WHERE id = ?').get(id) as LicenceFileRow | undefined) ?? null;
  }

  saveLicenceFile(id: string, file: LicenceFileRow): void {
    this.sql('INSERT OR IGNORE INTO licence_files VALUES (?, ?, ?, ?)').run(id, file.pdf, file.hash, file.signed);
  }

  /** Marks a token's jti used; false when it already was. */
  useToken(jti: string, at: string): boolean {
    return this.sql('INSERT OR IGNORE INTO used_tokens VALUES (?, ?)').run(jti, at).changes === 1;
  }

  saveGrant(id: string, data: unknown): void {
    this.sql('INSERT INTO grants VALUES (?, ?)').run(id, JSON.stringify(data));
  }

  /** Every grant issued since the last reset, oldest first. */
  grants(): unknown[] {
    return (this.db.prepare('SELECT data FROM grants ORDER BY rowid').all() as Array<{ data: string }>).map((row) => JSON.parse(row.data) as unknown);
  }

  grant<T>(id: string): T | null {
    const row = this.sql('SELECT data FROM grants WHERE id = ?').get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : null;
  }

  /** The first result kept under a key for a call (`route` is the method and normalised path). */
  idempotent(route: string, key: string): { bodyHash: string; response: string } | null {
    return (
      (this.sql('SELECT body_hash AS bodyHash, response FROM idempotent_results WHERE route = ? AND key = ?').get(route, key) as
        { bodyHash: string; response: string } | undefined) ?? null
    );
  }

  /** Keeps a call's first successful result: the request only as the SM3 of its canonical body. */
  saveIdempotent(route: string, key: string, bodyHash: string, response: string): void {
    this.sql('INSERT OR IGNORE INTO idempotent_results VALUES (?, ?, ?, ?)').run(route, key, bodyHash, response);
  }

  addUsageRecord(id: string, data: unknown): void {
    this.sql('INSERT INTO usage_records (id, data) VALUES (?, ?)').run(id, JSON.stringify(data));
  }

  usageRecords(): unknown[] {
    return (this.sql('SELECT data FROM usage_records ORDER BY seq').all() as Array<{ data: string }>).map((row) => JSON.parse(row.data) as unknown);
  }

  objection<T>(id: string): { request: string; data: T } | null {
    const row = this.sql('SELECT request, data FROM objections WHERE id = ?').get(id) as { request: string; data: string } | undefined;
    return row ? { request: row.request, data: JSON.parse(row.data) as T } : null;
  }

  addObjection(id: string, request: string, data: { updatedAt: string }): void {
    this.sql('INSERT INTO objections (id, request, data, updated_at) VALUES (?, ?, ?, ?)').run(id, request, JSON.stringify(data), data.updatedAt);
  }

  updateObjection(id: string, data: { updatedAt: string }): void {
    this.sql('UPDATE objections SET data = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(data), data.updatedAt, id);
  }

  /** The objections with the given ids, in filing order (one indexed read, not a scan). */
  objectionsById<T>(ids: readonly string[]): T[] {
    const rows = this.sql('SELECT data FROM objections WHERE id IN (SELECT value FROM json_each(?)) ORDER BY seq').all(JSON.stringify(ids)) as Array<{
      data: string;
    }>;
    return rows.map((row) => JSON.parse(row.data) as T);
  }

  objections<T>(): T[] {
    return (this.sql('SELECT data FROM objections ORDER BY seq').all() as Array<{ data: string }>).map((row) => JSON.parse(row.data) as T);
  }

  /** Restores the seeded state: tokens, grants, idempotent results, records, objections, statuses. */
  reset(): void {
    this.db.transaction(() => {
      this.db.exec(`
        DELETE FROM used_tokens; DELETE FROM grants; DELETE FROM idempotent_results; DELETE FROM usage_records; DELETE FROM objections;
        DELETE FROM licence_files WHERE id IN (SELECT id FROM licences WHERE origin = 'correction');
        DELETE FROM licences WHERE origin = 'correction';
        UPDATE licences SET status = seed_status, status_changed_at = seed_status_changed_at, superseded_by = seed_superseded_by;
      `);
    })();
  }

  close(): void {
    this.db.close();
  }
}
