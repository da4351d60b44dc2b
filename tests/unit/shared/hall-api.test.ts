import { describe, expect, it } from 'vitest';
import { createAuditEvent } from '../../../shared/audit-chain';
import { HallAuditEvent, isPushedAuditEvent } from '../../../shared/hall-api';

const good = createAuditEvent(null, {
  at: '2026-11-26T01:02:03.456Z',
  operator: 'OP-PD-0101',
  role: 'clerk',
  workstation: 'WS-PD-01',
  case: 'WSPD01-20261126-0001',
  kind: 'pull',
  details: { materialId: 'M1', note: '结婚登记', nested: { list: [1, 'a', null] } },
});

// Each way an event can be wrong (or unusual but right), as it arrives from JSON.parse.
const variants: [string, (e: Record<string, unknown>) => void][] = [
  ['as it is', () => undefined],
  ['without a case', (e) => (e.case = null)],
  ['without an operator and role', (e) => ((e.operator = null), (e.role = null))],
  ['with empty details', (e) => (e.details = {})],
  ['with an extra field', (e) => (e.extra = 1)],
  ['without a field', (e) => delete e.role],
  ['with an undefined field', (e) => (e.role = undefined)],
  ['with seq 0', (e) => (e.seq = 0)],
  ['with a fractional seq', (e) => (e.seq = 1.5)],
  ['with seq 2^53', (e) => (e.seq = 2 ** 53)],
  ['with seq as text', (e) => (e.seq = '1')],
  ['with at not ISO', (e) => (e.at = '2026-11-26 01:02:03')],
  ['with at a day that does not exist', (e) => (e.at = '2026-13-45T01:02:03Z')],
  ['with at on 30 February', (e) => (e.at = '2026-02-30T01:02:03Z')],
  ['with at at 24:00', (e) => (e.at = '2026-11-26T24:00:00Z')],
  ['with at a number', (e) => (e.at = 1795654923456)],
  ['with at to the nanosecond', (e) => (e.at = '2026-11-26T01:02:03.123456789Z')],
  ['with an empty operator', (e) => (e.operator = '')],
  ['with an operator of 65 characters', (e) => (e.operator = 'x'.repeat(65))],
  ['with an operator of 64 characters', (e) => (e.operator = 'x'.repeat(64))],
  ['with a role of 33 characters', (e) => (e.role = 'r'.repeat(33))],
  ['with a control character in the workstation', (e) => (e.workstation = 'WS\u0007')],
  ['with a lone surrogate in the case', (e) => (e.case = 'C\ud800')],
  ['with a Chinese operator', (e) => (e.operator = '张三')],
  ['with an unknown kind', (e) => (e.kind = 'teleport')],
  ['with details an array', (e) => (e.details = [1])],
  ['with details null', (e) => (e.details = null)],
  ['with details a string', (e) => (e.details = 'x')],
  ['with upper-case hex in prev', (e) => (e.prev = String(e.prev).toUpperCase().replace(/^0/, 'A'))],
  ['with a short hash', (e) => (e.hash = String(e.hash).slice(1))],
  ['with a numeric hash', (e) => (e.hash = 7)],
];

describe('isPushedAuditEvent, the hall fast check of a pushed audit event', () => {
  it.each(variants)('agrees with the HallAuditEvent schema on an event %s', (_, change) => {
    const event = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
    change(event);
    const parsed = HallAuditEvent.safeParse(event);
    expect(isPushedAuditEvent(event)).toBe(parsed.success);
    // What it vouches for is what the schema would have returned.
    if (isPushedAuditEvent(event)) expect(parsed.data).toEqual(event);
  });

  it('leaves to the schema the details whose copy would differ (a "__proto__" key)', () => {
    const event = JSON.parse(JSON.stringify(good).replace('"details":{', '"details":{"__proto__":{"x":1},')) as Record<string, unknown>;
    expect(isPushedAuditEvent(event)).toBe(false);
    expect(HallAuditEvent.safeParse(event).success).toBe(true);
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 1, 'event', [good]]) {
      expect(isPushedAuditEvent(value)).toBe(false);
      expect(HallAuditEvent.safeParse(value).success).toBe(false);
    }
  });
});
