import { describe, expect, it } from 'vitest';
import { isPrintableAsciiKey, ScanBurstDetector, tokenFromScan, type ScanBurstOptions, type ScanKeyEvent } from '../../../shared/scan-burst';

const TOKEN =
  'EL1.eyJleHAiOjE3MzAwMDAzMDAsImhvbGRlciI6eyJpZE51bWJlciI6IjMxMDEwMTE5OTAwMTAxMDAxOCJ9LCJ2IjoxfQ.' + 'MEUCIQDx3d4Jd6Vh_Ka9wq-1cRzJ2mYtXk0yQ7bL8pN3sVfA';

/** Keydowns for `text` typed from `start` with `gap` ms between keys, optionally ending in Enter. */
function typed(text: string, gap: number, start = 1000, enter = true): ScanKeyEvent[] {
  const keys: ScanKeyEvent[] = [...text].map((key, i) => ({ key, at: start + i * gap }));
  if (enter) keys.push({ key: 'Enter', at: start + text.length * gap });
  return keys;
}

/** Keydowns as a gun that presses Shift before each capital sends them. */
function typedWithShift(text: string, gap: number, start = 1000): ScanKeyEvent[] {
  const keys: ScanKeyEvent[] = [];
  let at = start;
  for (const key of text) {
    if (key >= 'A' && key <= 'Z') keys.push({ key: 'Shift', at: at - 1 });
    keys.push({ key, at });
    at += gap;
  }
  keys.push({ key: 'Enter', at });
  return keys;
}

interface Outcome {
  scans: string[];
  /** What a focused text field ends up holding, given the steps' swallow / retract / restore. */
  field: string;
  /** Whether any terminator (Enter or Tab) reached the page. */
  enterPassed: boolean;
}

/**
 * Replays keydowns through a detector the way the composable (useBarcodeGun) does, against a
 * simulated text field that may hold text already: keys handed back are typed first; the field
 * is remembered when a key starts a run; keys taken back put the field back as remembered.
 */
function replay(keys: ScanKeyEvent[], options?: ScanBurstOptions, idleAfter?: number, initial = ''): Outcome {
  const detector = new ScanBurstDetector(options);
  const scans: string[] = [];
  let field = initial;
  let snapshot = initial;
  let enterPassed = false;
  for (const event of keys) {
    const s = detector.push(event);
    field += s.restore;
    if (s.startsRun) snapshot = field;
    if (s.retract) {
      // What is taken back is exactly what landed since the snapshot.
      expect(field).toBe(snapshot + s.retract);
      field = snapshot;
    }
    if (s.scan !== null) scans.push(s.scan);
    if (!s.swallow) {
      if (event.key === 'Enter' || event.key === 'Tab') enterPassed = true;
      else if (event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) field += event.key;
    }
  }
  if (idleAfter !== undefined) field += detector.expire(idleAfter).restore;
  return { scans, field, enterPassed };
}

/** Keydowns as a gun sends them: Shift before each capital, and a terminator of its setting. */
function gun(text: string, gap: number, start = 1000, terminator = 'Enter'): ScanKeyEvent[] {
  const keys = typedWithShift(text, gap, start).slice(0, -1);
  keys.push({ key: terminator, at: start + text.length * gap });
  return keys;
}

