import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file so that a crash or a power cut leaves either the old content or the new, never
 * half of it: written aside and flushed to the disk (fsync), renamed into place, and the rename
 * itself flushed (fsync of the folder). Without the two flushes the rename may reach the disk
 * before the data, and a power cut then leaves an empty or truncated file.
 */
export function writeFileAtomic(file: string, text: string, mode?: number): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  const aside = `${file}.tmp`;
  // A file left aside by an earlier crash may have other permissions: start afresh.
  rmSync(aside, { force: true });
  const fd = openSync(aside, 'w', mode ?? 0o666);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(aside, file);
  syncFolder(folder);
}

function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch (error) {
    // Windows cannot open or flush a folder (its renames are journaled by NTFS); elsewhere a
    // failure here is a real one.
    if (process.platform !== 'win32') throw error;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
