// What the New-VM flow needs to know about a connection's host (capabilities, the host check's
// verdict, passt), read once per connection and reused for a while.
import type { LibvirtHostClient } from '../libvirt/host-client';
import { evaluateHost } from '../host/virt-check';
import { readHostFacts, type LibvirtProbe } from '../host/read-host-facts';
import { readDomainCaps, readHostCaps } from '../xml/create-caps';
import { type CreateHostFacts } from '../xml/vm-plan';
import { inPath, isLocalConnection, MiB } from '../api/handlers/helpers';

interface StaticFacts {
  at: number;
  facts: Omit<CreateHostFacts, 'memoryFreeMiB'>;
}

export interface CreateFactsOptions {
  /** The host check verdict for a connection (default: virt-check over the connection + /proc). */
  hostVerdict?: (uri: string, probe: LibvirtProbe) => Promise<{ verdict: 'kvm' | 'emulation' | 'none'; headline: string }>;
  /** Whether passt (user-mode port forwarding) is installed; default: looks in PATH. */
  hasPasst?: () => Promise<boolean>;
  /** How long static host facts (capabilities, verdict) are reused. Default 60 s. */
  factsTtlMs?: number;
}

export function createFactsReader(deps: CreateFactsOptions): (uri: string, client: LibvirtHostClient) => Promise<CreateHostFacts> {
  const ttl = deps.factsTtlMs ?? 60_000;
  const staticFacts = new Map<string, StaticFacts>();
  const hasPasst = deps.hasPasst ?? (() => inPath('passt'));
  const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  return async function hostFacts(uri: string, client: LibvirtHostClient): Promise<CreateHostFacts> {
  const api = client.api;
  let s = staticFacts.get(uri);
  if (!s || Date.now() - s.at > ttl) {
    const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e: errText(e) }));
    const [info, node, caps, qemu, kvm, passt] = await Promise.all([
      client.connect(),
      api.nodeInfo(),
      settle(api.capabilities()),
      settle(api.domainCapabilities({ virttype: 'qemu', arch: 'x86_64' })),
      settle(api.domainCapabilities({ virttype: 'kvm', arch: 'x86_64' })),
      isLocalConnection(uri) ? hasPasst() : Promise.resolve(true),
    ]);
    const hostCaps = readHostCaps(caps.ok ? caps.v : null);
    const qemuCaps = readDomainCaps(qemu.ok ? qemu.v : null);
    const kvmCaps = readDomainCaps(kvm.ok ? kvm.v : null);
    const kvmListed = kvmCaps.domainType === 'kvm';
    let verdict: CreateHostFacts['verdict'] = null;
    let verdictHeadline: string | undefined;
    if (kvmListed) {
      const probe: LibvirtProbe = {
        uri,
        getLibVersion: async () => info.libVersion,
        getVersion: async () => info.hypervisorVersion,
        getCapabilities: async () => (caps.ok ? caps.v : Promise.reject(new Error(caps.e))),
        getDomainCapabilities: async (t) => {
          const r = t === 'kvm' ? kvm : qemu;
          return r.ok ? r.v : Promise.reject(new Error(r.e));
        },
        probeLxc: async () => ({ available: false }),
      };
      try {
        const v = deps.hostVerdict ? await deps.hostVerdict(uri, probe) : evaluateHost(await readHostFacts(probe));
        verdict = v.verdict;
        verdictHeadline = v.headline;
      } catch {
        verdict = null;
      }
    }
    const domainTypes: ('qemu' | 'kvm')[] = [];
    const testDriver = info.hypervisorType.toLowerCase() === 'test';
    if (qemuCaps.domainType === 'qemu' || hostCaps.domainTypes.includes('qemu') || testDriver) domainTypes.push('qemu');
    if (kvmListed && verdict === 'kvm') domainTypes.push('kvm');
    s = {
      at: Date.now(),
      facts: {
        uri,
        local: isLocalConnection(uri),
        hypervisor: info.hypervisorType,
        memoryTotalMiB: Math.floor(node.memoryKiB / 1024),
        cpus: node.cpus,
        kvmListed,
        verdict,
        verdictHeadline,
        domainTypes,
        uefi: (kvmListed && verdict === 'kvm' ? kvmCaps : qemuCaps).efi,
        tpm: (kvmListed && verdict === 'kvm' ? kvmCaps : qemuCaps).tpmEmulator,
        cpuModes: { qemu: qemuCaps.cpuModes, kvm: kvmCaps.cpuModes },
        machines: hostCaps.machines,
        // libvirt 9.0.0 refuses <backend type='passt'/> (libvirt issue #462); newer ones list it in domcaps.
        portForwarding: passt && ((qemuCaps.netBackends.includes('passt') || (qemuCaps.netBackends.length === 0 && info.libVersion >= 9_001_000))),
      },
    };
    staticFacts.set(uri, s);
  }
  const free = await api.nodeFreeMemory().catch(() => 0);
  return { ...s.facts, memoryFreeMiB: Math.floor(free / MiB) };
}
}
