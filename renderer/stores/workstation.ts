import { defineStore } from 'pinia';
import { onScopeDispose, ref } from 'vue';
import type { HostOutput, LinkState } from '../../shared/contract';
import { hostClient, onLibraryUnreachable } from '../host/client';

// Often enough that a clerk sees a dropped uplink within half a minute, rarely enough to
// cost the library nothing.
const PROBE_INTERVAL_MS = 20_000;

/** What the workstation is and how its library link is doing. */
export const useWorkstationStore = defineStore('workstation', () => {
  const info = ref<HostOutput<'app.info'> | null>(null);
  const link = ref<LinkState | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;

  // A call the library did not answer is news of an outage before the next probe. Without it an
  // outage shorter than the probe interval goes unseen, and so does its end — the return on
  // which the queue is sent and the paper cases of the outage are re-checked (useLinkReturn).
  onScopeDispose(
    onLibraryUnreachable(() => {
      link.value = { state: 'offline', lastSuccessAt: link.value?.lastSuccessAt ?? null, latencyMs: null };
    }),
  );

  async function load(): Promise<void> {
    info.value = await hostClient().call('app.info', {});
  }

  async function probe(): Promise<void> {
    try {
      link.value = await hostClient().call('library.status', {});
    } catch {
      // Not signed in or the host is gone: keep the last known state on screen.
    }
  }

  function startProbing(): void {
    if (timer) return;
    void probe();
    timer = setInterval(() => void probe(), PROBE_INTERVAL_MS);
  }

  function stopProbing(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return { info, link, load, probe, startProbing, stopProbing };
});
