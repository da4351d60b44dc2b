/**
 * The hall node (docs/architecture.md §3.7): the server every workstation of one district hall syncs
 * to over the hall's LAN, on PostgreSQL — a server the hall's IT runs and backs up, or PGlite
 * in the data folder for a single machine or training. `hall/cli.ts` runs it alone; a host
 * can start it in-process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { openPglite, openPostgres, type Database } from './db';
import { migrate } from './migrations';
import { figureTrainingCases } from './case-figures';
import { loadIdentity, type HallIdentity } from './identity';
import { Authenticator } from './auth';
import { IngestService } from './ingest';
import { SupervisionService } from './supervision';
import { LibraryMirror, type LibraryAccount } from './library';
import { hallRequestHandler, hallRoutes } from './server';
import { listenAdmin } from './admin';

/** Options of startHall. */
export interface HallOptions {
  /** The data folder: PGlite's database (without `databaseUrl`) and the admin socket. */
  dataDir: string;
  /** `postgres://…` of a PostgreSQL server; null or absent for PGlite under `dataDir`. */
  databaseUrl?: string | null;
  /** An open database instead (tests, benchmarks); `databaseUrl` is then ignored and it is not closed by the hall. */
  database?: Database;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default (a real hall listens on its LAN address, or 0.0.0.0). */
  bind?: string;
  /** The hall's name, set on its first start (e.g. 浦东新区行政服务中心). */
  name?: string;
  /** The library the hall caches reference data from; null for none. */
  library?: LibraryAccount | null;
  /** Whether to listen on the admin socket (default true; tests of several halls on one folder turn it off). */
  admin?: boolean;
  /** The ingest service, to be replaced by a benchmark's baseline. */
  ingest?: (db: Database, identity: HallIdentity, now: () => Date, log: (line: string) => void) => IngestService;
  now?: () => Date;
  log?: (line: string) => void;
}

/** A running hall. */
export interface RunningHall {
  /** The URL workstations use (`HALL_URL`). */
  url: string;
  port: number;
  hallId: string;
  publicKey: string;
  fingerprint: string;
  engine: Database['engine'];
  db: Database;
  library: LibraryMirror;
  /** A new one-time enrolment code (what `npm run hall -- enrol` prints). */
  enrolmentCode(): Promise<{ code: string; expiresAt: string }>;
  close(): Promise<void>;
}

/** The URL to print for an address: a wildcard address is shown as the machine's first LAN address. */
export function publicUrl(bind: string, port: number): string {
  let host = bind;
  if (bind === '0.0.0.0' || bind === '::') {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    host = lan?.address ?? '127.0.0.1';
  }
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Opens the hall's database: PostgreSQL when a URL is given, PGlite under the data folder otherwise. */
export async function openHallDatabase(dataDir: string, databaseUrl: string | null | undefined): Promise<Database> {
  if (databaseUrl) return openPostgres(databaseUrl);
  mkdirSync(join(dataDir, 'pglite'), { recursive: true, mode: 0o700 });
  return openPglite(join(dataDir, 'pglite'));
}

/** Starts the hall and resolves once it serves. */
export async function startHall(options: HallOptions): Promise<RunningHall> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const ownsDb = !options.database;
  const db = options.database ?? (await openHallDatabase(options.dataDir, options.databaseUrl));
  let server: Server | null = null;
  let admin: Server | null = null;
  let mirror: LibraryMirror | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  const shutdown = async (): Promise<void> => {
    mirror?.stop();
    if (sweeper) clearInterval(sweeper);
    await Promise.all(
      [server, admin].map(
        (s) =>
          s &&
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    if (ownsDb) await db.close();
  };
  try {
    const applied = await migrate(db);
    if (applied.length) log(`hall: schema migrated to version ${applied.at(-1)}`);
    const figured = await figureTrainingCases(db);
    if (figured) log(`hall: ${figured} training cases received before the training scope given their figures`);
    const identity = await loadIdentity(db, options.name ?? '区行政服务中心');
    const auth = new Authenticator(db, identity, now);
    const ingest = options.ingest ? options.ingest(db, identity, now, log) : new IngestService(db, identity, now, log);
    const supervision = new SupervisionService(db, now, log);
    mirror = new LibraryMirror(db, options.library ?? null, identity.hallId, now, log);
    const handle = hallRequestHandler(hallRoutes({ auth, ingest, supervision, library: mirror }), auth, identity, log);
    if (options.admin !== false) {
      admin = await listenAdmin(
        options.dataDir,
        {
          enrolmentCode: async () => ({ ...(await auth.newEnrolmentCode()), hallId: identity.hallId, fingerprint: identity.fingerprint }),
          workstations: () => supervision.workstations(),
          revoke: (workstationId, reason) => supervision.revokeWorkstation({ workstation: workstationId, reason }, { id: 'hall-admin' }),
        },
        log,
      );
    }
    server = createServer((req, res) => void handle(req, res));
    // A supervisor's verification of a long chain answers after seconds, on PGlite after minutes:
    // Node's default would cut a request still unanswered after 5 minutes.
    server.requestTimeout = 30 * 60_000;
    // Windows push back to back over kept-alive connections; Node's 5-second default closes one
    // that waited on a busy hall (PGlite works on the event loop) just as the next push is sent.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    const bind = options.bind ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? 0, bind, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    sweeper = setInterval(() => void auth.forgetOldNonces().catch(() => undefined), 60_000);
    sweeper.unref();
    mirror.start();
    let closing: Promise<void> | null = null;
    return {
      url: publicUrl(bind, port),
      port,
      hallId: identity.hallId,
      publicKey: identity.publicKey,
      fingerprint: identity.fingerprint,
      engine: db.engine,
      db,
      library: mirror,
      enrolmentCode: () => auth.newEnrolmentCode(),
      close() {
        closing ??= shutdown();
        return closing;
      },
    };
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
}
