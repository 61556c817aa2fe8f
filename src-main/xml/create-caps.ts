// What the New-VM flow needs from libvirt's capabilities and domain capabilities XML: UEFI,
// TPM emulator, CPU modes, machine types and guest domain types. Never throws: unreadable XML
// gives "not available".
import { asArray, attr, parseXml, text, type XmlNode } from './parse';

export interface DomainCapsForCreate {
  domainType: string | null;
  /** <os><enum name='firmware'> lists efi: libvirt can pick OVMF by itself (<os firmware='efi'>). */
  efi: boolean;
  /** A TPM device with the emulator (swtpm) backend. */
  tpmEmulator: boolean;
  cpuModes: string[];
  diskBuses: string[];
  /** <interface><enum name='backendType'> (libvirt ≥ 9.6; empty when not reported). */
  netBackends: string[];
  machine: string | null;
}

const NONE: DomainCapsForCreate = { domainType: null, efi: false, tpmEmulator: false, cpuModes: [], diskBuses: [], netBackends: [], machine: null };

function enumValues(parent: unknown, name: string): string[] {
  if (!parent || typeof parent !== 'object') return [];
  const e = asArray((parent as XmlNode).enum as XmlNode[]).find((n) => attr(n, 'name') === name);
  return e ? asArray(e.value as unknown[]).map((v) => text(v) ?? '').filter(Boolean) : [];
}

export function readDomainCaps(xml: string | null | undefined): DomainCapsForCreate {
  if (!xml) return NONE;
  try {
    const root = asArray(parseXml(xml).domainCapabilities as XmlNode[])[0];
    if (!root) return NONE;
    const os = (root.os ?? {}) as XmlNode;
    const devices = (root.devices ?? {}) as XmlNode;
    const tpm = asArray(devices.tpm as XmlNode[])[0];
    const cpu = (root.cpu ?? {}) as XmlNode;
    const disk = asArray(devices.disk as XmlNode[])[0];
    return {
      // <domain> and <machine> are in parse.ts's repeated-element list: always arrays.
      domainType: text(asArray(root.domain as unknown[])[0]) ?? null,
      efi: attr(os, 'supported') !== 'no' && enumValues(os, 'firmware').includes('efi'),
      tpmEmulator: !!tpm && attr(tpm, 'supported') === 'yes' && enumValues(tpm, 'backendModel').includes('emulator'),
      cpuModes: asArray(cpu.mode as XmlNode[]).filter((m) => attr(m, 'supported') === 'yes').map((m) => attr(m, 'name') ?? '').filter(Boolean),
      diskBuses: enumValues(disk, 'bus'),
      netBackends: enumValues(asArray(devices.interface as XmlNode[])[0], 'backendType'),
      machine: text(asArray(root.machine as unknown[])[0]) ?? null,
    };
  } catch {
    return NONE;
  }
}

export interface HostCapsForCreate {
  /** x86_64 hvm guest domain types (qemu, kvm, test, …). */
  domainTypes: string[];
  /** Machine type names and aliases (pc, q35, pc-q35-7.2, …). */
  machines: string[];
}

export function readHostCaps(xml: string | null | undefined): HostCapsForCreate {
  if (!xml) return { domainTypes: [], machines: [] };
  try {
    const caps = (parseXml(xml).capabilities ?? {}) as XmlNode;
    const types = new Set<string>();
    const machines = new Set<string>();
    for (const guest of asArray(caps.guest as XmlNode[])) {
      if (text(guest.os_type) !== 'hvm') continue;
      for (const arch of asArray(guest.arch as XmlNode[])) {
        if (attr(arch, 'name') !== 'x86_64') continue;
        for (const m of asArray(arch.machine as unknown[])) {
          const n = text(m);
          if (n) machines.add(n);
          const canonical = attr(m, 'canonical');
          if (canonical) machines.add(canonical);
        }
        for (const d of asArray(arch.domain as XmlNode[])) {
          const t = attr(d, 'type');
          if (t) types.add(t);
          for (const m of asArray(d.machine as unknown[])) {
            const n = text(m);
            if (n) machines.add(n);
          }
        }
      }
    }
    return { domainTypes: [...types], machines: [...machines] };
  } catch {
    return { domainTypes: [], machines: [] };
  }
}
