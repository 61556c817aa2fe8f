// What the New-VM flow needs from libvirt's capabilities and domain capabilities XML: UEFI,
// TPM emulator, CPU modes, machine types and guest domain types — views over the one
// capabilities reader (src-main/domain/capabilities.ts). Never throws: unreadable XML gives
// "not available".
import { domainTypesFor, machinesFor, readDomainCapabilities, readHostCapabilities, type DomainCapabilities, type HostCapabilities } from '../domain/capabilities';

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

export function readDomainCaps(xml: string | null | undefined): DomainCapsForCreate {
  return domainCapsForCreate(readDomainCapabilities(xml));
}

/** The view of already parsed domain capabilities (null or an error: not available). */
export function domainCapsForCreate(dc: DomainCapabilities | { error: string } | null): DomainCapsForCreate {
  if (!dc || 'error' in dc) return NONE;
  return {
    domainType: dc.domain ?? null,
    efi: dc.efi,
    tpmEmulator: dc.tpmEmulator,
    cpuModes: dc.supportedCpuModes,
    diskBuses: dc.diskBuses,
    netBackends: dc.netBackends,
    machine: dc.machine ?? null,
  };
}

export interface HostCapsForCreate {
  /** x86_64 hvm guest domain types (qemu, kvm, test, …). */
  domainTypes: string[];
  /** Machine type names and aliases (pc, q35, pc-q35-7.2, …). */
  machines: string[];
}

export function readHostCaps(xml: string | null | undefined): HostCapsForCreate {
  return hostCapsForCreate(readHostCapabilities(xml));
}

/** The view of already parsed host capabilities (null or an error: not available). */
export function hostCapsForCreate(caps: HostCapabilities | { error: string } | null): HostCapsForCreate {
  if (!caps || 'error' in caps) return { domainTypes: [], machines: [] };
  return { domainTypes: domainTypesFor(caps, 'x86_64'), machines: machinesFor(caps, 'x86_64') };
}
