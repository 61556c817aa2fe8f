// Testing labs against the REAL qemu:///system daemon with the tiny TCG guest: a 3-machine lab
// on a qcow2 base (lab up → dirty a disk → lab reset → clean again; base unchanged throughout),
// lab down that spares a look-alike VM, invalid lab files that create nothing, an internal
// snapshot with memory that reverts a disk change, and full / linked clones.
import { virtioGuestFiles } from '../support/virtio-guest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult, VmSummary } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { labNetworkUuid } from '../../src-main/labs/lab-file';
import { LABS_POOL } from '../../src-main/clones/storage';
import { readVirtdeskMeta } from '../../src-main/xml/virtdesk-meta';
import { CLOUD_GUEST_MARKER, SYSTEM_URI, TINY_GUEST_MARKER, cloudTestImage, tinyGuestFiles, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { consoleText } from '../support/host-events';
import { GuestShell } from '../support/guest-shell';
import { failure } from '../support/api-failure';

const ID = uniqueName('vdl'); // vdl-<pid>-<rand>: a valid lab name prefix (≤ 24 characters in all)
const LAB = `${ID}`;
const LAB2 = `${ID}-b`;
const BASE_DIR = path.join('/var/lib/libvirt/images', `${ID}-base`); // a plain folder, not a pool
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const BASE = path.join(BASE_DIR, 'base.qcow2');

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let core: Core;
let settingsDir: string;
let fileDir: string;
let labsPoolExisted = false;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function labFile(name: string, body: string): string {
  const file = path.join(fileDir, `${name}.lab.yaml`);
  fs.writeFileSync(file, body);
  return file;
}

function tinyLab(lab: string, over: { base?: string; count?: number; extra?: string } = {}): string {
  const f = guest;
  return [
    `name: ${lab}`,
    'base:',
    `  ${over.base ?? `image: ${BASE}`}`,
    'machines:',
    '  - name: node',
    '    memoryMiB: 192',
    '    vcpus: 1',
    `    count: ${over.count ?? 3}`,
    '    boot:',
    `      kernel: ${f.kernel}`,
    `      initrd: ${f.initrd}`,
    '      cmdline: console=ttyS0 quiet',
    'tags: [integration, "a<b&c"]',
    over.extra ?? '',
  ].join('\n');
}

let guest: { kernel: string; initrd: string };

/** Everything on the host a lab could have touched. */
async function inventory() {
  const [domains, nets, pools] = await Promise.all([client.api.listDomains(), client.api.listNetworks(), client.api.listPools()]);
  const labsVols = pools.some((p) => p.name === LABS_POOL && p.active) ? await client.api.listVolumes(LABS_POOL) : [];
  return { domains: domains.map((d) => d.name).sort(), networks: nets.map((n) => n.name).sort(), pools: pools.map((p) => p.name).sort(), labsVolumes: labsVols.map((v) => v.name).sort() };
}

/** The tiny guest's shell on the serial console, once it answers and its disk is a real block device. */
async function openShell(uuid: string): Promise<GuestShell> {
  const sh = await GuestShell.overStream(client, uuid, { note: `marker ${TINY_GUEST_MARKER}` });
  // Booting (marker) or booted already: the shell answers arithmetic.
  await sh.run('echo R$((6*7))Z', /R42Z/, 120_000);
  // The disk must be a real block device (else writes to /dev/vda land in a RAM file).
  expect((await sh.run('[ -b /dev/vda ] && echo IS$((1))BLK || echo NOT$((0))BLK', /(IS1|NOT0)BLK/))[1]).toBe('IS1');
  return sh;
}

/** The first `n` bytes of /dev/vda as hex, read past the page cache. */
async function diskHead(sh: GuestShell, n: number): Promise<string> {
  return (await sh.run(`sync; echo 3 > /proc/sys/vm/drop_caches; echo B$(head -c ${n} /dev/vda | od -An -tx1 | tr -d ' \\n')E`, /B([0-9a-f]*)E/))[1];
}
const hex = (s: string): string => Buffer.from(s).toString('hex');

async function removeVm(ref: { uuid: string } | { name: string }): Promise<void> {
  await client.api.destroyDomain(ref).catch(() => undefined);
  await client.api.undefineDomain(ref, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() =>
    client.api.undefineDomain(ref, { managedSave: true, snapshotsMetadata: true }).catch(() => undefined),
  );
}

beforeAll(async () => {
  await client.connect();
  tinyGuestFiles();
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-labs-settings-'));
  fileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-labs-files-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await core.call('settings.update', { browseFolders: [fileDir] }); // lab files are read only inside the file roots
  labsPoolExisted = (await client.api.listPools()).some((p) => p.name === LABS_POOL);
  fs.mkdirSync(BASE_DIR, { recursive: true });
  guest = virtioGuestFiles(BASE_DIR);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', BASE, '64M']);
  fs.chmodSync(BASE, 0o644);
  await call('pool.define', { connection: SYSTEM_URI, name: POOL, path: POOL_DIR, start: true, autostart: false });
}, 180_000);

afterAll(async () => {
  // Only what this file created: lab VMs (by metadata), VMs with our prefix, our networks, volumes, pools, folders.
  for (const r of await client.api.allDomainXml().catch(() => [])) {
    const lab = readVirtdeskMeta(r.inactiveXml ?? r.xml)?.lab?.name;
    if (r.name.startsWith(ID) || lab === LAB || lab === LAB2) await removeVm({ uuid: r.uuid });
  }
  for (const n of await client.api.listNetworks().catch(() => [])) {
    if (n.uuid !== labNetworkUuid(LAB) && n.uuid !== labNetworkUuid(LAB2)) continue;
    await client.api.stopNetwork(n.name).catch(() => undefined);
    await client.api.undefineNetwork(n.name).catch(() => undefined);
  }
  for (const v of await client.api.listVolumes(LABS_POOL).catch(() => [])) if (v.name.startsWith(ID)) await client.api.deleteVolume(LABS_POOL, v.name).catch(() => undefined);
  if (!labsPoolExisted && (await client.api.listVolumes(LABS_POOL).catch(() => [1])).length === 0) {
    await client.api.stopPool(LABS_POOL).catch(() => undefined);
    await client.api.undefinePool(LABS_POOL).catch(() => undefined);
    fs.rmSync('/var/lib/libvirt/images/virtdesk-labs', { recursive: true, force: true });
  }
  for (const v of await client.api.listVolumes(POOL).catch(() => [])) await client.api.deleteVolume(POOL, v.name).catch(() => undefined);
  await client.api.stopPool(POOL).catch(() => undefined);
  await client.api.undefinePool(POOL).catch(() => undefined);
  for (const d of [POOL_DIR, BASE_DIR, fileDir, settingsDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  await core?.close();
  await client.close();
}, 180_000);

describe('labs on qemu:///system', () => {
  it('refuses invalid lab files with the line, and creates nothing', { timeout: 120_000 }, async () => {
    fs.writeFileSync(path.join(BASE_DIR, 'notes.txt'), 'not a disk image\n');
    // A VM the second lab's machine name would clash with.
    await client.api.defineDomain(tinyGuestXml(`${LAB2}-node`));
    const before = await inventory();
    const cases: [string, string, RegExp][] = [
      ['bad-yaml', tinyLab(LAB).replace('machines:', 'machines: [oops'), /^bad-yaml\.lab\.yaml:\d+: YAML syntax error: /],
      ['no-vm', tinyLab(LAB, { base: 'vm: no-such-template-vm' }), /^no-vm\.lab\.yaml:3: base\.vm: no VM named 'no-such-template-vm' on qemu:\/\/\/system$/],
      ['no-image', tinyLab(LAB, { base: `image: ${BASE_DIR}/missing.qcow2` }), /^no-image\.lab\.yaml:3: base\.image: base image '.*missing\.qcow2' does not exist$/],
      ['not-image', tinyLab(LAB, { base: `image: ${BASE_DIR}/notes.txt` }), /^not-image\.lab\.yaml:3: base\.image: .*notes\.txt' is not a disk image/],
      // machines[1] 'node-2' after 'node' × 2 (node-1, node-2).
      [
        'dup',
        tinyLab(LAB, { count: 2 }).replace('tags:', '  - { name: node-2, memoryMiB: 192, vcpus: 1 }\ntags:'),
        /^dup\.lab\.yaml:13: machines\[1\]\.name: 'node-2' is also a machine of machines\[0\]: 'node' with count 2 makes node-1, node-2/,
      ],
      ['count0', tinyLab(LAB, { count: 0 }), /^count0\.lab\.yaml:8: machines\[0\]\.count: must be between 1 and 50$/],
      ['count10000', tinyLab(LAB, { count: 10_000 }), /^count10000\.lab\.yaml:8: machines\[0\]\.count: must be between 1 and 50$/],
      ['clash', tinyLab(LAB2, { count: 1 }), new RegExp(`^clash\\.lab\\.yaml:5: machines\\[0\\]\\.name: a VM named '${LAB2}-node' already exists and does not belong to lab '${LAB2}'`)],
    ];
    for (const [name, body, message] of cases) {
      const e = await failure(call('lab.up', { connection: SYSTEM_URI, file: labFile(name, body) }));
      expect(e.message, name).toMatch(message);
      expect(e.code, name).toBe('INVALID_INPUT');
      expect(e.field, name).toBe('file');
    }
    expect(await inventory()).toEqual(before);
    await removeVm({ name: `${LAB2}-node` });
  });

  it('rolls back what lab up created when a machine cannot start', { timeout: 120_000 }, async () => {
    const fake = path.join(BASE_DIR, 'fake-vmlinuz');
    fs.writeFileSync(fake, 'not a kernel\n'.repeat(100));
    fs.chmodSync(fake, 0o644);
    const before = await inventory();
    const body = tinyLab(LAB, { count: 2 }).replace(`kernel: ${guest.kernel}`, `kernel: ${fake}`);
    const e = await failure(call('lab.up', { connection: SYSTEM_URI, file: labFile('rollback', body) }));
    expect(e.code).toBe('LIBVIRT');
    expect(e.message).toMatch(new RegExp(`^lab '${LAB}' up failed at step 'start '${LAB}-node-1'': `));
    expect(e.message).toMatch(/Rolled back: .*removed VM .*deleted volume .*removed the network 'vdlab-/);
    expect(await inventory()).toEqual(before);
  });

  it('brings a 3-machine lab up, resets a dirtied disk to baseline, and takes it down sparing a look-alike VM', { timeout: 420_000 }, async () => {
    const baseSum = sha256(BASE);
    const before = await inventory();
    const file = labFile('three', tinyLab(LAB));

    const up = await call('lab.up', { connection: SYSTEM_URI, file });
    expect(up.created).toEqual([`${LAB}-node-1`, `${LAB}-node-2`, `${LAB}-node-3`]);
    expect(up.machines.map((m) => [m.name, m.instance, m.state])).toEqual([1, 2, 3].map((i) => [`${LAB}-node-${i}`, `node-${i}`, 'running']));
    expect(up.network).toMatchObject({ name: `vdlab-${LAB}`, active: true, subnet: expect.stringMatching(/^10\.\d+\.\d+\.1\/24$/) });
    expect(up.base).toEqual([BASE]);
    expect(up.tags).toEqual(['integration', 'a<b&c']);
    for (const m of up.machines) {
      expect(m.overlays).toHaveLength(1);
      const info = execFileSync('qemu-img', ['info', '-U', '--output=json', m.overlays[0]], { encoding: 'utf8' });
      expect(JSON.parse(info)).toMatchObject({ format: 'qcow2', 'backing-filename': BASE, 'virtual-size': 64 * 2 ** 20 });
    }
    // Each VM is tagged in Virtdesk's metadata, and vm.list shows lab and tags.
    const meta = readVirtdeskMeta(await client.api.domainXml({ name: `${LAB}-node-2` }));
    expect(meta).toMatchObject({ lab: { name: LAB, machine: 'node', instance: 'node-2', network: `vdlab-${LAB}` }, tags: ['integration', 'a<b&c'], disks: [{ base: BASE, baseFormat: 'qcow2', pool: LABS_POOL }] });
    const listed = (await call('vm.list', { connection: SYSTEM_URI })) as VmSummary[];
    const mine = listed.filter((v) => v.lab === LAB).sort((a, b) => a.name.localeCompare(b.name));
    expect(mine.map((v) => [v.name, v.tags])).toEqual([1, 2, 3].map((i) => [`${LAB}-node-${i}`, ['integration', 'a<b&c']]));
    expect((await call('lab.list', { connection: SYSTEM_URI })).find((l) => l.name === LAB)).toMatchObject({ machines: 3, running: 3, network: `vdlab-${LAB}` });

    // Idempotent: a second up creates nothing and keeps the VMs.
    const again = await call('lab.up', { connection: SYSTEM_URI, file });
    expect(again.created).toEqual([]);
    expect(again.existing).toHaveLength(3);
    expect(again.machines.map((m) => m.uuid)).toEqual(up.machines.map((m) => m.uuid));

    // Dirty node-1's disk.
    const node1 = up.machines[0];
    let sh = await openShell(node1.uuid);
    try {
      expect(await diskHead(sh, 5)).toBe('0000000000');
      await sh.run('echo dirty > /dev/vda; sync; echo W$((1+1))', /W2/);
      expect(await diskHead(sh, 5)).toBe(hex('dirty'));
    } finally {
      await sh.close();
    }
    expect(sha256(BASE)).toBe(baseSum);

    // Reset: fresh overlays, machines running again, the marker is gone.
    const reset = await call('lab.reset', { connection: SYSTEM_URI, file });
    expect(reset.machines.map((m) => m.state)).toEqual(['running', 'running', 'running']);
    expect(reset.machines.map((m) => m.uuid)).toEqual(up.machines.map((m) => m.uuid));
    expect(reset.ms).toBeLessThan(30_000);
    sh = await openShell(node1.uuid);
    try {
      const head = await diskHead(sh, 5);
      expect(head).not.toBe(hex('dirty'));
      expect(head).toBe('0000000000');
    } finally {
      await sh.close();
    }
    expect(sha256(BASE)).toBe(baseSum);

    // Stop / start / status.
    expect((await call('lab.stop', { connection: SYSTEM_URI, file })).machines.map((m) => m.state)).toEqual(['shutoff', 'shutoff', 'shutoff']);
    expect((await call('lab.status', { connection: SYSTEM_URI, name: LAB })).machines.map((m) => m.state)).toEqual(['shutoff', 'shutoff', 'shutoff']);

    // A user's VM named like a lab machine (what a prefix filter would catch) survives lab down.
    const lookalike = `${LAB}-node-1-copy`;
    await client.api.defineDomain(tinyGuestXml(lookalike));
    const down = await call('lab.down', { connection: SYSTEM_URI, file });
    expect(down).toMatchObject({ lab: LAB, removedVms: [1, 2, 3].map((i) => `${LAB}-node-${i}`), removedNetwork: `vdlab-${LAB}`, problems: [] });
    expect(down.removedVolumes.sort()).toEqual(up.machines.flatMap((m) => m.overlays).sort());
    const after = await inventory();
    expect(after.domains).toEqual([...before.domains, lookalike].sort());
    expect(after.networks).toEqual(before.networks);
    expect(after.labsVolumes.filter((v) => v.startsWith(ID))).toEqual([]);
    for (const o of up.machines.flatMap((m) => m.overlays)) expect(fs.existsSync(o)).toBe(false);
    expect(fs.existsSync(BASE)).toBe(true);
    expect(sha256(BASE)).toBe(baseSum);
    await removeVm({ name: lookalike });
    // Down again: nothing left to remove, no error.
    expect(await call('lab.down', { connection: SYSTEM_URI, file })).toMatchObject({ removedVms: [], removedVolumes: [], removedNetwork: null });
  });

  it('gives each machine with cloudInit its own NoCloud seed (its user-data, its own instance-id and host name); lab down removes the seeds', { timeout: 240_000 }, async () => {
    const userData = '#cloud-config\npackages: [nginx]\nruncmd:\n  - echo "a<b & \'c\'" > /etc/motd\n';
    const extra = `    cloudInit: ${JSON.stringify(userData)}`;
    // Base: the bootable test cloud image, whose init reads the seed CD-ROM like cloud-init.
    const body = [`name: ${LAB2}`, 'base:', `  image: ${cloudTestImage()}`, 'machines:', '  - name: node', '    memoryMiB: 256', '    vcpus: 1', '    count: 2', extra, 'network: none', 'tags: [cloud]'].join('\n');
    const file = labFile('cloud', body);
    const validation = await call('lab.validate', { connection: SYSTEM_URI, file });
    expect(validation.ok).toBe(true);
    expect(validation.warnings.join('\n')).not.toMatch(/cloudInit/);
    const up = await call('lab.up', { connection: SYSTEM_URI, file });
    expect(up.warnings.join('\n')).not.toMatch(/not applied/);
    const seeds: string[] = [];
    const instanceIds = new Set<string>();
    for (const m of up.machines) {
      const xml = await call('vm.xml', { connection: SYSTEM_URI, vm: { name: m.name } });
      const meta = readVirtdeskMeta(xml);
      expect(meta?.seed?.volume).toBe(`${m.name}-cidata.iso`);
      const seed = meta!.seed!.path;
      seeds.push(seed);
      expect(xml).toMatch(new RegExp(`<disk type='file' device='cdrom'>[\\s\\S]*?<source file='${seed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
      expect(execFileSync('isoinfo', ['-d', '-i', seed]).toString()).toMatch(/Volume id: cidata/);
      expect(execFileSync('isoinfo', ['-i', seed, '-R', '-x', '/user-data']).toString()).toBe(userData);
      const metaData = execFileSync('isoinfo', ['-i', seed, '-R', '-x', '/meta-data']).toString();
      expect(metaData).toContain(`local-hostname: ${m.name}`);
      instanceIds.add(/instance-id: (\S+)/.exec(metaData)![1]);
      expect(m.state).toBe('running');
    }
    expect(instanceIds.size).toBe(2);
    // Inside a machine: the guest found its own seed (its name as host name).
    const first = up.machines[0];
    const { streamId } = await client.api.openConsole({ name: first.name }, { force: true });
    const con = consoleText(client, streamId);
    try {
      const until = Date.now() + 180_000;
      while (!con.text().includes(CLOUD_GUEST_MARKER) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    } finally {
      con.stop();
      await client.api.streamClose(streamId).catch(() => undefined);
    }
    expect(con.text()).toContain('VIRTDESK-SEED label: cidata');
    expect(con.text()).toContain(`${CLOUD_GUEST_MARKER} hostname=${first.name}`);
    const down = await call('lab.down', { connection: SYSTEM_URI, file });
    expect(down.removedVolumes).toEqual(expect.arrayContaining(seeds));
    for (const s of seeds) expect(fs.existsSync(s)).toBe(false);
  });
});

describe('snapshots and clones on qemu:///system', () => {
  const vm = `${ID}-snap`;
  let disk: string;

  beforeAll(async () => {
    disk = path.join(POOL_DIR, `${vm}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
    await client.api.refreshPool(POOL);
    await client.api.defineDomain(tinyGuestXml(vm, { disk }).replace(tinyGuestFiles().initrd, guest.initrd));
  });

  it('reverts a disk change through an internal snapshot with memory', { timeout: 240_000 }, async () => {
    const ref = { name: vm };
    expect(await call('snapshot.capabilities', { connection: SYSTEM_URI, vm: ref })).toMatchObject({
      internal: true,
      external: true,
      externalRevert: false,
      libVersion: '9.0.0',
      reasons: [expect.stringMatching(/needs libvirt ≥ 9\.9\.0 \(this host has 9\.0\.0\)/)],
    });
    await call('vm.start', { connection: SYSTEM_URI, vm: ref });
    const { uuid } = await client.api.lookupDomain(ref);
    let sh = await openShell(uuid);
    try {
      await sh.run('echo before > /dev/vda; sync; echo W$((2+2))', /W4/);
      expect(await diskHead(sh, 6)).toBe(hex('before'));
      const snap = await call('snapshot.create', { connection: SYSTEM_URI, vm: ref, name: 'clean', description: 'before the change' });
      expect(snap).toMatchObject({ name: 'clean', hasMemory: true, current: true, external: false, state: 'running', parent: null, description: 'before the change' });
      await sh.run('echo after > /dev/vda; sync; echo W$((3+3))', /W6/);
      expect(await diskHead(sh, 6)).toBe(hex('after\n'));
      await call('snapshot.revert', { connection: SYSTEM_URI, vm: ref, name: 'clean' });
      expect((await client.api.domainState(ref)).state).toBe('running');
      // libvirt 9.0 reverts a running VM by restarting QEMU from the snapshot: a new console.
      await sh.close();
      sh = await openShell(uuid);
      expect(await diskHead(sh, 6)).toBe(hex('before'));
    } finally {
      await sh.close();
    }
    const list = await call('snapshot.list', { connection: SYSTEM_URI, vm: ref });
    expect(list.map((s) => [s.name, s.current, s.hasMemory])).toEqual([['clean', true, true]]);
    await call('snapshot.delete', { connection: SYSTEM_URI, vm: ref, name: 'clean' });
    expect(await call('snapshot.list', { connection: SYSTEM_URI, vm: ref })).toEqual([]);
    await call('vm.forceOff', { connection: SYSTEM_URI, vm: ref });
  });

  it('makes full and linked clones of a shut-off VM; a linked clone needs the source shut off', { timeout: 120_000 }, async () => {
    await client.api.destroyDomain({ name: vm }).catch(() => undefined);
    // Mark the source disk with a pattern both clones must show.
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 64k', disk], { stdio: 'ignore' });
    const srcSum = sha256(disk);
    const full = await call('vm.clone', { connection: SYSTEM_URI, vm: { name: vm }, name: `${ID}-full`, mode: 'full' });
    expect(full.disks).toEqual([expect.objectContaining({ target: 'vda', source: disk, pool: POOL, volume: `${ID}-full-vda.qcow2`, path: path.join(POOL_DIR, `${ID}-full-vda.qcow2`) })]);
    const linked = await call('vm.clone', { connection: SYSTEM_URI, vm: { name: vm }, name: `${ID}-linked`, mode: 'linked' });
    expect(linked.disks).toEqual([expect.objectContaining({ target: 'vda', source: disk, pool: POOL, volume: `${ID}-linked-vda.qcow2` })]);
    for (const p of [full.disks[0].path, linked.disks[0].path]) execFileSync('qemu-io', ['-r', '-U', '-f', 'qcow2', '-c', 'read -P 0x5a 0 64k', p], { stdio: 'ignore' });
    const linkedInfo = JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', linked.disks[0].path], { encoding: 'utf8' }));
    expect(linkedInfo['backing-filename']).toBe(disk);
    const fullInfo = JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', full.disks[0].path], { encoding: 'utf8' }));
    expect(fullInfo['backing-filename']).toBeUndefined();
    expect(sha256(disk)).toBe(srcSum);

    const [src, a, b] = await Promise.all([vm, `${ID}-full`, `${ID}-linked`].map((n) => client.api.domainXml({ name: n })));
    const macs = (x: string) => [...x.matchAll(/mac address='([^']+)'/g)].map((m) => m[1]);
    expect(macs(a).some((m) => macs(src).includes(m))).toBe(false);
    expect(macs(b).some((m) => macs(src).includes(m))).toBe(false);
    expect(new Set([full.vm.uuid, linked.vm.uuid, (await client.api.lookupDomain({ name: vm })).uuid]).size).toBe(3);

    expect(await call('vm.templateInfo', { connection: SYSTEM_URI, vm: { name: vm } })).toEqual({ template: true, linkedClones: [`${ID}-linked`] });
    // The linked clone boots on its overlay.
    await call('vm.start', { connection: SYSTEM_URI, vm: { name: `${ID}-linked` } });
    expect((await client.api.domainState({ name: `${ID}-linked` })).state).toBe('running');
    await call('vm.forceOff', { connection: SYSTEM_URI, vm: { name: `${ID}-linked` } });

    // The source is a template now: the core asks for a confirmation before starting it.
    expect(await failure(call('vm.start', { connection: SYSTEM_URI, vm: { name: vm } }))).toMatchObject({ code: 'INVALID_INPUT', field: 'confirmTemplate' });
    await call('vm.start', { connection: SYSTEM_URI, vm: { name: vm }, confirmTemplate: true });
    const e = await failure(call('vm.clone', { connection: SYSTEM_URI, vm: { name: vm }, name: `${ID}-l2`, mode: 'linked' }));
    expect(e).toMatchObject({ code: 'INVALID_INPUT', field: 'vm' });
    expect(e.message).toMatch(/is running: a linked clone needs a shut-off source/);
    await call('vm.forceOff', { connection: SYSTEM_URI, vm: { name: vm } });
  });
});
