// VmSpec validation: clear messages that name the field; host checks (memory, CPUs, KVM,
// UEFI, TPM) against synthetic host facts.
import { describe, expect, it } from 'vitest';
import { validateInput, type MethodName, type VmSpec } from '../../../src-main/contract';
import { CREATE_BAD } from './bad-inputs';
import { checkSpecAgainstHost, planDomain, type CreateHostFacts } from '../../../src-main/xml/vm-plan';
import { OsInfoDb } from '../../../src-main/osinfo/osinfo-db';

const base = { name: 'vm1', memoryMiB: 512, vcpus: 1, source: { kind: 'none' } };
const create = (spec: Record<string, unknown>) => validateInput('vm.create', { spec });
const problem = (spec: Record<string, unknown>) => {
  const r = create(spec);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(spec)}`);
  return r;
};

describe('VmSpec validation', () => {
  it('accepts a minimal spec and fills defaults', () => {
    const r = create(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.spec).toMatchObject({ os: null, storage: { kind: 'none' }, network: { kind: 'user' }, tpm: false, domainType: 'auto' });
    expect(r.value.start).toBe(false);
  });

  it.each([
    ['', 'spec.name', /name is empty/],
    ['x'.repeat(10_000), 'spec.name', /longer than 64 characters \(10000\)/],
    ['</name><devices>', 'spec.name', /must not contain "<"/],
    [`a&b "q" 'x'`, 'spec.name', /must not contain "&"/],
    ['a/b', 'spec.name', /must not contain "\/"/],
    ['tab\there', 'spec.name', /control character/],
    [' padded', 'spec.name', /start or end with a space/],
    ['\ud800', 'spec.name', /broken Unicode/],
    ['..', 'spec.name', /'\.' or '\.\.'/],
    [42, 'spec.name', /name must be text/],
  ])('refuses the name %j', (name, field, message) => {
    const r = problem({ ...base, name });
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
    expect(r.message).toMatch(/^spec\.name: /);
  });

  it('accepts network installs and cloud images', () => {
    const url = create({ ...base, source: { kind: 'url', url: 'https://deb.debian.org/debian/dists/bookworm/main/installer-amd64/', cmdline: 'console=ttyS0 ' + 'x'.repeat(2034) } });
    expect(url.ok).toBe(true);
    expect(create({ ...base, source: { kind: 'url', url: 'http://10.0.0.1:8080/fedora/39/' } }).ok).toBe(true);
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxVsdMQ0pbq3xk6mDqg3hHXIzJ8p0PtI2Zp1k3u7g9X me@host: "x" # y';
    for (const cloudInit of [{ user: 'alice', password: 'pässwörd 名' }, { user: 'debian', sshKey: key }, { user: '_svc-1', password: 'pw', sshKey: key, hostname: 'web-1.example.org' }]) {
      const r = create({ ...base, source: { kind: 'cloud', image: '/var/lib/libvirt/images/debian-12-genericcloud-amd64.qcow2', cloudInit } });
      expect(r.ok, JSON.stringify(cloudInit)).toBe(true);
      if (r.ok && r.value.spec.source.kind === 'cloud') expect(r.value.spec.source.cloudInit).toEqual(cloudInit);
    }
    // A pasted key's surrounding white space and final newline are dropped.
    const pasted = create({ ...base, source: { kind: 'cloud', image: '/i.qcow2', cloudInit: { user: 'alice', sshKey: `  ${key}\n` } } });
    expect(pasted.ok && pasted.value.spec.source.kind === 'cloud' && pasted.value.spec.source.cloudInit.sshKey).toBe(key);
  });

  it('accepts names in any script, with spaces and punctuation', () => {
    for (const name of ['Debian 12 (test)', 'Ωmega-名前_1.2', 'vm 🚀', 'a'.repeat(64)]) expect(create({ ...base, name }).ok).toBe(true);
    expect(problem({ ...base, name: '🚀'.repeat(51) }).message).toMatch(/200 bytes/);
  });

  it.each([
    [{ memoryMiB: 0 }, 'spec.memoryMiB', /at least 64 MiB/],
    [{ memoryMiB: 63 }, 'spec.memoryMiB', /at least 64 MiB/],
    [{ memoryMiB: 512.5 }, 'spec.memoryMiB', /whole number/],
    [{ memoryMiB: '512' }, 'spec.memoryMiB', /must be a number/],
    [{ vcpus: 0 }, 'spec.vcpus', /at least 1/],
    [{ storage: { kind: 'new', pool: 'default', sizeGiB: 0 } }, 'spec.storage.sizeGiB', /more than 0 GiB/],
    [{ storage: { kind: 'new', pool: 'default', sizeGiB: -5 } }, 'spec.storage.sizeGiB', /more than 0 GiB/],
    [{ storage: { kind: 'new', pool: 'default', sizeGiB: Number.NaN } }, 'spec.storage.sizeGiB', /finite|number/],
    [{ storage: { kind: 'new', pool: 'default', sizeGiB: 1e9 } }, 'spec.storage.sizeGiB', /at most 65536 GiB/],
    [{ storage: { kind: 'new', pool: 'default', sizeGiB: 10, format: 'vmdk' } }, 'spec.storage.format', /'qcow2' or 'raw'/],
    [{ storage: { kind: 'floppy' } }, 'spec.storage.kind', /must be one of 'new', 'existing' or 'none' \(got "floppy"\)/],
    [{ source: { kind: 'floppy' } }, 'spec.source.kind', /must be one of 'iso', 'import', 'kernel', 'url', 'cloud' or 'none' \(got "floppy"\)/],
    [{ source: { kind: 'cloud', image: '/x' } }, 'spec.source.cloudInit', /expected object/],
    [{ source: { kind: 'cloud', image: 'x.qcow2', cloudInit: { user: 'alice', password: 'pw' } } }, 'spec.source.image', /absolute path/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice' } } }, 'spec.source.cloudInit.password', /needs a password or an SSH key/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'root', password: 'pw' } } }, 'spec.source.cloudInit.user', /system account such as root/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'libvirt-qemu', password: 'pw' } } }, 'spec.source.cloudInit.user', /system account/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'Alice', password: 'pw' } } }, 'spec.source.cloudInit.user', /Linux user name/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'a'.repeat(33), password: 'pw' } } }, 'spec.source.cloudInit.user', /Linux user name/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', sshKey: 'not a key' } } }, 'spec.source.cloudInit.sshKey', /one OpenSSH public key line/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', sshKey: 'ssh-ed25519 AAAA a\nssh-rsa BBBB b' } } }, 'spec.source.cloudInit.sshKey', /a tab, a line break or another control character/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', sshKey: '-----BEGIN OPENSSH PRIVATE KEY-----' } } }, 'spec.source.cloudInit.sshKey', /public key/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'pw', hostname: 'web_1' } } }, 'spec.source.cloudInit.hostname', /host name/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'pw', hostname: '-web' } } }, 'spec.source.cloudInit.hostname', /host name/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'pw', hostname: 'a'.repeat(64) } } }, 'spec.source.cloudInit.hostname', /host name/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'pw', hostname: 'web 1; reboot' } } }, 'spec.source.cloudInit.hostname', /host name/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'line\nbreak' } } }, 'spec.source.cloudInit.password', /control character/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'bell\u0007' } } }, 'spec.source.cloudInit.password', /control character/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: '' } } }, 'spec.source.cloudInit.password', /is empty/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'x'.repeat(257) } } }, 'spec.source.cloudInit.password', /longer than 255 bytes/],
    [{ source: { kind: 'cloud', image: '/x', cloudInit: { user: 'alice', password: 'pw', groups: 'wheel' } } }, 'spec.source.cloudInit', /unknown field 'groups'/],
    [{ source: { kind: 'url', url: 'http://deb.example/debian/', cmdline: 'x'.repeat(2049) } }, 'spec.source.cmdline', /longer than 2048 characters/],
    [{ source: { kind: 'url', url: 'http://deb.example/debian/', cmdline: 'console=ttyS0\u0000' } }, 'spec.source.cmdline', /control character/],
    [{ source: { kind: 'url' } }, 'spec.source.url', /must be text/],
    [{ source: { kind: 'url', url: 'http://x/ y' } }, 'spec.source.url', /http/],
    [{ source: { kind: 'iso', path: 'relative.iso' } }, 'spec.source.path', /absolute path/],
    [{ source: { kind: 'iso', path: '/a/../etc/passwd' } }, 'spec.source.path', /'\.' or '\.\.'/],
    [{ source: { kind: 'iso' } }, 'spec.source.path', /must be a path/],
    [{ source: { kind: 'url', url: 'ftp://x' } }, 'spec.source.url', /http/],
    [{ source: { kind: 'kernel', kernel: '/k', cmdline: 'a\u0007b' } }, 'spec.source.cmdline', /control character/],
    [{ network: { kind: 'user', portForwards: [{ host: 70000, guest: 22 }] } }, 'spec.network.portForwards.0.host', /at most 65535/],
    [{ network: { kind: 'user', portForwards: [{ host: 2222, guest: 22 }, { host: 2222, guest: 23 }] } }, 'spec.network.portForwards.1.host', /forwarded twice/],
    [{ network: { kind: 'bridge', name: 'br0; rm -rf' } }, 'spec.network.name', /bridge interface name/],
    [{ firmware: 'coreboot' }, 'spec.firmware', /'bios' or 'uefi'/],
    [{ os: 'debian 12' }, 'spec.os', /osinfo id/],
    [{ colour: 'red' }, 'spec', /unknown field 'colour'/],
  ])('refuses %j with a message naming the field', (over, field, message) => {
    const r = problem({ ...base, ...over });
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
  });
});

describe('network.create validation', () => {
  const net = (ipv4: Record<string, unknown>) => validateInput('network.create', { name: 'n1', mode: 'nat', ipv4: { address: '192.168.150.1', prefix: 24, dhcpStart: '192.168.150.100', dhcpEnd: '192.168.150.200', ...ipv4 } });
  it('accepts a consistent subnet', () => expect(net({}).ok).toBe(true));
  it.each([
    [{ dhcpStart: '192.168.151.10' }, /not in the subnet/],
    [{ dhcpStart: '192.168.150.200', dhcpEnd: '192.168.150.100' }, /must be lower than/],
    [{ address: '192.168.150.0' }, /network or broadcast/],
    [{ address: '192.168.150.150' }, /outside the DHCP range/],
    [{ address: '300.1.1.1' }, /IPv4 address/],
    [{ prefix: 31 }, /at most 30/],
  ])('refuses %j', (ipv4, message) => {
    const r = net(ipv4);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

const FACTS: CreateHostFacts = {
  uri: 'qemu:///system',
  local: true,
  hypervisor: 'QEMU',
  memoryTotalMiB: 4096,
  memoryFreeMiB: 2048,
  cpus: 2,
  kvmListed: true,
  verdict: 'emulation',
  verdictHeadline: 'KVM is not usable here',
  domainTypes: ['qemu'],
  uefi: true,
  tpm: false,
  cpuModes: { qemu: ['maximum'], kvm: ['host-passthrough'] },
  machines: ['pc', 'q35'],
  portForwarding: false,
};

function spec(over: Record<string, unknown> = {}): VmSpec {
  const r = create({ ...base, ...over });
  if (!r.ok) throw new Error(r.message);
  return r.value.spec;
}

describe('checks against the host', () => {
  const check = (over: Record<string, unknown>, facts: Partial<CreateHostFacts> = {}, names: string[] = []) => checkSpecAgainstHost(spec(over), { ...FACTS, ...facts }, null, new Set(names));

  it('refuses memory above the host total, warns above free memory', () => {
    expect(check({ memoryMiB: 8192 }).problems[0]).toEqual({ field: 'spec.memoryMiB', message: expect.stringMatching(/more than the host's total memory \(4096 MiB\)/) });
    const above = check({ memoryMiB: 3000 });
    expect(above.problems).toEqual([]);
    expect(above.warnings.join()).toMatch(/more than the host has free/);
  });

  it('refuses more vCPUs than the host has, and duplicate names', () => {
    expect(check({ vcpus: 3 }).problems[0]).toMatchObject({ field: 'spec.vcpus', message: expect.stringMatching(/host's 2 CPUs/) });
    expect(check({}, {}, ['vm1']).problems[0]).toMatchObject({ field: 'spec.name', message: expect.stringMatching(/already exists/) });
  });

  it('picks qemu when KVM is only listed (PVM-style /dev/kvm), and refuses an explicit kvm', () => {
    expect(check({}).choices.domainType).toBe('qemu');
    expect(check({ domainType: 'kvm' }).problems[0]).toMatchObject({ field: 'spec.domainType', message: expect.stringMatching(/cannot run normal guests here \(host check: KVM is not usable here\)/) });
    expect(check({ domainType: 'kvm' }, { kvmListed: false }).problems[0].message).toMatch(/not available on this host/);
    const kvmHost = check({}, { verdict: 'kvm', domainTypes: ['qemu', 'kvm'] });
    expect(kvmHost.choices.domainType).toBe('kvm');
    expect(check({ domainType: 'qemu' }, { verdict: 'kvm', domainTypes: ['qemu', 'kvm'] }).warnings.join()).toMatch(/slower than KVM/);
  });

  it('a cloud image needs a new volume; a network install needs a disk', () => {
    const cloud = { kind: 'cloud', image: '/i.qcow2', cloudInit: { user: 'alice', password: 'pw' } };
    const url = { kind: 'url', url: 'http://deb.example/debian/' };
    for (const storage of [{ kind: 'none' }, { kind: 'existing', pool: 'default', volume: 'v.qcow2' }]) {
      expect(check({ source: cloud, storage }).problems[0]).toMatchObject({ field: 'spec.storage.kind', message: expect.stringMatching(/storage kind 'new'/) });
    }
    expect(check({ source: cloud, storage: { kind: 'new', pool: 'default', sizeGiB: 10 } }).problems).toEqual([]);
    expect(check({ source: url, storage: { kind: 'none' } }).problems[0]).toMatchObject({ field: 'spec.storage.kind', message: expect.stringMatching(/needs a disk/) });
    expect(check({ source: url, storage: { kind: 'existing', pool: 'default', volume: 'v.qcow2' } }).problems).toEqual([]);
    expect(check({ source: url, storage: { kind: 'new', pool: 'default', sizeGiB: 10 } }).problems).toEqual([]);
  });

  it('refuses UEFI without OVMF, a TPM without swtpm, and port forwards without passt', () => {
    expect(check({ firmware: 'uefi' }, { uefi: false }).problems[0]).toMatchObject({ field: 'spec.firmware', message: expect.stringMatching(/install ovmf/) });
    expect(check({ tpm: true }).problems[0]).toMatchObject({ field: 'spec.tpm', message: expect.stringMatching(/swtpm/) });
    expect(check({ network: { kind: 'user', portForwards: [{ host: 2222, guest: 22 }] } }).problems[0]).toMatchObject({ field: 'spec.network.portForwards', message: expect.stringMatching(/passt/) });
  });

  it('follows the OS preset: Windows 11 gets UEFI, SATA, e1000, local clock; old OSes get i440fx', async () => {
    const db = new OsInfoDb({ dir: null });
    const win11 = await db.osDefaults('win11');
    const s = spec({ os: 'win11', memoryMiB: 4096, vcpus: 2, tpm: false, storage: { kind: 'none' } });
    const c = checkSpecAgainstHost(s, { ...FACTS, memoryTotalMiB: 8192 }, win11, new Set());
    expect(c.problems).toEqual([]);
    expect(c.choices).toEqual({ domainType: 'qemu', firmware: 'uefi', machine: 'q35' });
    expect(c.warnings.join()).toMatch(/TPM/);
    const p = planDomain(s, c.choices, FACTS, win11, { volume: { path: '/p/w.qcow2', format: 'qcow2' }, cdrom: '/i/win.iso' }, '00000000-0000-4000-8000-000000000000');
    expect(p.disks.map((d) => [d.device, d.bus, d.target])).toEqual([['disk', 'sata', 'sda'], ['cdrom', 'sata', 'sdb']]);
    expect(p.nics).toEqual([{ type: 'user', model: 'e1000' }]);
    expect(p.clock).toBe('localtime');
    expect(p.osId).toBe('http://microsoft.com/win/11');

    const old = checkSpecAgainstHost(spec(), FACTS, { ...(await db.osDefaults('debian11'))!, q35: false }, new Set());
    expect(old.choices.machine).toBe('pc');
    const pc = planDomain(spec({ diskBus: 'sata' }), old.choices, FACTS, null, { volume: { path: '/v', format: 'raw' }, cdrom: '/c.iso' }, '00000000-0000-4000-8000-000000000000');
    expect(pc.disks.map((d) => [d.bus, d.target])).toEqual([['ide', 'hda'], ['ide', 'hdc']]);
  });
});

describe('every create method refuses bad input naming the field', () => {
  it('names only real methods (test/unit/api/contract.test.ts checks that every method has a case)', async () => {
    const { methods } = await import('../../../src-main/contract');
    for (const name of Object.keys(CREATE_BAD)) expect(Object.keys(methods)).toContain(name);
  });
  for (const [name, bad] of Object.entries(CREATE_BAD) as [MethodName, { input: unknown; field: string }][]) {
    it(`${name} → '${bad.field}'`, () => {
      const r = validateInput(name, bad.input);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.field?.split('.')[0]).toBe(bad.field);
      expect(r.message.length).toBeGreaterThan(5);
    });
  }
});
