import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  APPLICANT_SCREEN_CHANNEL,
  buildApplicantView,
  DEFAULT_APPLICANT_SCREEN_SETTINGS,
  NEUTRAL_VIEW,
  type ApplicantScreenSettings,
  type ApplicantView,
} from '../../shared/applicant-screen';
import type { DeviceSettingChange } from '../../shared/devices';
import { useServices } from '../app/services';
import { createApplicantPublisher, type ApplicantPublisher, type ChannelPort, type LockPort } from '../features/applicant/channel';
import { useCounterStore } from './counter';
import { useSessionStore } from './session';
import { useWorkstationStore } from './workstation';

/** Where the applicant's screen was opened, or that it was open already. */
export type ApplicantScreenOpening = 'secondary_display' | 'primary_display' | 'tab' | 'already_open';

/** How the store meets the page's other tabs and windows; a test supplies its own. */
export interface ApplicantScreenPage {
  channel: () => ChannelPort;
  locks: LockPort | null;
  /** Opens the screen's URL in a new tab of its own (no opener, no session copy); browser mode. */
  openTab: (url: string) => void;
  /** The screen's URL in browser mode. */
  screenUrl: () => string;
}

// How long a screen that is open has to answer a ping before a new one is opened.
const PING_MS = 400;

/**
 * The applicant's screen as the counter sees it: publishes what the counter store holds — the
 * neutral page when no one is signed in or no case is open — and opens the screen. The counter
 * store is read from outside (it knows nothing of the screen). Also the screen's settings, which
 * the counter reads and a supervisor changes in 设置.
 */
export const useApplicantScreenStore = defineStore('applicantScreen', () => {
  const counter = useCounterStore();
  const session = useSessionStore();
  const workstation = useWorkstationStore();
  const { host, audit, signedInActor } = useServices();
  let page: ApplicantScreenPage | null = null;
  let publisher: ApplicantPublisher | null = null;

  const display = ref<ApplicantScreenSettings>({ ...DEFAULT_APPLICANT_SCREEN_SETTINGS });
  const displayLoaded = ref(false);

  function p(): ApplicantScreenPage {
    page ??= {
      channel: () => new BroadcastChannel(APPLICANT_SCREEN_CHANNEL),
      locks: globalThis.navigator?.locks ?? null,
      openTab: (url) => void window.open(url, '_blank', 'noopener,noreferrer'),
      // The page's own address without the secret (already taken off the address bar).
      screenUrl: () => `${location.origin}${location.pathname}#/applicant`,
    };
    return page;
  }

  /** Supplies the channel, locks and tab opener (tests). */
  function configure(custom: ApplicantScreenPage): void {
    publisher?.stop();
    publisher = null;
    page = custom;
  }

  /** What the screen is to show now. */
  const view = computed<ApplicantView>(() =>
    session.operator
      ? buildApplicantView({
          opened: counter.opened,
          active: counter.active,
          completed: counter.completed !== null,
          training: counter.training,
          typeNames: counter.typeNames,
        })
      : NEUTRAL_VIEW,
  );

  // Bumped by each save: a read that began before it must not undo it.
  let displayVersion = 0;

  /** Reads the screen's settings from the host; the defaults stay when it cannot answer. */
  async function loadDisplay(): Promise<ApplicantScreenSettings> {
    const version = displayVersion;
    const read = await host.call('devices.applicantScreen.get', {});
    if (version === displayVersion) {
      display.value = read;
      displayLoaded.value = true;
    }
    return display.value;
  }

  /** Starts publishing (once per page): the counter page calls it when it shows. */
  function start(): void {
    if (publisher) return;
    publisher = createApplicantPublisher({ channel: p().channel(), locks: p().locks, view: () => view.value, display: () => display.value });
    // Leaving the page (closed, reloaded) blanks the screen at once; back from the cache, it shows again.
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', () => publisher?.blank());
      window.addEventListener('pageshow', (event) => {
        if (event.persisted) publisher?.republish();
      });
    }
    if (!displayLoaded.value) {
      loadDisplay().catch(() => {
        // The screen keeps the default type size; the settings page says what went wrong.
      });
    }
  }

  /**
   * Opens the applicant's screen: in Electron the host's second window; in browser mode a new
   * tab, unless a screen is open already (it is then sent the state again). For a new tab,
   * `seen` resolves true once the screen says hello, false when it has not within `helloMs`
   * (the browser most likely blocked the tab).
   */
  async function open(helloMs = 4_000): Promise<{ outcome: ApplicantScreenOpening; seen: Promise<boolean> | null }> {
    start();
    if (workstation.info?.transport === 'electron') {
      const { outcome } = await host.call('devices.applicantScreen.open', {});
      if (outcome !== 'browser') return { outcome, seen: null };
    }
    const open = publisher!.waitForScreen(PING_MS);
    publisher!.ping();
    if (await open) return { outcome: 'already_open', seen: null };
    const seen = publisher!.waitForScreen(helloMs);
    p().openTab(p().screenUrl());
    return { outcome: 'tab', seen };
  }

  /** Changes the screen's settings (supervisor): saved by the host, audited, published at once. */
  async function saveDisplay(next: ApplicantScreenSettings): Promise<DeviceSettingChange[]> {
    const who = await signedInActor();
    const result = await host.call('devices.applicantScreen.set', { fontSize: next.fontSize, highContrast: next.highContrast });
    displayVersion++;
    display.value = result.settings;
    displayLoaded.value = true;
    if (result.changes.length > 0) await audit.append(who, { kind: 'device_settings_change', case: null, details: { changes: result.changes } });
    // A screen open now shows the new settings even when no counter page publishes.
    start();
    return result.changes;
  }

  return { display, displayLoaded, view, configure, start, open, loadDisplay, saveDisplay, screenUrl: () => p().screenUrl() };
});
