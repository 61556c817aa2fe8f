// Changing an existing NIC and disk (vm.updateNic, vm.updateDisk) of a running tiny TCG guest on
// the REAL qemu:///system daemon: a source move between virtual networks applies live and in the
// definition; model, MAC, user mode and every disk setting wait for the next boot (definition
// only, pending); duplicate or malformed MACs, a bus change onto a taken target, a shareable
// disk with a host cache and a live disk change are refused with both XMLs unchanged.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishText } from '../../src-main/contract';
import { parseDomain, type DiskDevice, type InterfaceDevice } from '../../src-main/domain';
import { EditFixture, failure, virsh } from '../support/edit-fixture';
import { SYSTEM_URI, tinyGuestXml } from '../support/tiny-guest';

const fx = new EditFixture('vdt-hwedit');
const { id: ID, name: NAME, client, call, liveXml, configXml, both, vm } = fx;
const DIR = path.join('/var/lib/libvirt/images', ID);
const NET_A = `${ID}-a`;
const NET_B = `${ID}-b`;
const TAG = String(process.pid % 100000);
const NIC_MAC = '52:54:00:4e:01:01';
let userMac: string;
const nicOf = async (xml: string, mac: string) => parseDomain(xml).device(`interface:${mac}`) as InterfaceDevice | undefined;
const diskOf = async (xml: string, target: string) => parseDomain(xml).device(`disk:${target}`) as DiskDevice | undefined;

function isolatedNetwork(name: string, bridge: string): void {
  const file = path.join(fx.settingsDir, `${name}.xml`);
  fs.writeFileSync(file, `<network><name>${name}</name><bridge name='${bridge}'/></network>`);
  virsh('net-create', file);
}

beforeAll(async () => {
  await fx.open();
  isolatedNetwork(NET_A, `vdthw${TAG}a`);
  isolatedNetwork(NET_B, `vdthw${TAG}b`);
  fs.mkdirSync(DIR, { recursive: true });
  for (const f of ['root', 'sata']) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(DIR, `${f}.qcow2`), '16M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path.join(DIR, 'data.img'), '16M']);
  const d = parseDomain(tinyGuestXml(NAME, { disk: path.join(DIR, 'root.qcow2') }));
  d.addDevice(`<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${DIR}/data.img'/><target dev='vdb' bus='virtio'/></disk>`);
  d.addDevice(`<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${DIR}/sata.qcow2'/><target dev='sda' bus='sata'/></disk>`);
  d.addDevice(`<interface type='network'><mac address='${NIC_MAC}'/><source network='${NET_A}'/><model type='virtio'/></interface>`);
  fx.uuid = (await client.api.defineDomain(d.toXml())).uuid;
  userMac = (parseDomain(await configXml()).devicesOf('interface') as InterfaceDevice[]).find((n) => n.type === 'user')!.mac!;
  await client.api.startDomain({ uuid: fx.uuid });
}, 120_000);

afterAll(async () => {
  await fx.close(() => {
    for (const n of [NET_A, NET_B]) {
      try {
        virsh('net-destroy', n);
      } catch {
        // not created
      }
    }
    fs.rmSync(DIR, { recursive: true, force: true });
  });
});

