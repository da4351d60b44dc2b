/**
 * Rows in PostgreSQL's binary COPY format, for `COPY … FROM STDIN (FORMAT binary)` (PostgreSQL)
 * or `FROM '/dev/blob'` (PGlite): each field its length and its bytes, nothing to quote or
 * escape on either side. A push's audit events go in this way: their canonical bodies are
 * copied as the bytes that were hashed, never decoded into strings, quoted into an array
 * literal and parsed again by the server (which together cost more than the rest of the ingest).
 *
 * Text fields must be valid UTF-8 without NUL (the server checks); the hall writes only text its
 * schemas admitted (printable, no lone surrogates) and canonical JSON (which escapes controls).
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** A growing buffer of binary COPY rows. */
export class BinaryCopy {
  private buffer: Buffer;
  private used = 0;
  private finished = false;

  /** `expectedSize`: the bytes the rows will take, about (the buffer grows beyond it, by doubling, copying what it holds). */
  constructor(expectedSize = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, expectedSize));
    this.reserve(19);
    SIGNATURE.copy(this.buffer, 0);
    // Flags (no OIDs) and the length of the header extension: both 0.
    this.buffer.writeInt32BE(0, 11);
    this.buffer.writeInt32BE(0, 15);
    this.used = 19;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): this {
    this.reserve(2);
    this.buffer.writeInt16BE(fields, this.used);
    this.used += 2;
    return this;
  }

  /** A text field (UTF-8), or NULL. */
  text(value: string | null): this {
    if (value === null) return this.nullField();
    // A UTF-16 unit is at most three UTF-8 bytes.
    this.reserve(4 + value.length * 3);
    const written = this.buffer.write(value, this.used + 4, 'utf8');
    this.buffer.writeInt32BE(written, this.used);
    this.used += 4 + written;
    return this;
  }

  /** A text field given as its UTF-8 bytes. */
  bytes(value: Uint8Array): this {
    this.reserve(4 + value.length);
    this.buffer.writeInt32BE(value.length, this.used);
    this.buffer.set(value, this.used + 4);
    this.used += 4 + value.length;
    return this;
  }

  /** An `integer` field. */
  int4(value: number): this {
    this.reserve(8);
    this.buffer.writeInt32BE(4, this.used);
    this.buffer.writeInt32BE(value, this.used + 4);
    this.used += 8;
    return this;
  }

  /** A `bigint` field (a safe integer), as two 32-bit halves: a BigInt per field cost more than the rest of the row. */
  int8(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`BinaryCopy: ${value} is not a safe integer`);
    this.reserve(12);
    const high = Math.floor(value / 4294967296);
    this.buffer.writeInt32BE(8, this.used);
    this.buffer.writeInt32BE(high, this.used + 4);
    this.buffer.writeUInt32BE(value - high * 4294967296, this.used + 8);
    this.used += 12;
    return this;
  }

  /** A NULL field. */
  nullField(): this {
    this.reserve(4);
    this.buffer.writeInt32BE(-1, this.used);
    this.used += 4;
    return this;
  }

  /** Bytes written so far (the header included): where the next row starts. */
  get length(): number {
    return this.used;
  }

  /** The whole COPY data, its trailer written; the writer is done. */
  finish(): Buffer {
    if (!this.finished) {
      this.reserve(2);
      this.buffer.writeInt16BE(-1, this.used);
      this.used += 2;
      this.finished = true;
    }
    return this.buffer.subarray(0, this.used);
  }

  private reserve(extra: number): void {
    if (this.finished) throw new Error('BinaryCopy: already finished');
    if (this.used + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.used + extra) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }
}
