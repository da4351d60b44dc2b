import { defineStore } from 'pinia';
import { liveQuery } from 'dexie';
import type { CatalogResponse } from '../../shared/library-api';
import { useServices } from '../app/services';
import { objectionPage, type ListedObjection, type ObjectionDelivery, type ObjectionDraft } from '../features/objections/objections';
import type { Watch } from './outbox';

/** Objections (Art. 23) as the pages file and follow them. */
export const useObjectionsStore = defineStore('objections', () => {
  const { db, outbox, objections, reference } = useServices();

  /** A page of the list, re-read after each change until unsubscribed. */
  function watchPage(offset: number, limit: number, next: (page: { count: number; list: ListedObjection[] }) => void): Watch {
    return liveQuery(() => objectionPage(db, offset, limit)).subscribe({ next, error: () => undefined });
  }

  /**
   * When the list opens: what is queued goes first, then the issuers' answers are asked for
   * (they then cover it too, and the poll does not compete with the drain for the link).
   */
  async function refresh(): Promise<void> {
    await outbox
      .flush()
      .then(() => objections.poll())
      .catch(() => 0);
  }

  /**
   * The issuance catalog for the objection forms: the workstation's kept copy (it works with the
   * library down), else asked of the library once; null when neither is to be had.
   */
  async function catalog(): Promise<CatalogResponse | null> {
    try {
      return (await reference.kept('catalog')) ?? (await reference.load('catalog')).body;
    } catch {
      return null;
    }
  }

  return {
    watchPage,
    refresh,
    catalog,
    /** Asks the library about every objection not yet decided; how many changed. */
    poll: (): Promise<number> => objections.poll(),
    draftOf: (id: string): Promise<ObjectionDraft | null> => objections.draftOf(id),
    file: (draft: ObjectionDraft, draftId?: string): Promise<string> => objections.file(draft, draftId),
    saveDraft: (draft: ObjectionDraft, draftId?: string): Promise<string> => objections.saveDraft(draft, draftId),
    resend: (id: string, draft: ObjectionDraft): Promise<void> => objections.resend(id, draft),
    /** What became of an objection just filed or sent again (waits a few seconds for its first send). */
    delivery: (id: string): Promise<ObjectionDelivery> => objections.delivery(id),
  };
});
