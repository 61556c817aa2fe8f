// Builds HostFacts from test/fixtures/host/<case>/: cpuinfo, modules, capabilities.xml,
// domcaps-{kvm,qemu}.xml (a missing file means "not available") plus facts.json for the rest.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostFacts, LibvirtFacts } from '../../../src-main/host/virt-check';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/host', import.meta.url));

export function loadFixture(name: string): HostFacts {
  const dir = path.join(FIXTURES, name);
  const file = (f: string) => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : undefined);
  const json = JSON.parse(file('facts.json') ?? '{}') as Partial<HostFacts> & { libvirt?: LibvirtFacts | null };
  let libvirt: LibvirtFacts | null = json.libvirt ?? null;
  if (libvirt?.reachable) {
    const kvm = file('domcaps-kvm.xml');
    const qemu = file('domcaps-qemu.xml');
    libvirt = {
      ...libvirt,
      capabilitiesXml: file('capabilities.xml'),
      domainCapabilitiesXml: { ...(kvm && { kvm }), ...(qemu && { qemu }) },
    };
  }
  return {
    cpuinfo: file('cpuinfo') ?? null,
    procModules: file('modules') ?? null,
    sysModules: json.sysModules,
    devKvm: json.devKvm ?? { exists: false, accessible: false },
    nested: json.nested ?? {},
    user: json.user ?? { name: 'user', groups: [] },
    systemd: json.systemd ?? true,
    libvirt,
  };
}
