/**
 * The document camera (高拍仪) in the paper dialog, as rules without a DOM: which camera to open,
 * what resolution to ask for, how large and how compressed a page is kept, and the page list's
 * and the corner editor's small operations. The pixels themselves are shared/document-scan.ts.
 */
import { clampQuad, isConvexQuad, straightenPage, straightenedSize, warpPerspective, type Point, type Quad, type RgbaImage } from './document-scan';

/** A camera as `enumerateDevices` lists it (`videoinput`). */
export interface CameraDevice {
  deviceId: string;
  /** Empty until the page has camera permission. */
  label: string;
}

/** The camera a clerk chose on this workstation, as remembered. */
export interface RememberedCamera {
  deviceId: string;
  label: string;
}

// Names document cameras go by in their USB descriptors (Chinese and English), for a first
// choice when the clerk has never chosen: a counter's own webcam is usually listed first.
const DOCUMENT_CAMERA_LABEL = /高拍|文档|扫描|document|doc\s*cam|visuali[sz]er|scanner/i;

/**
 * The camera to open: the one the clerk chose, by its id, else by its label (an id changes when
 * the browser's site data is cleared, a label does not), else the first whose label names a
 * document camera, else the first listed. Null when there is none.
 */
export function pickCamera(devices: readonly CameraDevice[], remembered: RememberedCamera | null): CameraDevice | null {
  if (devices.length === 0) return null;
  if (remembered) {
    const byId = remembered.deviceId ? devices.find((d) => d.deviceId === remembered.deviceId) : undefined;
    if (byId) return byId;
    const byLabel = remembered.label ? devices.find((d) => d.label === remembered.label) : undefined;
    if (byLabel) return byLabel;
  }
  return devices.find((d) => DOCUMENT_CAMERA_LABEL.test(d.label)) ?? devices[0]!;
}

/** Reads a remembered camera back from storage; anything else (missing, damaged, old) is null. */
export function parseRememberedCamera(text: string | null): RememberedCamera | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const { deviceId, label } = value as Record<string, unknown>;
    if (typeof deviceId !== 'string' || typeof label !== 'string' || (!deviceId && !label)) return null;
    if (deviceId.length > 512 || label.length > 512) return null;
    return { deviceId, label };
  } catch {
    return null;
  }
}

/**
 * What the paper dialog asks the camera for: far more than any camera gives, as an ideal only,
 * so that the browser opens the camera's largest mode (a 5–13 MP document camera gives
 * 2592×1944 to 4208×3120) and a smaller camera still opens at its best.
 */
export const DOCUMENT_CAMERA_IDEAL = { width: 4096, height: 3072 } as const;

/** Millimetres in an inch. */
const MM_PER_INCH = 25.4;

/**
 * Pages are kept at 200 dpi on an A4 sheet, the resolution archives usually ask of a text
 * document: a 9-point character is about 25 pixels tall, crisp after compression.
 */
export const PAGE_DPI = 200;

/** The long side of an A4 page, in millimetres: a kept page prints at A4 size. */
export const A4_LONG_SIDE_MM = 297;

/** The longest side, in pixels, a straightened page is kept at: A4's long side at {@link PAGE_DPI} (2339). */
export const PAGE_MAX_SIDE = Math.round((A4_LONG_SIDE_MM / MM_PER_INCH) * PAGE_DPI);

/**
 * The JPEG quality of a kept page. Measured in Chromium on an A4 page of 9- and 10.5-point
 * Chinese text with a red seal, photographed under uneven light with sensor noise and straightened
 * to 1654×2339: 0.6 → 270 KB, 0.7 → 310 KB, 0.8 → 400 KB, 0.9 → 640 KB; at 0.7 the smallest
 * characters show no ringing a reader notices, and the page is half what 0.9 makes.
 */
export const PAGE_JPEG_QUALITY = 0.7;

/** The JPEG quality of the untouched camera frame kept in the dialog for a later corner adjustment. */
export const FRAME_JPEG_QUALITY = 0.9;

/**
 * The resolution a page is declared at in its PDF so that it prints at A4 size: a page is a
 * sheet photographed whole, so its long side is taken as A4's 297 mm whatever the camera's
 * pixels. Never below 1 (a degenerate page).
 */
