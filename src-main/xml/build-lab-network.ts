// The virtual network of a lab: isolated (no <forward>) or NAT, one IPv4 subnet, with a UUID
// of the lab's own (ownership: see labs/lab-file.ts labNetworkUuid). Without DHCP, DNS is off
// too, so libvirt needs no dnsmasq for it.
import { buildXml, el, type XmlTree } from './build';

export interface LabNetworkSpec {
  name: string;
  uuid: string;
  mode: 'isolated' | 'nat';
  ipv4: { address: string; prefix: number; dhcpStart: string; dhcpEnd: string };
  /** false: no DHCP and no DNS (no dnsmasq on the host); guests need static addresses. */
  dhcp: boolean;
}

export function buildLabNetworkXml(n: LabNetworkSpec): string {
  const network: XmlTree = {
    name: n.name,
    uuid: n.uuid,
    ...(n.mode === 'nat' ? { forward: el({ mode: 'nat' }) } : {}),
    bridge: el({ stp: 'on', delay: 0 }),
    ...(n.dhcp ? {} : { dns: el({ enable: 'no' }) }),
    ip: el({ address: n.ipv4.address, prefix: n.ipv4.prefix }, n.dhcp ? { dhcp: { range: el({ start: n.ipv4.dhcpStart, end: n.ipv4.dhcpEnd }) } } : {}),
  };
  return buildXml({ network });
}
