import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import {
  APPLICANT_PAPER_REASONS,
  APPLICANT_PULL_STATES,
  APPLICANT_BASES,
  APPLICANT_FONT_SIZES,
  DEFAULT_APPLICANT_SCREEN_SETTINGS,
  INITIAL_SCREEN_STATE,
  NEUTRAL_VIEW,
  parseApplicantScreenMessage,
  type ApplicantScreenSettings,
  type ApplicantScreenState,
  type ApplicantView,
} from '../../../shared/applicant-screen';
import type { CounterCase } from '../../../shared/counter-case';
import type { Matter } from '../../../shared/library-api';
import { createApplicantPublisher, listenAsApplicantScreen, type LockPort } from '../../../renderer/features/applicant/channel';
import { useApplicantScreenStore } from '../../../renderer/stores/applicant-screen';
import { useCounterStore } from '../../../renderer/stores/counter';
import { useSessionStore } from '../../../renderer/stores/session';
import { zhCN } from '../../../renderer/i18n/zh-CN';
import { fakeHost } from './fake-host';
import { CLERK, testRoot, WORKSTATION } from './test-root';

/** Web Locks as the browser grants them: one holder per name, the rest queued; a page that dies lets go. */
function fakeLocks() {
  const queues = new Map<string, Array<{ grant: () => void }>>();
  const holders = new Map<string, () => void>();
  function next(name: string): void {
    const queue = queues.get(name) ?? [];
    const waiter = queue.shift();
    if (waiter) waiter.grant();
  }
  const locks: LockPort & { crash(name: string): void; held(name: string): boolean } = {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => {
            let done = false;
            const finish = () => {
              if (done) return;
              done = true;
              holders.delete(name);
              next(name);
            };
            holders.set(name, finish);
            Promise.resolve(callback()).then(resolve, reject).finally(finish);
          },
        };
        if (options.signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
        options.signal?.addEventListener('abort', () => {
          const queue = queues.get(name) ?? [];
          const at = queue.indexOf(entry);
          if (at >= 0) {
            queue.splice(at, 1);
            reject(new DOMException('aborted', 'AbortError'));
          }
        });
        if (holders.has(name)) queues.set(name, [...(queues.get(name) ?? []), entry]);
        else entry.grant();
      });
    },
    // The page holding the lock died: the browser releases it.
    crash(name) {
      holders.get(name)?.();
    },
    held: (name) => holders.has(name),
  };
  return locks;
}

