import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapturingSm3Batch } from '../../hall/chain';
import { sql } from '../../hall/db';
import { Sm3Simd } from '../../shared/sm3-simd';
import { enrolled, startTestHall } from './helpers';

const sm3 = (bytes: Uint8Array) => createHash('sm3').update(bytes).digest('hex');

// Messages as the chain hashes them: 64 hex characters of prev, then a body (short, multibyte,
// one longer than the capture's first buffer, one exactly a block long, an empty one).
const prev = 'ab'.repeat(32);
const bodies = ['{"a":1}', `{"note":"${'结婚登记'.repeat(20)}"}`, `{"x":"${'y'.repeat(70_000)}"}`, 'z'.repeat(64 - 9), ''];
const messages = bodies.map((body) => Buffer.from(prev + body, 'utf8'));

describe('the hall hashing of pushed events, with and without the four-lane SM3', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the same digests and captures the same bodies with the four lanes and with Node SM3', async () => {
    const lanes = await Sm3Simd.create();
    expect(lanes).not.toBeNull();
    for (const batch of [new CapturingSm3Batch(lanes), new CapturingSm3Batch(null)]) {
      for (const message of messages) batch.add(message);
      expect(batch.flush()).toEqual(messages.map(sm3));
      const captured = batch.takeBodies();
      expect(Array.from({ length: captured.length }, (_, i) => captured.text(i))).toEqual(bodies);
      expect(captured.slice(3).text(0)).toBe(bodies[3]);
      // Taken: the next push starts empty.
      expect(batch.takeBodies().length).toBe(0);
    }
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
