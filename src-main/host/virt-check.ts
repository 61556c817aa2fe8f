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
import { englishText, message as M, type MessageParam, type MessageRef } from '../contract/messages';

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
  /** Why containers cannot run (host/container-support.ts), and the connection that runs them when it is not lxc:///. */
  lxcReason?: 'driver' | 'memory-cgroup' | 'cgroup-hybrid' | 'not-root';
  lxcVia?: string;
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
  checkId: 'hypervisor-flag' | 'cpu-virt-flags' | 'domain-type' | 'kvm-module' | 'dev-kvm' | 'cpu-vendor';
  reason: MessageRef;
  fix: MessageRef;
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
  ].map(toHostCheck);
  const lxc = checks[checks.length - 1];
  const headlineText = headline(a);
  const explanationText = explanation(a, blocker, checks);
  return {
    verdict: a.verdict,
    headline: englishText(headlineText),
    explanation: englishText(explanationText),
    containers: {
      available: facts.libvirt?.reachable === true && facts.libvirt.lxcAvailable === true,
      detail: lxc.detail,
      text: lxc.text!.detail,
      // The connection that runs them (offered on the Host page when it is not added yet).
      ...(facts.libvirt?.reachable === true && facts.libvirt.lxcAvailable === true ? { connection: facts.libvirt.lxcVia ?? 'lxc:///system' } : {}),
    },
    cpu: { vendor: a.cpu.vendor, model: a.cpu.model, hardwareVirt: a.hwVirt, insideVm: a.insideVm },
    checks,
    text: { headline: headlineText, explanation: explanationText },
  };
}

/** A check as built below: its texts as messages. */
interface CheckDraft {
  id: string;
  title: MessageRef;
  status: HostCheck['status'];
  detail: MessageRef;
  fix?: MessageRef;
}

