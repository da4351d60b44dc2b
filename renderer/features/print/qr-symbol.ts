import { create } from 'qrcode/lib/core/qrcode.js';

/** The quiet zone around a QR symbol, in modules (ISO/IEC 18004 asks for 4). */
export const QR_QUIET_ZONE = 4;

/** A QR symbol ready to draw: its modules and one SVG path of the dark ones. */
export interface QrSymbol {
  text: string;
  /** Modules across, quiet zone included on both sides: the SVG's viewBox is `0 0 size size`. */
  size: number;
  /** Whether the module at (x, y), quiet zone included, is dark. */
  dark: (x: number, y: number) => boolean;
  /** One unit square per dark module (`M x y h1v1h-1z`), offset by the quiet zone. */
  path: string;
}

/**
 * The QR code of a printed document (the case number): error correction level M, which keeps a
 * case number's symbol at version 2 (25 modules) and survives a crease or a thermal roll's fade.
 */
export function qrSymbol(text: string): QrSymbol {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const inner = modules.size;
  const size = inner + 2 * QR_QUIET_ZONE;
  const dark = (x: number, y: number): boolean => {
    const cx = x - QR_QUIET_ZONE;
    const cy = y - QR_QUIET_ZONE;
    return cx >= 0 && cy >= 0 && cx < inner && cy < inner && modules.data[cy * inner + cx] === 1;
  };
  let path = '';
  for (let y = 0; y < inner; y++) {
    for (let x = 0; x < inner; x++) if (modules.data[y * inner + x]) path += `M${x + QR_QUIET_ZONE} ${y + QR_QUIET_ZONE}h1v1h-1z`;
  }
  return { text, size, dark, path };
}
