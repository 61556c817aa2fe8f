// The New-VM host facts read capabilities through the one per-connection CapabilitiesCache
// (domain/capabilities.ts): asked once while cached, again after the cache forgets the connection.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CapabilitiesCache } from '../../../src-main/domain/capabilities';
import { createFactsReader } from '../../../src-main/host/create-facts';
import type { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { FIXTURES } from './load-fixture';

function countingClient(fixture: string) {
  const calls = { capabilities: 0, domainCapabilities: 0 };
  const file = (f: string) => readFileSync(path.join(FIXTURES, fixture, f), 'utf8');
  const api = {
    nodeInfo: async () => ({ model: 'x86_64', memoryKiB: 16 * 2 ** 20, cpus: 8, mhz: 3000, nodes: 1, sockets: 1, cores: 4, threads: 2 }),
    nodeFreeMemory: async () => 8 * 2 ** 30,
    capabilities: async () => {
      calls.capabilities++;
      return file('capabilities.xml');
    },
    domainCapabilities: async (o: { virttype?: string }) => {
      calls.domainCapabilities++;
      return file(`domcaps-${o.virttype}.xml`);
    },
  };
  const client = { connect: async () => ({ uri: 'qemu:///system', hostname: 'h', hypervisorType: 'QEMU', libVersion: 9_000_000, hypervisorVersion: 7_002_000 }), api } as unknown as LibvirtHostClient;
  return { client, calls };
}

describe('create facts and the capabilities cache', () => {
  it('reads capabilities once per cache entry, and again once the cache forgets the connection', async () => {
    const caps = new CapabilitiesCache();
    const { client, calls } = countingClient('intel-kvm');
    const facts = createFactsReader({ capabilities: caps, hostVerdict: async () => ({ verdict: 'kvm', headline: 'KVM' }), hasPasst: async () => true });
    const first = await facts('qemu:///system', client);
    expect(first).toMatchObject({ domainTypes: ['qemu', 'kvm'], uefi: true });
    await facts('qemu:///system', client);
    expect(calls).toEqual({ capabilities: 1, domainCapabilities: 2 });
    // The parsed capabilities are the cache's own entries (no second parse elsewhere).
    expect((await caps.host('qemu:///system', () => Promise.reject(new Error('not asked')))).guests.length).toBeGreaterThan(0);
    caps.invalidate('qemu:///system');
    const again = await facts('qemu:///system', client);
    expect(calls).toEqual({ capabilities: 2, domainCapabilities: 4 });
    expect(again.machines).toEqual(first.machines);
  });

  it('the facts worked out from the capabilities (the verdict too) are kept and forgotten with them; free memory is read each time', async () => {
    let verdict: 'kvm' | 'emulation' = 'kvm';
    let free = 8 * 2 ** 30;
    const { client, calls } = countingClient('intel-kvm');
    (client.api as unknown as { nodeFreeMemory: () => Promise<number> }).nodeFreeMemory = async () => free;
    const caps = new CapabilitiesCache();
    const facts = createFactsReader({ capabilities: caps, hostVerdict: async () => ({ verdict, headline: verdict }), hasPasst: async () => true });
    expect((await facts('qemu:///system', client)).domainTypes).toEqual(['qemu', 'kvm']);
    verdict = 'emulation';
    free = 2 * 2 ** 30;
    const kept = await facts('qemu:///system', client);
    expect(kept.domainTypes).toEqual(['qemu', 'kvm']);
    expect(kept.memoryFreeMiB).toBe(2048);
    caps.invalidate('qemu:///system');
    expect((await facts('qemu:///system', client)).domainTypes).toEqual(['qemu']);
    expect(calls.capabilities).toBe(2);
  });
});
