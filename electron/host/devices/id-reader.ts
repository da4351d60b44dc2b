/**
 * The ID-card reader adapter: one read from a vendor's local service (HTTP or WebSocket on
 * 127.0.0.1), described by a {@link ReaderConfig}. Every way a read can fail becomes one host
 * error code with a sentence the clerk can act on: the service not answering (READER_ABSENT),
 * too slow (READER_TIMEOUT), the reader busy (READER_BUSY), no card (READER_NO_CARD), the card
 * not readable or an unknown failure code (READER_UNREADABLE), an answer the configuration does
 * not fit (READER_MALFORMED, naming the field).
 */
import WebSocket from 'ws';
import type { ReaderConfig } from '../../../shared/devices';
import { HOST_ERROR_MESSAGES_ZH, HostCallError } from '../../../shared/errors';
import { normaliseIdCard, valueAtPath, type IdCard, type IdCardField } from '../../../shared/id-card';

/** A card read and the reader that read it. */
export interface ReaderRead {
  card: IdCard;
  readerId: string;
}

/** The largest answer accepted from a reader service (a card with its photo is well under 100 KB). */
export const READER_ANSWER_MAX_BYTES = 2 * 1024 * 1024;

// The card's fields as a READER_MALFORMED sentence names them (shared/ gives the field's code).
const ID_CARD_FIELD_LABELS: Record<IdCardField, string> = {
  name: '姓名',
  sex: '性别',
  ethnicity: '民族',
  birthDate: '出生日期',
  address: '住址',
  idNumber: '公民身份号码',
  issuingAuthority: '签发机关',
  validFrom: '有效期起始日期',
  validTo: '有效期截止日期',
  validPeriod: '有效期限',
  photo: '照片',
};

function malformed(detail: string, details?: Record<string, unknown>): HostCallError {
  return new HostCallError('READER_MALFORMED', `${HOST_ERROR_MESSAGES_ZH.READER_MALFORMED}（${detail}）`, details);
}

function timeout(config: ReaderConfig): HostCallError {
  return new HostCallError('READER_TIMEOUT', `${HOST_ERROR_MESSAGES_ZH.READER_TIMEOUT}（等待超过 ${Math.round(config.timeoutMs / 100) / 10} 秒）`);
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch {
    throw malformed('返回内容不是 JSON');
  }
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > READER_ANSWER_MAX_BYTES) throw malformed('返回内容过大');
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > READER_ANSWER_MAX_BYTES) {
      await reader.cancel();
      throw malformed('返回内容过大');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function askHttp(config: ReaderConfig): Promise<unknown> {
  const signal = AbortSignal.timeout(config.timeoutMs);
  const hasBody = config.method === 'POST' && config.request !== null;
  let text: string;
  let status: number;
  try {
    const response = await fetch(config.url, {
      method: config.method,
      headers: { accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      body: hasBody ? JSON.stringify(config.request) : undefined,
      signal,
      // A reader service answers where it was asked; a redirect elsewhere is not followed.
      redirect: 'error',
    });
    status = response.status;
    text = await readLimited(response);
  } catch (error) {
    if (error instanceof HostCallError) throw error;
    if (signal.aborted) throw timeout(config);
    throw new HostCallError('READER_ABSENT', HOST_ERROR_MESSAGES_ZH.READER_ABSENT, { cause: describeNetworkError(error) });
  }
  try {
    return parseAnswer(text);
  } catch (error) {
    if (status < 200 || status > 299) throw malformed(`读卡服务答复 HTTP ${status}`);
    throw error;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

function askWs(config: ReaderConfig): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let opened = false;
    const socket = new WebSocket(config.url, { handshakeTimeout: config.timeoutMs, maxPayload: READER_ANSWER_MAX_BYTES, followRedirects: false });
    const finish = (outcome: { value: unknown } | { error: HostCallError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      // A late error after the answer must not crash the host.
      socket.on('error', () => undefined);
      socket.terminate();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    const timer = setTimeout(() => finish({ error: timeout(config) }), config.timeoutMs);
    socket.on('open', () => {
      opened = true;
      socket.send(JSON.stringify(config.request));
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return finish({ error: malformed('返回了二进制数据') });
      let value: unknown;
      try {
        value = parseAnswer(data.toString());
      } catch (error) {
        return finish({ error: error as HostCallError });
      }
      // Some services greet a new connection first: the answer is the message with a status.
      if (valueAtPath(value, config.statusField) === undefined) return;
      finish({ value });
    });
    socket.on('error', (error) => {
      if ((error as { message?: string }).message?.includes('Max payload size exceeded')) return finish({ error: malformed('返回内容过大') });
      finish({
        error: opened
          ? malformed('连接中断')
          : new HostCallError('READER_ABSENT', HOST_ERROR_MESSAGES_ZH.READER_ABSENT, { cause: describeNetworkError(error) }),
      });
    });
    socket.on('close', () => finish({ error: opened ? malformed('读卡服务未答复就断开了连接') : new HostCallError('READER_ABSENT') }));
  });
}

function textAt(value: unknown, path: string | null): string | null {
  if (path === null) return null;
  const found = valueAtPath(value, path);
  if (typeof found === 'string') return found.trim() || null;
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return null;
}

/** The reader's id: what the answer says, else the configured one, else the service's address. */
function readerIdOf(config: ReaderConfig, answer: unknown): string {
  return (textAt(answer, config.readerIdField) ?? config.readerId ?? `reader@${new URL(config.url).host}`).slice(0, 64);
}

/** Turns a service's answer into a card, or the error its status code means. */
export function interpretAnswer(config: ReaderConfig, answer: unknown): ReaderRead {
  const status = textAt(answer, config.statusField);
  if (status === null) throw malformed(`缺少状态字段 ${config.statusField}`);
  const vendorMessage = textAt(answer, config.messageField);
  if (config.successValues.includes(status)) {
    const data = config.dataPath === null ? answer : valueAtPath(answer, config.dataPath);
    if (data === null || typeof data !== 'object') throw malformed(`缺少证件数据 ${config.dataPath ?? ''}`.trim());
    const result = normaliseIdCard(data, config.fields, config.photo);
    if (!result.ok) {
      throw malformed(`${ID_CARD_FIELD_LABELS[result.field]}${result.problem === 'missing' ? '缺失' : '无法识别'}`, {
        field: result.field,
        problem: result.problem,
      });
    }
    return { card: result.card, readerId: readerIdOf(config, answer) };
  }
  if (config.noCardValues.includes(status)) throw new HostCallError('READER_NO_CARD');
  if (config.busyValues.includes(status)) throw new HostCallError('READER_BUSY');
  if (config.absentValues.includes(status)) throw new HostCallError('READER_ABSENT');
  const said = vendorMessage ? `阅读器提示：${vendorMessage.slice(0, 100)}` : `状态码 ${status.slice(0, 32)}`;
  throw new HostCallError('READER_UNREADABLE', `${HOST_ERROR_MESSAGES_ZH.READER_UNREADABLE}（${said}）`, { status });
}

/** One read from the reader service `config` describes. Throws a HostCallError with a READER_* code. */
export async function readIdCard(config: ReaderConfig): Promise<ReaderRead> {
  const answer = config.transport === 'http' ? await askHttp(config) : await askWs(config);
  return interpretAnswer(config, answer);
}
