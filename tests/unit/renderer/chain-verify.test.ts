import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createAuditEvent, verifyAuditChain, type AuditEvent } from '../../../shared/audit-chain';
import { WorkstationDb } from '../../../renderer/db/db';
import { splitSeqs, stitchSegments, verifySegment, workstationEventReader } from '../../../renderer/features/supervision/chain-segments';
import { verifyLocalChain } from '../../../renderer/features/supervision/chain-verify';
import { Sm3Simd } from '../../../renderer/sm3/sm3-simd';

const N = 40;

function chain(): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < N; i++) {
    events.push(
      createAuditEvent(events.at(-1) ?? null, {
        at: new Date(Date.UTC(2026, 10, 26, 2, 0, i)).toISOString(),
        operator: 'clerk01',
        role: 'clerk',
        workstation: 'PD01',
        case: 'PD01-20261126-0001',
        kind: 'pull',
        details: { materialId: `M${i}`, note: '调取证照' },
      }),
    );
  }
  return events;
}

// Tamperings as a test would make them in IndexedDB: the rows after the change.
const TAMPERINGS: [string, (rows: AuditEvent[]) => AuditEvent[]][] = [
  ['nothing', (rows) => rows],
  ['an edited event in the middle', (rows) => rows.map((e) => (e.seq === 17 ? { ...e, details: { ...e.details, note: '已篡改' } } : e))],
  ['an edited first event', (rows) => rows.map((e) => (e.seq === 1 ? { ...e, operator: 'someone' } : e))],
  ['an edited event at a segment start', (rows) => rows.map((e) => (e.seq === 21 ? { ...e, kind: 'view' as const } : e))],
  ['an edited last event', (rows) => rows.map((e) => (e.seq === N ? { ...e, at: '2030-01-01T00:00:00.000Z' } : e))],
  ['a removed event', (rows) => rows.filter((e) => e.seq !== 9)],
  ['the removed first event', (rows) => rows.filter((e) => e.seq !== 1)],
  ['removed events at the end of a segment', (rows) => rows.filter((e) => e.seq < 18 || e.seq > 20)],
  ['a removed whole segment', (rows) => rows.filter((e) => e.seq < 11 || e.seq > 20)],
  ['removed events spanning whole pages', (rows) => rows.filter((e) => e.seq < 4 || e.seq > 17)],
  ['everything after the first event removed but the last', (rows) => rows.filter((e) => e.seq === 1 || e.seq === N)],
  [
    'a recomputed hash with a stale link',
    (rows) => rows.map((e) => (e.seq === 25 ? { ...createAuditEvent(rows[23]!, { ...e, details: { x: 1 } }), prev: e.prev } : e)),
  ],
  [
    'an event rebuilt with a new hash (breaking the next link)',
    (rows) => rows.map((e) => (e.seq === 30 ? createAuditEvent(rows[28]!, { ...e, details: { forged: true } }) : e)),
  ],
  ['a malformed event', (rows) => rows.map((e) => (e.seq === 12 ? ({ ...e, hash: 'not-hex' } as AuditEvent) : e))],
];

describe('verifyLocalChain (segments verified apart and stitched)', () => {
  it.each(TAMPERINGS.flatMap(([name, tamper]) => [1, 2, 3, 4].map((parallel) => [name, parallel, tamper] as const)))(
    'finds what one pass finds with %s, in %i segment(s)',
    async (_, parallel, tamper) => {
      const rows = tamper(chain());
      const db = new WorkstationDb(`chain-${Math.random()}`);
      await db.auditEvents.bulkAdd(rows as never);
      const progress: number[] = [];
      const { result, total, hashing } = await verifyLocalChain(db, (checked) => progress.push(checked), parallel);
      expect(result).toEqual(verifyAuditChain(rows));
      expect(hashing).toBe('wasm-simd');
      expect(total).toBe(rows.at(-1)!.seq);
      if (result.ok) expect(progress.at(-1)).toBe(rows.length);
      db.close();
    },
  );

  it.each(TAMPERINGS)('reads a segment in pages and still finds what one pass finds with %s', async (_, tamper) => {
    const rows = tamper(chain());
    const db = new WorkstationDb(`chain-${Math.random()}`);
    await db.auditEvents.bulkAdd(rows as never);
    const read = await workstationEventReader(db);
    // Hashed one event at a time in JavaScript, and a page at a time in WebAssembly SIMD.
    for (const batch of [undefined, (await Sm3Simd.create())!]) {
      const segments = await Promise.all(splitSeqs(N, 2).map((r) => verifySegment(read, r.fromSeq, r.toSeq, () => {}, 6, batch)));
      expect(stitchSegments(segments)).toEqual(verifyAuditChain(rows));
    }
    db.close();
  });

  it('answers an empty chain as intact', async () => {
    const db = new WorkstationDb(`chain-${Math.random()}`);
    expect((await verifyLocalChain(db, () => {}, 2)).result).toEqual({ ok: true, checked: 0, firstBroken: null });
    db.close();
  });
});

describe('splitSeqs', () => {
  it.each([
    [
      10,
      2,
      [
        { fromSeq: 1, toSeq: 5 },
        { fromSeq: 6, toSeq: 10 },
      ],
    ],
    [
      5,
      2,
      [
        { fromSeq: 1, toSeq: 3 },
        { fromSeq: 4, toSeq: 5 },
      ],
    ],
    [1, 4, [{ fromSeq: 1, toSeq: 1 }]],
    [0, 2, []],
  ])('%i seqs in %i parts', (last, parts, expected) => {
    expect(splitSeqs(last, parts)).toEqual(expected);
  });
});
