import { defineStore } from 'pinia';
import { onScopeDispose, ref } from 'vue';
import type { HostOutput, LinkState } from '../../shared/contract';
import { useServices } from '../app/services';

// Often enough that a clerk sees a dropped uplink within half a minute, rarely enough to
// cost the library nothing.
const PROBE_INTERVAL_MS = 20_000;

/** The workstation's identity: its id, its library, whether it is in training. */
export type WorkstationInfo = HostOutput<'app.info'>;

/** What the workstation is and how its library link is doing. */
export const useWorkstationStore = defineStore('workstation', () => {
  const { host, libraryUnreachable } = useServices();
  const info = ref<WorkstationInfo | null>(null);
  const link = ref<LinkState | null>(null);
  /** Whether the browser keeps this origin's storage under pressure; null until asked (at start-up). */
  const storagePersisted = ref<boolean | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;
  let loading: Promise<WorkstationInfo> | null = null;

  // A call the library did not answer is news of an outage before the next probe. Without it an
  // outage shorter than the probe interval goes unseen, and so does its end — the return on
  // which the queue is sent and the paper cases of the outage are re-checked (the link-return
  // task, app/startup-tasks.ts).
  onScopeDispose(
    libraryUnreachable.listen(() => {
      link.value = { state: 'offline', lastSuccessAt: link.value?.lastSuccessAt ?? null, latencyMs: null };
    }),
  );

  /** Asks the host who this workstation is (again: a setting or the training mode may have changed). */
  async function load(): Promise<WorkstationInfo> {
    const answer = await host.call('app.info', {});
    info.value = answer;
    return answer;
  }

  /** The identity already known, or asked for once however many ask at the same moment. */
  function ensureLoaded(): Promise<WorkstationInfo> {
    if (info.value) return Promise.resolve(info.value);
    loading ??= load().finally(() => (loading = null));
    return loading;
  }

  async function probe(): Promise<void> {
    try {
      link.value = await host.call('library.status', {});
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

  return { info, link, storagePersisted, load, ensureLoaded, probe, startProbing, stopProbing };
});
