/**
 * The renderer's Content Security Policy, one definition for the Electron protocol handler and
 * the browser-mode server. `'wasm-unsafe-eval'` is needed by the QR decoder (ZXing-C++ as
 * WebAssembly); `blob:` images show paper scans and thumbnails held in IndexedDB; `media-src`
 * admits the camera preview stream.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "media-src 'self' blob: mediastream:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
