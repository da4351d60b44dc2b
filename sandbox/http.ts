/**
 * HTTP plumbing of the sandbox: API errors, bounded body reading, JSON parsing and schema
 * validation that turn every kind of bad input into a 4xx with a code, never a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../shared/json-depth';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../shared/library-api';

/** An error the API answers with its code, HTTP status and a Chinese message. */
export class ApiError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

/** Ordinary calls: 1 MiB. */
export const BODY_LIMIT = 1024 * 1024;
/** `POST /objections`: 20 MiB of evidence in base64 (4/3 larger) plus the rest of the objection. */
export const OBJECTION_BODY_LIMIT = Math.ceil((20 * 1024 * 1024 * 4) / 3) + 1024 * 1024;

const TOO_LARGE_MESSAGE = '请求内容过大，请压缩或拆分附件后重试';

/** Reads a request body up to `limit` bytes; TOO_LARGE beyond (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new ApiError('TOO_LARGE', TOO_LARGE_MESSAGE));
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
    req.on('end', () => (tooLarge ? reject(new ApiError('TOO_LARGE', TOO_LARGE_MESSAGE)) : resolve(Buffer.concat(chunks))));
    req.on('error', () => reject(new ApiError('BAD_REQUEST', '请求在传输中断开，请重试')));
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON body; an empty body is `undefined`. A body nested deeper than MAX_JSON_DEPTH is
 * refused here, before it is parsed, canonicalised (for Idempotency-Key) or validated: each of
 * those recurses once per level.
 */
export function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(type)) throw new ApiError('BAD_REQUEST', '请求内容必须是 JSON（Content-Type: application/json）');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ApiError('BAD_REQUEST', '请求内容不是有效的 UTF-8 文本');
  }
  if (jsonTextTooDeep(text)) throw new ApiError('BAD_REQUEST', `请求内容嵌套超过 ${MAX_JSON_DEPTH} 层，请检查数据格式`);
  let finite = true;
  let value: unknown;
  try {
    // A number beyond a double (`1e99999`) parses as Infinity, which has no canonical JSON.
    value = JSON.parse(text, (_key, item: unknown) => {
      if (typeof item === 'number' && !Number.isFinite(item)) finite = false;
      return item;
    });
  } catch {
    throw new ApiError('BAD_REQUEST', '请求内容不是有效的 JSON，请检查格式');
  }
  if (!finite) throw new ApiError('BAD_REQUEST', '请求内容含有超出范围的数值，请检查格式');
  return value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (path.endsWith('idNumber')) return '证件号码无效（长度、字符或校验位不符），请核对后重新输入';
  if (issue.code === 'unrecognized_keys') return `请求含有接口未定义的字段：${issue.keys.join('、')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `缺少必填字段：${path}`;
  return `字段 ${path || '(根)'} 的取值不符合接口要求`;
}

/** Validates a value against a schema; BAD_REQUEST with the first problem in Chinese. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ApiError('BAD_REQUEST', issue ? describeIssue(issue) : '请求内容不符合接口要求');
  }
  return result.data;
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Sends an API error. */
export function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, headers);
}
