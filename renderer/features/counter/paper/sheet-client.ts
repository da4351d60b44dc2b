import type { PageRequest, SheetReply } from './sheet-protocol';

/**
 * The page's side of the document camera's worker (sheet-worker.ts): one worker per paper
 * dialog, started at the first capture, each request answered by its id. A worker that dies
 * answers every waiting request with an error, and the next request starts a new one.
 */
export function useSheetWorker() {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, (reply: SheetReply) => void>();

  function failAll(message: string): void {
    for (const [id, resolve] of pending) resolve({ type: 'error', id, message });
    pending.clear();
  }

  function ensure(): Worker {
    if (worker) return worker;
    const started = new Worker(new URL('./sheet-worker.ts', import.meta.url), { type: 'module', name: 'paper-sheet' });
    started.onmessage = (event: MessageEvent<SheetReply>) => {
      const resolve = pending.get(event.data.id);
      pending.delete(event.data.id);
      resolve?.(event.data);
    };
    started.onerror = (event) => {
      event.preventDefault();
      started.terminate();
      if (worker === started) worker = null;
      failAll(event.message || 'the page worker stopped');
    };
    worker = started;
    return started;
  }

  /** Makes a page of a capture (the ImageBitmap, if any, is transferred). */
  function page(request: Omit<PageRequest, 'type' | 'id'>): Promise<SheetReply> {
    const id = ++nextId;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      try {
        // Plain points: corners held by the page's reactive state are proxies, which cannot be cloned.
        const corners = request.corners ? (request.corners.map(({ x, y }) => ({ x, y })) as PageRequest['corners']) : null;
        ensure().postMessage({ ...request, corners, type: 'page', id } satisfies PageRequest, request.image instanceof Blob ? [] : [request.image]);
      } catch (error) {
        pending.delete(id);
        resolve({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  /** Stops the worker; waiting requests are answered with an error. */
  function dispose(): void {
    worker?.terminate();
    worker = null;
    failAll('the paper dialog closed');
  }

  return { page, dispose };
}
