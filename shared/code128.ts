/**
 * Code 128 (ISO/IEC 15417), the linear barcode a counter's gun reads from printed documents:
 * the case number on the receipt and the 一次性告知书 is printed with it, so that the applicant's
 * paper brings the case back up with one scan. Pure: the symbol's values and its bars; the
 * document draws them (renderer/features/print/Code128Barcode.vue).
 *
 * Only printable ASCII (code set B) and digits (code set C) are encoded: a case number is
 * letters, digits and hyphens, and no control character has any business on a receipt. Runs of
 * digits go in code set C, two digits to a symbol, where that makes the symbol shorter — a case
 * number's date and sequence — so that it fits an 80 mm roll at a width a gun reads comfortably.
 */

/**
 * The bar and space widths (in modules) of each symbol value 0–106: bar, space, bar, space,
 * bar, space (and, for the stop symbol 106, a final two-module bar). Each symbol is 11 modules
 * wide, the stop 13. Ten to a line, as the standard's table is read.
 */
// prettier-ignore
const PATTERNS: readonly string[] = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

const START_B = 104;
const START_C = 105;
const CODE_B = 100; // in code set C: switch to B
const CODE_C = 99; // in code set B: switch to C
const STOP = 106;

/** The quiet zone each side of a symbol, in modules (the standard asks for at least 10). */
export const CODE128_QUIET_ZONE = 10;

/** Why a text cannot be encoded. */
export class Code128Error extends RangeError {}

function digitRun(text: string, from: number): number {
  let end = from;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  return end - from;
}

/**
 * The symbol values of `text`: the start symbol, the data (with code set switches), the check
 * symbol; the stop symbol is not included. Code set C is used for a run of at least 4 digits at
 * the start or the end, or at least 6 within (where it is shorter than set B); an odd run keeps
 * its first digit in set B. Throws a {@link Code128Error} for an empty text or a character
 * outside printable ASCII (space to `~`).
 */
export function code128Values(text: string): number[] {
  if (text.length === 0) throw new Code128Error('code128: nothing to encode');
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch.length !== 1 || code < 32 || code > 126) throw new Code128Error(`code128: ${JSON.stringify(ch)} is not printable ASCII`);
  }
  const values: number[] = [];
  // Four digits or more at the start: start in set C (a trailing odd digit switches to B).
  let set: 'B' | 'C' = digitRun(text, 0) >= 4 ? 'C' : 'B';
  values.push(set === 'C' ? START_C : START_B);
  let i = 0;
  while (i < text.length) {
    const run = digitRun(text, i);
    const atStart = i === 0;
    const toEnd = i + run === text.length;
    const worthC = run >= 4 && (atStart || toEnd || run >= 6);
    if (set === 'C') {
      if (run >= 2) {
        values.push(Number(text.slice(i, i + 2)));
        i += 2;
        continue;
      }
      values.push(CODE_B);
      set = 'B';
    }
    if (worthC && run % 2 === 1) {
      // An odd run: its first digit in set B, the even rest in set C.
      values.push(text.charCodeAt(i) - 32);
      i += 1;
      continue;
    }
    if (worthC) {
      values.push(CODE_C);
      set = 'C';
      continue;
    }
    values.push(text.charCodeAt(i) - 32);
    i += 1;
  }
  let sum = values[0]!;
  for (let k = 1; k < values.length; k++) sum += k * values[k]!;
  values.push(sum % 103);
  return values;
}

/** A bar of a symbol: where it starts and how wide it is, in modules from the symbol's left edge (after the quiet zone). */
export interface Code128Bar {
  x: number;
  width: number;
}

/** A symbol ready to draw: its bars and its width in modules, quiet zones included on both sides. */
export interface Code128Symbol {
  /** The encoded text (what a gun reads back). */
  text: string;
  bars: Code128Bar[];
  /** The width in modules including {@link CODE128_QUIET_ZONE} on each side; the bars' x are offset by the left one. */
  modules: number;
}

/** The bars of `text` as a Code 128 symbol, each module a unit; throws like {@link code128Values}. */
export function code128(text: string): Code128Symbol {
  const bars: Code128Bar[] = [];
  let x = CODE128_QUIET_ZONE;
  for (const value of [...code128Values(text), STOP]) {
    const pattern = PATTERNS[value]!;
    for (let k = 0; k < pattern.length; k++) {
      const width = pattern.charCodeAt(k) - 48;
      if (k % 2 === 0) bars.push({ x, width });
      x += width;
    }
  }
  return { text, bars, modules: x + CODE128_QUIET_ZONE };
}

/**
 * The symbol as one SVG path (`M x 0 h w v 1 h -w Z` per bar, one unit high): a document scales
 * it to its width and height with a viewBox of `0 0 modules 1` and `preserveAspectRatio="none"`.
 */
export function code128Path(symbol: Code128Symbol): string {
  return symbol.bars.map((bar) => `M${bar.x} 0h${bar.width}v1h-${bar.width}z`).join('');
}
