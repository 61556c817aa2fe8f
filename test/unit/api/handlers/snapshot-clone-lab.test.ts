// The lab handlers on libvirt's test driver (test:///default, fast, no daemon): snapshots,
// full and linked clones, templates, metadata, lab file validation. The real daemon and real
// guests are in test/integration/labs.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src-main/contract';
import { methods, type MethodInput, type MethodResult } from '../../../../src-main/contract';
import { handlerContext, libvirtHandlers, type LibvirtMethodName } from '../../../../src-main/api/handlers';
import type { TypedApiEvent } from '../../../../src-main/contract';
import { LibvirtHostClient } from '../../../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../../../src-main/libvirt/node-host-spawner';
import { metadataEntry, readVirtdeskMeta, type VirtdeskMeta } from '../../../../src-main/xml/virtdesk-meta';
import { buildXml } from '../../../../src-main/xml/build';
import { DEFAULT_POOL, TEST_URI, rejectionOf } from '../../libvirt/helpers';

const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner);
const events: Extract<TypedApiEvent, { type: 'vm.cloneProgress' }>[] = [];
const handlers = libvirtHandlers(handlerContext({ client: async () => ({ uri: TEST_URI, client }), emit: (e) => { if (e.type === 'vm.cloneProgress') events.push(e); } }));

async function call<M extends LibvirtMethodName>(name: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  const r = methods[name].input.safeParse(input);
  if (!r.success) throw new ApiError('INVALID_INPUT', r.error.issues[0].message, r.error.issues[0].path.join('.'));
  return (handlers[name] as (i: unknown) => Promise<MethodResult<M>>)(r.data);
}

function domainXml(name: string, disk: string): string {
  return `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/iso/x.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/></interface>
  </devices></domain>`;
}

let srcDisk: string;

beforeAll(async () => {
  await client.connect();
  const v = await client.api.createVolume(DEFAULT_POOL, `<volume><name>src.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target></volume>`);
  srcDisk = v.path;
  await client.api.defineDomain(domainXml('src', srcDisk));
});

afterAll(async () => {
  await client.close();
});

