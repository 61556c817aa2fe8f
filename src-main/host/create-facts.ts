// What the New-VM flow needs to know about a connection's host (capabilities, the host check's
// verdict, passt); capabilities through the per-connection CapabilitiesCache.
import type { LibvirtHostClient } from '../libvirt/host-client';
import { evaluateHost, type Verdict } from './virt-check';
import { CapabilitiesCache, parseDomainCapabilities, readDomainCapabilities, type DomainCapabilities } from '../domain/capabilities';
import { readHostFacts, type LibvirtProbe } from './read-host-facts';
import { domainCapsForCreate, hostCapsForCreate } from '../xml/create-caps';
import type { CreateHostFacts } from '../xml/vm-plan';
import type { UefiLoader } from '../xml/build-domain';
import { inPath, isLocalConnection, MiB } from '../api/handlers/helpers';

export type HostVerdict = (uri: string, probe: LibvirtProbe) => Promise<{ verdict: Verdict; headline: string }>;

export interface CreateFactsOptions {
  /** The host check verdict for a connection (default: virt-check over the connection + /proc). */
  hostVerdict?: HostVerdict;
  /** Whether passt (user-mode port forwarding) is installed; default: looks in PATH. */
  hasPasst?: () => Promise<boolean>;
  /** How long capabilities are reused (when no cache is given). Default 60 s. */
  factsTtlMs?: number;
  /** The capabilities cache to read through (default: one of this reader's own). */
  capabilities?: CapabilitiesCache;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
type Settled = { ok: true; v: string } | { ok: false; e: string };
const settle = (p: Promise<string>): Promise<Settled> => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e: errText(e) }));

/** What a connection answered: versions, capabilities and domain capabilities for kvm and qemu (x86_64). */
export interface ConnectionAnswers {
  info: { libVersion: number; hypervisorVersion: number };
  caps: Settled;
  kvm: Settled;
  qemu: Settled;
}

/**
 * KVM or emulation for new VMs on a connection (the New-VM flow and labs): the host check's
 * verdict — decideVirtualization in virt-check.ts — over what the connection answered. It runs
 * only when libvirt lists kvm (verdict null otherwise: emulation without asking the host).
 */
export async function chooseVirtualization(uri: string, a: ConnectionAnswers, hostVerdict?: HostVerdict): Promise<{ kvmListed: boolean; verdict: Verdict | null; headline?: string }> {
  const kvmCaps = a.kvm.ok ? readDomainCapabilities(a.kvm.v) : null;
  const kvmListed = !!kvmCaps && !('error' in kvmCaps) && kvmCaps.domain === 'kvm';
  if (!kvmListed) return { kvmListed, verdict: null };
  const answer = (r: Settled): Promise<string> => (r.ok ? Promise.resolve(r.v) : Promise.reject(new Error(r.e)));
  const probe: LibvirtProbe = {
    uri,
    getLibVersion: async () => a.info.libVersion,
    getVersion: async () => a.info.hypervisorVersion,
    getCapabilities: () => answer(a.caps),
    getDomainCapabilities: (t) => answer(t === 'kvm' ? a.kvm : a.qemu),
    probeLxc: async () => ({ available: false }),
  };
  try {
    const v = hostVerdict ? await hostVerdict(uri, probe) : evaluateHost(await readHostFacts(probe));
    return { kvmListed, verdict: v.verdict, headline: v.headline };
  } catch {
    return { kvmListed, verdict: null };
  }
}

/** Asks a connection what chooseVirtualization needs, then chooses. */
export async function virtualizationFor(uri: string, client: LibvirtHostClient, hostVerdict?: HostVerdict): ReturnType<typeof chooseVirtualization> {
  const api = client.api;
  const [info, caps, kvm, qemu] = await Promise.all([
    client.connect(),
    settle(api.capabilities()),
    settle(api.domainCapabilities({ virttype: 'kvm', arch: 'x86_64' })),
    settle(api.domainCapabilities({ virttype: 'qemu', arch: 'x86_64' })),
  ]);
  return chooseVirtualization(uri, { info, caps, kvm, qemu }, hostVerdict);
}

/**
 * The host facts the New-VM flow needs, kept in the one per-connection CapabilitiesCache with the
 * capabilities they come from (for factsTtlMs; forgotten with them); free memory is read each time.
 */
export function createFactsReader(deps: CreateFactsOptions): (uri: string, client: LibvirtHostClient) => Promise<CreateHostFacts> {
  const caps = deps.capabilities ?? new CapabilitiesCache(deps.factsTtlMs ?? 60_000);
  const hasPasst = deps.hasPasst ?? (() => inPath('passt'));
  return async function hostFacts(uri: string, client: LibvirtHostClient): Promise<CreateHostFacts> {
    const [facts, free] = await Promise.all([caps.derived(uri, 'create-facts', () => staticFacts(uri, client, caps, hasPasst, deps.hostVerdict)), client.api.nodeFreeMemory().catch(() => 0)]);
    return { ...facts, memoryFreeMiB: Math.floor(free / MiB) };
  };
}

