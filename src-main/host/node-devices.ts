// The host's USB and PCI devices (node device XML from virConnectListAllNodeDevices) as the
// passthrough list shows them, and why a passthrough would be refused. Pure: the XML comes in.
import type { DeviceSpec, NodeDevice, NodeDevicesResult } from '../contract/vm-devices';
import { HostdevDevice, parseDomain, parseXmlDocument, elementChildren, type Element } from '../domain';

const kid = (el: Element | undefined, name: string): Element | undefined => (el ? elementChildren(el).find((c) => c.tagName === name) : undefined);
const text = (el: Element | undefined): string | undefined => el?.textContent?.trim() || undefined;
const hex4 = (v: string | null | undefined): string => (parseInt(v ?? '0', 16) || 0).toString(16).padStart(4, '0');
const num = (el: Element | undefined): number => Number(text(el) ?? NaN);

const PCI_CLASSES: Record<string, string> = {
  '00': 'unclassified device', '01': 'storage controller', '02': 'network controller', '03': 'display controller', '04': 'multimedia controller',
  '05': 'memory controller', '06': 'bridge', '07': 'communication controller', '08': 'system peripheral', '09': 'input device controller',
  '0a': 'docking station', '0b': 'processor', '0c': 'serial bus controller', '0d': 'wireless controller', '0e': 'intelligent controller',
  '0f': 'satellite controller', '10': 'encryption controller', '11': 'signal processing controller', '12': 'processing accelerator', 'ff': 'device',
};
/** Drivers that leave a device free for passthrough. */
const PASSTHROUGH_DRIVERS = ['vfio-pci', 'pci-stub', 'pciback'];
/** The Linux root hubs (vendor 1d6b) are part of the host's USB controllers, never passed through alone. */
const ROOT_HUB_VENDOR = '1d6b';

export function pciAddressOf(domain: number, bus: number, slot: number, fn: number): string {
  return `${domain.toString(16).padStart(4, '0')}:${bus.toString(16).padStart(2, '0')}:${slot.toString(16).padStart(2, '0')}.${fn.toString(16)}`;
}

type Parsed = Omit<NodeDevice, 'usedBy' | 'warning'>;
/** A parsed device and its PCI class code (6 hex digits), which the contract does not carry. */
interface Entry { device: Parsed; classCode: string }

function parseOne(name: string, xml: string): Entry | undefined {
  let root: Element;
  try {
    root = parseXmlDocument(xml, 'node device XML').documentElement!;
  } catch {
    return undefined;
  }
  const cap = elementChildren(root).find((c) => c.tagName === 'capability');
  const type = cap?.getAttribute('type');
  const vendorEl = kid(cap, 'vendor');
  const productEl = kid(cap, 'product');
  const ids = { vendorId: hex4(vendorEl?.getAttribute('id')), productId: hex4(productEl?.getAttribute('id')) };
  const names = { ...(text(vendorEl) ? { vendor: text(vendorEl) } : {}), ...(text(productEl) ? { product: text(productEl) } : {}) };
  if (type === 'usb_device') {
    if (ids.vendorId === ROOT_HUB_VENDOR) return undefined;
    return { device: { name, type: 'usb', ...ids, ...names, usb: { bus: num(kid(cap, 'bus')), device: num(kid(cap, 'device')) } }, classCode: '' };
  }
  if (type !== 'pci') return undefined;
  const address = pciAddressOf(num(kid(cap, 'domain')), num(kid(cap, 'bus')), num(kid(cap, 'slot')), num(kid(cap, 'function')));
  const group = kid(cap, 'iommuGroup');
  const hex = (a: Element, k: string) => parseInt(a.getAttribute(k) ?? '0', 16);
  const peers = group ? elementChildren(group).filter((a) => a.tagName === 'address').map((a) => pciAddressOf(hex(a, 'domain'), hex(a, 'bus'), hex(a, 'slot'), hex(a, 'function'))) : [];
  const driver = text(kid(kid(root, 'driver'), 'name'));
  const classCode = (text(kid(cap, 'class')) ?? '').replace(/^0x/, '').padStart(6, '0').toLowerCase();
  const className = classCode.startsWith('0c03') ? 'USB controller' : classCode !== '000000' ? (PCI_CLASSES[classCode.slice(0, 2)] ?? 'device') : undefined;
  const pci: NonNullable<NodeDevice['pci']> = {
    address,
    ...(group ? { iommuGroup: Number(group.getAttribute('number')) } : {}),
    groupPeers: peers.filter((p) => p !== address),
    ...(driver ? { driver } : {}),
    usedByHost: !!driver && !PASSTHROUGH_DRIVERS.includes(driver),
    ...(className ? { className } : {}),
  };
  return { device: { name, type: 'pci', ...ids, ...names, pci }, classCode };
}

const isBridge = (e: Entry) => e.classCode.startsWith('06');
/** A device the host cannot spare: its disk and network controllers, bridges, USB controllers (keyboard, mouse). */
const hostNeeds = (e: Entry) => !!e.device.pci?.usedByHost && (['01', '02', '06'].includes(e.classCode.slice(0, 2)) || e.classCode.startsWith('0c03'));

