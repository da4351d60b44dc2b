/**
 * A seeded pseudo-random generator (sfc32), so that one seed always gives the same demo data.
 * Not for secrets: session ids and grant ids come from node:crypto.
 */
import { sm3Hex } from '../shared/sm';

/** A deterministic source of demo-data choices. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const hex = sm3Hex(seed);
    this.a = parseInt(hex.slice(0, 8), 16);
    this.b = parseInt(hex.slice(8, 16), 16);
    this.c = parseInt(hex.slice(16, 24), 16);
    this.d = parseInt(hex.slice(24, 32), 16);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    this.a |= 0;
    this.b |= 0;
    this.c |= 0;
    this.d |= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]!;
    return out;
  }

  /** `length` decimal digits. */
  digits(length: number): string {
    return this.chars('0123456789', length);
  }

  /** Lowercase hex of `bytes` random bytes. */
  hex(bytes: number): string {
    return this.chars('0123456789abcdef', bytes * 2);
  }
}
