import { RETRYABLE_DELIVERY_CODES } from '../../shared/errors';
import { AppError } from '../host/client';
import { DeliveryError } from './outbox';

/** Turns a host call's failure into what the outbox needs to know: retry, or needs attention. */
export function deliveryErrorOf(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof AppError) return new DeliveryError(error.message, RETRYABLE_DELIVERY_CODES.has(error.code));
  return new DeliveryError(error instanceof Error ? error.message : String(error), true);
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
