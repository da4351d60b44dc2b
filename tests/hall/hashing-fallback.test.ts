import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_EVENT_COLUMNS, NodeSm3Batch, encodePushedChain } from '../../hall/chain';
import { sql } from '../../hall/db';
import { createAuditEvent, type AuditEvent } from '../../shared/audit-chain';
import { canonicalJson } from '../../shared/canonical-json';
import { Sm3Simd } from '../../shared/sm3-simd';
import { enrolled, openTestDatabase, startTestHall } from './helpers';

const sm3 = (bytes: Uint8Array) => createHash('sm3').update(bytes).digest('hex');

// Messages as the chain hashes them: 64 hex characters of prev, then a body (short, multibyte,
// one longer than the hasher's first memory, one exactly a block long, an empty one).
const prev = 'ab'.repeat(32);
const bodies = ['{"a":1}', `{"note":"${'结婚登记'.repeat(20)}"}`, `{"x":"${'y'.repeat(70_000)}"}`, 'z'.repeat(64 - 9), ''];
const messages = bodies.map((body) => Buffer.from(prev + body, 'utf8'));

// A chain of events whose bodies are short, multibyte and long (larger than the COPY writer's first buffer).
function chainOf(n: number): AuditEvent[] {
  const chain: AuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    const note = i === 3 ? '导出'.repeat(40_000) : i % 2 ? '结婚登记 材料核验' : 'ok';
    chain.push(
      createAuditEvent(chain.at(-1) ?? null, {
        at: `2026-11-26T01:00:0${i % 10}.000Z`,
        operator: i ? 'OP-1' : null,
        role: i ? 'clerk' : null,
        workstation: 'WS-FB-00',
        case: i % 3 ? `C-${i}` : null,
        kind: 'pull',
        details: { note, n: i, nested: { z: [1, 'a'], a: null } },
      }),
    );
  }
  return chain;
}

describe('the hall hashing of pushed events, with and without the four-lane SM3', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the same digests with the four lanes and with Node SM3', async () => {
    const lanes = await Sm3Simd.create();
    expect(lanes).not.toBeNull();
    for (const batch of [lanes!, new NodeSm3Batch()]) {
      for (const message of messages) batch.add(message);
      expect(batch.flush()).toEqual(messages.map(sm3));
      // Flushed: the next push starts empty.
      expect(batch.flush()).toEqual([]);
    }
  });

  it('writes the pushed events as COPY rows whose bodies are what was hashed, with either hasher, and names a broken link as the chain verifier does', async () => {
    const chain = chainOf(9);
    const lanes = (await Sm3Simd.create())!;
    for (const batch of [lanes, new NodeSm3Batch()]) {
      const encoded = encodePushedChain(chain, batch);
      if (!('rows' in encoded)) throw new Error('refused an intact chain');
      const { rows } = encoded;
      expect(rows.length).toBe(9);
      expect(Array.from({ length: 9 }, (_, i) => rows.text(i))).toEqual(chain.map(({ hash, ...event }) => (void hash, canonicalJson(event))));
      expect(chain.every((event, i) => sm3(Buffer.concat([Buffer.from(event.prev), rows.body(i)])) === event.hash)).toBe(true);

      // The rows from the fourth on, under stream 7, load as they are into audit_events.
      const test = await openTestDatabase('pglite');
      try {
        expect(await test.db.copyFrom('audit_events', AUDIT_EVENT_COLUMNS, rows.copyData(3, 7))).toBe(6);
        const stored = await test.db.all(
          sql<{ stream: number; seq: number; at: string; operator: string | null; kind: string; case_no: string | null; body: string; hash: string }>(
            'SELECT stream, seq, at, operator, kind, case_no, body, hash FROM audit_events ORDER BY seq',
          ),
        );
        expect(stored).toEqual(
          chain
            .slice(3)
            .map((e, i) => ({ stream: 7, seq: e.seq, at: e.at, operator: e.operator, kind: e.kind, case_no: e.case, body: rows.text(3 + i), hash: e.hash })),
        );
      } finally {
        await test.drop();
      }
    }

    // The first broken link in seq order: an edited event before a broken link is named first.
    const edited = chain.map((e) => ({ ...e }));
    edited[6] = { ...edited[6]!, prev: 'cd'.repeat(32) };
    expect(encodePushedChain(edited, lanes)).toEqual({ broken: { seq: 7, reason: 'prev_mismatch' } });
    edited[4] = { ...edited[4]!, details: { ...edited[4]!.details, n: 40 } };
    expect(encodePushedChain(edited, lanes)).toEqual({ broken: { seq: 5, reason: 'hash_mismatch' } });
    expect(encodePushedChain(edited, new NodeSm3Batch())).toEqual({ broken: { seq: 5, reason: 'hash_mismatch' } });
    const gap = chain.filter((e) => e.seq !== 4);
    expect(encodePushedChain(gap, lanes)).toEqual({ broken: { seq: 5, reason: 'seq_gap' } });
  });

  it('ingests a chain where WebAssembly SIMD is missing (Node SM3), storing the bodies as hashed and still refusing a forged event', async () => {
    vi.spyOn(Sm3Simd, 'create').mockResolvedValue(null);
    const test = await startTestHall('pglite');
    try {
      const ws = await enrolled(test, 'WS-FB-01');
      ws.appendEvents(9);
      ws.appendEvents(1, { kind: 'export', details: { note: '导出'.repeat(3000) } });
      const answer = await ws.push();
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ audit: { highest: 10, lastHash: ws.chain[9]!.hash }, stored: { audit: 10 } });
      const rows = await test.db.all(sql<{ seq: number; body: string; hash: string }>('SELECT seq, body, hash FROM audit_events ORDER BY seq'));
      expect(rows.map((row) => sm3(Buffer.from((row.seq === 1 ? '0'.repeat(64) : rows[row.seq - 2]!.hash) + row.body)))).toEqual(ws.chain.map((e) => e.hash));
      expect(Sm3Simd.create).toHaveBeenCalled();

      // A forged event is still caught on this path.
      ws.appendEvents(2);
      const forged = { ...ws.chain[10]!, details: { ...ws.chain[10]!.details, forged: true } };
      ws.chain[10] = forged;
      const refused = await ws.push({ fromSeq: 11 });
      expect([refused.status, refused.json.error.code]).toEqual([422, 'CHAIN_HASH_MISMATCH']);
    } finally {
      await test.stop();
    }
  });
});
