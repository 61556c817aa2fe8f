// From a validated VmSpec + what the host offers + the OS preset to a DomainPlan (pure; the
// I/O checks — files, pools, volumes, URLs — live in api/handlers/ and vms/create.ts). Host problems
// are returned as { field, message } so callers decide how to report them.
import type { VmSpec } from '../contract';
import type { OsDefaults } from '../osinfo/osinfo-db';
import type { DiskBus, DomainPlan, NicModel, PlanDisk, PlanNic, UefiLoader } from './build-domain';

export interface CreateHostFacts {
  uri: string;
  /** Files named in a spec are on this computer (local URI). */
  local: boolean;
  /** connectionInfo().hypervisorType: QEMU, Test, … */
  hypervisor: string;
  memoryTotalMiB: number;
  memoryFreeMiB: number;
  cpus: number;
  /** Domain capabilities answer for kvm. */
  kvmListed: boolean;
  /** The host check's verdict (virt-check): KVM is used only when it says 'kvm'. */
  verdict: 'kvm' | 'emulation' | 'none' | null;
  verdictHeadline?: string;
  /** Domain types a VM may use here. */
  domainTypes: ('qemu' | 'kvm')[];
  uefi: boolean;
  /**
   * The OVMF firmware to name explicitly: set when the domain capabilities list OVMF loaders but
   * libvirt cannot pick firmware by itself (no efi in <os><enum name='firmware'>).
   */
  uefiLoader?: UefiLoader | null;
  tpm: boolean;
  cpuModes: { qemu: string[]; kvm: string[] };
  /** Machine types and aliases; empty when unknown (test driver). */
  machines: string[];
  /** passt is available for user-mode port forwarding. */
  portForwarding: boolean;
}

export interface SpecProblem {
  field: string;
  message: string;
}

export interface HostChoices {
  domainType: 'qemu' | 'kvm';
  firmware: 'bios' | 'uefi';
  machine: 'q35' | 'pc';
}

const fmtMiB = (n: number): string => `${Math.round(n)} MiB`;

