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

/** The address could not be decoded (a bare `%`, invalid UTF-8 such as `%c0%af`, a NUL). */
function badAddress(): Response {
  return new Response('bad request', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}

/**
 * Answers an `app://workstation/...` request from the packaged renderer folder. Paths that
 * escape the folder are 404, a path that does not decode is 400 (never a thrown error), and
 * HTML carries the renderer's CSP.
 */
export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const root = resolve(rendererDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return badAddress();
  }
  if (decoded.includes('\0')) return badAddress();
  const relative = normalize(decoded).replace(/^([/\\])+/, '') || 'index.html';
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

/**
 * The `app:` scheme's handler as `protocol.handle` registers it: only the workstation's own
 * host (`app://workstation/`) is served; any other is 404, and an address that does not parse
 * is 400.
 */
export function appProtocolHandler(rendererDir: string, appHost: string): (request: { url: string }) => Promise<Response> {
  return async (request) => {
    let host: string;
    try {
      host = new URL(request.url).host;
    } catch {
      return badAddress();
    }
    if (host !== appHost) return new Response('not found', { status: 404 });
    return serveAppRequest(rendererDir, request.url);
  };
}
