import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { RENDERER_CSP } from '../host/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.map': 'application/json',
};

/**
 * Answers an `app://workstation/...` request from the packaged renderer folder. Paths that
 * escape the folder are 404, and HTML carries the renderer's CSP.
 */
export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const root = resolve(rendererDir);
  const { pathname } = new URL(requestUrl);
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '') || 'index.html';
  const file = resolve(join(root, relative));
  if (!file.startsWith(root + sep)) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    const headers: Record<string, string> = {
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    };
    if (file.endsWith('.html')) headers['content-security-policy'] = RENDERER_CSP;
    return new Response(new Uint8Array(body), { status: 200, headers });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
