/**
 * The Electron main process: a single instance, the app:// origin, the hardened window, the
 * camera-only permission handler and the host API on IPC. Everything else lives in ../host,
 * which browser mode runs too.
 */
import { app, ipcMain, protocol, session, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { embeddedSandbox } from '../host/embedded-sandbox';
import { createHost } from '../host/host';
import { parseRootKey } from '../host/config';
import { loadSettings } from '../host/settings-store';
import { registerHostIpc } from './ipc';
import { isPermissionAllowed } from './permissions';
import { createPrinting } from './printing';
import { serveAppRequest } from './protocol';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, createMainWindow, registerBridgePreload } from './window';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  await app.whenReady();
  const rendererDir = join(import.meta.dirname, '../renderer');
  protocol.handle(APP_SCHEME, (request) => {
    if (new URL(request.url).host !== APP_HOST) return new Response('not found', { status: 404 });
    return serveAppRequest(rendererDir, request.url);
  });

  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? contents.getURL(), details as { mediaTypes?: string[] }, APP_ORIGIN));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, { mediaTypes: ['video'] }, APP_ORIGIN),
  );

  const dataDir = app.getPath('userData');
  const settingsFile = join(dataDir, 'settings.json');
  const settings = loadSettings(settingsFile);
  // A deployment may preset the library through the environment; the settings page changes it later.
  if (process.env.LIBRARY_URL && process.env.ROOT_KEY) {
    settings.libraryUrl = process.env.LIBRARY_URL;
    settings.rootKey = parseRootKey(process.env.ROOT_KEY);
  }
  if (process.env.WORKSTATION_ID) settings.workstationId = process.env.WORKSTATION_ID;

  const sandbox = embeddedSandbox(dataDir);
  app.once('will-quit', () => void sandbox.close());
  let window: BrowserWindow | null = null;
  const host = await createHost({
    version: app.getVersion(),
    transport: 'electron',
    dataDir,
    settings,
    settingsFile,
    openSandbox: sandbox.open,
    printing: createPrinting(() => window),
  });
  registerHostIpc(ipcMain, host.handlers, host.currentOperator, (error, name) => console.error(`host call ${name} failed:`, error));

  registerBridgePreload(session.defaultSession, join(import.meta.dirname, '../preload/index.cjs'));
  let main = createMainWindow('电子证照窗口工作台');
  window = main;
  app.on('second-instance', () => {
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (main.isDestroyed()) window = main = createMainWindow('电子证照窗口工作台');
  });
}
