// Pure helpers of the Storage and Networks screens (no DOM, no Svelte): form checks that mirror
// the server's rules (so the dialogs say what is wrong before sending), a free subnet to
// suggest, and how pools, volumes and networks are described.
import type { NetworkDetails } from '../../src-main/api/contract-create';
import type { MessageKey, MessageParams } from './i18n';
import { parseDiskGiB } from './sizes';
import { checkObjectName, type Problem } from './wizard-logic';

export interface FormProblem {
  key: MessageKey;
  params?: MessageParams;
  /** The form field it is about. */
  field: string;
}

const fromProblem = (p: Problem | null, field: string): FormProblem | null => (p ? { key: p.key, ...(p.params ? { params: p.params } : {}), field } : null);

// ---- IPv4 ----
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Whether two subnets overlap (the shorter prefix decides). */
export function subnetsOverlap(a: { address: string; prefix: number }, b: { address: string; prefix: number }): boolean {
  const shared = maskOf(Math.min(a.prefix, b.prefix));
  return ((ipToInt(a.address) & shared) >>> 0) === ((ipToInt(b.address) & shared) >>> 0);
}

export interface NetworkForm {
  name: string;
  mode: 'nat' | 'isolated';
  address: string;
  prefix: string;
  dhcpStart: string;
  dhcpEnd: string;
  start: boolean;
  autostart: boolean;
}

/** A /24 no existing network uses (192.168.100–254, then 10.10.x): gateway .1, DHCP .2–.254. */
export function suggestSubnet(existing: readonly Pick<NetworkDetails, 'ipv4'>[]): Pick<NetworkForm, 'address' | 'prefix' | 'dhcpStart' | 'dhcpEnd'> {
  const used = existing.flatMap((n) => (n.ipv4 ? [n.ipv4] : []));
  const candidates = [...Array.from({ length: 155 }, (_, i) => `192.168.${i + 100}`), ...Array.from({ length: 250 }, (_, i) => `10.10.${i + 1}`)];
  const free = candidates.find((c) => !used.some((u) => subnetsOverlap(u, { address: `${c}.0`, prefix: 24 }))) ?? '192.168.200';
  return { address: `${free}.1`, prefix: '24', dhcpStart: `${free}.2`, dhcpEnd: `${free}.254` };
}

/** The first problem of the network dialog (the contract's networkCreate rules), or null. */
export function checkNetworkForm(f: NetworkForm, existingNames: readonly string[] = []): FormProblem | null {
  const n = fromProblem(checkObjectName(f.name), 'name');
  if (n) return n;
  if (existingNames.includes(f.name)) return { key: 'check.networkTaken', params: { name: f.name }, field: 'name' };
  for (const field of ['address', 'dhcpStart', 'dhcpEnd'] as const) {
    if (!isIpv4(f[field])) return { key: 'check.ipv4', params: { value: f[field] }, field };
  }
  const prefix = Number(f.prefix);
  if (!/^\d+$/.test(f.prefix) || prefix < 8 || prefix > 30) return { key: 'check.prefix', field: 'prefix' };
  const mask = maskOf(prefix);
  const net = (ipToInt(f.address) & mask) >>> 0;
  const bcast = (net | (~mask >>> 0)) >>> 0;
  const a = ipToInt(f.address);
  if (a === net || a === bcast) return { key: 'check.addressEdge', params: { address: f.address }, field: 'address' };
  for (const field of ['dhcpStart', 'dhcpEnd'] as const) {
    const v = ipToInt(f[field]);
    if (((v & mask) >>> 0) !== net) return { key: 'check.dhcpOutside', params: { value: f[field], subnet: `${intToIp(net)}/${prefix}` }, field };
    if (v === net || v === bcast) return { key: 'check.dhcpEdge', params: { value: f[field] }, field };
  }
  if (ipToInt(f.dhcpStart) >= ipToInt(f.dhcpEnd)) return { key: 'check.dhcpOrder', field: 'dhcpEnd' };
  if (a >= ipToInt(f.dhcpStart) && a <= ipToInt(f.dhcpEnd)) return { key: 'check.addressInRange', params: { address: f.address }, field: 'address' };
  return null;
}

