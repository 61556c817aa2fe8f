// host.createOptions: what the New-VM wizard may offer on a connection's host.
import { poolInfos } from '../../storage/pools';
import {
  
  type CreateOptions } from '../../contract';
import type { HandlerContext, HandlersFor } from './context';
import { networkDetails } from '../../networks/networks';

export function hostCreateOptionsHandlers(ctx: HandlerContext): HandlersFor<'host.createOptions'> {
  return {
  'host.createOptions': async (i) => {
    const { uri, client, api } = await ctx.conn(i.connection);
    const facts = await ctx.hostFacts(uri, client);
    const [pools, records, info] = await Promise.all([poolInfos(api), api.allDomainXml(), ctx.osinfo.info()]);
    const networks = await networkDetails(api, records);
    const options: CreateOptions = {
      connection: uri,
      uefi: facts.uefi,
      tpm: facts.tpm,
      kvm: facts.domainTypes.includes('kvm'),
      domainTypes: facts.domainTypes,
      defaultDomainType: facts.domainTypes.includes('kvm') ? 'kvm' : 'qemu',
      // Aliases (pc, q35, …), not every versioned machine type.
      machines: facts.machines.filter((m) => !/-\d/.test(m)).sort(),
      memoryTotalMiB: facts.memoryTotalMiB,
      memoryFreeMiB: facts.memoryFreeMiB,
      cpus: facts.cpus,
      pools,
      networks,
      portForwarding: facts.portForwarding,
      local: facts.local,
      osinfo: { source: info.source, count: info.count },
    };
    return options;
  },
  };
}
