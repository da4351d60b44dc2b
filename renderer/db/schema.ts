/**
 * The local database's schema as an append-only list of versions (docs/architecture.md §10.10): a released
 * version is never edited; a change is a new entry, with its upgrade if data must move.
 * IndexedDB is per origin, so the workstation's origin never changes (docs/architecture.md §10.10).
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
      // Everything waiting to reach the library: usage records and objections (docs/architecture.md §6).
      outbox: '++id, &key, kind, state, createdAt, [state+createdAt]',
      objections: '&id, state, licenceId, filedAt, updatedAt',
      // Paper pages as Blobs, with thumbnails (Art. 22).
      paperScans: '++id, caseNo, materialId, createdAt',
      // Catalog, usage lists and trust list, with version and age, for offline work.
      referenceCache: '&name, fetchedAt',
    },
  },
  {
    version: 2,
    stores: {
      // The supervisor's audit viewer pages newest first by (at, seq) under any filter, so each
      // filter has an index ending in at+seq: a page is one bounded range read (keyset paging).
      auditEvents:
        '&seq, at, kind, case, operator, [kind+at], [operator+at], [at+seq], [kind+at+seq], [operator+at+seq], [operator+kind+at+seq], [case+at+seq]',
      // The dashboard's tally of each Asia/Shanghai day, derived from `cases` (which stays the
      // record): a period is read as one row per day instead of every case.
      caseDays: '&day',
      // Random reviews (随机抽查, Art. 29): the draw with its seed, and the findings.
      reviews: '&id, drawnAt',
    },
  },
  {
    version: 3,
    stores: {
      // A completed case keeps its holder's name only while Art. 11's catch-up is pending
      // (shared/catch-up.ts). The index holds just those few cases (IndexedDB leaves rows
      // without the field out of it), so the start-up sweep finds the expired names without
      // reading every case. Likewise the catch-up's answer by state: the clerk's banner reads
      // the few cases waiting for the clerk, not every case of the last 30 days after each write.
      cases: '&caseNo, status, openedAt, completedAt, matterCode, training, catchUpHolder.keepUntil, catchUp.state',
    },
  },
  {
    version: 4,
    stores: {
      // The audit viewer reads only the at+seq indexes of version 2; version 1's six others
      // (at, kind, case, operator, [kind+at], [operator+at]) were written on every event and
      // never read. Without them each event is five index entries instead of eleven, and the
      // database a supervisor's chain verification reads through is about half the size.
      auditEvents: '&seq, [at+seq], [kind+at+seq], [operator+at+seq], [operator+kind+at+seq], [case+at+seq]',
    },
  },
  {
    version: 5,
    stores: {
      // Delivered rows by their delivery time, for the start-up sweep that removes them after
      // the retention (a row not yet delivered has no deliveredAt and is left out of the index).
      outbox: '++id, &key, kind, state, createdAt, [state+createdAt], deliveredAt',
    },
    // A delivered row keeps no personal data (Art. 27): only the case number of a usage record
    // or the id of an objection, its delivery time and the library's answer. Rows delivered
    // before this version still hold the whole record (the holder's name and ID number, an
    // objection's evidence); they lose it here. Their delivery time was not kept: the time they
    // were queued stands in for it (earlier, so the sweep removes them no later than their due).
    // Written out here, not shared with the outbox's code: a released upgrade never changes.
    upgrade: async (tx) => {
      await tx
        .table('outbox')
        .where('state')
        .equals('delivered')
        .modify((row: Record<string, unknown>) => {
          const payload = (row.payload ?? {}) as Record<string, unknown>;
          const text = (value: unknown) => (typeof value === 'string' ? value : null);
          row.payload = row.kind === 'usage_record' ? { caseNo: text(payload.caseNo) } : { id: text(payload.id) };
          row.deliveredAt = typeof row.deliveredAt === 'string' ? row.deliveredAt : row.createdAt;
          row.answer = row.answer ?? null;
        });
    },
  },
  {
    version: 6,
    stores: {
      // Who is who (issue 10 item 9): events, cases and reviews are stored under the library's
      // operator id, but a supervisor knows a clerk by name and 工号. Each operator who signs in
      // here is kept by id with the name the library gave and the username typed; the audit
      // filter and every view of an operator read it. A few rows per hall, read whole.
      operators: '&id',
      // A day's tally now counts the training cases apart (a workstation in training shows them
      // to its supervisor); the tallies are derived from `cases`, so the old ones are dropped
      // and rebuilt from the cases on the next read.
      caseDays: '&day',
    },
    upgrade: async (tx) => {
      await tx.table('caseDays').clear();
    },
  },
  {
    version: 7,
    stores: {},
    // Issue 12 item 2: a case's `record` held `{matterName}` while it was open (or cancelled) and
    // the purged case once completed. Each now has its own field: `matterName` on an open or
    // cancelled case, `kept` on a completed one. Every open row the counter wrote has its matter's
    // name; one without stands in its matter's code, as the supervisor's lists already do.
    upgrade: async (tx) => {
      await tx
        .table('cases')
        .toCollection()
        .modify((row: Record<string, unknown>) => {
          if (!('record' in row)) return;
          const record = row.record;
          delete row.record;
          if (row.status === 'completed') {
            row.kept = record;
            return;
          }
          const name = record !== null && typeof record === 'object' ? (record as { matterName?: unknown }).matterName : undefined;
          row.matterName = typeof name === 'string' ? name : row.matterCode;
        });
      // Issue 12 item 5: a day tally carries the version of the tally's definition it was built
      // by, and one of an older version is rebuilt when read. The tallies stored now were all
      // rebuilt since version 6 cleared them, by the definition numbered 1.
      await tx
        .table('caseDays')
        .toCollection()
        .modify((row: Record<string, unknown>) => {
          row.definition = 1;
        });
    },
  },
  {
    version: 8,
    stores: {
      // Issue 13: the records stream to the hall (shared/hall-api.ts). Each completed or cancelled
      // case and each change of an objection's state is numbered once, here, by the one sync sender
      // of the origin, in the transaction that moves the journal's cursor over the audit chain
      // (`hallSync`): a crash leaves both or neither, and the unique key keeps an item from being
      // numbered twice. The hall holds (workstation, seq) once and the sync resumes from its highest.
      hallRecords: '&seq, &key',
      hallSync: '&id',
    },
  },
];
