import { describe, expect, it } from 'vitest';
import { evaluateHost, type HostCheck, type HostCheckReport, type HostFacts } from '../../../src-main/host/virt-check';
import { parseCpuinfo, parseDomainCapabilities, parseModules } from '../../../src-main/host/host-parsers';
import { loadFixture } from './load-fixture';

function check(report: HostCheckReport, id: string): HostCheck {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

const CHECK_IDS = [
  'cpu-vendor', 'cpu-virt-flags', 'hypervisor-flag', 'kvm-module', 'kvm-nested', 'dev-kvm',
  'libvirt', 'qemu-emulator', 'domain-type', 'uefi', 'lxc',
];

describe('evaluateHost on fixtures', () => {
  it('intel-kvm: bare-metal Intel with KVM and OVMF', () => {
    const r = evaluateHost(loadFixture('intel-kvm'));
    expect(r.verdict).toBe('kvm');
    expect(r.headline).toMatch(/KVM/);
    expect(r.explanation).toMatch(/VT-x/);
    expect(r.cpu).toEqual({ vendor: 'intel', model: 'Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz', hardwareVirt: 'vmx', insideVm: false });
    expect(r.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    for (const id of ['cpu-virt-flags', 'hypervisor-flag', 'kvm-module', 'dev-kvm', 'libvirt', 'qemu-emulator', 'domain-type', 'uefi', 'lxc']) {
      expect(check(r, id).status, id).toBe('ok');
    }
    expect(r.checks.filter((c) => c.fix)).toEqual([]);
    expect(check(r, 'libvirt').detail).toContain('libvirt 9.0.0, QEMU 7.2.22');
    expect(check(r, 'qemu-emulator').detail).toContain('/usr/bin/qemu-system-x86_64');
    expect(check(r, 'uefi').detail).toMatch(/OVMF_CODE_4M\.fd.*Secure Boot|Secure Boot.*OVMF/);
    expect(check(r, 'kvm-nested')).toMatchObject({ status: 'info', detail: expect.stringContaining('nested=Y') });
    expect(r.containers.available).toBe(true);
  });

  it('amd-vt-disabled: AMD with SVM hidden by the firmware', () => {
    const r = evaluateHost(loadFixture('amd-vt-disabled'));
    expect(r.verdict).toBe('emulation');
    expect(r.cpu).toMatchObject({ vendor: 'amd', hardwareVirt: null, insideVm: false });
    expect(r.explanation).toMatch(/software emulation \(QEMU TCG\)/);
    expect(r.explanation).toMatch(/5–20×/);
    expect(r.explanation).toMatch(/BIOS\/UEFI/);
    const flags = check(r, 'cpu-virt-flags');
    expect(flags.status).toBe('fail');
    expect(flags.fix).toMatch(/SVM Mode \(AMD-V\)/);
    expect(flags.fix).toMatch(/BIOS\/UEFI firmware setup/);
    const mod = check(r, 'kvm-module');
    expect(mod.status).toBe('fail');
    expect(mod.detail).toMatch(/firmware setup can hide the flag/);
    expect(mod.fix).toMatch(/AMD-V/);
    expect(mod.fix).toMatch(/BIOS\/UEFI/);
    expect(check(r, 'hypervisor-flag').status).toBe('ok');
    expect(check(r, 'dev-kvm').status).toBe('fail');
    const dt = check(r, 'domain-type');
    expect(dt.status).toBe('warn');
    expect(dt.detail).toMatch(/Only <domain type='qemu'>/);
    expect(dt.detail).toContain('KVM is not supported');
    expect(check(r, 'uefi').status).toBe('ok');
    expect(check(r, 'lxc').status).toBe('info');
    expect(r.containers.available).toBe(false);
  });

  it('nested-no-virt: Intel VM whose host hides VT-x', () => {
    const r = evaluateHost(loadFixture('nested-no-virt'));
    expect(r.verdict).toBe('emulation');
    expect(r.cpu).toMatchObject({ vendor: 'intel', hardwareVirt: null, insideVm: true });
    expect(r.explanation).toMatch(/itself a virtual machine/);
    const hv = check(r, 'hypervisor-flag');
    expect(hv.status).toBe('warn');
    expect(hv.fix).toMatch(/Enable nested virtualization on the outer host/);
    expect(hv.fix).toContain('nested=1');
    expect(check(r, 'kvm-module').fix).toMatch(/nested virtualization on the outer host/);
    expect(check(r, 'cpu-virt-flags').fix).not.toMatch(/BIOS/);
    expect(check(r, 'domain-type').detail).toMatch(/Only <domain type='qemu'>/);
    const uefi = check(r, 'uefi');
    expect(uefi.status).toBe('warn');
    expect(uefi.fix).toContain('sudo apt install ovmf');
    expect(r.containers.available).toBe(true);
  });

  it('this-machine: real data of the lab host (Firecracker VM with PVM) gives emulation', () => {
    const r = evaluateHost(loadFixture('this-machine'));
    expect(r.verdict).toBe('emulation');
    expect(r.cpu).toMatchObject({ vendor: 'intel', model: 'Intel(R) Xeon(R) Processor', hardwareVirt: null, insideVm: true });
    expect(check(r, 'libvirt')).toMatchObject({ status: 'ok', detail: 'Connected to qemu:///system (libvirt 9.0.0, QEMU 7.2.22).' });
    expect(check(r, 'qemu-emulator').status).toBe('ok');
    // libvirt lists kvm here, but it is PVM without VT-x: stock guest kernels don't boot with it.
    const dt = check(r, 'domain-type');
    expect(dt.status).toBe('warn');
    expect(dt.detail).toMatch(/PVM/);
    expect(dt.detail).toMatch(/<domain type='qemu'> \(software emulation\)/);
    expect(check(r, 'kvm-module')).toMatchObject({ status: 'warn', detail: expect.stringContaining('kvm_pvm') });
    expect(check(r, 'dev-kvm').status).toBe('warn');
    expect(check(r, 'hypervisor-flag').fix).toMatch(/nested virtualization on the outer host/);
    expect(check(r, 'uefi').status).toBe('ok');
    expect(check(r, 'lxc')).toMatchObject({ status: 'info', detail: expect.stringContaining('no connection driver available') });
    expect(r.explanation).toMatch(/PVM/);
  });
});

function intelFacts(patch: Partial<HostFacts>): HostFacts {
  return { ...loadFixture('intel-kvm'), ...patch };
}

describe('evaluateHost: fixes for specific failures', () => {
  it('/dev/kvm exists but is not accessible: usermod -aG kvm', () => {
    const r = evaluateHost(intelFacts({
      devKvm: { exists: true, accessible: false, error: "EACCES: permission denied, access '/dev/kvm'" },
      user: { name: 'carol', groups: ['carol', 'sudo'] },
      libvirt: null,
    }));
    expect(r.verdict).toBe('none');
    const dev = check(r, 'dev-kvm');
    expect(dev.status).toBe('fail');
    expect(dev.detail).toContain('EACCES');
    expect(dev.fix).toContain('sudo usermod -aG kvm carol');
    expect(dev.fix).toContain('usermod -aG libvirt carol');
    expect(dev.fix).toMatch(/log out and back in/);
  });

  it('/dev/kvm not accessible with the system daemon offering kvm: warn only, verdict kvm', () => {
    const r = evaluateHost(intelFacts({
      devKvm: { exists: true, accessible: false },
      user: { name: 'alice', groups: ['alice', 'libvirt'] },
    }));
    expect(r.verdict).toBe('kvm');
    const dev = check(r, 'dev-kvm');
    expect(dev.status).toBe('warn');
    expect(dev.fix).toContain('usermod -aG kvm alice');
    expect(dev.fix).not.toContain('usermod -aG libvirt');
  });

  it('already added to kvm in /etc/group but not in this session: log out and back in', () => {
    const r = evaluateHost(intelFacts({
      devKvm: { exists: true, accessible: false },
      user: { name: 'dave', groups: ['dave'], configuredGroups: ['dave', 'kvm'] },
      libvirt: null,
    }));
    expect(check(r, 'dev-kvm').fix).toMatch(/log out and back in/);
  });

  it('VT-x present but kvm_intel not loaded: modprobe', () => {
    const base = loadFixture('amd-vt-disabled');
    const r = evaluateHost(intelFacts({
      procModules: 'bridge 311296 0 - Live 0x0000000000000000\n',
      sysModules: [],
      devKvm: { exists: false, accessible: false },
      libvirt: base.libvirt,
    }));
    expect(r.verdict).toBe('emulation');
    const mod = check(r, 'kvm-module');
    expect(mod.status).toBe('fail');
    expect(mod.detail).toMatch(/kvm_intel is not loaded/);
    expect(mod.fix).toContain('sudo modprobe kvm_intel');
    expect(mod.fix).toMatch(/firmware setup/);
    expect(r.explanation).toMatch(/kvm_intel kernel module is not loaded/);
  });

  it('libvirt refuses domain capabilities for kvm: emulation, even though the host capabilities list kvm', () => {
    const lv = loadFixture('intel-kvm').libvirt!;
    const kvmError = "invalid argument: KVM is not supported by '/usr/bin/qemu-system-x86_64' on this host";
    const r = evaluateHost(intelFacts({
      libvirt: { ...lv, domainCapabilitiesXml: { qemu: lv.domainCapabilitiesXml!.qemu }, domainCapabilitiesError: { kvm: kvmError } },
    }));
    expect(lv.capabilitiesXml).toContain("<domain type='kvm'");
    expect(r.verdict).toBe('emulation');
    expect(check(r, 'domain-type')).toMatchObject({ status: 'warn', detail: expect.stringContaining(kvmError) });
  });

  it('no libvirt facts: verdict from /dev/kvm and the module, libvirt check says how to install', () => {
    const r = evaluateHost(intelFacts({ libvirt: null }));
    expect(r.verdict).toBe('kvm');
    expect(r.headline).toMatch(/libvirt is not reachable/);
    const lv = check(r, 'libvirt');
    expect(lv.status).toBe('warn');
    expect(lv.fix).toContain('sudo apt install libvirt-daemon-system qemu-system-x86');
    expect(check(r, 'domain-type').status).toBe('info');
  });

  it('libvirt unreachable and no KVM: none, with install/start instructions', () => {
    const r = evaluateHost({
      ...loadFixture('amd-vt-disabled'),
      libvirt: { uri: 'qemu:///system', reachable: false, error: "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory" },
    });
    expect(r.verdict).toBe('none');
    const lv = check(r, 'libvirt');
    expect(lv.status).toBe('fail');
    expect(lv.detail).toContain('libvirt-sock');
    expect(lv.fix).toContain('sudo apt install libvirt-daemon-system qemu-system-x86');
    expect(lv.fix).toContain('sudo systemctl enable --now libvirtd');
    expect(r.explanation).toMatch(/not reachable at qemu:\/\/\/system/);
  });

  it('libvirt permission denied: suggests the libvirt group', () => {
    const r = evaluateHost(intelFacts({
      libvirt: { uri: 'qemu:///system', reachable: false, error: "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied" },
    }));
    expect(check(r, 'libvirt').fix).toContain('usermod -aG libvirt alice');
  });

  it('nested=N is reported with a fix, as info', () => {
    const r = evaluateHost(intelFacts({ nested: { kvm_intel: 'N\n' } }));
    expect(check(r, 'kvm-nested')).toMatchObject({ status: 'info', detail: expect.stringContaining('nested=N') });
    expect(check(r, 'kvm-nested').fix).toContain('options kvm_intel nested=1');
  });

  it('remote URI: local CPU facts do not veto the remote host', () => {
    const r = evaluateHost({
      ...loadFixture('intel-kvm'),
      cpuinfo: loadFixture('amd-vt-disabled').cpuinfo,
      libvirt: { ...loadFixture('intel-kvm').libvirt!, uri: 'qemu+ssh://root@server/system' },
    });
    expect(r.verdict).toBe('kvm');
    expect(check(r, 'libvirt').detail).toMatch(/remote host/);
  });
});

describe('evaluateHost never throws on missing or garbage input', () => {
  const garbage = [undefined, '', 'garbage', '<<<>>>', '<capabilities><guest>', '<capabilities/>', '<domainCapabilities><os/></domainCapabilities>', '\u0000\uffff'];

  it('null cpuinfo and modules, no libvirt', () => {
    const r = evaluateHost({
      cpuinfo: null, procModules: null, devKvm: { exists: false, accessible: false }, nested: {},
      user: { name: '', groups: [] }, systemd: true, libvirt: null,
    });
    expect(r.verdict).toBe('none');
    expect(r.cpu).toEqual({ vendor: 'unknown', model: '', hardwareVirt: null, insideVm: false });
    expect(check(r, 'cpu-vendor').status).toBe('warn');
    expect(check(r, 'cpu-virt-flags').status).toBe('warn');
    expect(check(r, 'kvm-module').status).toBe('warn');
    expect(r.explanation.length).toBeGreaterThan(20);
  });

  it.each(garbage)('garbage XML %j', (xml) => {
    const facts: HostFacts = {
      ...loadFixture('intel-kvm'),
      cpuinfo: 'flags : \nvendor_id: ???\n\n\n',
      procModules: '\n\n  \n',
      libvirt: {
        uri: 'qemu:///system', reachable: true, libVersion: Number.NaN,
        capabilitiesXml: xml, domainCapabilitiesXml: { kvm: xml, qemu: xml },
      },
    };
    const r = evaluateHost(facts);
    expect(['kvm', 'emulation', 'none']).toContain(r.verdict);
    expect(r.checks).toHaveLength(CHECK_IDS.length);
    for (const c of r.checks) {
      expect(['ok', 'warn', 'fail', 'info']).toContain(c.status);
      expect(c.detail).toBeTruthy();
    }
    expect(check(r, 'uefi').status).not.toBe('ok');
  });

  it('capabilities unreadable: qemu-emulator warns with the error', () => {
    const r = evaluateHost(intelFacts({
      libvirt: { uri: 'qemu:///system', reachable: true, capabilitiesError: 'internal error: timed out' },
    }));
    expect(r.verdict).toBe('none');
    expect(check(r, 'qemu-emulator')).toMatchObject({ status: 'warn', detail: expect.stringContaining('timed out') });
    expect(r.explanation).toMatch(/could not be read/);
  });
});

describe('host parsers', () => {
  it('parseCpuinfo reads the first block only and not "vmx flags"', () => {
    const cpu = parseCpuinfo(loadFixture('intel-kvm').cpuinfo + '\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n');
    expect(cpu.vendor).toBe('intel');
    expect(cpu.flags?.has('vmx')).toBe(true);
    expect(cpu.flags?.has('ept_x_only')).toBe(false);
  });

  it('parseCpuinfo: ARM has no x86 flags', () => {
    const cpu = parseCpuinfo('processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n');
    expect(cpu).toMatchObject({ vendor: 'other', flags: null });
  });

  it('parseModules merges /proc/modules and /sys/module', () => {
    expect(parseModules(null, undefined)).toBeNull();
    expect([...parseModules('kvm_intel 1 0 - Live 0x0\nkvm 2 1 kvm_intel, Live 0x0\n', ['kvm_pvm'])!].sort()).toEqual(['kvm', 'kvm_intel', 'kvm_pvm']);
  });

  it('parseDomainCapabilities reads domain type and firmware', () => {
    const dc = parseDomainCapabilities(loadFixture('this-machine').libvirt!.domainCapabilitiesXml!.qemu);
    expect(dc).toMatchObject({
      domain: 'qemu', emulator: '/usr/bin/qemu-system-x86_64', firmwareEfi: true,
      loaderSupported: true, loaderPaths: ['/usr/share/OVMF/OVMF_CODE_4M.fd'], secureBoot: false,
    });
    expect(parseDomainCapabilities('<nope')).toHaveProperty('error');
  });
});
