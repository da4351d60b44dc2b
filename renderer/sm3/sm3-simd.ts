import { toHex } from '../../shared/encoding';
import { writeSm3Length, type Sm3Batch } from '../../shared/sm';
import { SM3_SIMD_WASM_BASE64 } from './sm3-simd-module';

/**
 * SM3 of many messages at once, four at a time in WebAssembly SIMD (one message per 32-bit
 * lane; scripts/sm3-simd-wat.mjs). Messages are copied into the module's memory, padded, as
 * they are added; `flush` hashes them all. About four times the rate of the JavaScript SM3 on a
 * ~450-byte audit event, which is what a chain verification spends most of its CPU on.
 */
export class Sm3Simd implements Sm3Batch {
  // Four digests of 32 bytes at offset 0, then the padded messages.
  private static readonly DIGESTS = 0;
  private static readonly MESSAGES = 128;
  private bytes: Uint8Array;
  private cursor = Sm3Simd.MESSAGES;
  private starts: number[] = [];
  private blocks: number[] = [];

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly hash4: (p0: number, n0: number, p1: number, n1: number, p2: number, n2: number, p3: number, n3: number, out: number) => void,
  ) {
    this.bytes = new Uint8Array(memory.buffer);
  }

  /**
   * A batch hasher, or null where WebAssembly SIMD is missing or refused (a CSP without
   * `'wasm-unsafe-eval'`): callers then hash in JavaScript.
   */
  static async create(): Promise<Sm3Simd | null> {
    if (typeof WebAssembly === 'undefined') return null;
    const code = Uint8Array.from(atob(SM3_SIMD_WASM_BASE64), (c) => c.charCodeAt(0));
    if (!WebAssembly.validate(code)) return null;
    try {
      const { instance } = await WebAssembly.instantiate(code);
      const exports = instance.exports as { memory: WebAssembly.Memory; hash4: Sm3Simd['hash4'] };
      return new Sm3Simd(exports.memory, exports.hash4);
    } catch {
      return null;
    }
  }

  /** Queues a message (copied now, padded as SM3 pads it). */
  add(message: Uint8Array): void {
    const length = message.length;
    const padded = (length + 9 + 63) & ~63;
    this.reserve(this.cursor + padded);
    const bytes = this.bytes;
    const start = this.cursor;
    bytes.set(message, start);
    bytes.fill(0, start + length, start + padded);
    bytes[start + length] = 0x80;
    const end = start + padded;
    writeSm3Length(bytes, end, length);
    this.starts.push(start);
    this.blocks.push(padded >>> 6);
    this.cursor = end;
  }

  /** The SM3 of every message queued since the last flush, in order, as 64 lowercase hex characters. */
  flush(): string[] {
    const { starts, blocks } = this;
    const count = starts.length;
    const digests: string[] = new Array<string>(count);
    const out = Sm3Simd.DIGESTS;
    for (let i = 0; i < count; i += 4) {
      // Missing lanes of the last group hash nothing (0 blocks) and are not read back.
      this.hash4(
        starts[i]!,
        blocks[i]!,
        starts[i + 1] ?? 0,
        blocks[i + 1] ?? 0,
        starts[i + 2] ?? 0,
        blocks[i + 2] ?? 0,
        starts[i + 3] ?? 0,
        blocks[i + 3] ?? 0,
        out,
      );
      const bytes = this.bytes;
      for (let lane = 0; lane < 4 && i + lane < count; lane++) digests[i + lane] = toHex(bytes.subarray(out + 32 * lane, out + 32 * lane + 32));
    }
    this.starts = [];
    this.blocks = [];
    this.cursor = Sm3Simd.MESSAGES;
    return digests;
  }

  private reserve(size: number): void {
    const have = this.memory.buffer.byteLength;
    if (size <= have) return;
    this.memory.grow(Math.ceil((size - have) / 65_536));
    // Growing detaches the old view.
    this.bytes = new Uint8Array(this.memory.buffer);
  }
}
