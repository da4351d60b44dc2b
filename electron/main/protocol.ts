import { readFile } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { RENDERER_CSP } from '../host/csp';
import { contentTypeOf } from '../host/mime';

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
      'content-type': contentTypeOf(file),
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
