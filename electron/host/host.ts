import { dirname, join } from 'node:path';
import type { HostSettings, ObjectionBatchResult, Operator, ReferenceResult } from '../../shared/contract';
import { HostCallError, RETRYABLE_DELIVERY_CODES } from '../../shared/errors';
import { CatalogResponse, MattersResponse, ObjectionListResponse, ObjectionReceipt, type ObjectionRequest, type TrustRoot } from '../../shared/library-api';
import { checkTrustList } from '../../shared/trust';
import { CounterService } from './counter';
import { CredentialStore } from './credentials';
import type { HostHandlers } from './dispatch';
import { LibraryClient } from './library-client';
import { LinkMonitor } from './link-monitor';
import { ReferenceData } from './reference-data';
import { OperatorSession } from './session';
import { SignInThrottle } from './sign-in-throttle';
import { DEFAULT_DEVICE_SETTINGS } from '../../shared/devices';
import { DevicesService } from './devices/service';
import type { PrintingPort } from './devices/printing';
import type { ApplicantWindowPort } from './devices/applicant-screen';
import { loadDeviceSettings, saveDeviceSettings, saveSettings } from './settings-store';
import { TrustStore, TRUST_LIST_PROBLEM_MESSAGES } from './trust';
import { HallLink, type HallConfig } from './hall-link';
import { hallHandlers } from './hall-handlers';
import type { ReferenceName } from '../../shared/hall-api';

/** A library the host can talk to: the production library or the sandbox. */
export interface LibraryTarget {
  url: string;
  rootKey: TrustRoot;
  /** The sandbox's ID-card reader simulator, when the target is a sandbox running one. */
  reader?: { httpUrl: string; wsUrl: string } | null;
}

/** What the host needs to know about its deployment. */
export interface HostConfig {
  version: string;
  transport: 'electron' | 'browser';
  /** Folder for the host's own files: settings, offline sign-in verifiers, verified trust lists. */
  dataDir: string;
  /** The settings in force at start (saved settings with any command-line overrides). */
  settings: HostSettings;
  /** Where settings changes are saved; null keeps them for this run only. */
  settingsFile: string | null;
  /** Starts (once) and returns the library sandbox: the embedded default and the training library. */
  openSandbox: () => Promise<LibraryTarget>;
  /** The clock (tests move it to expire a session); the system clock by default. */
  now?: () => Date;
  /** The printer (the Electron main process provides it); browser mode prints through the browser. */
  printing?: PrintingPort | null;
  /** The applicant's window (the Electron main process provides it); browser mode opens a tab. */
  applicantWindow?: ApplicantWindowPort | null;
  /** The hall: `--hall <url>`, the embedded one, or none (absent: none). */
  hall?: HallConfig | null;
  /** Lines for the host's log (the hall link's enrolment at start). */
  log?: (line: string) => void;
}

/** The host services behind both transports. */
export interface Host {
  handlers: HostHandlers;
  currentOperator(): Operator | null;
  /** The library the host talks to now. */
  target(): { url: string; mode: 'sandbox' | 'library' };
  /** The hall link (which hall, enrolled or not). */
  hall: HallLink;
}

/** Everything that belongs to one library: a switch to training replaces it whole. */
class LibraryContext {
  readonly client: LibraryClient;
  readonly link: LinkMonitor;
  readonly session: OperatorSession;
  readonly catalog: ReferenceData<typeof CatalogResponse>;
  readonly matters: ReferenceData<typeof MattersResponse>;
  readonly trust: TrustStore;
  readonly counter: CounterService;

  constructor(
    readonly target: LibraryTarget,
    readonly mode: 'sandbox' | 'library',
    dataDir: string,
    credentials: CredentialStore,
    workstationId: () => string,
    now: () => Date,
    /** The hall's copy of the trust list, for a workstation that has none while the library is unreachable. */
    trustFallback: (() => Promise<{ body: unknown; fetchedAt: string }>) | null = null,
  ) {
    this.client = new LibraryClient(target.url);
    this.link = new LinkMonitor(this.client);
    this.session = new OperatorSession(this.client, workstationId, credentials, `${mode}:${target.rootKey.kid}`, now);
    this.catalog = new ReferenceData(this.client, '/catalog', CatalogResponse, now);
    this.matters = new ReferenceData(this.client, '/matters', MattersResponse, now);
    this.trust = new TrustStore(this.client, target.rootKey, join(dataDir, `trust-${mode}.json`), now, trustFallback);
    this.counter = new CounterService({
      library: this.client,
      trust: this.trust,
      token: () => this.session.token(),
      sessionId: () => this.session.sessionId(),
      workstationId,
      catalog: () => this.catalog.peek(),
      matters: () => this.matters.peek(),
      now,
    });
    // Whatever ends a session (sign-out, expiry, another sign-in, a switch of library) drops the
    // grants and licence files held for its cases.
    this.session.onEnd(({ sessionId }) => this.counter.forgetSession(sessionId));
  }

