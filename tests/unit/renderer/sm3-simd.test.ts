import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuditChainVerifier, createAuditEvent, type AuditEvent } from '../../../shared/audit-chain';
import { sm3Hex } from '../../../shared/sm';
import { Sm3Simd } from '../../../renderer/sm3/sm3-simd';
import { sm3SimdWasmBytes } from '../../../shared/sm3-simd';
import { SM3_SIMD_WASM_BASE64 } from '../../../shared/sm3-simd-module';
import { MODULE_PATH, sm3SimdModuleSource } from '../../../scripts/gen-sm3-simd.mjs';

// Deterministic bytes (xorshift), so a failure can be replayed.
function bytesOf(length: number, seed: number): Uint8Array {
  let x = seed | 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

async function simd(): Promise<Sm3Simd> {
  const hasher = await Sm3Simd.create();
  // Node 20 and Chromium both run WebAssembly SIMD: null here would hide the module from the tests.
  expect(hasher).not.toBeNull();
  return hasher!;
}

describe('four-lane SM3 in WebAssembly SIMD', () => {
  it('gives the standard test vectors (GB/T 32905 appendix A)', async () => {
    const hasher = await simd();
    hasher.add(new TextEncoder().encode('abc'));
    hasher.add(new TextEncoder().encode('abcd'.repeat(16)));
    expect(hasher.flush()).toEqual([
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    ]);
  });

  it('equals the JavaScript SM3 on every length across block boundaries, whatever its lane neighbours', async () => {
    const hasher = await simd();
    // Lengths 0…300 in an order that puts short and long messages side by side in each group of four.
    const lengths = Array.from({ length: 301 }, (_, i) => (i % 2 === 0 ? i : 300 - i));
    const messages = lengths.map((length, i) => bytesOf(length, i + 1));
    for (const message of messages) hasher.add(message);
    expect(hasher.flush()).toEqual(messages.map((m) => sm3Hex(m)));
  });

  it('hashes a group whose lanes differ by thousands of blocks, growing its memory, and forgets each batch once flushed', async () => {
    const hasher = await simd();
    const big = bytesOf(3_000_000, 7);
    const group = [bytesOf(5, 1), big, bytesOf(64, 2), bytesOf(0, 3), bytesOf(119, 4)];
    for (const message of group) hasher.add(message);
    expect(hasher.flush()).toEqual(group.map((m) => sm3Hex(m)));
    expect(hasher.flush()).toEqual([]);
    hasher.add(bytesOf(55, 9));
    expect(hasher.flush()).toEqual([sm3Hex(bytesOf(55, 9))]);
  });

  it('verifies an audit chain with Chinese details as the JavaScript SM3 does, and finds an edit', async () => {
    const chain: AuditEvent[] = [];
    let prev: AuditEvent | null = null;
    for (let i = 0; i < 2_001; i++) {
      prev = createAuditEvent(prev, {
        at: new Date(Date.UTC(2026, 10, 27, 1, 0, i)).toISOString(),
        operator: `clerk${i % 7}`,
        role: 'clerk',
        workstation: 'WS-DEMO-01',
        case: i % 5 === 0 ? null : `WS01-20261127-${String(i % 140).padStart(4, '0')}`,
        kind: 'verification',
        details: { materialId: `M${i % 8}`, note: '人才引进落户 材料核验'.repeat(i % 9), n: i },
      });
      chain.push(prev);
    }
    const hasher = await simd();
    const verifier = new AuditChainVerifier(undefined, undefined, hasher);
    expect(verifier.pushAll(chain)).toBe(true);
    expect(verifier.result.checked).toBe(2_001);
    const edited = chain.map((e) => (e.seq === 1_234 ? { ...e, details: { ...e.details, note: '改' } } : e));
    const again = new AuditChainVerifier(undefined, undefined, hasher);
    expect(again.pushAll(edited)).toBe(false);
    expect(again.result.firstBroken).toEqual({ seq: 1_234, reason: 'hash_mismatch' });
  });

  it('is loaded from shared/ with the same bytes in Node and in the page (no atob, no Buffer)', () => {
    const bytes = sm3SimdWasmBytes();
    expect(Buffer.from(bytes).equals(Buffer.from(SM3_SIMD_WASM_BASE64, 'base64'))).toBe(true);
    // A WebAssembly module starts with its magic number and version 1.
    expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  });

  it('is the module its generator writes (run `npm run gen:sm3-simd` after changing it)', async () => {
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(await sm3SimdModuleSource());
  });
});
