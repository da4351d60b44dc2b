import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { HostOutput, LinkState } from '../../shared/contract';
import { hostClient } from '../host/client';

// Often enough that a clerk sees a dropped uplink within half a minute, rarely enough to
// cost the library nothing.
const PROBE_INTERVAL_MS = 20_000;

/** What the workstation is and how its library link is doing. */
export const useWorkstationStore = defineStore('workstation', () => {
  const info = ref<HostOutput<'app.info'> | null>(null);
  const link = ref<LinkState | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;

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
