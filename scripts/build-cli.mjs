// npm run build:cli: the CLI as plain JavaScript, out/cli/virtdesk.js (+ out/cli/libvirt-host.js,
// the libvirt host process it forks: node-host-spawner.ts looks for it beside the bundle).
// esbuild comes with vite. koffi stays external (native .node files); everything else is bundled
// so a one-shot command reads a few files instead of hundreds from node_modules. Modules the CLI loads with
// `await import()` are split into out/cli/chunks/ and read only by the commands that use them.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const finalDir = path.join(root, 'out/cli');
// Built beside and then moved into place: a CLI running meanwhile (tests, bench) never sees half a build.
const outdir = `${finalDir}.build-${process.pid}`;
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(path.dirname(outdir), { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['koffi', 'bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.VIRTDESK_CLI_VERSION': JSON.stringify(version) },
};
// ES modules, so `await import()` can load a chunk on demand; the sources are written for
// CommonJS (require, __dirname), which the banner gives every output file. __dirname is out/cli
// for the chunks too, so node-host-spawner.ts finds libvirt-host.js beside the CLI.
const esm = {
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    js: [
      "import { createRequire as __vdRequire } from 'node:module';",
      "import { fileURLToPath as __vdPath } from 'node:url';",
      'const require = __vdRequire(import.meta.url);',
      "const __dirname = __vdPath(new URL('.', import.meta.url)).replace(/\\/chunks\\/$|\\/$/, '');",
      'const __filename = __vdPath(import.meta.url);',
    ].join(' '),
  },
};
await build({ ...common, ...esm, entryPoints: { virtdesk: path.join(root, 'src-main/cli/main.ts'), 'libvirt-host': path.join(root, 'src-main/libvirt/host-process.ts') }, outdir });
// out/cli holds ES modules (the desktop build's out/main stays CommonJS).
fs.writeFileSync(path.join(outdir, 'package.json'), '{ "type": "module" }\n');
const cli = path.join(outdir, 'virtdesk.js');
fs.writeFileSync(cli, `#!/usr/bin/env node\n${fs.readFileSync(cli, 'utf8')}`);
fs.chmodSync(cli, 0o755);
fs.rmSync(finalDir, { recursive: true, force: true });
fs.renameSync(outdir, finalDir);
