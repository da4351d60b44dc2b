import type { LinkState } from '../../shared/contract';
import type { LibraryClient } from './library-client';

// A call slower than this counts against the link; a hall's uplink that answers in 3 s is
// usable but the clerk should know why the counter feels slow.
const SLOW_MS = 2_000;
// A failure or a slow answer marks the link degraded for this long; then it is forgotten, so
// a link that recovered shows online again within a minute.
const MEMORY_MS = 60_000;
const WINDOW = 20;

interface Call {
  ok: boolean;
  reachable: boolean;
  slow: boolean;
  at: number;
}

/**
 * Tracks how the library answers: online, degraded (slow or erroring) or offline, with the
 * time of the last success. Fed by every library call, and by an explicit probe.
 *
 * An outage (calls that could not reach the library) ends at the first call that does: from
 * then on the link is judged on the calls made after the recovery only, so the first successful
 * probe after an outage says online, not "slow" for another minute because of the failures
 * that made up the outage itself. A link that keeps dropping is another matter: a second outage
 * within the memory of the last recovery shows degraded once the library answers again.
 */
export class LinkMonitor {
  private lastSuccessAt: string | null = null;
  private lastLatencyMs: number | null = null;
  private recent: Call[] = [];
  /** When outages ended (the first reachable call after an unreachable one), within the memory. */
  private recoveries: number[] = [];

  constructor(
    private readonly client: LibraryClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    client.observe((outcome) => this.record(outcome));
  }

  private record(outcome: { ok: boolean; reachable: boolean; latencyMs: number }): void {
    const at = this.now().getTime();
    if (outcome.ok) {
      this.lastSuccessAt = new Date(at).toISOString();
      this.lastLatencyMs = Math.round(outcome.latencyMs);
    }
    const previous = this.recent.at(-1);
    if (outcome.reachable && previous && !previous.reachable) {
      // The outage is over: what happened during it says nothing about the link now.
      this.recent = [];
      this.recoveries = this.recoveries.filter((t) => at - t <= MEMORY_MS);
      this.recoveries.push(at);
    }
    this.recent.push({ ok: outcome.ok, reachable: outcome.reachable, slow: outcome.latencyMs > SLOW_MS, at });
    if (this.recent.length > WINDOW) this.recent.shift();
  }

  /** The state as of the calls seen so far. */
  state(): LinkState {
    const last = this.recent.at(-1);
    const now = this.now().getTime();
    const recent = (t: number) => now - t <= MEMORY_MS;
    let state: LinkState['state'];
    if (!last) state = 'offline';
    else if (!last.reachable) state = 'offline';
    else if (this.recent.some((r) => (!r.ok || r.slow) && recent(r.at))) state = 'degraded';
    // Two recoveries within the memory: the link dropped again soon after it came back (flapping).
    else if (this.recoveries.filter(recent).length >= 2) state = 'degraded';
    else state = 'online';
    return { state, lastSuccessAt: this.lastSuccessAt, latencyMs: last?.ok ? this.lastLatencyMs : null };
  }

  /** Probes the library with an open, cheap call and returns the resulting state. */
  async probe(timeoutMs = 3_000): Promise<LinkState> {
    try {
      await this.client.request('/trust/root', { timeoutMs });
    } catch {
      // The observer has recorded the failure; the state below reflects it.
    }
    return this.state();
  }
}
