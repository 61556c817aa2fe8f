// The create/storage/network handlers on libvirt's test driver (no daemon): create with a new
// volume, safe delete, rollback, refusals that change nothing, pools, volumes and networks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlerContext, libvirtHandlers, type HandlerDeps, type LibvirtMethodName } from '../../../../src-main/api/handlers';
import { validateInput, type MethodInput, type MethodResult } from '../../../../src-main/contract';
import { ApiError } from '../../../../src-main/contract';
import { LibvirtHostClient } from '../../../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../../../src-main/libvirt/node-host-spawner';
import { OsInfoDb } from '../../../../src-main/osinfo/osinfo-db';
import { failure } from '../../../support/api-failure';

const URI = 'test:///default';
const POOL = 'default-pool';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-handlers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let client: LibvirtHostClient;
let handlers: ReturnType<typeof libvirtHandlers>;

function setup(extra: Partial<HandlerDeps> = {}): void {
  // Every test gets a fresh host process, so a fresh copy of the test driver's state.
  client = new LibvirtHostClient(URI, nodeHostSpawner);
  handlers = libvirtHandlers(handlerContext({ client: async () => ({ uri: URI, client }), osinfo: new OsInfoDb({ dir: null }), hasPasst: async () => false, browseRoots: [tmp], ...extra }));
}

/** Validates like the core does, then runs the handler. */
async function call<M extends LibvirtMethodName>(name: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  const r = validateInput(name, input);
  if (!r.ok) throw new ApiError('INVALID_INPUT', r.message, r.field);
  return (handlers[name] as (i: unknown) => Promise<MethodResult<M>>)(r.value);
}

async function snapshot() {
  const [domains, volumes] = await Promise.all([client.api.listDomains(), client.api.listVolumes(POOL)]);
  return { domains: domains.map((d) => d.name).sort(), volumes: volumes.map((v) => v.name).sort() };
}

beforeEach(() => setup());
afterEach(async () => client.close());