  /**
   * Right after an online sign-in, without keeping the clerk waiting: the trust list (a 亮证码
   * must be checkable offline later today) and the catalog and usage lists the counter asks for
   * next, which then join these requests instead of starting their own.
   */
  warmUp(): void {
    void this.trust.refresh().catch(() => undefined);
    void this.session
      .token()
      .then((token) => Promise.allSettled([this.catalog.get(token), this.matters.get(token)]))
      .catch(() => undefined);
  }

  /** The catalog and usage lists the counter needs for labels and face fields. */
  async ensureReferenceData(): Promise<void> {
    if (!this.catalog.peek()) await this.catalog.get(await this.session.token());
    if (!this.matters.peek()) await this.matters.get(await this.session.token());
  }
}

/** Checks that a library answers with a trust list its root key verifies (a settings change). */
async function probeLibrary(target: LibraryTarget): Promise<void> {
  const client = new LibraryClient(target.url, 5_000);
  let body: unknown;
  try {
    body = (await client.request<unknown>('/trust')).body;
  } catch {
    throw new HostCallError('BAD_REQUEST', `无法连接证照库 ${target.url}，设置未保存；请核对地址，或待网络恢复后再保存。`);
  }
  const checked = checkTrustList(body, target.rootKey);
  if (!checked.ok) throw new HostCallError('BAD_REQUEST', `${TRUST_LIST_PROBLEM_MESSAGES[checked.problem]}设置未保存，请核对根密钥。`);
}

