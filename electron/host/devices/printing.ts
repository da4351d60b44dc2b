/**
 * What the host needs from a printer: the Electron main process provides it
 * (electron/main/printing.ts); browser mode has none, and the page prints through the browser's
 * own dialog. Kept free of Electron so the host runs in both modes.
 */
import type { PrintLayout } from '../../../shared/devices';
import type { PrintResult } from '../../../shared/contract';

/** One print job: the workstation's window, or a document given as HTML. */
export type PrintSource = { source: 'window' } | { source: 'html'; html: string; title: string };

/** How to print it, from the device settings. */
export interface PrintOptions {
  /** The printer's system name; null = the default printer. */
  deviceName: string | null;
  layout: PrintLayout;
  silent: boolean;
}

/** A printer as the system lists it. */
export interface PrinterInfo {
  name: string;
  displayName: string;
  isDefault: boolean;
}

/** The printer, as the Electron main process offers it to the host. */
export interface PrintingPort {
  print(job: PrintSource, options: PrintOptions): Promise<PrintResult>;
  printers(): Promise<PrinterInfo[]>;
}

/** Page sizes of the layouts in microns, as Chromium's printing takes them; the thermal roll is cut after a receipt's length. */
export const PAGE_SIZES: Record<PrintLayout, 'A4' | { width: number; height: number }> = {
  a4: 'A4',
  thermal80: { width: 80_000, height: 297_000 },
};

/** The layouts' names, for messages. */
export const LAYOUT_LABELS: Record<PrintLayout, string> = { a4: 'A4', thermal80: '80 毫米热敏' };
