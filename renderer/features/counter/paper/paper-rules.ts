import { fitWithin } from '../../../../shared/document-camera';
import { PAPER_REASONS, type PaperReason } from '../../../../shared/library-api';
import { t } from '../../../i18n';

/** The reasons a material may be taken on paper (Art. 22), in the order the select lists them. */
export const PAPER_REASON_OPTIONS: ReadonlyArray<{ code: PaperReason; label: string }> = PAPER_REASONS.map((code) => ({
  code,
  label: t(`paperReasons.${code}`),
}));

/** Whether `value` is one of the paper reason codes of the library API. */
export function isPaperReason(value: unknown): value is PaperReason {
  return typeof value === 'string' && (PAPER_REASONS as readonly string[]).includes(value);
}

/** The largest file the dialog imports (the library takes at most 20 MiB per request too). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** The content types a page may have. */
export type PageContentType = 'image/png' | 'image/jpeg' | 'application/pdf';

export const ACCEPTED_TYPES: readonly PageContentType[] = ['image/png', 'image/jpeg', 'application/pdf'];

/** The `accept` attribute of the file input. */
export const ACCEPT_ATTRIBUTE = ACCEPTED_TYPES.join(',');

const EXTENSION_TYPES: Record<string, PageContentType> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  pdf: 'application/pdf',
};

/** How many leading bytes `sniffContentType` needs. */
export const SNIFF_BYTES = 8;

/** The content type the bytes themselves show (magic numbers), or null for anything else. */
export function sniffContentType(head: Uint8Array): PageContentType | null {
  const starts = (signature: number[]) => signature.every((byte, i) => head[i] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

const MIME_TYPES: Record<string, PageContentType> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  // Some scanner drivers and older systems still label JPEG files with the non-standard name.
  'image/jpg': 'image/jpeg',
  'application/pdf': 'application/pdf',
};

/** The type a file claims: its MIME type, or its extension when the system gave none. */
export function declaredContentType(name: string, type: string): PageContentType | null {
  const mime = type.trim().toLowerCase();
  if (mime) return MIME_TYPES[mime] ?? null;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? null : (EXTENSION_TYPES[name.slice(dot + 1).toLowerCase()] ?? null);
}

export type ImportCheck = { ok: true; contentType: PageContentType } | { ok: false; message: string };

function megabytes(size: number): string {
  return (size / (1024 * 1024)).toFixed(1);
}

/**
 * Whether a file from disk may become a page, checked before anything decodes it: the size
 * first (no reading a huge file), then the claimed type, then the bytes. A file is untrusted
 * input, so the stored content type is what its bytes show, never just what its name says.
 * Without `head` (the file's first `SNIFF_BYTES` bytes) only size and claimed type are checked,
 * which is enough to refuse a file before reading it.
 */
export function checkImport(file: { name: string; type: string; size: number }, head?: Uint8Array): ImportCheck {
  if (file.size === 0) return { ok: false, message: t('paper.refused.empty', { name: file.name }) };
  if (file.size > MAX_IMPORT_BYTES) return { ok: false, message: t('paper.refused.tooLarge', { name: file.name, mb: megabytes(file.size) }) };
  const declared = declaredContentType(file.name, file.type);
  if (!declared) return { ok: false, message: t('paper.refused.type', { name: file.name }) };
  if (!head) return { ok: true, contentType: declared };
  const sniffed = sniffContentType(head);
  if (!sniffed) return { ok: false, message: t('paper.refused.content', { name: file.name }) };
  return { ok: true, contentType: sniffed };
}

/** Largest thumbnail, in pixels. */
export const THUMBNAIL_MAX_WIDTH = 240;
export const THUMBNAIL_MAX_HEIGHT = 340;

/** The thumbnail size of a `width` × `height` image: scaled to fit, never enlarged, at least 1 px. */
export function thumbnailSize(
  width: number,
  height: number,
  maxWidth = THUMBNAIL_MAX_WIDTH,
  maxHeight = THUMBNAIL_MAX_HEIGHT,
): { width: number; height: number } {
  return fitWithin(width, height, maxWidth, maxHeight);
}

/** Why the dialog cannot save yet, or null when it can. */
export function saveProblem(reason: unknown, pageCount: number): string | null {
  if (!isPaperReason(reason)) return t('paper.needReason');
  if (pageCount < 1) return t('paper.needPages');
  return null;
}
