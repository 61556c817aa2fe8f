// `npm run serve` builds the UI only when its sources changed: the stamp logic of
// scripts/build-ui-if-changed.mjs over a throwaway tree with a fake build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIfChanged, STAMP } from '../../../scripts/build-ui-if-changed.mjs';

let root: string;
let builds = 0;
const build = () => {
  builds++;
  fs.mkdirSync(path.join(root, 'out/renderer'), { recursive: true });
  fs.writeFileSync(path.join(root, 'out/renderer/index.html'), `<html>${builds}</html>`);
};
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-serve-stamp-'));
  builds = 0;
  write('src-renderer/App.svelte', '<p>hi</p>');
  write('src-renderer/i18n/en.ts', 'export const en = {};');
  write('src-main/contract/index.ts', 'export {};');
  write('vite.renderer.config.ts', 'export default {};');
  write('package-lock.json', '{}');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('build the UI only when its inputs changed', () => {
  it('builds the first time, skips the second', () => {
    expect(buildIfChanged(root, build)).toBe(true);
    expect(buildIfChanged(root, build)).toBe(false);
    expect(builds).toBe(1);
    expect(fs.existsSync(path.join(root, STAMP))).toBe(true);
  });

  it('builds again after a change to a source, the contract, the vite config or the lockfile', () => {
    buildIfChanged(root, build);
    for (const rel of ['src-renderer/i18n/en.ts', 'src-main/contract/index.ts', 'vite.renderer.config.ts', 'package-lock.json']) {
      write(rel, `${fs.readFileSync(path.join(root, rel), 'utf8')}\n// changed`);
      expect(buildIfChanged(root, build), rel).toBe(true);
      expect(buildIfChanged(root, build), rel).toBe(false);
    }
    write('src-renderer/new/Extra.svelte', '<b/>');
    expect(buildIfChanged(root, build)).toBe(true);
    expect(builds).toBe(6);
  });

  it('builds again when the output is gone or another build rewrote it later', () => {
    buildIfChanged(root, build);
    fs.rmSync(path.join(root, 'out/renderer'), { recursive: true });
    expect(buildIfChanged(root, build)).toBe(true);
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(root, 'out/renderer/index.html'), later, later);
    expect(buildIfChanged(root, build)).toBe(true);
    expect(builds).toBe(3);
  });

  it('a failing build leaves no stamp: the next start builds again', () => {
    buildIfChanged(root, build);
    write('src-renderer/App.svelte', '<p>broken</p>');
    expect(() => buildIfChanged(root, () => { throw new Error('vite failed'); })).toThrow('vite failed');
    expect(fs.existsSync(path.join(root, STAMP))).toBe(false);
    expect(buildIfChanged(root, build)).toBe(true);
  });
});