let channelName = '';
let seq = 0;
const channels: BroadcastChannel[] = [];
function channel(): BroadcastChannel {
  const made = new BroadcastChannel(channelName);
  channels.push(made);
  return made;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const caseView = (caseNo: string): ApplicantView => ({
  kind: 'case',
  caseNo,
  caseNoForReading: caseNo,
  matter: '离婚登记',
  stage: 'holder',
  training: false,
  holder: null,
  basis: null,
  usageList: [],
  pulls: [],
  exempt: [],
  paper: [],
});

beforeEach(() => {
  channelName = `applicant-test-${process.pid}-${++seq}`;
});
afterEach(() => {
  for (const c of channels.splice(0)) c.close();
});

function screen(locks: LockPort | null) {
  const states: ApplicantScreenState[] = [];
  const listener = listenAsApplicantScreen({ channel: channel(), locks, onState: (s) => states.push(s) });
  return { listener, states, last: () => states.at(-1) ?? INITIAL_SCREEN_STATE };
}

describe('the channel between the counter and the screen', () => {
  it('publishes each change once, in order, and the state again to a screen that opens later', async () => {
    const locks = fakeLocks();
    const view = ref<ApplicantView>(NEUTRAL_VIEW);
    const display = ref<ApplicantScreenSettings>(DEFAULT_APPLICANT_SCREEN_SETTINGS);
    const sent: unknown[] = [];
    const spy = channel();
    spy.onmessage = (event) => sent.push(event.data);
    const publisher = createApplicantPublisher({ channel: channel(), locks, view: () => view.value, display: () => display.value, id: 'counter-page-a' });
    await settle();
    view.value = caseView('C-0001');
    await nextTick();
    view.value = { ...caseView('C-0001') }; // the same content: nothing new to say
    await nextTick();
    display.value = { fontSize: 'xx_large', highContrast: true };
    await nextTick();
    await settle();
    const states = sent.map((m) => parseApplicantScreenMessage(m)).filter((m) => m?.type === 'state');
    expect(states.map((m) => [m!.seq, m!.view.kind, m!.display.fontSize])).toEqual([
      [0, 'neutral', 'x_large'],
      [1, 'case', 'x_large'],
      [2, 'case', 'xx_large'],
    ]);

    // A screen opened now says hello and is told at once.
    const late = screen(locks);
    await settle();
    expect(late.last()).toMatchObject({
      publisher: 'counter-page-a',
      view: { kind: 'case', caseNo: 'C-0001' },
      display: { fontSize: 'xx_large', highContrast: true },
    });
    publisher.stop();
    await settle();
    expect(late.last().view).toEqual(NEUTRAL_VIEW);
    late.listener.stop();
  });

  it('shows the neutral page when the counter page dies without a word (its lock is let go)', async () => {
    const locks = fakeLocks();
    const view = ref<ApplicantView>(caseView('C-0002'));
    const publisher = createApplicantPublisher({
      channel: channel(),
      locks,
      view: () => view.value,
      display: () => DEFAULT_APPLICANT_SCREEN_SETTINGS,
      id: 'counter-page-b',
    });
    const watcher = screen(locks);
    await settle();
    expect(watcher.last()).toMatchObject({ publisher: 'counter-page-b', view: { caseNo: 'C-0002' } });
    locks.crash('workstation.applicant-screen.publisher.counter-page-b');
    await settle();
    expect(watcher.last()).toMatchObject({ publisher: null, view: { kind: 'neutral' } });
    watcher.listener.stop();
    void publisher;
  });

  it('keeps the case of one counter page when a second opens idle, and lets a page leave with pagehide', async () => {
    const locks = fakeLocks();
    const a = createApplicantPublisher({
      channel: channel(),
      locks,
      view: () => caseView('C-0003'),
      display: () => DEFAULT_APPLICANT_SCREEN_SETTINGS,
      id: 'counter-page-c',
    });
    const watcher = screen(locks);
    await settle();
    const b = createApplicantPublisher({
      channel: channel(),
      locks,
      view: () => NEUTRAL_VIEW,
      display: () => DEFAULT_APPLICANT_SCREEN_SETTINGS,
      id: 'counter-page-d',
    });
    await settle();
    expect(watcher.last()).toMatchObject({ publisher: 'counter-page-c', view: { caseNo: 'C-0003' } });
    a.blank();
    await settle();
    expect(watcher.last().view).toEqual(NEUTRAL_VIEW);
    b.stop();
    a.stop();
    watcher.listener.stop();
  });

  it('goes on publishing after the component that started it is gone (the counter page is left)', async () => {
    const view = ref<ApplicantView>(NEUTRAL_VIEW);
    const display = ref<ApplicantScreenSettings>(DEFAULT_APPLICANT_SCREEN_SETTINGS);
    const component = effectScope();
    const publisher = component.run(() => createApplicantPublisher({ channel: channel(), locks: null, view: () => view.value, display: () => display.value }))!;
    const watcher = screen(null);
    await settle();
    component.stop();
    display.value = { fontSize: 'large', highContrast: true };
    view.value = caseView('C-0004');
    await settle();
    expect(watcher.last()).toMatchObject({ view: { caseNo: 'C-0004' }, display: { fontSize: 'large', highContrast: true } });
    publisher.stop();
    watcher.listener.stop();
  });

  it('says whether a screen is open', async () => {
    const publisher = createApplicantPublisher({ channel: channel(), locks: null, view: () => NEUTRAL_VIEW, display: () => DEFAULT_APPLICANT_SCREEN_SETTINGS });
    const none = publisher.waitForScreen(100);
    publisher.ping();
    expect(await none).toBe(false);
    const watcher = screen(null);
    await settle();
    const one = publisher.waitForScreen(1_000);
    publisher.ping();
    expect(await one).toBe(true);
    watcher.listener.stop();
    publisher.stop();
  });
});

const MATTER: Matter = {
  code: '310000-GA-SFZ-002',
  name: '居民身份证换领',
  department: '上海市公安局',
  scenario: 'government',
  materials: [{ id: 'M01', name: '申请人有效身份证件', required: true, licenceTypes: ['11100000000013127D001'], faceFields: ['name', 'idNumber'] }],
};
const HOLDER = { idType: '111' as const, idNumber: '310115199709281086', name: '董琳' };

describe('the applicant-screen store', () => {
  function setup(transport: 'browser' | 'electron' = 'browser') {
    const host = fakeHost({
      'devices.applicantScreen.get': () => ({ fontSize: 'large', highContrast: false }),
      'devices.applicantScreen.set': (input) => ({
        settings: { fontSize: input.fontSize, highContrast: input.highContrast },
        changes: [{ field: 'applicantScreen.highContrast', from: false, to: input.highContrast }],
      }),
      'devices.applicantScreen.open': () => ({ outcome: 'secondary_display' }),
    });
    const { db } = testRoot({ host: host.client, operator: CLERK, info: { ...WORKSTATION, transport } });
    const tabs: string[] = [];
    const store = useApplicantScreenStore();
    store.configure({ channel, locks: null, openTab: (url) => tabs.push(url), screenUrl: () => 'http://127.0.0.1:1/#/applicant' });
    const counter = useCounterStore();
    counter.catalog = { version: 'c1', types: [] };
    const session = useSessionStore();
    return { store, counter, session, host, db, tabs };
  }

  it('publishes what the counter store holds, and the neutral page once no one is signed in', async () => {
    const { store, counter, session } = setup();
    const watcher = screen(null);
    store.start();
    await settle();
    expect(watcher.last()).toMatchObject({ view: { kind: 'neutral' }, display: { fontSize: 'large' } });

    counter.opened = { caseNo: 'WSDEMO01-20261126-0001', matter: MATTER, openedAt: '2026-11-26T02:00:00Z' };
    await settle();
    expect(watcher.last().view).toMatchObject({ kind: 'case', stage: 'holder', matter: '居民身份证换领', caseNo: 'WSDEMO01-20261126-0001' });

    const active: CounterCase = {
      caseNo: 'WSDEMO01-20261126-0001',
      matter: { code: MATTER.code, name: MATTER.name },
      holder: HOLDER,
      grant: { grantId: 'G1', basis: 'duty', reason: '老人无手机' },
      noGrant: null,
      operatorId: 'clerk01',
      workstationId: 'WS-DEMO-01',
      training: true,
      openedAt: '2026-11-26T02:00:00Z',
      materials: [{ material: MATTER.materials[0]!, pull: { state: 'pending' }, licences: [], paperScan: null, override: null }],
    };
    counter.active = active;
    await settle();
    expect(watcher.last().view).toMatchObject({
      stage: 'materials',
      training: true,
      holder: { name: '董*', idNumber: '310115********1086' },
      pulls: [{ state: 'pulling' }],
    });
    expect(JSON.stringify(watcher.states)).not.toContain(HOLDER.idNumber);

    session.operator = null;
    await settle();
    expect(watcher.last().view).toEqual(NEUTRAL_VIEW);
    watcher.listener.stop();
  });

  it("opens a tab in browser mode, unless a screen is open; the host's window in Electron", async () => {
    const browser = setup('browser');
    const opened = await browser.store.open(200);
    expect(opened.outcome).toBe('tab');
    expect(browser.tabs).toEqual(['http://127.0.0.1:1/#/applicant']);
    expect(await opened.seen).toBe(false);
    const watcher = screen(null);
    await settle();
    expect((await browser.store.open()).outcome).toBe('already_open');
    expect(browser.tabs).toHaveLength(1);
    watcher.listener.stop();

    const electron = setup('electron');
    expect(await electron.store.open()).toEqual({ outcome: 'secondary_display', seen: null });
    expect(electron.host.names()).toContain('devices.applicantScreen.open');
    expect(electron.tabs).toEqual([]);
  });

  it('saves the settings through the host, audits the change and publishes it', async () => {
    const { store, db } = setup();
    const watcher = screen(null);
    const changes = await store.saveDisplay({ fontSize: 'xx_large', highContrast: true });
    expect(changes).toEqual([{ field: 'applicantScreen.highContrast', from: false, to: true }]);
    const events = await db.auditEvents.toArray();
    expect(events.map((e) => [e.kind, e.operator, e.details])).toEqual([['device_settings_change', CLERK.id, { changes }]]);
    await settle();
    expect(watcher.last().display).toEqual({ fontSize: 'xx_large', highContrast: true });
    watcher.listener.stop();
  });
});

describe("the applicant screen's texts", () => {
  it('word every code the screen shows', () => {
    const screenTexts = zhCN.applicant.screen;
    for (const reason of APPLICANT_PAPER_REASONS) expect(screenTexts.paperReasons[reason], reason).toBeTruthy();
    for (const state of APPLICANT_PULL_STATES) expect(screenTexts.pullStates[state], state).toBeTruthy();
    for (const basis of APPLICANT_BASES) expect(screenTexts.bases[basis], basis).toBeTruthy();
    for (const size of APPLICANT_FONT_SIZES) expect(zhCN.applicant.fontSizes[size], size).toBeTruthy();
  });
});
