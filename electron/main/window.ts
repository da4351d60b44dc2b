import { BrowserWindow, type Session, type WebContents } from 'electron';

/** The fixed origin the renderer is served from: IndexedDB is per origin, so it never changes. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workstation';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Refuses navigation away from the app and every new window (docs/architecture.md §10.5): the renderer is a
 * single page, and a licence PDF or a link in it must never open remote content.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Registers the preload bridge for the app origin's documents only. Registered on the session
 * rather than in the window's options, so that no page of another origin ever gets it.
 */
export function registerBridgePreload(session: Pick<Session, 'registerPreloadScript'>, preloadPath: string): void {
  session.registerPreloadScript({ id: 'workstation-host-bridge', type: 'frame', filePath: preloadPath, matches: [`${APP_ORIGIN}/*`] });
}

/** Creates the hardened main window and loads the renderer from the app origin. */
export function createMainWindow(title: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1366,
    height: 860,
    minWidth: 1024,
    minHeight: 700,
    title,
    show: false,
    autoHideMenuBar: true,
    // Electron's security checklist, written out here where static scanners can see it.
    webPreferences: {
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
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY);
  return window;
}
