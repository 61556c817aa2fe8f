// Changing a VM's hardware against the REAL qemu:///system daemon with the tiny TCG guest booted
// with a kernel that has 9p (test/support/ninep-guest.ts): refused input changes nothing (libvirt
// XML before/after), a 9p shared folder the guest mounts and reads, CPU mode/topology and boot
// order in the definition and (topology) in the guest after a restart, RNG/watchdog/channel
// added and removed live or for the next boot, disks grown, the host's node devices.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerContext, libvirtHandlers } from '../../src-main/api/handlers';
import { parseInput, type MethodName } from '../../src-main/contract';
import { canonicalXml, parseDomain, setDirectKernel, type DiskDevice, type FilesystemDevice } from '../../src-main/domain';
import { runCli } from '../support/cli';
import { EditFixture, failure, virsh } from '../support/edit-fixture';
import type { GuestShell } from '../support/guest-shell';
import { ninepGuestFiles } from '../support/ninep-guest';
import { SYSTEM_URI, tinyGuestXml } from '../support/tiny-guest';

const fx = new EditFixture('vdt-dev');
const { id: ID, name: NAME, pool: POOL, poolDir: POOL_DIR, client, call, liveXml, configXml, both, vm } = fx;
const SHARE = path.join(POOL_DIR, 'share');
const MARK = `shared-${process.pid}-ok`;
const C = { connection: SYSTEM_URI };
let uuid: string;
let mac: string;
let shell: GuestShell | undefined;

beforeAll(async () => {
  await fx.open();
  fs.mkdirSync(SHARE, { recursive: true });
  fs.writeFileSync(path.join(SHARE, 'hello.txt'), `${MARK}\n`);
  shell = await fx.startPooledGuest(ninepGuestFiles());
  uuid = fx.uuid;
  mac = parseDomain(await configXml()).devicesOf('interface')[0].mac!;
}, 300_000);

afterAll(async () => {
  await shell?.close();
  await fx.close();
});

