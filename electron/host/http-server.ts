import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { dispatchHostCall, TOO_DEEP_MESSAGE_ZH, type HostHandlers } from './dispatch';
import type { Operator } from '../../shared/contract';
import { RENDERER_CSP } from './csp';
import { contentTypeOf } from './mime';
import { jsonTextTooDeep } from '../../shared/json-depth';
import { hostFailure } from '../../shared/errors';

/** Options of the browser-mode transport. */
export interface HttpHostOptions {
  port: number;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  /** The per-launch secret every host call must present. */
  secret: string;
  handlers: HostHandlers;
  currentOperator: () => Operator | null;
  onUnexpected?: (error: unknown, name: string) => void;
}

/** A running browser-mode host. */
export interface HttpHost {
  server: Server;
  port: number;
  /** The workstation's own origin, `http://127.0.0.1:<port>`. */
  origin: string;
  close(): Promise<void>;
}

/** Header that carries the per-launch secret on host calls. */
export const SECRET_HEADER = 'x-workstation-key';
/** Path prefix of host calls: `POST /host/<call name>`. */
export const HOST_PATH = '/host/';
const MAX_BODY = 32 * 1024 * 1024;
/**
 * `POST /host/_batch` carries several calls in one request, `{"calls": [{name, input}, …]}`, and
 * answers one NDJSON line `{"index", "result"}` per call as each completes. A browser opens at
 * most six connections to one host, so a counter's eight concurrent pulls would otherwise wait
 * for each other (the Electron transport has no such limit).
 */
export const HOST_BATCH_NAME = '_batch';
/** Calls in one batch at most: the page's bursts are a case's materials and its start-up. */
export const MAX_BATCH_CALLS = 32;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

const BAD_ADDRESS = hostFailure('BAD_REQUEST', '请求地址无效（含有无法解码的字符），请检查后重试。');

/**
 * The request's path, parsed as a path only: a request line such as `//evil.example/x` or `*`
 * is not an address of another host, and one that does not parse is null (answered 400).
 */
function requestPath(rawUrl: string | undefined, ownOrigin: string): string | null {
  const raw = rawUrl ?? '/';
  if (!raw.startsWith('/')) return null;
  try {
    return new URL(ownOrigin + raw).pathname;
  } catch {
    return null;
  }
}

/** A path or path segment decoded, or null when it is not valid percent-encoded UTF-8 or decodes to a NUL. */
function decodePath(text: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return null;
  }
  return decoded.includes('\0') ? null : decoded;
}

function secretMatches(given: string | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The browser-mode transport: serves the renderer and the host API on 127.0.0.1 only.
 * A local web page must not be able to drive the workstation (docs/architecture.md §9), hence: the Host
 * header must name this server (DNS rebinding), a host call's Origin must be this server's own
 * (403 otherwise), and it must carry the per-launch secret (401 otherwise).
 */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const staticRoot = resolve(options.staticDir);
  let port = options.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const ownOrigin = () => `http://127.0.0.1:${port}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onUnexpected?.(error, req.url ?? '');
      if (!res.headersSent) sendJson(res, 500, hostFailure('INTERNAL', '工作台内部错误，请重试。'));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      sendJson(res, 403, hostFailure('FORBIDDEN', '请求的主机名不是本工作台。'));
      return;
    }
    const pathname = requestPath(req.url, ownOrigin());
    if (pathname === null) {
      sendJson(res, 400, BAD_ADDRESS);
      return;
    }
    if (pathname.startsWith(HOST_PATH)) {
      await handleHostCall(req, res, pathname.slice(HOST_PATH.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, hostFailure('BAD_REQUEST', '不支持的请求方式。'));
      return;
    }
    await serveStatic(pathname, res, req.method === 'HEAD');
  }

  async function handleHostCall(req: IncomingMessage, res: ServerResponse, encodedName: string): Promise<void> {
    if (req.headers.origin !== ownOrigin()) {
      sendJson(res, 403, hostFailure('FORBIDDEN', '只接受来自本工作台页面的请求。'));
      return;
    }
    if (!secretMatches(req.headers[SECRET_HEADER] as string | undefined, options.secret)) {
      sendJson(res, 401, hostFailure('UNAUTHENTICATED', '工作台访问密钥无效，请使用启动时打印的地址重新打开。'));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, hostFailure('BAD_REQUEST', '主机调用只接受 POST。'));
      return;
    }
    const name = decodePath(encodedName);
    if (name === null) {
      sendJson(res, 400, BAD_ADDRESS);
      return;
    }
    const body = await readBody(req);
    if (body === 'too_large') {
      sendJson(res, 413, hostFailure('TOO_LARGE', '提交的内容过大，请减少附件或压缩后重试。'));
      return;
    }
    const text = body.toString('utf8');
    // Before parsing and before the contract's validator, which recurses once per level.
    if (jsonTextTooDeep(text)) {
      sendJson(res, 400, hostFailure('BAD_REQUEST', TOO_DEEP_MESSAGE_ZH));
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(text);
    } catch {
      sendJson(res, 400, hostFailure('BAD_REQUEST', '请求内容不是有效的 JSON。'));
      return;
    }
    if (name === HOST_BATCH_NAME) {
      await answerBatch(res, input);
      return;
    }
    const result = await dispatchHostCall(options.handlers, options.currentOperator, name, input, options.onUnexpected);
    // The envelope carries success or failure; HTTP 200 means the host answered.
    sendJson(res, 200, result);
  }

  async function answerBatch(res: ServerResponse, input: unknown): Promise<void> {
    const calls = (input as { calls?: unknown } | null)?.calls;
    if (!Array.isArray(calls) || calls.length === 0 || calls.length > MAX_BATCH_CALLS || !calls.every((c) => typeof c === 'object' && c !== null)) {
      sendJson(res, 400, hostFailure('BAD_REQUEST', `批量主机调用须为 1 至 ${MAX_BATCH_CALLS} 个调用。`));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
    // Each call is dispatched on its own, exactly as if it had come alone, and answered as soon
    // as it is done: a slow pull does not hold back the others' progress.
    await Promise.all(
      (calls as Array<{ name?: unknown; input?: unknown }>).map(async (call, index) => {
        const result = await dispatchHostCall(options.handlers, options.currentOperator, call.name, call.input, options.onUnexpected);
        if (!res.destroyed) res.write(`${JSON.stringify({ index, result })}\n`);
      }),
    );
    res.end();
  }

  async function serveStatic(pathname: string, res: ServerResponse, headOnly: boolean): Promise<void> {
    const decoded = decodePath(pathname);
    if (decoded === null) {
      sendJson(res, 400, BAD_ADDRESS);
      return;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    let file = resolve(join(staticRoot, relative));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      sendJson(res, 404, hostFailure('NOT_FOUND', '文件不存在。'));
      return;
    }
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    // The renderer routes in the page (hash history); unknown paths are not files.
    if (!info?.isFile()) {
      sendJson(res, 404, hostFailure('NOT_FOUND', '文件不存在。'));
      return;
    }
    const content = await readFile(file);
    const type = contentTypeOf(file);
    const headers: Record<string, string | number> = {
      'content-type': type,
      'content-length': content.length,
      'x-content-type-options': 'nosniff',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    };
    if (file.endsWith('.html')) {
      headers['content-security-policy'] = RENDERER_CSP;
      headers['x-frame-options'] = 'DENY';
      headers['referrer-policy'] = 'no-referrer';
    }
    res.writeHead(200, headers);
    res.end(headOnly ? undefined : content);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    server,
    port,
    origin: ownOrigin(),
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
