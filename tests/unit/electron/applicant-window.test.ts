import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HOST_CALL_CHANNEL, HOST_CALL_NAMES } from '../../../shared/contract';
import type { HostHandlers } from '../../../electron/host/dispatch';

type Listener = (...args: unknown[]) => void;
interface Display {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

// A small stand-in for the parts of `electron` the applicant's window uses.
const fake = vi.hoisted(() => {
  let nextId = 100;
  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }
  class FakeWebContents extends Emitter {
    id = nextId++;
    loaded: string[] = [];
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
  }
  class FakeBrowserWindow extends Emitter {
    webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    destroyed = false;
    shownInactive = 0;
    shown = 0;
    focused = 0;
    constructor(readonly options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
      super();
      state.windows.push(this);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    showInactive() {
      this.shownInactive++;
    }
    show() {
      this.shown++;
    }
    focus() {
      this.focused++;
    }
    isDestroyed() {
      return this.destroyed;
    }
    close() {
      this.destroyed = true;
      this.emit('closed');
    }
  }
  const state = {
    windows: [] as FakeBrowserWindow[],
    displays: [] as Display[],
    primary: 1,
  };
  const screen = {
    getAllDisplays: () => state.displays,
    getPrimaryDisplay: () => state.displays.find((d) => d.id === state.primary)!,
  };
  return { state, screen, FakeBrowserWindow };
});

vi.mock('electron', () => ({ BrowserWindow: fake.FakeBrowserWindow, screen: fake.screen, default: {} }));

const { createApplicantWindow, secondaryDisplay, APPLICANT_URL } = await import('../../../electron/main/applicant-window');
const { registerHostIpc } = await import('../../../electron/main/ipc');

const LAPTOP: Display = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const FACING: Display = { id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 1024 } };

beforeEach(() => {
  fake.state.windows.length = 0;
  fake.state.displays = [LAPTOP, FACING];
  fake.state.primary = 1;
});

describe("the applicant's window", () => {
  it('goes full size on the second display, loads the screen route, and never takes the focus', () => {
    const applicant = createApplicantWindow();
    expect(applicant.open()).toBe('secondary_display');
    const [window] = fake.state.windows;
    expect(window!.options).toMatchObject({ x: 1920, y: 0, width: 1280, height: 1024, frame: false, focusable: false, show: false });
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window!.options.webPreferences).not.toHaveProperty('preload');
    expect(window!.loadedUrl).toBe('app://workstation/index.html#/applicant');
    expect(APPLICANT_URL).toBe('app://workstation/index.html#/applicant');
    window!.emit('ready-to-show');
    expect(window!.shownInactive).toBe(1);
    expect(window!.shown + window!.focused).toBe(0);
  });

  it('opens as an ordinary window when there is one display', () => {
    fake.state.displays = [LAPTOP];
    expect(createApplicantWindow().open()).toBe('primary_display');
    const [window] = fake.state.windows;
    expect(window!.options).toMatchObject({ width: 1024, height: 768, show: false });
    expect(window!.options).not.toHaveProperty('focusable');
    expect(window!.options).not.toHaveProperty('x');
  });

  it('picks a display other than the primary one, wherever the primary is listed', () => {
    expect(secondaryDisplay([LAPTOP, FACING] as never, { id: 1 })?.id).toBe(2);
    expect(secondaryDisplay([FACING, LAPTOP] as never, { id: 1 })?.id).toBe(2);
    expect(secondaryDisplay([FACING, LAPTOP] as never, { id: 2 })?.id).toBe(1);
    expect(secondaryDisplay([LAPTOP] as never, { id: 1 })).toBeNull();
  });

  it('is one window: opened again it comes forward, closed by hand it opens anew', () => {
    const applicant = createApplicantWindow();
    applicant.open();
    applicant.open();
    expect(fake.state.windows).toHaveLength(1);
    expect(fake.state.windows[0]!.shownInactive).toBe(1);
    fake.state.windows[0]!.close();
    applicant.open();
    expect(fake.state.windows).toHaveLength(2);
  });

  it('moves to the second display once one is connected', () => {
    fake.state.displays = [LAPTOP];
    const applicant = createApplicantWindow();
    expect(applicant.open()).toBe('primary_display');
    fake.state.displays = [LAPTOP, FACING];
    expect(applicant.open()).toBe('secondary_display');
    expect(fake.state.windows).toHaveLength(2);
    expect(fake.state.windows[0]!.destroyed).toBe(true);
    expect(fake.state.windows[1]!.options).toMatchObject({ x: 1920, width: 1280 });
  });

  it('stays on the screen route: no other page of the app, no other site, no new window', () => {
    createApplicantWindow().open();
    const contents = fake.state.windows[0]!.webContents;
    for (const url of ['app://workstation/index.html#/counter', 'https://evil.example/']) {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      expect(event.preventDefault).toHaveBeenCalled();
    }
    const same = { preventDefault: vi.fn() };
    contents.emit('will-navigate', same, APPLICANT_URL);
    expect(same.preventDefault).not.toHaveBeenCalled();
    contents.emit('did-navigate-in-page', {}, 'app://workstation/index.html#/sign-in');
    expect(contents.loaded).toEqual([APPLICANT_URL]);
    contents.emit('did-navigate-in-page', {}, APPLICANT_URL);
    expect(contents.loaded).toEqual([APPLICANT_URL]);
    expect(contents.windowOpenHandler?.({ url: APPLICANT_URL })).toEqual({ action: 'deny' });
  });

  it('closes with the counter, and knows its page only while it is open', () => {
    const applicant = createApplicantWindow();
    applicant.open();
    const window = fake.state.windows[0]!;
    expect(applicant.isApplicantContents(window.webContents)).toBe(true);
    expect(applicant.isApplicantContents({ id: 1 })).toBe(false);
    expect(applicant.isApplicantContents(null)).toBe(false);
    applicant.close();
    expect(window.destroyed).toBe(true);
    expect(applicant.isApplicantContents(window.webContents)).toBe(false);
  });

  it("makes no host call: the host refuses its page's calls and answers the counter's", async () => {
    const applicant = createApplicantWindow();
    applicant.open();
    const screenContents = fake.state.windows[0]!.webContents;
    const handles = new Map<string, (...args: unknown[]) => unknown>();
    const unexpected = Object.fromEntries(HOST_CALL_NAMES.map((name) => [name, async () => Promise.reject(new Error(name))])) as unknown as HostHandlers;
    const handlers: HostHandlers = {
      ...unexpected,
      'session.current': async () => ({ operator: null, expiresAt: null }),
    };
    registerHostIpc(
      { handle: (channel: string, handler: (...args: unknown[]) => unknown) => handles.set(channel, handler) } as never,
      handlers,
      () => null,
      undefined,
      (sender) => applicant.isApplicantContents(sender),
    );
    const call = handles.get(HOST_CALL_CHANNEL)!;
    const frame = { url: APPLICANT_URL, parent: null };
    expect(await call({ senderFrame: frame, sender: screenContents }, 'session.current', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call({ senderFrame: { url: 'app://workstation/index.html#/counter', parent: null }, sender: { id: 1 } }, 'session.current', {})).toMatchObject(
      { ok: true },
    );
  });
});
