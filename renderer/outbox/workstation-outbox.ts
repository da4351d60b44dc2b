import { RETRYABLE_DELIVERY_CODES } from '../../shared/errors';
import { AppError } from '../host/client';
import { workstationDb } from '../db/db';
import { createOutbox, DeliveryError, type Outbox, type OutboxBatchSender, type OutboxKind, type OutboxSender } from './outbox';
import { broadcastWakeChannel, webSenderLock } from './sender-lock';


/** Turns a host call's failure into what the outbox needs to know: retry, or needs attention. */
export function deliveryErrorOf(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof AppError) return new DeliveryError(error.message, RETRYABLE_DELIVERY_CODES.has(error.code));
  return new DeliveryError(error instanceof Error ? error.message : String(error), true);
}

const senders: Partial<Record<OutboxKind, OutboxSender>> = {};
const batchSenders: Partial<Record<OutboxKind, OutboxBatchSender>> = {};
let shared: Outbox | null = null;

/**
 * The page's one outbox (objections and usage records alike): one drain at a time for
 * everything queued, oldest first. Each feature registers the sender of its kind; a row whose
 * kind has no sender yet waits in the queue. Of all the workstation's tabs only one sends (the
 * holder of the origin's Web Lock); the others wake it when they queue something.
 */
export function workstationOutbox(): Outbox {
  // Four calls in flight (a sequential drain is bound by the round trip, not by the library),
  // and objections ten to a call (see registerBatchSender): a hundred rows claimed and settled
  // per transaction keeps four calls busy.
  const locks = globalThis.navigator?.locks;
  shared ??= createOutbox({
    // Without Web Locks (no browser the workstation runs in) the page sends alone, as before.
    ...(locks ? { lock: webSenderLock(locks) } : {}),
    ...(typeof BroadcastChannel === 'function' ? { wake: broadcastWakeChannel() } : {}),
    db: workstationDb(),
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    batchSize: 100,
    concurrency: 4,
    recordTables: ['objections'],
    senders,
    batchSenders,
  });
  return shared;
}

/** Registers (or replaces) the batch sender of one kind: its rows then go several to a call. */
export function registerBatchSender(kind: OutboxKind, sender: OutboxBatchSender): void {
  batchSenders[kind] = sender;
}

/** Registers (or replaces) the sender of one kind of outbox row. */
export function registerSender(kind: OutboxKind, sender: OutboxSender): void {
  senders[kind] = sender;
}

/** Whether the browser keeps this origin's storage under pressure; asked once, the answer shown. */
export async function requestPersistentStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<boolean> {
  if (!storage?.persist) return false;
  try {
    if (await storage.persisted()) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}


/** The shared outbox for a feature whose sender is registered elsewhere; its stop() stops nothing. */
export function sharedOutbox(): Outbox {
  const outbox = workstationOutbox();
  return {
    flush: outbox.flush,
    retry: outbox.retry,
    start: outbox.start,
    stop: () => undefined,
    get sending() {
      return outbox.sending;
    },
  };
}
