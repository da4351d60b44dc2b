/**
 * HTTP plumbing of the hall: errors with a code, bounded body reading, JSON and query parsing,
 * schema validation, and the router that reads the route table. Every kind of bad input becomes
 * a 4xx with a code before anything is changed; never a 500.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { HALL_ERROR_MESSAGES, HALL_ERROR_STATUS, pathParams, type HallErrorCode } from '../shared/hall-api';
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../shared/json-depth';

/** A refusal the hall answers with its code, status and message. */
export class HallError extends Error {
  constructor(
    readonly code: HallErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? HALL_ERROR_MESSAGES[code]);
  }

  get status(): number {
    return HALL_ERROR_STATUS[this.code];
  }

  /** The error body of the protocol. */
  body(): { error: { code: HallErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Reads a body up to `limit` bytes; TOO_LARGE beyond (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HallError('TOO_LARGE', `请求内容超过 ${Math.round(limit / 1024 / 1024)} MiB，请分批发送。`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new HallError('TOO_LARGE')) : resolve(Buffer.concat(chunks))));
    req.on('error', () => reject(new HallError('BAD_REQUEST', '请求在传输中断开，请重试。')));
  });
}

/** Parses a JSON body: it must be declared as JSON, be UTF-8 and parse. */
export function parseJson(req: IncomingMessage, body: Buffer): unknown {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(type)) throw new HallError('UNSUPPORTED_MEDIA_TYPE');
  // isUtf8 (simdutf) then toString: a strict TextDecoder costs several times more on a 2 MB push.
  if (!isUtf8(body)) throw new HallError('BAD_JSON', '请求内容不是有效的 UTF-8 文本，大厅服务器未作任何处理。');
  const text = body.toString('utf8');
  // Before parsing and before the schemas and the privacy scan, which recurse once per level.
  if (jsonTextTooDeep(text)) throw new HallError('BAD_JSON', `请求内容嵌套超过 ${MAX_JSON_DEPTH} 层，大厅服务器未作任何处理。`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HallError('BAD_JSON');
  }
}

/** The query string as an object; a parameter given twice is refused. */
export function parseQuery(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of search) {
    if (Object.hasOwn(out, key)) throw new HallError('BAD_REQUEST', `查询参数 ${key} 重复出现。`, { path: key });
    out[key] = value;
  }
  return out;
}

/** Validates input against a schema: UNKNOWN_FIELD for a field the protocol does not define, BAD_REQUEST for the rest, with the path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  if (issue?.code === 'unrecognized_keys') {
    throw new HallError('UNKNOWN_FIELD', `请求含有大厅接口未定义的字段：${issue.keys.join('、')}（位置：${path || '根'}），大厅服务器未作任何处理。`, {
      path,
      keys: issue.keys,
    });
  }
  throw new HallError('BAD_REQUEST', `字段 ${path || '(根)'} 的取值不符合大厅接口要求，大厅服务器未作任何处理。`, { path });
}

/** A route as the router matches it. */
export interface MatchableRoute {
  method: string;
  path: string;
}

/** A compiled route: its pattern and the names of its parameters. */
interface Compiled<R extends MatchableRoute> {
  route: R;
  pattern: RegExp;
  params: string[];
}

/** Matches method and path against a route table. */
export class Router<R extends MatchableRoute> {
  private readonly compiled: Compiled<R>[];

  constructor(routes: readonly R[]) {
    this.compiled = routes.map((route) => ({
      route,
      params: pathParams(route.path),
      pattern: new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '([^/]+)')}$`),
    }));
  }

  /** The route and its decoded path parameters; NOT_FOUND or METHOD_NOT_ALLOWED otherwise. */
  match(method: string, path: string): { route: R; params: Record<string, string> } {
    let pathKnown = false;
    for (const { route, pattern, params } of this.compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const values: Record<string, string> = {};
      try {
        params.forEach((name, i) => (values[name] = decodeURIComponent(found[i + 1]!)));
      } catch {
        throw new HallError('BAD_REQUEST', '请求路径的编码无效。');
      }
      return { route, params: values };
    }
    throw new HallError(pathKnown ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND', pathKnown ? undefined : '大厅服务器没有这个接口。');
  }
}
