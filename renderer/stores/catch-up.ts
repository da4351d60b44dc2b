import { defineStore } from 'pinia';
import { useServices } from '../app/services';
import { watchFlaggedCases } from '../catchup/catchup';
import type { CompletedCaseRow } from '../db/db';
import type { TableWatch } from '../db/table-watch';

/** A case the catch-up flagged (or asks the clerk to check by hand), with its mark. */
export type FlaggedCase = CompletedCaseRow;

/** The cases Art. 11's catch-up flagged for the clerk, and the clerk's acknowledgement. */
export const useCatchUpStore = defineStore('catchUp', () => {
  const { db, catchUp } = useServices();
  return {
    /** The flagged cases and those to check by hand, newest first, followed all day (catchup/catchup.ts). */
    watchFlagged: (onRows: (rows: FlaggedCase[]) => void): TableWatch => watchFlaggedCases(db, onRows),
    /** The clerk has seen a flag or a request for a manual check. */
    acknowledge: (caseNo: string): Promise<void> => catchUp.acknowledge(caseNo),
  };
});
