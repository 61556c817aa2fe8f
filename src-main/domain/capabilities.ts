// One reader for libvirt's host capabilities (virConnectGetCapabilities) and domain
// capabilities (virConnectGetDomainCapabilities) XML, plus a per-connection cache.
import { DomainXmlError, elementChildren, parseXmlDocument, type Element } from './xml';

function kids(el: Element | undefined | null, name: string): Element[] {
  return el ? elementChildren(el).filter((c) => c.tagName === name) : [];
}
function kid(el: Element | undefined | null, name: string): Element | undefined {
  return kids(el, name)[0];
}
function childElements(el: Element | undefined): Element[] {
  return el ? elementChildren(el) : [];
}
function childNames(el: Element | undefined): string[] {
  return childElements(el).map((e) => e.tagName);
}
function text(el: Element | undefined | null): string | undefined {
  const t = el?.textContent?.trim();
  return t ? t : undefined;
}
function attr(el: Element | undefined | null, name: string): string | undefined {
  return el && el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
}
function num(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
/** <enum name='x'><value>…</value></enum> children of `el` as { x: [...] }. */
function enums(el: Element | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of kids(el, 'enum')) out[attr(e, 'name') ?? ''] = kids(e, 'value').map(text).filter((s): s is string => !!s);
  return out;
}
function rootOf(xml: string, name: string, what: string): Element {
  const root = parseXmlDocument(xml, what).documentElement!;
  if (root.tagName !== name) throw new DomainXmlError(`Expected <${name}> in the ${what}, got <${root.tagName}>.`);
  return root;
}

export interface GuestMachine {
  name: string;
  canonical?: string;
  maxCpus?: number;
}
export interface GuestDomainType {
  type: string;
  emulator?: string;
  machines: GuestMachine[];
}
export interface CapsGuest {
  osType: string;
  arch: string;
  wordsize?: number;
  emulator?: string;
  machines: GuestMachine[];
  domains: GuestDomainType[];
  features: string[];
}
export interface HostCapabilities {
  hostUuid?: string;
  hostCpu: { arch?: string; vendor?: string; model?: string; features: string[] };
  iommu?: boolean;
  guests: CapsGuest[];
}

function machines(el: Element | undefined): GuestMachine[] {
  return kids(el, 'machine').flatMap((m) => {
    const name = text(m);
    if (!name) return [];
    const canonical = attr(m, 'canonical');
    const maxCpus = num(attr(m, 'maxCpus'));
    return [{ name, ...(canonical ? { canonical } : {}), ...(maxCpus !== undefined ? { maxCpus } : {}) }];
  });
}

/** Parses host capabilities XML; throws DomainXmlError naming the problem. */
export function parseHostCapabilities(xml: string): HostCapabilities {
  const root = rootOf(xml, 'capabilities', 'host capabilities XML');
  const host = kid(root, 'host');
  const cpu = kid(host, 'cpu');
  const iommu = attr(kid(host, 'iommu'), 'support');
  return {
    ...(text(kid(host, 'uuid')) ? { hostUuid: text(kid(host, 'uuid')) } : {}),
    hostCpu: {
      arch: text(kid(cpu, 'arch')),
      vendor: text(kid(cpu, 'vendor')),
      model: text(kid(cpu, 'model')),
      features: kids(cpu, 'feature').map((f) => attr(f, 'name')).filter((s): s is string => !!s),
    },
    ...(iommu ? { iommu: iommu === 'yes' } : {}),
    guests: kids(root, 'guest').flatMap((g) =>
      kids(g, 'arch').map((a) => ({
        osType: text(kid(g, 'os_type')) ?? '',
        arch: attr(a, 'name') ?? '',
        wordsize: num(text(kid(a, 'wordsize'))),
        emulator: text(kid(a, 'emulator')),
        machines: machines(a),
        domains: kids(a, 'domain').map((d) => ({ type: attr(d, 'type') ?? '', emulator: text(kid(d, 'emulator')), machines: machines(d) })),
        features: childNames(kid(g, 'features')),
      })),
    ),
  };
}

