// UEFI on hosts whose domain capabilities list OVMF loaders but no efi firmware value (older
// firmware descriptors: libvirt cannot pick firmware itself). The wizard offers UEFI there too and
// the VM names the non-secure-boot OVMF_CODE and its VARS template; with the firmware enum the VM
// keeps <os firmware='efi'>. Host facts of fixtures behind a fake connection.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerContext, libvirtHandlers } from '../../../src-main/api/handlers';
import { validateInput } from '../../../src-main/contract';
import { explicitUefiLoader } from '../../../src-main/host/create-facts';
import type { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { OsInfoDb } from '../../../src-main/osinfo/osinfo-db';
import { FIXTURES } from '../host/load-fixture';

const domcaps = (fixture: string) => readFileSync(path.join(FIXTURES, fixture, 'domcaps-qemu.xml'), 'utf8');

function fakeClient(fixture: string): LibvirtHostClient {
  const file = (f: string) => (existsSync(path.join(FIXTURES, fixture, f)) ? readFileSync(path.join(FIXTURES, fixture, f), 'utf8') : null);
  const api = {
    nodeInfo: async () => ({ model: 'x86_64', memoryKiB: 16 * 2 ** 20, cpus: 8, mhz: 3000, nodes: 1, sockets: 1, cores: 4, threads: 2 }),
    nodeFreeMemory: async () => 8 * 2 ** 30,
    capabilities: async () => file('capabilities.xml') ?? readFileSync(path.join(FIXTURES, 'intel-kvm', 'capabilities.xml'), 'utf8'),
    domainCapabilities: async (o: { virttype?: string }) => file(`domcaps-${o.virttype}.xml`) ?? Promise.reject(new Error('KVM is not supported on this host')),
    listPools: async () => [],
    listNetworks: async () => [],
    allDomainXml: async () => [],
    listDomains: async () => [],
  };
  return { connect: async () => ({ uri: 'qemu:///system', hostname: 'h', hypervisorType: 'QEMU', libVersion: 9_000_000, hypervisorVersion: 7_002_000 }), api } as unknown as LibvirtHostClient;
}

async function uefiPreview(fixture: string) {
  const client = fakeClient(fixture);
  const h = libvirtHandlers(handlerContext({ client: async () => ({ uri: 'qemu:///system', client }), osinfo: new OsInfoDb({ dir: null }), hostVerdict: async () => ({ verdict: 'emulation', headline: 'emulation' }), hasPasst: async () => false }));
  const spec = validateInput('vm.createPreview', { spec: { name: 'u', memoryMiB: 1024, vcpus: 2, firmware: 'uefi', source: { kind: 'none' }, network: { kind: 'none' } } });
  if (!spec.ok) throw new Error(spec.message);
  return { opts: await h['host.createOptions']({}), xml: (await h['vm.createPreview'](spec.value)).xml };
}

describe('UEFI without firmware autoselection', () => {
  it('picks the non-secure-boot OVMF_CODE and its matching VARS from the loader values', () => {
    expect(explicitUefiLoader(domcaps('old-ovmf-descriptors'))).toEqual({ code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' });
    const onlySecure = domcaps('old-ovmf-descriptors').replace('<value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>', '');
    expect(explicitUefiLoader(onlySecure)).toBeNull();
  });

  it('offers UEFI and writes an explicit pflash loader + nvram template', async () => {
    const { opts, xml } = await uefiPreview('old-ovmf-descriptors');
    expect(opts.uefi).toBe(true);
    expect(xml).not.toContain('firmware="efi"');
    expect(xml).toContain('<loader readonly="yes" type="pflash">/usr/share/OVMF/OVMF_CODE_4M.fd</loader>');
    expect(xml).toContain('<nvram template="/usr/share/OVMF/OVMF_VARS_4M.fd"/>');
  });

  it("keeps <os firmware='efi'> when libvirt lists efi as a firmware value", async () => {
    const { opts, xml } = await uefiPreview('intel-kvm');
    expect(opts.uefi).toBe(true);
    expect(xml).toContain('<os firmware="efi">');
    expect(xml).not.toContain('<loader');
  });
});
