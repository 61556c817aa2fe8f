// The host virtualization check: which kind of virtualization this host gives (KVM, QEMU
// software emulation, or nothing), why, and how to fix it. Pure: the facts come from
// read-host-facts.ts (or fixtures), nothing here touches the system.
import {
  parseCapabilities,
  parseCpuinfo,
  parseDomainCapabilities,
  parseModules,
  type Capabilities,
  type CpuInfo,
  type CpuVendor,
  type DomainCapabilities,
} from './host-parsers';
import type { HostCheck, HostCheckReport, Verdict } from '../contract/host';

export type { HostCheck, HostCheckReport, Verdict };

export interface LibvirtFacts {
  uri: string;
  reachable: boolean;
  error?: string;
  /** libvirt's encoding: major * 1e6 + minor * 1e3 + release. */
  libVersion?: number;
  hypervisorVersion?: number;
  capabilitiesXml?: string;
  capabilitiesError?: string;
  domainCapabilitiesXml?: { kvm?: string; qemu?: string };
  /** e.g. kvm: "invalid argument: KVM is not supported by '/usr/bin/qemu-system-x86_64' on this host" */
  domainCapabilitiesError?: { kvm?: string; qemu?: string };
  lxcAvailable?: boolean;
  lxcError?: string;
}

export interface HostFacts {
  /** Text of /proc/cpuinfo. */
  cpuinfo: string | null;
  devKvm: { exists: boolean; accessible: boolean; error?: string };
  /** Text of /proc/modules (absent on kernels without loadable modules). */
  procModules: string | null;
  /** kvm* entries of /sys/module: built-in modules show up there, not in /proc/modules. */
  sysModules?: string[];
  /** Text of /sys/module/kvm_{intel,amd}/parameters/nested. */
  nested: { kvm_intel?: string; kvm_amd?: string };
  /** groups: of this process; configuredGroups: from /etc/group (differ until the next login). */
  user: { name: string; groups: string[]; configuredGroups?: string[] };
  /** systemd runs this computer (/run/systemd/system): fixes say systemctl, else start libvirtd by hand. */
  systemd: boolean;
  libvirt: LibvirtFacts | null;
}

type Parsed<T> = T | { error: string } | null;

interface Analysis {
  facts: HostFacts;
  cpu: CpuInfo;
  hwVirt: 'vmx' | 'svm' | null;
  insideVm: boolean;
  /** Module KVM needs on this CPU. */
  kvmModule: string;
  vendorModuleLoaded: boolean | null;
  /** Only kvm_pvm provides /dev/kvm: it needs no VT-x/AMD-V but boots only PVM-enabled guest kernels. */
  pvmOnly: boolean;
  remote: boolean;
  libvirtUp: boolean;
  caps: Parsed<Capabilities>;
  domcaps: { kvm: Parsed<DomainCapabilities>; qemu: Parsed<DomainCapabilities> };
  emulator: string | null;
  domainTypes: Set<string>;
  /** KVM is backed by VT-x/AMD-V, as far as the facts tell. */
  hardwareBacked: boolean;
  verdict: Verdict;
}

interface Blocker {
  checkId: string;
  reason: string;
  fix: string;
}

export function evaluateHost(facts: HostFacts): HostCheckReport {
  const a = analyze(facts);
  const blocker = a.verdict === 'kvm' ? null : findBlocker(a);
  const checks = [
    cpuVendorCheck(a),
    cpuVirtFlagsCheck(a),
    hypervisorFlagCheck(a),
    kvmModuleCheck(a),
    kvmNestedCheck(a),
    devKvmCheck(a),
    libvirtCheck(a),
    qemuEmulatorCheck(a),
    domainTypeCheck(a, blocker),
    uefiCheck(a),
    lxcCheck(a),
  ];
  const lxc = checks[checks.length - 1];
  return {
    verdict: a.verdict,
    headline: headline(a),
    explanation: explanation(a, blocker, checks),
    containers: { available: facts.libvirt?.reachable === true && facts.libvirt.lxcAvailable === true, detail: lxc.detail },
    cpu: { vendor: a.cpu.vendor, model: a.cpu.model, hardwareVirt: a.hwVirt, insideVm: a.insideVm },
    checks,
  };
}

