import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

// Electron build: main (+ the libvirt host process), preload and renderer.
// package.json has no "type", so electron-vite emits main and preload as CommonJS.

const root = __dirname;
const fromRoot = (p: string): string => resolve(root, p);

const mainEntry = fromRoot('src-main/shell/main.ts');
// The libvirt host process, forked per connection (utilityProcess in the app): out/main/libvirt-host.js.
const hostEntry = fromRoot('src-main/libvirt/host-process.ts');

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      // Everything in package.json "dependencies" stays a runtime require(); koffi (native
      // .node, unpacked from the asar) and ws must never be bundled.
      externalizeDeps: { include: ['koffi', 'ws'] },
      rolldownOptions: {
        input: {
          index: mainEntry,
          'libvirt-host': hostEntry,
        },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // Sandboxed preloads can require() only 'electron' (and a few built-ins): bundle
      // everything else instead of leaving require('<dep>') calls behind.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: fromRoot('src-renderer'),
    build: {
      outDir: fromRoot('out/renderer'),
      rolldownOptions: { input: fromRoot('src-renderer/index.html') },
    },
    plugins: [svelte({ configFile: fromRoot('svelte.config.mjs') })],
  },
});
