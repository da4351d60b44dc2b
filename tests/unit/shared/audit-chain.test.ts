import { describe, expect, it } from 'vitest';
import {
  AUDIT_GENESIS_PREV,
  AuditChainVerifier,
  auditEventHash,
  auditEventsFromCsv,
  auditEventsToCsv,
  createAuditEvent,
  parseCsv,
  verifyAuditChain,
  type AuditEvent,
  type AuditEventInput,
} from '../../../shared/audit-chain';
import { canonicalJson } from '../../../shared/canonical-json';
import { Sm3BatchJs, sm3Hex, type Sm3Batch } from '../../../shared/sm';

function input(i: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    at: `2026-11-26T02:00:${String(i % 60).padStart(2, '0')}.000Z`,
    operator: 'clerk01',
    role: 'clerk',
    workstation: 'PD01',
    case: 'PD01-20261126-0007',
    kind: 'verification',
    details: { materialId: `M${i}`, outcome: 'valid', note: '结婚登记' },
    ...overrides,
  };
}

function buildChain(length: number): AuditEvent[] {
  const chain: AuditEvent[] = [];
  let prev: AuditEvent | null = null;
  for (let i = 0; i < length; i++) {
    prev = createAuditEvent(prev, input(i));
    chain.push(prev);
  }
  return chain;
}

describe('createAuditEvent', () => {
  it('starts at seq 1 after the genesis hash, then links each event to the previous one', () => {
    const [first, second] = buildChain(2) as [AuditEvent, AuditEvent];
    expect(first.seq).toBe(1);
    expect(first.prev).toBe(AUDIT_GENESIS_PREV);
    expect(second.seq).toBe(2);
    expect(second.prev).toBe(first.hash);
  });

  it('hashes SM3(prev + canonical JSON of the event without hash), as documented', () => {
    const event = createAuditEvent(null, input(0, { case: null, details: { z: 1, a: { y: [1, '二'], b: null } } }));
    const { hash, ...withoutHash } = event;
    expect(hash).toBe(sm3Hex(AUDIT_GENESIS_PREV + canonicalJson(withoutHash)));
    expect(auditEventHash(withoutHash)).toBe(hash);
  });

  it.each([
    ['a case event', input(1)],
    ['an event outside a case, before sign-in', input(2, { case: null, operator: null, role: null, kind: 'settings_change' })],
    ['text that needs escaping', input(3, { workstation: 'PD "01"\n\\', details: { path: 'C:\\x', quote: '"', emoji: '😀' } })],
  ])('writes the event in exactly canonicalJson order: %s', (_, eventInput) => {
    const event = createAuditEvent(null, eventInput);
    const { hash, ...withoutHash } = event;
    expect(hash).toBe(sm3Hex(event.prev + canonicalJson(withoutHash)));
  });

  it('stores details exactly as hashed: undefined fields dropped, dates as their JSON', () => {
    const event = createAuditEvent(null, input(0, { details: { a: undefined, b: 1, at: new Date('2026-11-26T02:00:00Z') } }));
    expect(event.details).toEqual({ b: 1, at: '2026-11-26T02:00:00.000Z' });
    expect(Object.keys(event.details)).toEqual(['b', 'at']);
    expect(verifyAuditChain([event]).ok).toBe(true);
  });

  it.each([
    ['an unknown kind', input(0, { kind: 'delete_everything' as AuditEventInput['kind'] })],
    ['details that are an array', input(0, { details: [] as unknown as AuditEventInput['details'] })],
    ['details that are null', input(0, { details: null as unknown as AuditEventInput['details'] })],
    ['an empty operator id', input(0, { operator: '' })],
    ['an empty case number', input(0, { case: '' })],
  ])('refuses %s', (_, eventInput) => {
    expect(() => createAuditEvent(null, eventInput)).toThrow(TypeError);
  });
});

