// Virtual network XML (NAT or isolated, one IPv4 subnet with DHCP) from a validated spec.
import { buildXml, el } from './build';

export interface NetworkSpec {
  name: string;
  mode: 'nat' | 'isolated';
  ipv4: { address: string; prefix: number; dhcpStart: string; dhcpEnd: string };
}

/** libvirt picks the bridge name (virbrN); an isolated network has no <forward>. */
export function buildNetworkXml(n: NetworkSpec): string {
  return buildXml({
    network: {
      name: n.name,
      ...(n.mode === 'nat' ? { forward: el({ mode: 'nat' }) } : {}),
      bridge: el({ stp: 'on', delay: 0 }),
      ip: el({ address: n.ipv4.address, prefix: n.ipv4.prefix }, {
        dhcp: { range: el({ start: n.ipv4.dhcpStart, end: n.ipv4.dhcpEnd }) },
      }),
    },
  });
}
