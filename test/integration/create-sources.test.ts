// Network installs and cloud images against the REAL qemu:///system daemon. The install tree is
// a local HTTP server laid out like a Debian mirror whose "installer" is the tiny test guest: a
// network install that really downloads, uploads and boots it shows the guest's serial marker.
// The cloud image is a small qcow2 outside every storage pool; the VM gets a grown copy of it and
// a NoCloud seed ISO whose files are read back with isoinfo.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerContext, libvirtHandlers, type LibvirtMethodName } from '../../src-main/api/handlers';
import { createCore } from '../../src-main/api/core';
import { validateInput, type CreateEventMap, type MethodInput, type MethodResult, type VmSpecInput } from '../../src-main/contract';
import { ApiError } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { CLOUD_GUEST_MARKER, SYSTEM_URI, TINY_GUEST_MARKER, cloudTestImage, uniqueName } from '../support/tiny-guest';
import { consoleText, waitFor } from '../support/host-events';
import { startInstallTree, type InstallTree } from '../support/install-tree';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';

const GiB = 2 ** 30;
const prefix = uniqueName('vdtest-src');
const POOL = prefix;
const POOL_DIR = path.join('/var/lib/libvirt/images', prefix);
/** Not a pool: the cloud image sits in a folder libvirt does not know. */
const IMAGE_DIR = path.join('/var/lib/libvirt/images', `${prefix}-downloads`);
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKc0ckqnw0yLzNdq0x4bAaVSeVp1cN3tWn7Vq5oLt3sh tester@example';

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
const events: CreateEventMap['vm.createProgress'][] = [];
const handlers: ReturnType<typeof libvirtHandlers> = libvirtHandlers(handlerContext({ client: async () => ({ uri: SYSTEM_URI, client }), emit: (e) => { if (e.type === 'vm.createProgress') events.push(e); }, urlTimeoutMs: 3000 }));
let tree: InstallTree;

async function call<M extends LibvirtMethodName>(name: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  const r = validateInput(name, input);
  if (!r.ok) throw new ApiError('INVALID_INPUT', r.message, r.field);
  return (handlers[name] as (i: unknown) => Promise<MethodResult<M>>)(r.value);
}

async function snapshot() {
  const [domains, volumes, pools] = await Promise.all([client.api.listDomains(), client.api.listVolumes(POOL), client.api.listPools()]);
  return { domains: domains.map((d) => d.name).sort(), volumes: volumes.map((v) => v.name).sort(), pools: pools.map((p) => p.name).sort() };
}
/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const isoFile = (iso: string, name: string) => execFileSync('isoinfo', ['-i', iso, '-R', '-x', `/${name}`]).toString();

