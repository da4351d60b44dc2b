import { beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { code128, code128Path, code128Values, Code128Error, CODE128_QUIET_ZONE, type Code128Symbol } from '../../../shared/code128';
import { zxingWasmFromPackage } from '../../fixtures/qr/zxing-node';

/** The symbol drawn as a gun's sensor sees it: black bars on white, `px` pixels a module. */
function raster(symbol: Code128Symbol, px = 3, height = 60): { data: Uint8ClampedArray; width: number; height: number } {
  const width = symbol.modules * px;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const bar of symbol.bars) {
    for (let y = 0; y < height; y++) {
      for (let x = bar.x * px; x < (bar.x + bar.width) * px; x++) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
    }
  }
  return { data, width, height };
}

async function read(symbol: Code128Symbol, px?: number): Promise<string[]> {
  const results = await readBarcodes(raster(symbol, px) as unknown as ImageData, { formats: ['Code128'], tryHarder: false, maxNumberOfSymbols: 1 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}

beforeAll(async () => {
  await prepareZXingModule({ overrides: { wasmBinary: (zxingWasmFromPackage() as { wasmBinary: ArrayBuffer }).wasmBinary }, fireImmediately: true });
});

describe('Code 128', () => {
  it('encodes a case number that a reader reads back exactly', async () => {
    for (const caseNo of ['WSDEMO01-20261127-0001', 'PD01-20261126-0007', 'W0-20270101-9999']) {
      expect(await read(code128(caseNo))).toEqual([caseNo]);
    }
  });

  it('reads back every printable character and every digit-run shape, in sets B and C', async () => {
    const texts = [
      ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~',
      '1234',
      '12345',
      '123456789012',
      'A1234567B',
      'AB12345',
      '9',
      'X-123-Y',
      // Set C's values 0–99 as pairs: every pattern a case number's digits can take.
      Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''),
    ];
    for (const text of texts) expect(await read(code128(text)), text).toEqual([text]);
  });

  it('puts a case number’s date and sequence in set C: shorter than set B alone', () => {
    const values = code128Values('WSDEMO01-20261127-0001');
    // Start B, "WSDEMO01-" in B, switch to C, 20 26 11 27, "-" after a switch to B, C again for 00 01, check.
    expect(values[0]).toBe(104);
    expect(values.slice(1, 10)).toEqual([...'WSDEMO01-'].map((ch) => ch.charCodeAt(0) - 32));
    expect(values.slice(10, 15)).toEqual([99, 20, 26, 11, 27]);
    expect(values.slice(15, 20)).toEqual([100, '-'.charCodeAt(0) - 32, 99, 0, 1]);
    expect(values).toHaveLength(21);
    // 21 symbols of 11 modules, the stop of 13, the quiet zones: against 24 symbols in set B alone.
    expect(code128('WSDEMO01-20261127-0001').modules).toBe(21 * 11 + 13 + 2 * CODE128_QUIET_ZONE);
  });

  it('computes the check symbol as the weighted sum modulo 103', () => {
    // "PJJ123C" in set B: 104 + 1·48 + 2·42 + 3·42 + 4·17 + 5·18 + 6·19 + 7·35 = 879 = 8·103 + 55.
    const values = code128Values('PJJ123C');
    expect(values).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55]);
  });

  it('starts in set C for a text of digits, and switches to B for a trailing odd digit', async () => {
    expect(code128Values('123456').slice(0, 4)).toEqual([105, 12, 34, 56]);
    const odd = code128Values('12345');
    expect(odd.slice(0, 5)).toEqual([105, 12, 34, 100, '5'.charCodeAt(0) - 32]);
    expect(await read(code128('12345'))).toEqual(['12345']);
  });

  it('is eleven modules a symbol, every bar inside the quiet zones', () => {
    const symbol = code128('PD01-20261126-0007');
    const last = symbol.bars.at(-1)!;
    expect(symbol.bars[0]!.x).toBe(CODE128_QUIET_ZONE);
    expect(last.x + last.width).toBe(symbol.modules - CODE128_QUIET_ZONE);
    expect((symbol.modules - 2 * CODE128_QUIET_ZONE - 13) % 11).toBe(0);
    expect(code128Path(symbol)).toMatch(/^M10 0h\d+v1h-\d+z/);
    expect(code128Path(symbol).match(/M/g)).toHaveLength(symbol.bars.length);
  });

  it('refuses an empty text and anything that is not printable ASCII', () => {
    expect(() => code128Values('')).toThrow(Code128Error);
    expect(() => code128Values('办件-0001')).toThrow(Code128Error);
    expect(() => code128Values('A\tB')).toThrow(Code128Error);
    expect(() => code128Values('A\u007fB')).toThrow(Code128Error);
  });
});
