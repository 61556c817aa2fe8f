// The New-VM flow against the REAL qemu:///system daemon: a dir pool of our own, a VM booted by
// direct kernel boot with a new qcow2 volume, safe delete (keep / delete the disk), import of
// the kept disk, refusals that create nothing, rollback of a failed step, volumes and networks.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerContext, libvirtHandlers, type HandlerDeps, type LibvirtMethodName } from '../../src-main/api/handlers';
import { validateInput, type MethodInput, type MethodResult, type VmSpecInput } from '../../src-main/contract';
import { ApiError } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestFiles, uniqueName } from '../support/tiny-guest';
import { consoleText, waitFor } from '../support/host-events';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';

const GiB = 2 ** 30;
const prefix = uniqueName('vdtest-create');
const POOL = prefix;
const POOL_DIR = path.join('/var/lib/libvirt/images', prefix);
const GRUB_ISO = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
const makeHandlers = (extra: Partial<HandlerDeps> = {}): ReturnType<typeof libvirtHandlers> => libvirtHandlers(handlerContext({ client: async () => ({ uri: SYSTEM_URI, client }), ...extra }));
let handlers = makeHandlers();

async function call<M extends LibvirtMethodName>(name: M, input: MethodInput<M>, h: ReturnType<typeof libvirtHandlers> = handlers): Promise<MethodResult<M>> {
  const r = validateInput(name, input);
  if (!r.ok) throw new ApiError('INVALID_INPUT', r.message, r.field);
  return (h[name] as (i: unknown) => Promise<MethodResult<M>>)(r.value);
}

async function snapshot() {
  const [domains, volumes] = await Promise.all([client.api.listDomains(), client.api.listVolumes(POOL)]);
  return { domains: domains.map((d) => d.name).sort(), volumes: volumes.map((v) => v.name).sort() };
}

function kernelSpec(name: string, over: Partial<VmSpecInput> = {}): VmSpecInput {
  const f = tinyGuestFiles();
  return { name, memoryMiB: 256, vcpus: 1, source: { kind: 'kernel', kernel: f.kernel, initrd: f.initrd, cmdline: 'console=tty0 console=ttyS0' }, network: { kind: 'user' }, ...over };
}

beforeAll(async () => {
  await client.connect();
  tinyGuestFiles();
  const p = await call('pool.define', { name: POOL, path: POOL_DIR, start: true, autostart: false });
  expect(p).toMatchObject({ name: POOL, type: 'dir', path: POOL_DIR, active: true });
}, 180_000);

afterAll(async () => {
  // Remove only what this file created: domains with our prefix, then the pool and its folder.
  await removeDomainsWithPrefix(client, prefix);
  await removeTestPool(client, POOL, POOL_DIR);
  await client.close();
}, 120_000);

