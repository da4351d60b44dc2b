import { liveQuery } from 'dexie';
import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';
import type { OutboxRow, WorkstationDb } from '../db/db';

/** How one outbox row's delivery is going. */
export type OutboxItemState = Pick<OutboxRow, 'state' | 'attempts' | 'lastError'>;

/** The live state of one outbox row, by its key (e.g. the usage record shown on a receipt). */
export function useOutboxItem(db: WorkstationDb, key: Ref<string | null>): Ref<OutboxItemState | null> {
  const item = ref<OutboxItemState | null>(null);
  let subscription: { unsubscribe(): void } | null = null;
  watch(
    key,
    (current) => {
      subscription?.unsubscribe();
      subscription = null;
      item.value = null;
      if (!current) return;
      subscription = liveQuery(() => db.outbox.where('key').equals(current).first()).subscribe({
        next: (row) => {
          item.value = row ? { state: row.state, attempts: row.attempts, lastError: row.lastError } : null;
        },
        error: () => undefined,
      });
    },
    { immediate: true },
  );
  if (getCurrentScope()) onScopeDispose(() => subscription?.unsubscribe());
  return item;
}
