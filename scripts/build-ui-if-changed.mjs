// `npm run serve` step: builds the browser-mode UI (vite build) only when its inputs changed since
// the last build. The inputs' content hash is kept in out/.renderer-build-stamp; the build is
// reused when the stamp matches and out/renderer/index.html is no newer than the stamp (another
// build, e.g. electron-vite's, rewrote the folder otherwise). Plain Node: it runs before the server
// starts and must cost next to nothing.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders and files the renderer build reads (the UI imports the contract and the preload bridge's types). */
export const RENDERER_INPUTS = ['src-renderer', 'src-main/contract', 'src-main/preload', 'vite.renderer.config.ts', 'svelte.config.mjs', 'package-lock.json'];
export const STAMP = 'out/.renderer-build-stamp';
const BUILT = 'out/renderer/index.html';

function listFiles(root, rel) {
  const abs = path.join(root, rel);
  let st;
  try {
    st = fs.statSync(abs);
  } catch {
    return [];
  }
  if (st.isFile()) return [rel];
  if (!st.isDirectory()) return [];
  return fs.readdirSync(abs).sort().flatMap((name) => listFiles(root, path.join(rel, name)));
}

/** sha256 over the inputs' relative paths and contents. */
export function rendererInputsHash(root) {
  const h = createHash('sha256');
  for (const rel of RENDERER_INPUTS.flatMap((r) => listFiles(root, r))) {
    h.update(`${rel}\0`);
    h.update(fs.readFileSync(path.join(root, rel)));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The stamp matches the inputs and the built UI is the one the stamp was written for. */
export function isUpToDate(root, hash) {
  try {
    const stamp = path.join(root, STAMP);
    if (fs.readFileSync(stamp, 'utf8').trim() !== hash) return false;
    return fs.statSync(path.join(root, BUILT)).mtimeMs <= fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Runs build() unless the UI is up to date, then writes the stamp. Returns whether it built.
 * A failing build throws and leaves no stamp, so the next start builds again.
 */
export function buildIfChanged(root, build) {
  const hash = rendererInputsHash(root);
  if (isUpToDate(root, hash)) return false;
  fs.rmSync(path.join(root, STAMP), { force: true });
  build();
  fs.mkdirSync(path.dirname(path.join(root, STAMP)), { recursive: true });
  fs.writeFileSync(path.join(root, STAMP), `${hash}\n`);
  return true;
}

function viteBuild(root) {
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  const r = spawnSync(vite, ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the UI build failed (vite build exited with ${r.status ?? r.signal}); see its output above`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    if (!buildIfChanged(root, () => viteBuild(root))) console.log('UI unchanged since the last build: reusing out/renderer');
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