describe('vm.create on the test driver', () => {
  it('reports what the host offers', async () => {
    const o = await call('host.createOptions', {});
    expect(o).toMatchObject({ connection: URI, domainTypes: ['qemu'], kvm: false, uefi: false, tpm: false, local: true, portForwarding: false });
    expect(o.memoryTotalMiB).toBeGreaterThan(0);
    expect(o.cpus).toBeGreaterThan(0);
    expect(o.pools.map((p) => [p.name, p.path])).toContainEqual([POOL, '/default-pool']);
    expect(o.networks.map((n) => n.name)).toContain('default');
    expect(o.osinfo.source).toBe('fallback');
  });

  it('creates a VM with a new volume, plans a safe delete, and deletes the VM with its disk', async () => {
    const spec = { name: 'vd-new', memoryMiB: 512, vcpus: 1, source: { kind: 'none' as const }, os: 'debian12', storage: { kind: 'new' as const, pool: POOL, sizeGiB: 2 }, network: { kind: 'none' as const } };
    const preview = await call('vm.createPreview', { spec });
    expect(preview.xml).toContain('<libosinfo:os id="http://debian.org/debian/12"/>');
    expect(preview.xml).toContain('/default-pool/vd-new.qcow2');
    expect(await snapshot()).not.toMatchObject({ domains: expect.arrayContaining(['vd-new']) });

    const r = await call('vm.create', { spec });
    expect(r.vm.name).toBe('vd-new');
    expect(r.createdVolume).toMatchObject({ pool: POOL, name: 'vd-new.qcow2' });
    expect((await client.api.volumeInfo(POOL, 'vd-new.qcow2')).capacity).toBe(2 * 2 ** 30);

    const plan = await call('vm.deletePlan', { vm: { name: 'vd-new' } });
    expect(plan.disks).toEqual([expect.objectContaining({ path: r.createdVolume!.path, pool: POOL, volume: 'vd-new.qcow2', deletable: true })]);

    // A second VM with the same default volume name gets a unique one.
    const r2 = await call('vm.create', { spec: { ...spec, name: 'vd-new2', storage: { kind: 'new', pool: POOL, sizeGiB: 1, name: 'vd-new.qcow2' } } }).catch((e: ApiError) => e);
    expect((r2 as ApiError).message).toMatch(/already exists in storage pool/);

    const del = await call('vm.delete', { vm: { name: 'vd-new' }, deleteDisks: [r.createdVolume!.path] });
    expect(del).toEqual({ deletedDisks: [r.createdVolume!.path], failedDisks: [] });
    const after = await snapshot();
    expect(after.domains).not.toContain('vd-new');
    expect(after.volumes).not.toContain('vd-new.qcow2');
  });

  it('refuses bad input with a clear error and creates nothing', async () => {
    const before = await snapshot();
    const base = { memoryMiB: 512, vcpus: 1, source: { kind: 'none' as const }, network: { kind: 'none' as const } };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, name: 'test', storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }, 'spec.name', /already exists/],
      [{ ...base, name: '</name><devices>', storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }, 'spec.name', /must not contain "<"/],
      [{ ...base, name: 'big', memoryMiB: 1024 * 1024 * 1024 }, 'spec.memoryMiB', /at most|total memory/],
      [{ ...base, name: 'huge', storage: { kind: 'new', pool: POOL, sizeGiB: 60000 } }, 'spec.storage.sizeGiB', /free space of storage pool/],
      [{ ...base, name: 'nopool', storage: { kind: 'new', pool: 'nope', sizeGiB: 1 } }, 'spec.storage.pool', /no storage pool named 'nope'/],
      [{ ...base, name: 'iso', source: { kind: 'iso', path: path.join(tmp, 'missing.iso') }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }, 'spec.source.path', /does not exist/],
      [{ ...base, name: 'os', os: 'no-such-os' }, 'spec.os', /unknown OS/],
      [{ ...base, name: 'kvm', domainType: 'kvm' }, 'spec.domainType', /KVM is not available/],
      [{ ...base, name: 'uefi', firmware: 'uefi', storage: { kind: 'new', pool: POOL, sizeGiB: 1 } }, 'spec.firmware', /UEFI/],
      [{ ...base, name: 'net', network: { kind: 'network', name: 'nope' } }, 'spec.network.name', /no virtual network named 'nope'/],
      [{ ...base, name: 'vol', storage: { kind: 'existing', pool: POOL, volume: 'nope' } }, 'spec.storage.volume', /no volume named/],
      [{ ...base, name: 'pf', network: { kind: 'user', portForwards: [{ host: 2222, guest: 22 }] } }, 'spec.network.portForwards', /passt/],
    ];
    for (const [spec, field, message] of cases) {
      const e = await failure(call('vm.create', { spec: spec as never, start: true }));
      expect(e, JSON.stringify(spec)).toBeInstanceOf(ApiError);
      expect(e.field, JSON.stringify(spec)).toBe(field);
      expect(e.message, JSON.stringify(spec)).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('rolls back the new volume when defining fails, and names the step', async () => {
    setup({ hooks: { beforeDefine: (xml) => xml.replace('machine="q35"', 'machine="no-such-machine"').replace('<domain type="qemu">', '<domain type="no-such-type">') } });
    const before = await snapshot();
    const e = await failure(call('vm.create', { spec: { name: 'vd-rollback', memoryMiB: 256, vcpus: 1, source: { kind: 'none' }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 }, network: { kind: 'none' } } }));
    expect(e.message).toMatch(/creating VM 'vd-rollback' failed at step 'define the VM'/);
    expect(e.message).toMatch(/Rolled back: deleted the volume 'vd-rollback.qcow2'/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to delete disks that are not deletable, and deletes nothing then', async () => {
    const img = path.join(tmp, 'outside.qcow2');
    await call('vm.create', { spec: { name: 'vd-a', memoryMiB: 256, vcpus: 1, source: { kind: 'none' }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 }, network: { kind: 'none' } } });
    // A second VM sharing vd-a's disk (defined behind the API's back) and a disk outside any pool.
    const shared = (await client.api.volumeInfo(POOL, 'vd-a.qcow2')).path;
    await client.api.defineDomain(`<domain type="qemu"><name>vd-b</name><memory unit="MiB">256</memory><vcpu>1</vcpu><os><type arch="x86_64">hvm</type></os><devices>
      <disk type="file" device="disk"><source file="${shared}"/><target dev="vda" bus="virtio"/></disk>
      <disk type="file" device="disk"><source file="${img}"/><target dev="vdb" bus="virtio"/></disk>
      <disk type="file" device="cdrom"><source file="/isos/x.iso"/><target dev="sda" bus="sata"/><readonly/></disk></devices></domain>`);
    const plan = await call('vm.deletePlan', { vm: { name: 'vd-b' } });
    expect(plan.disks.map((d) => [d.path, d.deletable, d.reason])).toEqual([
      [shared, false, "also used by VM 'vd-a'"],
      [img, false, expect.stringMatching(/not a volume of a running storage pool/)],
      ['/isos/x.iso', false, 'CD-ROM media are never deleted'],
    ]);
    for (const p of [shared, img, '/isos/x.iso', '/not/a/disk']) {
      const e = await failure(call('vm.delete', { vm: { name: 'vd-b' }, deleteDisks: [p] }));
      expect(e.field).toBe('deleteDisks');
      expect(e.message).toMatch(/nothing was deleted/);
    }
    expect((await snapshot()).domains).toContain('vd-b');
    // Keeping the disks works; vd-a's volume is still there.
    await call('vm.delete', { vm: { name: 'vd-b' }, deleteDisks: [] });
    expect((await snapshot()).volumes).toContain('vd-a.qcow2');
    // Now vd-a's disk is its own again.
    expect((await call('vm.deletePlan', { vm: { name: 'vd-a' } })).disks[0]).toMatchObject({ deletable: true });
  });
});

