import { utf8Encoder } from './encoding';

/**
 * Canonical JSON as the library API defines it (docs/library-api.md §1): object keys sorted at
 * every level, no whitespace, strings and numbers written as `JSON.stringify` writes them.
 * Every signature in the system is over this text, so the workstation and the library must
 * produce byte-identical output for equal values.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      // Plain loops rather than filter/map/join: this runs for every audit event a supervisor
      // verifies, and the closures cost more than the sorting of a few keys.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          out += canonicalJson(item === undefined ? null : item);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        if (out.length > 1) out += ',';
        out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported value of type ${typeof value}`);
  }
}

/** True when two JSON values have the same canonical form (used for idempotent replays). */
export function canonicallyEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

// ---- The same text, written straight into UTF-8 bytes ----

/**
 * Writes canonical JSON (and raw text) as UTF-8 into one growing, reused buffer, for
 * hashing without building the text as a string first. Verifying the audit chain hashes
 * every event; in Chromium, joining the event's text and encoding the joined string cost as
 * much as SM3 itself. The bytes are exactly those of `canonicalJson` encoded as UTF-8 (a unit
 * test holds the two equal).
 */
export class CanonicalJsonWriter {
  private buffer = new Uint8Array(1024);
  private used = 0;

  /** Starts a new text, keeping the buffer. */
  reset(): this {
    this.used = 0;
    return this;
  }

  /** The bytes written since the last reset (a view of the reused buffer: valid until the next write). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }

  /** Appends text as it is (not quoted), in UTF-8: punctuation, field names, digits, hex. */
  raw(text: string): this {
    const length = text.length;
    this.reserve(length);
    const buffer = this.buffer;
    const start = this.used;
    let at = start;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        this.used = start;
        return this.utf8(text);
      }
      buffer[at++] = code;
    }
    this.used = at;
    return this;
  }

  /**
   * Appends a string as `JSON.stringify` writes it, in UTF-8. Characters that need no escape
   * are encoded here, Chinese included; a string with a control character, `"`, `\\` or a
   * surrogate (a pair, or a lone one that JSON.stringify escapes) goes through JSON.stringify
   * and the platform's encoder.
   */
  string(text: string): this {
    const length = text.length;
    this.reserve(length * 3 + 2);
    const buffer = this.buffer;
    const start = this.used;
    let at = start;
    buffer[at++] = 0x22;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        if (code < 0x20 || code === 0x22 || code === 0x5c) return this.stringified(text, start);
        buffer[at++] = code;
      } else if (code < 0x800) {
        buffer[at++] = 0xc0 | (code >> 6);
        buffer[at++] = 0x80 | (code & 0x3f);
      } else if (code < 0xd800 || code > 0xdfff) {
        buffer[at++] = 0xe0 | (code >> 12);
        buffer[at++] = 0x80 | ((code >> 6) & 0x3f);
        buffer[at++] = 0x80 | (code & 0x3f);
      } else {
        return this.stringified(text, start);
      }
    }
    buffer[at++] = 0x22;
    this.used = at;
    return this;
  }

  /** Appends a string or null as canonical JSON. */
  nullableString(text: string | null): this {
    return text === null ? this.raw('null') : this.string(text);
  }

  /** Appends any JSON value as {@link canonicalJson} writes it. */
  value(value: unknown): this {
    if (value === null) return this.raw('null');
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
        return this.raw(JSON.stringify(value));
      case 'boolean':
        return this.raw(value ? 'true' : 'false');
      case 'object': {
        if (Array.isArray(value)) {
          this.raw('[');
          for (let i = 0; i < value.length; i++) {
            if (i > 0) this.raw(',');
            const item: unknown = value[i];
            this.value(item === undefined ? null : item);
          }
          return this.raw(']');
        }
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record).sort();
        this.raw('{');
        let first = true;
        for (const key of keys) {
          const item = record[key];
          if (item === undefined) continue;
          if (!first) this.raw(',');
          first = false;
          this.string(key).raw(':').value(item);
        }
        return this.raw('}');
      }
      default:
        throw new TypeError(`canonicalJson: unsupported value of type ${typeof value}`);
    }
  }

  private stringified(text: string, start: number): this {
    this.used = start;
    return this.utf8(JSON.stringify(text));
  }

  private utf8(text: string): this {
    // A UTF-16 unit becomes at most three UTF-8 bytes.
    this.reserve(text.length * 3);
    if (utf8Encoder.encodeInto) {
      this.used += utf8Encoder.encodeInto(text, this.buffer.subarray(this.used)).written;
    } else {
      const bytes = utf8Encoder.encode(text);
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    return this;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.used + extra) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buffer.subarray(0, this.used));
    this.buffer = bigger;
  }
}
