/**
 * The local database's schema as an append-only list of versions (STYLE.md 10): a released
 * version is never edited; a change is a new entry, with its upgrade if data must move.
 * IndexedDB is per origin, so the workstation's origin never changes (DESIGN.md 7).
 */
import type { Transaction } from 'dexie';

/** One schema version: Dexie store definitions and an optional upgrade. */
export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/** Every schema version, oldest first. */
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      // The local audit chain (Art. 26): seq is assigned by the chain, never by IndexedDB.
      auditEvents: '&seq, at, kind, case, operator, [kind+at], [operator+at]',
      // Counter cases; only identifiers, outcomes and hashes stay after completion (Art. 27).
      cases: '&caseNo, status, openedAt, completedAt, matterCode, training',
      // Everything waiting to reach the library: usage records and objections (DESIGN.md 6).
      outbox: '++id, &key, kind, state, createdAt, [state+createdAt]',
      objections: '&id, state, licenceId, filedAt, updatedAt',
      // Paper pages as Blobs, with thumbnails (Art. 22).
      paperScans: '++id, caseNo, materialId, createdAt',
      // Catalog, usage lists and trust list, with version and age, for offline work.
      referenceCache: '&name, fetchedAt',
    },
  },
];
