/**
 * Card photos for the reader simulator, drawn in code: a small head-and-shoulders figure on the
 * white background of an ID photo, its looks (skin, hair, clothes) derived from the holder, so
 * each card has its own picture and no file ships with the sandbox. Encoded as PNG.
 */
import { deflateSync } from 'node:zlib';

/** The chip photo's size (GA 461: 102 × 126 pixels). */
export const PORTRAIT_WIDTH = 102;
export const PORTRAIT_HEIGHT = 126;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit RGB pixels (`width × height × 3` bytes, rows top to bottom) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError('encodePng: pixel buffer size does not match the image');
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A small deterministic hash of a text, for choosing looks. */
function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
  return h >>> 0;
}

type Rgb = readonly [number, number, number];

const SKINS: readonly Rgb[] = [
  [241, 206, 178],
  [232, 190, 160],
  [224, 180, 148],
  [214, 168, 134],
  [246, 214, 190],
];
const CLOTHES: readonly Rgb[] = [
  [40, 52, 80],
  [30, 30, 34],
  [92, 30, 40],
  [50, 80, 70],
  [70, 70, 78],
  [22, 60, 110],
];

/** What a portrait depends on. */
export interface PortraitSubject {
  idNumber: string;
  sex: '男' | '女';
  birthYear: number;
}

/**
 * The card photo of a holder as RGB pixels (102 × 126): hair greys with age, longer for women,
 * skin and clothes chosen from the ID number.
 */
export function portraitPixels(subject: PortraitSubject, referenceYear = 2026): Uint8Array {
  const w = PORTRAIT_WIDTH;
  const h = PORTRAIT_HEIGHT;
  const seed = hash(subject.idNumber);
  const skin = SKINS[seed % SKINS.length]!;
  const clothes = CLOTHES[(seed >>> 4) % CLOTHES.length]!;
  const age = referenceYear - subject.birthYear;
  const grey = Math.max(0, Math.min(1, (age - 45) / 30));
  const hairBase: Rgb = [34 + ((seed >>> 8) % 20), 28 + ((seed >>> 12) % 12), 24];
  const hair: Rgb = [0, 1, 2].map((i) => Math.round(hairBase[i]! + (200 - hairBase[i]!) * grey)) as unknown as Rgb;
  const long = subject.sex === '女';
  const faceW = 25 + ((seed >>> 16) % 5);
  const faceH = 33 + ((seed >>> 20) % 4);
  const cx = w / 2 + (((seed >>> 24) % 5) - 2);
  const cy = 54;
  const rgb = new Uint8Array(w * h * 3);
  const inEllipse = (x: number, y: number, ex: number, ey: number, rx: number, ry: number) => ((x - ex) / rx) ** 2 + ((y - ey) / ry) ** 2 <= 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let colour: Rgb = [250, 250, 250];
      // Shoulders and clothes, then the neck, the hair behind, the face, the hair on top.
      if (inEllipse(x, y, cx, h + 18, 58, 44)) colour = clothes;
      else if (Math.abs(x - cx) < 10 && y > cy + faceH - 8 && y < h - 20) colour = [skin[0] - 14, skin[1] - 16, skin[2] - 14];
      if (long && inEllipse(x, y, cx, cy + 8, faceW + 9, faceH + 16) && y < cy + faceH + 14 && !inEllipse(x, y, cx, h + 18, 58, 44)) colour = hair;
      if (inEllipse(x, y, cx, cy, faceW, faceH)) colour = skin;
      if (inEllipse(x, y, cx, cy - faceH * 0.45, faceW + 3, faceH * 0.62) && y < cy - faceH * 0.35) colour = hair;
      // Eyes, brows and mouth, so that the clerk sees a face rather than a blank oval.
      if (inEllipse(x, y, cx - 9, cy - 2, 2.6, 1.8) || inEllipse(x, y, cx + 9, cy - 2, 2.6, 1.8)) colour = [40, 34, 30];
      if ((Math.abs(y - (cy - 8)) < 1 && Math.abs(x - (cx - 9)) < 5) || (Math.abs(y - (cy - 8)) < 1 && Math.abs(x - (cx + 9)) < 5)) colour = hair;
      if (inEllipse(x, y, cx, cy + 16, 7, 1.6)) colour = [178, 96, 92];
      const o = 3 * (y * w + x);
      rgb[o] = colour[0];
      rgb[o + 1] = colour[1];
      rgb[o + 2] = colour[2];
    }
  }
  return rgb;
}

/** The card photo of a holder as a PNG file (a few kilobytes). */
export function portraitPng(subject: PortraitSubject): Buffer {
  return encodePng(PORTRAIT_WIDTH, PORTRAIT_HEIGHT, portraitPixels(subject));
}
