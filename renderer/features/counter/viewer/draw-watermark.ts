import { watermarkFontSize, watermarkLayout } from './viewer-model';

const FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

/**
 * Paints the purpose watermark into the page bitmap itself, after pdf.js has drawn the page:
 * nothing in the PDF can cover it, and a screenshot or a copy of the canvas carries it.
 */
export function drawWatermark(canvas: HTMLCanvasElement, text: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const fontSize = watermarkFontSize(width);
  ctx.save();
  ctx.font = `${fontSize}px ${FONT_FAMILY}`;
  const layout = watermarkLayout({ width, height, textWidth: ctx.measureText(text).width, fontSize });
  ctx.translate(width / 2, height / 2);
  ctx.rotate(layout.angle);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = 'rgba(192, 40, 40, 0.2)';
  for (const tile of layout.tiles) ctx.fillText(text, tile.x, tile.y);
  ctx.restore();
}
