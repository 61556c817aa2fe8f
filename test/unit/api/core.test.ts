// The core on the test driver: dispatch, validation at the boundary, errors, settings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/api/core';
import { ApiError, type VmSummary } from '../../../src-main/contract';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';

const DEMO = 'test:///default';
let core: Core | null = null;
let dir = '';

function newCore(): Core {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-core-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
  return core;
}

afterEach(async () => {
  await core?.close();
  core = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('core', () => {
  it('lists VMs and runs lifecycle actions, with events', async () => {
    const c = newCore();
    const events: { type: string; event?: unknown }[] = [];
    c.onEvent((e) => events.push(e));
    const vms = (await c.call('vm.list', { connection: DEMO })) as VmSummary[];
    expect(vms.map((v) => v.name)).toContain('test');
    await c.call('vm.pause', { connection: DEMO, vm: { name: 'test' } });
    const details = (await c.call('vm.get', { connection: DEMO, vm: { name: 'test' } })) as VmSummary;
    expect(details.state).toBe('paused');
    await expect.poll(() => events.some((e) => e.type === 'vm.changed' && e.event === 'suspended')).toBe(true);
  });

  it('returns clear errors and changes nothing on bad input', async () => {
    const c = newCore();
    const err = (await c.call('vm.start', { connection: DEMO, vm: { name: '' } }).catch((e) => e)) as ApiError;
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.field).toBe('vm.name');
    const missing = (await c.call('vm.start', { connection: DEMO, vm: { name: 'ghost' } }).catch((e) => e)) as ApiError;
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain("'ghost'");
    const running = (await c.call('vm.start', { connection: DEMO, vm: { name: 'test' } }).catch((e) => e)) as ApiError;
    expect(running.code).toBe('LIBVIRT');
    expect(running.message).toMatch(/already (running|active)/);
    const unknown = (await c.call('vm.explode', {}).catch((e) => e)) as ApiError;
    expect(unknown.code).toBe('UNKNOWN_METHOD');
  });

  it('persists settings and survives a corrupt settings file', async () => {
    let c = newCore();
    await c.call('settings.update', { language: 'ja', statsIntervalMs: 5000 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).language).toBe('ja');
    await c.close();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{ not json');
    c = core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
    const state = (await c.call('settings.get', {})) as { settings: { language: string }; notice?: string };
    expect(state.settings.language).toBe('en');
    expect(state.notice).toMatch(/could not be read/);
    expect(fs.readFileSync(path.join(dir, 'settings.json.bak'), 'utf8')).toBe('{ not json');
    const bad = (await c.call('settings.update', { theme: 'purple' }).catch((e) => e)) as ApiError;
    expect(bad.field).toBe('theme');
  });

  it('lets the file chooser show the folders added in the settings, and refuses bad ones without saving them', async () => {
    const c = newCore();
    const extra = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-browse-'));
    fs.writeFileSync(path.join(extra, 'mine.iso'), 'x');
    const outside = (await c.call('fs.browse', { connection: DEMO, path: extra }).catch((e) => e)) as ApiError;
    expect(outside.message).toMatch(/outside the folders/);
    await c.call('settings.update', { browseFolders: [extra] });
    const listing = (await c.call('fs.browse', { connection: DEMO, path: extra })) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).toEqual(['mine.iso']);
    for (const [folders, re] of [[['/'], /whole computer/], [['relative/x'], /absolute path/], [[extra, extra], /listed twice/], [['/a/../etc'], /'\.\.'/]] as const) {
      const bad = (await c.call('settings.update', { browseFolders: [...folders] }).catch((e) => e)) as ApiError;
      expect(bad.code).toBe('INVALID_INPUT');
      expect(bad.message).toMatch(re);
    }
    expect(((await c.call('settings.get', {})) as { settings: { browseFolders: string[] } }).settings.browseFolders).toEqual([extra]);
    fs.rmSync(extra, { recursive: true, force: true });
  });

  it('adds a connection, saves it, and reports a failing one with its reason', async () => {
    const c = newCore();
    const ok = (await c.call('connections.add', { uri: DEMO, label: 'Demo' })) as { state: string; isDemo: boolean };
    expect(ok.state).toBe('connected');
    expect(ok.isDemo).toBe(true);
    expect((await c.call('settings.get', {}) as { settings: { connections: unknown[] } }).settings.connections).toEqual([{ uri: DEMO, label: 'Demo' }]);
    // A test-driver file is opened only inside a folder the user chose; a missing one there fails with its reason.
    const outside = (await c.call('connections.add', { uri: 'test:///nonexistent/file.xml' }).catch((e) => e)) as ApiError;
    expect(outside.code).toBe('INVALID_INPUT');
    expect(outside.message).toMatch(/test:\/\/\/nonexistent\/file\.xml' is refused: the test driver reads only files inside the folders you chose/);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-testdriver-'));
    await c.call('settings.update', { browseFolders: [folder] });
    const missing = `test://${folder}/nonexistent.xml`;
    const bad = (await c.call('connections.add', { uri: missing })) as { state: string; error: string };
    expect(bad.state).toBe('failed');
    expect(bad.error).toContain(missing);
    expect(bad.error).toContain('does not exist');
    expect((await c.call('settings.get', {}) as { settings: { connections: { uri: string }[] } }).settings.connections.map((s) => s.uri)).toEqual([DEMO, missing]);
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
