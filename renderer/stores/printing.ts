import { defineStore } from 'pinia';
import { nextTick, ref, shallowRef } from 'vue';
import type { HostOutput, PrintResult } from '../../shared/contract';
import type { DeviceSettingChange, DeviceSettings, PrintLayout } from '../../shared/devices';
import type { PrintDocument } from '../../shared/print-documents';
import { useServices } from '../app/services';

/** A document laid out for the printer: what the print root shows in print media. */
export interface PrintJob {
  doc: PrintDocument;
  layout: PrintLayout;
}

/** The printer part of the device settings (设置 → 打印). */
export type PrinterSettings = DeviceSettings['printer'];

/** The browser's side of printing; a test supplies its own. */
export interface BrowserPrinting {
  /** The browser's print dialog (blocks until it closes). */
  print: () => void;
  /** Waits for the page to paint (a message shown just before the browser's dialog blocks the page). */
  painted: () => Promise<void>;
}

/** How one print goes. */
export interface PrintOptions {
  /** Browser mode: called just before the dialog opens, with the printer and layout of 设置 (to tell the clerk what to pick). */
  beforeBrowserDialog?: (settings: HostOutput<'print.settings'>) => void;
}

/**
 * Printing the counter's documents (the receipt, the 一次性告知书; docs/architecture.md §3.6). A
 * document is laid out in the layout of 设置 (`print.settings`, read at each print so that a
 * change applies at once) by the print root (renderer/features/print/PrintRoot.vue), which
 * shows only it in print media; then, in Electron, the host prints the window silently to the
 * printer of 设置 with the dialog as its fallback (`print.document`), and in browser mode the
 * browser's print dialog prints it, its page size from the print style sheet.
 *
 * The document stays laid out after the print (Ctrl+P prints it again, and the clerk may reprint)
 * until {@link clear} — when the next case opens or the page is left.
 */
export const usePrintingStore = defineStore('printing', () => {
  const { host: client, audit, signedInActor } = useServices();
  let browser: BrowserPrinting = {
    print: () => window.print(),
    painted: () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
  };
  const job = shallowRef<PrintJob | null>(null);
  const busy = ref(false);

  /** Replaces the browser's dialog (tests: a headless page has none to wait for). */
  function useBrowser(custom: BrowserPrinting): void {
    browser = custom;
  }

  /**
   * Prints a document and answers what became of it: `printed` (silently), `dialog` (through the
   * dialog, the message saying why when silent printing failed), `cancelled`, or `browser` (the
   * browser's dialog was shown; the browser does not say whether it printed). A failure of the
   * host (PRINT_FAILED, …) is thrown as its AppError; the document stays laid out.
   */
  async function print(doc: PrintDocument, options: PrintOptions = {}): Promise<PrintResult> {
    busy.value = true;
    try {
      const settings = await client.call('print.settings', {});
      job.value = { doc, layout: settings.layout };
      // The document must be in the page, laid out, before the printer or the dialog sees it.
      await nextTick();
      if (settings.printing === 'electron') return await client.call('print.document', { source: 'window' });
      if (options.beforeBrowserDialog) {
        options.beforeBrowserDialog(settings);
        await browser.painted();
      }
      browser.print();
      return { outcome: 'browser', deviceName: settings.deviceName, layout: settings.layout, message: '' };
    } finally {
      busy.value = false;
    }
  }

  // ---- The printer settings (supervisor only; the settings page's 打印 part)

  /** The printers the system knows (Electron), or `available: false` (browser mode). */
  async function printers(): Promise<HostOutput<'print.printers'>> {
    return client.call('print.printers', {});
  }

  /** The printer settings and how this workstation prints (Electron or the browser's dialog). */
  async function loadPrinterSettings(): Promise<{ printer: PrinterSettings; printing: 'electron' | 'browser' }> {
    const view = await client.call('devices.settings.get', {});
    return { printer: view.settings.printer, printing: view.printing };
  }

  /**
   * Saves the printer settings and logs each change with its old and new value (Art. 26,
   * `device_settings_change`, as the reader's part of 设置 does). The
   * device settings are one document shared with the reader's part of 设置: the printer part is
   * put into them as the host holds them now, so that a reader change saved meanwhile is kept.
   * Answers the changes (none when nothing changed); a refusal is thrown as its AppError, with
   * the problem codes in `details.issues`.
   */
  async function savePrinterSettings(printer: PrinterSettings): Promise<DeviceSettingChange[]> {
    const who = await signedInActor();
    const { settings } = await client.call('devices.settings.get', {});
    const { changes } = await client.call('devices.settings.set', { ...settings, printer });
    if (changes.length > 0) await audit.append(who, { kind: 'device_settings_change', case: null, details: { changes } });
    return changes;
  }

  /** Drops the laid-out document (the next case opens, the page is left): nothing of an applicant stays in the page. */
  function clear(): void {
    job.value = null;
  }

  return { job, busy, useBrowser, print, clear, printers, loadPrinterSettings, savePrinterSettings };
});
