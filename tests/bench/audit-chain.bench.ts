/**
 * Audit chain verification speed: a supervisor verifies the day's chain (200,000 events of
 * ~450 bytes) read from IndexedDB in pages; the target is ≥ 60,000 events/s. The baseline is
 * the obvious implementation, printed beside it. Run: `npx tsx tests/bench/audit-chain.bench.ts`.
 */
import { sm3 } from 'sm-crypto-v2';
import { canonicalJson } from '../../shared/canonical-json';
import { AUDIT_GENESIS_PREV, AuditChainVerifier, createAuditEvent, type AuditEvent, type AuditEventInput } from '../../shared/audit-chain';
import { reportFigures, median } from './lib';

const EVENTS = 200_000;
const PAGE = 1_000;
const kinds = ['pull', 'verification', 'view', 'paper_scan', 'completion', 'purge'] as const;

function input(i: number): AuditEventInput {
  const caseNo = `PD01-20261126-${String(Math.floor(i / 12) % 10_000).padStart(4, '0')}`;
  return {
    at: new Date(Date.UTC(2026, 10, 26, 1, 0, 0) + i * 150).toISOString(),
    operator: 'clerk01',
    role: 'clerk',
    workstation: 'PD01',
    case: caseNo,
    kind: kinds[i % kinds.length]!,
    details: {
      materialId: `M${i % 5}`,
      licenceId: `1.2.156.3005.2.11100000000000000000A.91310000MA1FL0000X.${String(i).padStart(8, '0')}.001.7`,
      outcome: i % 7 === 0 ? 'expired' : 'valid',
      note: '结婚登记 材料核验',
    },
  };
}

const chain: AuditEvent[] = [];
let prev: AuditEvent | null = null;
for (let i = 0; i < EVENTS; i++) {
  prev = createAuditEvent(prev, input(i));
  chain.push(prev);
}

// The baseline: the obvious implementation, generic canonicalJson of the whole event and
// sm-crypto-v2's SM3 of the string.
function naiveVerify(events: AuditEvent[]): boolean {
  let prevHash = AUDIT_GENESIS_PREV;
  for (const { hash, ...rest } of events) {
    if (rest.prev !== prevHash || sm3(prevHash + canonicalJson(rest)) !== hash) return false;
    prevHash = hash;
  }
  return true;
}
const naiveStart = performance.now();
if (!naiveVerify(chain)) throw new Error('benchmark chain did not verify (baseline)');
const naiveSeconds = (performance.now() - naiveStart) / 1000;

const rates: number[] = [];
for (let run = 0; run < 3; run++) {
  const start = performance.now();
  const verifier = new AuditChainVerifier();
  for (let offset = 0; offset < chain.length; offset += PAGE) verifier.pushAll(chain.slice(offset, offset + PAGE));
  const seconds = (performance.now() - start) / 1000;
  if (!verifier.result.ok || verifier.result.checked !== EVENTS) throw new Error('benchmark chain did not verify');
  rates.push(EVENTS / seconds);
}

reportFigures('Audit chain (200,000 events, pages of 1,000)', [
  // The figure is `audit_verify_per_s`, measured in Chromium by supervision.bench.ts;
  // this one is the shared verifier alone in Node, for comparison.
  { name: 'audit_chain_verify_events_per_s', value: median(rates), unit: 'events/s', target: null, better: 'higher' },
  { name: 'audit_chain_verify_naive_events_per_s', value: EVENTS / naiveSeconds, unit: 'events/s', target: null, better: 'higher' },
]);
