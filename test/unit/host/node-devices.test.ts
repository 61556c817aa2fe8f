// The passthrough list from node device XML fixtures (test/fixtures/node-devices): names from the
// XML, IOMMU groups, host drivers, who uses a device, and each refusal of a hostdev attach.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceSpec, type DeviceSpec } from '../../../src-main/contract';
import { buildDevice, parseDomain } from '../../../src-main/domain';
import { hostdevTarget, scanNodeDevices } from '../../../src-main/host/node-devices';

const DIR = path.join(__dirname, '../../fixtures/node-devices');
const RECORDS = fs.readdirSync(DIR).filter((f) => f.endsWith('.xml')).map((f) => ({ name: f.replace(/\.xml$/, ''), xml: fs.readFileSync(path.join(DIR, f), 'utf8') }));
const VM_XML = "<domain type='kvm'><name>gamer</name><devices></devices></domain>";

/** A domain named `name` with a hostdev from `spec` (built by the same code vm.addDevice uses). */
function vmWith(name: string, source: Extract<DeviceSpec, { kind: 'hostdev' }>['source'], running = false) {
  const d = parseDomain(VM_XML.replace('gamer', name));
  d.addDevice(buildDevice(d, deviceSpec.parse({ kind: 'hostdev', source })));
  return { name, xml: d.toXml(), running };
}

describe('node devices', () => {
  it('lists USB and PCI devices with names, IOMMU groups and host drivers; no root hubs', () => {
    const { result } = scanNodeDevices(RECORDS, []);
    expect(result.iommu).toEqual({ enabled: true });
    expect(result.devices.map((d) => d.name)).toEqual(['pci_0000_00_01_0', 'pci_0000_00_1f_6', 'pci_0000_01_00_0', 'usb_1_4']);
    const usb = result.devices.find((d) => d.type === 'usb')!;
    expect(usb).toEqual({ name: 'usb_1_4', type: 'usb', vendorId: '046d', productId: 'c52b', vendor: 'Logitech, Inc.', product: 'Unifying Receiver', usb: { bus: 1, device: 3 }, usedBy: [] });
    const nic = result.devices.find((d) => d.name === 'pci_0000_00_1f_6')!;
    expect(nic.pci).toEqual({ address: '0000:00:1f.6', iommuGroup: 12, groupPeers: [], driver: 'e1000e', usedByHost: true, className: 'network controller' });
    expect(nic.warning).toMatch(/the host uses this network controller \(driver e1000e\)/);
    const gpu = result.devices.find((d) => d.name === 'pci_0000_01_00_0')!;
    expect(gpu.pci).toMatchObject({ driver: 'vfio-pci', usedByHost: false, iommuGroup: 1, groupPeers: ['0000:00:01.0', '0000:01:00.1'], className: 'display controller' });
    expect(gpu.warning).toMatch(/IOMMU group 1 also holds 0000:00:01.0, 0000:01:00.1/);
    expect(result.devices.find((d) => d.name === 'pci_0000_00_01_0')!.warning).toMatch(/PCI bridge/);
  });

  it('says when the IOMMU is off', () => {
    const noGroups = RECORDS.map((r) => ({ ...r, xml: r.xml.replace(/<iommuGroup[\s\S]*?<\/iommuGroup>/, '') }));
    const { result } = scanNodeDevices(noGroups, []);
    expect(result.iommu.enabled).toBe(false);
    expect(result.iommu.note).toMatch(/^IOMMU is off on this host \(no \/sys\/kernel\/iommu_groups entries\).*intel_iommu=on.*USB devices do not need it/);
    expect(scanNodeDevices(RECORDS, [], false).result.iommu.enabled).toBe(false);
    expect(result.devices.find((d) => d.name === 'pci_0000_01_00_0')!.warning).toBe('PCI passthrough needs the IOMMU, which is off on this host');
  });

  it('names the VMs that use a device', () => {
    const doms = [vmWith('office', { type: 'usb', vendor: '046d', product: 'c52b' }), vmWith('gamer', { type: 'pci', address: '0000:01:00.0' })];
    const { result } = scanNodeDevices(RECORDS, doms);
    expect(result.devices.find((d) => d.name === 'usb_1_4')).toMatchObject({ usedBy: ['office'], warning: 'in use by VM office' });
    expect(result.devices.find((d) => d.name === 'pci_0000_01_00_0')!.usedBy).toEqual(['gamer']);
  });

  it('passes through what it can and refuses the rest with the reason', () => {
    const scan = scanNodeDevices(RECORDS, [vmWith('office', { type: 'usb', vendor: '046d', product: 'c52b' }, true)]);
    const target = (source: Extract<DeviceSpec, { kind: 'hostdev' }>['source'], vm = 'gamer') => {
      const r = hostdevTarget(source, scan, vm);
      return 'device' in r ? r.device.name : r.refusal;
    };
    expect(target({ type: 'pci', address: '0000:01:00.0' })).toBe('pci_0000_01_00_0');
    expect(target({ type: 'usb', bus: 1, device: 3 }, 'office')).toMatch(/^VM 'office' already has the USB device on bus 1 device 3/);
    expect(target({ type: 'usb', vendor: '046d', product: 'c52b' })).toMatch(/in use by running VM office: a device can be passed to one running VM at a time/);
    const offDefinition = scanNodeDevices(RECORDS, [vmWith('office', { type: 'usb', vendor: '046d', product: 'c52b' })]);
    expect(hostdevTarget({ type: 'usb', vendor: '046d', product: 'c52b' }, offDefinition, 'gamer')).toMatchObject({ device: { name: 'usb_1_4', usedBy: ['office'] } });
    expect(target({ type: 'usb', vendor: 'dead', product: 'beef' })).toBe('this host has no USB device dead:beef: host.nodeDevices lists the devices it has. Nothing was changed.');
    expect(hostdevTarget({ type: 'usb', vendor: 'dead', product: 'beef' }, scan, 'x')).toMatchObject({ notFound: true });
    expect(target({ type: 'pci', address: '0000:00:1f.6' })).toMatch(/is the host's network controller \(driver e1000e\): passing it through would take it away from the host/);
    expect(target({ type: 'pci', address: '0000:00:01.0' })).toMatch(/is a PCI bridge, part of the host/);
    const off = scanNodeDevices(RECORDS, [], false);
    expect(hostdevTarget({ type: 'pci', address: '0000:01:00.0' }, off, 'gamer')).toMatchObject({ refusal: expect.stringMatching(/^IOMMU is off/) });
    expect(hostdevTarget({ type: 'usb', vendor: '046d', product: 'c52b' }, off, 'gamer')).toMatchObject({ device: { name: 'usb_1_4' } });
  });
});
