import { existsSync, readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** What a fake webContents.print answers: success, or a failure reason, per call. */
type Answer = { success: boolean; failureReason: string };

const state = vi.hoisted(() => ({
  answers: [] as Answer[],
  calls: [] as Array<{ options: Record<string, unknown>; window: string }>,
  windows: [] as Array<{ options: Record<string, unknown>; loadedFile: string | null; fileContent: string | null; destroyed: boolean }>,
  printers: [] as Array<{ name: string; displayName: string; description: string; options: Record<string, string> }>,
  loadFails: false,
}));

vi.mock('electron', () => {
  class FakeWebContents {
    constructor(readonly owner: string) {}
    on() {
      return this;
    }
    setWindowOpenHandler() {}
    print(options: Record<string, unknown>, callback: (success: boolean, failureReason: string) => void) {
      state.calls.push({ options, window: this.owner });
      const answer = state.answers.shift() ?? { success: true, failureReason: '' };
      setTimeout(() => callback(answer.success, answer.failureReason), 0);
    }
    async getPrintersAsync() {
      return state.printers;
    }
  }
  class FakeBrowserWindow {
    readonly record: (typeof state.windows)[number];
    readonly webContents: FakeWebContents;
    constructor(options: Record<string, unknown>) {
      this.record = { options, loadedFile: null, fileContent: null, destroyed: false };
      state.windows.push(this.record);
      this.webContents = new FakeWebContents(`hidden-${state.windows.length}`);
    }
    async loadFile(file: string) {
      if (state.loadFails) throw new Error('ERR_FILE_NOT_FOUND');
      this.record.loadedFile = file;
      this.record.fileContent = readFileSync(file, 'utf8');
    }
    isDestroyed() {
      return this.record.destroyed;
    }
    destroy() {
      this.record.destroyed = true;
    }
  }
  return { BrowserWindow: FakeBrowserWindow, default: {} };
});

const { createPrinting, printOptionsFor } = await import('../../../electron/main/printing');

const mainContents = {
  print: (options: Record<string, unknown>, callback: (success: boolean, failureReason: string) => void) => {
    state.calls.push({ options, window: 'main' });
    const answer = state.answers.shift() ?? { success: true, failureReason: '' };
    setTimeout(() => callback(answer.success, answer.failureReason), 0);
  },
  getPrintersAsync: async () => state.printers,
};
const mainWindow = { webContents: mainContents, isDestroyed: () => false } as unknown as import('electron').BrowserWindow;

beforeEach(() => {
  state.answers = [];
  state.calls = [];
  state.windows = [];
  state.loadFails = false;
  state.printers = [
    { name: 'Counter_Thermal', displayName: '窗口热敏打印机', description: '', options: {} },
    { name: 'Hall_A4', displayName: '大厅 A4', description: '', options: { 'is-default': 'true' } },
  ];
});

describe('Electron printing', () => {
  it('prints the window silently to the named printer in the thermal layout, with no margins', async () => {
    const printing = createPrinting(() => mainWindow);
    const result = await printing.print({ source: 'window' }, { deviceName: 'Counter_Thermal', layout: 'thermal80', silent: true });
    expect(result).toEqual({
      outcome: 'printed',
      deviceName: 'Counter_Thermal',
      layout: 'thermal80',
      message: '已发送到打印机“Counter_Thermal”（80 毫米热敏）。',
    });
    expect(state.calls).toEqual([
      {
        window: 'main',
        options: {
          silent: true,
          printBackground: true,
          deviceName: 'Counter_Thermal',
          pageSize: { width: 80_000, height: 297_000 },
          margins: { marginType: 'none' },
        },
      },
    ]);
  });

  it('falls back to the print dialog when silent printing fails, and says why', async () => {
    state.answers = [
      { success: false, failureReason: 'Invalid printer settings' },
      { success: true, failureReason: '' },
    ];
    const result = await createPrinting(() => mainWindow).print({ source: 'window' }, { deviceName: 'Hall_A4', layout: 'a4', silent: true });
    expect(result).toMatchObject({ outcome: 'dialog', message: '静默打印到打印机“Hall_A4”失败（Invalid printer settings），已改用打印对话框打印。' });
    expect(state.calls.map((call) => call.options.silent)).toEqual([true, false]);
    expect(state.calls[1]!.options).toMatchObject({ deviceName: 'Hall_A4', pageSize: 'A4', margins: { marginType: 'default' } });
  });

  it('does not try silent printing to a printer the system does not know', async () => {
    const result = await createPrinting(() => mainWindow).print({ source: 'window' }, { deviceName: 'Gone_Printer', layout: 'a4', silent: true });
    expect(result).toMatchObject({ outcome: 'dialog', message: '未找到打印机“Gone_Printer”，已改用打印对话框打印。' });
    expect(state.calls.map((call) => call.options.silent)).toEqual([false]);
  });

  it('uses the dialog when silent printing is off, and reports a cancelled dialog', async () => {
    state.answers = [{ success: false, failureReason: 'Print job canceled' }];
    const result = await createPrinting(() => mainWindow).print({ source: 'window' }, { deviceName: null, layout: 'a4', silent: false });
    expect(result).toEqual({ outcome: 'cancelled', deviceName: null, layout: 'a4', message: '打印已取消，未打印。' });
    expect(state.calls[0]!.options).not.toHaveProperty('deviceName');
  });

  it('is PRINT_FAILED when the dialog fails too', async () => {
    state.answers = [
      { success: false, failureReason: 'Print job failed' },
      { success: false, failureReason: 'Print job failed' },
    ];
    await expect(createPrinting(() => mainWindow).print({ source: 'window' }, { deviceName: null, layout: 'a4', silent: true })).rejects.toMatchObject({
      code: 'PRINT_FAILED',
      message: expect.stringContaining('Print job failed'),
    });
  });

  it('prints a given document from a hidden window with JavaScript off, and leaves neither the window nor the file behind', async () => {
    const html = '<!doctype html><title>收件凭证</title><p>WSDEMO01-20261127-0001</p>';
    const result = await createPrinting(() => mainWindow).print(
      { source: 'html', html, title: '收件凭证' },
      { deviceName: 'Counter_Thermal', layout: 'thermal80', silent: true },
    );
    expect(result.outcome).toBe('printed');
    const hidden = state.windows[0]!;
    expect(hidden.options).toMatchObject({
      show: false,
      title: '收件凭证',
      webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' },
    });
    expect(hidden.fileContent).toBe(html);
    expect(hidden.destroyed).toBe(true);
    expect(existsSync(hidden.loadedFile!)).toBe(false);
    expect(state.calls[0]!.window).toBe('hidden-1');
  });

  it('cleans up when a document cannot be loaded', async () => {
    state.loadFails = true;
    await expect(
      createPrinting(() => mainWindow).print({ source: 'html', html: '<p>x</p>', title: 't' }, { deviceName: null, layout: 'a4', silent: true }),
    ).rejects.toMatchObject({ code: 'PRINT_FAILED' });
    expect(state.windows[0]!.destroyed).toBe(true);
    expect(state.calls).toEqual([]);
  });

  it('lists the printers with the default one marked, and refuses to print with no window', async () => {
    const printing = createPrinting(() => mainWindow);
    expect(await printing.printers()).toEqual([
      { name: 'Counter_Thermal', displayName: '窗口热敏打印机', isDefault: false },
      { name: 'Hall_A4', displayName: '大厅 A4', isDefault: true },
    ]);
    await expect(createPrinting(() => null).print({ source: 'window' }, { deviceName: null, layout: 'a4', silent: true })).rejects.toMatchObject({
      code: 'PRINT_FAILED',
    });
    expect(await createPrinting(() => null).printers()).toEqual([]);
  });

  it('gives each layout its page size', () => {
    expect(printOptionsFor({ deviceName: null, layout: 'a4', silent: true }, true)).toMatchObject({ pageSize: 'A4' });
    expect(printOptionsFor({ deviceName: 'x', layout: 'thermal80', silent: true }, false)).toMatchObject({
      pageSize: { width: 80_000 },
      silent: false,
      deviceName: 'x',
    });
  });
});
