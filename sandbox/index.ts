/**
 * The library sandbox: a stand-in for the city e-licence library (市电子证照库) that serves
 * docs/library-api.md over HTTP on loopback, from a SQLite data folder seeded with demo data. The host
 * starts it in-process as the embedded default; `sandbox/cli.ts` runs it alone.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleReaderRoutes } from './reader-routes';
import { startReaderSimulator, type RunningReaderSim } from './reader-sim';
import { SandboxApp } from './server';
import { Store } from './store';

/** The seed of the standard demo data. */
export const DEFAULT_SEED = 'sh-elicence-sandbox-v1';

/** Options of startSandbox. */
export interface SandboxOptions {
  /** Folder of the SQLite file and keys; seeded when new, reopened with its state otherwise. */
  dataDir: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Seed of the demo data of a new folder (an existing folder keeps its own). */
  seed?: string;
  /** The clock, for tests of expiry. */
  now?: () => Date;
  /** Where start-up lines and internal errors go. */
  log?: (line: string) => void;
  /**
   * The ID-card reader simulator beside the sandbox (reader-sim.ts): on by default, on a free
   * port or the one given; `false` runs the sandbox without it.
   */
  reader?: false | { port?: number };
}

/** A running sandbox. */
export interface RunningSandbox {
  url: string;
  port: number;
  /** Its root public key (as `GET /api/v1/trust/root` publishes it): what a host running it in-process pins. */
  rootKey: { kid: string; publicKey: string };
  /** The reader simulator's service (`POST <httpUrl>/api/ReadCard`, `<wsUrl>/ws`), null when not started. */
  reader: { httpUrl: string; wsUrl: string } | null;
  close(): Promise<void>;
}

/** Starts the sandbox on 127.0.0.1 and resolves once it serves. */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const store = Store.open(options.dataDir, options.seed ?? DEFAULT_SEED);
  log(`sandbox: ${store.created ? 'seeded' : 'reopened'} ${options.dataDir} in ${Date.now() - started} ms`);
  const app = new SandboxApp({ store, now: options.now ?? (() => new Date()), log });
  let reader: RunningReaderSim | null = null;
  try {
    if (options.reader !== false) reader = await startReaderSimulator({ store, port: options.reader?.port ?? 0, log });
  } catch (error) {
    store.close();
    throw error;
  }
  // The holder page and the reader calls are the simulator's; every other request is the sandbox's.
  const server = createServer((req, res) => {
    handleReaderRoutes(req, res, store, reader?.simulator ?? null)
      .then((handled) => (handled ? undefined : app.handle(req, res)))
      .catch((error: unknown) => {
        log(`sandbox: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await reader?.close();
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    rootKey: app.rootKey,
    reader: reader ? { httpUrl: reader.httpUrl, wsUrl: reader.wsUrl } : null,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          void (reader?.close() ?? Promise.resolve()).then(() => {
            store.close();
            resolve();
          });
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
