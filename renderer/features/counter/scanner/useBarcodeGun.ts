import { getCurrentScope, onScopeDispose, ref, toValue, type MaybeRefOrGetter } from 'vue';
import { ScanBurstDetector, SCAN_BURST_DEFAULTS, type ScanBurstOptions, type ScanBurstStep } from '../../../../shared/scan-burst';

export interface BarcodeGunOptions extends ScanBurstOptions {
  /** Called with the scanned text (the 亮证码, with any prefix and suffix the gun adds) each time a gun burst ends in Enter or Tab. */
  onScan: (text: string) => void;
  /** While false, keystrokes are left alone. Default: always listening. */
  enabled?: MaybeRefOrGetter<boolean>;
  /** Where to listen; the window unless a test supplies another. */
  target?: Window;
}

type TextField = HTMLInputElement | HTMLTextAreaElement;

// Input types whose value a person types into; a gun burst must not end up in any of them.
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'tel', 'url', 'email', 'password', 'number']);

function textFieldOf(el: Element | null): TextField | null {
  if (el instanceof HTMLTextAreaElement) return el.readOnly || el.disabled ? null : el;
  if (el instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(el.type)) return el.readOnly || el.disabled ? null : el;
  return null;
}

interface FieldSnapshot {
  field: TextField;
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
}

function notifyInput(field: TextField): void {
  // v-model (and Element Plus's el-input) follow the native input event.
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Puts back the value and caret a field had before a burst's first keys reached it. */
function restoreSnapshot(snapshot: FieldSnapshot): void {
  const { field } = snapshot;
  if (field.value === snapshot.value) return;
  field.value = snapshot.value;
  if (snapshot.selectionStart !== null && field.selectionStart !== null) {
    field.setSelectionRange(snapshot.selectionStart, snapshot.selectionEnd ?? snapshot.selectionStart);
  }
  notifyInput(field);
}

/** Types `text` into a field at its caret, as the keys would have if they had not been withheld. */
function insertAtCaret(field: TextField, text: string): void {
  const room = field.maxLength >= 0 ? Math.max(0, field.maxLength - field.value.length) : text.length;
  const fitting = text.slice(0, room);
  if (fitting.length === 0) return;
  if (field.selectionStart === null) {
    field.value += fitting;
  } else {
    field.setRangeText(fitting, field.selectionStart, field.selectionEnd ?? field.selectionStart, 'end');
  }
  notifyInput(field);
}

/**
 * Catches the barcode gun wherever the focus is. Listens to keydown on the window in the capture
 * phase, so it sees every key before any field or shortcut does; a burst that the classifier
 * (shared/scan-burst) takes for a gun is kept out of the focused text field — the first keys,
 * which land before a burst can be recognised, are taken out again — and handed to `onScan`.
 * Keys withheld from a run that turns out to be a person typing are given back in order, so
 * typing in a field is never disturbed. Stops listening when the calling scope is disposed.
 */
export function useBarcodeGun(options: BarcodeGunOptions) {
  const target = options.target ?? window;
  const detector = new ScanBurstDetector(options);
  const maxGapMs = options.maxGapMs ?? SCAN_BURST_DEFAULTS.maxGapMs;
  const lastScan = ref<string | null>(null);
  let snapshot: FieldSnapshot | null = null;
  let expiry: ReturnType<typeof setTimeout> | null = null;

  function focusedField(): TextField | null {
    return textFieldOf(target.document.activeElement);
  }

  function giveBack(text: string): void {
    const field = focusedField();
    if (text && field) insertAtCaret(field, text);
  }

  function takeBackAndReport(step: ScanBurstStep): void {
    if (step.retract && snapshot && snapshot.field === focusedField()) restoreSnapshot(snapshot);
    if (step.scan !== null) {
      lastScan.value = step.scan;
      options.onScan(step.scan);
    }
  }

  function clearExpiry(): void {
    if (expiry !== null) clearTimeout(expiry);
    expiry = null;
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (!(toValue(options.enabled) ?? true)) {
      detector.reset();
      return;
    }
    const step = detector.push({
      key: event.key,
      at: event.timeStamp,
      ctrlKey: event.ctrlKey,
      altKey: event.altKey,
      metaKey: event.metaKey,
      repeat: event.repeat,
    });
    clearExpiry();
    giveBack(step.restore);
    if (step.startsRun) {
      // This key starts a run: remember the field as it is before the key lands in it. Only
      // then: the Shift a gun presses before a capital comes after the run's first character
      // has landed, and a snapshot taken then would keep that character when the run is taken back.
      const field = focusedField();
      snapshot = field ? { field, value: field.value, selectionStart: field.selectionStart, selectionEnd: field.selectionEnd } : null;
    }
    if (step.swallow) {
      event.preventDefault();
      event.stopPropagation();
    }
    takeBackAndReport(step);
    if (detector.possiblyScan) {
      // A run that stops without its Enter (or Tab) is handed back as soon as it has clearly stopped.
      expiry = setTimeout(() => giveBack(detector.expire(performance.now()).restore), maxGapMs * 2);
    }
  }

  function onBlur(): void {
    clearExpiry();
    giveBack(detector.expire(Number.POSITIVE_INFINITY).restore);
  }

  target.addEventListener('keydown', onKeyDown, { capture: true });
  target.addEventListener('blur', onBlur);

  /** Stops listening; a run in progress is handed back. */
  function stop(): void {
    target.removeEventListener('keydown', onKeyDown, { capture: true });
    target.removeEventListener('blur', onBlur);
    onBlur();
  }

  if (getCurrentScope()) onScopeDispose(stop);

  return {
    /** The last text scanned, or null. */
    lastScan,
    stop,
  };
}