/** Checks a spec against the host (memory, CPUs, domain type, firmware, TPM, port forwarding). */
export function checkSpecAgainstHost(
  spec: VmSpec,
  facts: CreateHostFacts,
  os: OsDefaults | null,
  existingNames: ReadonlySet<string>,
): { problems: SpecProblem[]; warnings: string[]; choices: HostChoices } {
  const problems: SpecProblem[] = [];
  const warnings: string[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `spec.${field}`, message });

  if (existingNames.has(spec.name)) problem('name', `a VM named '${spec.name}' already exists on ${facts.uri}`);
  if (spec.source.kind === 'cloud' && spec.storage.kind !== 'new') {
    problem('storage.kind', "a VM from a cloud image needs a new disk (storage kind 'new'): it gets its own copy of the image there, grown to the size you choose; the image itself stays untouched");
  }
  if (spec.source.kind === 'url' && spec.storage.kind === 'none') {
    problem('storage.kind', "a network install needs a disk to install onto: choose storage kind 'new' or 'existing'");
  }

  if (facts.memoryTotalMiB > 0 && spec.memoryMiB > facts.memoryTotalMiB) {
    problem('memoryMiB', `memoryMiB ${fmtMiB(spec.memoryMiB)} is more than the host's total memory (${fmtMiB(facts.memoryTotalMiB)})`);
  } else if (facts.memoryFreeMiB > 0 && spec.memoryMiB > facts.memoryFreeMiB) {
    warnings.push(`${fmtMiB(spec.memoryMiB)} of memory is more than the host has free right now (${fmtMiB(facts.memoryFreeMiB)}); the VM may not start, or the host may swap`);
  }
  if (os && spec.memoryMiB < os.memoryMiB) {
    warnings.push(`${os.os.name} is recommended ${fmtMiB(os.memoryMiB)} of memory; ${fmtMiB(spec.memoryMiB)} may be too little`);
  }
  if (facts.cpus > 0 && spec.vcpus > facts.cpus) problem('vcpus', `vcpus ${spec.vcpus} is more than the host's ${facts.cpus} CPUs`);

  let domainType: 'qemu' | 'kvm' = facts.domainTypes.includes('kvm') ? 'kvm' : 'qemu';
  if (spec.domainType === 'kvm') {
    if (!facts.kvmListed) problem('domainType', 'KVM is not available on this host (libvirt lists no kvm domain type); use domainType qemu (software emulation) or auto');
    else if (!facts.domainTypes.includes('kvm')) {
      problem('domainType', `KVM is listed by libvirt but cannot run normal guests here${facts.verdictHeadline ? ` (host check: ${facts.verdictHeadline})` : ''}; use domainType qemu or auto`);
    }
    domainType = 'kvm';
  } else if (spec.domainType === 'qemu') {
    domainType = 'qemu';
  }
  if (!facts.domainTypes.includes(domainType) && !problems.some((p) => p.field === 'spec.domainType')) {
    problem('domainType', facts.domainTypes.length ? `domain type '${domainType}' is not available on this host (available: ${facts.domainTypes.join(', ')})` : 'this connection cannot run QEMU guests (no qemu or kvm domain type)');
  }
  if (domainType === 'qemu' && facts.kvmListed && facts.domainTypes.includes('kvm')) {
    warnings.push('software emulation (qemu) is much slower than KVM, which works on this host');
  }

  const osFirmware = os?.firmware ?? 'bios';
  const firmware = spec.firmware ?? osFirmware;
  if (firmware === 'uefi' && !facts.uefi) {
    problem('firmware', spec.firmware
      ? 'UEFI firmware is not available on this host (no OVMF firmware in the domain capabilities): install ovmf, or use firmware bios'
      : `${os?.os.name ?? 'this OS'} needs UEFI firmware, which is not available on this host (install ovmf)`);
  }
  if (firmware === 'bios' && osFirmware === 'uefi') warnings.push(`${os?.os.name ?? 'this OS'} supports only UEFI firmware; it will probably not boot with BIOS`);

  if (spec.tpm && !facts.tpm) problem('tpm', 'no TPM 2.0 emulator on this host (libvirt lists no emulator TPM backend): install swtpm, or turn the TPM off');
  if (!spec.tpm && os?.tpm) warnings.push(`${os.os.name} expects a TPM 2.0; without one its installer may refuse to continue`);

  if (spec.network.kind === 'user' && spec.network.portForwards?.length && !facts.portForwarding) {
    problem('network.portForwards', 'port forwarding with user networking needs passt on the host (apt install passt); remove the port forwards or use a virtual network');
  }

  // q35 (PCIe, AHCI) unless the OS predates it or the host lacks it; test drivers list no machines.
  const hasQ35 = facts.machines.length === 0 || facts.machines.includes('q35');
  const machine: 'q35' | 'pc' = hasQ35 && (os ? os.q35 : true) ? 'q35' : 'pc';
  if (firmware === 'uefi' && machine === 'pc' && os?.q35 === false) warnings.push('UEFI on the i440fx chipset: secure boot is not available');
  return { problems, warnings, choices: { domainType, firmware, machine } };
}

export interface PlanDisks {
  /** source kind 'import': the image to boot from. */
  bootImage?: { path: string; format: 'qcow2' | 'raw' };
  /** The new or existing pool volume. */
  volume?: { path: string; format: 'qcow2' | 'raw' };
  /** source kind 'iso', or the cloud-init seed ISO (source kind 'cloud'). */
  cdrom?: string;
}

