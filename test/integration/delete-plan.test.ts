// What vm.deletePlan tells the delete dialog beyond the disks, against the REAL qemu:///system
// daemon: a linked clone (made with vm.clone from a template on a qcow2 base in a pool of this
// test) with an internal snapshot names its snapshot, its overlay (deletable) and the base and
// template that stay; a UEFI VM names its NVRAM file; a plain VM has none of these.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';

const ID = uniqueName('vdt-delplan');
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const TEMPLATE = `${ID}-tmpl`;
const CLONE = `${ID}-clone`;
const UEFI = `${ID}-uefi`;
const NVRAM = `/var/lib/libvirt/qemu/nvram/${UEFI}_VARS.fd`;

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let core: Core;
let settingsDir: string;
let base: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}

beforeAll(async () => {
  settingsDir = fs.mkdtempSync('/tmp/vdt-delplan-settings-');
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await client.connect();
  await call('pool.define', { connection: SYSTEM_URI, name: POOL, path: POOL_DIR, start: true, autostart: false });
  base = (await call('volume.create', { connection: SYSTEM_URI, pool: POOL, name: 'base.qcow2', sizeGiB: 0.0625, format: 'qcow2' })).path;
  await client.api.defineDomain(tinyGuestXml(TEMPLATE, { disk: base, memoryMiB: 128 }));
  await call('vm.clone', { connection: SYSTEM_URI, vm: { name: TEMPLATE }, name: CLONE, mode: 'linked' });
  await call('snapshot.create', { connection: SYSTEM_URI, vm: { name: CLONE }, name: 'before-upgrade', external: false });
  // A UEFI VM with an explicit variable store (never started: the file need not exist).
  const uefiXml = tinyGuestXml(UEFI, { memoryMiB: 128 }).replace(
    /<\/type>/,
    "</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>" + NVRAM + '</nvram>',
  );
  await client.api.defineDomain(uefiXml);
}, 180_000);

afterAll(async () => {
  await removeDomainsWithPrefix(client, ID);
  await removeTestPool(client, POOL, POOL_DIR);
  fs.rmSync(NVRAM, { force: true });
  await core?.close();
  await client.close();
  fs.rmSync(settingsDir, { recursive: true, force: true });
});

describe('vm.deletePlan beyond disks (real daemon)', () => {
  it('a linked clone names its internal snapshot, its deletable overlay, and the base and template that stay', async () => {
    const plan = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: CLONE } });
    expect(plan.snapshots).toEqual([{ name: 'before-upgrade', kind: 'internal' }]);
    const template = await client.api.domainState({ name: TEMPLATE });
    expect(plan.linkedClone?.template).toMatchObject({ name: TEMPLATE, exists: true });
    expect(template).toBeTruthy();
    expect(plan.linkedClone?.overlays).toHaveLength(1);
    const o = plan.linkedClone!.overlays[0];
    expect(o.base).toBe(base);
    // The overlay is one of the VM's disks and may go; the base is not among them (it stays).
    expect(plan.disks.find((d) => d.path === o.overlay)?.deletable).toBe(true);
    expect(plan.disks.some((d) => d.path === base)).toBe(false);
    expect(plan.nvram).toBeNull();
  });

  it('a UEFI VM names its NVRAM file; the template has no snapshots and is no linked clone', async () => {
    const uefi = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: UEFI } });
    expect(uefi.nvram).toEqual({ path: NVRAM });
    expect(uefi.snapshots).toEqual([]);
    const tmpl = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: TEMPLATE } });
    expect(tmpl.linkedClone).toBeNull();
    expect(tmpl.snapshots).toEqual([]);
    expect(tmpl.nvram).toBeNull();
  });

  it('deleting the clone with its overlay removes the snapshot metadata too; the template and base stay', async () => {
    const plan = await call('vm.deletePlan', { connection: SYSTEM_URI, vm: { name: CLONE } });
    const overlay = plan.linkedClone!.overlays[0].overlay;
    await call('vm.delete', { connection: SYSTEM_URI, vm: { name: CLONE }, deleteDisks: [overlay] });
    const names = (await client.api.listDomains()).map((d) => d.name);
    expect(names).not.toContain(CLONE);
    expect(names).toContain(TEMPLATE);
    expect(fs.existsSync(overlay)).toBe(false);
    expect((await client.api.listVolumes(POOL)).some((v) => v.path === base)).toBe(true);
  });
});
