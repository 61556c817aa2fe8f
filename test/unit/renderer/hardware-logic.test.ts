// The Hardware tab's pure rules: reading live and inactive domain XML (keys as the domain model
// gives them), what waits for the next boot, the device list, where a change applies, field checks.
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { VmHardware } from '../../../src-main/contract';
import { parseDomain } from '../../../src-main/domain';
import { readDomainFacts, type ParseXml, type XmlElement } from '../../../src-renderer/vm/hardware/domain-facts';
import {
  appliedKey, bootRows, bootableFromDevices, checkMac, checkMemoryForm, checkTags, checkTopology, checkVcpuForm, deviceList, listEntries, listKeyTarget,
  moveItem, nextDiskTarget, parseTags, pendingChanges, whereInput, whereItApplies,
} from '../../../src-renderer/vm/hardware/hardware-logic';
import { checkDiskForm, checkNicForm, emptyDiskForm, emptyNicForm } from '../../../src-renderer/vm/hardware/add-forms';
import { emptyForm, formFromSpec, specFromForm, specHotplug } from '../../../src-renderer/vm/hardware/spec-form';

const parse: ParseXml = (xml) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as { documentElement: XmlElement | null };

const CONFIG = `<domain type='qemu'>
  <name>vm1</name>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>393216</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>/k</kernel></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/root.qcow2'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/i/new.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:AA:BB:01'/><source network='default'/><model type='virtio'/></interface>
    <serial type='pty'><target port='0'/></serial>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
</domain>`;

// The running VM: memory 256 MiB max, old medium, no RNG yet, a watchdog the definition no longer has; aliases everywhere.
const LIVE = `<domain type='qemu' id='3'>
  <name>vm1</name>
  <memory unit='KiB'>262144</memory>
  <currentMemory unit='KiB'>262144</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><kernel>/k</kernel></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/root.qcow2' index='2'/><backingStore/><target dev='vda' bus='virtio'/><boot order='1'/><alias name='virtio-disk0'/><address type='pci' slot='0x04'/></disk>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/i/old.iso' index='1'/><target dev='hdc' bus='ide'/><readonly/><alias name='ide0-1-0'/></disk>
    <interface type='network'><mac address='52:54:00:aa:bb:01'/><source network='default' bridge='virbr0'/><target dev='vnet0'/><model type='virtio'/><alias name='net0'/></interface>
    <serial type='pty'><source path='/dev/pts/3'/><target port='0'/><alias name='serial0'/></serial>
    <graphics type='vnc' port='5900' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='vga'/><alias name='video0'/></video>
    <watchdog model='i6300esb' action='reset'><alias name='watchdog0'/></watchdog>
  </devices>
</domain>`;

describe('reading domain XML', () => {
  it('gives each device the key the domain model gives it', () => {
    for (const xml of [CONFIG, LIVE]) {
      const facts = readDomainFacts(xml, parse);
      expect(facts.devices.map((d) => d.key)).toEqual(parseDomain(xml).deviceEntries().map((e) => e.key));
    }
    expect(readDomainFacts(LIVE, parse).devices.map((d) => d.key)).toContain('video@video0');
  });

  it('reads memory in KiB, vCPUs, firmware, kernel and device properties without live-only details', () => {
    const f = readDomainFacts(CONFIG, parse);
    expect(f).toMatchObject({ name: 'vm1', memoryKiB: 524288, currentMemoryKiB: 393216, vcpus: 1, maxVcpus: 2, firmware: 'bios', kernel: { kernel: '/k' } });
    const cd = readDomainFacts(LIVE, parse).devices.find((d) => d.key === 'disk:hdc')!;
    expect(cd.props).toMatchObject({ device: 'cdrom', 'source.file': '/i/old.iso', 'target.dev': 'hdc', readonly: '' });
    expect(Object.keys(cd.props).some((k) => k.startsWith('alias'))).toBe(false);
    expect(readDomainFacts(`<domain><name>x</name><memory unit='GiB'>2</memory></domain>`, parse).memoryKiB).toBe(2 * 1024 * 1024);
    expect(() => readDomainFacts('<network/>', parse)).toThrow(/not a domain/);
  });
});

