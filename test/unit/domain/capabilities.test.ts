// The one capabilities reader answers everything the virtualization check (host-parsers.ts)
// and the New-VM flow (create-caps.ts) ask; those are now thin views over it, and this checks
// the views give the same answers as the reader on the recorded host fixtures.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCapabilities, parseDomainCapabilities as oldDomainCaps } from '../../../src-main/host/host-parsers';
import { readDomainCaps, readHostCaps } from '../../../src-main/xml/create-caps';
import {
  CapabilitiesCache, domainTypesFor, emulatorFor, machinesFor, parseDomainCapabilities, parseHostCapabilities,
  readDomainCapabilities, readHostCapabilities,
} from '../../../src-main/domain';

const HOSTS = path.resolve(__dirname, '../../fixtures/host');
const hosts = fs.readdirSync(HOSTS).filter((h) => fs.existsSync(path.join(HOSTS, h, 'capabilities.xml')));

describe.each(hosts)('fixture %s', (host) => {
  const dir = path.join(HOSTS, host);

  it('host capabilities: same answers as both existing readers', () => {
    const xml = fs.readFileSync(path.join(dir, 'capabilities.xml'), 'utf8');
    const caps = parseHostCapabilities(xml);
    const old = parseCapabilities(xml);
    if ('error' in old) throw new Error(old.error);
    expect(new Set(caps.hostCpu.features)).toEqual(old.hostCpuFeatures);
    expect(old.guests.size).toBeGreaterThan(0);
    for (const [arch, g] of old.guests) {
      expect(emulatorFor(caps, arch) ?? null, arch).toBe(g.emulator);
      expect(domainTypesFor(caps, arch), arch).toEqual([...new Set(g.domainTypes)]);
    }
    const create = readHostCaps(xml);
    expect(domainTypesFor(caps, 'x86_64')).toEqual(create.domainTypes);
    expect(new Set(machinesFor(caps, 'x86_64'))).toEqual(new Set(create.machines));
  });

  const domcaps = fs.readdirSync(dir).filter((f) => f.startsWith('domcaps'));
  it.each(domcaps)('%s: same answers as both existing readers', (file) => {
    const xml = fs.readFileSync(path.join(dir, file), 'utf8');
    const caps = parseDomainCapabilities(xml);
    const old = oldDomainCaps(xml);
    if ('error' in old) throw new Error(old.error);
    expect({ domain: caps.domain ?? null, emulator: caps.path ?? null, arch: caps.arch ?? null, firmwareEfi: caps.efi, loaderSupported: caps.loaderSupported, loaderPaths: caps.loaderPaths, secureBoot: caps.secureBoot }).toEqual(old);
    expect({ domainType: caps.domain ?? null, efi: caps.efi, tpmEmulator: caps.tpmEmulator, cpuModes: caps.supportedCpuModes, diskBuses: caps.diskBuses, netBackends: caps.netBackends, machine: caps.machine ?? null }).toEqual(readDomainCaps(xml));
  });
});

describe('capabilities reader', () => {
  it('reads devices, features and CPU models', () => {
    const caps = parseDomainCapabilities(`<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain><machine>pc-q35-7.2</machine><arch>x86_64</arch><vcpu max='255'/>
      <os supported='yes'><enum name='firmware'><value>efi</value></enum><loader supported='yes'><value>/usr/share/OVMF/OVMF_CODE_4M.fd</value><enum name='secure'><value>yes</value><value>no</value></enum></loader></os>
      <cpu><mode name='host-passthrough' supported='yes'/><mode name='custom' supported='yes'><model usable='yes'>qemu64</model><model usable='no'>Skylake-Client</model></mode><mode name='maximum' supported='no'/></cpu>
      <devices><disk supported='yes'><enum name='bus'><value>virtio</value><value>sata</value></enum></disk><tpm supported='yes'><enum name='backendModel'><value>emulator</value></enum></tpm><interface supported='yes'><enum name='backendType'><value>default</value><value>passt</value></enum></interface></devices>
      <features><gic supported='no'/><sev supported='no'/><vmcoreinfo supported='yes'/></features></domainCapabilities>`);
    expect(caps.vcpuMax).toBe(255);
    expect(caps.cpuModes.find((m) => m.name === 'custom')?.models).toEqual([{ name: 'qemu64', usable: 'yes' }, { name: 'Skylake-Client', usable: 'no' }]);
    expect(caps.supportedCpuModes).toEqual(['host-passthrough', 'custom']);
    expect([caps.efi, caps.secureBoot, caps.tpmEmulator, caps.diskBuses, caps.netBackends]).toEqual([true, true, true, ['virtio', 'sata'], ['default', 'passt']]);
    expect(caps.features.vmcoreinfo.supported).toBe(true);
    expect(caps.features.sev.supported).toBe(false);
  });

  it('names what is wrong with bad input; the read* forms never throw', () => {
    expect(() => parseHostCapabilities('<domainCapabilities/>')).toThrow(/Expected <capabilities> in the host capabilities XML, got <domainCapabilities>/);
    expect(() => parseDomainCapabilities('<domainCapabilities>')).toThrow(/not well-formed/);
    expect(readHostCapabilities(null)).toEqual({ error: expect.stringMatching(/empty/) });
    expect(readDomainCapabilities('<x/>')).toEqual({ error: expect.stringMatching(/Expected <domainCapabilities>/) });
  });
});

describe('CapabilitiesCache', () => {
  const HOST = '<capabilities><host><cpu><arch>x86_64</arch></cpu></host></capabilities>';
  const DOMCAPS = (d: string): string => `<domainCapabilities><domain>${d}</domain></domainCapabilities>`;

  it('keeps entries per URI and query for the TTL, shares concurrent loads, forgets on invalidate', async () => {
    let now = 0;
    const cache = new CapabilitiesCache(1000, () => now);
    let loads = 0;
    const load = (): string => {
      loads++;
      return HOST;
    };
    const [a, b] = await Promise.all([cache.host('qemu:///system', load), cache.host('qemu:///system', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    await cache.host('qemu:///session', load);
    expect(loads).toBe(2);
    now = 999;
    await cache.host('qemu:///system', load);
    expect(loads).toBe(2);
    now = 1000;
    await cache.host('qemu:///system', load);
    expect(loads).toBe(3);
    const kvm = await cache.domain('qemu:///system', { virttype: 'kvm' }, (q) => DOMCAPS(q.virttype!));
    const qemu = await cache.domain('qemu:///system', { virttype: 'qemu' }, (q) => DOMCAPS(q.virttype!));
    expect([kvm.domain, qemu.domain]).toEqual(['kvm', 'qemu']);
    await cache.host('qemu:///session', load); // expired at 1000: reloaded
    expect(loads).toBe(4);
    cache.invalidate('qemu:///system');
    await cache.host('qemu:///system', load);
    await cache.host('qemu:///session', load);
    expect(loads).toBe(5);
  });

  it('does not keep a failed load', async () => {
    const cache = new CapabilitiesCache();
    await expect(cache.host('test:///default', () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
    await expect(cache.host('test:///default', () => 'not xml')).rejects.toThrow(/not well-formed/);
    expect((await cache.host('test:///default', () => HOST)).hostCpu.arch).toBe('x86_64');
  });
});
