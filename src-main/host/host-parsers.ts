// Pure parsers for the raw host data the virtualization check reads. None of them throws:
// unreadable input becomes `null` or an `{ error }` result. Capabilities XML is read by the one
// capabilities reader (src-main/domain/capabilities.ts); these are the check's views of it.
import { readDomainCapabilities, readHostCapabilities } from '../domain/capabilities';

export type CpuVendor = 'intel' | 'amd' | 'other' | 'unknown';

export interface CpuInfo {
  vendor: CpuVendor;
  model: string;
  /** null when /proc/cpuinfo has no flags line (unreadable, or not x86). */
  flags: Set<string> | null;
}

/** Reads the first processor block of /proc/cpuinfo. */
export function parseCpuinfo(text: string | null): CpuInfo {
  if (!text?.trim()) return { vendor: 'unknown', model: '', flags: null };
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      if (fields.size > 0) break;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  const vendorId = fields.get('vendor_id');
  const vendor: CpuVendor =
    vendorId === 'GenuineIntel' ? 'intel'
    : vendorId === 'AuthenticAMD' ? 'amd'
    : vendorId || fields.has('cpu implementer') ? 'other'
    : 'unknown';
  const model = fields.get('model name') ?? fields.get('hardware') ?? '';
  const flagsLine = fields.get('flags');
  return { vendor, model, flags: flagsLine === undefined ? null : new Set(flagsLine.split(/\s+/).filter(Boolean)) };
}

/**
 * Loaded kernel modules from /proc/modules plus the /sys/module entries (built-in modules
 * never appear in /proc/modules). null when neither source is known.
 */
export function parseModules(procModules: string | null, sysModules?: string[]): Set<string> | null {
  if (procModules === null && sysModules === undefined) return null;
  const names = new Set(sysModules ?? []);
  for (const line of (procModules ?? '').split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    if (name) names.add(name);
  }
  return names;
}

export interface GuestArch {
  emulator: string | null;
  domainTypes: string[];
}

export interface Capabilities {
  hostCpuFeatures: Set<string>;
  /** hvm guests by architecture name (x86_64, i686, …). */
  guests: Map<string, GuestArch>;
}

/** `virConnectGetCapabilities` XML, as the check needs it (a view over the one capabilities reader). */
export function parseCapabilities(xml: string | undefined): Capabilities | { error: string } {
  const caps = readHostCapabilities(xml);
  if ('error' in caps) return caps;
  const guests = new Map<string, GuestArch>();
  for (const g of caps.guests) {
    if (g.osType !== 'hvm' || !g.arch) continue;
    const emulator = g.emulator ?? g.domains.map((d) => d.emulator).find((e) => !!e) ?? null;
    guests.set(g.arch, { emulator, domainTypes: g.domains.map((d) => d.type).filter(Boolean) });
  }
  return { hostCpuFeatures: new Set(caps.hostCpu.features), guests };
}

export interface DomainCapabilities {
  domain: string | null;
  emulator: string | null;
  arch: string | null;
  /** `<enum name='firmware'>` lists `efi`: libvirt found firmware descriptors. */
  firmwareEfi: boolean;
  loaderSupported: boolean;
  loaderPaths: string[];
  secureBoot: boolean;
}

/** `virConnectGetDomainCapabilities` XML, as the check needs it (a view over the one capabilities reader). */
export function parseDomainCapabilities(xml: string | undefined): DomainCapabilities | { error: string } {
  const dc = readDomainCapabilities(xml);
  if ('error' in dc) return dc;
  return {
    domain: dc.domain ?? null,
    emulator: dc.path ?? null,
    arch: dc.arch ?? null,
    firmwareEfi: dc.efi,
    loaderSupported: dc.loaderSupported,
    loaderPaths: dc.loaderPaths,
    secureBoot: dc.secureBoot,
  };
}
