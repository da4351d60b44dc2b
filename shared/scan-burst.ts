/**
 * Tells a barcode gun from a person at the keyboard.
 *
 * A gun in keyboard-emulation mode "types" the 亮证码 as one fast burst of
 * printable ASCII ending in Enter (or Tab, if it is set so), pressing Shift for
 * each capital, into whatever has the focus. This classifier
 * sees only key names and times (no DOM), so the caller decides what to do with
 * each keystroke from the step it returns: let it through, swallow it, take
 * back the first keys of a burst that reached a field before the burst was
 * recognised, or give back keys it swallowed when the run turns out to be a
 * person after all.
 */
import { TOKEN_PREFIX } from './token';

/** One keydown, as the classifier needs it. */
export interface ScanKeyEvent {
  /** `KeyboardEvent.key`: a single character for printable keys, a name such as `Enter` or `Shift` otherwise. */
  key: string;
  /** When the key went down, in milliseconds on any monotonic clock (`KeyboardEvent.timeStamp`). */
  at: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  /** `KeyboardEvent.repeat`: a held key auto-repeating, which is as fast as a gun but never one. */
  repeat?: boolean;
}

/** Thresholds of the classifier. */
export interface ScanBurstOptions {
  /** Fewest printable characters a burst must have before its Enter to count as a scan. Default 20. */
  minLength?: number;
  /** Longest gap between two keys of a burst, Enter included, in ms. Default 30. */
  maxGapMs?: number;
  /**
   * Keys that end a scan: Enter (a gun's factory setting) and Tab (a gun set to move to the next
   * field). Default both. The other one, or the same, right after a scan (a gun that sends a Tab
   * suffix before its Enter, or CR LF) is swallowed too.
   */
  terminators?: readonly string[];
  /**
   * Length of a fast run from which it is treated as possibly a scan and its keys are swallowed.
   * Default 4: a person rarely strikes four keys within 30 ms of each other, and the keys of
   * a run that is swallowed but then turns out to be typing are handed back in order.
   */
  swallowFrom?: number;
}

/** What the caller must do with one keystroke. */
export interface ScanBurstStep {
  /** Keep this keystroke from its target (preventDefault). */
  swallow: boolean;
  /** Characters of this run that already reached the target before the run looked like a scan: take them back. */
  retract: string;
  /** Characters swallowed earlier that turned out to be typing: hand them to the target, before this keystroke. */
  restore: string;
  /**
   * This keystroke is the first printable key of a new fast run: the caller takes its snapshot of
   * the focused field now, before the key lands. Only such a key starts a run — a Shift pressed
   * for a capital within a run never does, though the run's first character is already in the field.
   */
  startsRun: boolean;
  /** The scanned text when this keystroke is the Enter that completes a burst, else null. */
  scan: string | null;
}

/** The defaults of {@link ScanBurstOptions}. */
export const SCAN_BURST_DEFAULTS: Readonly<Required<ScanBurstOptions>> = Object.freeze({
  minLength: 20,
  maxGapMs: 30,
  terminators: Object.freeze(['Enter', 'Tab']),
  swallowFrom: 4,
});

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'ScrollLock', 'Fn', 'OS']);

/** Whether a key name is a single printable ASCII character (space to tilde). */
export function isPrintableAsciiKey(key: string): boolean {
  if (key.length !== 1) return false;
  const code = key.charCodeAt(0);
  return code >= 0x20 && code <= 0x7e;
}

function step(partial: Partial<ScanBurstStep> = {}): ScanBurstStep {
  return { swallow: false, retract: '', restore: '', scan: null, startsRun: false, ...partial };
}

/**
 * A stateful classifier: feed it every keydown in order with {@link ScanBurstDetector.push},
 * and call {@link ScanBurstDetector.expire} from a timer when no key has come for a while,
 * so that keys withheld from a run that stopped without Enter are handed back promptly.
 */
