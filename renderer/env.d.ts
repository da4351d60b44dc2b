/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  /** Present in the Electron app only: the preload's bridge to the host. */
  workstationHost?: import('../shared/contract').HostBridge;
}

/**
 * The pure encoder inside the `qrcode` package (its `create`, renderer/features/print/qr-symbol.ts),
 * without the package's own typings: those reference Node's types, which the renderer's program
 * must not take in.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  /** A QR symbol's modules: `size` × `size`, row by row, 1 for a dark module. */
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): { modules: { size: number; data: Uint8Array } };
}
