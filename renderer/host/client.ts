import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import type { HostError, HostErrorCode, HostResult } from '../../shared/errors';
import { t, type MessageParams, type MessageSchema } from '../i18n';

/** What the renderer itself refuses, each worded in the catalogue (`errors.app.*`). */
export type AppErrorReason = keyof MessageSchema['errors']['app'];

/**
 * A failure as the renderer handles it: one code (the host's, which the logic goes by) and one
 * sentence for the clerk, which is the catalogue's: the reason's when the renderer refused
 * (`errors.app.*`), else the code's (`errors.codes.*`). A host failure whose envelope says it
 * carries its own sentence (`specific`: the library's refusal, the host's about that failure)
 * keeps that sentence.
 */
export class AppError extends Error {
  constructor(
    readonly code: HostErrorCode,
    reason?: AppErrorReason,
    params?: MessageParams,
    readonly details?: Record<string, unknown>,
  ) {
    super(reason ? t(`errors.app.${reason}`, params) : t(`errors.codes.${code}`));
    this.name = 'AppError';
  }

  static from(error: HostError): AppError {
    const failure = new AppError(error.code, undefined, undefined, error.details);
    if (error.specific) failure.message = error.message;
    return failure;
  }
}

/** Carries one call to the host and brings back its envelope. */
export type HostTransport = (name: HostCallName, input: unknown) => Promise<HostResult<unknown>>;

/** Header and storage key of the browser-mode secret. */
const SECRET_HEADER = 'x-workstation-key';
const SECRET_STORAGE = 'workstation.key';
/** The host's batch call (electron/host/http-server.ts): several calls in one request, answered as NDJSON. */
const BATCH_PATH = '/host/_batch';
const MAX_BATCH_CALLS = 32;
// Larger calls (paper pages, evidence) go alone: a batch must stay far below the host's body limit.
const MAX_BATCHED_BODY = 64 * 1024;

// The host did not answer, or not with an envelope: failures of the transport, worded here.
const hostGone = (): HostResult<unknown> => ({ ok: false, error: { code: 'INTERNAL', message: t('errors.hostGone'), specific: true } });
const garbled = (): HostResult<unknown> => ({ ok: false, error: { code: 'INTERNAL', message: t('errors.codes.INTERNAL') } });

interface QueuedCall {
  name: HostCallName;
  body: string;
  resolve: (result: HostResult<unknown>) => void;
}

/**
 * The browser-mode transport: `POST /host/<name>` with the per-launch secret. The secret comes
 * in the start URL's `?key=`; it is kept for this tab only and removed from the address bar.
 *
 * Calls made in the same turn of the event loop go as one `POST /host/_batch`, whose answers
 * stream back one by one as the host completes them: a browser opens no more than six
 * connections to a host, and a case's eight concurrent pulls would otherwise queue behind
 * each other. A call made alone goes as before.
 */
export function httpTransport(
  location: Location,
  storage: Storage,
  history: History,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): HostTransport {
  const fromUrl = new URLSearchParams(location.search).get('key');
  if (fromUrl) {
    storage.setItem(SECRET_STORAGE, fromUrl);
    const clean = new URL(location.href);
    clean.searchParams.delete('key');
    history.replaceState(history.state, '', clean.pathname + clean.search + clean.hash);
  }
  const post = (path: string, body: string): Promise<Response> =>
    fetchImpl(path, { method: 'POST', headers: { 'content-type': 'application/json', [SECRET_HEADER]: storage.getItem(SECRET_STORAGE) ?? '' }, body });

  async function sendOne(call: QueuedCall): Promise<void> {
    let response: Response;
    try {
      response = await post(`/host/${encodeURIComponent(call.name)}`, call.body);
    } catch {
      call.resolve(hostGone());
      return;
    }
    try {
      call.resolve((await response.json()) as HostResult<unknown>);
    } catch {
      call.resolve(garbled());
    }
  }

  async function sendBatch(calls: QueuedCall[]): Promise<void> {
    const answered = new Set<number>();
    try {
      const response = await post(BATCH_PATH, `{"calls":[${calls.map((c) => `{"name":${JSON.stringify(c.name)},"input":${c.body}}`).join(',')}]}`);
      if (!response.ok || !response.body) {
        // Refused as a whole (the secret, the origin): each call gets the host's answer.
        let refusal = garbled();
        try {
          refusal = (await response.json()) as HostResult<unknown>;
        } catch {
          // Not an envelope: the generic sentence.
        }
        for (const call of calls) call.resolve(refusal);
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
          const { index, result } = JSON.parse(buffered.slice(0, end)) as { index: number; result: HostResult<unknown> };
          buffered = buffered.slice(end + 1);
          calls[index]?.resolve(result);
          answered.add(index);
        }
      }
    } catch {
      // The connection broke or a line was garbled: the calls not yet answered fail below.
    }
    for (const [index, call] of calls.entries()) if (!answered.has(index)) call.resolve(hostGone());
  }

  let queue: QueuedCall[] = [];
  function flush(): void {
    const calls = queue;
    queue = [];
    for (let start = 0; start < calls.length; start += MAX_BATCH_CALLS) {
      const part = calls.slice(start, start + MAX_BATCH_CALLS);
      void (part.length === 1 ? sendOne(part[0]!) : sendBatch(part));
    }
  }

  return (name, input) =>
    new Promise((resolve) => {
      const call: QueuedCall = { name, body: JSON.stringify(input ?? {}), resolve };
      if (call.body.length > MAX_BATCHED_BODY) {
        void sendOne(call);
        return;
      }
      if (queue.length === 0) queueMicrotask(flush);
      queue.push(call);
    });
}

/** The Electron transport: the preload's bridge. */
export function bridgeTransport(bridge: NonNullable<Window['workstationHost']>): HostTransport {
  return (name, input) => bridge[name](input);
}

/** The host API as the renderer uses it: typed by the contract, failures thrown as AppError. */
export interface HostClient {
  call<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>>;
}

/** Derives the client from the contract's types over a transport; `observe` sees each failure before it is thrown. */
export function createHostClient(transport: HostTransport, observe?: (error: AppError, name: HostCallName) => void): HostClient {
  return {
    async call(name, input) {
      const result = await transport(name, input);
      if (!result.ok) {
        const error = AppError.from(result.error);
        observe?.(error, name);
        throw error;
      }
      return result.value as never;
    },
  };
}

/**
 * The news that the library could not be reached just now (LIBRARY_UNAVAILABLE, whatever the
 * call was): the page's host client tells it (`observe`, given to {@link createHostClient}) and
 * the link store listens. One per page, built with the host client by renderer/main.ts.
 */
export interface LibraryUnreachable {
  /** Hands a failure over; only LIBRARY_UNAVAILABLE is news. */
  observe(error: AppError): void;
  /** Calls `listener` at each such failure; returns the unsubscribe. */
  listen(listener: () => void): () => void;
}

/** A new, silent signal: nothing is told until a host client observes through it. */
export function createLibraryUnreachable(): LibraryUnreachable {
  const listeners = new Set<() => void>();
  return {
    observe(error) {
      if (error.code !== 'LIBRARY_UNAVAILABLE') return;
      for (const listener of [...listeners]) listener();
    },
    listen(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The transport this page should use: the bridge in Electron, HTTP in browser mode. */
export function defaultTransport(): HostTransport {
  return window.workstationHost ? bridgeTransport(window.workstationHost) : httpTransport(window.location, window.sessionStorage, window.history);
}
