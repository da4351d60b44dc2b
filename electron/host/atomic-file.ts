import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes a file aside and renames it into place, so that a crash never leaves it half-written. */
export function writeFileAtomic(file: string, text: string, mode?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text, mode === undefined ? undefined : { mode });
  renameSync(`${file}.tmp`, file);
}
