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
