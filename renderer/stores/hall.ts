import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import { HallUrlSchema, type HallStatus, type HostInput, type HostOutput } from '../../shared/contract';
import type { HallAlert, HallWorkstation } from '../../shared/hall-api';
import { revokeRefusal } from '../features/hall-scope/hall-workstations';
import { useServices } from '../app/services';
import type { HallSyncStatus } from '../sync/hall-sync';
import { AppError } from '../host/client';

// The header's hall link: often enough to see a hall gone within a quarter of a minute.
const PROBE_INTERVAL_MS = 15_000;

/** How the header shows the hall link. */
export type HallLinkState = 'online' | 'slow' | 'offline' | 'stopped' | 'refused' | 'not_enrolled' | 'unknown';

/**
 * The hall link the header shows: the host's probe, unless the sync has news since (latest
 * wins) — but a push accepted says the hall is there, not that it is quick: a hall the probe
 * found slow stays 大厅响应缓慢 until a probe finds it prompt (shared/hall-reach.ts).
 */
export function hallLinkShown(probed: HallLinkState, syncSays: { state: HallLinkState; at: number } | null, probedAt: number): HallLinkState {
  if (!syncSays || syncSays.at <= probedAt) return probed;
  if (syncSays.state === 'online' && probed === 'slow') return 'slow';
  return syncSays.state;
}

/** The host calls the 全厅 views make (each relayed to the hall for the signed-in supervisor). */
type HallRead =
  | 'hall.dashboard'
  | 'hall.cases'
  | 'hall.case'
  | 'hall.objections'
  | 'hall.audit'
  | 'hall.audit.count'
  | 'hall.chain.verify'
  | 'hall.reviews.draw'
  | 'hall.reviews.list'
  | 'hall.reviews.get'
  | 'hall.reviews.check'
  | 'hall.reviews.finding'
  | 'hall.alerts'
  | 'hall.attention'
  | 'hall.workstations';

/** True when a failure means the hall could not be reached (the 全厅 views say so and 本机 works on). */
export function hallUnreachable(error: unknown): boolean {
  return error instanceof AppError && (error.code === 'HALL_UNAVAILABLE' || error.code === 'HALL_NOT_ENROLLED');
}

/**
 * The hall (大厅服务器): the link the header shows beside the library's (the host's probe and
 * the sync's own news, latest wins), the sync's status, the enrolment a supervisor makes in
 * 设置, and the 全厅 reads of the supervision views — all through the host.
 */
