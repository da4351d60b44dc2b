/**
 * Whether the hall is there, as the header's hall link says it (issue 13; README → The hall
 * link in the header): 大厅在线, 大厅响应缓慢 or 大厅离线, from how the hall answered the host's
 * recent calls. The rule is the library link's (证照库响应缓慢) adapted to the hall's calls:
 *
 * - The header's status probe waits only {@link HALL_PROBE_WAIT_MS}. A probe that gets no answer
 *   in that time while the hall answered a call recently (a push of the sync, a 全厅 read, any
 *   answer within {@link HALL_ANSWER_MEMORY_MS}) and no call has since failed outright is a slow
 *   hall, not an absent one: 大厅响应缓慢. So is a probe answered after more than
 *   {@link HALL_SLOW_ANSWER_MS}, for {@link HALL_SLOW_MEMORY_MS}.
 * - 离线 is for a hall that does not answer at all: the connection fails (refused, reset, no
 *   route), a call given its full wait gets no answer, or a probe times out with no answer
 *   from the hall for {@link HALL_ANSWER_MEMORY_MS}.
 * - Refusals (revoked, not enrolled, a signature that does not verify) are answers: the host
 *   says `refused` for them, beside this rule.
 */

/** How long the header's status probe waits for the hall. */
export const HALL_PROBE_WAIT_MS = 3_000;
/** A probe answered more slowly than this marks the link slow (as a library call over 2 s does). */
export const HALL_SLOW_ANSWER_MS = 2_000;
/** How long a slow answer (or a probe that timed out on a hall that answers) keeps the link slow. */
export const HALL_SLOW_MEMORY_MS = 60_000;
/**
 * How long an answer of the hall vouches that it is there when a probe then times out: longer
 * than the sync's quietest interval (a heartbeat push at least every 90 s), so that a slow
 * hall the sync keeps reaching is never shown offline between its pushes.
 */
export const HALL_ANSWER_MEMORY_MS = 120_000;

/** How one call to the hall went. */
export type HallCallOutcome =
  /** The hall answered (with a result or a refusal); `latencyMs` counts only for a probe. */
  | { kind: 'answered'; at: number; probe: boolean; latencyMs: number }
  /** No answer within the call's wait: `probe` for the header's short probe, else a call given its full wait. */
  | { kind: 'timeout'; at: number; probe: boolean }
  /** The connection failed: nobody there. */
  | { kind: 'unreachable'; at: number };

/** The link as the rule keeps it: its state and the times it goes by (ms since the epoch). */
export interface HallReach {
  state: 'online' | 'slow' | 'offline';
  /** The last time the hall answered anything. */
  lastAnswerAt: number | null;
  /** The last slow answer of a probe, or probe timed out while the hall answered. */
  lastSlowAt: number | null;
  /** The last call the hall did not answer at all (a failed connection, a full wait spent). */
  lastDeadAt: number | null;
}

/** The link before any call: offline until the hall answers. */
export const HALL_REACH_UNKNOWN: HallReach = { state: 'offline', lastAnswerAt: null, lastSlowAt: null, lastDeadAt: null };

/**
 * The link after one more call (see the module's rule). Pure: the host keeps the result and
 * feeds it the next outcome.
 */
export function hallReachAfter(before: HallReach, outcome: HallCallOutcome): HallReach {
  const at = outcome.at;
  switch (outcome.kind) {
    case 'answered': {
      const slowNow = outcome.probe && outcome.latencyMs > HALL_SLOW_ANSWER_MS;
      const lastSlowAt = slowNow ? at : before.lastSlowAt;
      const slow = lastSlowAt !== null && at - lastSlowAt <= HALL_SLOW_MEMORY_MS;
      return { ...before, state: slow ? 'slow' : 'online', lastAnswerAt: at, lastSlowAt };
    }
    case 'timeout': {
      if (!outcome.probe) return { ...before, state: 'offline', lastDeadAt: at };
      const answeredSince =
        before.lastAnswerAt !== null &&
        at - before.lastAnswerAt <= HALL_ANSWER_MEMORY_MS &&
        (before.lastDeadAt === null || before.lastDeadAt < before.lastAnswerAt);
      return answeredSince ? { ...before, state: 'slow', lastSlowAt: at } : { ...before, state: 'offline' };
    }
    case 'unreachable':
      return { ...before, state: 'offline', lastDeadAt: at };
  }
}