/** "192.168.122.1/24 · DHCP .2–.254" style text of a network's IPv4 setup. */
export function describeIpv4(ipv4: NetworkDetails['ipv4']): string {
  if (!ipv4) return '—';
  const base = `${ipv4.address}/${ipv4.prefix}`;
  return ipv4.dhcpStart && ipv4.dhcpEnd ? `${base} (DHCP ${ipv4.dhcpStart} – ${ipv4.dhcpEnd})` : base;
}

/** The i18n key of a network's forward mode (null = isolated). */
export function networkModeKey(forward: string | null): MessageKey {
  switch (forward) {
    case null:
    case '':
      return 'networks.mode.isolated';
    case 'nat':
      return 'networks.mode.nat';
    case 'route':
      return 'networks.mode.route';
    case 'open':
      return 'networks.mode.open';
    case 'bridge':
      return 'networks.mode.bridge';
    default:
      return 'networks.mode.other';
  }
}

/** No host part (qemu:///system): the paths named are on this computer (the file browser's). */
export function isLocalUri(uri: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri);
  return m !== null && m[1] === '';
}

// ---- storage ----
export interface PoolForm {
  name: string;
  path: string;
  start: boolean;
  autostart: boolean;
}

export const IMAGES_DIR = '/var/lib/libvirt/images';

/** Where a new directory pool goes by default. */
export function defaultPoolPath(name: string): string {
  const safe = name.trim().replace(/[/\s]+/g, '-');
  return safe ? `${IMAGES_DIR}/${safe}` : IMAGES_DIR;
}

export function checkPoolForm(f: PoolForm, existingNames: readonly string[] = []): FormProblem | null {
  const n = fromProblem(checkObjectName(f.name), 'name');
  if (n) return n;
  if (existingNames.includes(f.name)) return { key: 'check.poolTaken', params: { name: f.name }, field: 'name' };
  const p = f.path;
  if (p === '') return { key: 'check.pathRequired', field: 'path' };
  if (!p.startsWith('/')) return { key: 'check.pathAbsolute', params: { path: p }, field: 'path' };
  if (p.trim() !== p) return { key: 'check.pathSpaces', field: 'path' };
  if (p.split('/').some((part) => part === '.' || part === '..')) return { key: 'check.pathDots', field: 'path' };
  return null;
}

export interface VolumeForm {
  name: string;
  size: string;
  format: 'qcow2' | 'raw';
}

export function checkVolumeForm(f: VolumeForm, existingNames: readonly string[] = [], availableBytes?: number): FormProblem | null {
  const n = fromProblem(checkObjectName(f.name, 'name', 128), 'name');
  if (n) return n;
  if (existingNames.includes(f.name)) return { key: 'check.volumeTaken', params: { name: f.name }, field: 'name' };
  return checkSizeField(f.size, availableBytes);
}

/** A size in GiB for a new volume (or a resize to more than `minBytes`). */
export function checkSizeField(text: string, availableBytes?: number, minBytes?: number): FormProblem | null {
  if (text.trim() === '') return { key: 'check.sizeRequired', field: 'size' };
  const gib = parseDiskGiB(text);
  if (gib === null) return { key: 'check.sizeNumber', field: 'size' };
  if (gib <= 0) return { key: 'check.sizeMin', field: 'size' };
  if (gib > 65536) return { key: 'check.sizeMax', field: 'size' };
  const bytes = Math.round(gib * 1024) * 2 ** 20;
  if (minBytes !== undefined && bytes <= minBytes) return { key: 'check.sizeGrow', field: 'size' };
  if (availableBytes !== undefined && bytes - (minBytes ?? 0) > availableBytes) return { key: 'check.sizeAvailable', field: 'size' };
  return null;
}

/** A volume name for a new disk: "<base>.qcow2" / ".img", numbered when taken. */
export function suggestVolumeName(base: string, format: 'qcow2' | 'raw', taken: readonly string[]): string {
  const ext = format === 'qcow2' ? '.qcow2' : '.img';
  const b = base.replace(/\.(qcow2|img|raw)$/i, '') || 'disk';
  for (let i = 0; ; i++) {
    const n = i === 0 ? `${b}${ext}` : `${b}-${i}${ext}`;
    if (!taken.includes(n)) return n;
  }
}