describe('what waits for the next boot', () => {
  const live = readDomainFacts(LIVE, parse);
  const config = readDomainFacts(CONFIG, parse);

  it('lists memory, media and devices that differ between the running VM and its definition', () => {
    const p = pendingChanges(live, config);
    expect(p).toContainEqual({ what: 'memory', now: 262144, next: 393216 });
    expect(p).toContainEqual({ what: 'maxMemory', now: 262144, next: 524288 });
    expect(p).toContainEqual({ what: 'media', target: 'hdc', now: '/i/old.iso', next: '/i/new.iso' });
    expect(p).toContainEqual(expect.objectContaining({ what: 'deviceAdded', group: 'rng' }));
    expect(p).toContainEqual(expect.objectContaining({ what: 'deviceRemoved', group: 'watchdog' }));
    // Aliases, addresses, the VNC port and the NIC's target are live-only: not changes.
    expect(p.filter((c) => c.what === 'deviceAdded' || c.what === 'deviceRemoved')).toHaveLength(2);
    expect(p.some((c) => c.what === 'vcpus' || c.what === 'maxVcpus')).toBe(false);
  });

  it('is empty when the definition matches, or the VM is shut off', () => {
    expect(pendingChanges(config, readDomainFacts(CONFIG, parse))).toEqual([]);
    expect(pendingChanges(live, null)).toEqual([]);
  });

  it('marks devices in the list from the XML when vm.hardware is not there, grouped in order', () => {
    const list = deviceList(null, live, config);
    expect(list.map((d) => [d.group, d.pending ?? ''])).toEqual([
      ['disk', ''], ['cdrom', ''], ['interface', ''], ['graphics', ''], ['video', ''], ['serial', ''], ['rng', 'added-at-next-boot'], ['watchdog', 'removed-at-next-boot'],
    ]);
    expect(list[1]!.summary).toContain('/i/old.iso');
    const entries = listEntries(list);
    expect(entries.slice(0, 4).map((e) => e.id)).toEqual(['overview', 'cpu', 'memory', 'boot']);
  });

  it("uses vm.hardware's keys, summaries, specs and pending marks when there", () => {
    const hw = { devices: [
      { key: 'disk:vda', kind: 'disk', summary: 'virtio disk', hotplug: true },
      { key: 'rng:0', kind: 'rng', summary: 'virtio RNG', hotplug: true, pending: 'added-at-next-boot', spec: { kind: 'rng', source: '/dev/urandom' } },
      { key: 'tpm:0', kind: 'tpm', summary: 'TPM 2.0 (tpm-crb)', hotplug: false },
    ] } as unknown as VmHardware;
    const list = deviceList(hw, live, config);
    // The XML's language-neutral facts where the XML has the device, else the server's summary.
    expect(list.map((d) => [d.key, d.group, d.summary, d.pending])).toEqual([
      ['disk:vda', 'disk', 'virtio · /i/root.qcow2 · qcow2', undefined],
      ['tpm:0', 'tpm', 'TPM 2.0 (tpm-crb)', undefined],
      ['rng:0', 'rng', 'virtio · /dev/urandom', 'added-at-next-boot'],
    ]);
    expect(list[0]!.props['source.file']).toBe('/i/root.qcow2');
  });
});

describe('where a change applies', () => {
  it('says now and next boot for live settings of a running VM, next boot otherwise', () => {
    expect(whereItApplies('memory', true)).toBe('both');
    expect(whereItApplies('maxMemory', true)).toBe('config');
    expect(whereItApplies('memory', false)).toBe('config');
    expect(whereItApplies({ hotplug: false }, true)).toBe('config');
    expect(whereInput(true, true)).toEqual({ config: true });
    expect(whereInput(true, false)).toEqual({});
    expect(appliedKey({ applied: 'config', pendingUntilShutdown: true })).toBe('hw.applied.pending');
    expect(appliedKey({ applied: 'both', pendingUntilShutdown: false })).toBe('hw.applied.both');
  });
});

