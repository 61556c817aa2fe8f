// What the Hardware tab reads from a domain XML document (the live one and the definition): memory,
// vCPUs, name and every device with the domain model's key, its properties and an identity that
// is the same in the live XML and the definition (libvirt adds aliases, addresses and ports to
// the live one). Pure: the XML parser is passed in (the browser's DOMParser, xmldom in tests).

/** The few DOM members used here, so both the browser's DOM and xmldom fit. */
export interface XmlNode {
  nodeType: number;
}
export interface XmlElement extends XmlNode {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  readonly attributes: ArrayLike<{ name: string; value: string }>;
  readonly childNodes: ArrayLike<XmlNode>;
}
export type ParseXml = (xml: string) => { documentElement: XmlElement | null };

export interface XmlDevice {
  /** The domain model's key: disk:vda, interface:52:54:…, video@video0, serial:0. */
  key: string;
  /** The element name. */
  kind: string;
  /** disk: disk | cdrom | floppy | lun. */
  diskDevice?: string;
  /** Flattened attributes and child values: type, model.type, source.file, target.dev, readonly… (no alias, address). */
  props: Record<string, string>;
  /** Equal for the same device in the live XML and in the definition. */
  identity: string;
  bootOrder?: number;
}

/** <cpu>: what the pending list compares. */
export interface CpuFacts {
  /** host-model, host-passthrough, custom, maximum. */
  mode?: string;
  model?: string;
  /** <vendor>: libvirt writes it when it expands a host-model CPU into the live XML (mode custom). */
  vendor?: string;
  topology?: { sockets: number; cores: number; threads: number };
}

export interface DomainFacts {
  name: string;
  title?: string;
  description?: string;
  /** <memory>: the maximum. */
  memoryKiB?: number;
  /** <currentMemory>. */
  currentMemoryKiB?: number;
  /** <vcpu current>, else <vcpu>. */
  vcpus?: number;
  /** <vcpu>. */
  maxVcpus?: number;
  firmware: 'bios' | 'uefi';
  kernel?: { kernel: string; initrd?: string; cmdline?: string };
  cpu?: CpuFacts;
  devices: XmlDevice[];
}

const ELEMENT = 1;
const UNIT_KIB: Record<string, number> = { b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024, g: 1024 ** 2, gib: 1024 ** 2, gb: 1e9 / 1024, t: 1024 ** 3, tib: 1024 ** 3, tb: 1e12 / 1024 };
/** Live-only details that differ between the running VM and its definition. */
const VOLATILE = new Set(['alias', 'address', 'backingStore']);

function children(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let i = 0; i < el.childNodes.length; i++) {
    const n = el.childNodes[i] as XmlElement;
    if (n.nodeType === ELEMENT && (name === undefined || n.tagName === name)) out.push(n);
  }
  return out;
}

const child = (el: XmlElement | undefined, name: string): XmlElement | undefined => (el ? children(el, name)[0] : undefined);
const text = (el: XmlElement | undefined): string | undefined => {
  const s = el?.textContent?.trim();
  return s ? s : undefined;
};

function kib(el: XmlElement | undefined): number | undefined {
  const v = Number(text(el));
  if (!el || !Number.isFinite(v)) return undefined;
  const factor = UNIT_KIB[(el.getAttribute('unit') ?? 'KiB').toLowerCase()];
  return factor === undefined ? undefined : Math.round(v * factor);
}

function wholeNumber(s: string | null | undefined): number | undefined {
  if (!s || !/^\d+$/.test(s.trim())) return undefined;
  return Number(s);
}

/** Attributes and children two levels deep, as "child.attr" → value; a child with neither is a flag ''. */
export function flattenDevice(el: XmlElement): Record<string, string> {
  const props: Record<string, string> = {};
  const visit = (node: XmlElement, prefix: string, depth: number): void => {
    for (let i = 0; i < node.attributes.length; i++) {
      const a = node.attributes[i]!;
      props[prefix ? `${prefix}.${a.name}` : a.name] = a.value;
    }
    const kids = children(node);
    if (prefix && kids.length === 0) {
      const value = text(node);
      if (value !== undefined || node.attributes.length === 0) props[prefix] = value ?? '';
    }
    if (depth >= 2) return;
    for (const k of kids) {
      if (VOLATILE.has(k.tagName)) continue;
      const path = prefix ? `${prefix}.${k.tagName}` : k.tagName;
      // A repeated child (several <source> of a hostdev…) keeps its first occurrence.
      if (Object.keys(props).some((p) => p === path || p.startsWith(`${path}.`))) continue;
      visit(k, path, depth + 1);
    }
  };
  visit(el, '', 0);
  return props;
}

