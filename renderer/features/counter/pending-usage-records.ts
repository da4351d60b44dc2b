import { liveQuery } from 'dexie';
import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue';
import type { WorkstationDb } from '../../db/db';
import { UNSENT_STATES } from '../../outbox/outbox';

/**
 * How many usage records the library has not confirmed: the counter's 待上报用证记录 (the header's
 * badge counts objections too). Read as primary keys only — the unsent rows of each state and
 * the usage-record rows — so that a backlog of objections with their evidence, drained while the
 * counter is open, costs a few key lists per change and never a walk over the rows' payloads.
 */
export async function unsentUsageRecordCount(db: WorkstationDb): Promise<number> {
  const [usageRecords, ...unsent] = await Promise.all([
    db.outbox.where('kind').equals('usage_record').primaryKeys(),
    ...UNSENT_STATES.map((state) => db.outbox.where('state').equals(state).primaryKeys()),
  ]);
  const isUsageRecord = new Set(usageRecords);
  return unsent.reduce((sum, ids) => sum + ids.filter((id) => isUsageRecord.has(id)).length, 0);
}

/** A live {@link unsentUsageRecordCount}; null until IndexedDB first answers. */
export function useUnsentUsageRecords(db: WorkstationDb): Ref<number | null> {
  const count = ref<number | null>(null);
  const subscription = liveQuery(() => unsentUsageRecordCount(db)).subscribe({
    next: (n) => {
      count.value = n;
    },
    error: () => undefined,
  });
  if (getCurrentScope()) onScopeDispose(() => subscription.unsubscribe());
  return count;
}