function analyze(facts: HostFacts): Analysis {
  const cpu = parseCpuinfo(facts.cpuinfo);
  const lv = facts.libvirt;
  const libvirtUp = lv?.reachable === true;
  const remote = !!lv && /^[a-z0-9+]+:\/\/[^/]/i.test(lv.uri);
  const caps = libvirtUp && (lv.capabilitiesXml !== undefined || lv.capabilitiesError === undefined)
    ? parseCapabilities(lv.capabilitiesXml) : null;
  const parseDomcaps = (type: 'kvm' | 'qemu') => {
    const xml = lv?.domainCapabilitiesXml?.[type];
    return libvirtUp && xml !== undefined ? parseDomainCapabilities(xml) : null;
  };
  const domcaps = { kvm: parseDomcaps('kvm'), qemu: parseDomcaps('qemu') };

  // For a remote URI the local CPU says nothing about the libvirt host: use its capabilities.
  const capsOk = caps && !('error' in caps) ? caps : null;
  const flags = remote ? capsOk?.hostCpuFeatures ?? null : cpu.flags;
  const hwVirt = flags?.has('vmx') ? 'vmx' : flags?.has('svm') ? 'svm' : null;
  const insideVm = flags?.has('hypervisor') ?? false;

  const modules = parseModules(facts.procModules, facts.sysModules);
  const kvmModule = hwVirt === 'svm' || (!hwVirt && cpu.vendor === 'amd') ? 'kvm_amd'
    : hwVirt === 'vmx' || cpu.vendor === 'intel' ? 'kvm_intel' : 'kvm_intel or kvm_amd';
  const vendorModuleLoaded = modules ? modules.has('kvm_intel') || modules.has('kvm_amd') : null;
  const pvmOnly = !!modules?.has('kvm_pvm') && !vendorModuleLoaded;
  const hardwareBacked = remote ? !(insideVm && !hwVirt) : !pvmOnly && !(flags && !hwVirt);

  const { verdict, emulator, domainTypes } = decideVirtualization({
    libvirtUp, remote, caps: capsOk, domcaps, kvmRefused: lv?.domainCapabilitiesError?.kvm !== undefined,
    hardwareBacked, devKvmAccessible: facts.devKvm.accessible, vendorModuleLoaded,
  });
  return {
    facts, cpu, hwVirt, insideVm, kvmModule, vendorModuleLoaded, pvmOnly, remote, libvirtUp,
    caps, domcaps, emulator, domainTypes, hardwareBacked, verdict,
  };
}

export interface VirtualizationInputs {
  libvirtUp: boolean;
  remote: boolean;
  /** What libvirt answered (null or { error }: not read). */
  caps: Parsed<Capabilities>;
  domcaps: { kvm: Parsed<DomainCapabilities>; qemu: Parsed<DomainCapabilities> };
  /** libvirt refused domain capabilities for virttype kvm ("KVM is not supported … on this host"). */
  kvmRefused: boolean;
  /** KVM is backed by VT-x/AMD-V, as far as the host facts tell. */
  hardwareBacked: boolean;
  devKvmAccessible: boolean;
  vendorModuleLoaded: boolean | null;
}

/**
 * The one "KVM or emulation" decision (the host check, the New-VM flow and labs all end here):
 * kvm when libvirt offers kvm for x86_64 guests and KVM is backed by VT-x/AMD-V; emulation when
 * it offers qemu; none without an emulator. libvirt offers kvm when the kvm domain capabilities
 * say so — they are what a define is checked against — or, when they were not asked for, the
 * host capabilities list it. Without libvirt only the host facts count.
 */
