import Dexie, { type ObservabilitySet } from 'dexie';

/** A running watch; `unsubscribe` ends it. */
export interface TableWatch {
  unsubscribe(): void;
}

/**
 * Runs `query` now and again after each committed write to one of `tables` (in this tab or,
 * through Dexie's broadcast, another), handing each answer to `next`. Several writes in one
 * task give one re-read, and a write during a read gives one more read after it.
 *
 * For a query that lives all day, watching little, in a page that writes a lot: Dexie's
 * `liveQuery` merges the ranges of every write to the database into a pending set and clears
 * that set only when the query runs again, so a query that no write touches (the catch-up
 * banner's, which waits for a rare state) keeps a range node for every other write of the day —
 * over 20,000 after 200 cases. This keeps no ranges: a write either names one of the tables, and
 * the query runs, or it is forgotten. The price is a re-read on writes to the table that do not
 * concern the query, so keep it for a cheap, indexed query over a table that is written seldom.
 */
export function watchTables<T>(
  db: Dexie,
  tables: readonly string[],
  query: () => Promise<T>,
  handlers: { next: (value: T) => void; error?: (error: unknown) => void },
): TableWatch {
  const prefixes = tables.map((table) => `idb://${db.name}/${table}/`);
  let closed = false;
  let scheduled = false;
  let reading = false;
  let again = false;

  async function read(): Promise<void> {
    scheduled = false;
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const value = await query();
        // An answer overtaken by a write is not shown: the next read's is.
        if (!closed && !again) handlers.next(value);
      } while (again && !closed);
    } catch (error) {
      if (!closed) handlers.error?.(error);
    } finally {
      reading = false;
    }
  }

  // Out of the writing transaction's zone (the event fires in it) and once per task.
  function schedule(): void {
    if (scheduled || closed) return;
    scheduled = true;
    setTimeout(() => void read(), 0);
  }

  const onMutated = (parts: ObservabilitySet) => {
    if ('all' in parts || Object.keys(parts).some((part) => prefixes.some((prefix) => part.startsWith(prefix)))) schedule();
  };
  Dexie.on('storagemutated', onMutated);
  schedule();
  return {
    unsubscribe() {
      if (closed) return;
      closed = true;
      Dexie.on.storagemutated.unsubscribe(onMutated);
    },
  };
}