function warningOf(e: Entry, usedBy: string[], iommu: boolean): string | undefined {
  const pci = e.device.pci;
  if (pci) {
    if (isBridge(e)) return 'a PCI bridge is part of the host and cannot be passed through';
    if (!iommu) return 'PCI passthrough needs the IOMMU, which is off on this host';
    if (hostNeeds(e)) return `the host uses this ${pci.className ?? 'device'} (driver ${pci.driver}): passing it through would take it away from the host`;
    if (pci.groupPeers.length) return `its IOMMU group ${pci.iommuGroup} also holds ${pci.groupPeers.join(', ')}: they go to the VM together`;
  }
  if (usedBy.length) return `in use by VM ${usedBy.join(', ')}`;
  return undefined;
}

/** A domain's XML; `running`: it is its live XML (the device is taken while it runs). */
export interface DomainXmlOf { name: string; xml: string; running?: boolean }

function usersOf(d: Parsed, domains: DomainXmlOf[]): string[] {
  const users = new Set<string>();
  for (const dom of domains) {
    let hostdevs: HostdevDevice[];
    try {
      hostdevs = parseDomain(dom.xml).devicesOf('hostdev');
    } catch {
      continue;
    }
    if (hostdevs.some((h) => matches(h, d))) users.add(dom.name);
  }
  return [...users];
}

function matches(h: HostdevDevice, d: Parsed): boolean {
  if (h.type !== d.type) return false;
  if (d.pci) return h.pciAddress === d.pci.address;
  const bd = h.usbBusDevice;
  if (h.usbVendor) return hex4(h.usbVendor) === d.vendorId && hex4(h.usbProduct) === d.productId;
  return !!bd && !!d.usb && bd.bus === d.usb.bus && bd.device === d.usb.device;
}

const IOMMU_OFF_NOTE = 'IOMMU is off on this host (no /sys/kernel/iommu_groups entries): PCI devices cannot be passed through. Turn on VT-d (Intel) or AMD-Vi in the firmware settings and boot Linux with intel_iommu=on or amd_iommu=on. USB devices do not need it.';

/** What nodeDeviceList works from: the parsed devices with their class codes. */
export interface NodeDeviceScan { result: NodeDevicesResult; entries: Map<string, Entry>; runningUsers: Map<string, string[]> }

/**
 * The passthrough list from node device records and the domains' XML (who uses what).
 * `iommuGroupsOnHost`: whether /sys/kernel/iommu_groups has entries (local connections; undefined: unknown).
 */
export function scanNodeDevices(records: { name: string; xml: string }[], domains: DomainXmlOf[], iommuGroupsOnHost?: boolean): NodeDeviceScan {
  const entries = records.map((r) => parseOne(r.name, r.xml)).filter((e): e is Entry => !!e);
  const enabled = iommuGroupsOnHost ?? entries.some((e) => e.device.pci?.iommuGroup !== undefined);
  const devices = entries
    .map((e): NodeDevice => {
      const usedBy = usersOf(e.device, domains);
      const warning = warningOf(e, usedBy, enabled);
      return { ...e.device, usedBy, ...(warning ? { warning } : {}) };
    })
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name, undefined, { numeric: true }));
  const running = domains.filter((d) => d.running);
  return {
    result: { devices, iommu: enabled ? { enabled } : { enabled, note: IOMMU_OFF_NOTE } },
    entries: new Map(entries.map((e) => [e.device.name, e])),
    runningUsers: new Map(entries.map((e) => [e.device.name, usersOf(e.device, running)])),
  };
}

type HostdevSource = Extract<DeviceSpec, { kind: 'hostdev' }>['source'];

/** The host device a hostdev spec names, or why it cannot be passed through to VM `vm`. */
export function hostdevTarget(src: HostdevSource, scan: NodeDeviceScan, vm: string): { device: NodeDevice } | { refusal: string; notFound?: true } {
  const found = scan.result.devices.find((d) =>
    src.type === 'pci' ? d.pci?.address === src.address : 'vendor' in src ? d.type === 'usb' && d.vendorId === src.vendor && d.productId === src.product : d.usb?.bus === src.bus && d.usb?.device === src.device,
  );
  const label = src.type === 'pci' ? `PCI device ${src.address}` : 'vendor' in src ? `USB device ${src.vendor}:${src.product}` : `USB device on bus ${src.bus} device ${src.device}`;
  if (!found) return { refusal: `this host has no ${label}: host.nodeDevices lists the devices it has. Nothing was changed.`, notFound: true };
  if (found.usedBy.includes(vm)) return { refusal: `VM '${vm}' already has the ${label}. Nothing was changed.` };
  const taken = scan.runningUsers.get(found.name) ?? [];
  if (taken.length) return { refusal: `the ${label} is in use by running VM ${taken.join(', ')}: a device can be passed to one running VM at a time. Remove it there or shut that VM down first. Nothing was changed.` };
  const e = scan.entries.get(found.name)!;
  if (found.pci) {
    if (isBridge(e)) return { refusal: `the ${label} is a PCI bridge, part of the host: it cannot be passed through. Nothing was changed.` };
    if (!scan.result.iommu.enabled) return { refusal: `${IOMMU_OFF_NOTE} Nothing was changed.` };
    if (hostNeeds(e)) return { refusal: `the ${label} is the host's ${found.pci.className ?? 'device'} (driver ${found.pci.driver}): passing it through would take it away from the host. Bind it to vfio-pci first if you really mean to. Nothing was changed.` };
  }
  return { device: found };
}
