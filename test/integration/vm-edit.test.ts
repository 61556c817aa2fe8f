// Editing a VM against the REAL qemu:///system daemon with the tiny TCG guest: one running guest
// takes the live edits (CD-ROM media, a hot-added disk it sees in /proc/partitions, a hot-added
// NIC it sees in /sys/class/net; libvirt's device-removed event is forwarded), refused input changes nothing, vCPUs and memory set for the
// next boot show after a restart, managed save and restore, vm.defineXml, and title, autostart,
// tags and rename as vm.list and virsh show them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomain } from '../../src-main/domain';
import { EditFixture, failure, virsh } from '../support/edit-fixture';
import type { GuestShell } from '../support/guest-shell';
import { collectEvents, waitFor } from '../support/host-events';
import { SYSTEM_URI } from '../support/tiny-guest';
import { virtioGuestFiles } from '../support/virtio-guest';

const fx = new EditFixture('vdt-edit');
const { id: ID, name: NAME, pool: POOL, client, call, liveXml, configXml, both } = fx;
const ISO = path.join(fx.poolDir, 'media.iso');
let uuid: string;
let shell: GuestShell;

beforeAll(async () => {
  await fx.open();
  fs.mkdirSync(fx.poolDir, { recursive: true });
  const guest = virtioGuestFiles(fx.poolDir);
  fs.writeFileSync(ISO, Buffer.alloc(1024 * 1024));
  shell = await fx.startPooledGuest({ initrd: guest.initrd });
  uuid = fx.uuid;
}, 300_000);

afterAll(async () => {
  await shell?.close();
  await fx.close();
});

