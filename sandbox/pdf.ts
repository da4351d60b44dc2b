/**
 * A licence's PDF: its type, face data and identifier, drawn with pdf-lib. pdf-lib's subset
 * embedding of the CFF-based Noto Sans CJK font produces files that viewers reject, so each
 * glyph is drawn as a vector path taken from the font with fontkit: the text renders
 * everywhere, and a PDF stays around 20 KB. Fixed dates and no random ids keep every
 * licence's PDF, and so its hash, the same each time it is made.
 */
import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFDocument, rgb, type PDFPage, type RGB } from 'pdf-lib';
import type { JsonValue } from '../shared/library-api';

interface Glyph {
  path: { scale(x: number, y: number): { toSVG(): string } };
}
interface GlyphRun {
  glyphs: Glyph[];
  positions: Array<{ xAdvance: number }>;
}
interface Font {
  unitsPerEm: number;
  layout(text: string): GlyphRun;
}

let font: Font | null = null;

function loadFont(): Font {
  if (!font) {
    const require = createRequire(import.meta.url);
    // The package exports only its script entry; the fonts sit beside its dist folder.
    const path = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts', 'NotoSansHans-Regular.otf');
    font = (fontkit as unknown as { create(data: Buffer): Font }).create(readFileSync(path));
  }
  return font;
}

const glyphPaths = new Map<Glyph, string>();

function glyphPath(glyph: Glyph): string {
  let path = glyphPaths.get(glyph);
  if (path === undefined) {
    path = glyph.path.scale(1, -1).toSVG();
    glyphPaths.set(glyph, path);
  }
  return path;
}

function textWidth(text: string, size: number): number {
  const f = loadFont();
  return f.layout(text).positions.reduce((sum, position) => sum + position.xAdvance, 0) * (size / f.unitsPerEm);
}

// fontkit decodes this font's ASCII colon into a broken outline (its path runs off the glyph),
// so a colon is drawn as two full stops, one raised.
const COLON_RAISE_EM = 0.42;

function drawText(page: PDFPage, text: string, x: number, y: number, size: number, color: RGB = rgb(0.1, 0.1, 0.1)): void {
  const f = loadFont();
  const scale = size / f.unitsPerEm;
  let cursor = x;
  text.split(':').forEach((segment, segmentIndex) => {
    if (segmentIndex > 0) {
      const dot = f.layout('.');
      const d = glyphPath(dot.glyphs[0]!);
      page.drawSvgPath(d, { x: cursor, y, scale, color, borderWidth: 0 });
      page.drawSvgPath(d, { x: cursor, y: y + COLON_RAISE_EM * size, scale, color, borderWidth: 0 });
      cursor += dot.positions[0]!.xAdvance * scale;
    }
    const run = f.layout(segment);
    run.glyphs.forEach((glyph, index) => {
      const d = glyphPath(glyph);
      if (d) page.drawSvgPath(d, { x: cursor, y, scale, color, borderWidth: 0 });
      cursor += run.positions[index]!.xAdvance * scale;
    });
  });
}

function wrap(text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (textWidth(line + ch, size) > width && line) {
      lines.push(line);
      line = ch;
    } else line += ch;
  }
  lines.push(line);
  return lines;
}

function show(value: JsonValue): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** What a licence's PDF shows. */
export interface LicencePdfContent {
  id: string;
  typeName: string;
  number: string;
  issuerName: string;
  issuedAt: string;
  faceFields: Array<{ label: string; value: JsonValue }>;
}

const RED = rgb(0.75, 0.1, 0.1);
const RGB_BORDER = rgb(0.7, 0.55, 0.3);

/** Renders a licence's PDF; the same content always gives the same bytes. */
export async function renderLicencePdf(content: LicencePdfContent): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fixed = new Date(content.issuedAt);
  doc.setTitle(`${content.typeName}（电子证照）`);
  doc.setProducer('上海市电子证照库（沙箱）');
  doc.setCreator('上海市电子证照库（沙箱）');
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  const lineHeight = 22;
  const height = Math.max(420, 200 + content.faceFields.length * lineHeight * 1.6);
  const page = doc.addPage([595, height]);
  page.drawRectangle({ x: 18, y: 18, width: 559, height: height - 36, borderColor: RGB_BORDER, borderWidth: 2 });
  const title = content.typeName;
  drawText(page, title, (595 - textWidth(title, 24)) / 2, height - 70, 24, RED);
  const subtitle = '电子证照 · 上海市电子证照库（沙箱演示数据）';
  drawText(page, subtitle, (595 - textWidth(subtitle, 10)) / 2, height - 92, 10, rgb(0.4, 0.4, 0.4));
  let y = height - 130;
  for (const field of content.faceFields) {
    drawText(page, `${field.label}：`, 50, y, 12, rgb(0.35, 0.35, 0.35));
    const lines = wrap(show(field.value), 12, 360);
    for (const line of lines) {
      drawText(page, line, 190, y, 12);
      y -= 18;
    }
    y -= 6;
  }
  page.drawCircle({ x: 480, y: 110, size: 46, borderColor: RED, borderWidth: 2 });
  const seal = wrap(content.issuerName, 9, 80);
  seal.forEach((line, index) => drawText(page, line, 480 - textWidth(line, 9) / 2, 116 - index * 12, 9, RED));
  drawText(page, `证照编号：${content.number}`, 50, 70, 9, rgb(0.35, 0.35, 0.35));
  drawText(page, `电子证照标识：${content.id}`, 50, 55, 9, rgb(0.35, 0.35, 0.35));
  drawText(page, `签发时间：${content.issuedAt}　发证单位：${content.issuerName}`, 50, 40, 9, rgb(0.35, 0.35, 0.35));
  return doc.save({ useObjectStreams: false });
}