describe('AuditChainVerifier', () => {
  const chain = buildChain(6);

  it('accepts an intact chain and counts every event', () => {
    expect(verifyAuditChain(chain)).toEqual({ ok: true, checked: 6, firstBroken: null });
  });

  it('ignores a property a store adds to the rows, such as a primary key', () => {
    const rows = chain.map((event, i) => ({ ...event, id: i + 100 }));
    expect(verifyAuditChain(rows).ok).toBe(true);
  });

  it('accepts an empty chain', () => {
    expect(verifyAuditChain([])).toEqual({ ok: true, checked: 0, firstBroken: null });
  });

  type Tamper = (events: AuditEvent[]) => AuditEvent[];
  const tampers: [string, Tamper, number | null, string][] = [
    ['a field edited', (e) => e.map((x) => (x.seq === 3 ? { ...x, operator: 'clerk02' } : x)), 3, 'hash_mismatch'],
    ['details edited', (e) => e.map((x) => (x.seq === 4 ? { ...x, details: { ...x.details, outcome: 'revoked' } } : x)), 4, 'hash_mismatch'],
    ['an event removed', (e) => e.filter((x) => x.seq !== 3), 4, 'seq_gap'],
    ['two events swapped', (e) => [e[0]!, e[2]!, e[1]!, ...e.slice(3)], 3, 'seq_gap'],
    ['an event repeated', (e) => [...e.slice(0, 3), e[2]!, ...e.slice(3)], 3, 'seq_gap'],
    [
      'an event edited and rehashed',
      (e) =>
        e.map((x) => {
          if (x.seq !== 2) return x;
          const { hash: _oldHash, ...rest } = { ...x, kind: 'paper_scan' as const };
          return { ...rest, hash: auditEventHash(rest) };
        }),
      3,
      'prev_mismatch',
    ],
    ['the first event not at the genesis', (e) => e.slice(1), 2, 'seq_gap'],
    ['an unknown kind', (e) => e.map((x) => (x.seq === 5 ? { ...x, kind: 'magic' as AuditEvent['kind'] } : x)), 5, 'malformed'],
    ['a hash in upper case', (e) => e.map((x) => (x.seq === 2 ? { ...x, hash: x.hash.toUpperCase() } : x)), 2, 'malformed'],
    ['a seq that is not a number', (e) => e.map((x) => (x.seq === 2 ? { ...x, seq: '2' as unknown as number } : x)), null, 'malformed'],
    ['a prev in upper case', (e) => e.map((x) => (x.seq === 3 ? { ...x, prev: x.prev.toUpperCase() } : x)), 3, 'malformed'],
    ['the last hash not hex', (e) => e.map((x) => (x.seq === 6 ? { ...x, hash: 'z'.repeat(64) } : x)), 6, 'malformed'],
    [
      'a hash and the next prev both in upper case',
      (e) => e.map((x) => (x.seq === 2 ? { ...x, hash: x.hash.toUpperCase() } : x.seq === 3 ? { ...x, prev: x.prev.toUpperCase() } : x)),
      2,
      'malformed',
    ],
    ['a removed event followed by a malformed hash', (e) => e.filter((x) => x.seq !== 3).map((x) => (x.seq === 4 ? { ...x, hash: 'x' } : x)), 4, 'malformed'],
  ];

  it.each(tampers)('names the first broken link when %s', (_, tamper, seq, reason) => {
    const result = verifyAuditChain(tamper(chain));
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq, reason });
  });

  it('stops at the first broken link: later events are not checked and push stays false', () => {
    const verifier = new AuditChainVerifier();
    const broken = chain.map((x) => (x.seq === 2 ? { ...x, at: '2026-11-26T03:00:00.000Z' } : x));
    expect(verifier.push(broken[0]!)).toBe(true);
    expect(verifier.push(broken[1]!)).toBe(false);
    expect(verifier.push(broken[2]!)).toBe(false);
    expect(verifier.result).toEqual({ ok: false, checked: 2, firstBroken: { seq: 2, reason: 'hash_mismatch' } });
  });

  it('gives the same result fed in pages as in one go', () => {
    const verifier = new AuditChainVerifier();
    for (let offset = 0; offset < chain.length; offset += 4) expect(verifier.pushAll(chain.slice(offset, offset + 4))).toBe(true);
    expect(verifier.result).toEqual(verifyAuditChain(chain));
  });

  it('resumes from a checkpoint hash, and can require the seq to resume at', () => {
    const resumed = new AuditChainVerifier(chain[2]!.hash, 4);
    expect(resumed.pushAll(chain.slice(3))).toBe(true);
    expect(resumed.lastHash).toBe(chain[5]!.hash);
    expect(new AuditChainVerifier(chain[2]!.hash).pushAll(chain.slice(3))).toBe(true);
    const wrongSeq = new AuditChainVerifier(chain[2]!.hash, 5);
    expect(wrongSeq.push(chain[3]!)).toBe(false);
    expect(wrongSeq.result.firstBroken).toEqual({ seq: 4, reason: 'seq_gap' });
    const wrongHash = new AuditChainVerifier(chain[1]!.hash);
    expect(wrongHash.push(chain[3]!)).toBe(false);
    expect(wrongHash.result.firstBroken).toEqual({ seq: 4, reason: 'prev_mismatch' });
  });

  it('finds a malformed prev on the first event of a resumed verification, whose start hash is that same prev', () => {
    // A segment verifier starts from its first event's own prev (chain-segments.ts): the link
    // into the segment is checked when segments are stitched, but the format must be checked here.
    const upper = { ...chain[3]!, prev: chain[3]!.prev.toUpperCase() };
    for (const batch of [undefined, new Sm3BatchJs()]) {
      const verifier = new AuditChainVerifier(upper.prev, 4, batch);
      expect(verifier.pushAll([upper, ...chain.slice(4)])).toBe(false);
      expect(verifier.result).toEqual({ ok: false, checked: 1, firstBroken: { seq: 4, reason: 'malformed' } });
    }
  });
});