export class ScanBurstDetector {
  private readonly options: Readonly<Required<ScanBurstOptions>>;
  private run = '';
  private lastAt = Number.NEGATIVE_INFINITY;
  private swallowing = false;
  /** When the last scan ended, so that a second terminator sent right after it is kept from the page. */
  private scanEndedAt = Number.NEGATIVE_INFINITY;

  constructor(options: ScanBurstOptions = {}) {
    this.options = { ...SCAN_BURST_DEFAULTS, ...options };
  }

  /** Whether the current run is possibly a scan, so that its keys are being swallowed. */
  get possiblyScan(): boolean {
    return this.swallowing;
  }

  /** Printable characters in the current fast run so far. */
  get runLength(): number {
    return this.run.length;
  }

  /** Classifies one keydown and says what to do with it. */
  push(event: ScanKeyEvent): ScanBurstStep {
    if (MODIFIER_KEYS.has(event.key)) {
      // A gun presses Shift for capitals: modifier keydowns neither count nor break the run,
      // and never start one.
      return step({ swallow: this.swallowing });
    }
    const fast = event.at - this.lastAt <= this.options.maxGapMs;
    const chord = event.ctrlKey === true || event.altKey === true || event.metaKey === true;

    if (this.options.terminators.includes(event.key) && !chord && event.repeat !== true) {
      if (fast && this.run.length >= this.options.minLength) {
        const scanned = this.run;
        const retract = this.swallowing ? '' : scanned;
        this.reset();
        this.scanEndedAt = event.at;
        return step({ swallow: true, retract, scan: scanned });
      }
      const sinceScan = event.at - this.scanEndedAt;
      if (this.run.length === 0 && sinceScan >= 0 && sinceScan <= this.options.maxGapMs) {
        // The gun's second terminator (Tab then Enter, CR then LF): part of the scan just read.
        this.scanEndedAt = event.at;
        return step({ swallow: true });
      }
      return this.abandon();
    }

    if (!isPrintableAsciiKey(event.key) || chord || event.repeat === true) {
      return this.abandon();
    }

    if (!fast) {
      // A pause: whatever came before was not a burst; this key may start one.
      const before = this.abandon();
      this.run = event.key;
      this.lastAt = event.at;
      return { ...before, startsRun: true };
    }

    this.run += event.key;
    this.lastAt = event.at;
    if (this.swallowing) return step({ swallow: true });
    if (this.run.length >= this.options.swallowFrom) {
      this.swallowing = true;
      return step({ swallow: true, retract: this.run.slice(0, -1) });
    }
    return step();
  }

  /**
   * Ends a run that has seen no key for longer than the burst gap at time `now`, and hands back
   * what it withheld. Returns a step with nothing to do when the run is still live or held nothing.
   */
  expire(now: number): ScanBurstStep {
    if (this.run.length === 0 || now - this.lastAt <= this.options.maxGapMs) return step();
    return this.abandon();
  }

  /** Forgets the current run without handing anything back. */
  reset(): void {
    this.run = '';
    this.lastAt = Number.NEGATIVE_INFINITY;
    this.swallowing = false;
    this.scanEndedAt = Number.NEGATIVE_INFINITY;
  }

  private abandon(): ScanBurstStep {
    const restore = this.swallowing ? this.run : '';
    this.reset();
    return step({ restore });
  }
}

// A 亮证码 (shared/token.ts, docs/library-api.md §6): `EL1.<payload>.<signature>`, the signature being base64url
// of exactly 64 bytes, so 86 characters. Its end is known without a delimiter.
const TOKEN_IN_SCAN = new RegExp(`${TOKEN_PREFIX}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{86}`);

/**
 * The 亮证码 inside what a gun sent, without the prefix and suffix a gun may be set to add
 * (the AIM symbology identifier `]Q1`, a branch code, a `#`…): a token's own shape says where it
 * starts and ends. Text with no 亮证码 in it is returned as it is, to be refused as what it is.
 */
export function tokenFromScan(text: string): string {
  return TOKEN_IN_SCAN.exec(text)?.[0] ?? text;
}
