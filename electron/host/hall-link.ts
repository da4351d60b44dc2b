/**
 * The host's link to its hall (docs/architecture.md §3.7): which hall, whether this workstation
 * is enrolled there, whether it answers, and every call the host relays to it. The renderer
 * never talks to the hall: its sync service and its 全厅 views go through the host calls
 * `hall.*` (shared/contract.ts), which end here.
 */
import type { Operator } from '../../shared/contract';
import { HostCallError, type HostErrorCode } from '../../shared/errors';
import { HALL_ERROR_MESSAGES, type HallRequestInput, type HallResponse, type HallRouteName } from '../../shared/hall-api';
import { HALL_PROBE_WAIT_MS, HALL_REACH_UNKNOWN, hallReachAfter, type HallReach } from '../../shared/hall-reach';
import { HallCallError, HallClient, type HallCallErrorCode, type HallEnrolment } from './hall-client';

/** Where the hall is: the one this process embeds, another one (`--hall <url>` or enrolled in 设置), or none. */
export type HallMode = 'embedded' | 'remote' | 'none';

/** The hall this process embeds, as the host needs it. */
export interface EmbeddedHallTarget {
  url: string;
  /** The hall's public key: an enrolment pinning another key is not an enrolment with this hall. */
  publicKey: string;
  /** A one-time enrolment code, made in-process (what `npm run hall -- enrol` prints). */
  enrolmentCode(): Promise<string>;
}

/** How the host finds its hall at start. */
export interface HallConfig {
  /** `--hall <url>`: this run's hall, instead of the embedded one or the one enrolled in 设置. */
  url: string | null;
  /** Starts (once) the hall this process embeds; null: no embedded hall (`--hall off`, tests). */
  openEmbedded: (() => Promise<EmbeddedHallTarget>) | null;
  /** `--hall off`: no hall at all this run — not even one enrolled in 设置 (which stays pinned for a later run). */
  off?: boolean;
}

/** What a refused or failed hall call becomes at the host boundary. */
const HOST_CODE_OF: Record<HallCallErrorCode, HostErrorCode> = {
  BAD_JSON: 'BAD_REQUEST',
  BAD_REQUEST: 'BAD_REQUEST',
  UNKNOWN_FIELD: 'BAD_REQUEST',
  SEQUENCE_ORDER: 'BAD_REQUEST',
  PERSONAL_DATA: 'BAD_REQUEST',
  CHAIN_HASH_MISMATCH: 'BAD_REQUEST',
  CHAIN_LINK_MISMATCH: 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE: 'HALL_ERROR',
  METHOD_NOT_ALLOWED: 'HALL_ERROR',
  INTERNAL: 'HALL_ERROR',
  HALL_PROTOCOL_ERROR: 'HALL_ERROR',
  TOO_LARGE: 'TOO_LARGE',
  UNSIGNED: 'HALL_UNTRUSTED',
  BAD_SIGNATURE: 'HALL_UNTRUSTED',
  STALE_REQUEST: 'HALL_UNTRUSTED',
  NONCE_REUSED: 'HALL_UNTRUSTED',
  HALL_SIGNATURE_INVALID: 'HALL_UNTRUSTED',
  ENROLMENT_PROOF_INVALID: 'HALL_UNTRUSTED',
  UNKNOWN_WORKSTATION: 'HALL_NOT_ENROLLED',
  NOT_ENROLLED: 'HALL_NOT_ENROLLED',
  REVOKED: 'HALL_REVOKED',
  ROLE_REFUSED: 'FORBIDDEN',
  ENROLMENT_CODE_INVALID: 'HALL_ENROLMENT_REFUSED',
  ALREADY_ENROLLED: 'HALL_ENROLMENT_REFUSED',
  KEY_IN_USE: 'HALL_ENROLMENT_REFUSED',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_ACKNOWLEDGED: 'CONFLICT',
  SEQUENCE_GAP: 'HALL_SEQUENCE_GAP',
  CHAIN_BREAK: 'HALL_CHAIN_BREAK',
  INGEST_STOPPED: 'HALL_INGEST_STOPPED',
  REFERENCE_UNAVAILABLE: 'HALL_ERROR',
  HALL_UNREACHABLE: 'HALL_UNAVAILABLE',
};

/**
 * A hall call's failure as a host error: the host code, the hall's own sentence, and in
 * `details` the hall's code (`hallCode`) with what the hall said beside it (for a sequence gap:
 * `stream`, `highest`, `epoch`, from which the sync resumes).
 */
