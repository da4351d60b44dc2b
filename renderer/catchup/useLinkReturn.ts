import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';
import { createAuditLog } from '../audit/audit-log';
import { workstationDb } from '../db/db';
import { hostClient } from '../host/client';
import { objectionService, currentActor } from '../features/objections/objection-service';
import { usageRecordService } from '../features/outbox/usage-record-service';
import { requestPersistentStorage, workstationOutbox } from '../outbox/workstation-outbox';
import { loadReference } from '../reference/reference-cache';
import { useWorkstationStore } from '../stores/workstation';
import { createCatchUp, type CatchUp } from './catchup';

// While the link is down the shell probes more often, so that delivery and the catch-up start
// within seconds of its return rather than at the next routine probe.
const OFFLINE_PROBE_MS = 5_000;
// The issuer's answers come in days; a minute is soon enough and costs the library nothing.
const ANSWER_POLL_MS = 60_000;

let catchUp: CatchUp | null = null;

/** The page's Art. 11 catch-up. */
export function workstationCatchUp(): CatchUp {
  const db = workstationDb();
  catchUp ??= createCatchUp({ db, client: hostClient(), audit: createAuditLog(db), actor: currentActor });
  return catchUp;
}

/**
 * What the shell does about the link (docs/architecture.md §8): starts the shared outbox, asks the browser
 * to keep this origin's storage, and each time the link returns (and once at start) sends what
 * is queued at once, asks the library for the issuers' answers, and runs the catch-up.
 * Returns whether storage is persistent, for the shell to show.
 */
export function useLinkReturn(): { persisted: Ref<boolean | null> } {
  const workstation = useWorkstationStore();
  const persisted = ref<boolean | null>(null);
  const outbox = workstationOutbox();
  const objections = objectionService();
  // Both kinds' senders, before the first drain: nothing waits for its feature's page.
  usageRecordService();
  let offlineTimer: ReturnType<typeof setInterval> | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;

  void requestPersistentStorage().then((answer) => (persisted.value = answer));
  void outbox.start();

  async function onReturn(): Promise<void> {
    // The catch-up and the audit need to know who acts where.
    if (!workstation.info) await workstation.load().catch(() => undefined);
    // Fresh copies for the next outage; the trust list also lets the host verify 亮证码 offline.
    await Promise.allSettled((['trust', 'matters', 'catalog'] as const).map((name) => loadReference(name)));
    await outbox.flush({ now: true });
    await objections.poll().catch(() => 0);
    await workstationCatchUp().run();
  }

  // Degraded is slow or erroring, but reachable: the queue and the catch-up may go (the
  // outbox backs off by itself if calls fail).
  const reachable = (state: string | undefined) => state === 'online' || state === 'degraded';

  watch(
    () => workstation.link?.state,
    (state, previous) => {
      if (reachable(state) && !reachable(previous)) void onReturn();
      if (state && state !== 'online' && !offlineTimer) offlineTimer = setInterval(() => void workstation.probe(), OFFLINE_PROBE_MS);
      if (state === 'online' && offlineTimer) {
        clearInterval(offlineTimer);
        offlineTimer = null;
      }
    },
    { immediate: true },
  );

  pollTimer = setInterval(() => {
    if (!reachable(workstation.link?.state)) return;
    void outbox.flush();
    void objections.poll().catch(() => 0);
  }, ANSWER_POLL_MS);

  if (getCurrentScope()) {
    onScopeDispose(() => {
      if (offlineTimer) clearInterval(offlineTimer);
      if (pollTimer) clearInterval(pollTimer);
    });
  }
  return { persisted };
}