beforeAll(async () => {
  await client.connect();
  tree = await startInstallTree();
  await client.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
  fs.mkdirSync(IMAGE_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await removeDomainsWithPrefix(client, prefix);
  await removeTestPool(client, POOL, POOL_DIR);
  fs.rmSync(IMAGE_DIR, { recursive: true, force: true });
  await tree?.close();
  await client.close();
}, 120_000);

describe('network install from a URL tree', () => {
  it('recognises the tree (installer folder) and says which kernel and initrd it boots', async () => {
    const info = await call('os.detectUrl', { url: tree.installerUrl });
    expect(info).toMatchObject({ family: 'debian', url: tree.installerUrl, cmdline: '' });
    expect(info.name).toBe('Debian 12.8 bookworm');
    expect(info.kernelUrl).toBe(`${tree.installerUrl}current/images/netboot/debian-installer/amd64/linux`);
    expect(info.initrdUrl).toBe(`${tree.installerUrl}current/images/netboot/debian-installer/amd64/initrd.gz`);
  });

  it('downloads the boot files, boots the installer once (serial marker), and leaves a definition that boots from disk', { timeout: 240_000 }, async () => {
    const name = `${prefix}-net`;
    events.length = 0;
    const spec: VmSpecInput = { name, memoryMiB: 256, vcpus: 1, source: { kind: 'url', url: tree.installerUrl, cmdline: 'console=ttyS0' }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 }, network: { kind: 'user' } };
    const r = await call('vm.create', { spec, start: true, progressId: 'net-1' });
    expect(r).toMatchObject({ vm: { name }, started: true, createdVolume: { pool: POOL, name: `${name}.qcow2` } });
    expect(r.warnings.join('\n')).toMatch(/starts the VM again from its disk/);

    // Progress: every step in order, byte counts for the downloads.
    const steps = [...new Set(events.filter((e) => e.progressId === 'net-1').map((e) => e.step))];
    expect(steps).toEqual(['check', 'download-kernel', 'download-initrd', 'volume', 'define', 'start', 'cleanup']);
    const kernelBytes = fs.statSync(execFileSync('bash', ['-c', 'ls /var/lib/libvirt/images/virtdesk-fixtures/vmlinuz']).toString().trim()).size;
    expect(events.filter((e) => e.step === 'download-kernel').at(-1)).toMatchObject({ done: kernelBytes, total: kernelBytes });

    // The installer (the tiny guest) really booted from the downloaded kernel.
    const { streamId } = await client.api.openConsole({ uuid: r.vm.uuid }, { force: true });
    const con = consoleText(client, streamId);
    try {
      await waitFor('the installer marker on the serial console', () => con.text().includes(TINY_GUEST_MARKER), 120_000);
    } finally {
      con.stop();
      await client.api.streamClose(streamId).catch(() => undefined);
    }
    // Live: kernel boot, reboot ends the install. Definition: boots from the disk, no kernel.
    const live = await client.api.domainXml({ uuid: r.vm.uuid });
    expect(live).toMatch(/<kernel>.*install-kernel<\/kernel>/);
    expect(live).toContain('<on_reboot>destroy</on_reboot>');
    const inactive = await client.api.domainXml({ uuid: r.vm.uuid }, { inactive: true });
    expect(inactive).not.toContain('<kernel>');
    expect(inactive).toContain('<on_reboot>restart</on_reboot>');
    expect(inactive).toMatch(/<boot dev=['"]hd['"]\/>/);
    // The boot files were removed once QEMU had loaded them; the disk stays.
    expect((await snapshot()).volumes).toEqual([`${name}.qcow2`]);
    expect(tree.requests).toContain('/debian/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64/initrd.gz');

    await client.api.destroyDomain({ uuid: r.vm.uuid });
    expect((await client.api.domainState({ uuid: r.vm.uuid })).state).toBe('shutoff');
    expect(await client.api.domainXml({ uuid: r.vm.uuid })).not.toContain('<kernel>');
  });

  it('refuses a URL that does not answer, a URL that is no install tree, and a network install without start — creating nothing', { timeout: 60_000 }, async () => {
    const before = await snapshot();
    const base = (url: string): VmSpecInput => ({ name: `${prefix}-bad`, memoryMiB: 256, vcpus: 1, source: { kind: 'url', url }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } });
    const port = await closedPort();
    const dead = await failure(call('vm.create', { spec: base(`http://127.0.0.1:${port}/debian/`), start: true }));
    expect(dead).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.source.url' });
    expect(dead.message).toMatch(new RegExp(`^URL does not answer: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    const notTree = await failure(call('vm.create', { spec: base(tree.mirrorUrl.replace('/debian/', '/nothing-here/')), start: true }));
    expect(notTree).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.source.url' });
    expect(notTree.message).toMatch(/no install tree Virtdesk knows at .*nothing-here/);
    const noStart = await failure(call('vm.create', { spec: base(tree.installerUrl), start: false }));
    expect(noStart).toMatchObject({ code: 'INVALID_INPUT', field: 'start' });
    const noDisk = await failure(call('vm.create', { spec: { ...base(tree.installerUrl), storage: { kind: 'none' } }, start: true }));
    expect(noDisk).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.storage.kind' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('after the installer (through the core, as the app runs it)', () => {
  it('starts the VM again from its disk when the installer reboots, and leaves it off when the user forces the installer off', { timeout: 300_000 }, async () => {
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-core-'));
    const core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
    try {
      const create = async (name: string) =>
        (await core.call('vm.create', {
          connection: SYSTEM_URI,
          spec: { name, memoryMiB: 256, vcpus: 1, source: { kind: 'url', url: tree.installerUrl, cmdline: 'console=ttyS0' }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 }, network: { kind: 'none' } },
          start: true,
        })) as MethodResult<'vm.create'>;

      // The installer "finishes": it reboots. The VM comes back, booting from its disk.
      const a = await create(`${prefix}-inst`);
      const { streamId } = await client.api.openConsole({ uuid: a.vm.uuid }, { force: true });
      const con = consoleText(client, streamId);
      const firstId = (await client.api.lookupDomain({ uuid: a.vm.uuid })).id;
      try {
        await waitFor('the installer on the serial console', () => con.text().includes(TINY_GUEST_MARKER), 120_000);
        // The live configuration carries the installer marker; the definition does not.
        expect(await client.api.domainXml({ uuid: a.vm.uuid })).toContain('installer');
        expect(await client.api.domainXml({ uuid: a.vm.uuid }, { inactive: true })).not.toContain('installer');
        const until = Date.now() + 30_000;
        while (Date.now() < until && (await client.api.lookupDomain({ uuid: a.vm.uuid })).id === firstId) {
          await client.api.streamWrite(streamId, new TextEncoder().encode('reboot -f\n')).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        con.stop();
        await client.api.streamClose(streamId).catch(() => undefined);
      }
      let again = await client.api.lookupDomain({ uuid: a.vm.uuid });
      for (const until = Date.now() + 60_000; Date.now() < until && (again.id === -1 || again.id === firstId); ) {
        await new Promise((r) => setTimeout(r, 250));
        again = await client.api.lookupDomain({ uuid: a.vm.uuid });
      }
      expect(again.id, 'the VM runs again after the installer rebooted').not.toBe(-1);
      expect(again.id).not.toBe(firstId);
      const live = await client.api.domainXml({ uuid: a.vm.uuid });
      expect(live).not.toContain('<kernel>');
      expect(live).toMatch(/<boot dev=['"]hd['"]\/>/);

      // Forced off while installing: the user's call, it stays off.
      const b = await create(`${prefix}-inst2`);
      await client.api.destroyDomain({ uuid: b.vm.uuid });
      await new Promise((r) => setTimeout(r, 3000));
      expect((await client.api.domainState({ uuid: b.vm.uuid })).state).toBe('shutoff');
    } finally {
      await core.close();
      fs.rmSync(settingsDir, { recursive: true, force: true });
    }
  });
});

describe('cloud image + cloud-init', () => {
  it('copies the image into the pool grown to the chosen size, attaches a NoCloud seed with the user, key and hashed password, and leaves the image untouched', { timeout: 180_000 }, async () => {
    const image = path.join(IMAGE_DIR, 'debian-12-genericcloud-amd64.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
    execFileSync('qemu-io', ['-c', 'write -P 0x5a 0 1M', image], { stdio: 'ignore' });
    const imageSha = sha256(image);
    const poolsBefore = (await snapshot()).pools;
    const name = `${prefix}-cloud`;
    events.length = 0;
    const spec: VmSpecInput = {
      name,
      memoryMiB: 256,
      vcpus: 1,
      source: { kind: 'cloud', image, cloudInit: { user: 'alice', password: 'correct horse', sshKey: SSH_KEY, hostname: 'web-1' } },
      storage: { kind: 'new', pool: POOL, sizeGiB: 1 },
      network: { kind: 'user' },
    };
    const r = await call('vm.create', { spec, start: true, progressId: 'cloud-1' });
    expect(r).toMatchObject({ vm: { name }, started: true, createdVolume: { pool: POOL, name: `${name}.qcow2` } });
    expect(r.warnings.join('\n')).toMatch(/detected from the image's file name/);
    expect([...new Set(events.filter((e) => e.progressId === 'cloud-1').map((e) => e.step))]).toEqual(['check', 'copy-image', 'seed', 'define', 'start']);
    expect((await client.api.domainState({ uuid: r.vm.uuid })).state).toBe('running');

    // The copy: in the pool, qcow2, grown to 1 GiB, with the image's data.
    const copy = path.join(POOL_DIR, `${name}.qcow2`);
    const vol = await client.api.volumeInfo(POOL, `${name}.qcow2`);
    expect(vol.capacity).toBe(GiB);
    expect(execFileSync('qemu-io', ['-r', '-U', '-c', 'read -P 0x5a 0 1M', copy]).toString()).not.toMatch(/Pattern verification failed/);
    expect(sha256(image)).toBe(imageSha);
    // The helper pool for the image's folder is gone again; the folder's files are not.
    expect((await snapshot()).pools).toEqual(poolsBefore);
    expect(fs.existsSync(image)).toBe(true);

    // The seed: volume label cidata, user-data with the user, key and a SHA-512 hash only.
    const seed = path.join(POOL_DIR, `${name}-cidata.iso`);
    expect(execFileSync('isoinfo', ['-d', '-i', seed]).toString()).toMatch(/Volume id: cidata/);
    const userData = isoFile(seed, 'user-data');
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const config = parseYaml(userData) as { hostname: string; users: { name: string; passwd: string; ssh_authorized_keys: string[]; lock_passwd: boolean }[] };
    expect(config.hostname).toBe('web-1');
    expect(config.users).toHaveLength(1);
    expect(config.users[0]).toMatchObject({ name: 'alice', ssh_authorized_keys: [SSH_KEY], lock_passwd: false });
    expect(config.users[0].passwd).toMatch(/^\$6\$[^$]+\$[A-Za-z0-9./]{86}$/);
    expect(userData).not.toContain('correct horse');
    expect(isoFile(seed, 'meta-data')).toMatch(/local-hostname: web-1/);
    const xml = await client.api.domainXml({ uuid: r.vm.uuid });
    expect(xml).toContain(`<source file='${seed}'`);
    expect(xml).toMatch(/<virtdesk:seed [^>]*volume="[^"]*-cidata\.iso"|<virtdesk:seed [^>]*volume='[^']*-cidata\.iso'/);

    // Deleting the VM offers the seed it made (not other CD-ROMs) and removes it when asked.
    const plan = await call('vm.deletePlan', { vm: { uuid: r.vm.uuid } });
    expect(plan.disks.find((d) => d.path === seed)).toMatchObject({ device: 'cdrom', deletable: true });
    await call('vm.delete', { vm: { uuid: r.vm.uuid }, deleteDisks: [seed, copy] });
    expect((await snapshot()).volumes.filter((v) => v.startsWith(name))).toEqual([]);
    expect(sha256(image)).toBe(imageSha);
  });

  it('boots a cloud image whose guest finds the seed CD-ROM like cloud-init does: label cidata, its host name and user', { timeout: 240_000 }, async () => {
    const image = cloudTestImage();
    const imageSha = sha256(image);
    const name = `${prefix}-boot`;
    const r = await call('vm.create', {
      spec: { name, memoryMiB: 256, vcpus: 1, source: { kind: 'cloud', image, cloudInit: { user: 'carol', password: 'pw', hostname: 'web-7' } }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 }, network: { kind: 'none' } },
      start: true,
    });
    const { streamId } = await client.api.openConsole({ uuid: r.vm.uuid }, { force: true });
    const con = consoleText(client, streamId);
    try {
      await waitFor('the cloud guest on the serial console', () => con.text().includes(CLOUD_GUEST_MARKER), 180_000);
    } finally {
      con.stop();
      await client.api.streamClose(streamId).catch(() => undefined);
    }
    const out = con.text();
    expect(out).toContain('VIRTDESK-SEED label: cidata');
    expect(out).toContain('VIRTDESK-SEED local-hostname: web-7');
    expect(out).toContain('VIRTDESK-SEED user: carol');
    expect(out).toContain(`${CLOUD_GUEST_MARKER} hostname=web-7`);
    expect(sha256(image)).toBe(imageSha);
  });

  it('refuses a cloud image without a new disk, a disk smaller than the image, and cloud-init nobody can log in with — creating nothing', { timeout: 60_000 }, async () => {
    const image = path.join(IMAGE_DIR, 'small.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '2G']);
    const before = await snapshot();
    const base: VmSpecInput = { name: `${prefix}-badcloud`, memoryMiB: 256, vcpus: 1, source: { kind: 'cloud', image, cloudInit: { user: 'bob', sshKey: SSH_KEY } }, storage: { kind: 'new', pool: POOL, sizeGiB: 1 } };
    const small = await failure(call('vm.create', { spec: base }));
    expect(small).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.storage.sizeGiB' });
    expect(small.message).toMatch(/smaller than the cloud image itself \(2 GiB\)/);
    expect(await failure(call('vm.create', { spec: { ...base, storage: { kind: 'none' } } }))).toMatchObject({ field: 'spec.storage.kind' });
    expect(await failure(call('vm.create', { spec: { ...base, source: { kind: 'cloud', image, cloudInit: { user: 'bob' } } } }))).toMatchObject({ field: 'spec.source.cloudInit.password' });
    expect(await failure(call('vm.create', { spec: { ...base, source: { kind: 'cloud', image, cloudInit: { user: 'root', password: 'x' } } } }))).toMatchObject({ field: 'spec.source.cloudInit.user' });
    expect(await failure(call('vm.create', { spec: { ...base, source: { kind: 'cloud', image: '/etc/hostname', cloudInit: { user: 'bob', password: 'x' } } } }))).toMatchObject({ field: 'spec.source.image' });
    expect(await snapshot()).toEqual(before);
  });
});
