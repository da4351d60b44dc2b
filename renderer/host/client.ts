import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import { HOST_ERROR_MESSAGES_ZH, type HostError, type HostErrorCode, type HostResult } from '../../shared/errors';

/** A failed host call, as the renderer handles it: one code, one sentence for the clerk. */
export class AppError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static from(error: HostError): AppError {
    return new AppError(error.code, error.message, error.details);
  }
}

/** Carries one call to the host and brings back its envelope. */
export type HostTransport = (name: HostCallName, input: unknown) => Promise<HostResult<unknown>>;

/** Header and storage key of the browser-mode secret. */
const SECRET_HEADER = 'x-workstation-key';
const SECRET_STORAGE = 'workstation.key';

/**
 * The browser-mode transport: `POST /host/<name>` with the per-launch secret. The secret comes
 * in the start URL's `?key=`; it is kept for this tab only and removed from the address bar.
 */
export function httpTransport(location: Location, storage: Storage, history: History): HostTransport {
  const fromUrl = new URLSearchParams(location.search).get('key');
  if (fromUrl) {
    storage.setItem(SECRET_STORAGE, fromUrl);
    const clean = new URL(location.href);
    clean.searchParams.delete('key');
    history.replaceState(history.state, '', clean.pathname + clean.search + clean.hash);
  }
  return async (name, input) => {
    let response: Response;
    try {
      response = await fetch(`/host/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: storage.getItem(SECRET_STORAGE) ?? '' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: '无法连接工作台主机程序，请确认它仍在运行（npm start）。' } };
    }
    try {
      return (await response.json()) as HostResult<unknown>;
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: HOST_ERROR_MESSAGES_ZH.INTERNAL } };
    }
  };
}

/** The Electron transport: the preload's bridge. */
export function bridgeTransport(bridge: NonNullable<Window['workstationHost']>): HostTransport {
  return (name, input) => bridge[name](input);
}

/** The host API as the renderer uses it: typed by the contract, failures thrown as AppError. */
export interface HostClient {
  call<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>>;
}

/** Derives the client from the contract's types over a transport. */
export function createHostClient(transport: HostTransport): HostClient {
  return {
    async call(name, input) {
      const result = await transport(name, input);
      if (!result.ok) throw AppError.from(result.error);
      return result.value as never;
    },
  };
}

/** The transport this page should use: the bridge in Electron, HTTP in browser mode. */
export function defaultTransport(): HostTransport {
  return window.workstationHost ? bridgeTransport(window.workstationHost) : httpTransport(window.location, window.sessionStorage, window.history);
}

let client: HostClient | null = null;

/** The page's host client. */
export function hostClient(): HostClient {
  client ??= createHostClient(defaultTransport());
  return client;
}