describe('vm.create on qemu:///system', () => {
  it('boots a VM by direct kernel boot with a new 1 GiB qcow2, then deletes it keeping / deleting the disk', { timeout: 240_000 }, async () => {
    const name = `${prefix}-k1`;
    const r = await call('vm.create', { spec: kernelSpec(name, { storage: { kind: 'new', pool: POOL, sizeGiB: 1, format: 'qcow2' } }), start: true });
    expect(r).toMatchObject({ vm: { name }, started: true, createdVolume: { pool: POOL, name: `${name}.qcow2`, path: path.join(POOL_DIR, `${name}.qcow2`) } });
    expect((await client.api.domainState({ uuid: r.vm.uuid })).state).toBe('running');
    const vol = await client.api.volumeInfo(POOL, `${name}.qcow2`);
    expect(vol.capacity).toBe(GiB);
    expect((await client.api.domainXml({ uuid: r.vm.uuid })).includes("type='qemu'")).toBe(true);

    // The serial console shows the tiny guest's marker.
    const { streamId } = await client.api.openConsole({ uuid: r.vm.uuid }, { force: true });
    const con = consoleText(client, streamId);
    try {
      await waitFor('the boot marker on the serial console', () => con.text().includes(TINY_GUEST_MARKER), 90_000);
    } finally {
      con.stop();
      await client.api.streamClose(streamId).catch(() => undefined);
    }

    const plan = await call('vm.deletePlan', { vm: { uuid: r.vm.uuid } });
    expect(plan.running).toBe(true);
    expect(plan.disks).toEqual([expect.objectContaining({ path: vol.path, pool: POOL, volume: `${name}.qcow2`, deletable: true, device: 'disk' })]);

    // Delete the VM, keep the disk: the running VM is forced off, the volume stays.
    expect(await call('vm.delete', { vm: { uuid: r.vm.uuid }, deleteDisks: [] })).toEqual({ deletedDisks: [], failedDisks: [] });
    expect((await snapshot()).domains).not.toContain(name);
    expect((await client.api.volumeInfo(POOL, `${name}.qcow2`)).path).toBe(vol.path);

    // A second VM imports the kept qcow2; deleting it with the disk ticked removes the volume.
    const name2 = `${prefix}-import`;
    const r2 = await call('vm.create', { spec: { name: name2, memoryMiB: 256, vcpus: 1, source: { kind: 'import', path: vol.path }, os: 'linux2022', network: { kind: 'none' } } });
    expect(r2.createdVolume).toBeUndefined();
    const xml2 = await client.api.domainXml({ uuid: r2.vm.uuid });
    expect(xml2).toContain(vol.path);
    expect(xml2).toMatch(/<driver name='qemu' type='qcow2'/);
    expect((await call('vm.deletePlan', { vm: { name: name2 } })).disks).toEqual([expect.objectContaining({ path: vol.path, deletable: true })]);
    expect(await call('vm.delete', { vm: { name: name2 }, deleteDisks: [vol.path] })).toEqual({ deletedDisks: [vol.path], failedDisks: [] });
    const after = await snapshot();
    expect(after.domains).not.toContain(name2);
    expect(after.volumes).not.toContain(`${name}.qcow2`);
    expect(fs.existsSync(vol.path)).toBe(false);
  });

  it('refuses bad inputs with clear errors and creates nothing', { timeout: 120_000 }, async () => {
    // One VM whose name the duplicate check must find.
    const taken = `${prefix}-taken`;
    await call('vm.create', { spec: kernelSpec(taken) });
    const notes = path.join(POOL_DIR, 'notes.txt');
    fs.writeFileSync(notes, 'this is not a disk image\n');
    await client.api.refreshPool(POOL);
    const node = await client.api.nodeInfo();
    const pool = (await call('pool.list', {})).find((p) => p.name === POOL)!;
    const tooBigGiB = Math.ceil(pool.available / GiB) + 10;

    const before = await snapshot();
    const cases: [VmSpecInput, string, RegExp][] = [
      [kernelSpec(taken, { storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }), 'spec.name', /a VM named '.*-taken' already exists on qemu:\/\/\/system/],
      [kernelSpec('</name><devices>', { storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }), 'spec.name', /must not contain "<"/],
      [kernelSpec(`${prefix}-mem`, { memoryMiB: Math.floor(node.memoryKiB / 1024) + 1024, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }), 'spec.memoryMiB', /more than the host's total memory/],
      [kernelSpec(`${prefix}-size`, { storage: { kind: 'new', pool: POOL, sizeGiB: tooBigGiB } }), 'spec.storage.sizeGiB', /more than the free space of storage pool/],
      [{ ...kernelSpec(`${prefix}-iso`), source: { kind: 'iso', path: path.join(POOL_DIR, 'missing.iso') }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }, 'spec.source.path', /ISO image '.*missing\.iso' does not exist/],
      [{ ...kernelSpec(`${prefix}-txt`), source: { kind: 'import', path: notes }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }, 'spec.source.path', /is not a disk image/],
    ];
    for (const [spec, field, message] of cases) {
      const e = await failure(call('vm.create', { spec, start: true }));
      expect(e, spec.name).toBeInstanceOf(ApiError);
      expect(e.code, spec.name).toBe('INVALID_INPUT');
      expect(e.field, spec.name).toBe(field);
      expect(e.message, spec.name).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
    await call('vm.delete', { vm: { name: taken }, deleteDisks: [] });
    fs.rmSync(notes);
    await client.api.refreshPool(POOL);
  });

  it('rolls back the new volume when a step fails: define (test hook) and start (a kernel QEMU cannot load)', { timeout: 120_000 }, async () => {
    const before = await snapshot();
    const broken = makeHandlers({ hooks: { beforeDefine: (xml) => xml.replace('machine="q35"', 'machine="no-such-machine"') } });
    const e1 = await failure(call('vm.create', { spec: kernelSpec(`${prefix}-rb1`, { storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }) }, broken));
    expect(e1.message).toMatch(/failed at step 'define the VM'/);
    expect(e1.message).toMatch(/Rolled back: deleted the volume/);
    expect(await snapshot()).toEqual(before);

    const fakeKernel = path.join(POOL_DIR, 'fake-vmlinuz');
    fs.writeFileSync(fakeKernel, 'not a kernel\n'.repeat(100));
    fs.chmodSync(fakeKernel, 0o644);
    await client.api.refreshPool(POOL);
    const before2 = await snapshot();
    const e2 = await failure(call('vm.create', { spec: kernelSpec(`${prefix}-rb2`, { source: { kind: 'kernel', kernel: fakeKernel }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }), start: true }));
    expect(e2.message).toMatch(/failed at step 'start the VM'/);
    expect(e2.message).toMatch(/Rolled back: removed the VM definition; deleted the volume/);
    expect(e2.code).toBe('LIBVIRT');
    expect(await snapshot()).toEqual(before2);
    fs.rmSync(fakeKernel);
    await client.api.refreshPool(POOL);
  });

  it.runIf(fs.existsSync(GRUB_ISO))('installs from an ISO: detects it, boots it, and never offers the ISO for deletion', { timeout: 120_000 }, async () => {
    const iso = path.join(POOL_DIR, 'grub-rescue.iso');
    fs.copyFileSync(GRUB_ISO, iso);
    fs.chmodSync(iso, 0o644);
    const detected = await call('os.detect', { path: iso });
    expect(detected.volumeId).toBe('ISOIMAGE');
    const name = `${prefix}-iso`;
    const r = await call('vm.create', { spec: { name, memoryMiB: 256, vcpus: 1, source: { kind: 'iso', path: iso }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 }, network: { kind: 'none' } }, start: true });
    expect((await client.api.domainState({ uuid: r.vm.uuid })).state).toBe('running');
    const plan = await call('vm.deletePlan', { vm: { uuid: r.vm.uuid } });
    expect(plan.disks.map((d) => [d.device, d.deletable, d.reason ?? null])).toEqual([['disk', true, null], ['cdrom', false, 'CD-ROM media are never deleted']]);
    expect((await failure(call('vm.delete', { vm: { uuid: r.vm.uuid }, deleteDisks: [iso] }))).message).toMatch(/CD-ROM/);
    await call('vm.delete', { vm: { uuid: r.vm.uuid }, deleteDisks: [r.createdVolume!.path] });
    expect(fs.existsSync(iso)).toBe(true);
    expect(fs.existsSync(r.createdVolume!.path)).toBe(false);
    fs.rmSync(iso);
    await client.api.refreshPool(POOL);
  });
});

describe('storage and networks on qemu:///system', () => {
  it('creates, grows and deletes a volume, and reports its users', { timeout: 60_000 }, async () => {
    const name = `${prefix}-data.qcow2`;
    const v = await call('volume.create', { pool: POOL, name, sizeGiB: 1 });
    expect(v).toMatchObject({ name, format: 'qcow2', capacity: GiB, usedBy: [] });
    expect((await call('volume.resize', { pool: POOL, name, sizeGiB: 2 })).capacity).toBe(2 * GiB);
    expect((await failure(call('volume.resize', { pool: POOL, name, sizeGiB: 1 }))).message).toMatch(/can only grow/);
    const vm = `${prefix}-user`;
    await call('vm.create', { spec: kernelSpec(vm, { storage: { kind: 'existing', pool: POOL, volume: name } }) });
    expect((await call('volume.list', { pool: POOL })).find((x) => x.name === name)?.usedBy).toEqual([vm]);
    expect((await failure(call('volume.delete', { pool: POOL, name }))).message).toMatch(/used by VM/);
    await call('vm.delete', { vm: { name: vm }, deleteDisks: [] });
    await call('volume.delete', { pool: POOL, name });
    expect((await snapshot()).volumes).not.toContain(name);
  });

  it('defines an isolated network without starting it, then deletes it', { timeout: 60_000 }, async () => {
    const name = `${prefix}-net`.slice(0, 60);
    const existing = await call('network.list', {});
    // Pick a /24 no other network uses.
    const used = new Set(existing.map((n) => n.ipv4?.address.split('.').slice(0, 3).join('.')));
    const third = [...Array(200).keys()].map((i) => i + 20).find((i) => !used.has(`10.213.${i}`))!;
    const n = await call('network.create', { name, mode: 'isolated', ipv4: { address: `10.213.${third}.1`, prefix: 24, dhcpStart: `10.213.${third}.100`, dhcpEnd: `10.213.${third}.200` }, start: false });
    expect(n).toMatchObject({ name, active: false, forward: null, ipv4: { address: `10.213.${third}.1`, prefix: 24 } });
    await call('network.delete', { name });
    expect((await call('network.list', {})).map((x) => x.name)).not.toContain(name);
  });
});
