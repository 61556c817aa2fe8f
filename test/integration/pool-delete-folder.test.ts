// pool.delete with removeFolder against the REAL qemu:///system daemon: an empty pool's folder
// goes with it; a folder holding a volume or any stray file is refused before anything changes
// (the pool stays defined and running, every file stays); without removeFolder the folder stays.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { SYSTEM_URI, uniqueName } from '../support/tiny-guest';
import { removeTestPool } from '../support/cleanup';

const ID = uniqueName('vdt-pooldir');
const pools = ['empty', 'vol', 'stray', 'keep'].map((k) => ({ name: `${ID}-${k}`, dir: path.join('/var/lib/libvirt/images', `${ID}-${k}`) }));
const [EMPTY, WITH_VOLUME, STRAY, KEEP] = pools;

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let core: Core;
let settingsDir: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const poolState = async (name: string) => (await client.api.listPools()).find((p) => p.name === name);

beforeAll(async () => {
  settingsDir = fs.mkdtempSync('/tmp/vdt-pooldir-settings-');
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await client.connect();
  for (const p of pools) await call('pool.define', { connection: SYSTEM_URI, name: p.name, path: p.dir, start: true, autostart: false });
  await call('volume.create', { connection: SYSTEM_URI, pool: WITH_VOLUME.name, name: 'data.qcow2', sizeGiB: 0.0625, format: 'qcow2' });
  fs.writeFileSync(path.join(STRAY.dir, '.notes'), 'not a volume libvirt knows\n');
}, 120_000);

afterAll(async () => {
  for (const p of pools) await removeTestPool(client, p.name, p.dir);
  await core?.close();
  await client.close();
  fs.rmSync(settingsDir, { recursive: true, force: true });
});

describe('pool.delete removeFolder (real daemon)', () => {
  it('removes an empty pool and its folder', async () => {
    await call('pool.delete', { connection: SYSTEM_URI, pool: EMPTY.name, removeFolder: true });
    expect(await poolState(EMPTY.name)).toBeUndefined();
    expect(fs.existsSync(EMPTY.dir)).toBe(false);
  });

  it('refuses a folder that holds a volume, naming it; the pool stays defined and running', async () => {
    const e = await failure(call('pool.delete', { connection: SYSTEM_URI, pool: WITH_VOLUME.name, removeFolder: true }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.field).toBe('removeFolder');
    expect(e.message).toContain('is not empty');
    expect(e.message).toContain("'data.qcow2'");
    expect(await poolState(WITH_VOLUME.name)).toMatchObject({ active: true, persistent: true });
    expect(fs.existsSync(path.join(WITH_VOLUME.dir, 'data.qcow2'))).toBe(true);
  });

  it('refuses a folder with a file libvirt does not know (hidden too): never recursive', async () => {
    const e = await failure(call('pool.delete', { connection: SYSTEM_URI, pool: STRAY.name, removeFolder: true }));
    expect(e.message).toContain("'.notes'");
    expect(await poolState(STRAY.name)).toMatchObject({ active: true });
    expect(fs.readFileSync(path.join(STRAY.dir, '.notes'), 'utf8')).toContain('not a volume');
  });

  it('without removeFolder the folder stays', async () => {
    await call('pool.delete', { connection: SYSTEM_URI, pool: KEEP.name });
    expect(await poolState(KEEP.name)).toBeUndefined();
    expect(fs.statSync(KEEP.dir).isDirectory()).toBe(true);
  });
});
