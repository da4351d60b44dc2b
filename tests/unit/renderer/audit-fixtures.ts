import { createAuditEvent, type AuditEvent } from '../../../shared/audit-chain';

/**
 * A valid chain of `n` events one second apart: odd ones a clerk's pulls, even ones a
 * supervisor's views, all in one case but for the first `outsideCase` events.
 */
export function smallChain(n: number, outsideCase = 0): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    events.push(
      createAuditEvent(events.at(-1) ?? null, {
        at: `2026-11-26T02:00:0${i}Z`,
        operator: i % 2 ? 'clerk01' : 'super01',
        role: i % 2 ? 'clerk' : 'supervisor',
        workstation: 'PD01',
        case: i < outsideCase ? null : 'PD01-20261126-0001',
        kind: i % 2 ? 'pull' : 'view',
        details: { note: '核验' },
      }),
    );
  }
  return events;
}