/** Everything but free memory: capabilities (through `caps`), the host check's verdict, passt. */
async function staticFacts(uri: string, client: LibvirtHostClient, caps: CapabilitiesCache, hasPasst: () => Promise<boolean>, hostVerdict?: HostVerdict): Promise<Omit<CreateHostFacts, 'memoryFreeMiB'>> {
  const api = client.api;
  const domcaps = (virttype: 'qemu' | 'kvm') => ({ virttype, arch: 'x86_64' });
  const loadDomcaps = (q: { virttype?: string; arch?: string }) => api.domainCapabilities(q);
  const [info, node, capsXml, qemu, kvm, passt] = await Promise.all([
    client.connect(),
    api.nodeInfo(),
    settle(caps.hostXml(uri, () => api.capabilities())),
    settle(caps.domainXml(uri, domcaps('qemu'), loadDomcaps)),
    settle(caps.domainXml(uri, domcaps('kvm'), loadDomcaps)),
    isLocalConnection(uri) ? hasPasst() : Promise.resolve(true),
  ]);
  // Parsed once per cache entry (a text that does not parse reads as "not available").
  const parsed = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
  const [hostCapsParsed, qemuParsed, kvmParsed] = await Promise.all([
    capsXml.ok ? parsed(caps.host(uri, () => capsXml.v)) : null,
    qemu.ok ? parsed(caps.domain(uri, domcaps('qemu'), () => qemu.v)) : null,
    kvm.ok ? parsed(caps.domain(uri, domcaps('kvm'), () => kvm.v)) : null,
  ]);
  const hostCaps = hostCapsForCreate(hostCapsParsed);
  const qemuCaps = domainCapsForCreate(qemuParsed);
  const kvmCaps = domainCapsForCreate(kvmParsed);
  const { kvmListed, verdict, headline: verdictHeadline } = await chooseVirtualization(uri, { info, caps: capsXml, kvm, qemu }, hostVerdict);
  const domainTypes: ('qemu' | 'kvm')[] = [];
  const testDriver = info.hypervisorType.toLowerCase() === 'test';
  if (qemuCaps.domainType === 'qemu' || hostCaps.domainTypes.includes('qemu') || testDriver) domainTypes.push('qemu');
  if (verdict === 'kvm') domainTypes.push('kvm');
  const useKvm = kvmListed && verdict === 'kvm';
  const chosen = useKvm ? kvmCaps : qemuCaps;
  return {
    uri,
    local: isLocalConnection(uri),
    hypervisor: info.hypervisorType,
    memoryTotalMiB: Math.floor(node.memoryKiB / 1024),
    cpus: node.cpus,
    kvmListed,
    verdict,
    verdictHeadline,
    domainTypes,
    ...uefiSupport(chosen.efi, useKvm ? kvmParsed : qemuParsed),
    tpm: chosen.tpmEmulator,
    cpuModes: { qemu: qemuCaps.cpuModes, kvm: kvmCaps.cpuModes },
    machines: hostCaps.machines,
    // libvirt 9.0.0 refuses <backend type='passt'/> (libvirt issue #462); newer ones list it in domcaps.
    portForwarding: passt && (qemuCaps.netBackends.includes('passt') || (qemuCaps.netBackends.length === 0 && info.libVersion >= 9_001_000)),
  };
}

/**
 * UEFI on a host: libvirt picks OVMF itself when its domain capabilities list efi among the
 * firmware values; with older firmware descriptors they list only loader files, and the VM must
 * name one explicitly (a non-secure-boot OVMF_CODE and its VARS template).
 */
export function uefiSupport(autoselect: boolean, domcaps: string | DomainCapabilities | null): { uefi: boolean; uefiLoader: UefiLoader | null } {
  if (autoselect) return { uefi: true, uefiLoader: null };
  const uefiLoader = explicitUefiLoader(domcaps);
  return { uefi: !!uefiLoader, uefiLoader };
}

const SECURE_BOOT_BUILD = /secboot|secure|\.ms\.|snakeoil|enrolled/i;

/** The first non-secure-boot OVMF code image in <os><loader> (pflash) with the VARS file next to it. */
export function explicitUefiLoader(domcaps: string | DomainCapabilities | null): UefiLoader | null {
  if (!domcaps) return null;
  let caps: DomainCapabilities;
  try {
    caps = typeof domcaps === 'string' ? parseDomainCapabilities(domcaps) : domcaps;
  } catch {
    return null;
  }
  if (!caps.os.supported || !caps.os.loader || !caps.loaderSupported) return null;
  const types = caps.os.loader.enums.type;
  if (types && !types.includes('pflash')) return null;
  for (const code of caps.loaderPaths.map((p) => p.trim())) {
    if (!code.startsWith('/')) continue;
    const dir = code.slice(0, code.lastIndexOf('/') + 1);
    const file = code.slice(dir.length);
    if (SECURE_BOOT_BUILD.test(file) || !/CODE|code/.test(file)) continue;
    return { code, vars: dir + file.replace('CODE', 'VARS').replace('code', 'vars') };
  }
  return null;
}