function targetName(bus: DiskBus, index: number): string {
  const prefix = bus === 'virtio' ? 'vd' : bus === 'ide' ? 'hd' : 'sd';
  let n = index;
  let suffix = '';
  do {
    suffix = String.fromCharCode(97 + (n % 26)) + suffix;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return prefix + suffix;
}

/** The plan for buildDomainXml: devices, buses, targets and boot order. */
export function planDomain(spec: VmSpec, choices: HostChoices, facts: CreateHostFacts, os: OsDefaults | null, disks: PlanDisks, uuid: string): DomainPlan {
  const { machine, domainType, firmware } = choices;
  let diskBus: DiskBus = spec.diskBus ?? os?.diskBus ?? 'virtio';
  if (diskBus === 'sata' && machine === 'pc') diskBus = 'ide';
  const cdromBus: DiskBus = machine === 'q35' ? 'sata' : 'ide';

  const planDisks: PlanDisk[] = [];
  const used = new Map<DiskBus, number>();
  const next = (bus: DiskBus): string => {
    let i = used.get(bus) ?? 0;
    // IDE: hda/hdb on the first controller, hdc for the CD-ROM by convention.
    const t = targetName(bus, i);
    used.set(bus, ++i);
    return t;
  };
  if (disks.bootImage) planDisks.push({ device: 'disk', path: disks.bootImage.path, format: disks.bootImage.format, bus: diskBus, target: next(diskBus) });
  if (disks.volume) planDisks.push({ device: 'disk', path: disks.volume.path, format: disks.volume.format, bus: diskBus, target: next(diskBus) });
  if (disks.cdrom) {
    if (cdromBus === 'ide' && (used.get('ide') ?? 0) < 2) used.set('ide', 2);
    planDisks.push({ device: 'cdrom', path: disks.cdrom, format: 'raw', bus: cdromBus, target: next(cdromBus), readonly: true });
  }

  const nicModel: NicModel = spec.nicModel ?? os?.nicModel ?? 'virtio';
  const nics: PlanNic[] = [];
  switch (spec.network.kind) {
    case 'user':
      nics.push({ type: 'user', model: nicModel, ...(spec.network.portForwards?.length ? { portForwards: spec.network.portForwards } : {}) });
      break;
    case 'network':
      nics.push({ type: 'network', source: spec.network.name, model: nicModel });
      break;
    case 'bridge':
      nics.push({ type: 'bridge', source: spec.network.name, model: nicModel });
      break;
    case 'none':
      break;
  }

  const bootOrder: DomainPlan['bootOrder'] = [];
  if (spec.source.kind === 'iso') bootOrder.push('cdrom');
  if (planDisks.some((d) => d.device === 'disk')) bootOrder.push('hd');
  if (spec.source.kind === 'none' && nics.length) bootOrder.push('network');

  const modes = domainType === 'kvm' ? facts.cpuModes.kvm : facts.cpuModes.qemu;
  const cpuMode = domainType === 'kvm' ? (modes.includes('host-passthrough') ? 'host-passthrough' : null) : modes.includes('maximum') ? 'maximum' : null;
  const virtioCapable = !os || diskBus === 'virtio' || os.nicModel === 'virtio';

  return {
    name: spec.name,
    uuid,
    domainType,
    osId: os?.os.id ?? null,
    memoryMiB: spec.memoryMiB,
    vcpus: spec.vcpus,
    arch: 'x86_64',
    machine,
    firmware,
    ...(firmware === 'uefi' && facts.uefiLoader ? { uefiLoader: facts.uefiLoader } : {}),
    cpuMode,
    clock: os?.clock ?? 'utc',
    kernel: spec.source.kind === 'kernel' ? { path: spec.source.kernel, ...(spec.source.initrd ? { initrd: spec.source.initrd } : {}), ...(spec.source.cmdline ? { cmdline: spec.source.cmdline } : {}) } : null,
    bootOrder: spec.source.kind === 'kernel' ? [] : bootOrder,
    disks: planDisks,
    nics,
    vnc: true,
    video: os?.videoModel ?? 'vga',
    serial: true,
    tpm: spec.tpm,
    virtioExtras: virtioCapable,
    usbTablet: true,
  };
}
