import { describe, expect, it } from 'vitest';
import {
  HALL_ANSWER_MEMORY_MS,
  HALL_REACH_UNKNOWN,
  HALL_SLOW_MEMORY_MS,
  hallReachAfter,
  type HallCallOutcome,
  type HallReach,
} from '../../../shared/hall-reach';

/** The states a run of calls leaves the link in, one after each call. */
function states(outcomes: HallCallOutcome[], from: HallReach = HALL_REACH_UNKNOWN): HallReach['state'][] {
  let reach = from;
  return outcomes.map((outcome) => (reach = hallReachAfter(reach, outcome)).state);
}

const s = 1000;
const probe = (at: number, latencyMs = 40): HallCallOutcome => ({ kind: 'answered', at, probe: true, latencyMs });
const push = (at: number, latencyMs = 40): HallCallOutcome => ({ kind: 'answered', at, probe: false, latencyMs });
const probeTimeout = (at: number): HallCallOutcome => ({ kind: 'timeout', at, probe: true });
const callTimeout = (at: number): HallCallOutcome => ({ kind: 'timeout', at, probe: false });
const refused = (at: number): HallCallOutcome => ({ kind: 'unreachable', at });

describe('the hall link: online, slow or offline', () => {
  it('is online while the probe is answered promptly', () => {
    expect(states([probe(0), push(5 * s), probe(15 * s)])).toEqual(['online', 'online', 'online']);
  });

  it('is slow, never offline, for a hall answering in 3.5 s: the probe gives up at 3 s, the sync’s pushes are answered', () => {
    // The header probes every 15 s; the sync pushes (a heartbeat) about every minute, answered in 3.5 s.
    const run: HallCallOutcome[] = [push(0, 3500)];
    for (let t = 15 * s; t <= 10 * 60 * s; t += 15 * s) {
      run.push(probeTimeout(t));
      if (t % (60 * s) === 0) run.push(push(t + 4 * s, 3500));
    }
    expect(new Set(states(run).slice(1))).toEqual(new Set(['slow']));
  });

  it('is slow for a minute after a probe answered in more than 2 s, then online again', () => {
    expect(states([probe(0), probe(15 * s, 2500), probe(30 * s), probe(15 * s + HALL_SLOW_MEMORY_MS + 1)])).toEqual(['online', 'slow', 'slow', 'online']);
  });

  it('does not judge the speed of a push or a 全厅 read (a big batch, a chain of a million events): only the probe’s', () => {
    expect(states([probe(0), push(5 * s, 20_000), probe(15 * s)])).toEqual(['online', 'online', 'online']);
  });

  it('is offline when the connection fails, whatever came before', () => {
    expect(states([probe(0), refused(15 * s)])).toEqual(['online', 'offline']);
    expect(states([push(0, 3500), probeTimeout(15 * s), refused(30 * s)])).toEqual(['online', 'slow', 'offline']);
  });

  it('is offline when a probe times out and the hall has not answered anything for two minutes', () => {
    expect(states([probeTimeout(0)])).toEqual(['offline']);
    expect(states([push(0), probeTimeout(HALL_ANSWER_MEMORY_MS + 1)])).toEqual(['online', 'offline']);
    expect(states([push(0), probeTimeout(HALL_ANSWER_MEMORY_MS)])).toEqual(['online', 'slow']);
  });

  it('is offline once a call given its full wait got no answer (a hung hall), until the hall answers again', () => {
    expect(states([push(0, 3500), probeTimeout(15 * s), callTimeout(30 * s), probeTimeout(45 * s), push(60 * s, 3500), probeTimeout(75 * s)])).toEqual([
      'online',
      'slow',
      'offline',
      'offline',
      // Answered again: there, and still slow (its last probe timed out under a minute ago).
      'slow',
      'slow',
    ]);
  });

  it('is offline after an outage until the hall answers, then online at once', () => {
    expect(states([refused(0), probeTimeout(15 * s), probe(30 * s)])).toEqual(['offline', 'offline', 'online']);
  });
});