/** Builds the host services and the handlers object both transports serve. */
export async function createHost(config: HostConfig): Promise<Host> {
  let settings = { ...config.settings };
  const now = config.now ?? (() => new Date());
  const credentials = new CredentialStore(join(config.dataDir, 'operators.json'), now);
  // One limit for the workstation, whichever library it talks to (production or training).
  const throttle = new SignInThrottle(join(config.dataDir, 'sign-in-throttle.json'), now);
  const workstationId = () => settings.workstationId;
  const production = (): LibraryTarget | null => (settings.libraryUrl && settings.rootKey ? { url: settings.libraryUrl, rootKey: settings.rootKey } : null);

  const hall = new HallLink({ dataDir: config.dataDir, workstationId, now, log: config.log });
  await hall.start(config.hall ?? null);
  const trustFromHall = async () => hall.call('reference', { name: 'trust' });

  const contextFor = async (mode: 'sandbox' | 'library'): Promise<LibraryContext> => {
    const target = mode === 'library' ? production()! : await config.openSandbox();
    return new LibraryContext(target, mode, config.dataDir, credentials, workstationId, now, trustFromHall);
  };
  let ctx = await contextFor(production() ? 'library' : 'sandbox');

  const view = () => ({ settings, training: ctx.mode === 'sandbox', trainingForced: production() === null });

  // Device settings live beside the workstation settings, in their own file (devices.json).
  const devicesFile = config.settingsFile ? join(dirname(config.settingsFile), 'devices.json') : null;
  const devices = new DevicesService({
    settings: devicesFile ? loadDeviceSettings(devicesFile) : structuredClone(DEFAULT_DEVICE_SETTINGS),
    save: devicesFile ? (next) => saveDeviceSettings(devicesFile, next) : undefined,
    training: () => ctx.mode === 'sandbox',
    // Only asked in training, when the sandbox runs already: its simulator stands in for the reader.
    simulator: async () => (await config.openSandbox()).reader ?? null,
    printing: config.printing ?? null,
  });

  // A switch of library ends the operator's session: accounts and grants belong to one library.
  const switchTo = async (mode: 'sandbox' | 'library') => {
    ctx.session.signOut();
    ctx = await contextFor(mode);
  };

  const submitObjection = async (objection: ObjectionRequest): Promise<ObjectionReceipt> => {
    const { body } = await ctx.client.request<unknown>('/objections', {
      method: 'POST',
      body: objection,
      token: await ctx.session.token(),
      idempotencyKey: objection.id,
    });
    const receipt = ObjectionReceipt.safeParse(body);
    if (!receipt.success) throw new HostCallError('LIBRARY_ERROR');
    return receipt.data;
  };

  const ageOf = (fetchedAt: string) => Math.max(0, Math.floor((now().getTime() - Date.parse(fetchedAt)) / 1000));

  /** A reference resource as the library gives it now; throws LIBRARY_UNAVAILABLE when it cannot be asked. */
  const referenceFromLibrary = async (name: ReferenceName): Promise<ReferenceResult> => {
    if (name === 'trust') {
      const trust = await ctx.trust.refresh();
      const at = now().toISOString();
      return { name, source: 'library', version: trust.list.issuedAt, fetchedAt: at, ageSeconds: 0, body: trust.list };
    }
    const data = name === 'catalog' ? ctx.catalog : ctx.matters;
    await data.get(await ctx.session.token());
    const current = data.current()!;
    return {
      name,
      source: 'library',
      version: current.etag,
      fetchedAt: current.fetchedAt,
      ageSeconds: ageOf(current.fetchedAt),
      body: current.body,
    } as ReferenceResult;
  };

  /** The hall's copy, checked as the library's would be: the trust list against the pinned root key. */
  const referenceFromHall = async (name: ReferenceName): Promise<ReferenceResult> => {
    const answer = await hall.call('reference', { name });
    const meta = { source: 'hall' as const, version: answer.version, fetchedAt: answer.fetchedAt, ageSeconds: ageOf(answer.fetchedAt) };
    if (name === 'trust') {
      const adopted = ctx.trust.adopt(answer.body, answer.fetchedAt);
      if (!adopted.ok) {
        throw new HostCallError(
          'HALL_UNTRUSTED',
          `大厅服务器提供的信任列表未通过本机预置根密钥的校验（${TRUST_LIST_PROBLEM_MESSAGES[adopted.problem]}），已拒绝使用。`,
          {
            problem: adopted.problem,
          },
        );
      }
      return { name, ...meta, version: answer.version ?? adopted.trust.list.issuedAt, body: adopted.trust.list };
    }
    const parsed = (name === 'catalog' ? CatalogResponse : MattersResponse).safeParse(answer.body);
    if (!parsed.success)
      throw new HostCallError('HALL_ERROR', '大厅服务器提供的数据格式不符合证照库接口约定，已拒绝使用。', { hallCode: 'HALL_PROTOCOL_ERROR' });
    return { name, ...meta, body: parsed.data } as ReferenceResult;
  };

  /**
   * The library first; when it cannot be reached, the newer of the hall's copy and the host's
   * own last copy (the hall's is usually newer: it refreshes every 10 minutes).
   */
  const reference = async (name: ReferenceName): Promise<ReferenceResult> => {
    try {
      return await referenceFromLibrary(name);
    } catch (error) {
      if (!(error instanceof HostCallError && error.code === 'LIBRARY_UNAVAILABLE')) throw error;
    }
    // The host's own copy as it was before the hall was asked (a trust list from the hall is kept as the host's own).
    const held = name === 'trust' ? ctx.trust.peek() : (name === 'catalog' ? ctx.catalog : ctx.matters).current();
    let fromHall: ReferenceResult | null = null;
    let hallFailure: HostCallError | null = null;
    try {
      fromHall = await referenceFromHall(name);
    } catch (error) {
      if (!(error instanceof HostCallError)) throw error;
      if (error.code === 'HALL_UNTRUSTED') throw error;
      hallFailure = error;
    }
    const own: ReferenceResult | null = held
      ? ({
          name,
          source: 'source' in held ? held.source : 'library',
          version: 'trust' in held ? held.trust.issuedAt : held.etag,
          fetchedAt: held.fetchedAt,
          ageSeconds: ageOf(held.fetchedAt),
          body: 'trust' in held ? held.trust : held.body,
        } as ReferenceResult)
      : null;
    if (own && fromHall) return Date.parse(own.fetchedAt) >= Date.parse(fromHall.fetchedAt) ? own : fromHall;
    if (own ?? fromHall) return (own ?? fromHall)!;
    throw new HostCallError('LIBRARY_UNAVAILABLE', `暂时无法连接市电子证照库，大厅服务器也未能提供（${hallFailure!.message}）。`, {
      hallCode: hallFailure!.details?.hallCode ?? hallFailure!.code,
    });
  };

  const handlers: HostHandlers = {
    ...hallHandlers(hall, { training: () => ctx.mode === 'sandbox' }),
    'reference.get': async ({ name }) => reference(name),
    'app.info': async () => ({
      version: config.version,
      workstationId: settings.workstationId,
      libraryMode: ctx.mode,
      libraryUrl: ctx.target.url,
      transport: config.transport,
      paperRetentionDays: settings.paperRetentionDays,
    }),
    'session.signIn': async ({ username, password }) => {
      const signedIn = await throttle.attempt(username, () => ctx.session.signIn(username, password));
      if (!signedIn.offline) ctx.warmUp();
      return signedIn;
    },
    'session.current': async () => ({ operator: ctx.session.operator(), expiresAt: ctx.session.expiresAt() }),
    'session.signOut': async () => ({ signedOut: ctx.session.signOut() }),
    'library.status': async () => ctx.link.probe(),
    'catalog.get': async () => ctx.catalog.get(await ctx.session.token()),
    'matters.get': async () => ctx.matters.get(await ctx.session.token()),
    'trust.get': async () => ctx.trust.get(),
    'token.inspect': async (input) => ctx.counter.inspectToken(input),
    'grant.redeem': async (input) => ctx.counter.redeem(input),
    'grant.duty': async (input) => ctx.counter.duty(input),
    'material.pull': async (input) => {
      await ctx.ensureReferenceData();
      return ctx.counter.pull(input);
    },
    'licence.file': async (input) => ctx.counter.file(input),
    'case.purge': async (input) => ctx.counter.purge(input),
    'usage.submit': async (input) => ctx.counter.submitUsage(input),
    'objection.submit': async ({ objection }) => submitObjection(objection),
    'objections.submitMany': async ({ objections }) => {
      // One after another, so that the drain asks no more of the library than before; a failure
      // that may pass (the library unreachable) ends the call, the rest untried.
      const results: ObjectionBatchResult[] = [];
      let stopped = false;
      for (const objection of objections) {
        if (stopped) {
          results.push({ status: 'untried' });
          continue;
        }
        try {
          results.push({ status: 'sent', receipt: await submitObjection(objection) });
        } catch (error) {
          const failure = error instanceof HostCallError ? error : new HostCallError('INTERNAL');
          if (!(error instanceof HostCallError)) console.error('objections.submitMany: unexpected failure', error);
          results.push({ status: 'failed', code: failure.code, message: failure.message });
          stopped = RETRYABLE_DELIVERY_CODES.has(failure.code);
        }
      }
      return { results };
    },
    'objections.poll': async ({ ids }) => {
      const { body } = await ctx.client.request<unknown>(`/objections?ids=${ids.map(encodeURIComponent).join(',')}`, {
        token: await ctx.session.token(),
      });
      const list = ObjectionListResponse.safeParse(body);
      if (!list.success) throw new HostCallError('LIBRARY_ERROR');
      return list.data;
    },
    'catchup.check': async (input) => {
      await ctx.ensureReferenceData();
      return ctx.counter.catchUp(input);
    },
    'settings.get': async () => view(),
    'settings.update': async (changes) => {
      const next: HostSettings = { ...settings, ...changes };
      if ((next.libraryUrl === null) !== (next.rootKey === null)) {
        throw new HostCallError('BAD_REQUEST', '证照库地址与根密钥须同时填写（或同时清空以只使用沙箱）。');
      }
      const libraryChanged =
        next.libraryUrl !== settings.libraryUrl || next.rootKey?.publicKey !== settings.rootKey?.publicKey || next.rootKey?.kid !== settings.rootKey?.kid;
      if (libraryChanged && next.libraryUrl && next.rootKey) await probeLibrary({ url: next.libraryUrl, rootKey: next.rootKey });
      settings = next;
      if (config.settingsFile) saveSettings(config.settingsFile, settings);
      if (libraryChanged && ctx.mode === 'library') await switchTo(production() ? 'library' : 'sandbox');
      return view();
    },
    'devices.readIdCard': async () => devices.readIdCard(),
    'devices.readerStatus': async () => devices.readerStatus(),
    'devices.settings.get': async () => devices.view(),
    'devices.settings.set': async (next) => {
      const { changes } = devices.update(next);
      return { ...devices.view(), changes };
    },
    'devices.applicantScreen.get': async () => devices.settings().applicantScreen,
    'devices.applicantScreen.set': async (applicantScreen) => {
      const { settings, changes } = devices.update({ ...devices.settings(), applicantScreen });
      return { settings: settings.applicantScreen, changes };
    },
    'devices.applicantScreen.open': async () => ({ outcome: config.applicantWindow ? config.applicantWindow.open() : 'browser' }),
    'print.printers': async () => devices.printers(),
    'print.settings': async () => devices.printSettings(),
    'print.document': async (job) => devices.print(job),
    'training.set': async ({ on }) => {
      if (!on && !production()) {
        throw new HostCallError('BAD_REQUEST', '本工作台尚未配置正式证照库，只能在演示/培训环境中运行；请先在设置中填写证照库地址和根密钥。');
      }
      const mode = on ? 'sandbox' : 'library';
      if (ctx.mode !== mode) await switchTo(mode);
      return view();
    },
  };

  return {
    handlers,
    currentOperator: () => ctx.session.operator(),
    target: () => ({ url: ctx.target.url, mode: ctx.mode }),
    hall,
  };
}
