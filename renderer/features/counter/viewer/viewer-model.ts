import { t } from '../../../i18n';

/** A colour family, as Element Plus names it (tags and alerts). */
export type MarkTone = 'success' | 'danger' | 'info';

export interface FieldMark {
  tone: MarkTone;
  label: string;
}

/**
 * The mark beside a face field. Only a digest that matched the issuer's signed list earns the
 * green mark; anything the caller could not classify is grey, so nothing unverified looks
 * verified (docs/architecture.md §5.3).
 */
export function fieldMark(verified: unknown): FieldMark {
  if (verified === 'pass') return { tone: 'success', label: t('viewer.mark.pass') };
  if (verified === 'fail') return { tone: 'danger', label: t('viewer.mark.fail') };
  return { tone: 'info', label: t('viewer.mark.unknown') };
}

/** Element Plus alert types for the banner. */
export type BannerType = 'success' | 'error' | 'info';

export interface Banner {
  type: BannerType;
  title: string;
}

/**
 * The banner over the licence. Green needs the whole licence verified and no field failing: a
 * licence-level pass with a failed field would be a contradiction the clerk must see in red.
 * When not verified, red unless the caller says the outcome is merely unknown (e.g. offline).
 */
export function licenceBanner(input: {
  verified: boolean;
  outcomeLabel: string;
  fields: ReadonlyArray<{ verified: unknown }>;
  outcomeTone?: 'fail' | 'unknown';
}): Banner {
  const anyFieldFailed = input.fields.some((field) => field.verified === 'fail');
  const label = input.outcomeLabel.trim();
  if (input.verified === true && !anyFieldFailed) return { type: 'success', title: label || t('viewer.bannerVerified') };
  if (input.verified === true && anyFieldFailed) return { type: 'error', title: t('viewer.fieldFailedNote') };
  const title = anyFieldFailed && label ? t('viewer.bannerWithFieldFailed', { outcome: label }) : label || t('viewer.mark.unknown');
  const type: BannerType = input.outcomeTone === 'unknown' && !anyFieldFailed ? 'info' : 'error';
  return { type, title };
}

/** The watermark text: the purpose the licence was pulled for (Art. 13, 18). */
export function watermarkText(matterName: string): string {
  const name = matterName.replace(/\s+/g, ' ').trim();
  return t('viewer.watermark', { matter: name || t('viewer.watermarkFallbackMatter') });
}

/** Font size of the watermark for a page `width` device pixels wide. */
export function watermarkFontSize(width: number): number {
  return Math.round(Math.min(64, Math.max(14, width / 28)));
}

export interface WatermarkLayout {
  /** Rotation of the text rows, radians (counter-clockwise on screen is negative). */
  angle: number;
  fontSize: number;
  rowStep: number;
  columnStep: number;
  /** Centres of the text copies, in the rotated frame whose origin is the page centre. */
  tiles: Array<{ x: number; y: number }>;
}

/**
 * Copies of the watermark on a diagonal grid that covers the whole page, every corner included:
 * the grid spans the page's circumscribed circle, so rotation leaves no uncovered strip.
 * `textWidth` is the text's measured width at `fontSize`.
 */
export function watermarkLayout(input: { width: number; height: number; textWidth: number; fontSize: number; angleDegrees?: number }): WatermarkLayout {
  const angle = ((input.angleDegrees ?? -30) * Math.PI) / 180;
  const rowStep = input.fontSize * 5;
  const columnStep = Math.max(1, input.textWidth) + input.fontSize * 4;
  const radius = Math.hypot(input.width, input.height) / 2;
  const rows = Math.ceil(radius / rowStep) + 1;
  const columns = Math.ceil(radius / columnStep) + 1;
  const tiles: Array<{ x: number; y: number }> = [];
  for (let row = -rows; row <= rows; row++) {
    // Alternate rows shift by half a step so the copies read as a diagonal pattern, not columns.
    const shift = Math.abs(row) % 2 === 1 ? columnStep / 2 : 0;
    for (let column = -columns; column <= columns; column++) {
      tiles.push({ x: column * columnStep + shift, y: row * rowStep });
    }
  }
  return { angle, fontSize: input.fontSize, rowStep, columnStep, tiles };
}

/** Zoom levels the 放大/缩小 buttons step through (1 = 100 %, 72 dpi PDF points as CSS pixels). */
export const ZOOM_STEPS: readonly number[] = [0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

export const MIN_ZOOM = ZOOM_STEPS[0]!;
export const MAX_ZOOM = ZOOM_STEPS[ZOOM_STEPS.length - 1]!;

/** The next zoom step above (`direction` 1) or below (-1) `current`, which may lie between steps. */
export function stepZoom(current: number, direction: 1 | -1): number {
  const epsilon = 1e-3;
  if (direction === 1) return ZOOM_STEPS.find((step) => step > current + epsilon) ?? MAX_ZOOM;
  return [...ZOOM_STEPS].reverse().find((step) => step < current - epsilon) ?? MIN_ZOOM;
}

/** The zoom at which a page `pageWidth` points wide fills `availableWidth` CSS pixels. */
export function fitWidthZoom(availableWidth: number, pageWidth: number): number {
  if (!(availableWidth > 0) || !(pageWidth > 0)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, availableWidth / pageWidth));
}

/** The page number kept within 1..count. */
export function clampPage(page: number, count: number): number {
  if (count < 1) return 1;
  return Math.min(count, Math.max(1, Math.round(page)));
}

/**
 * Device pixels per CSS pixel for the canvas: the screen's ratio, lowered when the bitmap would
 * exceed `maxPixels` (a 400 % zoom on a 2x screen would otherwise allocate hundreds of MB).
 */
export function canvasPixelRatio(cssWidth: number, cssHeight: number, devicePixelRatio: number, maxPixels = 16_000_000): number {
  const ratio = devicePixelRatio > 0 ? devicePixelRatio : 1;
  const area = cssWidth * cssHeight * ratio * ratio;
  if (area <= maxPixels || area === 0) return ratio;
  return ratio * Math.sqrt(maxPixels / area);
}

/** Why a PDF could not be shown, from the name of the error pdf.js raised. */
export function loadFailureReason(errorName: string): string {
  if (errorName === 'InvalidPDFException') return t('viewer.failureReason.invalid');
  if (errorName === 'PasswordException') return t('viewer.failureReason.password');
  return t('viewer.failureReason.other');
}

/** A face field's value as the table shows it. */
export function formatFieldValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return t('viewer.emptyValue');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(formatFieldValue).join('、');
  return JSON.stringify(value);
}
