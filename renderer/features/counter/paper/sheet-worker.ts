import { handleSheetRequest, type SheetReply, type SheetRequest } from './sheet-protocol';

/**
 * The document camera's worker: finds and straightens pages off the main thread, so that Space
 * can take the next page while the last one is processed. Start it with
 * `new Worker(new URL('./sheet-worker.ts', import.meta.url), { type: 'module' })`.
 */
interface WorkerScope {
  onmessage: ((event: MessageEvent<SheetRequest>) => void) | null;
  postMessage(reply: SheetReply, transfer?: Transferable[]): void;
}

// This module runs as a dedicated worker: its global `self` is the worker's scope, not the
// window the page's DOM types describe.
declare const self: WorkerScope;
const scope = self;

scope.onmessage = (event) => {
  const reply = handleSheetRequest(event.data);
  scope.postMessage(reply, reply.type === 'straightened' ? [reply.buffer] : []);
};
