import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Plain Vite build of the same renderer as electron.vite.config.ts, for browser mode
// (`electron-vite dev` cannot run without the Electron binary).
const fromRoot = (p: string): string => resolve(__dirname, p);

export default defineConfig({
  root: fromRoot('src-renderer'),
  base: './',
  plugins: [svelte({ configFile: fromRoot('svelte.config.mjs') })],
  build: {
    outDir: fromRoot('out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { host: '127.0.0.1', strictPort: false },
});