describe('snapshots (test driver)', () => {
  it('creates (memory by default when running), lists as a tree, reverts and deletes', async () => {
    await client.api.startDomain({ name: 'src' });
    const caps = await call('snapshot.capabilities', { vm: { name: 'src' } });
    expect(caps).toMatchObject({ internal: true, external: true, externalRevert: false, libVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const a = await call('snapshot.create', { vm: { name: 'src' }, name: 'a', description: 'first <one> & "only"' });
    expect(a).toMatchObject({ name: 'a', description: 'first <one> & "only"', hasMemory: true, current: true, parent: null, external: false, state: 'running' });
    await call('snapshot.create', { vm: { name: 'src' }, name: 'b' });
    const list = await call('snapshot.list', { vm: { name: 'src' } });
    expect(list.map((s) => [s.name, s.parent, s.children, s.current])).toEqual([['a', null, ['b'], false], ['b', 'a', [], true]]);
    await call('snapshot.revert', { vm: { name: 'src' }, name: 'a' });
    expect((await call('snapshot.list', { vm: { name: 'src' } })).find((s) => s.current)?.name).toBe('a');
    await call('snapshot.delete', { vm: { name: 'src' }, name: 'a' });
    expect((await call('snapshot.list', { vm: { name: 'src' } })).map((s) => [s.name, s.parent])).toEqual([['b', null]]);
    await call('snapshot.delete', { vm: { name: 'src' }, name: 'b' });
  });

  it('refuses what libvirt would refuse, with the reason', async () => {
    const dup = await call('snapshot.create', { vm: { name: 'src' }, name: 'c' }).then(() => rejectionOf(call('snapshot.create', { vm: { name: 'src' }, name: 'c' })));
    expect(dup).toMatchObject({ code: 'INVALID_INPUT', field: 'name', message: "VM 'src' already has a snapshot named 'c'" });
    await call('snapshot.delete', { vm: { name: 'src' }, name: 'c' });
    const noMem = await rejectionOf(call('snapshot.create', { vm: { name: 'src' }, name: 'd', memory: false }));
    expect(noMem).toMatchObject({ code: 'INVALID_INPUT', field: 'memory' });
    expect(noMem.message).toMatch(/always includes its memory/);
    const missing = await rejectionOf(call('snapshot.revert', { vm: { name: 'src' }, name: 'nope' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'name', message: "VM 'src' has no snapshot named 'nope'" });
    await client.api.destroyDomain({ name: 'src' });
    const off = await rejectionOf(call('snapshot.create', { vm: { name: 'src' }, name: 'e', memory: true }));
    expect(off).toMatchObject({ field: 'memory', message: "VM 'src' is not running: there is no memory state to save (leave memory out, or set it to false)" });
  });
});

describe('clones and templates (test driver)', () => {
  it('makes a full clone: new name, no UUID/MAC reuse, a copied volume, CD-ROM shared, no Virtdesk metadata', async () => {
    events.length = 0;
    const r = await call('vm.clone', { vm: { name: 'src' }, name: 'full', mode: 'full' });
    expect(r).toMatchObject({ mode: 'full', vm: { name: 'full', connection: TEST_URI }, nvram: 'none', sharedDisks: ['/iso/x.iso'] });
    expect(r.disks).toEqual([expect.objectContaining({ target: 'vda', source: srcDisk, pool: DEFAULT_POOL, volume: 'full-vda.qcow2', path: '/default-pool/full-vda.qcow2' })]);
    const src = await client.api.lookupDomain({ name: 'src' });
    expect(r.vm.uuid).not.toBe(src.uuid);
    const xml = await client.api.domainXml({ name: 'full' });
    expect(xml).toContain("<source file='/default-pool/full-vda.qcow2'/>");
    expect(xml).not.toContain('52:54:00:12:34:56');
    expect(readVirtdeskMeta(xml)).toBeNull();
    expect((await client.api.listVolumes(DEFAULT_POOL)).map((v) => v.name)).toContain('full-vda.qcow2');
    // Progress ends at the total (the test driver copies instantly; local polling needs a real folder).
    expect(events.at(-1)).toMatchObject({ type: 'vm.cloneProgress', connection: TEST_URI, vm: 'src', name: 'full' });
    expect(events.at(-1)!.done).toBe(events.at(-1)!.total);
  });

  it('makes a linked clone: an overlay on the source disk, the source becomes a template with a linked clone', async () => {
    expect(await call('vm.templateInfo', { vm: { name: 'src' } })).toEqual({ template: false, linkedClones: [] });
    const r = await call('vm.clone', { vm: { name: 'src' }, name: 'linked', mode: 'linked' });
    expect(r.disks).toEqual([expect.objectContaining({ target: 'vda', source: srcDisk, volume: 'linked-vda.qcow2' })]);
    const meta = readVirtdeskMeta(await client.api.domainXml({ name: 'linked' }));
    expect(meta).toMatchObject({ template: false, linkedFrom: { name: 'src' }, disks: [{ target: 'vda', base: srcDisk, baseFormat: 'qcow2', overlay: '/default-pool/linked-vda.qcow2' }] });
    const vol = await client.api.volumeXml(DEFAULT_POOL, 'linked-vda.qcow2');
    expect(vol).toContain(srcDisk);
    expect(await call('vm.templateInfo', { vm: { name: 'src' } })).toEqual({ template: true, linkedClones: ['linked'] });
    expect(await call('vm.linkedClones', { vm: { name: 'src' } })).toEqual(['linked']);
    // The full clone copied the disk: it does not depend on the template.
    expect(await call('vm.templateInfo', { vm: { name: 'full' } })).toEqual({ template: false, linkedClones: [] });
  });

  it('refuses linked clones of a running source, taken names, and rolls back a failed define', async () => {
    await client.api.startDomain({ name: 'src' });
    const running = await rejectionOf(call('vm.clone', { vm: { name: 'src' }, name: 'l2', mode: 'linked' }));
    expect(running).toMatchObject({ code: 'INVALID_INPUT', field: 'vm' });
    expect(running.message).toMatch(/is running: a linked clone needs a shut-off source/);
    await client.api.destroyDomain({ name: 'src' });
    const taken = await rejectionOf(call('vm.clone', { vm: { name: 'src' }, name: 'linked', mode: 'full' }));
    expect(taken).toMatchObject({ field: 'name', message: "a VM named 'linked' already exists" });
    // A clone whose name the test driver refuses at define time (too long for nothing else to catch).
    const before = (await client.api.listVolumes(DEFAULT_POOL)).map((v) => v.name).sort();
    const bad = await rejectionOf(call('vm.clone', { vm: { name: 'src' }, name: 'x'.repeat(64), mode: 'linked' }).then(async (r) => {
      // The driver took it: remove it again so the check below stays meaningful.
      await client.api.undefineDomain({ uuid: r.vm.uuid });
      await client.api.deleteVolume(DEFAULT_POOL, r.disks[0].volume);
      throw new Error('accepted');
    }));
    if (bad.message !== 'accepted') expect(bad.message).toMatch(/Rolled back/);
    expect((await client.api.listVolumes(DEFAULT_POOL)).map((v) => v.name).sort()).toEqual(before);
  });
});

describe('lab files (test driver)', () => {
  it('validates text without creating anything and places host problems on their lines', async () => {
    const text = `name: t\nbase:\n  vm: no-such-vm\nmachines:\n  - { name: a, memoryMiB: 64, vcpus: 1 }\nnetwork: none\n`;
    const v = await call('lab.validate', { text, fileName: 't.lab.yaml' });
    expect(v).toMatchObject({ ok: false, errors: [{ line: 3, path: 'base.vm', text: `t.lab.yaml:3: base.vm: no VM named 'no-such-vm' on ${TEST_URI}` }] });
    const e = await rejectionOf(call('lab.up', { text: text.replace('count: 1', ''), fileName: 't.lab.yaml' }));
    expect(e).toMatchObject({ code: 'INVALID_INPUT', field: 'file', message: `t.lab.yaml:3: base.vm: no VM named 'no-such-vm' on ${TEST_URI}` });
    const syntax = await rejectionOf(call('lab.up', { text: 'name: [' }));
    expect(syntax.message).toMatch(/^lab\.yaml:1: YAML syntax error/);
    expect(await call('lab.list', {})).toEqual([]);
  });

  it('refuses a running base VM and a machine name that another VM already has', async () => {
    await client.api.startDomain({ name: 'src' });
    const text = `name: t\nbase: { vm: src }\nmachines:\n  - { name: a, memoryMiB: 64, vcpus: 1 }\nnetwork: none\n`;
    const v = await call('lab.validate', { text });
    expect(v.errors.map((x) => x.text)).toEqual(["lab.yaml:2: base.vm: VM 'src' is running: a lab base must be shut off (the machines' overlays need a disk that no longer changes)"]);
    await client.api.destroyDomain({ name: 'src' });
    await client.api.defineDomain(domainXml('t-a', '/default-pool/none.qcow2'));
    const clash = await call('lab.validate', { text });
    // (test:/// counts as local, so the base disk is probed on this computer, where the test driver's files do not exist.)
    expect(clash.errors.map((x) => x.text)).toEqual([
      "lab.yaml:2: base.vm: disk vda of the base VM '/default-pool/src.qcow2' does not exist",
      "lab.yaml:4: machines[0].name: a VM named 't-a' already exists and does not belong to lab 't' — rename the machine or the lab",
    ]);
    await client.api.undefineDomain({ name: 't-a' });
    const missingLab = await rejectionOf(call('lab.reset', { name: 'nolab' }));
    expect(missingLab).toMatchObject({ code: 'NOT_FOUND', message: `lab 'nolab' has no VMs on ${TEST_URI} (run lab up first)` });
  });
});

/** A test-driver domain carrying lab metadata, as lab up would define it. */
function memberXml(name: string, disk: string, meta: VirtdeskMeta): string {
  return buildXml({
    domain: {
      '@_type': 'test',
      name,
      metadata: metadataEntry(meta),
      memory: { '@_unit': 'MiB', '#text': '64' },
      os: { type: { '@_arch': 'x86_64', '#text': 'hvm' } },
      devices: { disk: { '@_type': 'file', '@_device': 'disk', driver: { '@_name': 'qemu', '@_type': 'qcow2' }, source: { '@_file': disk }, target: { '@_dev': 'vda', '@_bus': 'virtio' } } },
    },
  });
}

describe('lab membership by metadata (test driver)', () => {
  it('finds the lab by metadata only, refuses reset/down while a linked clone sits on a machine, then removes exactly the lab', async () => {
    const overlay = await client.api.createVolume(DEFAULT_POOL, `<volume><name>t2-m1-vda.qcow2</name><capacity unit='MiB'>64</capacity></volume>`);
    const meta: VirtdeskMeta = { template: false, lab: { name: 't2', machine: 'm1', instance: 'm1' }, tags: ['x'], disks: [{ target: 'vda', pool: DEFAULT_POOL, volume: overlay.name, overlay: overlay.path, base: srcDisk, baseFormat: 'qcow2' }] };
    const m1 = await client.api.defineDomain(memberXml('t2-m1', overlay.path, meta));
    // Look-alikes by name that are not in the lab.
    await client.api.defineDomain(domainXml('t2-m1-copy', '/default-pool/other.qcow2'));
    await client.api.defineDomain(memberXml('t2-m2', '/default-pool/else.qcow2', { ...meta, lab: { name: 't22', machine: 'm2', instance: 'm2' }, disks: [] }));
    const status = await call('lab.status', { name: 't2' });
    expect(status.machines.map((m) => [m.name, m.machine, m.state, m.overlays])).toEqual([['t2-m1', 'm1', 'shutoff', [overlay.path]]]);
    expect(status.base).toEqual([srcDisk]);
    expect((await call('lab.list', {})).map((l) => [l.name, l.machines])).toEqual([['t2', 1], ['t22', 1]]);
    // The base's template info lists the lab machine (its overlay sits on the base).
    expect((await call('vm.templateInfo', { vm: { name: 'src' } })).linkedClones).toContain('t2-m1');

    const lc = await client.api.defineDomain(memberXml('lc', '/default-pool/lc.qcow2', { template: false, tags: [], disks: [], linkedFrom: { uuid: m1.uuid, name: 't2-m1' } }));
    for (const m of ['lab.reset', 'lab.down'] as const) {
      const e = await rejectionOf(call(m, { name: 't2' }));
      expect(e).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
      expect(e.message).toMatch(/VM 'lc' is a linked clone of its machines/);
    }
    await client.api.undefineDomain({ uuid: lc.uuid });

    const down = await call('lab.down', { name: 't2' });
    expect(down).toEqual({ lab: 't2', removedVms: ['t2-m1'], removedVolumes: [overlay.path], removedNetwork: null, problems: [] });
    const names = (await client.api.listDomains()).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['t2-m1-copy', 't2-m2', 'src']));
    expect(names).not.toContain('t2-m1');
    expect((await client.api.listVolumes(DEFAULT_POOL)).map((v) => v.name)).not.toContain(overlay.name);
    await client.api.undefineDomain({ name: 't2-m1-copy' });
    await client.api.undefineDomain({ name: 't2-m2' });
  });
});