export const useHallStore = defineStore('hall', () => {
  const { host, hallSync, audit, signedInActor } = useServices();
  const status = ref<HallStatus | null>(null);
  const sync = ref<HallSyncStatus>(hallSync.status());
  // The sync's news of the link: a push accepted is "online" now, a failure "offline" now.
  const syncSays = ref<{ state: HallLinkState; at: number } | null>(null);
  const probedAt = ref(0);
  let timer: ReturnType<typeof setInterval> | null = null;

  onScopeDispose(
    hallSync.listen((next) => {
      const before = sync.value;
      sync.value = next;
      if (next.lastSyncAt !== before.lastSyncAt) syncSays.value = { state: 'online', at: Date.now() };
      else if (
        next.state !== before.state &&
        (next.state === 'offline' || next.state === 'stopped' || next.state === 'refused' || next.state === 'not_enrolled')
      ) {
        syncSays.value = { state: next.state, at: Date.now() };
      }
    }),
  );

  /** A hall is configured (embedded, `--hall`, or enrolled in 设置). */
  const configured = computed(() => status.value !== null && status.value.mode !== 'none');
  /**
   * Whether the sync has a hall to send to: one is configured and this workstation is enrolled
   * there. Until then (`--hall off`, a hall named but not enrolled with) the sync idles and
   * asks the hall nothing; the header's probe of `hall.status` says when that changes.
   */
  const syncWanted = computed(() => configured.value && status.value!.enrolled);

  const linkState = computed<HallLinkState>(() => {
    const s = status.value;
    if (!s) return 'unknown';
    const probed: HallLinkState =
      s.state === 'online'
        ? s.sync?.ingest === 'stopped'
          ? 'stopped'
          : 'online'
        : s.state === 'slow' || s.state === 'offline' || s.state === 'refused'
          ? s.state
          : 'not_enrolled';
    return hallLinkShown(probed, syncSays.value, probedAt.value);
  });

  /** The last accepted push, by this page's sync or (another tab's, an earlier page's) as the host saw it. */
  const lastSyncAt = computed(() => {
    const times = [status.value?.lastSyncAt, sync.value.lastSyncAt].filter((time): time is string => typeof time === 'string');
    return times.sort().at(-1) ?? null;
  });

  async function probe(): Promise<HallStatus | null> {
    try {
      status.value = await host.call('hall.status', {});
      probedAt.value = Date.now();
      // The hall answers again while the sync waits out its backoff: catch up now, not in a minute.
      // Likewise once a supervisor has acknowledged the alert that stopped it.
      const waiting =
        sync.value.state === 'offline' || sync.value.state === 'not_enrolled' || (sync.value.state === 'stopped' && status.value.sync?.ingest === 'open');
      if ((status.value.state === 'online' || status.value.state === 'slow') && waiting) void hallSync.syncNow();
    } catch {
      // The host is gone or the call refused: keep the last known state on screen.
    }
    return status.value;
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

  /**
   * Enrols this workstation with a hall (a supervisor, in 设置), replacing a former enrolment
   * (the pinned key and address; the sync's resume point is the new hall's); the sync starts
   * sending at once: the probe's new status starts it (app/startup-tasks.ts), or, when it ran
   * already for another hall, a pass now sends to this one. Whatever the host answers, the
   * attempt is in the audit chain (`hall_admin`, `enrol_hall`).
   */
  async function enrol(url: string, code: string): Promise<HostOutput<'hall.enrol'>> {
    const who = await signedInActor();
    const s = status.value;
    // The enrolment this one replaces: one made in 设置 (the embedded hall's is the host's own).
    // The address as the host takes it (trimmed, no trailing slash), or as typed when it is none.
    const typed = HallUrlSchema.safeParse(url);
    const facts = {
      action: 'enrol_hall',
      hallUrl: typed.success ? typed.data : url.trim(),
      replaced: s?.mode === 'remote' && s.enrolled ? s.url : null,
    } as const;
    let answer: HostOutput<'hall.enrol'>;
    try {
      answer = await host.call('hall.enrol', { url, code });
    } catch (error) {
      await audit.append(who, { kind: 'hall_admin', case: null, details: { ...facts, ok: false, code: error instanceof AppError ? error.code : 'INTERNAL' } });
      throw error;
    }
    await audit.append(who, {
      kind: 'hall_admin',
      case: null,
      details: {
        ...facts,
        hallUrl: answer.url,
        ok: true,
        hallId: answer.hall.id,
        hallName: answer.hall.name,
        hallFingerprint: answer.hall.fingerprint,
        workstation: answer.workstationId,
      },
    });
    // A new enrolment replaces the former one (another hall, or the same one again): what the
    // sync knew of where that hall stood is not this one's.
    hallSync.reset();
    syncSays.value = null;
    const running = syncWanted.value;
    await probe();
    if (running) void hallSync.syncNow();
    return answer;
  }

  /**
   * Leaves the hall this workstation is enrolled with in 设置 (not the embedded one): the host
   * forgets the enrolment and sends nothing more there. The sync stops sending at once — a pass
   * under way sends nothing more, and what it knew of that hall is forgotten — and goes on for
   * the hall the workstation uses now, if any (the embedded one), or stops (none, or a `--hall`
   * hall not enrolled). Whatever the host answers, the attempt is in the audit chain — done, with
   * the hall used now, or not, with the code. (The event is in this workstation's chain and goes
   * to the hall it syncs with next; the hall left does not receive it.)
   */
  async function leave(): Promise<HostOutput<'hall.leave'>> {
    const who = await signedInActor();
    const s = status.value;
    const facts = {
      action: 'leave_hall',
      hallUrl: s?.url ?? '',
      hallId: s?.hall?.id ?? null,
      hallName: s?.hall?.name ?? null,
      hallFingerprint: s?.hall?.fingerprint ?? null,
      workstation: s?.workstationId ?? null,
    } as const;
    let answer: HostOutput<'hall.leave'>;
    try {
      answer = await host.call('hall.leave', {});
    } catch (error) {
      await audit.append(who, { kind: 'hall_admin', case: null, details: { ...facts, ok: false, code: error instanceof AppError ? error.code : 'INTERNAL' } });
      throw error;
    }
    hallSync.reset();
    syncSays.value = null;
    await audit.append(who, {
      kind: 'hall_admin',
      case: null,
      details: {
        ...facts,
        hallUrl: answer.left.url,
        hallId: answer.left.hall.id,
        hallName: answer.left.hall.name,
        hallFingerprint: answer.left.hall.fingerprint,
        workstation: answer.left.workstationId,
        ok: true,
        now: answer.now.mode,
      },
    });
    // The hall in use now: with none to send to the start-up task stops the sync (syncWanted).
    await probe();
    if (syncWanted.value) void hallSync.syncNow();
    return answer;
  }

  /** Sends now what the hall does not hold yet. */
  const syncNow = () => hallSync.syncNow();

  /** A 全厅 read or action, relayed by the host for the signed-in supervisor. */
  function read<N extends HallRead>(name: N, input: HostInput<N>): Promise<HostOutput<N>> {
    return host.call(name, input);
  }

  /**
   * Revokes a window's enrolment at the hall (a supervisor, in 设置): the hall refuses its
   * requests from then on and keeps what it sent. Never this workstation itself (refused before
   * anything is asked; see revokeRefusal). Whatever the hall answers, the attempt is in the
   * audit chain — done, with the time the hall recorded, or not, with the code.
   */
  async function revokeWorkstation(target: Pick<HallWorkstation, 'workstationId' | 'fingerprint' | 'revokedAt'>, reason: string): Promise<HallWorkstation> {
    const refusal = revokeRefusal(target, status.value?.workstationId ?? null);
    if (refusal === 'self') throw new AppError('BAD_REQUEST', 'hallRevokeSelf');
    const who = await signedInActor();
    const details = { action: 'revoke_workstation', workstation: target.workstationId, fingerprint: target.fingerprint, reason } as const;
    let revoked: HallWorkstation;
    try {
      revoked = await host.call('hall.workstations.revoke', { workstation: target.workstationId, reason });
    } catch (error) {
      await audit.append(who, {
        kind: 'hall_admin',
        case: null,
        details: { ...details, ok: false, code: error instanceof AppError ? error.code : 'INTERNAL' },
      });
      throw error;
    }
    await audit.append(who, { kind: 'hall_admin', case: null, details: { ...details, ok: true, revokedAt: revoked.revokedAt } });
    return revoked;
  }

  /**
   * Acknowledges a chain alert with the supervisor's note (全厅 统计): the hall reopens the
   * window's ingest in a new epoch. Whatever the hall answers, the attempt is in the audit
   * chain — done, with the hall's time and the new epoch, or not, with the code.
   */
  async function acknowledgeAlert(
    alert: Pick<HallAlert, 'id' | 'workstationId' | 'reason' | 'seq'>,
    note: string,
  ): Promise<HostOutput<'hall.alerts.acknowledge'>> {
    const who = await signedInActor();
    const details = {
      action: 'acknowledge_alert',
      alert: alert.id,
      workstation: alert.workstationId,
      alertReason: alert.reason,
      alertSeq: alert.seq,
      note,
    } as const;
    let answer: HostOutput<'hall.alerts.acknowledge'>;
    try {
      answer = await host.call('hall.alerts.acknowledge', { id: alert.id, note });
    } catch (error) {
      await audit.append(who, {
        kind: 'hall_admin',
        case: null,
        details: { ...details, ok: false, code: error instanceof AppError ? error.code : 'INTERNAL' },
      });
      throw error;
    }
    await audit.append(who, {
      kind: 'hall_admin',
      case: null,
      details: { ...details, ok: true, acknowledgedAt: answer.alert.acknowledgedAt, epoch: answer.epoch },
    });
    return answer;
  }

  return {
    status,
    sync,
    configured,
    syncWanted,
    linkState,
    lastSyncAt,
    probe,
    startProbing,
    stopProbing,
    enrol,
    leave,
    syncNow,
    read,
    revokeWorkstation,
    acknowledgeAlert,
  };
});
