import { defineStore } from 'pinia';
import { liveQuery } from 'dexie';
import type { Ref } from 'vue';
import type { Matter, UsageRecordRequest } from '../../shared/library-api';
import type { EditMatter, UsageRecordEdit } from '../../shared/usage-record-edit';
import { useServices } from '../app/services';
import { useUnsentUsageRecords } from '../features/counter/pending-usage-records';
import { unsentPage, type ResendResult, type UnsentPage } from '../features/outbox/usage-records';
import type { FlushResult } from '../outbox/outbox';
import { useOutboxItem, type OutboxItemState } from '../outbox/useOutboxItem';
import { useUnsentCount } from '../outbox/useUnsentCount';

/** A live read the caller ends. */
export interface Watch {
  unsubscribe(): void;
}

/**
 * The outbox as the pages see it: what is waiting for the library (the 待发送 badge and list,
 * the counter's 待上报用证记录, a receipt's record), sending now, and the correction of a usage
 * record the library refused. The `watch…` reads live as long as the calling component.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const { db, outbox, usageRecords, reference } = useServices();

  /** A page of the unsent list, re-read after each change until unsubscribed. */
  function watchUnsentPage(offset: number, limit: number, next: (page: UnsentPage) => void): Watch {
    return liveQuery(() => unsentPage(db, offset, limit)).subscribe({ next, error: () => undefined });
  }

  /** A refused usage record to correct, with the library's refusal. */
  async function correction(id: number): Promise<{ record: UsageRecordRequest; refusal: string | null }> {
    const [record, row] = await Promise.all([usageRecords.recordOf(id), db.outbox.get(id)]);
    return { record, refusal: row?.lastError ?? null };
  }

  /** The usage lists a correction is checked against: the library's, or its last copy; none when neither is to be had. */
  async function usageLists(): Promise<Matter[]> {
    return (await reference.load('matters').catch(() => null))?.body.matters ?? [];
  }

  return {
    /** How many items the library has not confirmed (the header's badge); null until known. */
    watchUnsentCount: (): Ref<number | null> => useUnsentCount(db),
    /** How many usage records the library has not confirmed (the counter's line); null until known. */
    watchUnsentUsageRecords: (): Ref<number | null> => useUnsentUsageRecords(db),
    /** One item's delivery, by its key (the usage record on a receipt). */
    watchItem: (key: Ref<string | null>): Ref<OutboxItemState | null> => useOutboxItem(db, key),
    watchUnsentPage,
    /** Sends what is queued now, whatever the backoff. */
    sendNow: (): Promise<FlushResult> => outbox.flush({ now: true }),
    /** Sends a refused usage record again as it is (audited). */
    retryAsIs: (id: number): Promise<void> => usageRecords.retryAsIs(id),
    correction,
    usageLists,
    /** Saves a correction of a refused usage record and sends it again (nothing saved when a check fails). */
    resend: (id: number, edit: UsageRecordEdit, matters?: readonly EditMatter[]): Promise<ResendResult> => usageRecords.resend(id, edit, matters),
  };
});
