import { defineStore } from 'pinia';
import { useServices } from '../app/services';
import { useOperatorDirectory } from '../audit/operator-directory';

/** The operators who signed in on this workstation, by id: how the supervisor's views name them. */
export const useOperatorsStore = defineStore('operators', () => {
  const { db } = useServices();
  return {
    /** The directory and the label of an id (王晓燕 clerk01), kept up to date while the calling component lives. */
    watchDirectory: () => useOperatorDirectory(db),
  };
});