/** The hvm guest of an architecture, or undefined. */
export function hvmGuest(caps: HostCapabilities, arch: string): CapsGuest | undefined {
  return caps.guests.find((g) => g.osType === 'hvm' && g.arch === arch);
}

/** Domain types (qemu, kvm, test, …) libvirt offers for hvm guests of `arch`. */
export function domainTypesFor(caps: HostCapabilities, arch: string): string[] {
  return [...new Set(hvmGuest(caps, arch)?.domains.map((d) => d.type) ?? [])];
}

/** Machine type names and aliases for hvm guests of `arch` (pc, q35, pc-q35-7.2, …). */
export function machinesFor(caps: HostCapabilities, arch: string): string[] {
  const g = hvmGuest(caps, arch);
  if (!g) return [];
  const out = new Set<string>();
  for (const m of [...g.machines, ...g.domains.flatMap((d) => d.machines)]) {
    out.add(m.name);
    if (m.canonical) out.add(m.canonical);
  }
  return [...out];
}

/** The emulator for hvm guests of `arch`: the arch's, else the first domain type's. */
export function emulatorFor(caps: HostCapabilities, arch: string): string | undefined {
  const g = hvmGuest(caps, arch);
  return g?.emulator ?? g?.domains.map((d) => d.emulator).find((e) => !!e);
}

export interface CapsSupport {
  supported: boolean;
  enums: Record<string, string[]>;
}
export interface DomainCapabilities {
  path?: string;
  domain?: string;
  machine?: string;
  arch?: string;
  vcpuMax?: number;
  iothreads?: boolean;
  os: CapsSupport & { loader?: CapsSupport & { paths: string[] } };
  /** CPU modes with their support and (for host-model/custom) models. */
  cpuModes: { name: string; supported: boolean; models: { name: string; usable?: string }[] }[];
  /** Devices: disk, graphics, video, hostdev, rng, filesystem, tpm, redirdev, channel, crypto, interface, … */
  devices: Record<string, CapsSupport>;
  /** Features: gic, vmcoreinfo, genid, backingStoreInput, backup, sev, sgx, hyperv, … */
  features: Record<string, CapsSupport>;
  // Derived answers both existing readers gave:
  /** <os><enum name='firmware'> lists efi: libvirt can pick OVMF itself (<os firmware='efi'>). */
  efi: boolean;
  loaderSupported: boolean;
  loaderPaths: string[];
  secureBoot: boolean;
  tpmEmulator: boolean;
  /** Names of the supported CPU modes. */
  supportedCpuModes: string[];
  diskBuses: string[];
  /** <interface><enum name='backendType'> (libvirt ≥ 9.6; empty when not reported). */
  netBackends: string[];
}

function support(el: Element | undefined): CapsSupport {
  return { supported: attr(el, 'supported') === 'yes', enums: enums(el) };
}

/** Parses domain capabilities XML; throws DomainXmlError naming the problem. */
export function parseDomainCapabilities(xml: string): DomainCapabilities {
  const root = rootOf(xml, 'domainCapabilities', 'domain capabilities XML');
  const os = kid(root, 'os');
  const loaderEl = kid(os, 'loader');
  const osSupport: DomainCapabilities['os'] = {
    // An <os> without supported= (older libvirt) still lists what it supports.
    supported: os ? attr(os, 'supported') !== 'no' : false,
    enums: enums(os),
    ...(loaderEl ? { loader: { ...support(loaderEl), paths: kids(loaderEl, 'value').map(text).filter((s): s is string => !!s) } } : {}),
  };
  const devices: Record<string, CapsSupport> = {};
  for (const d of childElements(kid(root, 'devices'))) devices[d.tagName] = support(d);
  const features: Record<string, CapsSupport> = {};
  for (const f of childElements(kid(root, 'features'))) features[f.tagName] = support(f);
  const cpuModes = kids(kid(root, 'cpu'), 'mode').map((m) => ({
    name: attr(m, 'name') ?? '',
    supported: attr(m, 'supported') === 'yes',
    models: kids(m, 'model').map((x) => ({ name: text(x) ?? '', ...(attr(x, 'usable') ? { usable: attr(x, 'usable') } : {}) })),
  }));
  const tpm = devices.tpm;
  return {
    path: text(kid(root, 'path')),
    domain: text(kid(root, 'domain')),
    machine: text(kid(root, 'machine')),
    arch: text(kid(root, 'arch')),
    vcpuMax: num(attr(kid(root, 'vcpu'), 'max')),
    ...(kid(root, 'iothreads') ? { iothreads: attr(kid(root, 'iothreads'), 'supported') === 'yes' } : {}),
    os: osSupport,
    cpuModes,
    devices,
    features,
    efi: osSupport.supported && (osSupport.enums.firmware ?? []).includes('efi'),
    loaderSupported: osSupport.supported && !!osSupport.loader?.supported,
    loaderPaths: osSupport.loader?.paths ?? [],
    secureBoot: (osSupport.loader?.enums.secure ?? []).includes('yes'),
    tpmEmulator: !!tpm?.supported && (tpm.enums.backendModel ?? []).includes('emulator'),
    supportedCpuModes: cpuModes.filter((m) => m.supported).map((m) => m.name),
    diskBuses: devices.disk?.enums.bus ?? [],
    netBackends: devices.interface?.enums.backendType ?? [],
  };
}

