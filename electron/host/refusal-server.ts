import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from '../../shared/encoding';
import { shanghaiDateTime } from '../../shared/shanghai-time';

/** Why the workstation does not serve, as the page shows it. */
export interface Refusal {
  title: string;
  what: string;
  steps: string[];
  /** When the refusal happened (ISO). */
  at: string;
}

/** A running refusal page. */
export interface RefusalServer {
  server: Server;
  port: number;
  origin: string;
  close(): Promise<void>;
}

/** The page: what happened and what to do, in Chinese, with nothing to run (no script at all). */
export function refusalPage(refusal: Refusal): string {
  const at = shanghaiDateTime(refusal.at);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(refusal.title)}</title><link rel="icon" href="data:,"><style>body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f4f6f9;margin:0;color:#1f2d3d}main{max-width:760px;margin:48px auto;background:#fff;border-top:6px solid #c0392b;border-radius:8px;padding:24px 32px;box-shadow:0 2px 12px #0002}h1{font-size:22px;color:#c0392b}p,li{line-height:1.8;word-break:break-all}code{background:#f0f0f0;padding:1px 4px}</style></head><body><main><h1>${escapeHtml(refusal.title)}</h1><p data-testid="refusal-what">${escapeHtml(refusal.what)}</p><h2>恢复方法</h2><ol data-testid="refusal-steps">${refusal.steps
    .map((step) => `<li>${escapeHtml(step)}</li>`)
    .join(
      '',
    )}</ol><p>发生时间：${escapeHtml(at)}（北京时间）。此事件已记入工作台数据文件夹中的 host-events.log。恢复后请重新启动工作台，再刷新本页。</p></main></body></html>`;
}

/**
 * Serves the refusal on the workstation's own address instead of the workstation: every page
 * request gets the explanation (503), every host call a 503 envelope carrying it, so that a tab
 * left open says why nothing works. Loopback only, and only for a Host naming this server, as
 * the workstation itself.
 */
export async function startRefusalServer(options: { port: number; refusal: Refusal }): Promise<RefusalServer> {
  let port = options.port;
  const html = refusalPage(options.refusal);
  const envelope = JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: `${options.refusal.title}：${options.refusal.what}` } });
  const server = createServer((req, res) => {
    const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    req.resume();
    if (!allowed.has(req.headers.host ?? '')) {
      res.writeHead(403, { ...common, 'content-type': 'text/plain; charset=utf-8' });
      res.end('forbidden');
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.writeHead(503, {
        ...common,
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        'x-frame-options': 'DENY',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    res.writeHead(503, { ...common, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(envelope) });
    res.end(envelope);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
