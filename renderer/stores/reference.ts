import { defineStore } from 'pinia';
import { useServices } from '../app/services';
import type { ReferenceName } from '../db/db';
import type { CachedReference } from '../reference/reference-cache';

/** The library's catalog, usage lists and trust list, as the pages read them (offline too). */
export const useReferenceStore = defineStore('reference', () => {
  const { reference } = useServices();
  return {
    /** From the library, or its kept copy while the library is unreachable (reference/reference-cache.ts). */
    load: <N extends ReferenceName>(name: N): Promise<CachedReference<N>> => reference.load(name),
  };
});
