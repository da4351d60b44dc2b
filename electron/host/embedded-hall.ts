import { join } from 'node:path';
import { startHall, type RunningHall } from '../../hall/index';
import type { LibraryAccount } from '../../hall/library';
import type { HostSettings } from '../../shared/contract';
import type { EmbeddedSandbox } from './embedded-sandbox';
import type { EmbeddedHallTarget } from './hall-link';

/** The hall inside the host process: started on first need, at most once. */
export interface EmbeddedHall {
  /** Starts it if it is not running (PGlite in `<dataDir>/hall`) and says where it is. */
  open(): Promise<EmbeddedHallTarget>;
  /** The running hall, if it was started (its URL for `HALL_URL`). */
  running(): Promise<RunningHall | null>;
  /** Stops it if it was started. */
  close(): Promise<void>;
}

/** Options of the embedded hall. */
export interface EmbeddedHallOptions {
  /** Address to listen on (`--hall-bind`): 127.0.0.1 by default; a LAN address lets the hall's other windows enrol with it. */
  bind?: string;
  /** Port (`--hall-port`); 0 (the default) picks a free one. */
  port?: number;
  /**
   * The library the hall caches reference data from, asked when the hall starts: the sandbox's
   * demo account when the workstation runs on the sandbox; null (no cache) with a production
   * library, for which a hall needs an account of its own.
   */
  library?: () => Promise<LibraryAccount | null>;
  log?: (line: string) => void;
}

/**
 * The hall `npm start` runs beside the workstation when it is pointed at no other (`--hall`):
 * PGlite under the host's data folder, so that the 全厅 views work out of the box on one machine
 * (training, a single window). Concurrent opens share one start; a start that failed is tried
 * again on the next open.
 */
export function embeddedHall(dataDir: string, options: EmbeddedHallOptions = {}): EmbeddedHall {
  let started: Promise<RunningHall> | null = null;
  return {
    async open() {
      started ??= (async () =>
        startHall({
          dataDir: join(dataDir, 'hall'),
          port: options.port ?? 0,
          bind: options.bind ?? '127.0.0.1',
          library: options.library ? await options.library() : null,
          log: options.log,
        }))().catch((error: unknown) => {
        started = null;
        throw error;
      });
      const hall = await started;
      return { url: hall.url, publicKey: hall.publicKey, enrolmentCode: async () => (await hall.enrolmentCode()).code };
    },
    async running() {
      return started ? await started.catch(() => null) : null;
    },
    async close() {
      const hall = started;
      started = null;
      if (hall) await (await hall).close();
    },
  };
}

/**
 * The library account of the embedded hall: with no production library configured, the
 * sandbox's demo account with the fewest rights (`officer01`: it cannot pull licences), so that
 * the hall caches the sandbox's catalog, usage lists and trust list. A production library gives
 * a hall an account of its own (hall/README.md): the embedded hall then caches nothing.
 */
export function hallLibraryAccount(settings: Pick<HostSettings, 'libraryUrl' | 'rootKey'>, sandbox: EmbeddedSandbox): () => Promise<LibraryAccount | null> {
  return async () => {
    if (settings.libraryUrl && settings.rootKey) return null;
    const target = await sandbox.open();
    return { url: target.url, rootKey: target.rootKey, username: 'officer01', password: 'demo' };
  };
}
