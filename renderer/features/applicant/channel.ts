/**
 * The applicant's screen's channel (shared/applicant-screen.ts) from both ends: the counter's
 * publisher, fed by the counter store, and the screen's listener. Both run in pages of the same
 * origin (two tabs in browser mode, two windows in Electron) and meet on one BroadcastChannel.
 *
 * A screen follows a live counter page only: each publisher holds a Web Lock of its own for
 * as long as its page lives, and the screen waits for that lock; when the browser grants it, the
 * page has been closed, reloaded or has crashed, and the screen goes back to the neutral page.
 */
import { effectScope, watch } from 'vue';
import {
  APPLICANT_SCREEN_MESSAGE_VERSION,
  applicantStateMessage,
  INITIAL_SCREEN_STATE,
  NEUTRAL_VIEW,
  parseApplicantScreenMessage,
  screenDeadline,
  screenStateAfter,
  screenStateAt,
  screenStateWithoutPublisher,
  type ApplicantScreenMessage,
  type ApplicantScreenSettings,
  type ApplicantScreenState,
  type ApplicantView,
} from '../../../shared/applicant-screen';

/** The part of a BroadcastChannel used here (a test passes its own). */
export interface ChannelPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** The part of the Web Locks API used here. */
export interface LockPort {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<unknown> | unknown): Promise<unknown>;
}

const LOCK_PREFIX = 'workstation.applicant-screen.publisher.';

/** A fresh id for a page on the channel. */
export function peerId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The counter's end of the channel. */
export interface ApplicantPublisher {
  readonly id: string;
  /** Says the current state again (a screen asked, or the page came back from the back-forward cache). */
  republish(): void;
  /** Shows the neutral page on every screen (the page is being left); the publisher goes on. */
  blank(): void;
  /** Resolves true as soon as a screen says hello, false after `timeoutMs` without one. */
  waitForScreen(timeoutMs: number): Promise<boolean>;
  /** Asks the screens to say hello (and so to get the state again). */
  ping(): void;
  /** Blanks the screens and leaves the channel. */
  stop(): void;
}

/** What the publisher publishes: a view and display settings, each read reactively. */
export interface PublisherOptions {
  channel: ChannelPort;
  view: () => ApplicantView;
  display: () => ApplicantScreenSettings;
  /** Web Locks (absent: screens rely on the page's last message). */
  locks?: LockPort | null;
  id?: string;
}

/**
 * Publishes the view on the channel whenever it changes, and again to every screen that says
 * hello. Nothing is published before the page holds its lock, so that a screen waiting for the
 * lock never takes a live page for a dead one.
 */
export function createApplicantPublisher(options: PublisherOptions): ApplicantPublisher {
  const { channel } = options;
  const id = options.id ?? peerId();
  let seq = 0;
  let last = '';
  let stopped = false;
  let ready = !options.locks;
  let release: (() => void) | null = null;
  const waiting = new Set<() => void>();

  function post(view: ApplicantView, force: boolean): void {
    if (stopped || !ready) return;
    const display = options.display();
    const key = JSON.stringify([display, view]);
    if (!force && key === last) return;
    last = key;
    // Plain JSON: the view may hold Vue's proxies, which a channel cannot clone.
    channel.postMessage(JSON.parse(JSON.stringify(applicantStateMessage(id, seq++, display, view))));
  }

  channel.addEventListener('message', (event) => {
    const message = parseApplicantScreenMessage(event.data);
    if (message?.type !== 'hello') return;
    for (const resolve of [...waiting]) resolve();
    post(options.view(), true);
  });

  // The view is built from reactive state: a new JSON means something the screen shows changed.
  // A scope of its own: started from a component (the counter's button), the watch must outlive
  // it, or leaving the counter page would silence the screen.
  const scope = effectScope(true);
  scope.run(() =>
    watch(
      () => JSON.stringify([options.display(), options.view()]),
      () => post(options.view(), false),
    ),
  );

  if (options.locks) {
    void options.locks
      .request(LOCK_PREFIX + id, {}, () => {
        ready = true;
        post(options.view(), true);
        return new Promise<void>((resolve) => (release = resolve));
      })
      .catch(() => {
        // No lock to be had (the page is going): the screens fall back to the last message.
      });
  } else {
    post(options.view(), true);
  }

  return {
    id,
    republish: () => post(options.view(), true),
    blank: () => post(NEUTRAL_VIEW, true),
    ping: () => {
      if (!stopped) channel.postMessage({ v: APPLICANT_SCREEN_MESSAGE_VERSION, type: 'ping' } satisfies ApplicantScreenMessage);
    },
    waitForScreen(timeoutMs) {
      return new Promise<boolean>((resolve) => {
        const done = (seen: boolean) => {
          waiting.delete(onHello);
          clearTimeout(timer);
          resolve(seen);
        };
        const onHello = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiting.add(onHello);
      });
    },
    stop() {
      if (stopped) return;
      post(NEUTRAL_VIEW, true);
      stopped = true;
      scope.stop();
      channel.close();
      release?.();
    },
  };
}

/** The screen's end of the channel. */
export interface ApplicantScreenListener {
  readonly id: string;
  /** Leaves the channel. */
  stop(): void;
}

/** What the screen listens with, and where it puts what it is to show. */
export interface ListenerOptions {
  channel: ChannelPort;
  onState: (state: ApplicantScreenState) => void;
  locks?: LockPort | null;
  now?: () => number;
  id?: string;
}

/**
 * Listens for the counter's messages and keeps the screen's state: the page it follows, what it
 * shows; neutral when that page is gone or a completed case's hold is over. Says hello on start
 * and to every ping, so that a counter page sends what it shows.
 */
export function listenAsApplicantScreen(options: ListenerOptions): ApplicantScreenListener {
  const { channel } = options;
  const id = options.id ?? peerId();
  const now = options.now ?? (() => Date.now());
  let state: ApplicantScreenState = INITIAL_SCREEN_STATE;
  let watched: { publisher: string; abort: AbortController } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  function set(next: ApplicantScreenState): void {
    if (next === state) return;
    state = next;
    options.onState(state);
    schedule();
    watchPublisher();
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const deadline = screenDeadline(state);
    if (deadline !== null) timer = setTimeout(() => set(screenStateAt(state, now())), Math.max(0, deadline - now()));
  }

  // Waits for the followed page's lock: granted means that page is gone.
  function watchPublisher(): void {
    const publisher = state.publisher;
    if (watched?.publisher === publisher) return;
    watched?.abort.abort();
    watched = null;
    if (!publisher || !options.locks) return;
    const abort = new AbortController();
    watched = { publisher, abort };
    options.locks
      .request(LOCK_PREFIX + publisher, { signal: abort.signal }, () => {
        if (!stopped) set(screenStateWithoutPublisher(state, publisher));
      })
      .catch(() => {
        // Aborted: the screen follows another page now.
      });
  }

  const hello = () => channel.postMessage({ v: APPLICANT_SCREEN_MESSAGE_VERSION, type: 'hello', screen: id } satisfies ApplicantScreenMessage);

  channel.addEventListener('message', (event) => {
    if (stopped) return;
    const message = parseApplicantScreenMessage(event.data);
    if (!message) return;
    if (message.type === 'ping') hello();
    else if (message.type === 'state') set(screenStateAfter(state, message, now()));
  });
  options.onState(state);
  hello();

  return {
    id,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      watched?.abort.abort();
      channel.close();
    },
  };
}
