import { watch } from 'vue';
import { requestPersistentStorage } from '../outbox/workstation-outbox';
import { useHallStore } from '../stores/hall';
import type { StartupTask } from './startup';

// While the link is down the shell probes more often, so that delivery and the catch-up start
// within seconds of its return rather than at the next routine probe.
const OFFLINE_PROBE_MS = 5_000;
// The issuer's answers come in days; a minute is soon enough and costs the library nothing.
const ANSWER_POLL_MS = 60_000;

// Degraded is slow or erroring, but reachable: the queue and the catch-up may go (the outbox
// backs off by itself if calls fail).
const reachable = (state: string | undefined) => state === 'online' || state === 'degraded';

/**
 * Everything the workstation starts by itself, in order: the one list (a new service that runs
 * by itself — the hall's sync, the devices — adds its task here). Each is started when the
 * signed-in shell opens and stopped when it closes (app/startup.ts).
 */
export const STARTUP_TASKS: readonly StartupTask[] = [
  {
    // Who this workstation is (its id stamps every audit event) and whether it is in training.
    id: 'workstation-identity',
    phase: 'signed-in',
    start: ({ workstation }) => (workstation.info ? undefined : workstation.ensureLoaded()),
  },
  {
    // The header's link state: online / slow / offline, with the time of the last success.
    id: 'link-probe',
    phase: 'signed-in',
    start: ({ workstation }) => {
      workstation.startProbing();
      return () => workstation.stopProbing();
    },
  },
  {
    // The browser is asked once to keep this origin's storage (the outbox and the cases live
    // there); the shell shows when it refused.
    id: 'storage-persistence',
    phase: 'signed-in',
    start: async ({ workstation }) => {
      workstation.storagePersisted = await requestPersistentStorage();
    },
  },
  {
    // What is queued goes out in the background: the clerk works meanwhile, and a long queue
    // after an outage must not hold the counter (each row keeps its own failure).
    id: 'outbox',
    phase: 'signed-in',
    start: ({ services }) => services.outbox.start(),
  },
  {
    // Each time the link returns (and once at start): what is queued goes at once, the issuers'
    // answers are asked for, Art. 11's catch-up runs, and the cached usage lists, catalog and
    // trust list are refreshed for the next outage (the trust list also lets the host verify a
    // 亮证码 offline). While the link is down it is probed more often.
    id: 'link-return',
    phase: 'signed-in',
    start: ({ services, workstation }) => {
      let offlineTimer: ReturnType<typeof setInterval> | null = null;
      async function onReturn(): Promise<void> {
        // The catch-up and the audit need to know who acts where.
        if (!workstation.info) await workstation.ensureLoaded().catch(() => undefined);
        await Promise.allSettled((['trust', 'matters', 'catalog'] as const).map((name) => services.reference.load(name)));
        await services.outbox.flush({ now: true });
        await services.objections.poll().catch(() => 0);
        await services.catchUp.run();
      }
      watch(
        () => workstation.link?.state,
        (state, previous) => {
          if (reachable(state) && !reachable(previous)) void onReturn().catch((error: unknown) => console.error('after the link returned:', error));
          if (state && state !== 'online' && !offlineTimer) offlineTimer = setInterval(() => void workstation.probe(), OFFLINE_PROBE_MS);
          if (state === 'online' && offlineTimer) {
            clearInterval(offlineTimer);
            offlineTimer = null;
          }
        },
        { immediate: true },
      );
      return () => {
        if (offlineTimer) clearInterval(offlineTimer);
      };
    },
  },
  {
    // While the link is up: a drain, and the issuers' answers, every minute.
    id: 'answer-poll',
    phase: 'signed-in',
    start: ({ services, workstation }) => {
      const timer = setInterval(() => {
        if (!reachable(workstation.link?.state)) return;
        void services.outbox.flush();
        void services.objections.poll().catch(() => 0);
      }, ANSWER_POLL_MS);
      return () => clearInterval(timer);
    },
  },
  {
    // The hall gets this workstation's history in the background (audit chain, purged cases,
    // objections' states, the outbox's counts) from where it stands: after a reload, a crash or
    // a week without the hall alike. One tab of the origin sends; with the hall down the counter
    // works on and the sync catches up later. Without a hall to send to (none configured, or
    // not enrolled) it idles and asks nothing, and starts when the probe finds one: a
    // supervisor's enrolment in 设置 starts it without a reload.
    id: 'hall-sync',
    phase: 'signed-in',
    start: ({ services }) => {
      // The header's hall link (在线 / 离线, last sync) beside the library's.
      const hall = useHallStore();
      watch(
        () => hall.syncWanted,
        (wanted, before) => {
          if (wanted) void services.hallSync.start();
          else if (before) services.hallSync.stop();
        },
        { immediate: true },
      );
      hall.startProbing();
      return () => {
        services.hallSync.stop();
        hall.stopProbing();
      };
    },
  },
  {
    // Once per page load: paper scans and delivered outbox rows past their retention, cases
    // abandoned by a closed page and holder names past the catch-up's lookback leave the
    // workstation, and the audit chain says so (Art. 27).
    id: 'retention-sweep',
    phase: 'first-sign-in',
    start: async ({ services, workstation }) => {
      const info = await workstation.ensureLoaded();
      await services.retention.sweep(await services.signedInActor(), info.paperRetentionDays);
    },
  },
];
