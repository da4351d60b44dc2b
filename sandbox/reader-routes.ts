/**
 * The trainer's side of the reader simulator, served by the sandbox itself: the holder page
 * (`GET /_sandbox/holders`, with 放到读卡器上 / 取走 and the reader's state) and the
 * `_sandbox/reader` calls that do the same for scripts and tests (sandbox/README.md).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { escapeHtml } from '../shared/encoding';
import { maskIdNumber } from '../shared/ids';
import { ApiError, BODY_LIMIT, parseJsonBody, readBody, sendError, sendJson, validate } from './http';
import { READER_MODES, type ReaderMode, type ReaderSimulator } from './reader-sim';
import type { Store } from './store';

/** `POST /api/v1/_sandbox/reader`: what to change; omitted fields keep their value. */
export const ReaderControlRequest = z
  .object({
    /** The card to lay on the reader (a holder's ID number), or null to take it off. */
    card: z
      .string()
      .regex(/^[0-9X]{18}$/)
      .nullable()
      .optional(),
    mode: z.enum(READER_MODES).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();

const MODE_LABELS: Record<ReaderMode, string> = { ready: '正常', busy: '忙碌', absent: '未连接阅读器', malformed: '返回乱码' };
const KIND_TAGS = { normal: '', expired: '<span class="tag bad">已过期</span>', unreadable: '<span class="tag bad">无法读取</span>' } as const;

function html(res: ServerResponse, status: number, body: string): void {
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>沙箱持证人 · 身份证阅读器模拟器</title><style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#eef3fb;margin:0;color:#223}
main{max-width:1100px;margin:16px auto;background:#fff;padding:20px 24px;border-radius:12px;box-shadow:0 2px 12px #0002}
h1{font-size:20px;color:#1d5fbf;margin:0 0 12px}#reader{background:#f5f8fd;border:1px solid #c9d8f0;border-radius:8px;padding:12px 16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #e3e8f0;padding:6px 8px;text-align:left}tr.on{background:#fff7e0}
form{display:inline;margin:0}button{font:inherit;padding:2px 10px;cursor:pointer}code{font-size:12px}.tag{font-size:12px;padding:1px 6px;border-radius:4px;margin-left:6px}.bad{background:#fde2e1;color:#a4262c}.muted{color:#667;font-size:12px}
</style></head><body><main>${body}</main></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(page);
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

/** The holder page: every holder, and for each natural person the reader's buttons. */
function holderPage(res: ServerResponse, store: Store, sim: ReaderSimulator | null, query: string): void {
  const state = sim?.state() ?? null;
  const q = query.trim();
  const holders = store
    .holders()
    .filter((holder) => q === '' || holder.name.includes(q) || holder.idNumber.includes(q.toUpperCase()) || (holder.note ?? '').includes(q));
  const readerBox = state
    ? `<section id="reader" data-card="${escapeHtml(state.card?.id ?? '')}" data-mode="${state.mode}">
<p><b>读卡器上：</b>${state.card ? `<span id="on-reader">${escapeHtml(state.card.name)}（${maskIdNumber(state.card.id)}）</span>${KIND_TAGS[state.card.kind]} <form method="post" action="/_sandbox/reader">${hidden('card', '')}${hidden('q', q)}<button type="submit">取走</button></form>` : '<span id="on-reader">（空）</span>'}</p>
<p><b>阅读器状态：</b>${READER_MODES.map((mode) => `<form method="post" action="/_sandbox/reader">${hidden('mode', mode)}${hidden('q', q)}<button type="submit"${mode === state.mode ? ' disabled' : ''}>${MODE_LABELS[mode]}</button></form>`).join(' ')}
 <span class="muted">当前：${MODE_LABELS[state.mode]}${state.latencyMs > 0 ? `，每次读卡延迟 ${state.latencyMs} 毫秒` : ''}</span></p>
<p class="muted">读卡服务：HTTP <code>POST ${escapeHtml(state.httpUrl)}/api/ReadCard</code> · WebSocket <code>${escapeHtml(state.wsUrl)}/ws</code> · 设备序列号 <code>${escapeHtml(state.readerId)}</code></p></section>`
    : '<section id="reader"><p>本沙箱未启动身份证阅读器模拟器。</p></section>';
  const rows = holders
    .map((holder) => {
      const card = holder.kind === 'natural_person' && sim ? sim.card(holder.idNumber) : null;
      const onReader = state?.card?.id === holder.idNumber;
      const readerCell = card
        ? onReader
          ? `在读卡器上${KIND_TAGS[card.kind]}`
          : `<form method="post" action="/_sandbox/reader">${hidden('card', holder.idNumber)}${hidden('q', q)}<button type="submit">放到读卡器上</button></form>${KIND_TAGS[card.kind]}`
        : '';
      const phone = holder.hasPhone ? `<a href="/_sandbox/phone/${encodeURIComponent(holder.idNumber)}">亮证码</a>` : '<span class="muted">无手机</span>';
      return `<tr data-id="${escapeHtml(holder.idNumber)}"${onReader ? ' class="on"' : ''}><td>${escapeHtml(holder.name)}</td><td><code>${escapeHtml(holder.idNumber)}</code></td><td>${holder.kind === 'natural_person' ? '自然人' : '法人'}</td><td>${escapeHtml(holder.note ?? '')}</td><td>${readerCell}</td><td>${phone}</td></tr>`;
    })
    .join('');
  html(
    res,
    200,
    `<h1>沙箱持证人 · 身份证阅读器模拟器</h1>${readerBox}
<form method="get" action="/_sandbox/holders"><input name="q" value="${escapeHtml(q)}" placeholder="姓名、证件号码或说明"> <button type="submit">查找</button></form>
<p class="muted">共 ${holders.length} 位持证人。演示数据，均为虚构。</p>
<table><thead><tr><th>姓名</th><th>证件号码</th><th>类型</th><th>说明</th><th>身份证</th><th>手机</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

/** Where a request to the sandbox is from, judged by its Origin (a page elsewhere must not drive the reader). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${req.headers.host ?? ''}`;
}

async function formPost(req: IncomingMessage, res: ServerResponse, sim: ReaderSimulator): Promise<void> {
  if (!sameOrigin(req)) throw new ApiError('FORBIDDEN', '只能从沙箱自己的持证人页面操作读卡器');
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new ApiError('BAD_REQUEST', '请求内容必须是表单');
  const form = new URLSearchParams((await readBody(req, 8 * 1024)).toString('utf8'));
  const q = form.get('q') ?? '';
  if (form.has('card')) {
    const card = form.get('card')!;
    if (card !== '' && !sim.place(card)) throw new ApiError('NOT_FOUND', '没有这张身份证，请从持证人列表中选择');
    if (card === '') sim.place(null);
  }
  const mode = form.get('mode');
  if (mode !== null) {
    if (!(READER_MODES as readonly string[]).includes(mode)) throw new ApiError('BAD_REQUEST', '未知的阅读器状态');
    sim.configure({ mode: mode as ReaderMode });
  }
  res.writeHead(303, { Location: `/_sandbox/holders${q ? `?q=${encodeURIComponent(q)}` : ''}`, 'Cache-Control': 'no-store' });
  res.end();
}

async function apiPost(req: IncomingMessage, res: ServerResponse, sim: ReaderSimulator): Promise<void> {
  const body = parseJsonBody(req, await readBody(req, BODY_LIMIT));
  const change = validate(ReaderControlRequest, body ?? {});
  if (change.card !== undefined && !sim.place(change.card)) throw new ApiError('NOT_FOUND', '没有这张身份证：该持证人不是自然人或没有居民身份证');
  sim.configure({ mode: change.mode, latencyMs: change.latencyMs });
  sendJson(res, 200, sim.state());
}

/**
 * Serves the holder page and the reader calls; false for any other request, which the sandbox
 * handles as before. `POST /api/v1/_sandbox/reset` also empties the reader (and is then handled
 * by the sandbox too).
 */
export async function handleReaderRoutes(req: IncomingMessage, res: ServerResponse, store: Store, sim: ReaderSimulator | null): Promise<boolean> {
  const raw = req.url ?? '/';
  const queryAt = raw.indexOf('?');
  const path = (queryAt < 0 ? raw : raw.slice(0, queryAt)).replace(/\/+$/, '');
  const query = new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1));
  const method = req.method ?? 'GET';
  if (path === '/api/v1/_sandbox/reset' && method === 'POST') {
    sim?.reset();
    return false;
  }
  const isPage = path === '/_sandbox/holders' || path === '/_sandbox/reader';
  const isApi = path === '/api/v1/_sandbox/reader' || path === '/api/v1/_sandbox/reader/cards';
  if (!isPage && !isApi) return false;
  try {
    if (path === '/_sandbox/holders' && method === 'GET') {
      holderPage(res, store, sim, query.get('q') ?? '');
      return true;
    }
    if (!sim) throw new ApiError('NOT_FOUND', '本沙箱未启动身份证阅读器模拟器');
    if (path === '/_sandbox/reader' && method === 'POST') await formPost(req, res, sim);
    else if (path === '/api/v1/_sandbox/reader' && method === 'GET') sendJson(res, 200, sim.state());
    else if (path === '/api/v1/_sandbox/reader' && method === 'POST') await apiPost(req, res, sim);
    else if (path === '/api/v1/_sandbox/reader/cards' && method === 'GET') {
      sendJson(res, 200, {
        cards: sim.allCards().map(({ id, name, sex, birthDate, kind, validFrom, validTo }) => ({ id, name, sex, birthDate, kind, validFrom, validTo })),
      });
    } else throw new ApiError('NOT_FOUND', '接口不存在，请核对后重试');
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (!req.complete) req.resume();
    sendError(res, error);
  }
  return true;
}
