import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/** The host's own event log in the data folder: what happened before any page could record it. */
export function hostEventLogFile(dataDir: string): string {
  return join(dataDir, 'host-events.log');
}

/**
 * Appends one event as a JSON line (`{"at", "kind", ...}`) to `<dataDir>/host-events.log`,
 * flushed to the disk. For what the host must leave a trace of although it cannot serve the
 * page that keeps the audit chain (a refused start). A failure to log is reported, never thrown.
 */
export function logHostEvent(dataDir: string, kind: string, details: Record<string, unknown>, now: Date = new Date()): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    const file = hostEventLogFile(dataDir);
    appendFileSync(file, `${JSON.stringify({ at: now.toISOString(), kind, ...details })}\n`, { mode: 0o600 });
    const fd = openSync(file, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    console.error(`workstation: could not write the host event log in ${dataDir}:`, error);
  }
}