describe('ScanBurstDetector', () => {
  const cases: Array<{ name: string; keys: ScanKeyEvent[]; options?: ScanBurstOptions; idleAfter?: number; expected: Outcome }> = [
    {
      name: 'a gun at 5 ms per key is a scan and nothing lands in the field',
      keys: typed(TOKEN, 5),
      expected: { scans: [TOKEN], field: '', enterPassed: false },
    },
    {
      name: 'a gun at 25 ms per key is still a scan',
      keys: typed(TOKEN, 25),
      expected: { scans: [TOKEN], field: '', enterPassed: false },
    },
    {
      name: 'a gun that presses Shift before capitals is a scan',
      keys: typedWithShift(TOKEN, 5),
      expected: { scans: [TOKEN], field: '', enterPassed: false },
    },
    {
      name: 'a person at 120 ms per key types undisturbed, Enter included',
      keys: typed('310101199001010018abcdef', 120),
      expected: { scans: [], field: '310101199001010018abcdef', enterPassed: true },
    },
    {
      name: "a fast typist's short word at 25 ms per key is handed back in full, and Enter goes through",
      keys: typed('the cat', 25),
      expected: { scans: [], field: 'the cat', enterPassed: true },
    },
    {
      name: 'a three-key roll-over is never even withheld',
      keys: typed('and', 15, 1000, false),
      expected: { scans: [], field: 'and', enterPassed: false },
    },
    {
      name: 'a burst without Enter is not a scan: it is handed back when the keys stop',
      keys: typed(TOKEN, 5, 1000, false),
      idleAfter: 1000 + TOKEN.length * 5 + 100,
      expected: { scans: [], field: TOKEN, enterPassed: false },
    },
    {
      name: 'a burst interrupted by a long pause is not a scan, and no keystroke is lost',
      keys: [...typed(TOKEN.slice(0, 150), 5, 1000, false), ...typed(TOKEN.slice(150, 160), 5, 3000)],
      expected: { scans: [], field: TOKEN.slice(0, 160), enterPassed: true },
    },
    {
      name: 'Enter long after a burst is not part of it',
      keys: [...typed(TOKEN, 5, 1000, false), { key: 'Enter', at: 1000 + TOKEN.length * 5 + 500 }],
      expected: { scans: [], field: TOKEN, enterPassed: true },
    },
    {
      name: 'a fast run of 19 characters is too short for a scan',
      keys: typed('ABCDEFGHIJKLMNOPQRS', 5),
      expected: { scans: [], field: 'ABCDEFGHIJKLMNOPQRS', enterPassed: true },
    },
    {
      name: 'a fast run of exactly 20 characters is a scan',
      keys: typed('ABCDEFGHIJKLMNOPQRST', 5),
      expected: { scans: ['ABCDEFGHIJKLMNOPQRST'], field: '', enterPassed: false },
    },
    {
      name: 'a Ctrl chord in the middle breaks the burst (it is a shortcut, not a character)',
      keys: [...typed(TOKEN.slice(0, 100), 5, 1000, false), { key: 'v', at: 1500, ctrlKey: true }, ...typed(TOKEN.slice(100, 110), 5, 1505)],
      expected: { scans: [], field: TOKEN.slice(0, 110), enterPassed: true },
    },
    {
      name: 'a held key auto-repeating at 20 ms is not a gun',
      keys: [
        { key: 'a', at: 1000 },
        ...Array.from({ length: 30 }, (_, i) => ({ key: 'a', at: 1300 + i * 20, repeat: true })),
        { key: 'Enter', at: 1300 + 30 * 20 },
      ],
      expected: { scans: [], field: 'a'.repeat(31), enterPassed: true },
    },
    {
      name: 'non-ASCII characters break a burst',
      keys: typed('EL1.abcdefghij亮klmnopqrstuvwxyz', 5),
      expected: { scans: [], field: 'EL1.abcdefghij亮klmnopqrstuvwxyz', enterPassed: true },
    },
    {
      name: 'a person typing, then a scan right after, gives each its own',
      keys: [...typed('张三 id', 150, 1000, false), ...typed(TOKEN, 5, 3000)],
      expected: { scans: [TOKEN], field: '张三 id', enterPassed: false },
    },
    {
      name: 'two scans in a row are both read',
      keys: [...typed(TOKEN, 5, 1000), ...typed(`${TOKEN}x`, 5, 5000)],
      expected: { scans: [TOKEN, `${TOKEN}x`], field: '', enterPassed: false },
    },
    {
      name: 'the gap threshold is configurable: 40 ms keys are a person at 30 ms, a gun at 50 ms',
      keys: typed(TOKEN, 40),
      options: { maxGapMs: 50 },
      expected: { scans: [TOKEN], field: '', enterPassed: false },
    },
    {
      name: '40 ms keys with the default threshold are typing',
      keys: typed(TOKEN.slice(0, 30), 40),
      expected: { scans: [], field: TOKEN.slice(0, 30), enterPassed: true },
    },
    {
      name: 'the minimum length is configurable',
      keys: typed('ABCDEFGHIJ', 5),
      options: { minLength: 8 },
      expected: { scans: ['ABCDEFGHIJ'], field: '', enterPassed: false },
    },
  ];

  it.each(cases)('$name', ({ keys, options, idleAfter, expected }) => {
    expect(replay(keys, options, idleAfter)).toEqual(expected);
  });

  it('a gun pressing Shift for capitals leaves a field that already held text exactly as it was', () => {
    // The Shift before `L` comes after `E` has landed: it must not be taken for the run's start.
    expect(replay(typedWithShift(TOKEN, 3), { maxGapMs: 100 }, undefined, 'jhdj')).toEqual({ scans: [TOKEN], field: 'jhdj', enterPassed: false });
    expect(replay(typedWithShift(TOKEN, 3), { maxGapMs: 100 })).toEqual({ scans: [TOKEN], field: '', enterPassed: false });
  });

  it('starts a run only on a printable key after a pause, never on Shift', () => {
    const detector = new ScanBurstDetector();
    const starts = typedWithShift('EL1.aB', 5, 0)
      .slice(0, -1)
      .map((k) => [k.key, detector.push(k).startsRun]);
    expect(starts).toEqual([
      ['Shift', false],
      ['E', true],
      ['Shift', false],
      ['L', false],
      ['1', false],
      ['.', false],
      ['a', false],
      ['Shift', false],
      ['B', false],
    ]);
  });

  it('a gun set to end with Tab is read and its Tab kept from the page', () => {
    expect(replay(gun(TOKEN, 5, 1000, 'Tab'), undefined, undefined, 'jhdj')).toEqual({ scans: [TOKEN], field: 'jhdj', enterPassed: false });
  });

  it('a second terminator right after a scan (Tab then Enter, CR then LF) is part of the scan', () => {
    const keys = [...gun(TOKEN, 5, 1000, 'Tab'), { key: 'Enter', at: 1000 + TOKEN.length * 5 + 4 }];
    expect(replay(keys)).toEqual({ scans: [TOKEN], field: '', enterPassed: false });
  });

  it("an Enter well after a scan is the clerk's own", () => {
    const keys = [...gun(TOKEN, 5), { key: 'Enter', at: 1000 + TOKEN.length * 5 + 400 }];
    expect(replay(keys)).toEqual({ scans: [TOKEN], field: '', enterPassed: true });
  });

  it('a person pressing Tab after typing moves on as usual', () => {
    expect(replay(typed('310101', 150, 1000, false).concat({ key: 'Tab', at: 2000 }))).toEqual({ scans: [], field: '310101', enterPassed: true });
  });

  it('says a run is possibly a scan from the fourth fast key, and not before', () => {
    const detector = new ScanBurstDetector();
    const seen = typed('EL1.abc', 5, 0, false).map((k) => {
      detector.push(k);
      return detector.possiblyScan;
    });
    expect(seen).toEqual([false, false, false, true, true, true, true]);
  });

  it('takes back the keys that landed before the run was recognised', () => {
    const detector = new ScanBurstDetector();
    const steps = typed('EL1.', 5, 0, false).map((k) => detector.push(k));
    expect(steps.map((s) => [s.swallow, s.retract])).toEqual([
      [false, ''],
      [false, ''],
      [false, ''],
      [true, 'EL1'],
    ]);
  });

  it('does not expire a run that is still within the gap', () => {
    const detector = new ScanBurstDetector();
    for (const k of typed('EL1.abcdef', 5, 0, false)) detector.push(k);
    expect(detector.expire(45 + 10).restore).toBe('');
    expect(detector.possiblyScan).toBe(true);
    expect(detector.expire(45 + 31).restore).toBe('EL1.abcdef');
    expect(detector.possiblyScan).toBe(false);
  });
});

