// Deleting a template's base disk must never destroy its linked clones. Against the REAL
// qemu:///system daemon: a template VM on a qcow2 base, two linked clones made by Virtdesk (one
// running, one shut off: a shut-off clone's backing file is in none of libvirt's domain XML),
// and a VM defined outside Virtdesk on an overlay made with qemu-img in a folder that is no pool
// (only the image file itself knows its base). Every delete path — vm.deletePlan, vm.delete,
// storage.deleteVolume, the CLI's delete — refuses the base and names every clone; once the
// clones are gone, an overlay volume that no VM uses still protects it; then it may go.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { buildOverlayVolumeXml } from '../../src-main/xml/build-overlay';
import { failure } from '../support/api-failure';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { runCli } from '../support/cli';

const ID = uniqueName('vdt-del');
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const OUTSIDE_DIR = path.join('/var/lib/libvirt/images', `${ID}-outside`);
const TEMPLATE = `${ID}-tmpl`;
const RUNNING_CLONE = `${ID}-c1`;
const OFF_CLONE = `${ID}-c2`;
const FOREIGN = `${ID}-foreign`;

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let core: Core;
let settingsDir: string;
let base: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const exists = async (name: string) => (await client.api.listDomains()).some((d) => d.name === name);
const baseVolumeExists = async () => (await client.api.listVolumes(POOL)).some((v) => v.path === base);

