// host.summary, host.check and host.stats: a connection's host, which virtualization it gives, its load.
import type { HostSpawner } from '../../libvirt/host-channel';
import { LibvirtHostClient } from '../../libvirt/host-client';
import { readHostFacts, type LibvirtProbe } from '../../host/read-host-facts';
import { evaluateHost } from '../../host/virt-check';
import { probeContainers } from '../../host/container-support';
import { toApiError } from '../connection-manager';
import { hostCpuPercent } from '../stats-rates';
import type { HandlersFor } from './context';
import type { CoreServices } from './core-services';

export function hostHandlers(core: CoreServices): HandlersFor<'host.summary' | 'host.check' | 'host.stats'> {
  return {
    'host.summary': async (i) => {
      const { uri, client } = await core.conns.client(i.connection);
      const [info, node, freeMemoryBytes] = await Promise.all([client.connect(), client.api.nodeInfo(), client.api.nodeFreeMemory()]);
      return { connection: uri, info, node, freeMemoryBytes };
    },
    'host.check': async (i) => {
      let probe: LibvirtProbe | null = null;
      try {
        const { uri, client } = await core.conns.client(i.connection);
        probe = hostProbe(uri, client, core.options.spawnHost);
      } catch (e) {
        probe = failingProbe(i.connection ?? 'qemu:///system', toApiError(e).message);
      }
      return evaluateHost(await readHostFacts(probe));
    },
    'host.stats': async (i) => {
      const { uri, client } = await core.conns.client(i.connection);
      const [times, node, freeBytes] = await Promise.all([client.api.nodeCpuTimes(), client.api.nodeInfo(), client.api.nodeFreeMemory()]);
      const cpuPercent = hostCpuPercent(times, core.lastHostCpu.get(uri));
      core.lastHostCpu.set(uri, times);
      const memoryTotalKiB = node.memoryKiB;
      return { connection: uri, at: Date.now(), cpuPercent, cpus: node.cpus, memoryUsedKiB: Math.max(0, memoryTotalKiB - Math.round(freeBytes / 1024)), memoryTotalKiB };
    },
  };
}

function hostProbe(uri: string, client: LibvirtHostClient, spawnHost: HostSpawner): LibvirtProbe {
  return {
    uri,
    getLibVersion: async () => (await client.connect()).libVersion,
    getVersion: async () => (await client.connect()).hypervisorVersion,
    getCapabilities: () => client.api.capabilities(),
    getDomainCapabilities: (virttype) => client.api.domainCapabilities({ virttype, arch: 'x86_64' }),
    // LXC is a separate libvirt driver; whether it can start containers here: host/container-support.ts.
    probeLxc: () => probeContainers(spawnHost),
  };
}

function failingProbe(uri: string, message: string): LibvirtProbe {
  const fail = async (): Promise<never> => {
    throw new Error(message);
  };
  return { uri, getLibVersion: fail, getVersion: fail, getCapabilities: fail, getDomainCapabilities: fail, probeLxc: fail };
}