describe('editing a running VM', () => {
  it('refuses bad input and changes nothing', async () => {
    const before = await both();
    const vm = { name: NAME };
    const tooMuch = await failure(call('vm.setMemory', { connection: SYSTEM_URI, vm, memoryMiB: 4096 }));
    expect(tooMuch.message).toMatch(/more than the maximum memory .* raise maxMemoryMiB/);
    expect((await failure(call('vm.setMemory', { connection: SYSTEM_URI, vm, memoryMiB: 0 }))).field).toBe('memoryMiB');
    expect((await failure(call('vm.rename', { connection: SYSTEM_URI, vm, name: `${ID}<x` }))).message).toMatch(/must not contain "<"/);
    expect((await failure(call('vm.rename', { connection: SYSTEM_URI, vm, name: `${ID}-other` }))).message).toMatch(/running: .* only while it is shut off/);
    const dup = await failure(call('vm.attachDisk', { connection: SYSTEM_URI, vm, source: { path: ISO }, bus: 'virtio', target: 'vda' }));
    expect(dup.message).toMatch(/already has a disk vda/);
    const boot = await failure(call('vm.detachDisk', { connection: SYSTEM_URI, vm, target: 'vda' }));
    expect(boot.message).toMatch(/last boot disk of running VM/);
    expect(await both()).toEqual(before);
    expect((await client.api.listDomains()).filter((x) => x.name.startsWith(ID)).map((x) => x.name)).toEqual([NAME]);
  });

  it('inserts and ejects a CD-ROM medium live and in the definition', async () => {
    const hdc = async () => [parseDomain(await liveXml()), parseDomain(await configXml())].map((x) => (x.device('disk:hdc') as unknown as { source?: string }).source);
    expect(await call('vm.changeMedia', { connection: SYSTEM_URI, vm: { uuid }, target: 'hdc', path: ISO })).toEqual({ applied: 'both', pendingUntilShutdown: false });
    expect(await hdc()).toEqual([ISO, ISO]);
    await call('vm.changeMedia', { connection: SYSTEM_URI, vm: { uuid }, target: 'hdc', path: null });
    expect(await hdc()).toEqual([undefined, undefined]);
    expect((await failure(call('vm.changeMedia', { connection: SYSTEM_URI, vm: { uuid }, target: 'vda', path: ISO }))).message).toMatch(/not a CD-ROM/);
  });

  it('adds a disk the guest sees, removes it and keeps its file', async () => {
    const r = await call('vm.attachDisk', { connection: SYSTEM_URI, vm: { uuid }, source: { newVolume: { pool: POOL, sizeGiB: 0.0625, format: 'qcow2' } }, bus: 'virtio' });
    expect(r).toMatchObject({ applied: 'both', pendingUntilShutdown: false, target: 'vdb' });
    await shell.until('cat /proc/partitions', (out) => /\bvdb\b/.test(out), 60_000);
    expect(parseDomain(await configXml()).device('disk:vdb')).toBeTruthy();
    const alias = parseDomain(await liveXml()).device('disk:vdb')!.alias;
    const seen = collectEvents(client);
    const d = await call('vm.detachDisk', { connection: SYSTEM_URI, vm: { uuid }, target: 'vdb' });
    expect(d).toEqual({ applied: 'both', pendingUntilShutdown: false });
    await waitFor('the device-removed event', () => seen.events.find((e) => e.type === 'domain-device-removed' && e.uuid === uuid && e.alias === alias), 10_000);
    seen.stop();
    await shell.until('cat /proc/partitions', (out) => /\bvda\b/.test(out) && !/\bvdb\b/.test(out));
    expect(parseDomain(await liveXml()).device('disk:vdb')).toBeUndefined();
    expect(parseDomain(await configXml()).device('disk:vdb')).toBeUndefined();
    expect(fs.existsSync(r.path)).toBe(true);
  }, 120_000);

  it('adds a network interface the guest sees', async () => {
    const count = async () => Number((await shell.run('echo N$(ls /sys/class/net | wc -w)N', /N(\d+)N/))[1]);
    const before = await count();
    const r = await call('vm.attachNic', { connection: SYSTEM_URI, vm: { uuid }, source: { type: 'user' } });
    expect(r.applied).toBe('both');
    await shell.until('ls /sys/class/net | wc -w', (out) => Number(out.trim()) === before + 1, 60_000);
    expect(parseDomain(await configXml()).device(`interface:${r.mac}`)).toBeTruthy();
    await call('vm.setLinkState', { connection: SYSTEM_URI, vm: { uuid }, mac: r.mac, up: false });
    expect(virsh('domif-getlink', NAME, r.mac)).toMatch(/down/);
  }, 120_000);

  it('says so when the guest does not release a device, and it goes once the guest does', async () => {
    const r = await call('vm.attachNic', { connection: SYSTEM_URI, vm: { uuid }, source: { type: 'user' } });
    await client.api.suspendDomain({ uuid }); // a paused guest cannot answer the unplug request
    try {
      const e = await failure(call('vm.detachNic', { connection: SYSTEM_URI, vm: { uuid }, mac: r.mac }));
      expect(e.message).toBe('the guest did not release the network interface within 10 s: it may lack ACPI hot-unplug support; the network interface is removed at next shutdown');
      expect(parseDomain(await configXml()).device(`interface:${r.mac}`)).toBeUndefined();
      expect(parseDomain(await liveXml()).device(`interface:${r.mac}`)).toBeTruthy();
    } finally {
      await client.api.resumeDomain({ uuid });
    }
    let gone = false;
    for (let n = 0; n < 60 && !gone; n++) {
      gone = !parseDomain(await liveXml()).device(`interface:${r.mac}`);
      if (!gone) await new Promise((res) => setTimeout(res, 500));
    }
    expect(gone).toBe(true);
  }, 60_000);

  it('shows title, autostart and tags in vm.list and virsh', async () => {
    expect(await call('vm.setGeneral', { connection: SYSTEM_URI, vm: { uuid }, title: 'Edit <test> & co', autostart: true })).toEqual({ applied: 'both', pendingUntilShutdown: false });
    await call('vm.setTags', { connection: SYSTEM_URI, vm: { uuid }, tags: ['vdt-edit-a', 'b&<c'] });
    const vm = (await call('vm.list', { connection: SYSTEM_URI })).find((v) => v.uuid === uuid)!;
    expect(vm.autostart).toBe(true);
    expect(vm.tags).toEqual(['vdt-edit-a', 'b&<c']);
    expect(virsh('dominfo', NAME)).toMatch(/Autostart:\s+enable/);
    expect(virsh('desc', NAME, '--title').trim()).toBe('Edit <test> & co');
    await call('vm.setGeneral', { connection: SYSTEM_URI, vm: { uuid }, autostart: false });
    expect(virsh('dominfo', NAME)).toMatch(/Autostart:\s+disable/);
  });

  it('sets vCPUs and memory for the next boot; the guest has them after a restart', async () => {
    expect(await call('vm.setVcpus', { connection: SYSTEM_URI, vm: { uuid }, vcpus: 2, maxVcpus: 2 })).toEqual({ applied: 'config', pendingUntilShutdown: true });
    expect(await call('vm.setMemory', { connection: SYSTEM_URI, vm: { uuid }, memoryMiB: 384, maxMemoryMiB: 384 })).toEqual({ applied: 'config', pendingUntilShutdown: true });
    expect(parseDomain(await liveXml()).vcpus).toBe(1);
    shell = await fx.restart(shell);
    expect(await shell.until('grep -c ^processor /proc/cpuinfo', (o) => /\d/.test(o))).toMatch(/^\s*2\s*$/);
    const memKiB = Number((await shell.run('echo M$(grep MemTotal /proc/meminfo | tr -dc 0-9)M', /M(\d+)M/))[1]);
    expect(memKiB).toBeGreaterThan(300 * 1024); // 256 MiB before
    expect(memKiB).toBeLessThanOrEqual(384 * 1024);
  }, 180_000);

  it('saves the running guest and restores it', async () => {
    await shell.run('echo kept > /tmp/mark; echo W$((1))W', /W1W/);
    await shell.close();
    await call('vm.save', { connection: SYSTEM_URI, vm: { uuid } });
    const saved = await client.api.lookupDomain({ uuid });
    expect([saved.state, saved.hasManagedSave]).toEqual(['shutoff', true]);
    await call('vm.restore', { connection: SYSTEM_URI, vm: { uuid } });
    expect((await client.api.lookupDomain({ uuid })).state).toBe('running');
    shell = await fx.openShell();
    expect((await shell.run('echo X$(cat /tmp/mark)X', /X(\w*)X/))[1]).toBe('kept');
    expect((await failure(call('vm.restore', { connection: SYSTEM_URI, vm: { uuid } }))).message).toMatch(/already running/);
  }, 120_000);

  it('vm.defineXml refuses malformed and rejected documents unchanged and applies a valid one', async () => {
    const before = await both();
    const bad = await failure(call('vm.defineXml', { connection: SYSTEM_URI, vm: { uuid }, xml: '<domain type="qemu"><name>x' }));
    expect(bad.code).toBe('INVALID_INPUT');
    const doc = parseDomain(await configXml());
    doc.addDevice("<disk type='file' device='disk'><source file='/nonexistent'/><target dev='vdq' bus='no-such-bus'/></disk>");
    const rejected = await failure(call('vm.defineXml', { connection: SYSTEM_URI, vm: { uuid }, xml: doc.toXml() }));
    expect(rejected.message).toMatch(/libvirt refused the XML of VM .*\(nothing was changed\): .*failed to validate/);
    const renamed = parseDomain(await configXml());
    renamed.name = `${ID}-other`;
    expect((await failure(call('vm.defineXml', { connection: SYSTEM_URI, vm: { uuid }, xml: renamed.toXml() }))).message).toMatch(/vm.rename/);
    expect(await both()).toEqual(before);
    const good = parseDomain(await configXml());
    good.memoryKiB = 320 * 1024;
    good.currentMemoryKiB = 320 * 1024;
    expect(await call('vm.defineXml', { connection: SYSTEM_URI, vm: { uuid }, xml: good.toXml() })).toEqual({ applied: 'config', pendingUntilShutdown: true });
    expect(parseDomain(await configXml()).memoryKiB).toBe(320 * 1024);
  });

  it('renames the VM once it is shut off', async () => {
    await shell.close();
    await client.api.destroyDomain({ uuid });
    const r = await call('vm.rename', { connection: SYSTEM_URI, vm: { uuid }, name: `${ID}-renamed` });
    expect(r).toEqual({ applied: 'config', pendingUntilShutdown: false });
    expect((await call('vm.list', { connection: SYSTEM_URI })).find((v) => v.uuid === uuid)?.name).toBe(`${ID}-renamed`);
    expect(virsh('dominfo', `${ID}-renamed`)).toContain(uuid);
  });
});
