import type { LinkState } from '../../shared/contract';
import type { LibraryClient } from './library-client';

// A call slower than this counts against the link; a hall's uplink that answers in 3 s is
// usable but the clerk should know why the counter feels slow.
const SLOW_MS = 2_000;
// A failure or a slow answer marks the link degraded for this long; then it is forgotten, so
// a link that recovered shows online again within a minute.
const MEMORY_MS = 60_000;
const WINDOW = 20;

/**
 * Tracks how the library answers: online, degraded (slow or erroring) or offline, with the
 * time of the last success. Fed by every library call, and by an explicit probe.
 */
export class LinkMonitor {
  private lastSuccessAt: string | null = null;
  private lastLatencyMs: number | null = null;
  private recent: Array<{ ok: boolean; reachable: boolean; slow: boolean; at: number }> = [];

  constructor(
    private readonly client: LibraryClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    client.observe((outcome) => this.record(outcome));
  }

  private record(outcome: { ok: boolean; reachable: boolean; latencyMs: number }): void {
    if (outcome.ok) {
      this.lastSuccessAt = this.now().toISOString();
      this.lastLatencyMs = Math.round(outcome.latencyMs);
    }
    this.recent.push({ ok: outcome.ok, reachable: outcome.reachable, slow: outcome.latencyMs > SLOW_MS, at: this.now().getTime() });
    if (this.recent.length > WINDOW) this.recent.shift();
  }

  /** The state as of the calls seen so far. */
  state(): LinkState {
    const last = this.recent.at(-1);
    let state: LinkState['state'];
    if (!last) state = 'offline';
    else if (!last.reachable) state = 'offline';
    else if (this.recent.some((r) => (!r.ok || r.slow) && this.now().getTime() - r.at <= MEMORY_MS)) state = 'degraded';
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
