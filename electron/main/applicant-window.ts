/**
 * The applicant's screen in Electron (shared/applicant-screen.ts): a second window showing
 * `#/applicant` of the same app origin, so that it hears the counter on the same
 * BroadcastChannel as a second tab does in browser mode. It goes full size on a display other
 * than the primary one (where the counter is), or, with one display, opens as an ordinary window.
 *
 * It is shown without taking the focus and, on its own display, can never take it: a barcode
 * gun types into the focused window, and the clerk's scans must reach the counter. It stays on
 * `#/applicant`, and the host refuses its calls (ipc.ts): the screen needs none, and a window
 * facing the public must not act for the signed-in clerk.
 */
import { BrowserWindow, screen, type Display, type WebContents } from 'electron';
import type { ApplicantWindowOutcome, ApplicantWindowPort } from '../host/devices/applicant-screen';
import { APP_ENTRY, hardenWebContents } from './window';

/** The screen's address: the app's own entry, on the applicant's route. */
export const APPLICANT_URL = `${APP_ENTRY}#/applicant`;

/** The display the screen goes to: the first that is not the primary one, or null when there is only one. */
export function secondaryDisplay(displays: readonly Display[], primary: Pick<Display, 'id'>): Display | null {
  return displays.find((display) => display.id !== primary.id) ?? null;
}

/** The applicant's window, as the host opens it, and what the main process asks of it. */
export interface ApplicantWindow extends ApplicantWindowPort {
  /** True for the window's own page: the host refuses its calls. */
  isApplicantContents(contents: Pick<WebContents, 'id'> | null | undefined): boolean;
  /** Closes the window (the counter's window closed). */
  close(): void;
}

function keepOnApplicantRoute(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== APPLICANT_URL) event.preventDefault();
  });
  // The router moves within the page without a navigation: back to the screen's route.
  contents.on('did-navigate-in-page', (_event, url) => {
    if (url !== APPLICANT_URL) void contents.loadURL(APPLICANT_URL);
  });
}

/** The applicant's window: opened on demand, one at a time, on the second display when there is one. */
export function createApplicantWindow(): ApplicantWindow {
  let window: BrowserWindow | null = null;
  let contentsId: number | null = null;
  // The display the window was placed on (null: an ordinary window on the only display).
  let placedOn: number | null = null;

  function create(display: Display | null): BrowserWindow {
    const bounds = display?.bounds;
    const created = new BrowserWindow({
      ...(bounds ? { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, frame: false, focusable: false } : { width: 1024, height: 768 }),
      title: '申请人屏',
      show: false,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
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
    hardenWebContents(created.webContents);
    keepOnApplicantRoute(created.webContents);
    created.once('ready-to-show', () => created.showInactive());
    created.on('closed', () => {
      if (window === created) {
        window = null;
        contentsId = null;
      }
    });
    void created.loadURL(APPLICANT_URL);
    return created;
  }

  return {
    open(): ApplicantWindowOutcome {
      const display = secondaryDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay());
      const wanted = display?.id ?? null;
      if (window && !window.isDestroyed() && placedOn === wanted) {
        window.showInactive();
      } else {
        // First opened, or a display came or went since: the window goes where it belongs now.
        if (window && !window.isDestroyed()) window.close();
        window = create(display);
        contentsId = window.webContents.id;
        placedOn = wanted;
      }
      return display ? 'secondary_display' : 'primary_display';
    },
    isApplicantContents(contents) {
      return contents !== null && contents !== undefined && contentsId !== null && contents.id === contentsId;
    },
    close() {
      if (window && !window.isDestroyed()) window.close();
      window = null;
      contentsId = null;
    },
  };
}