describe('AuditChainVerifier with a batch hasher', () => {
  const chain = buildChain(12);

  /** Sm3BatchJs that records the size of every flush and whether anything was left queued. */
  class CountingBatch implements Sm3Batch {
    readonly flushes: number[] = [];
    private readonly inner = new Sm3BatchJs();
    private queued = 0;
    add(message: Uint8Array): void {
      this.queued++;
      this.inner.add(message);
    }
    flush(): string[] {
      this.flushes.push(this.queued);
      this.queued = 0;
      return this.inner.flush();
    }
  }

  function batched(events: AuditEvent[], page: number): { result: ReturnType<typeof verifyAuditChain>; batch: CountingBatch } {
    const batch = new CountingBatch();
    const verifier = new AuditChainVerifier(undefined, undefined, batch);
    for (let offset = 0; offset < events.length; offset += page) if (!verifier.pushAll(events.slice(offset, offset + page))) break;
    return { result: verifier.result, batch };
  }

  it('accepts an intact chain, hashing each page in one flush, and resumes where it stopped', () => {
    const { result, batch } = batched(chain, 5);
    expect(result).toEqual({ ok: true, checked: 12, firstBroken: null });
    expect(batch.flushes).toEqual([5, 5, 2]);
    const resumed = new AuditChainVerifier(chain[5]!.hash, 7, new Sm3BatchJs());
    expect(resumed.pushAll(chain.slice(6))).toBe(true);
    expect(resumed.lastHash).toBe(chain[11]!.hash);
  });

  type Tamper = (events: AuditEvent[]) => AuditEvent[];
  const edit =
    (seq: number, change: Partial<AuditEvent>): Tamper =>
    (e) =>
      e.map((x) => (x.seq === seq ? { ...x, ...change } : x));
  const both =
    (...tampers: Tamper[]): Tamper =>
    (e) =>
      tampers.reduce((events, tamper) => tamper(events), e);
  const cases: [string, Tamper][] = [
    ['a field edited', edit(3, { operator: 'clerk02' })],
    ['the last event edited', edit(12, { case: null })],
    ['an event removed', (e) => e.filter((x) => x.seq !== 7)],
    ['two events swapped', (e) => [...e.slice(0, 4), e[5]!, e[4]!, ...e.slice(6)]],
    ['an unknown kind', edit(9, { kind: 'magic' as AuditEvent['kind'] })],
    ['an edit before a removal in the same page', both(edit(2, { at: '2026-11-26T09:00:00.000Z' }), (e) => e.filter((x) => x.seq !== 4))],
    ['a removal before an edit in the same page', both((e) => e.filter((x) => x.seq !== 2), edit(4, { at: '2026-11-26T09:00:00.000Z' }))],
    ['an edit and a malformed event in the same page', both(edit(6, { role: 'boss' }), edit(7, { hash: 'x' }))],
    ['a malformed event before an edit in the same page', both(edit(6, { hash: 'x' }), edit(7, { role: 'boss' }))],
    [
      'a hash in upper case, followed by a removal',
      both(
        (e) => e.map((x) => (x.seq === 5 ? { ...x, hash: x.hash.toUpperCase() } : x)),
        (e) => e.filter((x) => x.seq !== 8),
      ),
    ],
    ['a prev in upper case after an edit', both(edit(3, { operator: 'x' }), (e) => e.map((x) => (x.seq === 4 ? { ...x, prev: x.prev.toUpperCase() } : x)))],
    ['the last hash not hex', edit(12, { hash: 'g'.repeat(64) })],
  ];

  it.each(cases)('finds the link one push per event finds when %s, whatever the page size', (_, tamper) => {
    const events = tamper(chain);
    const expected = verifyAuditChain(events);
    expect(expected.ok).toBe(false);
    for (const page of [1, 3, 5, 100]) expect(batched(events, page).result).toEqual(expected);
  });

  it('stays broken: a later page is not hashed and returns false', () => {
    const batch = new CountingBatch();
    const verifier = new AuditChainVerifier(undefined, undefined, batch);
    expect(verifier.pushAll(edit(2, { operator: 'x' })(chain).slice(0, 4))).toBe(false);
    expect(verifier.pushAll(chain.slice(4))).toBe(false);
    expect(batch.flushes).toEqual([4]);
    expect(verifier.result).toEqual({ ok: false, checked: 2, firstBroken: { seq: 2, reason: 'hash_mismatch' } });
  });
});

