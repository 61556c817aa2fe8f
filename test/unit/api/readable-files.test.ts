// Through the core on the test driver: a storage pool at / (the test driver's pools are no
// folders of this computer) does not widen the file chooser, and os.detect / lab files read
// only inside the folders the app may read (file-roots.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/api/core';
import type { FsBrowseResult } from '../../../src-main/contract';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';
import { failure } from '../../support/api-failure';

const DEMO = 'test:///default';
let core: Core | null = null;
const dirs: string[] = [];

function tmpDir(prefix: string): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  dirs.push(d);
  return d;
}

function newCore(): Core {
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir: tmpDir('vdtest-readable-settings-') });
  return core;
}

afterEach(async () => {
  await core?.close();
  core = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('folders the app may read', () => {
  it('a storage pool defined at / on test:///default does not let fs.browse list /etc', async () => {
    const c = newCore();
    // The API refuses a pool at '/' outright…
    const refused = await failure(c.call('pool.define', { connection: DEMO, name: 'vdt-roots-slash', path: '/' }));
    expect(refused.field).toBe('path');
    // …and one defined behind its back (a test-driver pool names no real folder) widens nothing.
    const { client } = await c.connections.client(DEMO);
    await client.api.definePool(`<pool type='dir'><name>vdt-roots-slash</name><target><path>/</path></target></pool>`, { start: true });
    expect(((await c.call('pool.list', { connection: DEMO })) as { path: string | null }[]).some((p) => p.path === '/')).toBe(true);
    const err = await failure(c.call('fs.browse', { connection: DEMO, path: '/etc' }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.field).toBe('path');
    expect(err.message).toMatch(/outside the folders/);
    const roots = (await c.call('fs.browse', { connection: DEMO })) as FsBrowseResult;
    expect(roots.roots).not.toContain('/');
    expect(roots.roots.some((r) => r === '/etc' || r.startsWith('/etc/'))).toBe(false);
  });

  it('refuses os.detect of /etc/passwd, and reads a file in a folder added in the settings', async () => {
    const c = newCore();
    const err = await failure(c.call('os.detect', { path: '/etc/passwd' }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.field).toBe('path');
    expect(err.message).toMatch(/'\/etc\/passwd' is outside the folders the app may read/);
    expect(err.message).toMatch(/add its folder in Settings/);
    const mine = tmpDir('vdtest-readable-iso-');
    fs.writeFileSync(path.join(mine, 'ubuntu-22.04-server-cloudimg-amd64.img'), 'x');
    expect((await failure(c.call('os.detect', { path: path.join(mine, 'ubuntu-22.04-server-cloudimg-amd64.img') }))).message).toMatch(/outside the folders/);
    await c.call('settings.update', { browseFolders: [mine] });
    const r = (await c.call('os.detect', { path: path.join(mine, 'ubuntu-22.04-server-cloudimg-amd64.img') })) as { detectedBy: string | null };
    expect(r).toMatchObject({ volumeId: '' }); // read: not an ISO
  });

  it('refuses lab.validate and lab.status of /etc/passwd without reading it', async () => {
    const c = newCore();
    for (const method of ['lab.validate', 'lab.status'] as const) {
      const err = await failure(c.call(method, { connection: DEMO, file: '/etc/passwd' }));
      expect(err.code, method).toBe('INVALID_INPUT');
      expect(err.field, method).toBe('file');
      expect(err.message, method).toMatch(/lab file '\/etc\/passwd' is outside the folders the app may read/);
      expect(err.message, method).not.toMatch(/root:/);
    }
  });

  it('reads a lab file inside a configured folder', async () => {
    const c = newCore();
    const mine = tmpDir('vdtest-readable-lab-');
    const file = path.join(mine, 'x.lab.yaml');
    fs.writeFileSync(file, 'name: [unclosed\n');
    await c.call('settings.update', { browseFolders: [mine] });
    const v = (await c.call('lab.validate', { connection: DEMO, file })) as { ok: boolean; errors: { text: string }[] };
    expect(v.ok).toBe(false);
    expect(v.errors[0].text).toMatch(/^x\.lab\.yaml:\d+: YAML/);
  });
});