export function decideVirtualization(x: VirtualizationInputs): { verdict: Verdict; emulator: string | null; domainTypes: Set<string> } {
  const ok = <T extends object>(p: Parsed<T>): T | null => (p && !('error' in p) ? p : null);
  const x86 = ok(x.caps)?.guests.get('x86_64') ?? null;
  const kvm = ok(x.domcaps.kvm);
  const okDomcaps = [kvm, ok(x.domcaps.qemu)].filter((d): d is DomainCapabilities => !!d);
  const domainTypes = new Set([...(x86?.domainTypes ?? []), ...okDomcaps.map((d) => d.domain ?? '').filter(Boolean)]);
  if (x.kvmRefused || (kvm && kvm.domain !== 'kvm')) domainTypes.delete('kvm');
  const emulator = x86?.emulator ?? okDomcaps.find((d) => d.emulator)?.emulator ?? null;
  let verdict: Verdict;
  if (x.libvirtUp) {
    verdict = !emulator ? 'none'
      : domainTypes.has('kvm') && x.hardwareBacked ? 'kvm'
      : domainTypes.has('qemu') ? 'emulation' : 'none';
  } else {
    verdict = !x.remote && x.devKvmAccessible && x.hardwareBacked && x.vendorModuleLoaded !== false ? 'kvm' : 'none';
  }
  return { verdict, emulator, domainTypes };
}

// ---- fix texts -------------------------------------------------------------------------

const TITLES = {
  flags: 'Hardware virtualization (VT-x / AMD-V)',
  inVm: 'Running inside a virtual machine',
};

function firmwareSetting(vendor: CpuVendor): string {
  return vendor === 'intel' ? 'Intel Virtualization Technology (VT-x)'
    : vendor === 'amd' ? 'SVM Mode (AMD-V)'
    : 'Intel VT-x or AMD-V (SVM Mode)';
}

function firmwareFix(vendor: CpuVendor): string {
  return `Reboot into the BIOS/UEFI firmware setup and enable ${firmwareSetting(vendor)}, usually under Advanced › CPU Configuration, ` +
    'then save and power the machine off and on. Firmware with virtualization disabled hides the CPU flag from the OS; ' +
    'if the setting is already on, update the firmware.';
}

function nestedFix(a: Analysis): string {
  const mod = a.kvmModule === 'kvm_amd' ? 'kvm_amd' : 'kvm_intel';
  return 'Enable nested virtualization on the outer host (nothing inside this VM can turn it on): ' +
    `on a Linux/KVM host load ${mod} with nested=1 (\`options ${mod} nested=1\` in /etc/modprobe.d/) and give this VM ` +
    'the CPU mode host-passthrough; in VMware tick "Virtualize Intel VT-x/EPT or AMD-V/RVI"; in Hyper-V run ' +
    '`Set-VMProcessor -VMName <vm> -ExposeVirtualizationExtensions $true`; in VirtualBox enable nested VT-x/AMD-V; ' +
    'in a cloud pick an instance type that supports nested virtualization. Then restart this VM.';
}

function moduleFix(a: Analysis): string {
  const mod = a.kvmModule.includes(' or ') ? 'kvm_intel` (or `kvm_amd' : a.kvmModule;
  return `Load the module: \`sudo modprobe ${mod}\`. If that fails, \`sudo dmesg | grep -i kvm\` tells why — ` +
    '"disabled by bios" means you must enable VT-x or AMD-V (SVM) in the firmware setup.';
}

/**
 * The fix for "KVM can't work at the kernel level", by cause. The full text goes on the check
 * that names the cause; the other checks point to it.
 */
function kernelFix(a: Analysis, checkId: string): string {
  if (!a.cpu.flags || a.hwVirt) return moduleFix(a);
  if (a.insideVm) {
    return checkId === 'hypervisor-flag' ? nestedFix(a)
      : `Enable nested virtualization on the outer host (see "${TITLES.inVm}").`;
  }
  return checkId === 'cpu-virt-flags' ? firmwareFix(a.cpu.vendor)
    : `Enable ${firmwareSetting(a.cpu.vendor)} in the BIOS/UEFI setup; firmware hides the CPU flag while it is off (see "${TITLES.flags}").`;
}

