// Virtual networks for the API: which VMs use a network, and each network's details.
import type { LibvirtHostClient } from '../libvirt/host-client';

type Api = LibvirtHostClient['api'];
import type { DomainXmlRecord } from '../libvirt/protocol';
import { LibvirtError } from '../libvirt/errors';
import { VIR_ERR_NO_NETWORK } from '../libvirt/listing';
import { readDomainXml, readNetworkXml } from '../xml/read-domain';
import {
  
  type NetworkDetails } from '../contract';

export function networkUsers(records: DomainXmlRecord[], network: string, onlyActive = false): string[] {
  const names = new Set<string>();
  for (const r of records) {
    if (onlyActive && !r.active) continue;
    for (const x of [r.xml, r.inactiveXml]) {
      if (x && readDomainXml(x).nics.some((n) => n.type === 'network' && n.source === network)) names.add(r.name);
    }
  }
  return [...names].sort();
}

/** Each network with its settings and users; a network undefined while it was listed is left out. */
export async function networkDetails(api: Api, records?: DomainXmlRecord[]): Promise<NetworkDetails[]> {
  const [nets, recs] = await Promise.all([api.listNetworks(), records ? Promise.resolve(records) : api.allDomainXml()]);
  const details = await Promise.all(
    nets.map(async (n): Promise<NetworkDetails | null> => {
      let r: ReturnType<typeof readNetworkXml> = { forward: null };
      try {
        r = readNetworkXml(await api.networkXml(n.name));
      } catch (e) {
        if (e instanceof LibvirtError && e.code === VIR_ERR_NO_NETWORK) return null;
      }
      return { ...n, forward: r.forward, bridge: r.bridge ?? null, ipv4: r.ipv4 ?? null, usedBy: networkUsers(recs, n.name) };
    }),
  );
  return details.filter((d): d is NetworkDetails => d !== null);
}
