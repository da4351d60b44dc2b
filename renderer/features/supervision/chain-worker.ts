import { chainHasher, indexedDbEventReader, verifySegment, type ChainHashing, type SegmentResult } from './chain-segments';

/** What the page asks a chain worker to verify. */
export interface ChainWorkerRequest {
  dbName: string;
  fromSeq: number;
  toSeq: number;
}

/** What a chain worker reports. */
export type ChainWorkerMessage =
  { type: 'progress'; checked: number } | { type: 'done'; result: SegmentResult; hashing: ChainHashing } | { type: 'error'; message: string };

// This module runs as a dedicated worker: its global `self` is the worker's scope, not the
// window the page's DOM types describe.
declare const self: { onmessage: ((event: MessageEvent<ChainWorkerRequest>) => void) | null; postMessage(message: ChainWorkerMessage): void };
const scope = self;

// Each worker opens the database itself (raw IndexedDB at its current version; no Dexie to
// load): reading and hashing then both run off the page's thread.
function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  });
}

scope.onmessage = (event) => {
  const { dbName, fromSeq, toSeq } = event.data;
  Promise.all([openDatabase(dbName), chainHasher()])
    .then(async ([database, { batch, hashing }]) => {
      try {
        const progress = (checked: number) => scope.postMessage({ type: 'progress', checked });
        const result = await verifySegment(indexedDbEventReader(database), fromSeq, toSeq, progress, undefined, batch);
        scope.postMessage({ type: 'done', result, hashing });
      } finally {
        database.close();
      }
    })
    .catch((error: unknown) => scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