export function hostErrorOfHall(error: unknown): HostCallError {
  if (error instanceof HostCallError) return error;
  if (!(error instanceof HallCallError)) return new HostCallError('HALL_ERROR', undefined, { hallCode: 'INTERNAL' });
  // The hall's standard sentence for a code is written for the hall's log; the host's own
  // sentence for the host code says what to do at the workstation, so it is kept unless the hall
  // said something about this very request (a field, a sequence).
  const standard = error.code in HALL_ERROR_MESSAGES && HALL_ERROR_MESSAGES[error.code as keyof typeof HALL_ERROR_MESSAGES] === error.message;
  const message = standard || error.code === 'HALL_UNREACHABLE' || error.code === 'NOT_ENROLLED' ? undefined : error.message;
  return new HostCallError(HOST_CODE_OF[error.code], message, {
    hallCode: error.code,
    ...(error.status !== null ? { status: error.status } : {}),
    ...(error.details ?? {}),
  });
}

/** The link's state, as `hall.status` answers it. */
export interface HallLinkState {
  /** `slow`: the hall answers, but not within the probe's wait (shared/hall-reach.ts). */
  state: 'online' | 'slow' | 'offline' | 'refused' | 'none';
  lastSuccessAt: string | null;
  lastSyncAt: string | null;
  lastError: { code: HostErrorCode; message: string } | null;
}

/** The supervision calls the host relays, by the hall route they go to. */
export type HallSupervisionRoute = Exclude<HallRouteName, 'enrol' | 'push' | 'syncState' | 'reference'>;

/**
 * The host's side of the hall: one {@link HallClient} for the hall in use (its key pair and the
 * pinned hall key in `<data>/hall.json`), the link's state, and the embedded hall's own
 * enrolment. Every failure is a {@link HostCallError} (see {@link hostErrorOfHall}).
 */
export class HallLink {
  private client: HallClient | null = null;
  private config: HallConfig | null = null;
  private current: { mode: HallMode; url: string | null; embedded: EmbeddedHallTarget | null } = { mode: 'none', url: null, embedded: null };
  private link: HallLinkState = { state: 'none', lastSuccessAt: null, lastSyncAt: null, lastError: null };
  // How the hall has answered lately: online, slow or offline (shared/hall-reach.ts).
  private reach: HallReach = HALL_REACH_UNKNOWN;

  constructor(
    private readonly options: {
      dataDir: string;
      /** The workstation id a new enrolment is made under (the settings' id). */
      workstationId: () => string;
      now?: () => Date;
      /** How long a call waits for the hall (status probes wait less). */
      timeoutMs?: number;
      log?: (line: string) => void;
    },
  ) {}

  private get now(): () => Date {
    return this.options.now ?? (() => new Date());
  }

  /**
   * Chooses the hall at start: `--hall <url>`; else a hall a supervisor enrolled this
   * workstation with in 设置; else the embedded hall, with which the workstation enrols itself
   * (a code made in-process) unless it is enrolled there already under its id.
   */
  async start(config: HallConfig | null): Promise<void> {
    this.config = config;
    if (!config || config.off) return;
    if (config.url) {
      this.use('remote', config.url, null);
      return;
    }
    const saved = this.readEnrolment();
    if (saved && !saved.embedded) {
      this.use('remote', saved.url, null);
      return;
    }
    await this.useEmbedded();
  }

  /** The hall of this run without an enrolment made in 设置 (what 退出大厅 leads to). */
  fallback(): HallMode {
    const config = this.config;
    if (!config || config.off) return 'none';
    if (config.url) return 'remote';
    return config.openEmbedded ? 'embedded' : 'none';
  }

  /** Starts (if need be) the hall this process embeds, uses it and enrols with it. */
  private async useEmbedded(): Promise<void> {
    if (!this.config?.openEmbedded) return;
    const embedded = await this.config.openEmbedded();
    this.use('embedded', embedded.url, embedded);
    await this.enrolWithEmbedded();
  }

  private useNone(): void {
    this.client = null;
    this.current = { mode: 'none', url: null, embedded: null };
    this.link = { state: 'none', lastSuccessAt: null, lastSyncAt: null, lastError: null };
    this.reach = HALL_REACH_UNKNOWN;
  }