describe('changing the hardware of a running VM', () => {
  it('refuses bad input with a clear message and changes nothing', async () => {
    const before = await both();
    const msg = async (method: MethodName, input: object) => (await failure(call(method, { ...vm(), ...input } as never))).message;
    expect(await msg('vm.setCpu', { topology: { sockets: 1, cores: 2, threads: 1 } })).toMatch(/1 × 2 × 1 = 2, but VM .* has a maximum of 1 vCPU: they must be equal/);
    expect(await msg('vm.setCpu', { topology: { sockets: 0, cores: 1, threads: 1 } })).toMatch(/topology.sockets must be at least 1/);
    expect(await msg('vm.setCpu', { mode: 'custom', model: 'NoSuchCpu' })).toMatch(/'NoSuchCpu' is not one this host's QEMU offers/);
    expect(await msg('vm.setCpu', { mode: 'host-passthrough' })).toMatch(/host-passthrough is not available for VM .* 'qemu' VM/);
    expect(await msg('vm.setBoot', { kernel: null, order: [] })).toMatch(/without a boot device .* could not start again/);
    expect(await msg('vm.setBoot', { firmware: 'uefi' })).toMatch(/has BIOS firmware; switching it to UEFI is refused: .*no longer start/);
    expect(await msg('vm.setBoot', { order: ['disk:vdz'] })).toMatch(/has no device 'disk:vdz'/);
    expect(await msg('vm.setBoot', { order: ['disk:vda', 'disk:vda'] })).toMatch(/names a device twice/);
    expect(await msg('vm.setBoot', { kernel: { kernel: `${POOL_DIR}/no<such>&'kernel"` } })).toMatch(/is not a file on this host/);
    expect(await msg('vm.addDevice', { device: { kind: 'video', model: 'qxl', vramKiB: 10 } })).toMatch(/vramKiB must be at least 1024 KiB/);
    expect(await msg('vm.addDevice', { device: { kind: 'watchdog', model: 'i6300esb', action: 'explode' } })).toMatch(/action must be reset, shutdown/);
    expect(await msg('vm.addDevice', { device: { kind: 'watchdog', model: 'itco' } })).toMatch(/itco watchdog is part of the q35 chipset .* use i6300esb/);
    expect(await msg('vm.addDevice', { device: { kind: 'graphics', type: 'vnc' } })).toMatch(/already has a VNC display \(graphics:0\)/);
    expect(await msg('vm.addDevice', { device: { kind: 'filesystem', driver: '9p', source: `${POOL_DIR}/a<b>&c`, target: 'x' } })).toMatch(/is not a folder on this host/);
    expect(await msg('vm.addDevice', { device: { kind: 'filesystem', driver: '9p', source: SHARE, target: 'bad<tag>' } })).toMatch(/target must be a mount tag/);
    const usb = await failure(call('vm.addDevice', { ...vm(), device: { kind: 'hostdev', source: { type: 'usb', vendor: 'dead', product: 'beef' } } }));
    expect([usb.code, usb.message]).toEqual(['NOT_FOUND', 'this host has no USB device dead:beef: host.nodeDevices lists the devices it has. Nothing was changed.']);
    expect(await msg('vm.resizeDisk', { target: 'vda', sizeGiB: 0.0078125 })).toMatch(/vda has 16 MiB; 8 MiB would shrink it .* Disks only grow/);
    expect(await msg('vm.resizeDisk', { target: 'hdc', sizeGiB: 1 })).toMatch(/hdc is a cdrom: only writable disks can grow/);
    expect(await msg('vm.removeDevice', { key: 'rng@nope' })).toMatch(/has no device 'rng@nope'/);
    expect(await both()).toEqual(before);
  });

  it('lists the hardware with keys the other methods take', async () => {
    const hw = await call('vm.hardware', vm());
    expect(hw.running).toBe(true);
    expect(hw.boot).toMatchObject({ firmware: 'bios', order: ['disk:vda'], menu: false });
    expect(hw.boot.bootable.map((b) => b.key)).toEqual(expect.arrayContaining(['disk:vda', 'disk:hdc', `interface:${mac}`]));
    expect(hw.cpu.modes).not.toContain('host-passthrough');
    expect(hw.cpu.models.find((m) => m.name === 'qemu64')).toEqual({ name: 'qemu64', usable: true });
    const gfx = hw.devices.find((d) => d.kind === 'graphics')!;
    expect(gfx).toMatchObject({ key: 'graphics:0', spec: { kind: 'graphics', type: 'vnc', listen: '127.0.0.1', autoport: true }, hotplug: false });
  });

  it('changes the display for the next boot; the running VM keeps its own', async () => {
    const r = await call('vm.updateDevice', { ...vm(), key: 'graphics:0', device: { kind: 'graphics', type: 'vnc', listen: '::1' } });
    expect(r).toMatchObject({ applied: 'config', pendingUntilShutdown: true, note: expect.stringMatching(/next boot/) });
    const listen = async (xml: string) => (parseDomain(xml).devicesOf('graphics')[0] as unknown as { listen?: string }).listen;
    expect([await listen(await liveXml()), await listen(await configXml())]).toEqual(['127.0.0.1', '::1']);
    expect((await failure(call('vm.updateDevice', { ...vm(), key: 'graphics:0', device: { kind: 'rng' } }))).message).toMatch(/'graphics:0' is a graphics, not a rng/);
    await call('vm.updateDevice', { ...vm(), key: 'graphics:0', device: { kind: 'graphics', type: 'vnc' } });
    expect(await listen(await configXml())).toBe('127.0.0.1');
  });

  it('adds and removes an RNG and a watchdog live, a guest-agent channel for the next boot', async () => {
    const rng = await call('vm.addDevice', { ...vm(), device: { kind: 'rng', source: '/dev/urandom' } });
    expect(rng).toMatchObject({ applied: 'both', pendingUntilShutdown: false, key: expect.stringMatching(/^rng@/) });
    expect(parseDomain(await liveXml()).device(rng.key)?.kind).toBe('rng');
    expect(parseDomain(await configXml()).devicesOf('rng')).toHaveLength(1);
    const wd = await call('vm.addDevice', { ...vm(), device: { kind: 'watchdog', model: 'i6300esb', action: 'poweroff' } });
    expect(wd).toMatchObject({ applied: 'both', pendingUntilShutdown: false });
    expect(parseDomain(await configXml()).devicesOf('watchdog')[0].attrAt('', 'action')).toBe('poweroff');
    expect((await failure(call('vm.addDevice', { ...vm(), device: { kind: 'watchdog', model: 'i6300esb' } }))).message).toMatch(/already has a watchdog/);
    const ch = await call('vm.addDevice', { ...vm(), device: { kind: 'channel', channel: 'guest-agent' } });
    expect(ch).toMatchObject({ applied: 'config', pendingUntilShutdown: true, note: expect.stringMatching(/no virtio-serial controller/) });
    expect((await call('vm.hardware', vm())).devices.find((d) => d.key === ch.key)).toMatchObject({ kind: 'channel', pending: 'added-at-next-boot', spec: { kind: 'channel', channel: 'guest-agent' } });

    expect(await call('vm.removeDevice', { ...vm(), key: rng.key })).toEqual({ applied: 'both', pendingUntilShutdown: false });
    expect(parseDomain(await liveXml()).devicesOf('rng')).toHaveLength(0);
    expect(parseDomain(await configXml()).devicesOf('rng')).toHaveLength(0);
    await call('vm.removeDevice', { ...vm(), key: wd.key });
    expect(parseDomain(await liveXml()).devicesOf('watchdog')).toHaveLength(0);
    expect(parseDomain(await configXml()).devicesOf('watchdog')).toHaveLength(0);
    expect(await call('vm.removeDevice', { ...vm(), key: ch.key })).toMatchObject({ applied: 'config' });
    expect(parseDomain(await configXml()).devicesOf('channel')).toHaveLength(0);
  }, 120_000);

  it('changes CPU, vCPUs, boot order and a 9p folder for the next boot; after a restart the guest has them', async () => {
    await call('vm.setVcpus', { ...vm(), vcpus: 2, maxVcpus: 2 });
    expect(await call('vm.setCpu', { ...vm(), mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 1 } })).toEqual({ applied: 'config', pendingUntilShutdown: true });
    expect(await call('vm.setBoot', { ...vm(), order: [`interface:${mac}`, 'disk:vda'], menu: true })).toEqual({ applied: 'config', pendingUntilShutdown: true });
    const fsAdd = await call('vm.addDevice', { ...vm(), device: { kind: 'filesystem', driver: '9p', source: SHARE, target: 'share', readonly: true } });
    expect(fsAdd).toMatchObject({ applied: 'config', pendingUntilShutdown: true, note: expect.stringMatching(/only virtiofs hotplugs/) });
    expect((await failure(call('vm.addDevice', { ...vm(), device: { kind: 'filesystem', driver: '9p', source: POOL_DIR, target: 'share' } }))).message).toMatch(/already shares a folder with the tag 'share'/);

    const c = parseDomain(await configXml());
    expect([c.cpu.mode, c.cpu.model, c.cpu.topology]).toEqual(['custom', 'qemu64', { sockets: 1, dies: 1, cores: 2, threads: 1 }]);
    expect(c.os.bootDevices).toEqual([]);
    expect([c.device(`interface:${mac}`)!.bootOrder, c.device('disk:vda')!.bootOrder, c.os.bootMenu]).toEqual([1, 2, true]);
    const share = c.devicesOf('filesystem')[0] as FilesystemDevice;
    expect([share.sourceDir, share.target, share.readonly, share.accessMode]).toEqual([SHARE, 'share', true, 'mapped']);
    const live = parseDomain(await liveXml());
    expect([live.maxVcpus, live.cpu.topology?.cores, live.devicesOf('filesystem').length]).toEqual([1, undefined, 0]);

    const sh = (shell = await fx.restart(shell));
    const out = (await sh.run('mkdir -p /mnt/s; mount -t 9p -o trans=virtio,version=9p2000.L share /mnt/s; echo F$(cat /mnt/s/hello.txt)F', /F(\S*)F/, 60_000))[1];
    expect(out).toBe(MARK);
    expect((await sh.run('echo P$(grep -c ^processor /proc/cpuinfo)/$(grep -m1 "cpu cores" /proc/cpuinfo | tr -dc 0-9)P', /P(\d+\/\d+)P/))[1]).toBe('2/2');
    expect((await call('vm.hardware', vm())).cpu).toMatchObject({ mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 1 }, vcpus: 2, maxVcpus: 2 });
  }, 240_000);

  it('keeps paths with XML metacharacters exact and adds virtiofs with shared memory for the next boot', async () => {
    const odd = path.join(POOL_DIR, `k&<x>'"`);
    fs.copyFileSync(ninepGuestFiles().kernel, odd);
    const original = parseDomain(await configXml()).os.kernel!;
    await call('vm.setBoot', { ...vm(), kernel: { kernel: odd, cmdline: `console=ttyS0 x="<&>"` } });
    const c = parseDomain(await configXml());
    expect([c.os.kernel, c.os.initrd, c.os.cmdline]).toEqual([odd, undefined, 'console=ttyS0 x="<&>"']);
    await call('vm.setBoot', { ...vm(), kernel: { kernel: original, initrd: ninepGuestFiles().initrd, cmdline: 'console=tty0 console=ttyS0 quiet' } });

    const dir = path.join(POOL_DIR, `d&<y>'`);
    fs.mkdirSync(dir);
    const shares = parseDomain(await configXml()).devicesOf('filesystem').length;
    const r = await call('vm.addDevice', { ...vm(), device: { kind: 'filesystem', driver: 'virtiofs', source: dir, target: 'vfs' } });
    expect(r).toMatchObject({ applied: 'config', pendingUntilShutdown: true, note: expect.stringMatching(/virtiofs needs guest memory shared with virtiofsd/) });
    const v = parseDomain(await configXml());
    expect([v.memoryAccess, v.memorySource]).toEqual(['shared', 'memfd']);
    expect((v.devicesOf('filesystem') as FilesystemDevice[]).map((f) => [f.driverType, f.sourceDir])).toContainEqual(['virtiofs', dir]);
    await call('vm.removeDevice', { ...vm(), key: r.key });
    expect(parseDomain(await configXml()).devicesOf('filesystem')).toHaveLength(shares);

    const before = await both();
    const noHelper = libvirtHandlers(handlerContext({ client: async () => ({ uri: SYSTEM_URI, client }), hasVirtiofsd: async () => false }));
    const e = await failure(noHelper['vm.addDevice'](parseInput('vm.addDevice', { ...vm(), device: { kind: 'filesystem', driver: 'virtiofs', source: dir, target: 'vfs2' } })));
    expect(e.message).toBe('virtiofs needs the virtiofsd helper, which is not installed on this host (Debian/Ubuntu: apt install virtiofsd). Use driver 9p instead, which needs no helper. Nothing was changed.');
    expect(await both()).toEqual(before);
  });

  it('adds a disk with serial, discard and shareable and grows it live; refuses to shrink', async () => {
    const r = await call('vm.attachDisk', { ...vm(), source: { newVolume: { pool: POOL, sizeGiB: 0.03125, format: 'raw' } }, serial: 'VDTSER1', discard: 'unmap', shareable: true, cache: 'none' });
    const disk = parseDomain(await configXml()).device(`disk:${r.target}`) as DiskDevice;
    expect([disk.serial, disk.discard, disk.shareable]).toEqual(['VDTSER1', 'unmap', true]);
    const grown = await call('vm.resizeDisk', { ...vm(), target: r.target, sizeGiB: 0.0625 });
    expect(grown).toEqual({ applied: 'both', pendingUntilShutdown: false, capacityBytes: 64 * 2 ** 20 });
    expect(virsh('domblkinfo', NAME, r.target)).toMatch(/Capacity:\s+67108864/);
    await shell!.run(`echo S$(cat /sys/block/${r.target}/serial)S$(cat /sys/block/${r.target}/size)Z`, /SVDTSER1S131072Z/, 60_000);
    expect((await failure(call('vm.resizeDisk', { ...vm(), target: r.target, sizeGiB: 0.03125 }))).message).toMatch(/would shrink it/);
  }, 120_000);
});

