import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue';
import type { WorkstationDb } from '../db/db';
import { watchUnsentCount } from './outbox';

/**
 * A live count of outbox rows the library has not confirmed (the pending badge); null until
 * IndexedDB first answers, so that a fresh page never claims "nothing pending" before it knows.
 */
export function useUnsentCount(db: WorkstationDb): Ref<number | null> {
  const count = ref<number | null>(null);
  const subscription = watchUnsentCount(db, (n) => {
    count.value = n;
  });
  if (getCurrentScope()) onScopeDispose(() => subscription.unsubscribe());
  return count;
}