describe('storage and networks on the test driver', () => {
  it('creates, lists (with users), grows and deletes volumes; refuses while in use', async () => {
    const v = await call('volume.create', { pool: POOL, name: 'data-1.raw', sizeGiB: 1, format: 'raw' });
    expect(v).toMatchObject({ name: 'data-1.raw', capacity: 2 ** 30, usedBy: [] });
    expect((await failure(call('volume.create', { pool: POOL, name: 'data-1.raw', sizeGiB: 1 }))).message).toMatch(/already exists/);
    expect((await failure(call('volume.resize', { pool: POOL, name: 'data-1.raw', sizeGiB: 0.5 }))).message).toMatch(/can only grow/);
    // (Growing works on qemu:///system — see the integration test; the test driver cannot resize.)

    await call('vm.create', { spec: { name: 'vd-user', memoryMiB: 256, vcpus: 1, source: { kind: 'none' }, storage: { kind: 'existing', pool: POOL, volume: 'data-1.raw' }, network: { kind: 'none' } } });
    const listed = (await call('volume.list', { pool: POOL })).find((x) => x.name === 'data-1.raw');
    expect(listed).toMatchObject({ usedBy: ['vd-user'], format: 'raw' });
    expect((await failure(call('volume.delete', { pool: POOL, name: 'data-1.raw' }))).message).toMatch(/used by VM 'vd-user'/);
    expect((await failure(call('vm.create', { spec: { name: 'vd-user2', memoryMiB: 256, vcpus: 1, source: { kind: 'none' }, storage: { kind: 'existing', pool: POOL, volume: 'data-1.raw' } } }))).message).toMatch(/already used by VM 'vd-user'/);
    expect((await failure(call('pool.delete', { pool: POOL }))).message).toMatch(/in use by VM 'vd-user'/);
    await call('vm.delete', { vm: { name: 'vd-user' }, deleteDisks: [listed!.path] });
    expect((await snapshot()).volumes).not.toContain('data-1.raw');
  });

  it('defines, lists and deletes a directory pool', async () => {
    const dir = path.join(tmp, 'pool one');
    const p = await call('pool.define', { name: 'vd-pool', path: dir, start: true, autostart: false });
    expect(p).toMatchObject({ name: 'vd-pool', type: 'dir', path: dir, active: true });
    expect((await failure(call('pool.define', { name: 'vd-pool', path: path.join(tmp, 'x') }))).field).toBe('name');
    expect((await failure(call('pool.define', { name: 'vd-pool2', path: dir }))).message).toMatch(/already uses the folder/);
    await call('pool.delete', { pool: 'vd-pool' });
    expect((await call('pool.list', {})).map((x) => x.name)).not.toContain('vd-pool');
  });

  it('creates networks (refusing overlapping subnets) and deletes them', async () => {
    const overlap = await failure(call('network.create', { name: 'vd-net0', mode: 'nat', ipv4: { address: '192.168.122.10', prefix: 28, dhcpStart: '192.168.122.2', dhcpEnd: '192.168.122.9' } }));
    expect(overlap.message).toMatch(/overlaps network 'default'/);
    const n = await call('network.create', { name: 'vd-net1', mode: 'isolated', ipv4: { address: '10.77.0.1', prefix: 24, dhcpStart: '10.77.0.100', dhcpEnd: '10.77.0.200' }, start: false });
    expect(n).toMatchObject({ name: 'vd-net1', forward: null, active: false, ipv4: { address: '10.77.0.1', prefix: 24, dhcpStart: '10.77.0.100', dhcpEnd: '10.77.0.200' } });
    await call('vm.create', { spec: { name: 'vd-netuser', memoryMiB: 256, vcpus: 1, source: { kind: 'none' }, network: { kind: 'network', name: 'vd-net1' } } });
    expect((await call('network.list', {})).find((x) => x.name === 'vd-net1')?.usedBy).toEqual(['vd-netuser']);
    expect((await failure(call('network.delete', { name: 'vd-net1' }))).message).toMatch(/vd-netuser/);
    await call('network.delete', { name: 'vd-net1', force: true });
    expect((await call('network.list', {})).map((x) => x.name)).not.toContain('vd-net1');
  });

  it('answers os.search / os.defaults / os.detect', async () => {
    expect((await call('os.search', { query: 'win' })).map((o) => o.shortId)).toContain('win11');
    expect(await call('os.defaults', { id: 'win11' })).toMatchObject({ firmware: 'uefi' });
    expect((await failure(call('os.defaults', { id: 'nope' }))).code).toBe('NOT_FOUND');
    const text = path.join(tmp, 'text.iso');
    fs.writeFileSync(text, 'not an iso');
    // Not an ISO, no name to go by: no OS, and no error (disk images are detected this way too).
    expect(await call('os.detect', { path: text })).toEqual({ os: null, detectedBy: null, volumeId: '', systemId: '', publisherId: '', applicationId: '' });
    // A cloud image: the OS from its file name.
    const cloud = path.join(tmp, 'jammy-server-cloudimg-amd64.img');
    fs.writeFileSync(cloud, Buffer.alloc(4096));
    expect(await call('os.detect', { path: cloud })).toMatchObject({ os: { shortId: 'ubuntu22.04' }, detectedBy: 'file-name' });
    expect((await failure(call('os.detect', { path: path.join(tmp, 'missing.iso') }))).field).toBe('path');
  });

  it('browses only inside the allowed roots', async () => {
    fs.writeFileSync(path.join(tmp, 'a.iso'), 'x');
    expect((await call('fs.browse', { path: tmp })).entries.map((e) => e.name)).toContain('a.iso');
    expect((await failure(call('fs.browse', { path: '/etc' }))).message).toMatch(/outside the folders/);
    expect((await call('fs.browse', {})).roots).toContain(fs.realpathSync(tmp));
  });
});