describe('the last boot device of a running VM', () => {
  it('is not removed, and the definition stays as it was', async () => {
    const name = `${ID}-boot`;
    const disk = path.join(POOL_DIR, 'boot.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '16M']);
    const d = parseDomain(tinyGuestXml(name, { disk }));
    setDirectKernel(d, null);
    d.device('disk:vda')!.bootOrder = 1;
    const ref = { uuid: (await client.api.defineDomain(d.toXml())).uuid };
    await client.api.startDomain(ref);
    const xml = async () => [canonicalXml(await client.api.domainXml(ref)), canonicalXml(await client.api.domainXml(ref, { inactive: true }))];
    const before = await xml();
    const e = await failure(call('vm.removeDevice', { ...C, vm: ref, key: 'disk:vda' }));
    expect(e.message).toMatch(/disk:vda is the last boot device of running VM .*: it could not start again without it/);
    expect((await failure(call('vm.setBoot', { ...C, vm: ref, order: [] }))).message).toMatch(/would leave running VM .* without a boot device/);
    expect(await xml()).toEqual(before);
    await client.api.destroyDomain(ref);
  });
});

describe('host devices', () => {
  it('lists the PCI devices the daemon reports, says the IOMMU is off, and refuses passthrough without it', async () => {
    const list = await call('host.nodeDevices', C);
    const names = virsh('nodedev-list', '--cap', 'pci').split('\n').filter(Boolean).sort();
    expect(list.devices.filter((d) => d.type === 'pci').map((d) => d.name).sort()).toEqual(names);
    const groups = fs.existsSync('/sys/kernel/iommu_groups') ? fs.readdirSync('/sys/kernel/iommu_groups').length : 0;
    expect(list.iommu.enabled).toBe(groups > 0);
    if (groups > 0) return;
    expect(list.iommu.note).toMatch(/IOMMU is off on this host \(no \/sys\/kernel\/iommu_groups entries\)/);
    const nic = list.devices.find((d) => d.pci?.className === 'network controller')!;
    expect(nic.pci).toMatchObject({ driver: expect.any(String), usedByHost: true });
    const before = await both();
    const e = await failure(call('vm.addDevice', { ...vm(), device: { kind: 'hostdev', source: { type: 'pci', address: nic.pci!.address } } }));
    expect(e.message).toMatch(/^IOMMU is off on this host .* Nothing was changed\.$/);
    expect(await both()).toEqual(before);
  });
});

describe('a shut-off VM', () => {
  it('grows its disk through the pool and changes the video model', async () => {
    await shell?.close();
    shell = undefined;
    await client.api.destroyDomain({ uuid });
    expect(await call('vm.resizeDisk', { ...vm(), target: 'vda', sizeGiB: 0.03125 })).toEqual({ applied: 'config', pendingUntilShutdown: false, capacityBytes: 32 * 2 ** 20 });
    expect((await client.api.volumeInfo(POOL, 'root.qcow2')).capacity).toBe(32 * 2 ** 20);
    const video = (await call('vm.hardware', vm())).devices.find((d) => d.kind === 'video')!;
    expect(await call('vm.updateDevice', { ...vm(), key: video.key, device: { kind: 'video', model: 'virtio', heads: 2 } })).toMatchObject({ applied: 'config', pendingUntilShutdown: false });
    const v = parseDomain(await configXml()).devicesOf('video');
    expect(v.map((x) => [x.attrAt('model', 'type'), x.attrAt('model', 'heads')])).toEqual([['virtio', '2']]);
  });

  it('the CLI changes CPU and boot order through the same core; attach-hostdev of a missing device exits 3 and changes nothing', async () => {
    const r = await runCli(['edit', NAME, '--connect', SYSTEM_URI, '--cpu-mode', 'host-model', '--topology', '2,1,1', '--boot-order', 'vda,cdrom,net0', '--boot-menu', 'off']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Changed '.*' in its definition/);
    const c = parseDomain(await configXml());
    expect([c.cpu.mode, c.cpu.model, c.cpu.topology?.sockets, c.cpu.topology?.cores, c.os.bootMenu]).toEqual(['host-model', undefined, 2, 1, undefined]);
    expect(['disk:vda', 'disk:hdc', `interface:${mac}`].map((k) => c.device(k)!.bootOrder)).toEqual([1, 2, 3]);
    const before = canonicalXml(await configXml());
    const h = await runCli(['attach-hostdev', NAME, '--connect', SYSTEM_URI, '--usb', 'dead:beef']);
    expect([h.code, h.stderr.trim()]).toEqual([3, expect.stringContaining('this host has no USB device dead:beef')]);
    expect(canonicalXml(await configXml())).toBe(before);
  }, 60_000);
});