describe('isPrintableAsciiKey', () => {
  it.each([
    ['a', true],
    [' ', true],
    ['~', true],
    ['.', true],
    ['Enter', false],
    ['Shift', false],
    ['亮', false],
    ['\t', false],
    ['', false],
  ])('%j → %s', (key, printable) => {
    expect(isPrintableAsciiKey(key)).toBe(printable);
  });
});

describe('tokenFromScan', () => {
  // A token's signature is base64url of 64 bytes: exactly 86 characters.
  const token = `EL1.eyJ2IjoxfQ.${'A'.repeat(40)}${'b_-9'.repeat(11)}${'Z'.repeat(2)}`;

  it('reads a token as it is', () => {
    expect(token.split('.')[2]).toHaveLength(86);
    expect(tokenFromScan(token)).toBe(token);
  });

  it.each([
    ['the AIM identifier of a QR code', `]Q1${token}`],
    ['a prefix and a suffix', `SCAN:${token}#END`],
    ['a suffix of letters and digits', `${token}0001`],
    ['a space suffix', `${token} `],
  ])('takes off %s', (_name, scanned) => {
    expect(tokenFromScan(scanned)).toBe(token);
  });

  it('leaves text with no token in it as it is, to be refused as what it is', () => {
    expect(tokenFromScan('HTTPS-EXAMPLE-COM-COUPON-0123456789')).toBe('HTTPS-EXAMPLE-COM-COUPON-0123456789');
    // A token whose signature is too short is not cut to shape: it is refused as it came.
    const short = token.slice(0, -1);
    expect(tokenFromScan(`]Q1${short}`)).toBe(`]Q1${short}`);
  });
});