describe('field checks', () => {
  it('refuses memory out of range, unparsable, or over the maximum; accepts units', () => {
    expect(checkMemoryForm('8', '256', 'MiB')).toMatchObject({ key: 'hw.check.memoryMin', field: 'memory' });
    expect(checkMemoryForm('abc', '256', 'MiB')).toMatchObject({ key: 'hw.check.memoryNumber' });
    expect(checkMemoryForm('512', '256', 'MiB')).toMatchObject({ key: 'hw.check.memoryOverMax' });
    expect(checkMemoryForm('256', '99999999', 'MiB')).toMatchObject({ key: 'hw.check.memoryMax', field: 'maxMemory' });
    expect(checkMemoryForm('0.5', '1 GiB', 'GiB')).toEqual({ memoryMiB: 512, maxMemoryMiB: 1024 });
  });

  it('checks vCPUs, topology, MAC and tags', () => {
    expect(checkVcpuForm('3', '2')).toMatchObject({ key: 'hw.check.vcpusOverMax' });
    expect(checkVcpuForm('1.5', '2')).toMatchObject({ key: 'hw.check.countWhole' });
    expect(checkVcpuForm('2', '4')).toEqual({ vcpus: 2, maxVcpus: 4 });
    expect(checkTopology('1', '2', '2', 2)).toMatchObject({ key: 'hw.check.topology', params: { product: 4, max: 2 } });
    expect(checkTopology('1', '2', '1', 2)).toEqual({ sockets: 1, cores: 2, threads: 1 });
    expect(checkMac('')).toBeNull();
    expect(checkMac('01:00:5e:00:00:01')).toMatchObject({ key: 'hw.check.macMulticast' });
    expect(checkMac('52:54:00:zz:00:01')).toMatchObject({ key: 'hw.check.mac' });
    expect(parseTags(' a, b ,,a ')).toEqual(['a', 'b']);
    expect(checkTags('x'.repeat(65))).toMatchObject({ key: 'hw.check.tagLong' });
  });

  it('turns the disk and NIC forms into vm.attachDisk / vm.attachNic input, or names the field', () => {
    expect(checkDiskForm({ ...emptyDiskForm(), pool: 'default', size: '0' })).toMatchObject({ field: 'size' });
    expect(checkDiskForm({ ...emptyDiskForm(), pool: 'default', size: '2', cache: 'none', discard: 'unmap', serial: 'S1' })).toEqual({
      disk: { source: { newVolume: { pool: 'default', sizeGiB: 2, format: 'qcow2' } }, bus: 'virtio', cache: 'none', discard: 'unmap', serial: 'S1' },
    });
    expect(checkDiskForm({ ...emptyDiskForm(), source: 'file', path: 'rel/x.img' })).toMatchObject({ key: 'hw.check.pathAbsolute' });
    expect(checkDiskForm({ ...emptyDiskForm(), source: 'file', path: '/x.img', shareable: true })).toMatchObject({ key: 'hw.check.shareableCache' });
    expect(checkDiskForm({ ...emptyDiskForm(), source: 'file', path: '/x.img', serial: 'bad serial' })).toMatchObject({ field: 'serial' });
    expect(checkNicForm({ ...emptyNicForm(), type: 'bridge', bridge: 'br0;rm' })).toMatchObject({ key: 'hw.check.bridge' });
    expect(checkNicForm({ ...emptyNicForm(), network: 'default', mac: '52:54:00:AA:00:01' })).toEqual({ nic: { source: { type: 'network', network: 'default' }, model: 'virtio', mac: '52:54:00:aa:00:01' } });
  });

  it('turns a device form into a spec and back', () => {
    expect(specFromForm('graphics', { ...emptyForm('graphics'), listen: '300.1.1.1' })).toMatchObject({ key: 'hw.check.listen' });
    expect(specFromForm('graphics', { ...emptyForm('graphics'), autoport: false, port: '80' })).toMatchObject({ key: 'hw.check.countRange', field: 'port' });
    expect(specFromForm('input', { ...emptyForm('input'), bus: 'ps2' })).toMatchObject({ key: 'hw.check.tabletPs2' });
    expect(specFromForm('filesystem', { ...emptyForm('filesystem'), source: '/srv/share', target: 'bad tag' })).toMatchObject({ key: 'hw.check.mountTag' });
    expect(specFromForm('filesystem', { ...emptyForm('filesystem'), source: '/srv/share' })).toEqual({ spec: { kind: 'filesystem', driver: 'virtiofs', source: '/srv/share', target: 'share', readonly: false } });
    // A model without video memory drops the vram the form still has from the old model.
    expect(specFromForm('video', { ...formFromSpec({ kind: 'video', model: 'vga', vramKiB: 16384, heads: 1 }), model: 'virtio' })).toEqual({ spec: { kind: 'video', model: 'virtio', heads: 1 } });
    const spec = { kind: 'watchdog', model: 'itco', action: 'poweroff' } as const;
    expect(specFromForm('watchdog', formFromSpec(spec))).toEqual({ spec });
    expect(specHotplug('filesystem', emptyForm('filesystem'))).toBe(true);
    expect(specHotplug('video', emptyForm('video'))).toBe(false);
  });
});

describe('lists and boot order', () => {
  it('moves through the list with arrows, Home and End', () => {
    const ids = ['overview', 'cpu', 'memory'];
    expect(listKeyTarget(ids, 'cpu', 'ArrowDown')).toBe('memory');
    expect(listKeyTarget(ids, 'memory', 'ArrowDown')).toBe('memory');
    expect(listKeyTarget(ids, 'cpu', 'Home')).toBe('overview');
    expect(listKeyTarget(ids, 'cpu', 'End')).toBe('memory');
    expect(listKeyTarget(ids, 'cpu', 'a')).toBeNull();
  });

  it('moves a boot device up and down, and lists enabled ones first', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    const bootable = [{ key: 'disk:vda', summary: 'vda' }, { key: 'disk:hdc', summary: 'hdc' }, { key: 'interface:x', summary: 'nic' }];
    expect(bootRows(['interface:x', 'disk:vda'], bootable).map((r) => [r.key, r.enabled])).toEqual([['interface:x', true], ['disk:vda', true], ['disk:hdc', false]]);
    const devices = deviceList(null, readDomainFacts(CONFIG, parse), null);
    expect(bootableFromDevices(devices).order).toEqual(['disk:vda']);
    expect(nextDiskTarget('virtio', ['vda', 'vdb'])).toBe('vdc');
    expect(nextDiskTarget('sata', ['vda'])).toBe('sda');
  });
});