function toHostCheck(c: CheckDraft): HostCheck {
  return {
    id: c.id,
    title: englishText(c.title),
    status: c.status,
    detail: englishText(c.detail),
    ...(c.fix ? { fix: englishText(c.fix) } : {}),
    text: { title: c.title, detail: c.detail, ...(c.fix ? { fix: c.fix } : {}) },
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
  'cpu-vendor': M('host.check.cpuVendor.title'),
  'cpu-virt-flags': M('host.check.cpuVirtFlags.title'),
  'hypervisor-flag': M('host.check.hypervisorFlag.title'),
  'kvm-module': M('host.check.kvmModule.title'),
  'kvm-nested': M('host.check.kvmNested.title'),
  'dev-kvm': M('host.check.devKvm.title'),
  libvirt: M('host.check.libvirt.title'),
  'qemu-emulator': M('host.check.qemuEmulator.title'),
  'domain-type': M('host.check.domainType.title'),
  uefi: M('host.check.uefi.title'),
  lxc: M('host.check.lxc.title'),
} as const;

type CheckId = keyof typeof TITLES;

const checkBase = (id: CheckId) => ({ id, title: TITLES[id] });

function firmwareSetting(vendor: CpuVendor): MessageRef {
  return M(vendor === 'intel' ? 'host.fix.firmwareIntel' : vendor === 'amd' ? 'host.fix.firmwareAmd' : 'host.fix.firmwareEither');
}

function firmwareFix(vendor: CpuVendor): MessageRef {
  return M('host.fix.firmware', { setting: firmwareSetting(vendor) });
}

function nestedFix(a: Analysis): MessageRef {
  return M('host.fix.nested', { module: a.kvmModule === 'kvm_amd' ? 'kvm_amd' : 'kvm_intel' });
}

/** The module KVM needs, as a message when it is "kvm_intel or kvm_amd". */
function kvmModuleName(a: Analysis): MessageParam {
  return a.kvmModule.includes(' or ') ? M('host.check.kvmModule.either') : a.kvmModule;
}

function moduleFix(a: Analysis): MessageRef {
  const command = a.kvmModule.includes(' or ') ? M('host.fix.modprobeEither') : M('host.fix.modprobe', { module: a.kvmModule });
  return M('host.fix.module', { command });
}

/**
 * The fix for "KVM can't work at the kernel level", by cause. The full text goes on the check
 * that names the cause; the other checks point to it.
 */
function kernelFix(a: Analysis, checkId: CheckId): MessageRef {
  if (!a.cpu.flags || a.hwVirt) return moduleFix(a);
  if (a.insideVm) {
    return checkId === 'hypervisor-flag' ? nestedFix(a) : M('host.fix.nestedSee', { title: TITLES['hypervisor-flag'] });
  }
  return checkId === 'cpu-virt-flags' ? firmwareFix(a.cpu.vendor)
    : M('host.fix.firmwareSee', { setting: firmwareSetting(a.cpu.vendor), title: TITLES['cpu-virt-flags'] });
}

function groupFix(a: Analysis): MessageRef {
  const { name, groups, configuredGroups } = a.facts.user;
  const user = name || '$USER';
  if (groups.includes('kvm')) return M('host.fix.groupInKvm');
  if (configuredGroups?.includes('kvm')) return M('host.fix.groupRelogin');
  const libvirt = groups.includes('libvirt') || configuredGroups?.includes('libvirt') ? '' : M('host.fix.groupAddLibvirt', { user });
  return M('host.fix.groupAdd', { user, libvirt });
}

function startLibvirt(systemd: boolean): MessageRef {
  return M(systemd ? 'host.fix.startSystemd' : 'host.fix.startNoSystemd');
}

/** How to start libvirt on a host with or without systemd (containers, WSL, sandboxes have none). */
export function startLibvirtCommand(systemd: boolean): string {
  return englishText(startLibvirt(systemd));
}

function restartLibvirt(systemd: boolean): MessageRef {
  return M(systemd ? 'host.fix.restartSystemd' : 'host.fix.restartNoSystemd');
}

/** A remote host's init system is unknown here: the usual systemd wording. */
const usesSystemd = (a: Analysis): boolean => a.remote || a.facts.systemd;

const installLibvirt = (a: Analysis): MessageRef => M('host.fix.installLibvirt', { start: startLibvirt(usesSystemd(a)) });

/** " (error)" after a sentence part, or nothing. */
const parenError = (error: string | undefined): MessageParam => (error ? M('host.check.parenError', { error }) : '');

// ---- checks ------------------------------------------------------------------------------

const VENDOR_NAMES: Record<CpuVendor, MessageParam> = {
  intel: 'Intel',
  amd: 'AMD',
  other: M('host.check.cpuVendor.other'),
  unknown: M('host.check.cpuVendor.unknown'),
};

function cpuVendorCheck(a: Analysis): CheckDraft {
  const base = checkBase('cpu-vendor');
  if (a.facts.cpuinfo === null || a.cpu.vendor === 'unknown') {
    return { ...base, status: 'warn', detail: M('host.check.cpuVendor.unreadable') };
  }
  const vendor = VENDOR_NAMES[a.cpu.vendor];
  return {
    ...base,
    status: 'info',
    detail: a.cpu.model ? M('host.check.cpuVendor.detailModel', { vendor, model: a.cpu.model }) : M('host.check.cpuVendor.detail', { vendor }),
  };
}

function cpuVirtFlagsCheck(a: Analysis): CheckDraft {
  const base = checkBase('cpu-virt-flags');
  if (a.remote) {
    const state = a.hwVirt ? M('host.check.cpuVirtFlags.remotePresent', { flag: a.hwVirt }) : M('host.check.cpuVirtFlags.remoteMissing');
    return { ...base, status: 'info', detail: M('host.check.cpuVirtFlags.remote', { state }) };
  }
  if (!a.cpu.flags) return { ...base, status: 'warn', detail: M('host.check.cpuVirtFlags.unreadable') };
  if (a.hwVirt) {
    const name = a.hwVirt === 'vmx' ? 'Intel VT-x (vmx)' : 'AMD-V (svm)';
    return { ...base, status: 'ok', detail: M('host.check.cpuVirtFlags.ok', { name }) };
  }
  return {
    ...base,
    status: 'fail',
    detail: M(a.insideVm ? 'host.check.cpuVirtFlags.missingInVm' : 'host.check.cpuVirtFlags.missing'),
    fix: kernelFix(a, base.id),
  };
}

function hypervisorFlagCheck(a: Analysis): CheckDraft {
  const base = checkBase('hypervisor-flag');
  if (!a.cpu.flags && !a.remote) return { ...base, status: 'info', detail: M('host.check.hypervisorFlag.unknown') };
  if (!a.insideVm) return { ...base, status: 'ok', detail: M('host.check.hypervisorFlag.bareMetal') };
  if (a.hwVirt) return { ...base, status: 'info', detail: M('host.check.hypervisorFlag.nested') };
  return { ...base, status: 'warn', detail: M('host.check.hypervisorFlag.notNested'), fix: kernelFix(a, base.id) };
}

function kvmModuleCheck(a: Analysis): CheckDraft {
  const base = checkBase('kvm-module');
  const modules = parseModules(a.facts.procModules, a.facts.sysModules);
  if (!modules) return { ...base, status: 'warn', detail: M('host.check.kvmModule.unreadable') };
  const loaded = ['kvm_intel', 'kvm_amd'].filter((m) => modules.has(m));
  if (loaded.length === 2) return { ...base, status: 'ok', detail: M('host.check.kvmModule.loadedBoth', { first: loaded[0], second: loaded[1] }) };
  if (loaded.length) return { ...base, status: 'ok', detail: M('host.check.kvmModule.loaded', { module: loaded[0] }) };
  if (a.pvmOnly) return { ...base, status: 'warn', detail: M('host.check.kvmModule.pvmOnly'), fix: kernelFix(a, base.id) };
  if (!a.cpu.flags) return { ...base, status: 'fail', detail: M('host.check.kvmModule.none'), fix: moduleFix(a) };
  if (a.hwVirt) {
    return {
      ...base,
      status: 'fail',
      detail: M('host.check.kvmModule.notLoaded', { extension: a.hwVirt === 'vmx' ? 'VT-x' : 'AMD-V', module: kvmModuleName(a) }),
      fix: moduleFix(a),
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: M(a.insideVm ? 'host.check.kvmModule.cannotLoadInVm' : 'host.check.kvmModule.cannotLoad'),
    fix: kernelFix(a, base.id),
  };
}

function kvmNestedCheck(a: Analysis): CheckDraft {
  const base = { ...checkBase('kvm-nested'), status: 'info' as const };
  const [mod, raw] = Object.entries(a.facts.nested).find(([, v]) => typeof v === 'string') ?? [];
  if (!mod || raw === undefined) return { ...base, detail: M('host.check.kvmNested.notApplicable') };
  const value = raw.trim();
  if (/^(y|1)$/i.test(value)) return { ...base, detail: M('host.check.kvmNested.on', { module: mod, value }) };
  return { ...base, detail: M('host.check.kvmNested.off', { module: mod, value }), fix: M('host.check.kvmNested.fix', { module: mod }) };
}

function devKvmCheck(a: Analysis): CheckDraft {
  const base = checkBase('dev-kvm');
  const { devKvm, user } = a.facts;
  const who: MessageParam = user.name || M('host.check.devKvm.yourUser');
  if (!devKvm.exists) return { ...base, status: 'fail', detail: M('host.check.devKvm.missing'), fix: kernelFix(a, base.id) };
  if (devKvm.accessible) {
    return a.pvmOnly
      ? { ...base, status: 'warn', detail: M('host.check.devKvm.pvm', { user: who }) }
      : { ...base, status: 'ok', detail: M('host.check.devKvm.ok', { user: who }) };
  }
  // qemu:///system runs QEMU as its own user, so only per-user (session) VMs depend on this.
  const systemDaemon = a.libvirtUp && !a.remote && /\/system\b/.test(a.facts.libvirt?.uri ?? '');
  return {
    ...base,
    status: systemDaemon ? 'warn' : 'fail',
    detail: M('host.check.devKvm.denied', { user: who, error: parenError(devKvm.error), system: systemDaemon ? M('host.check.devKvm.systemNote') : '' }),
    fix: groupFix(a),
  };
}

function formatVersion(v: number | undefined): string | null {
  if (v === undefined || !Number.isFinite(v) || v <= 0) return null;
  return `${Math.floor(v / 1e6)}.${Math.floor((v % 1e6) / 1e3)}.${v % 1e3}`;
}

function libvirtCheck(a: Analysis): CheckDraft {
  const base = checkBase('libvirt');
  const lv = a.facts.libvirt;
  if (!lv) return { ...base, status: 'warn', detail: M('host.check.libvirt.noConnection'), fix: installLibvirt(a) };
  if (!lv.reachable) {
    const denied = /permission denied|authentication|not authorized|polkit/i.test(lv.error ?? '');
    return {
      ...base,
      status: 'fail',
      detail: lv.error ? M('host.check.libvirt.unreachable', { uri: lv.uri, error: lv.error }) : M('host.check.libvirt.unreachableNoError', { uri: lv.uri }),
      fix: denied ? M('host.fix.libvirtGroup', { user: a.facts.user.name || '$USER' }) : installLibvirt(a),
    };
  }
  const lib = formatVersion(lv.libVersion);
  const hv = formatVersion(lv.hypervisorVersion);
  const versions = [lib && `libvirt ${lib}`, hv && `QEMU ${hv}`].filter(Boolean).join(', ');
  return {
    ...base,
    status: 'ok',
    detail: M('host.check.libvirt.connected', {
      uri: lv.uri,
      versions: versions ? M('host.check.libvirt.versions', { versions }) : '',
      remote: a.remote ? M('host.check.libvirt.remoteNote') : '',
    }),
  };
}

const NOT_CHECKED = M('host.check.notChecked');

function qemuEmulatorCheck(a: Analysis): CheckDraft {
  const base = checkBase('qemu-emulator');
  if (!a.libvirtUp) return { ...base, status: 'info', detail: NOT_CHECKED };
  const capsError = a.caps === null ? a.facts.libvirt?.capabilitiesError : a.caps && 'error' in a.caps ? a.caps.error : null;
  if (a.emulator) return { ...base, status: 'ok', detail: M('host.check.qemuEmulator.ok', { emulator: a.emulator }) };
  if (capsError) return { ...base, status: 'warn', detail: M('host.check.qemuEmulator.capsError', { error: capsError }) };
  return {
    ...base,
    status: 'fail',
    detail: M('host.check.qemuEmulator.none'),
    fix: M('host.fix.installQemu', { restart: restartLibvirt(usesSystemd(a)) }),
  };
}

function domainTypeCheck(a: Analysis, blocker: Blocker | null): CheckDraft {
  const base = checkBase('domain-type');
  if (!a.libvirtUp) return { ...base, status: 'info', detail: NOT_CHECKED };
  const types = a.domainTypes;
  if (types.size === 0) return { ...base, status: 'warn', detail: M('host.check.domainType.none') };
  if (types.has('kvm') && a.hardwareBacked) return { ...base, status: 'ok', detail: M('host.check.domainType.kvm') };
  const kvmError = a.facts.libvirt?.domainCapabilitiesError?.kvm;
  const fix = !blocker ? undefined
    : blocker.checkId === base.id ? blocker.fix
    : M('host.fix.seeCheck', { title: TITLES[blocker.checkId] });
  if (types.has('kvm')) {
    const cause = M(a.pvmOnly ? 'host.check.domainType.causePvm' : 'host.check.domainType.causeCpu');
    return { ...base, status: 'warn', detail: M('host.check.domainType.kvmNotBacked', { cause }), fix };
  }
  if (types.has('qemu')) {
    const detail = kvmError ? M('host.check.domainType.qemuOnlyError', { error: kvmError }) : M('host.check.domainType.qemuOnly');
    return { ...base, status: 'warn', detail, fix };
  }
  return { ...base, status: 'fail', detail: M('host.check.domainType.neither', { types: [...types].join(', ') }) };
}

function uefiCheck(a: Analysis): CheckDraft {
  const base = checkBase('uefi');
  if (!a.libvirtUp) return { ...base, status: 'info', detail: NOT_CHECKED };
  const preferred = a.verdict === 'kvm' ? [a.domcaps.kvm, a.domcaps.qemu] : [a.domcaps.qemu, a.domcaps.kvm];
  const dc = preferred.find((d) => d && !('error' in d)) as DomainCapabilities | undefined;
  if (!dc) {
    const err = preferred.find((d) => d && 'error' in d) as { error: string } | undefined;
    return {
      ...base,
      status: 'warn',
      detail: err ? M('host.check.uefi.parseError', { error: err.error }) : M('host.check.uefi.unknown'),
    };
  }
  const firmware = dc.loaderPaths.filter((p) => /ovmf|edk2/i.test(p));
  if (dc.firmwareEfi || (dc.loaderSupported && firmware.length)) {
    const where = firmware.length ? M('host.check.uefi.where', { paths: firmware.join(', ') }) : '';
    return { ...base, status: 'ok', detail: M('host.check.uefi.ok', { secureBoot: dc.secureBoot ? M('host.check.uefi.secureBoot') : '', where }) };
  }
  return { ...base, status: 'warn', detail: M('host.check.uefi.none'), fix: M('host.fix.installOvmf') };
}

function lxcCheck(a: Analysis): CheckDraft {
  const base = checkBase('lxc');
  const lv = a.facts.libvirt;
  if (!lv?.reachable || lv.lxcAvailable === undefined) return { ...base, status: 'info', detail: M('host.check.lxc.notProbed') };
  if (lv.lxcAvailable) return { ...base, status: 'ok', detail: lv.lxcVia ? M('host.check.lxc.okPrivate', { uri: lv.lxcVia }) : M('host.check.lxc.ok') };
  const fixes = { 'memory-cgroup': 'host.fix.lxcMemoryCgroup', 'cgroup-hybrid': 'host.fix.lxcCgroupHybrid', 'not-root': 'host.fix.lxcNotRoot' } as const;
  return {
    ...base,
    status: 'info',
    detail: M('host.check.lxc.unavailable', { error: parenError(lv.lxcError) }),
    fix: lv.lxcReason && lv.lxcReason !== 'driver' ? M(fixes[lv.lxcReason]) : M('host.fix.installLxc', { restart: restartLibvirt(usesSystemd(a)) }),
  };
}

// ---- verdict wording ---------------------------------------------------------------------

/** Why KVM is not usable, from the most fundamental failing fact. */
function findBlocker(a: Analysis): Blocker | null {
  const { devKvm } = a.facts;
  if (a.cpu.flags && !a.hwVirt && !a.remote) {
    if (a.insideVm) {
      return {
        checkId: 'hypervisor-flag',
        reason: M('host.reason.inVm', { pvm: a.pvmOnly ? M('host.reason.inVmPvm') : '' }),
        fix: nestedFix(a),
      };
    }
    return { checkId: 'cpu-virt-flags', reason: M('host.reason.noFlag'), fix: firmwareFix(a.cpu.vendor) };
  }
  if (a.remote) return { checkId: 'domain-type', reason: M('host.reason.remote'), fix: M('host.fix.remote') };
  if (a.pvmOnly) return { checkId: 'kvm-module', reason: M('host.reason.pvm'), fix: moduleFix(a) };
  if (a.vendorModuleLoaded === false) {
    return { checkId: 'kvm-module', reason: M('host.reason.moduleNotLoaded', { module: kvmModuleName(a) }), fix: moduleFix(a) };
  }
  if (!devKvm.exists) return { checkId: 'dev-kvm', reason: M('host.reason.noDevKvm'), fix: moduleFix(a) };
  if (!devKvm.accessible && !a.libvirtUp) return { checkId: 'dev-kvm', reason: M('host.reason.devKvmDenied'), fix: groupFix(a) };
  if (a.libvirtUp && !a.domainTypes.has('kvm')) {
    return {
      checkId: 'domain-type',
      reason: M('host.reason.noKvmType'),
      fix: M('host.fix.restartLibvirt', { restart: restartLibvirt(usesSystemd(a)) }),
    };
  }
  if (!a.cpu.flags) return { checkId: 'cpu-vendor', reason: M('host.reason.noCpuInfo'), fix: moduleFix(a) };
  return null;
}

function headline(a: Analysis): MessageRef {
  if (a.verdict === 'kvm') return M(a.libvirtUp ? 'host.headline.kvm' : 'host.headline.kvmNoLibvirt');
  return M(a.verdict === 'emulation' ? 'host.headline.emulation' : 'host.headline.none');
}

function explanation(a: Analysis, blocker: Blocker | null, checks: HostCheck[]): MessageRef {
  const see = (id: string | undefined): MessageParam => {
    const check = checks.find((c) => c.id === id);
    return check?.text ? M('host.explain.see', { title: check.text.title }) : '';
  };
  const why = blocker ? M('host.explain.why', { reason: blocker.reason }) : null;
  if (a.verdict === 'kvm') {
    const extension = M(a.hwVirt === 'vmx' ? 'host.explain.extVmx' : a.hwVirt === 'svm' ? 'host.explain.extSvm' : 'host.explain.extOther');
    return M('host.explain.kvm', {
      extension,
      nested: a.insideVm ? M('host.explain.kvmNested') : '',
      libvirt: a.libvirtUp ? '' : M('host.explain.kvmNoLibvirt', { see: see('libvirt') }),
    });
  }
  if (a.verdict === 'emulation') {
    return M('host.explain.emulation', { why: why ? M('host.explain.emulationWhy', { why, see: see(blocker?.checkId) }) : '' });
  }
  if (a.libvirtUp) {
    const unreadable = a.domainTypes.size === 0 && (a.caps === null || 'error' in a.caps);
    return unreadable ? M('host.explain.capsUnreadable') : M('host.explain.noQemu', { see: see('qemu-emulator') });
  }
  const lv = a.facts.libvirt;
  return M('host.explain.noLibvirt', {
    libvirt: lv ? M('host.explain.libvirtUnreachable', { uri: lv.uri }) : M('host.explain.noConnection'),
    why: why ?? M('host.explain.kvmUnusable'),
    see: see('libvirt'),
  });
}
