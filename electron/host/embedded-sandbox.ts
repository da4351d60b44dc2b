import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import type { LibraryTarget } from './host';

/** The library sandbox inside the host process: started on first need, at most once. */
export interface EmbeddedSandbox {
  /** Starts it if it is not running (in `<dataDir>/sandbox`) and says where it is and which root key to pin. */
  open(): Promise<LibraryTarget>;
  /** Stops it if it was started. */
  close(): Promise<void>;
}

/**
 * The sandbox both hosts (`npm start`'s browser-mode host and the Electron main process) run
 * when no library is configured or a supervisor switches to training. It runs in this process,
 * so its own root key is the one to pin. Concurrent opens share one start; a start that failed
 * is tried again on the next open.
 */
export function embeddedSandbox(dataDir: string): EmbeddedSandbox {
  let running: Promise<RunningSandbox> | null = null;
  return {
    async open() {
      running ??= startSandbox({ dataDir: join(dataDir, 'sandbox'), port: 0 }).catch((error: unknown) => {
        running = null;
        throw error;
      });
      const sandbox = await running;
      return { url: sandbox.url, rootKey: sandbox.rootKey, reader: sandbox.reader };
    },
    async close() {
      const started = running;
      running = null;
      if (started) await (await started).close();
    },
  };
}
