import { WorkstationDb } from '../../db/db';
import { verifySegment, type SegmentResult } from './chain-segments';

/** What the page asks a chain worker to verify. */
export interface ChainWorkerRequest {
  dbName: string;
  fromSeq: number;
  toSeq: number;
}

/** What a chain worker reports. */
export type ChainWorkerMessage = { type: 'progress'; checked: number } | { type: 'done'; result: SegmentResult } | { type: 'error'; message: string };

const scope = self as unknown as { onmessage: ((event: MessageEvent<ChainWorkerRequest>) => void) | null; postMessage(message: ChainWorkerMessage): void };

// Each worker opens the database itself: reading and hashing then both run off the page's
// thread, and two workers read and hash two halves of the chain at once.
scope.onmessage = (event) => {
  const { dbName, fromSeq, toSeq } = event.data;
  const db = new WorkstationDb(dbName);
  verifySegment(db, fromSeq, toSeq, (checked) => scope.postMessage({ type: 'progress', checked }))
    .then((result) => scope.postMessage({ type: 'done', result }))
    .catch((error: unknown) => scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => db.close());
};
