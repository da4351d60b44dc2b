import type { AuditChainResult } from '../../../shared/audit-chain';
import type { WorkstationDb } from '../../db/db';
import { chainHasher, splitSeqs, stitchSegments, verifySegment, workstationEventReader, type ChainHashing, type SegmentResult } from './chain-segments';
import type { ChainWorkerMessage, ChainWorkerRequest } from './chain-worker';

/** A finished verification of the whole chain. */
export interface ChainVerification {
  result: AuditChainResult;
  /** Events in the chain when the verification started (the last seq). */
  total: number;
  ms: number;
  /** How the events were hashed ('javascript' if any part was: WebAssembly refused, say, by a CSP). */
  hashing: ChainHashing;
}

interface VerifiedSegment {
  result: SegmentResult;
  hashing: ChainHashing;
}

function segmentInWorker(request: ChainWorkerRequest, onProgress: (checked: number) => void): Promise<VerifiedSegment> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./chain-worker.ts', import.meta.url), { type: 'module', name: 'audit-chain' });
    worker.onmessage = (event: MessageEvent<ChainWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'progress') {
        onProgress(message.checked);
        return;
      }
      worker.terminate();
      if (message.type === 'done') resolve({ result: message.result, hashing: message.hashing });
      else reject(new Error(message.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'audit chain worker failed'));
    };
    worker.postMessage(request);
  });
}

/** How many workers share the chain: one per core, at least two, at most four. */
export function workerCount(): number {
  const cores = typeof navigator === 'undefined' ? 2 : navigator.hardwareConcurrency || 2;
  return Math.min(4, Math.max(2, cores));
}

/**
 * Verifies the whole local audit chain from its genesis. The seqs are split into contiguous
 * ranges, each verified by a Web Worker reading IndexedDB itself (or in this thread where there
 * are no workers), and the ranges are stitched back into one result: the first broken link, as
 * one pass would find it.
 */
export async function verifyLocalChain(
  db: WorkstationDb,
  onProgress: (checked: number, total: number) => void = () => {},
  parallel = workerCount(),
): Promise<ChainVerification> {
  const started = performance.now();
  const total = ((await db.auditEvents.orderBy('seq').lastKey()) as number | undefined) ?? 0;
  const ranges = splitSeqs(total, parallel);
  const progress = ranges.map(() => 0);
  const report = (i: number) => (checked: number) => {
    progress[i] = checked;
    onProgress(
      progress.reduce((a, b) => a + b, 0),
      total,
    );
  };
  const useWorkers = typeof Worker !== 'undefined';
  // Without workers every range runs in this thread; one hasher serves them all, because a page
  // is queued and flushed within one synchronous pushAll.
  const here = useWorkers ? null : { read: await workstationEventReader(db), ...(await chainHasher()) };
  const segments = await Promise.all(
    ranges.map(async (range, i): Promise<VerifiedSegment> =>
      here
        ? { result: await verifySegment(here.read, range.fromSeq, range.toSeq, report(i), undefined, here.batch), hashing: here.hashing }
        : segmentInWorker({ dbName: db.name, ...range }, report(i)),
    ),
  );
  const hashing = segments.some((s) => s.hashing === 'javascript') ? 'javascript' : 'wasm-simd';
  return { result: stitchSegments(segments.map((s) => s.result)), total, ms: performance.now() - started, hashing };
}
