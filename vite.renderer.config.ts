import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { resolve } from 'node:path';

/**
 * The renderer for browser mode (`npm start`, end-to-end tests): built into dist-web/, kept
 * out of out/ so that it is never packaged into the Electron app.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [vue()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist-web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
