// CPU mode/model/topology and the boot settings (order, menu, direct kernel boot) on the model.
// libvirt has no API for these on a running VM: all are next-boot changes (planDomainChange).
import { DiskDevice, type Device } from './devices';
import type { Domain } from './domain';
import { planDomainChange, type ChangePlan } from './hotplug';
import { DomainXmlError } from './xml';

export type CpuMode = 'host-passthrough' | 'host-model' | 'custom';
export interface CpuTopology { sockets: number; cores: number; threads: number }

/** What the hypervisor offers for this VM (domain capabilities): supported modes, custom models. */
export interface CpuOffer { modes: string[]; models: string[] }

export function setCpu(d: Domain, c: { mode?: CpuMode; model?: string; topology?: CpuTopology | null }, offer?: CpuOffer): ChangePlan {
  const vm = d.name ?? '?';
  if (c.mode) {
    if (offer && !offer.modes.includes(c.mode)) {
      throw new DomainXmlError(`CPU mode ${c.mode} is not available for VM '${vm}' (a '${d.type ?? '?'}' VM on this host offers ${offer.modes.join(', ') || 'no CPU modes'}): choose one of those.`);
    }
    if (c.mode === 'custom') {
      if (!c.model) throw new DomainXmlError('CPU mode custom needs a model: give one of the models the host offers.');
      if (offer && !offer.models.includes(c.model)) throw new DomainXmlError(`CPU model '${c.model}' is not one this host's QEMU offers: choose one of ${offer.models.slice(0, 8).join(', ')}${offer.models.length > 8 ? ', …' : ''}.`);
    } else if (c.model) {
      throw new DomainXmlError(`A CPU model goes only with mode custom, not ${c.mode}: leave the model out.`);
    }
  }
  if (c.topology) {
    const { sockets, cores, threads } = c.topology;
    const product = sockets * cores * threads;
    const max = d.maxVcpus ?? 1;
    if (product !== max) {
      throw new DomainXmlError(`sockets × cores × threads = ${sockets} × ${cores} × ${threads} = ${product}, but VM '${vm}' has a maximum of ${max} vCPU${max === 1 ? '' : 's'}: they must be equal. Choose a topology whose product is ${max}, or change the vCPU maximum first.`);
    }
  }
  if (c.mode) {
    d.cpu.mode = c.mode;
    d.cpu.model = c.mode === 'custom' ? c.model : undefined;
    d.cpu.match = c.mode === 'custom' ? (d.cpu.match ?? 'exact') : undefined;
    if (c.mode !== 'host-passthrough') d.cpu.migratable = undefined;
  }
  if (c.topology !== undefined) d.cpu.topology = c.topology ? { ...c.topology } : undefined;
  return { ...planDomainChange('cpu'), what: 'change the CPU' };
}

/** Devices that may carry a boot order here: disks, CD-ROMs and network interfaces. */
export const BOOT_KINDS = ['disk', 'interface'];

/** The devices the VM boots from, in order: per-device <boot order>, else the <os><boot dev> kinds (first of each). */
export function bootOrderKeys(d: Domain): string[] {
  const entries = d.deviceEntries();
  const ordered = entries.filter((e) => e.device.bootOrder !== undefined).sort((a, b) => a.device.bootOrder! - b.device.bootOrder!);
  if (ordered.length) return ordered.map((e) => e.key);
  if (d.os.kernel) return [];
  const kinds = d.os.bootDevices.length ? d.os.bootDevices : ['hd'];
  const first = (ok: (x: Device) => boolean) => entries.find((e) => ok(e.device))?.key;
  const disk = (kind: string) => (x: Device) => x instanceof DiskDevice && x.device === kind;
  const byKind: Record<string, (x: Device) => boolean> = { hd: disk('disk'), cdrom: disk('cdrom'), fd: disk('floppy'), network: (x) => x.kind === 'interface' };
  return kinds.map((k) => (byKind[k] ? first(byKind[k]) : undefined)).filter((k): k is string => !!k);
}

/** Whether the VM has anything to start from: a direct kernel or a boot device. */
export function hasBootSource(d: Domain): boolean {
  return !!d.os.kernel || bootOrderKeys(d).length > 0;
}

/** Per-device boot order over `keys` (disks, CD-ROMs, NICs); <os><boot dev> is dropped. */
export function setBootOrder(d: Domain, keys: string[]): ChangePlan {
  const devices = keys.map((k) => {
    const dev = d.device(k);
    if (!dev) throw new DomainXmlError(`VM '${d.name ?? '?'}' has no device '${k}' for the boot order. Known: ${d.deviceEntries().filter((e) => BOOT_KINDS.includes(e.device.kind)).map((e) => e.key).join(', ') || 'none'}.`);
    if (!BOOT_KINDS.includes(dev.kind)) throw new DomainXmlError(`'${k}' is a ${dev.kind}: only disks, CD-ROMs and network interfaces go in the boot order.`);
    return dev;
  });
  for (const dev of d.devices()) dev.bootOrder = undefined;
  d.os.bootDevices = [];
  devices.forEach((dev, i) => { dev.bootOrder = i + 1; });
  return { ...planDomainChange('boot-order'), what: 'change the boot order' };
}

export function setBootMenu(d: Domain, on: boolean): ChangePlan {
  d.os.bootMenu = on ? true : undefined;
  if (!on) d.os.bootMenuTimeoutMs = undefined;
  return { ...planDomainChange('boot-order'), what: 'change the boot menu' };
}

/** Direct kernel boot (kernel, initrd, command line); null removes it (and the device tree). */
export function setDirectKernel(d: Domain, k: { kernel: string; initrd?: string; cmdline?: string } | null): ChangePlan {
  d.os.kernel = k?.kernel;
  d.os.initrd = k?.initrd;
  d.os.cmdline = k?.cmdline || undefined;
  if (!k) d.os.dtb = undefined;
  return { ...planDomainChange('direct-kernel'), what: 'change direct kernel boot' };
}