function groupFix(a: Analysis): string {
  const { name, groups, configuredGroups } = a.facts.user;
  const user = name || '$USER';
  if (groups.includes('kvm')) {
    return 'You are in the kvm group, yet /dev/kvm refuses access: check `ls -l /dev/kvm` (expected crw-rw---- root kvm); ' +
      '`sudo udevadm trigger` re-applies the udev permissions.';
  }
  if (configuredGroups?.includes('kvm')) {
    return 'You were added to the kvm group after this session started: log out and back in (or reboot) so it applies.';
  }
  const libvirt = groups.includes('libvirt') || configuredGroups?.includes('libvirt')
    ? '' : ` and, to manage the system's VMs, \`sudo usermod -aG libvirt ${user}\``;
  return `Add your user to the kvm group: \`sudo usermod -aG kvm ${user}\`${libvirt}; then log out and back in so the new group membership applies.`;
}

/** How to start libvirt on a host with or without systemd (containers, WSL, sandboxes have none). */
export function startLibvirtCommand(systemd: boolean): string {
  return systemd ? '`sudo systemctl enable --now libvirtd`' : '`sudo virtlogd -d && sudo libvirtd -d` (this computer has no systemd)';
}

function restartLibvirtCommand(systemd: boolean): string {
  return systemd ? '`sudo systemctl restart libvirtd`' : '`sudo kill $(cat /run/libvirtd.pid) && sudo libvirtd -d` (this computer has no systemd)';
}

/** A remote host's init system is unknown here: the usual systemd wording. */
const usesSystemd = (a: Analysis): boolean => a.remote || a.facts.systemd;

const installLibvirt = (a: Analysis): string =>
  `Install libvirt and QEMU: \`sudo apt install libvirt-daemon-system qemu-system-x86\`, then start the daemon: ${startLibvirtCommand(usesSystemd(a))}.`;

// ---- checks ------------------------------------------------------------------------------

const VENDOR_NAMES: Record<CpuVendor, string> = { intel: 'Intel', amd: 'AMD', other: 'Other vendor', unknown: 'Unknown' };

function cpuVendorCheck(a: Analysis): HostCheck {
  const base = { id: 'cpu-vendor', title: 'Processor' };
  if (a.facts.cpuinfo === null || a.cpu.vendor === 'unknown') {
    return { ...base, status: 'warn', detail: 'Could not read the processor type from /proc/cpuinfo.' };
  }
  return { ...base, status: 'info', detail: `${VENDOR_NAMES[a.cpu.vendor]}${a.cpu.model ? ` — ${a.cpu.model}` : ''}` };
}

function cpuVirtFlagsCheck(a: Analysis): HostCheck {
  const base = { id: 'cpu-virt-flags', title: TITLES.flags };
  if (a.remote) {
    return { ...base, status: 'info', detail: `Taken from the remote host's capabilities: ${a.hwVirt ? `${a.hwVirt} present` : 'vmx/svm not listed'}.` };
  }
  if (!a.cpu.flags) {
    return { ...base, status: 'warn', detail: 'The CPU flags could not be read from /proc/cpuinfo, so VT-x/AMD-V support is unknown.' };
  }
  if (a.hwVirt) {
    const name = a.hwVirt === 'vmx' ? 'Intel VT-x (vmx)' : 'AMD-V (svm)';
    return { ...base, status: 'ok', detail: `The processor reports ${name}.` };
  }
  return {
    ...base,
    status: 'fail',
    detail: 'Neither vmx (Intel VT-x) nor svm (AMD-V) is among the CPU flags' +
      (a.insideVm ? ': the outer hypervisor does not pass them through to this VM.' : ': it is switched off in the firmware, or the processor lacks it.'),
    fix: kernelFix(a, base.id),
  };
}

function hypervisorFlagCheck(a: Analysis): HostCheck {
  const base = { id: 'hypervisor-flag', title: TITLES.inVm };
  if (!a.cpu.flags && !a.remote) return { ...base, status: 'info', detail: 'Unknown: the CPU flags could not be read.' };
  if (!a.insideVm) return { ...base, status: 'ok', detail: 'No hypervisor flag: this system runs directly on the hardware.' };
  if (a.hwVirt) {
    return {
      ...base,
      status: 'info',
      detail: 'This system is itself a virtual machine, and its host passes VT-x/AMD-V through (nested virtualization is on). ' +
        'KVM works here, with some overhead compared to bare metal.',
    };
  }
  return {
    ...base,
    status: 'warn',
    detail: 'This system is itself a virtual machine (the CPU has the hypervisor flag), and its host does not expose ' +
      'VT-x/AMD-V to it. KVM inside a VM needs nested virtualization, which only the outer host can enable.',
    fix: kernelFix(a, base.id),
  };
}