describe('changing an existing NIC and disk of a running VM', () => {
  it('refuses bad NIC and disk changes with a clear message, both XMLs unchanged', async () => {
    const before = await both();
    const dup = await failure(call('vm.updateNic', { ...vm(), mac: NIC_MAC, newMac: userMac }));
    expect([dup.code, dup.field]).toEqual(['INVALID_INPUT', 'newMac']);
    expect(dup.message).toBe(`VM '${NAME}' already has a network interface with MAC ${userMac}: choose another MAC. Nothing was changed.`);
    expect(dup.text?.key, 'the refusal carries its message key (Japanese in the UI)').toBe('error.edit.macTakenChoose');
    const meta = await failure(call('vm.updateNic', { ...vm(), mac: NIC_MAC, newMac: "52:54:00:00:00:02'/><x" }));
    expect([meta.code, meta.field]).toEqual(['INVALID_INPUT', 'newMac']);
    expect(meta.message).toMatch(/newMac must be a MAC address such as 52:54:00:12:34:56/);
    const noNet = await failure(call('vm.updateNic', { ...vm(), mac: NIC_MAC, source: { type: 'network', network: `${ID}-none` } }));
    expect(noNet.message).toBe(`no virtual network named '${ID}-none'`);
    const missing = await failure(call('vm.updateNic', { ...vm(), mac: '52:54:00:4e:09:09', model: 'e1000' }));
    expect(missing.code).toBe('NOT_FOUND');
    const liveModel = await failure(call('vm.updateNic', { ...vm(), mac: NIC_MAC, model: 'e1000', live: true }));
    expect(liveModel.message).toMatch(/^Cannot change network interface 52:54:00:4e:01:01 live \(other interface settings \(model, MAC\) change at next boot\)/);

    const collide = await failure(call('vm.updateDisk', { ...vm(), target: 'vdb', bus: 'sata', newTarget: 'sda' }));
    expect([collide.field, collide.message]).toEqual(['newTarget', `VM '${NAME}' already has a disk sda: choose another target or leave newTarget out. Nothing was changed.`]);
    expect(collide.text?.key).toBe('error.edit.targetTakenNew');
    const prefix = await failure(call('vm.updateDisk', { ...vm(), target: 'vdb', bus: 'sata', newTarget: 'vdc' }));
    expect(prefix.message).toMatch(/a sata disk's target starts with 'sd'/);
    const shared = await failure(call('vm.updateDisk', { ...vm(), target: 'vdb', shareable: true }));
    expect(shared.message).toMatch(/^a shareable disk needs cache none/);
    const qcow2 = await failure(call('vm.updateDisk', { ...vm(), target: 'sda', shareable: true, cache: 'none' }));
    expect([qcow2.field, qcow2.message]).toEqual(['shareable', 'disk sda is a qcow2 image: only raw images can be shared between VMs (libvirt refuses other formats). Nothing was changed.']);
    const live = await failure(call('vm.updateDisk', { ...vm(), target: 'vdb', cache: 'none', live: true }));
    expect(live.message).toMatch(/^Cannot change disk vdb live \(other disk settings change at next boot\)/);
    const serial = await failure(call('vm.updateDisk', { ...vm(), target: 'vdb', serial: 'a<b>' }));
    expect(serial.field).toBe('serial');
    expect(await both()).toEqual(before);
  });

  it('moves a NIC to another virtual network live and in the definition', async () => {
    const r = await call('vm.updateNic', { ...vm(), mac: NIC_MAC, source: { type: 'network', network: NET_B } });
    expect(r).toEqual({ applied: 'both', pendingUntilShutdown: false, mac: NIC_MAC });
    expect((await nicOf(await liveXml(), NIC_MAC))?.sourceNetwork).toBe(NET_B);
    expect((await nicOf(await configXml(), NIC_MAC))?.sourceNetwork).toBe(NET_B);
    expect(virsh('domiflist', NAME)).toMatch(new RegExp(`network\\s+${NET_B}\\s+virtio\\s+${NIC_MAC}`));
  });

  it('changes model, MAC and a user-mode source for the next boot only', async () => {
    const model = await call('vm.updateNic', { ...vm(), mac: NIC_MAC, model: 'e1000' });
    expect(model).toMatchObject({ applied: 'config', pendingUntilShutdown: true, mac: NIC_MAC });
    expect((await nicOf(await liveXml(), NIC_MAC))?.model).toBe('virtio');
    expect((await nicOf(await configXml(), NIC_MAC))?.model).toBe('e1000');

    const newMac = '52:54:00:4e:01:02';
    expect(await call('vm.updateNic', { ...vm(), mac: NIC_MAC, newMac })).toMatchObject({ applied: 'config', pendingUntilShutdown: true, mac: newMac });
    const config = await configXml();
    expect(await nicOf(config, NIC_MAC)).toBeUndefined();
    expect((await nicOf(config, newMac))?.model).toBe('e1000');
    expect((await nicOf(config, newMac))?.sourceNetwork).toBe(NET_B);
    expect(await nicOf(await liveXml(), NIC_MAC)).toBeDefined();

    const user = await call('vm.updateNic', { ...vm(), mac: userMac, source: { type: 'network', network: NET_A } });
    expect(user).toMatchObject({ applied: 'config', pendingUntilShutdown: true });
    expect((await nicOf(await configXml(), userMac))?.type).toBe('network');
    expect((await nicOf(await configXml(), userMac))?.sourceNetwork).toBe(NET_A);
    expect((await nicOf(await liveXml(), userMac))?.type).toBe('user');
  });

  it('changes disk settings and the bus for the next boot', async () => {
    const r = await call('vm.updateDisk', { ...vm(), target: 'vdb', cache: 'none', discard: 'unmap', serial: 'HWEDIT-1', readonly: true });
    expect(r).toMatchObject({ applied: 'config', pendingUntilShutdown: true, target: 'vdb' });
    const conf = (await diskOf(await configXml(), 'vdb'))!;
    expect([conf.cache, conf.discard, conf.serial, conf.readonly]).toEqual(['none', 'unmap', 'HWEDIT-1', true]);
    const now = (await diskOf(await liveXml(), 'vdb'))!;
    expect([now.cache, now.serial, now.readonly]).toEqual([undefined, undefined, false]);

    const shared = await call('vm.updateDisk', { ...vm(), target: 'vdb', readonly: false, shareable: true, serial: null, cache: 'none' });
    expect(shared.target).toBe('vdb');
    const conf2 = (await diskOf(await configXml(), 'vdb'))!;
    expect([conf2.shareable, conf2.readonly, conf2.serial]).toEqual([true, false, undefined]);

    const bus = await call('vm.updateDisk', { ...vm(), target: 'vdb', bus: 'sata' });
    expect(bus).toMatchObject({ applied: 'config', pendingUntilShutdown: true, target: 'sdb' });
    const config = await configXml();
    expect(await diskOf(config, 'vdb')).toBeUndefined();
    const moved = (await diskOf(config, 'sdb'))!;
    expect([moved.bus, moved.source, moved.address?.type]).toEqual(['sata', `${DIR}/data.img`, 'drive']);
    expect((await diskOf(await liveXml(), 'vdb'))?.bus).toBe('virtio');
  });

  it('sends device summaries and passthrough notes with message keys whose English is the text', async () => {
    const hw = await call('vm.hardware', vm());
    const keyed = hw.devices.filter((d) => d.summaryText);
    expect(keyed.map((d) => d.kind)).toEqual(expect.arrayContaining(['disk', 'interface']));
    for (const d of keyed) expect(englishText(d.summaryText!)).toBe(d.summary);
    const nodes = await call('host.nodeDevices', { connection: SYSTEM_URI });
    for (const d of nodes.devices.filter((x) => x.warning)) expect(d.warningText && englishText(d.warningText), d.name).toBe(d.warning);
    if (nodes.iommu.note) expect(englishText(nodes.iommu.noteText!)).toBe(nodes.iommu.note);
    const blocked = nodes.devices.find((d) => d.warningText?.key === 'hostdev.warn.iommuOff');
    // With the IOMMU off (as on CI machines) a PCI device that is no bridge is refused for that reason.
    if (!nodes.iommu.enabled && nodes.devices.some((d) => d.pci && !d.pci.className?.includes('bridge'))) expect(blocked).toBeDefined();
    if (blocked) {
      const before = await both();
      const e = await failure(call('vm.addDevice', { ...vm(), device: { kind: 'hostdev', source: { type: 'pci', address: blocked.pci!.address } } }));
      expect([e.field, e.text?.key, e.message]).toEqual(['device.source', 'hostdev.iommuOffRefusal', `${nodes.iommu.note} Nothing was changed.`]);
      expect(await both()).toEqual(before);
    }
  });
});
