import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue';
import type { WorkstationDb } from '../db/db';
import { watchUnsentCount } from './outbox';

/** A live count of outbox rows the library has not confirmed (the pending badge). */
export function useUnsentCount(db: WorkstationDb): Ref<number> {
  const count = ref(0);
  const subscription = watchUnsentCount(db, (n) => {
    count.value = n;
  });
  if (getCurrentScope()) onScopeDispose(() => subscription.unsubscribe());
  return count;
}