function kvmModuleCheck(a: Analysis): HostCheck {
  const base = { id: 'kvm-module', title: 'KVM kernel module' };
  const modules = parseModules(a.facts.procModules, a.facts.sysModules);
  if (!modules) return { ...base, status: 'warn', detail: 'Could not read /proc/modules, so it is unknown whether KVM is loaded.' };
  const loaded = ['kvm_intel', 'kvm_amd'].filter((m) => modules.has(m));
  if (loaded.length) return { ...base, status: 'ok', detail: `${loaded.join(' and ')} is loaded.` };
  if (a.pvmOnly) {
    return {
      ...base,
      status: 'warn',
      detail: 'Only kvm_pvm is loaded: it provides /dev/kvm without VT-x/AMD-V (PVM, pagetable-based virtualization), ' +
        'but it boots only guest kernels built for PVM. Ordinary guests need kvm_intel or kvm_amd.',
      fix: kernelFix(a, base.id),
    };
  }
  if (!a.cpu.flags) {
    return { ...base, status: 'fail', detail: 'No KVM module (kvm_intel / kvm_amd) is loaded.', fix: moduleFix(a) };
  }
  if (a.hwVirt) {
    return {
      ...base,
      status: 'fail',
      detail: `The processor supports ${a.hwVirt === 'vmx' ? 'VT-x' : 'AMD-V'}, but ${a.kvmModule} is not loaded.`,
      fix: moduleFix(a),
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: 'No KVM module is loaded, and it could not load: the processor does not report VT-x/AMD-V' +
      (a.insideVm ? ' inside this VM.' : ' (firmware setup can hide the flag when virtualization is disabled).'),
    fix: kernelFix(a, base.id),
  };
}

function kvmNestedCheck(a: Analysis): HostCheck {
  const base = { id: 'kvm-nested', title: 'Nested virtualization (VMs inside your VMs)', status: 'info' as const };
  const [mod, raw] = Object.entries(a.facts.nested).find(([, v]) => typeof v === 'string') ?? [];
  if (!mod || raw === undefined) {
    return { ...base, detail: 'Not applicable: no kvm_intel/kvm_amd "nested" parameter was found.' };
  }
  const value = raw.trim();
  if (/^(y|1)$/i.test(value)) return { ...base, detail: `${mod} nested=${value}: your VMs can run KVM guests of their own.` };
  return {
    ...base,
    detail: `${mod} nested=${value}: your VMs cannot use KVM themselves (matters only if you run hypervisors inside VMs).`,
    fix: `\`echo "options ${mod} nested=1" | sudo tee /etc/modprobe.d/${mod}-nested.conf\`, then reload the module with no VMs running.`,
  };
}

function devKvmCheck(a: Analysis): HostCheck {
  const base = { id: 'dev-kvm', title: '/dev/kvm device' };
  const { devKvm, user } = a.facts;
  const who = user.name || 'your user';
  if (!devKvm.exists) {
    return { ...base, status: 'fail', detail: '/dev/kvm does not exist: KVM is not active in the kernel.', fix: kernelFix(a, base.id) };
  }
  if (devKvm.accessible) {
    return a.pvmOnly
      ? { ...base, status: 'warn', detail: `/dev/kvm exists and ${who} can use it, but it is provided by kvm_pvm (no VT-x/AMD-V).` }
      : { ...base, status: 'ok', detail: `/dev/kvm exists and ${who} can read and write it.` };
  }
  // qemu:///system runs QEMU as its own user, so only per-user (session) VMs depend on this.
  const systemDaemon = a.libvirtUp && !a.remote && /\/system\b/.test(a.facts.libvirt?.uri ?? '');
  return {
    ...base,
    status: systemDaemon ? 'warn' : 'fail',
    detail: `/dev/kvm exists but ${who} cannot open it for reading and writing${devKvm.error ? ` (${devKvm.error})` : ''}.` +
      (systemDaemon ? ' The system libvirt daemon is not affected; VMs in your user session (qemu:///session) are.' : ''),
    fix: groupFix(a),
  };
}

function formatVersion(v: number | undefined): string | null {
  if (v === undefined || !Number.isFinite(v) || v <= 0) return null;
  return `${Math.floor(v / 1e6)}.${Math.floor((v % 1e6) / 1e3)}.${v % 1e3}`;
}

function libvirtCheck(a: Analysis): HostCheck {
  const base = { id: 'libvirt', title: 'libvirt daemon' };
  const lv = a.facts.libvirt;
  if (!lv) return { ...base, status: 'warn', detail: 'Not checked: no libvirt connection was available.', fix: installLibvirt(a) };
  if (!lv.reachable) {
    const denied = /permission denied|authentication|not authorized|polkit/i.test(lv.error ?? '');
    return {
      ...base,
      status: 'fail',
      detail: `Could not connect to ${lv.uri}${lv.error ? `: ${lv.error}` : '.'}`,
      fix: denied
        ? `Allow your user to manage system VMs: \`sudo usermod -aG libvirt ${a.facts.user.name || '$USER'}\`, then log out and back in.`
        : installLibvirt(a),
    };
  }
  const lib = formatVersion(lv.libVersion);
  const hv = formatVersion(lv.hypervisorVersion);
  const versions = [lib && `libvirt ${lib}`, hv && `QEMU ${hv}`].filter(Boolean).join(', ');
  return {
    ...base,
    status: 'ok',
    detail: `Connected to ${lv.uri}${versions ? ` (${versions})` : ''}.` +
      (a.remote ? ' It is a remote host: the module and /dev/kvm checks describe this computer, not that host.' : ''),
  };
}

const NOT_CHECKED = 'Not checked: libvirt is not reachable.';

function qemuEmulatorCheck(a: Analysis): HostCheck {
  const base = { id: 'qemu-emulator', title: 'QEMU for x86_64 guests' };
  if (!a.libvirtUp) return { ...base, status: 'info', detail: NOT_CHECKED };
  const capsError = a.caps === null ? a.facts.libvirt?.capabilitiesError : a.caps && 'error' in a.caps ? a.caps.error : null;
  if (a.emulator) return { ...base, status: 'ok', detail: `x86_64 guests run with ${a.emulator}.` };
  if (capsError) return { ...base, status: 'warn', detail: `Could not read libvirt's capabilities: ${capsError}` };
  return {
    ...base,
    status: 'fail',
    detail: 'libvirt found no QEMU emulator for x86_64 guests.',
    fix: `Install QEMU: \`sudo apt install qemu-system-x86\`, then restart libvirt (${restartLibvirtCommand(usesSystemd(a))}).`,
  };
}

function domainTypeCheck(a: Analysis, blocker: Blocker | null): HostCheck {
  const base = { id: 'domain-type', title: 'Virtualization type offered by libvirt' };
  if (!a.libvirtUp) return { ...base, status: 'info', detail: NOT_CHECKED };
  const types = a.domainTypes;
  if (types.size === 0) {
    return { ...base, status: 'warn', detail: 'libvirt listed no domain type for x86_64 guests (its capabilities could not be read).' };
  }
  if (types.has('kvm') && a.hardwareBacked) {
    return { ...base, status: 'ok', detail: "libvirt offers <domain type='kvm'>: guests get hardware acceleration." };
  }
  const kvmError = a.facts.libvirt?.domainCapabilitiesError?.kvm;
  const fix = !blocker ? undefined
    : blocker.checkId === base.id ? blocker.fix
    : `See the "${checkTitle(blocker.checkId)}" check.`;
  if (types.has('kvm')) {
    const cause = a.pvmOnly ? 'is provided by PVM (kvm_pvm), not by VT-x/AMD-V' : 'is not backed by VT-x/AMD-V on this CPU';
    return {
      ...base,
      status: 'warn',
      detail: `libvirt lists <domain type='kvm'>, but KVM here ${cause}: ordinary guest kernels do not boot with it. ` +
        "VMs should use <domain type='qemu'> (software emulation).",
      fix,
    };
  }
  if (types.has('qemu')) {
    return {
      ...base,
      status: 'warn',
      detail: "Only <domain type='qemu'> (software emulation, TCG) is offered; kvm is not" + (kvmError ? ` (libvirt: ${kvmError}).` : '.'),
      fix,
    };
  }
  return { ...base, status: 'fail', detail: `libvirt offers neither kvm nor qemu domains (only: ${[...types].join(', ')}).` };
}

function uefiCheck(a: Analysis): HostCheck {
  const base = { id: 'uefi', title: 'UEFI firmware (OVMF)' };
  if (!a.libvirtUp) return { ...base, status: 'info', detail: NOT_CHECKED };
  const preferred = a.verdict === 'kvm' ? [a.domcaps.kvm, a.domcaps.qemu] : [a.domcaps.qemu, a.domcaps.kvm];
  const dc = preferred.find((d) => d && !('error' in d)) as DomainCapabilities | undefined;
  if (!dc) {
    const err = preferred.find((d) => d && 'error' in d) as { error: string } | undefined;
    return {
      ...base,
      status: 'warn',
      detail: err ? `libvirt's domain capabilities could not be parsed: ${err.error}` : "Unknown: libvirt's domain capabilities were not available.",
    };
  }
  const firmware = dc.loaderPaths.filter((p) => /ovmf|edk2/i.test(p));
  if (dc.firmwareEfi || (dc.loaderSupported && firmware.length)) {
    const where = firmware.length ? `: ${firmware.join(', ')}` : '';
    return { ...base, status: 'ok', detail: `UEFI guests are supported${dc.secureBoot ? ', with Secure Boot' : ''}${where}.` };
  }
  return {
    ...base,
    status: 'warn',
    detail: 'No UEFI firmware was found: guests can boot only with legacy BIOS. Windows 11 and some installers need UEFI.',
    fix: 'Install OVMF: `sudo apt install ovmf`.',
  };
}

function lxcCheck(a: Analysis): HostCheck {
  const base = { id: 'lxc', title: 'Containers (libvirt LXC)' };
  const lv = a.facts.libvirt;
  if (!lv?.reachable || lv.lxcAvailable === undefined) {
    return { ...base, status: 'info', detail: 'Not checked: libvirt LXC was not probed.' };
  }
  if (lv.lxcAvailable) {
    return { ...base, status: 'ok', detail: "libvirt's LXC driver is available: containers share this host's kernel and need no VT-x/AMD-V." };
  }
  return {
    ...base,
    status: 'info',
    detail: `libvirt's LXC driver is not available${lv.lxcError ? ` (${lv.lxcError})` : ''}; containers are optional.`,
    fix: `Install the driver: \`sudo apt install libvirt-daemon-driver-lxc\`, then restart libvirt (${restartLibvirtCommand(usesSystemd(a))}).`,
  };
}

// ---- verdict wording ---------------------------------------------------------------------

/** Why KVM is not usable, from the most fundamental failing fact. */
function checkTitle(id: string): string {
  return id === 'hypervisor-flag' ? TITLES.inVm : id === 'cpu-virt-flags' ? TITLES.flags
    : id === 'kvm-module' ? 'KVM kernel module' : id === 'dev-kvm' ? '/dev/kvm device' : id;
}

function findBlocker(a: Analysis): Blocker | null {
  const { devKvm } = a.facts;
  if (a.cpu.flags && !a.hwVirt && !a.remote) {
    if (a.insideVm) {
      return {
        checkId: 'hypervisor-flag',
        reason: 'this system is itself a virtual machine and its host does not pass Intel VT-x / AMD-V through to it (nested virtualization is off)' +
          (a.pvmOnly ? '; the /dev/kvm it has comes from PVM, which boots only specially built guest kernels' : ''),
        fix: nestedFix(a),
      };
    }
    return {
      checkId: 'cpu-virt-flags',
      reason: 'the processor does not report Intel VT-x / AMD-V — on most PCs it is switched off in the BIOS/UEFI setup',
      fix: firmwareFix(a.cpu.vendor),
    };
  }
  if (a.remote) {
    return { checkId: 'domain-type', reason: 'the remote host does not offer KVM to libvirt', fix: 'Check virtualization on the remote host itself.' };
  }
  if (a.pvmOnly) {
    return { checkId: 'kvm-module', reason: 'the kernel offers KVM only through PVM, which boots only specially built guest kernels', fix: moduleFix(a) };
  }
  if (a.vendorModuleLoaded === false) {
    return { checkId: 'kvm-module', reason: `the ${a.kvmModule} kernel module is not loaded`, fix: moduleFix(a) };
  }
  if (!devKvm.exists) return { checkId: 'dev-kvm', reason: '/dev/kvm does not exist', fix: moduleFix(a) };
  if (!devKvm.accessible && !a.libvirtUp) {
    return { checkId: 'dev-kvm', reason: 'your user is not allowed to use /dev/kvm', fix: groupFix(a) };
  }
  if (a.libvirtUp && !a.domainTypes.has('kvm')) {
    return {
      checkId: 'domain-type',
      reason: 'libvirt does not offer the kvm type although the kernel side looks fine',
      fix: `Restart libvirt so it probes QEMU again: ${restartLibvirtCommand(usesSystemd(a))}.`,
    };
  }
  if (!a.cpu.flags) return { checkId: 'cpu-vendor', reason: 'the processor information could not be read', fix: moduleFix(a) };
  return null;
}

function headline(a: Analysis): string {
  if (a.verdict === 'kvm') {
    return a.libvirtUp ? 'KVM hardware acceleration is available' : 'KVM is available, but libvirt is not reachable';
  }
  if (a.verdict === 'emulation') return 'Software emulation only: VMs work, but slowly';
  return "Virtual machines can't run on this host yet";
}

function explanation(a: Analysis, blocker: Blocker | null, checks: HostCheck[]): string {
  const see = (id: string | undefined) => {
    const check = checks.find((c) => c.id === id);
    return check ? ` The "${check.title}" check says how to fix it.` : '';
  };
  const why = blocker ? `KVM isn't available because ${blocker.reason}.` : '';
  if (a.verdict === 'kvm') {
    const ext = a.hwVirt === 'vmx' ? "processor's Intel VT-x" : a.hwVirt === 'svm' ? "processor's AMD-V" : "processor's virtualization extensions";
    return `Virtual machines run with hardware acceleration (KVM): the ${ext} lets guests execute directly on the CPU, ` +
      'so they run at close to native speed.' +
      (a.insideVm ? ' This system is itself a VM with nested virtualization, so expect some overhead compared to bare metal.' : '') +
      (a.libvirtUp ? '' : ' Virtdesk still needs a running libvirt daemon to manage them.' + see('libvirt'));
  }
  if (a.verdict === 'emulation') {
    return 'Virtual machines run in software emulation (QEMU TCG): they work, but much slower, typically 5–20× slower ' +
      'than with KVM, because QEMU translates every guest instruction in software. That is fine for small Linux guests ' +
      `and tests; desktop systems will feel sluggish. ${why}${see(blocker?.checkId)}`.trimEnd();
  }
  if (a.libvirtUp) {
    const unreadable = a.domainTypes.size === 0 && (a.caps === null || 'error' in a.caps);
    return unreadable
      ? "Virtual machines can't be confirmed to run: libvirt is running, but its capabilities could not be read, so it is unclear whether QEMU is usable."
      : "Virtual machines can't run yet: libvirt is running but offers no QEMU for x86_64 guests." + see('qemu-emulator');
  }
  const lv = a.facts.libvirt;
  const noLibvirt = lv ? `libvirt is not reachable at ${lv.uri}` : 'no libvirt connection is available';
  return `Virtual machines can't run yet: Virtdesk runs them through libvirt and QEMU, and ${noLibvirt}.` +
    ` ${why || "KVM isn't usable either."} Install and start libvirt with QEMU first: VMs then work in software emulation even without KVM.` +
    see('libvirt');
}
