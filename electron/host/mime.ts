import { extname } from 'node:path';

// The content types of the renderer's files, one table for the Electron protocol handler and the
// browser-mode server: both serve the same build with `nosniff`, so a file whose type is missing
// or wrong here fails in one transport only (a module script served as octet-stream does not run).
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  // pdf.js's character maps and Type 1 fonts.
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
};

/** The content type of a renderer file by its extension (`application/octet-stream` when unknown). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
