import { HostCallError, type HostErrorCode } from '../../shared/errors';
import { jsonTextTooDeep } from '../../shared/json-depth';

/** Options of one library request. */
export interface LibraryRequest {
  method?: 'GET' | 'POST';
  body?: unknown;
  token?: string | null;
  idempotencyKey?: string;
  ifNoneMatch?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra headers, e.g. the pull context of a case. */
  headers?: Record<string, string>;
  /** `bytes` for a file (the licence PDF); JSON otherwise. */
  responseType?: 'json' | 'bytes';
}

/** A library answer that was not an error. */
export interface LibraryResponse<T> {
  status: number;
  body: T;
  etag: string | null;
}

// Library error codes (docs/library-api.md §1) map onto host codes one to one where they exist.
const LIBRARY_TO_HOST: Record<string, HostErrorCode> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  SCOPE_DENIED: 'SCOPE_DENIED',
  NOT_FOUND: 'NOT_FOUND',
  TOKEN_USED: 'TOKEN_USED',
  CONFLICT: 'CONFLICT',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  TOKEN_INVALID: 'TOKEN_INVALID',
  UNAVAILABLE: 'LIBRARY_UNAVAILABLE',
  GRANT_INVALID: 'GRANT_INVALID',
  TOO_LARGE: 'TOO_LARGE',
  INTERNAL: 'LIBRARY_ERROR',
};

/** Observes every library call, for the link monitor. */
export type LibraryCallObserver = (outcome: { ok: boolean; reachable: boolean; latencyMs: number }) => void;

/**
 * The one client through which the host talks to the city e-licence library (docs/architecture.md §3.3).
 * It speaks docs/library-api.md; a deployment whose gateway differs gets an adapter in front of this.
 * Network failures and timeouts become LIBRARY_UNAVAILABLE; library errors keep their code
 * and the library's own Chinese message.
 */
export class LibraryClient {
  private readonly observers = new Set<LibraryCallObserver>();

  constructor(
    readonly baseUrl: string,
    private readonly defaultTimeoutMs = 10_000,
  ) {}

  /** Registers an observer of every call's outcome; returns its removal. */
  observe(observer: LibraryCallObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Calls `path` (relative to `/api/v1`) and returns the parsed JSON body. */
  async request<T>(path: string, options: LibraryRequest = {}): Promise<LibraryResponse<T>> {
    const headers: Record<string, string> = { ...options.headers, accept: options.responseType === 'bytes' ? '*/*' : 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.defaultTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1${path}`, {
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
    } catch {
      this.notify({ ok: false, reachable: false, latencyMs: performance.now() - started });
      throw new HostCallError('LIBRARY_UNAVAILABLE');
    }
    const latencyMs = performance.now() - started;
    if (response.status === 304) {
      this.notify({ ok: true, reachable: true, latencyMs });
      return { status: 304, body: undefined as T, etag: response.headers.get('etag') };
    }
    if (response.ok && options.responseType === 'bytes') {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch {
        this.notify({ ok: false, reachable: false, latencyMs: performance.now() - started });
        throw new HostCallError('LIBRARY_UNAVAILABLE');
      }
      this.notify({ ok: true, reachable: true, latencyMs });
      return { status: response.status, body: bytes as T, etag: response.headers.get('etag') };
    }
    let body: unknown;
    try {
      const text = await response.text();
      // The library's answers go through the same recursive checks as the renderer's calls
      // (schemas, canonical JSON for signatures): nesting beyond any real answer is refused first.
      if (jsonTextTooDeep(text)) throw new Error('too deep');
      body = JSON.parse(text);
    } catch {
      this.notify({ ok: false, reachable: true, latencyMs });
      throw new HostCallError('LIBRARY_ERROR');
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const code = typeof error?.code === 'string' ? (LIBRARY_TO_HOST[error.code] ?? 'LIBRARY_ERROR') : 'LIBRARY_ERROR';
      const unavailable = code === 'LIBRARY_UNAVAILABLE' || response.status >= 500;
      // A refusal (4xx: a wrong password, an unknown licence) is the library answering as it
      // should: it says nothing against the link. Only a failing library does.
      this.notify({ ok: !unavailable, reachable: !unavailable, latencyMs });
      throw new HostCallError(
        response.status >= 500 && code !== 'LIBRARY_UNAVAILABLE' ? 'LIBRARY_ERROR' : code,
        typeof error?.message === 'string' && error.message.length > 0 ? error.message : undefined,
        { libraryStatus: response.status, libraryCode: error?.code ?? null },
      );
    }
    this.notify({ ok: true, reachable: true, latencyMs });
    return { status: response.status, body: body as T, etag: response.headers.get('etag') };
  }

  private notify(outcome: Parameters<LibraryCallObserver>[0]): void {
    for (const observer of this.observers) observer(outcome);
  }
}
