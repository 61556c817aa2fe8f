// KVM is picked only when domain capabilities list it AND the host check says 'kvm': the host
// facts of fixtures (test/fixtures/host) behind a fake connection.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerContext, libvirtHandlers } from '../../../src-main/api/handlers';
import { validateInput } from '../../../src-main/contract';
import { evaluateHost } from '../../../src-main/host/virt-check';
import { virtualizationFor } from '../../../src-main/host/create-facts';
import type { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { OsInfoDb } from '../../../src-main/osinfo/osinfo-db';
import { FIXTURES, loadFixture } from '../host/load-fixture';

function fakeClient(fixture: string): LibvirtHostClient {
  const file = (f: string) => (existsSync(path.join(FIXTURES, fixture, f)) ? readFileSync(path.join(FIXTURES, fixture, f), 'utf8') : null);
  const api = {
    nodeInfo: async () => ({ model: 'x86_64', memoryKiB: 16 * 2 ** 20, cpus: 8, mhz: 3000, nodes: 1, sockets: 1, cores: 4, threads: 2 }),
    nodeFreeMemory: async () => 8 * 2 ** 30,
    capabilities: async () => file('capabilities.xml') ?? Promise.reject(new Error('no capabilities')),
    domainCapabilities: async (o: { virttype?: string }) => file(`domcaps-${o.virttype}.xml`) ?? Promise.reject(new Error(`KVM is not supported by '/usr/bin/qemu-system-x86_64' on this host`)),
    listPools: async () => [],
    listNetworks: async () => [],
    allDomainXml: async () => [],
    listDomains: async () => [],
  };
  return { connect: async () => ({ uri: 'qemu:///system', hostname: 'h', hypervisorType: 'QEMU', libVersion: 9_000_000, hypervisorVersion: 7_002_000 }), api } as unknown as LibvirtHostClient;
}

async function options(fixture: string) {
  const client = fakeClient(fixture);
  const h = libvirtHandlers(handlerContext({ client: async () => ({ uri: 'qemu:///system', client }), osinfo: new OsInfoDb({ dir: null }), hostVerdict: async () => evaluateHost(loadFixture(fixture)), hasPasst: async () => false }));
  const spec = validateInput('vm.createPreview', { spec: { name: 'k', memoryMiB: 1024, vcpus: 2, source: { kind: 'none' }, network: { kind: 'none' } } });
  if (!spec.ok) throw new Error(spec.message);
  return { opts: await h['host.createOptions']({}), xml: (await h['vm.createPreview'](spec.value)).xml };
}

describe('domain type choice from host facts', () => {
  it('uses KVM with host-passthrough on a host where the check says kvm', async () => {
    const { opts, xml } = await options('intel-kvm');
    expect(opts).toMatchObject({ kvm: true, domainTypes: ['qemu', 'kvm'], defaultDomainType: 'kvm', uefi: true });
    expect(xml).toContain('<domain type="kvm">');
    expect(xml).toContain('<cpu mode="host-passthrough" check="none" migratable="on"/>');
  });

  it('uses qemu on this kind of machine: kvm listed (PVM /dev/kvm) but the check says emulation', async () => {
    const { opts, xml } = await options('this-machine');
    expect(opts).toMatchObject({ kvm: false, domainTypes: ['qemu'], defaultDomainType: 'qemu' });
    expect(xml).toContain('<domain type="qemu">');
    expect(xml).toContain('<cpu mode="maximum"');
  });

  it('uses qemu when there is no KVM at all', async () => {
    const { opts, xml } = await options('nested-no-virt');
    expect(opts).toMatchObject({ kvm: false, domainTypes: ['qemu'] });
    expect(xml).toContain('<domain type="qemu">');
  });

  // Labs ask virtualizationFor too. A remote host is judged by its capabilities (its CPU flags),
  // not by this computer's /proc: these answers do not depend on where the test runs.
  it('labs and New VM share one decision: a remote host whose KVM is not hardware-backed gets qemu', async () => {
    expect(await virtualizationFor('qemu+ssh://far/system', fakeClient('this-machine'))).toMatchObject({ kvmListed: true, verdict: 'emulation' });
    expect(await virtualizationFor('qemu+ssh://far/system', fakeClient('intel-kvm'))).toMatchObject({ kvmListed: true, verdict: 'kvm' });
    expect(await virtualizationFor('qemu+ssh://far/system', fakeClient('nested-no-virt'))).toEqual({ kvmListed: false, verdict: null });
  });
});
