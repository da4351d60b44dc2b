/**
 * Printing in Electron (docs/architecture.md §3.6): silently to the printer named in 设置 with
 * `webContents.print({silent: true, deviceName})`, in the A4 or 80 mm thermal layout, and the
 * print dialog as the fallback when silent printing fails (it has long-standing bugs) or the
 * printer is not there. A given HTML document is printed from a hidden window with JavaScript
 * off, loaded from a temporary file that is deleted at once (a receipt carries the applicant's
 * data). The host's side of this is electron/host/devices/printing.ts.
 */
import { BrowserWindow, type WebContents, type WebContentsPrintOptions } from 'electron';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrintResult } from '../../shared/contract';
import { HOST_ERROR_MESSAGES_ZH, HostCallError } from '../../shared/errors';
import { LAYOUT_LABELS, PAGE_SIZES, type PrinterInfo, type PrintingPort, type PrintOptions, type PrintSource } from '../host/devices/printing';
import { hardenWebContents } from './window';

type Printable = Pick<WebContents, 'print'>;

function print(contents: Printable, options: WebContentsPrintOptions): Promise<{ success: boolean; failureReason: string }> {
  return new Promise((resolve) => contents.print(options, (success, failureReason) => resolve({ success, failureReason })));
}

/** The print options of a layout: the page size, and no margins on a thermal roll (the printer has its own). */
export function printOptionsFor(options: PrintOptions, silent: boolean): WebContentsPrintOptions {
  return {
    silent,
    printBackground: true,
    pageSize: PAGE_SIZES[options.layout],
    margins: { marginType: options.layout === 'thermal80' ? 'none' : 'default' },
    ...(options.deviceName ? { deviceName: options.deviceName } : {}),
  };
}

function printerText(deviceName: string | null): string {
  return deviceName ? `打印机“${deviceName}”` : '默认打印机';
}

/**
 * Prints `contents`: silently when the settings say so and the printer exists, else (or when
 * that fails) through the print dialog. A cancelled dialog is `cancelled`; a dialog that fails
 * too is PRINT_FAILED.
 */
export async function printWithFallback(contents: Printable, options: PrintOptions, printers: () => Promise<PrinterInfo[]>): Promise<PrintResult> {
  const base = { deviceName: options.deviceName, layout: options.layout };
  const layout = LAYOUT_LABELS[options.layout];
  let why: string | null = null;
  if (options.silent) {
    const known = options.deviceName === null ? true : (await printers().catch(() => [])).some((printer) => printer.name === options.deviceName);
    if (!known) {
      why = `未找到${printerText(options.deviceName)}`;
    } else {
      const silent = await print(contents, printOptionsFor(options, true));
      if (silent.success) return { outcome: 'printed', ...base, message: `已发送到${printerText(options.deviceName)}（${layout}）。` };
      why = `静默打印到${printerText(options.deviceName)}失败（${silent.failureReason || '原因不明'}）`;
    }
  }
  const dialog = await print(contents, printOptionsFor(options, false));
  if (dialog.success) return { outcome: 'dialog', ...base, message: why ? `${why}，已改用打印对话框打印。` : `已通过打印对话框打印（${layout}）。` };
  if (/cancel/i.test(dialog.failureReason))
    return { outcome: 'cancelled', ...base, message: why ? `${why}；打印对话框已取消，未打印。` : '打印已取消，未打印。' };
  throw new HostCallError('PRINT_FAILED', `${HOST_ERROR_MESSAGES_ZH.PRINT_FAILED}（${dialog.failureReason || why || '原因不明'}）`);
}

/** A hidden window showing `html`, with JavaScript off; `dispose` closes it and deletes the file. */
async function htmlWindow(html: string, title: string): Promise<{ contents: WebContents; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'workstation-print-'));
  const file = join(dir, `${randomBytes(8).toString('hex')}.html`);
  const window = new BrowserWindow({
    show: false,
    width: 900,
    height: 1200,
    title,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      javascript: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  hardenWebContents(window.webContents);
  const dispose = () => {
    if (!window.isDestroyed()) window.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeFileSync(file, html, { encoding: 'utf8', mode: 0o600 });
    await window.loadFile(file);
    // Loaded: the page is in memory, the file has done its work.
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    dispose();
    throw new HostCallError(
      'PRINT_FAILED',
      `${HOST_ERROR_MESSAGES_ZH.PRINT_FAILED}（无法排版要打印的内容：${error instanceof Error ? error.message : String(error)}）`,
    );
  }
  return { contents: window.webContents, dispose };
}

/** The printer for the host, printing the main window or a given document. */
export function createPrinting(mainWindow: () => BrowserWindow | null): PrintingPort {
  const printers = async (): Promise<PrinterInfo[]> => {
    const window = mainWindow();
    if (!window || window.isDestroyed()) return [];
    const list = await window.webContents.getPrintersAsync();
    return list.map((printer) => ({
      name: printer.name,
      displayName: printer.displayName || printer.name,
      // Electron no longer says which printer is the default; CUPS and Windows put it in the options.
      isDefault: (printer.options as Record<string, string> | undefined)?.['is-default'] === 'true' || (printer as { isDefault?: boolean }).isDefault === true,
    }));
  };
  return {
    printers,
    async print(job: PrintSource, options: PrintOptions): Promise<PrintResult> {
      if (job.source === 'window') {
        const window = mainWindow();
        if (!window || window.isDestroyed()) throw new HostCallError('PRINT_FAILED', `${HOST_ERROR_MESSAGES_ZH.PRINT_FAILED}（工作台窗口已关闭）`);
        return printWithFallback(window.webContents, options, printers);
      }
      const { contents, dispose } = await htmlWindow(job.html, job.title);
      try {
        return await printWithFallback(contents, options, printers);
      } finally {
        dispose();
      }
    },
  };
}
