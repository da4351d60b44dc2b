import { describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import('./fake-electron').fakeElectron> | null }));
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./fake-electron');
  fake.current = make();
  return { BrowserWindow: fake.current.BrowserWindow, default: {} };
});

const { createMainWindow, registerBridgePreload, APP_ENTRY } = await import('../../../electron/main/window');

describe('the main window', () => {
  it('is created with the secure web preferences of the checklist and loads the fixed app origin', () => {
    createMainWindow('电子证照窗口工作台');
    const window = fake.current!.windows.at(-1)!;
    const prefs = window.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('preload');
    expect(window.loadedUrl).toBe(APP_ENTRY);
    expect(APP_ENTRY).toBe('app://workstation/index.html');
  });

  it('refuses navigation away from the app and every new window', () => {
    createMainWindow('t');
    const contents = fake.current!.windows.at(-1)!.webContents;
    const away = { preventDefault: vi.fn() };
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const fileUrl = { preventDefault: vi.fn() };
    contents.emit('will-navigate', fileUrl, 'file:///etc/passwd');
    expect(fileUrl.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    contents.emit('will-navigate', inside, 'app://workstation/index.html#/counter');
    expect(inside.preventDefault).not.toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    contents.emit('will-redirect', redirect, 'http://127.0.0.1:1/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://workstation/index.html' })).toEqual({ action: 'deny' });
  });
});

describe('the preload bridge registration', () => {
  it('runs the bridge only in documents of the app origin', () => {
    const registerPreloadScript = vi.fn(() => 'id');
    registerBridgePreload({ registerPreloadScript }, '/app/preload/index.cjs');
    expect(registerPreloadScript).toHaveBeenCalledWith({
      id: 'workstation-host-bridge',
      type: 'frame',
      filePath: '/app/preload/index.cjs',
      matches: ['app://workstation/*'],
    });
  });
});
