import { Sm3Simd } from '../../sm3/sm3-simd';
import { indexedDbEventReader, verifySegment, type SegmentResult } from './chain-segments';

/** What the page asks a chain worker to verify. */
export interface ChainWorkerRequest {
  dbName: string;
  fromSeq: number;
  toSeq: number;
}

/** How a verification hashed: four events at a time in WebAssembly SIMD, or one at a time in JavaScript. */
export type ChainHashing = 'wasm-simd' | 'javascript';

/** What a chain worker reports. */
export type ChainWorkerMessage =
  | { type: 'progress'; checked: number }
  | { type: 'done'; result: SegmentResult; hashing: ChainHashing }
  | { type: 'error'; message: string };

const scope = self as unknown as { onmessage: ((event: MessageEvent<ChainWorkerRequest>) => void) | null; postMessage(message: ChainWorkerMessage): void };

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
  // SM3 four events at a time in WebAssembly SIMD, where the engine has it; otherwise in JavaScript.
  Promise.all([openDatabase(dbName), Sm3Simd.create().catch(() => null)])
    .then(async ([database, simd]) => {
      try {
        const progress = (checked: number) => scope.postMessage({ type: 'progress', checked });
        const result = await verifySegment(indexedDbEventReader(database), fromSeq, toSeq, progress, undefined, simd ?? undefined);
        scope.postMessage({ type: 'done', result, hashing: simd ? 'wasm-simd' : 'javascript' });
      } finally {
        database.close();
      }
    })
    .catch((error: unknown) => scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
