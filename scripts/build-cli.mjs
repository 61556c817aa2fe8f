// npm run build:cli: the CLI as plain JavaScript, out/cli/virtdesk.js (+ out/cli/libvirt-host.js,
// the libvirt host process it forks: node-host-spawner.ts looks for it beside the bundle).
// esbuild comes with vite. koffi stays external (native .node files); everything else is bundled
// so a one-shot command reads a few files instead of hundreds from node_modules.
//
// Two builds. out/cli/virtdesk.js is CommonJS: the entry (cli-entry.ts) and `list`'s in-process
// path, whole — Node starts a CommonJS script without its ES module loader, which costs more than
// libvirt takes to answer a `list`. Everything else is ES modules in out/cli/chunks/ (main.ts, the
// core, the host process, the full XML reader), split so a command loads only what it uses and
// imported by the entry with `await import()` when the in-process path does not answer.
// The CLI agent (src-main/cli/agent-server.ts, run as `virtdesk.js __agent URI`) is one of those
// chunks, chunks/agent-server.js; the entry holds only its client. The in-process path's libvirt
// code is a third build, out/cli/one-shot-libvirt.js, CommonJS too, which the entry require()s
// only when the agent did not answer: a `list` the agent answers does not parse it (~3 ms).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const finalDir = path.join(root, 'out/cli');
// Built beside and then moved into place: a CLI running meanwhile (tests, bench) never sees half a build.
const outdir = `${finalDir}.build-${process.pid}`;
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
// Part of the CLI agent's socket name (src-main/cli/agent-socket.ts): a new build never talks to
// an agent of an older one, which idles out.
const buildId = `${version}+${Date.now().toString(36)}.${process.pid}`;

fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(path.dirname(outdir), { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['koffi', 'bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.VIRTDESK_CLI_VERSION': JSON.stringify(version), 'process.env.VIRTDESK_CLI_BUILD_ID': JSON.stringify(buildId) },
};
// ES modules, so `await import()` can load a chunk on demand; the sources are written for
// CommonJS (require, __dirname), which the banner gives every output file. __dirname is out/cli
// for the chunks too, so node-host-spawner.ts finds libvirt-host.js beside the CLI.
const esm = {
  format: 'esm',
  splitting: true,
  entryNames: 'chunks/[name]',
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
await build({
  ...common,
  ...esm,
  entryPoints: {
    main: path.join(root, 'src-main/cli/main.ts'),
    'libvirt-host': path.join(root, 'src-main/libvirt/host-process.ts'),
    'domain-summary': path.join(root, 'src-main/xml/domain-summary.ts'),
    'agent-server': path.join(root, 'src-main/cli/agent-server.ts'),
  },
  outdir,
});
fs.writeFileSync(path.join(outdir, 'chunks/package.json'), '{ "type": "module" }\n');
// The modules the CommonJS entry imports from the ES build, by the name they have there.
const fromEsm = { './main': './chunks/main.js', '../xml/domain-summary': './chunks/domain-summary.js', './agent-server': './chunks/agent-server.js' };
await build({
  ...common,
  format: 'cjs',
  entryPoints: { 'one-shot-libvirt': path.join(root, 'src-main/cli/one-shot-libvirt.ts') },
  outdir,
});
await build({
  ...common,
  format: 'cjs',
  entryPoints: { virtdesk: path.join(root, 'src-main/cli/cli-entry.ts') },
  outdir,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [
    {
      name: 'es-build-imports',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\/(main|xml\/domain-summary|agent-server)$/ }, (a) => (fromEsm[a.path] ? { path: fromEsm[a.path], external: true } : undefined));
        // `await import()` of an external file would start Node's ES module loader: a stand-in
        // module require()s it instead, and esbuild turns the import() of the stand-in into a require.
        b.onResolve({ filter: /^\.\/one-shot-libvirt$/ }, () => ({ path: 'one-shot-libvirt', namespace: 'cjs-file' }));
        b.onLoad({ filter: /.*/, namespace: 'cjs-file' }, () => ({ contents: "module.exports = require('./one-shot-libvirt.js');", loader: 'js' }));
        b.onResolve({ filter: /^\.\/one-shot-libvirt\.js$/ }, (a) => ({ path: a.path, external: true }));
      },
    },
  ],
});
fs.writeFileSync(path.join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
// node-host-spawner.ts forks out/cli/libvirt-host.js: CommonJS here, it loads the ES module.
fs.writeFileSync(path.join(outdir, 'libvirt-host.js'), "import('./chunks/libvirt-host.js');\n");
fs.chmodSync(path.join(outdir, 'virtdesk.js'), 0o755);
fs.rmSync(finalDir, { recursive: true, force: true });
fs.renameSync(outdir, finalDir);