export function pageDpi(width: number, height: number): number {
  const long = Math.max(width, height);
  if (!(long > 0)) return PAGE_DPI;
  return Math.max(1, long / (A4_LONG_SIDE_MM / MM_PER_INCH));
}

/** A size scaled to fit within `maxWidth` × `maxHeight`, never enlarged, at least 1 px. */
export function fitWithin(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) return { width: 1, height: 1 };
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A size in kilobytes as the page list shows it: whole KB, at least 1. */
export function kilobytes(bytes: number): number {
  return Math.max(1, Math.round(bytes / 1024));
}

/**
 * The list with the item at `from` moved to `to` (both clamped to the list), as a new array;
 * the same order when either index is outside it.
 */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (!Number.isInteger(from) || from < 0 || from >= out.length) return out;
  const target = Math.min(Math.max(Math.trunc(to), 0), out.length - 1);
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

/** The corners offered when no sheet was found: the whole frame, inset by `inset` of each side. */
export function frameCorners(width: number, height: number, inset = 0): Quad {
  const dx = width * inset;
  const dy = height * inset;
  return [
    { x: dx, y: dy },
    { x: width - dx, y: dy },
    { x: width - dx, y: height - dy },
    { x: dx, y: height - dy },
  ];
}

/** One corner moved to `to` (frame pixels), kept inside the frame; the others unchanged. */
export function moveCorner(corners: Quad, index: number, to: Point, width: number, height: number): Quad {
  if (!Number.isInteger(index) || index < 0 || index > 3) return corners;
  const next = corners.map((p) => ({ ...p })) as Quad;
  next[index] = { x: to.x, y: to.y };
  return clampQuad(next, width, height);
}

/** The arrow keys' steps for a corner handle. */
export const CORNER_KEY_STEPS: Readonly<Record<string, Point>> = {
  ArrowLeft: { x: -1, y: 0 },
  ArrowRight: { x: 1, y: 0 },
  ArrowUp: { x: 0, y: -1 },
  ArrowDown: { x: 0, y: 1 },
};

/**
 * A corner moved by an arrow key: `step` frame pixels (a screen pixel of the editor), ten times
 * that with Shift. The same corners for any other key.
 */
export function nudgeCorner(corners: Quad, index: number, key: string, shift: boolean, step: number, width: number, height: number): Quad {
  const direction = CORNER_KEY_STEPS[key];
  const corner = corners[index];
  if (!direction || !corner) return corners;
  const distance = step * (shift ? 10 : 1);
  return moveCorner(corners, index, { x: corner.x + direction.x * distance, y: corner.y + direction.y * distance }, width, height);
}

/** A page cut from a camera frame. */
export interface CroppedPage {
  page: RgbaImage;
  /** The corners used, in frame pixels: found, hand-set, or the whole frame. */
  corners: Quad;
  /** Where the corners came from: the sheet found, the clerk's hand, or the whole frame when no sheet was found. */
  source: 'detected' | 'hand' | 'whole';
}

/**
 * The page in a camera frame: straightened from the hand-set `corners`, or from the sheet found
 * in it; when none is found, the whole frame (so a capture is never lost: the clerk sets the
 * corners by hand). At most `maxSide` pixels a side, never enlarged. Null only when hand-set
 * corners make no convex quadrilateral.
 */
export function cropPage(frame: RgbaImage, corners: Quad | null, maxSide: number = PAGE_MAX_SIDE): CroppedPage | null {
  if (corners) {
    const handSet = straightenPage(frame, corners, maxSide);
    return handSet ? { ...handSet, source: 'hand' } : null;
  }
  const found = straightenPage(frame, undefined, maxSide);
  if (found) return { ...found, source: 'detected' };
  const whole = frameCorners(frame.width, frame.height);
  return { page: warpPerspective(frame, whole, straightenedSize(whole, maxSide)), corners: whole, source: 'whole' };
}

/** Whether hand-set corners can make a page (a convex quadrilateral inside the frame). */
export function usableCorners(corners: Quad, width: number, height: number): boolean {
  return isConvexQuad(clampQuad(corners, width, height));
}
