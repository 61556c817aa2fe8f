// Pure parsers for the raw host data the virtualization check reads. None of them throws:
// unreadable input becomes `null` or an `{ error }` result.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

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

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
});

function parseXml(xml: string | undefined, rootTag: string): { root: XmlNode } | { error: string } {
  if (!xml?.trim()) return { error: 'empty document' };
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) return { error: `${valid.err.msg} (line ${valid.err.line})` };
    const root = (parser.parse(xml) as XmlNode)[rootTag];
    if (!isNode(root)) return { error: `no <${rootTag}> element` };
    return { root };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function nodes(v: unknown): XmlNode[] {
  return asArray(v).filter(isNode);
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (isNode(v) && typeof v['#text'] === 'string') return v['#text'].trim();
  return null;
}

function attr(v: unknown, name: string): string | null {
  return isNode(v) && typeof v[`@_${name}`] === 'string' ? (v[`@_${name}`] as string) : null;
}

function enumValues(parent: unknown, name: string): string[] {
  if (!isNode(parent)) return [];
  const e = nodes(parent.enum).find((n) => attr(n, 'name') === name);
  return e ? asArray(e.value).map(text).filter((s): s is string => !!s) : [];
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

/** `virConnectGetCapabilities` XML. */
export function parseCapabilities(xml: string | undefined): Capabilities | { error: string } {
  const doc = parseXml(xml, 'capabilities');
  if ('error' in doc) return doc;
  const host = isNode(doc.root.host) ? doc.root.host : {};
  const hostCpu = isNode(host.cpu) ? host.cpu : {};
  const hostCpuFeatures = new Set(nodes(hostCpu.feature).map((f) => attr(f, 'name')).filter((s): s is string => !!s));
  const guests = new Map<string, GuestArch>();
  for (const guest of nodes(doc.root.guest)) {
    if (text(guest.os_type) !== 'hvm') continue;
    for (const arch of nodes(guest.arch)) {
      const name = attr(arch, 'name');
      if (!name) continue;
      const domains = nodes(arch.domain);
      const emulator = text(arch.emulator) ?? domains.map((d) => text(d.emulator)).find((s) => !!s) ?? null;
      const domainTypes = domains.map((d) => attr(d, 'type')).filter((s): s is string => !!s);
      guests.set(name, { emulator, domainTypes });
    }
  }
  return { hostCpuFeatures, guests };
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

/** `virConnectGetDomainCapabilities` XML. */
export function parseDomainCapabilities(xml: string | undefined): DomainCapabilities | { error: string } {
  const doc = parseXml(xml, 'domainCapabilities');
  if ('error' in doc) return doc;
  const os = isNode(doc.root.os) ? doc.root.os : {};
  const loader = isNode(os.loader) ? os.loader : null;
  const osSupported = attr(os, 'supported') !== 'no';
  return {
    domain: text(doc.root.domain),
    emulator: text(doc.root.path),
    arch: text(doc.root.arch),
    firmwareEfi: osSupported && enumValues(os, 'firmware').includes('efi'),
    loaderSupported: osSupported && attr(loader, 'supported') === 'yes',
    loaderPaths: loader ? asArray(loader.value).map(text).filter((s): s is string => !!s) : [],
    secureBoot: enumValues(loader, 'secure').includes('yes'),
  };
}
