import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGroupFile, probeLibvirt, readHostFacts, type LibvirtProbe } from '../../../src-main/host/read-host-facts';
import { evaluateHost } from '../../../src-main/host/virt-check';

const reject = (msg: string) => () => Promise.reject(new Error(msg));

describe('readHostFacts with a fake probe', () => {
  it('a probe whose calls reject gives reachable:false and keeps the error', async () => {
    const probe: LibvirtProbe = {
      uri: 'qemu:///system',
      getLibVersion: reject("Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"),
      getVersion: reject('no connection'),
      getCapabilities: reject('no connection'),
      getDomainCapabilities: reject('no connection'),
      probeLxc: reject('no connection'),
    };
    const facts = await readHostFacts(probe);
    expect(facts.libvirt).toEqual({
      uri: 'qemu:///system',
      reachable: false,
      error: "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
    });
    const report = evaluateHost(facts);
    expect(report.checks.find((c) => c.id === 'libvirt')?.status).toBe('fail');
  });

  it('single failing calls become error fields; a synchronous throw does not escape', async () => {
    const facts = await probeLibvirt({
      uri: 'qemu:///system',
      getLibVersion: async () => 9000000,
      getVersion: () => { throw new Error('sync boom'); },
      getCapabilities: async () => '<capabilities/>',
      getDomainCapabilities: (t) => (t === 'kvm' ? Promise.reject(new Error('KVM is not supported')) : Promise.resolve('<domainCapabilities/>')),
      probeLxc: reject('no connection driver available for lxc:///'),
    });
    expect(facts).toEqual({
      uri: 'qemu:///system',
      reachable: true,
      libVersion: 9000000,
      capabilitiesXml: '<capabilities/>',
      domainCapabilitiesXml: { qemu: '<domainCapabilities/>' },
      domainCapabilitiesError: { kvm: 'KVM is not supported' },
      lxcAvailable: false,
      lxcError: 'no connection driver available for lxc:///',
    });
  });
});

describe('readHostFacts on a fake file tree', () => {
  let root = '';
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reads cpuinfo, modules, nested and /dev/kvm', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'virtdesk-host-'));
    await mkdir(path.join(root, 'proc'));
    await mkdir(path.join(root, 'sys/module/kvm_intel/parameters'), { recursive: true });
    await mkdir(path.join(root, 'sys/module/bridge'), { recursive: true });
    await mkdir(path.join(root, 'etc'));
    await writeFile(path.join(root, 'proc/cpuinfo'), 'vendor_id\t: GenuineIntel\nflags\t\t: vmx\n');
    await writeFile(path.join(root, 'proc/modules'), 'kvm_intel 380928 0 - Live 0x0\n');
    await writeFile(path.join(root, 'sys/module/kvm_intel/parameters/nested'), 'Y\n');
    await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nkvm:x:993:alice\n');
    const facts = await readHostFacts(null, { root });
    expect(facts.cpuinfo).toContain('GenuineIntel');
    expect(facts.procModules).toContain('kvm_intel');
    expect(facts.sysModules).toEqual(['kvm_intel']);
    expect(facts.nested).toEqual({ kvm_intel: 'Y' });
    expect(facts.devKvm).toMatchObject({ exists: false, accessible: false, error: expect.stringContaining('ENOENT') });
    expect(facts.libvirt).toBeNull();
    expect(typeof facts.user.name).toBe('string');
    expect(Array.isArray(facts.user.groups)).toBe(true);
  });

  it('an empty root gives nulls, not throws', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'virtdesk-host-empty-'));
    try {
      const facts = await readHostFacts(null, { root: empty });
      expect(facts).toMatchObject({ cpuinfo: null, procModules: null, sysModules: undefined, nested: {} });
      expect(() => evaluateHost(facts)).not.toThrow();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('parseGroupFile', () => {
  it('parses members and skips junk', () => {
    const t = parseGroupFile('root:x:0:\n# comment\nkvm:x:993:alice, bob\nbroken\nlibvirt:x:994:\nnogid:x::\n');
    expect(t.entries).toEqual([
      { name: 'root', gid: 0, members: [] },
      { name: 'kvm', gid: 993, members: ['alice', 'bob'] },
      { name: 'libvirt', gid: 994, members: [] },
    ]);
    expect(t.byGid.get(993)).toBe('kvm');
  });
});