beforeAll(async () => {
  settingsDir = fs.mkdtempSync('/tmp/vdt-del-settings-');
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await client.connect();
  await call('pool.define', { connection: SYSTEM_URI, name: POOL, path: POOL_DIR, start: true, autostart: false });
  const vol = await call('volume.create', { connection: SYSTEM_URI, pool: POOL, name: 'base.qcow2', sizeGiB: 0.0625, format: 'qcow2' });
  base = vol.path;
  await client.api.defineDomain(tinyGuestXml(TEMPLATE, { disk: base, memoryMiB: 128 }));
  await call('vm.clone', { connection: SYSTEM_URI, vm: { name: TEMPLATE }, name: RUNNING_CLONE, mode: 'linked' });
  await call('vm.clone', { connection: SYSTEM_URI, vm: { name: TEMPLATE }, name: OFF_CLONE, mode: 'linked' });
  await call('vm.start', { connection: SYSTEM_URI, vm: { name: RUNNING_CLONE } });
  // Outside Virtdesk: an overlay made by qemu-img in a plain folder, and a VM defined on it.
  fs.mkdirSync(OUTSIDE_DIR, { recursive: true });
  const overlay = path.join(OUTSIDE_DIR, 'foreign.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay]);
  await client.api.defineDomain(tinyGuestXml(FOREIGN, { disk: overlay, memoryMiB: 128 }));
}, 180_000);

afterAll(async () => {
  await removeDomainsWithPrefix(client, ID);
  await removeTestPool(client, POOL, POOL_DIR);
  fs.rmSync(OUTSIDE_DIR, { recursive: true, force: true });
  await core?.close();
  await client.close();
  fs.rmSync(settingsDir, { recursive: true, force: true });
});

describe('deleting a template with linked clones (real daemon)', () => {
  it('the shut-off clone really has no backing file in libvirt\'s domain XML (why domain XML alone is not enough)', async () => {
    const xml = await client.api.domainXml({ name: OFF_CLONE }, { inactive: true });
    expect(xml).not.toContain('<backingStore');
    // The foreign VM carries no Virtdesk metadata either: only its image file names the base.
    expect(await client.api.domainXml({ name: FOREIGN }, { inactive: true })).not.toContain(base);
  });

  it('starting the template is refused by the core (API and CLI), naming its clones; it stays off', async () => {
    const e = await failure(call('vm.start', { connection: SYSTEM_URI, vm: { name: TEMPLATE } }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.field).toBe('confirmTemplate');
    for (const n of [RUNNING_CLONE, OFF_CLONE]) expect(e.message).toContain(`'${n}'`);
    const r = await runCli(['start', TEMPLATE, '--connect', SYSTEM_URI]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--force');
    expect((await client.api.domainState({ name: TEMPLATE })).state).toBe('shutoff');
  });

  it('vm.deletePlan offers the base as not deletable, naming every clone', async () => {
    const plan = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: TEMPLATE } });
    const disk = plan.disks.find((d) => d.path === base)!;
    expect(disk.deletable).toBe(false);
    for (const n of [RUNNING_CLONE, OFF_CLONE, FOREIGN]) expect(disk.reason).toContain(`'${n}'`);
  });

  it('vm.delete refuses the base and changes nothing', async () => {
    const e = await failure(call('vm.delete', { connection: SYSTEM_URI, vm: { name: TEMPLATE }, deleteDisks: [base] }));
    expect(e.code).toBe('INVALID_INPUT');
    for (const n of [RUNNING_CLONE, OFF_CLONE, FOREIGN]) expect(e.message).toContain(`'${n}'`);
    expect(await exists(TEMPLATE)).toBe(true);
    expect(await baseVolumeExists()).toBe(true);
  });

  it('storage.deleteVolume refuses the base, naming every clone', async () => {
    const e = await failure(call('volume.delete', { connection: SYSTEM_URI, pool: POOL, name: 'base.qcow2' }));
    expect(e.code).toBe('INVALID_INPUT');
    for (const n of [RUNNING_CLONE, OFF_CLONE, FOREIGN]) expect(e.message).toContain(`'${n}'`);
    expect(await baseVolumeExists()).toBe(true);
  });

  it('storage.volumes lists every clone as a user of the base', async () => {
    const vols = await call('volume.list', { connection: SYSTEM_URI, pool: POOL });
    expect(vols.find((v) => v.path === base)?.usedBy).toEqual(expect.arrayContaining([TEMPLATE, RUNNING_CLONE, OFF_CLONE, FOREIGN]));
  });

  it("the CLI's delete naming the base fails (exit 1) and deletes nothing", async () => {
    const r = await runCli(['delete', TEMPLATE, '--disk', base, '--connect', SYSTEM_URI]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`'${OFF_CLONE}'`);
    expect(await exists(TEMPLATE)).toBe(true);
    expect(await baseVolumeExists()).toBe(true);
  });

  it('deleting the clones first (with their overlays) then frees the base; a lone overlay volume still protects it', async () => {
    for (const vm of [RUNNING_CLONE, OFF_CLONE]) {
      const plan = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: vm } });
      const own = plan.disks.filter((d) => d.deletable).map((d) => d.path);
      expect(own).toHaveLength(1); // its overlay; never the base
      expect(own).not.toContain(base);
      await call('vm.delete', { connection: SYSTEM_URI, vm: { name: vm }, deleteDisks: own });
    }
    await call('vm.delete', { connection: SYSTEM_URI, vm: { name: FOREIGN }, deleteDisks: [] });
    fs.rmSync(OUTSIDE_DIR, { recursive: true, force: true });

    // An overlay volume that no VM uses: deleting its base would break it.
    await client.api.createVolume(POOL, buildOverlayVolumeXml({ name: 'lone.qcow2', capacityBytes: 64 * 2 ** 20, backingPath: base, backingFormat: 'qcow2' }));
    const e = await failure(call('volume.delete', { connection: SYSTEM_URI, pool: POOL, name: 'base.qcow2' }));
    expect(e.message).toContain(path.join(POOL_DIR, 'lone.qcow2'));
    const plan = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: TEMPLATE } });
    expect(plan.disks.find((d) => d.path === base)?.deletable).toBe(false);
    await call('volume.delete', { connection: SYSTEM_URI, pool: POOL, name: 'lone.qcow2' });

    const free = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: TEMPLATE } });
    expect(free.disks.find((d) => d.path === base)).toMatchObject({ deletable: true });
    const r = await call('vm.delete', { connection: SYSTEM_URI, vm: { name: TEMPLATE }, deleteDisks: [base] });
    expect(r.deletedDisks).toEqual([base]);
    expect(await baseVolumeExists()).toBe(false);
  }, 120_000);
});