  /**
   * Leaves the hall a supervisor enrolled this workstation with (设置 → 退出大厅): the enrolment
   * — the pinned hall key and address — is forgotten in `<data>/hall.json` (written atomically;
   * the workstation's key pair is kept: it is the workstation's identity to a hall, and with it
   * the same hall takes the workstation back with a new code and its streams go on), and nothing
   * more is sent there. The workstation then uses what this run would without that enrolment
   * (see {@link HallLink.fallback}): the embedded hall (started now if it was not running, and
   * enrolled with as at a start), the hall `--hall` names (not enrolled), or none. Only a hall
   * other than the embedded one can be left (that one is this process's own; `--hall off` runs
   * without it).
   */
  async leave(): Promise<{ left: HallEnrolment; now: HallMode }> {
    const { mode, enrolment } = this.describe();
    if (mode === 'embedded')
      throw new HostCallError('BAD_REQUEST', '内置大厅是本机自带的大厅，不能退出；如需不连接任何大厅运行，请以 --hall off 启动。', { reason: 'embedded_hall' });
    if (mode !== 'remote' || !enrolment || !this.client)
      throw new HostCallError('HALL_NOT_ENROLLED', '本工作台未在大厅服务器登记，无需退出。', { hallCode: 'NOT_ENROLLED' });
    this.client.forgetEnrolment();
    this.options.log?.(
      `hall: workstation ${enrolment.workstationId} left the hall ${enrolment.hallName} at ${enrolment.url} (its enrolment forgotten, its key kept)`,
    );
    const fallback = this.fallback();
    if (fallback === 'remote') this.use('remote', this.config!.url!, null);
    else if (fallback === 'embedded') {
      try {
        await this.useEmbedded();
      } catch (error) {
        // Left all the same: the workstation runs without a hall until the embedded one starts (next start).
        this.useNone();
        this.options.log?.(`hall: the embedded hall could not be started after leaving: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else this.useNone();
    return { left: enrolment, now: this.current.mode };
  }

  /** The enrolment with the embedded hall, made or renewed at start; a failure is logged and shown by `hall.status`. */
  private async enrolWithEmbedded(): Promise<void> {
    const embedded = this.current.embedded!;
    const pinned = this.client!.enrolment;
    if (pinned && pinned.hallPublicKey === embedded.publicKey && pinned.workstationId === this.options.workstationId()) return;
    try {
      await this.client!.enrol(this.options.workstationId(), await embedded.enrolmentCode(), { embedded: true });
      this.options.log?.(`hall: workstation ${this.options.workstationId()} enrolled with the embedded hall`);
    } catch (error) {
      const failure = hostErrorOfHall(error);
      this.link = { ...this.link, state: 'refused', lastError: { code: failure.code, message: failure.message } };
      this.options.log?.(`hall: the workstation could not enrol with the embedded hall: ${failure.code} ${failure.message}`);
    }
  }

  private readEnrolment(): (HallEnrolment & { embedded?: boolean }) | null {
    // The key file is read (and made, the first time) by a client at any address.
    return new HallClient({ dataDir: this.options.dataDir, url: 'http://127.0.0.1' }).enrolment;
  }

  private use(mode: HallMode, url: string, embedded: EmbeddedHallTarget | null): void {
    this.current = { mode, url: url.replace(/\/+$/, ''), embedded };
    this.client = new HallClient({ dataDir: this.options.dataDir, url, now: this.options.now, timeoutMs: this.options.timeoutMs });
    this.link = { state: 'offline', lastSuccessAt: null, lastSyncAt: null, lastError: null };
    this.reach = HALL_REACH_UNKNOWN;
  }

  /** Which hall, and the enrolment pinned for it (null when the pinned key is for another address's hall). */
  describe(): { mode: HallMode; url: string | null; enrolment: HallEnrolment | null; workstationFingerprint: string | null } {
    const enrolment = this.client?.enrolment ?? null;
    const forThisHall = enrolment && (this.current.embedded ? enrolment.hallPublicKey === this.current.embedded.publicKey : enrolment.url === this.current.url);
    return {
      mode: this.current.mode,
      url: this.current.url,
      enrolment: forThisHall ? enrolment : null,
      workstationFingerprint: this.client?.fingerprint ?? null,
    };
  }

  /** The link as last seen, without asking the hall. */
  state(): HallLinkState {
    return { ...this.link };
  }

  /**
   * Enrols with a hall a supervisor names in 设置 (its URL and a one-time code): the pinned key
   * and the address are kept in `<data>/hall.json`, and this hall is used from now on (and
   * after a restart, unless `--hall` names another).
   */
  async enrol(url: string, code: string): Promise<HallEnrolment> {
    const client = new HallClient({ dataDir: this.options.dataDir, url, now: this.options.now, timeoutMs: this.options.timeoutMs });
    let enrolment: HallEnrolment;
    try {
      enrolment = await client.enrol(this.options.workstationId(), code);
    } catch (error) {
      throw hostErrorOfHall(error);
    }
    const embedded = this.current.embedded && this.current.embedded.publicKey === enrolment.hallPublicKey ? this.current.embedded : null;
    this.use(embedded ? 'embedded' : 'remote', url, embedded);
    this.succeeded();
    return enrolment;
  }

  /**
   * Makes a call to the hall in use; for a supervision call, the operator it is relayed for.
   * `probe`: the header's status probe, which waits less — its timing out says the hall is slow
   * if it answered lately, not that it is gone (shared/hall-reach.ts).
   */
  async call<K extends Exclude<HallRouteName, 'enrol'>>(
    name: K,
    input: HallRequestInput<K>,
    operator: Operator | null = null,
    options: { timeoutMs?: number; probe?: boolean } = {},
  ): Promise<HallResponse<K>> {
    if (!this.client || this.current.mode === 'none')
      throw new HostCallError('HALL_NOT_ENROLLED', '本工作台没有配置大厅服务器：请值班长在设置中填写大厅地址和登记码。', { hallCode: 'NOT_ENROLLED' });
    if (!this.describe().enrolment) throw hostErrorOfHall(new HallCallError('NOT_ENROLLED', ''));
    const client = this.client;
    const probe = options.probe === true;
    const started = performance.now();
    const answered = () => ({ probe, latencyMs: performance.now() - started });
    try {
      const value = await client.call(
        name,
        input,
        operator && { id: operator.id, role: operator.role },
        options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
      );
      if (this.client === client) {
        this.succeeded(null, answered());
        // A push accepted: the time of the last sync (of the hall in use: not one left meanwhile).
        if (name === 'push') this.link = { ...this.link, lastSyncAt: this.link.lastSuccessAt };
      }
      return value;
    } catch (error) {
      const failure = hostErrorOfHall(error);
      // An answer for a hall left meanwhile says nothing of the one in use.
      if (this.client !== client) throw failure;
      // A refusal is an answer: the hall is there. Only a hall that did not answer is offline —
      // or slow, when it answered lately and only the probe's short wait ran out.
      if (failure.code === 'HALL_UNAVAILABLE') {
        const at = this.now().getTime();
        this.reach = hallReachAfter(this.reach, failure.details?.timedOut === true ? { kind: 'timeout', at, probe } : { kind: 'unreachable', at });
        this.link = {
          ...this.link,
          state: this.reach.state,
          lastError:
            this.reach.state === 'slow'
              ? {
                  code: failure.code,
                  message: `大厅服务器响应缓慢：${Math.round(HALL_PROBE_WAIT_MS / 1000)} 秒内未应答状态检测，但近期仍有应答；本机照常办理，同步继续。`,
                }
              : { code: failure.code, message: failure.message },
        };
      } else if (['HALL_NOT_ENROLLED', 'HALL_REVOKED', 'HALL_UNTRUSTED'].includes(failure.code)) {
        this.reach = hallReachAfter(this.reach, { kind: 'answered', at: this.now().getTime(), ...answered() });
        this.link = { ...this.link, state: 'refused', lastError: { code: failure.code, message: failure.message } };
      }
      // A gap is how a sync resumes, and a refused role or a missing record is about the request:
      // none of them is a fault of the link.
      else
        this.succeeded(
          ['HALL_SEQUENCE_GAP', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'].includes(failure.code) ? null : { code: failure.code, message: failure.message },
          answered(),
        );
      throw failure;
    }
  }

  /** The hall answered: online, or slow when its probes are (shared/hall-reach.ts). */
  private succeeded(lastError: HallLinkState['lastError'] = null, timing: { probe: boolean; latencyMs: number } = { probe: false, latencyMs: 0 }): void {
    const at = this.now();
    this.reach = hallReachAfter(this.reach, { kind: 'answered', at: at.getTime(), ...timing });
    this.link = { ...this.link, state: this.reach.state, lastSuccessAt: at.toISOString(), lastError };
  }
}