/** Never throws: the parsed value or { error } for callers that show "not available". */
export function readHostCapabilities(xml: string | null | undefined): HostCapabilities | { error: string } {
  try {
    return parseHostCapabilities(xml ?? '');
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
export function readDomainCapabilities(xml: string | null | undefined): DomainCapabilities | { error: string } {
  try {
    return parseDomainCapabilities(xml ?? '');
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export interface DomainCapsQuery {
  emulator?: string;
  arch?: string;
  machine?: string;
  virttype?: string;
}

const domainKey = (uri: string, q: DomainCapsQuery): string => `${uri}\n${q.emulator ?? ''}\n${q.arch ?? ''}\n${q.machine ?? ''}\n${q.virttype ?? ''}`;

/**
 * Parsed capabilities per connection URI, kept for `ttlMs` (capabilities change only when the
 * host's QEMU or firmware packages do). Concurrent asks for the same entry share one load; a
 * failed load is not kept.
 */
export class CapabilitiesCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  host(uri: string, load: () => string | Promise<string>): Promise<HostCapabilities> {
    return this.get(`${uri}\n`, async () => this.parsed(`${uri}\nxml`, await this.hostXml(uri, load), parseHostCapabilities));
  }

  domain(uri: string, query: DomainCapsQuery, load: (q: DomainCapsQuery) => string | Promise<string>): Promise<DomainCapabilities> {
    return this.get(domainKey(uri, query), async () => this.parsed(`${domainKey(uri, query)}\nxml`, await this.domainXml(uri, query, load), parseDomainCapabilities));
  }

  /** A value worked out from a connection's capabilities: kept, and forgotten, with them. */
  derived<T>(uri: string, name: string, load: () => Promise<T>): Promise<T> {
    return this.get(`${uri}\nderived\n${name}`, load);
  }

  /** A text that does not parse is not kept either. */
  private parsed<T>(xmlKey: string, xml: string, parse: (xml: string) => T): T {
    try {
      return parse(xml);
    } catch (e) {
      this.entries.delete(xmlKey);
      throw e;
    }
  }

  /** The host capabilities as libvirt's text (for readers that take XML, e.g. the host check). */
  hostXml(uri: string, load: () => string | Promise<string>): Promise<string> {
    return this.get(`${uri}\nxml`, async () => load());
  }

  /** The domain capabilities as libvirt's text. */
  domainXml(uri: string, query: DomainCapsQuery, load: (q: DomainCapsQuery) => string | Promise<string>): Promise<string> {
    return this.get(`${domainKey(uri, query)}\nxml`, async () => load(query));
  }

  /** Forgets one connection's entries (after a reconnect or package change), or all. */
  invalidate(uri?: string): void {
    for (const k of [...this.entries.keys()]) if (uri === undefined || k.startsWith(`${uri}\n`)) this.entries.delete(k);
  }

  private get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
