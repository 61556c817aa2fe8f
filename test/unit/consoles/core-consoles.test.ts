// The console API methods of the core on libvirt's test driver (no daemon, no graphics).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/api/core';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';
import { failure } from '../../support/api-failure';

const DEMO = 'test:///default';
let core: Core | null = null;
const dirs: string[] = [];

function newCore(o: { consoleEndpoint?: () => string | null } = {}): Core {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-core-consoles-'));
  dirs.push(dir);
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir, ...o });
  return core;
}

afterEach(async () => {
  await core?.close();
  core = null;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('console API on the test driver', () => {
  it('console.endpoint: null (same origin) by default, the shell-provided base otherwise', async () => {
    expect(await newCore().call('console.endpoint', {})).toEqual({ wsBase: null });
    await core?.close();
    expect(await newCore({ consoleEndpoint: () => 'ws://127.0.0.1:4567' }).call('console.endpoint', {})).toEqual({ wsBase: 'ws://127.0.0.1:4567' });
  });

  it('console.vncTicket refuses a VM without a VNC display and remote connections not over SSH (without connecting)', async () => {
    const c = newCore();
    const noGraphics = await failure(c.call('console.vncTicket', { connection: DEMO, vm: { name: 'test' } }));
    expect(noGraphics.code).toBe('LIBVIRT');
    expect(noGraphics.message).toBe("VM 'test' has no graphical display — add a VNC display, or use the serial console");
    const t0 = Date.now();
    const remote = await failure(c.call('console.vncTicket', { connection: 'qemu+tcp://example.invalid/system', vm: { name: 'x' } }));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(remote.code).toBe('LIBVIRT');
    expect(remote.field).toBe('connection');
    expect(remote.libvirtCode).toBe(84);
    expect(remote.message).toMatch(/remote hosts .*SSH tunnel.*not over SSH/);
    expect(c.tickets.size).toBe(0);
    const missing = await failure(c.call('console.vncTicket', { connection: DEMO, vm: { name: 'ghost' } }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('vm.sendKeys sends linux key names and validates them', async () => {
    const c = newCore();
    await expect(c.call('vm.sendKeys', { connection: DEMO, vm: { name: 'test' }, keys: ['KEY_LEFTCTRL', 'KEY_LEFTALT', 'KEY_DELETE'] })).resolves.toBeUndefined();
    const unknown = await failure(c.call('vm.sendKeys', { connection: DEMO, vm: { name: 'test' }, keys: ['KEY_LEFTCTRL', 'KEY_CTRL'] }));
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.field).toBe('keys.1');
    expect(unknown.message).toContain('"KEY_CTRL"');
    const tooMany = await failure(c.call('vm.sendKeys', { connection: DEMO, vm: { name: 'test' }, keys: Array(17).fill('KEY_A') }));
    expect(tooMany.field).toBe('keys');
    expect((await failure(c.call('vm.sendKeys', { connection: DEMO, vm: { name: 'test' }, keys: [] }))).field).toBe('keys');
    expect((await failure(c.call('vm.sendKeys', { connection: DEMO, vm: { name: 'test' }, keys: 'KEY_A' }))).field).toBe('keys');
  });
});
