import { vi } from 'vitest';

/** A small stand-in for the parts of `electron` the main process uses (the binary is not here). */
export function fakeElectron() {
  const windows: FakeBrowserWindow[] = [];
  class FakeWebContents {
    listeners = new Map<string, Array<(...args: unknown[]) => void>>();
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    on(event: string, listener: (...args: unknown[]) => void) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }
  class FakeBrowserWindow {
    webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
      windows.push(this);
    }
    once() {
      return this;
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
  }
  const handles = new Map<string, (...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
      handles.set(channel, handler);
    }),
  };
  return { BrowserWindow: FakeBrowserWindow, ipcMain, windows, handles, FakeWebContents };
}
