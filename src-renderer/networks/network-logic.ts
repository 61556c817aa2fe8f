// Pure helpers of the Networks page and dialog (no DOM, no Svelte): the form check that mirrors
// the server's rules, a free subnet to suggest, and how a network's addressing is described.
import type { NetworkDetails } from '../../src-main/contract';
import { fromProblem, type FormProblem } from '../common/form-problem';
import type { MessageKey } from '../i18n';
import { checkObjectName } from '../wizard/wizard-logic';

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