/** The part of a device that names it the same way live and in the definition. */
export function deviceIdentity(kind: string, p: Record<string, string>): string {
  switch (kind) {
    case 'disk':
      return `disk:${p['target.dev'] ?? ''}`;
    case 'interface':
      return `interface:${(p['mac.address'] ?? '').toLowerCase()}`;
    case 'hostdev':
      return ['hostdev', p['source.vendor.id'], p['source.product.id'], p['source.address.bus'], p['source.address.device'], p['source.address.slot'], p['source.address.function']].join(':');
    case 'filesystem':
      return `filesystem:${p['target.dir'] ?? ''}`;
    case 'controller':
      return `controller:${p.type ?? ''}:${p.index ?? ''}`;
    case 'channel':
      return `channel:${p['target.name'] ?? p.type ?? ''}`;
    default:
      return [kind, p.type ?? '', p['model.type'] ?? p.model ?? '', p.bus ?? '', p['target.type'] ?? ''].join(':');
  }
}

/** Every device with the domain model's key (disk:target, interface:mac, kind@alias, kind:index). */
export function readDevices(devicesEl: XmlElement | undefined): XmlDevice[] {
  if (!devicesEl) return [];
  const seen = new Set<string>();
  const index = new Map<string, number>();
  const out: XmlDevice[] = [];
  for (const el of children(devicesEl)) {
    const kind = el.tagName;
    if (kind === 'emulator') continue;
    const i = index.get(kind) ?? 0;
    index.set(kind, i + 1);
    const props = flattenDevice(el);
    const alias = child(el, 'alias')?.getAttribute('name');
    const natural =
      kind === 'disk' && props['target.dev'] ? `disk:${props['target.dev']}`
      : kind === 'interface' && props['mac.address'] ? `interface:${props['mac.address'].toLowerCase()}`
      : alias ? `${kind}@${alias}` : undefined;
    const key = natural && !seen.has(natural) ? natural : `${kind}:${i}`;
    seen.add(key);
    const bootOrder = wholeNumber(child(el, 'boot')?.getAttribute('order'));
    out.push({
      key,
      kind,
      ...(kind === 'disk' ? { diskDevice: props.device ?? 'disk' } : {}),
      props,
      identity: deviceIdentity(kind, props),
      ...(bootOrder !== undefined ? { bootOrder } : {}),
    });
  }
  return out;
}

function readCpu(el: XmlElement | undefined): CpuFacts | undefined {
  if (!el) return undefined;
  const mode = el.getAttribute('mode') ?? (child(el, 'model') ? 'custom' : undefined);
  const model = text(child(el, 'model'));
  const vendor = text(child(el, 'vendor'));
  const t = child(el, 'topology');
  const [sockets, cores, threads] = ['sockets', 'cores', 'threads'].map((a) => wholeNumber(t?.getAttribute(a)));
  return {
    ...(mode ? { mode } : {}),
    ...(model ? { model } : {}),
    ...(vendor ? { vendor } : {}),
    ...(sockets && cores && threads ? { topology: { sockets, cores, threads } } : {}),
  };
}

/** The facts of one domain document; throws when it is not domain XML. */
export function readDomainFacts(xml: string, parse: ParseXml): DomainFacts {
  const root = parse(xml).documentElement;
  if (!root || root.tagName !== 'domain') throw new Error('not a domain XML document');
  const vcpu = child(root, 'vcpu');
  const maxVcpus = wholeNumber(text(vcpu));
  const os = child(root, 'os');
  const loader = child(os, 'loader');
  const uefi = os?.getAttribute('firmware') === 'efi' || (loader?.getAttribute('type') === 'pflash') || /OVMF|edk2|AAVMF/i.test(text(loader) ?? '');
  const kernel = text(child(os, 'kernel'));
  const initrd = text(child(os, 'initrd'));
  const cmdline = text(child(os, 'cmdline'));
  const title = text(child(root, 'title'));
  const description = child(root, 'description')?.textContent ?? undefined;
  const memoryKiB = kib(child(root, 'memory'));
  const currentMemoryKiB = kib(child(root, 'currentMemory')) ?? memoryKiB;
  const vcpus = wholeNumber(vcpu?.getAttribute('current')) ?? maxVcpus;
  const cpu = readCpu(child(root, 'cpu'));
  return {
    name: text(child(root, 'name')) ?? '',
    ...(title !== undefined ? { title } : {}),
    ...(description ? { description } : {}),
    ...(memoryKiB !== undefined ? { memoryKiB } : {}),
    ...(currentMemoryKiB !== undefined ? { currentMemoryKiB } : {}),
    ...(vcpus !== undefined ? { vcpus } : {}),
    ...(maxVcpus !== undefined ? { maxVcpus } : {}),
    firmware: uefi ? 'uefi' : 'bios',
    ...(kernel ? { kernel: { kernel, ...(initrd ? { initrd } : {}), ...(cmdline ? { cmdline } : {}) } } : {}),
    ...(cpu ? { cpu } : {}),
    devices: readDevices(child(root, 'devices')),
  };
}
