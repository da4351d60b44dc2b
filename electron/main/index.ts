/**
 * The Electron main process: a single instance, the app:// origin, the hardened window, the
 * camera-only permission handler and the host API on IPC. Everything else lives in ../host,
 * which browser mode runs too.
 */
import { app, dialog, ipcMain, protocol, session, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { embeddedSandbox } from '../host/embedded-sandbox';
import { embeddedHall, hallLibraryAccount } from '../host/embedded-hall';
import { createHost } from '../host/host';
import { ConfigError, parseHall, parseLibraryUrl, parseRootKey } from '../host/config';
import { logHostEvent } from '../host/event-log';
import { loadSettings, SettingsUnusableError, settingsUnusableMessage } from '../host/settings-store';
import type { HostSettings } from '../../shared/contract';
import { registerHostIpc } from './ipc';
import { isPermissionAllowed } from './permissions';
import { appProtocolHandler } from './protocol';
import { createPrinting } from './printing';
import { createApplicantWindow } from './applicant-window';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, createMainWindow, registerBridgePreload } from './window';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  await app.whenReady();
  const rendererDir = join(import.meta.dirname, '../renderer');
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir, APP_HOST));

  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? contents.getURL(), details as { mediaTypes?: string[] }, APP_ORIGIN));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, { mediaTypes: ['video'] }, APP_ORIGIN),
  );

  const dataDir = app.getPath('userData');
  const settingsFile = join(dataDir, 'settings.json');
  let settings: HostSettings;
  // The embedded hall unless the deployment names another (HALL_URL: a URL, or off).
  let hallChoice: ReturnType<typeof parseHall> = { mode: 'embedded' };
  try {
    if (process.env.HALL_URL) hallChoice = parseHall(process.env.HALL_URL, 'HALL_URL');
    settings = loadSettings(settingsFile);
    // A deployment may preset the library through the environment; the settings page changes it later.
    if (process.env.LIBRARY_URL && process.env.ROOT_KEY) {
      settings.libraryUrl = parseLibraryUrl(process.env.LIBRARY_URL, 'LIBRARY_URL');
      settings.rootKey = parseRootKey(process.env.ROOT_KEY);
    }
  } catch (error) {
    // Unusable settings never fall back to the defaults (a training workstation under another
    // id): the app says why and how to restore them, logs it, and does not start.
    if (error instanceof SettingsUnusableError) {
      logHostEvent(dataDir, 'settings_unusable', {
        file: error.file,
        problem: error.problem,
        keptAs: error.keptAs,
        backup: error.backup,
        detail: error.detail,
      });
      const message = settingsUnusableMessage(error);
      dialog.showErrorBox(
        message.title,
        [message.what, '', '恢复方法：', ...message.steps.map((step, i) => `${i + 1}. ${step}`), '', '此事件已记入数据文件夹中的 host-events.log。'].join('\n'),
      );
    } else if (error instanceof ConfigError) {
      dialog.showErrorBox('工作台配置有误，无法启动', error.message);
    } else throw error;
    app.exit(1);
    return;
  }
  if (process.env.WORKSTATION_ID) settings.workstationId = process.env.WORKSTATION_ID;

  const sandbox = embeddedSandbox(dataDir);
  app.once('will-quit', () => void sandbox.close());
  const hall = embeddedHall(dataDir, {
    bind: process.env.HALL_BIND || '127.0.0.1',
    library: hallLibraryAccount(settings, sandbox),
    log: (line) => console.error(line),
  });
  app.once('will-quit', () => void hall.close());
  let window: BrowserWindow | null = null;
  const applicantWindow = createApplicantWindow();
  const host = await createHost({
    version: app.getVersion(),
    transport: 'electron',
    dataDir,
    settings,
    settingsFile,
    openSandbox: sandbox.open,
    printing: createPrinting(() => window),
    applicantWindow,
    hall: {
      url: hallChoice.mode === 'remote' ? hallChoice.url : null,
      openEmbedded: hallChoice.mode === 'embedded' ? hall.open : null,
      off: hallChoice.mode === 'off',
    },
    log: (line) => console.error(line),
  });
  registerHostIpc(
    ipcMain,
    host.handlers,
    host.currentOperator,
    (error, name) => console.error(`host call ${name} failed:`, error),
    (sender) => applicantWindow.isApplicantContents(sender),
  );

  registerBridgePreload(session.defaultSession, join(import.meta.dirname, '../preload/index.cjs'));
  let main = createMainWindow('电子证照窗口工作台');
  window = main;
  // The applicant's screen goes with the counter's window: it must not stay up on its own.
  main.on('closed', () => applicantWindow.close());
  app.on('second-instance', () => {
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (main.isDestroyed()) {
      window = main = createMainWindow('电子证照窗口工作台');
      main.on('closed', () => applicantWindow.close());
    }
  });
}