describe('CSV export', () => {
  const chain = [createAuditEvent(null, input(0, { kind: 'sign_in', case: null, details: { offline: false } }))];
  chain.push(createAuditEvent(chain[0]!, input(1, { details: { note: '含"引号",逗号\r\n换行', n: 1 } })));
  chain.push(createAuditEvent(chain[1]!, input(2, { operator: '=HYPERLINK("http://x")', role: null, case: null, kind: 'export' })));
  chain.push(createAuditEvent(chain[2]!, input(3, { workstation: "'PD01", kind: 'purge' })));
  const csv = auditEventsToCsv(chain);

  it('starts with a UTF-8 BOM and a header row, and ends each line with CRLF', () => {
    expect(csv.startsWith('\uFEFF"seq","at","operator","role","workstation","case","kind","details","prev","hash"\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(chain.length + 2);
  });

  it('quotes every field, doubles quotes and writes details as canonical JSON', () => {
    const row = parseCsv(csv)[2]!;
    expect(row[7]).toBe('{"n":1,"note":"含\\"引号\\",逗号\\r\\n换行"}');
    expect(csv).toContain('"{""n"":1,""note"":""含\\""引号\\"",逗号\\r\\n换行""}"');
  });

  it('keeps a cell from running as a formula in Excel', () => {
    const row = parseCsv(csv)[3]!;
    expect(row[2]).toBe('\'=HYPERLINK("http://x")');
  });

  it('round-trips through auditEventsFromCsv, and the re-read chain still verifies', () => {
    const back = auditEventsFromCsv(csv);
    expect(back).toEqual(chain);
    expect(verifyAuditChain(back).ok).toBe(true);
  });

  it('refuses a file that is not an audit export', () => {
    expect(() => auditEventsFromCsv('a,b\r\n1,2\r\n')).toThrow(SyntaxError);
  });

  it('with the operator directory, adds each operator’s name and 工号 for the reader, and still reads back the chain exactly', () => {
    const operators = new Map([[chain[0]!.operator!, { name: '王晓燕', username: 'clerk01' }]]);
    const named = auditEventsToCsv(chain, (id) => operators.get(id));
    const rows = parseCsv(named);
    expect(rows[0]!.slice(-2)).toEqual(['operatorName', 'operatorUsername']);
    expect(rows[1]!.slice(-2)).toEqual(['王晓燕', 'clerk01']);
    // An operator the directory does not know: empty cells, the id still in its column.
    expect(rows[3]!.slice(-2)).toEqual(['', '']);
    const back = auditEventsFromCsv(named);
    expect(back).toEqual(chain);
    expect(verifyAuditChain(back).ok).toBe(true);
    expect(() => auditEventsFromCsv(named.replace('"王晓燕","clerk01"', '"王晓燕"'))).toThrow(SyntaxError);
  });
});

describe('parseCsv', () => {
  it.each([
    [
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['\uFEFFa', [['a']]],
    ['"a,b","c""d"\r\n', [['a,b', 'c"d']]],
    ['"multi\r\nline",x', [['multi\r\nline', 'x']]],
    [',\r\n', [['', '']]],
    ['""', [['']]],
    ['', []],
  ])('%j', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it.each(['"open', '"a"b,c'])('refuses malformed quoting: %j', (text) => {
    expect(() => parseCsv(text)).toThrow(SyntaxError);
  });
});
