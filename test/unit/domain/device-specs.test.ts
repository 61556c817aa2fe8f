// The pure builders behind vm.addDevice / vm.updateDevice / vm.setCpu / vm.setBoot: typed specs
// become the device XML libvirt documents, read back to the same spec, user strings stay text,
// the same device is found in the live XML and the definition, and refused changes leave the
// document unchanged.
import { describe, expect, it } from 'vitest';
import { deviceSpec, type DeviceSpecInput } from '../../../src-main/contract';
import {
  DomainXmlError, bootOrderKeys, buildDevice, canonicalXml, counterpart, hasBootSource, parseDomain, planAttach, readSpec,
  replaceDevice, setBootMenu, setBootOrder, setCpu, setDirectKernel,
} from '../../../src-main/domain';

const XML = `<domain type='qemu'>
  <name>vdt-dev-unit</name>
  <memory unit='KiB'>262144</memory>
  <vcpu placement='static'>4</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>
  <devices>
    <disk type='file' device='disk'><source file='/img/a.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>
    <serial type='pty'><target port='0'/></serial>
    <video><model type='vga' vram='16384' heads='1'/><address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></video>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
</domain>`;

const spec = (s: DeviceSpecInput) => deviceSpec.parse(s);
const fragment = (s: DeviceSpecInput) => {
  const d = parseDomain(XML);
  return canonicalXml(buildDevice(d, spec(s)).toXml());
};

describe('device specs', () => {
  it('build the device XML libvirt documents', () => {
    expect(fragment({ kind: 'rng' })).toBe(canonicalXml("<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"));
    expect(fragment({ kind: 'watchdog', model: 'i6300esb', action: 'poweroff' })).toBe(canonicalXml("<watchdog model='i6300esb' action='poweroff'/>"));
    expect(fragment({ kind: 'channel', channel: 'guest-agent' })).toBe(canonicalXml("<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"));
    expect(fragment({ kind: 'channel', channel: 'spice-vdagent' })).toBe(canonicalXml("<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>"));
    expect(fragment({ kind: 'tpm' })).toBe(canonicalXml("<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>"));
    expect(fragment({ kind: 'graphics', type: 'spice', listen: '0.0.0.0' })).toBe(canonicalXml("<graphics type='spice' autoport='yes' listen='0.0.0.0'><listen type='address' address='0.0.0.0'/></graphics>"));
    expect(fragment({ kind: 'graphics', type: 'vnc', autoport: false, port: 5977 })).toBe(canonicalXml("<graphics type='vnc' port='5977' autoport='no' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>"));
    expect(fragment({ kind: 'input', type: 'tablet', bus: 'usb' })).toBe(canonicalXml("<input type='tablet' bus='usb'/>"));
    expect(fragment({ kind: 'serial' })).toBe(canonicalXml("<serial type='pty'><target port='1'/></serial>"));
    expect(fragment({ kind: 'controller', type: 'usb', model: 'qemu-xhci' })).toBe(canonicalXml("<controller type='usb' index='0' model='qemu-xhci'/>"));
    expect(fragment({ kind: 'filesystem', driver: '9p', source: '/srv/share', target: 'share', readonly: true })).toBe(
      canonicalXml("<filesystem type='mount' accessmode='mapped'><source dir='/srv/share'/><target dir='share'/><readonly/></filesystem>"),
    );
    expect(fragment({ kind: 'filesystem', driver: 'virtiofs', source: '/srv/share', target: 'fs' })).toBe(
      canonicalXml("<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='/srv/share'/><target dir='fs'/></filesystem>"),
    );
    expect(fragment({ kind: 'hostdev', source: { type: 'usb', vendor: '0x046D', product: 'c52b' } })).toBe(
      canonicalXml("<hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x046d'/><product id='0xc52b'/></source></hostdev>"),
    );
    expect(fragment({ kind: 'hostdev', source: { type: 'pci', address: '00:1f.3' } })).toBe(
      canonicalXml("<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x00' slot='0x1f' function='0x3'/></source></hostdev>"),
    );
  });

  it('read back to the spec they were built from', () => {
    const specs: DeviceSpecInput[] = [
      { kind: 'rng', source: '/dev/random' }, { kind: 'watchdog', model: 'itco', action: 'reset' }, { kind: 'channel', channel: 'guest-agent' },
      { kind: 'tpm', model: 'tpm-tis' }, { kind: 'graphics', type: 'vnc', listen: '::1' }, { kind: 'video', model: 'qxl', vramKiB: 65536, heads: 2 },
      { kind: 'sound', model: 'ich9' }, { kind: 'input', type: 'keyboard', bus: 'virtio' }, { kind: 'console', target: 'virtio' },
      { kind: 'controller', type: 'usb', model: 'ich9-ehci1' }, { kind: 'filesystem', driver: '9p', source: '/a', target: 't', accessMode: 'squash' },
      { kind: 'hostdev', source: { type: 'usb', bus: 3, device: 7 } }, { kind: 'hostdev', source: { type: 'pci', address: '0000:01:00.1' } },
    ];
    for (const s of specs) {
      const d = parseDomain(XML);
      const dev = buildDevice(d, spec(s));
      d.addDevice(dev);
      expect(deviceSpec.parse(readSpec(dev)), s.kind).toEqual(spec(s));
    }
  });

  it('keep user strings as text, never markup', () => {
    const d = parseDomain(XML);
    const dev = d.addDevice(buildDevice(d, spec({ kind: 'filesystem', driver: '9p', source: `/srv/a'b"<c>&d`, target: 'x' })));
    const back = parseDomain(d.toXml());
    expect(back.devicesOf('filesystem')[0].attrAt('source', 'dir')).toBe(`/srv/a'b"<c>&d`);
    expect(dev.toXml()).not.toContain('<c>');
  });

  it('refuse settings a model does not have', () => {
    const d = parseDomain(XML);
    expect(() => buildDevice(d, spec({ kind: 'video', model: 'virtio', vramKiB: 16384 }))).toThrow(/vramKiB applies to qxl, vga and bochs, not virtio/);
    expect(() => buildDevice(d, spec({ kind: 'video', model: 'ramfb', heads: 2 }))).toThrow(/ramfb has no video memory or heads setting/);
    expect(deviceSpec.safeParse({ kind: 'input', type: 'tablet', bus: 'ps2' }).error?.issues[0].message).toMatch(/tablet cannot be on the ps2 bus/);
    expect(deviceSpec.safeParse({ kind: 'graphics', type: 'vnc', autoport: false }).error?.issues[0].message).toMatch(/give port only with autoport false/);
    expect(deviceSpec.safeParse({ kind: 'hostdev', source: { type: 'pci', address: '0000:00:1f' } }).success).toBe(false);
  });

  it('finds the same device in the live XML (aliases, runtime paths) and the definition', () => {
    const config = parseDomain(XML);
    const live = parseDomain(XML.replace("<rng model='virtio'>", "<rng model='virtio'><alias name='rng0'/>").replace("<serial type='pty'>", "<serial type='pty'><source path='/dev/pts/4'/><alias name='serial0'/>"));
    expect(counterpart(live, 'rng@rng0', config)?.el).toBe(config.devicesOf('rng')[0].el);
    expect(counterpart(live, 'serial@serial0', config)?.el).toBe(config.devicesOf('serial')[0].el);
    expect(counterpart(live, 'disk:vda', config)?.el).toBe(config.device('disk:vda')!.el);
    expect(counterpart(config, 'rng:0', parseDomain(XML.replace(/<rng[\s\S]*<\/rng>/, '')))).toBeUndefined();
  });

  it('replaces a device in place, keeping its guest address', () => {
    const d = parseDomain(XML);
    replaceDevice(d, 'video:0', spec({ kind: 'video', model: 'virtio' }));
    const v = parseDomain(d.toXml()).devicesOf('video');
    expect(v.map((x) => [x.attrAt('model', 'type'), x.address?.slot])).toEqual([['virtio', '0x02']]);
    expect(() => replaceDevice(d, 'video:0', spec({ kind: 'rng' }))).toThrow(/is a video, not a rng/);
  });

  it('plan attach by the hotplug table', () => {
    const d = parseDomain(XML);
    const plan = (s: DeviceSpecInput) => {
      const dev = d.addDevice(buildDevice(d, spec(s)));
      const p = planAttach(d, dev);
      return [p.live, p.config, p.via];
    };
    expect(plan({ kind: 'rng' })).toEqual([true, true, 'attach']);
    expect(plan({ kind: 'watchdog', model: 'itco' })).toEqual([false, true, 'attach']);
    expect(plan({ kind: 'tpm' })).toEqual([false, true, 'define']);
    expect(plan({ kind: 'filesystem', driver: '9p', source: '/a', target: 'b' })).toEqual([false, true, 'attach']);
    expect(plan({ kind: 'filesystem', driver: 'virtiofs', source: '/a', target: 'c' })).toEqual([true, true, 'attach']);
  });
});

describe('CPU and boot settings', () => {
  it('topology must multiply to the vCPU maximum; refused changes leave the document as it was', () => {
    const d = parseDomain(XML);
    const before = canonicalXml(d.toXml());
    expect(() => setCpu(d, { mode: 'host-model', topology: { sockets: 2, cores: 1, threads: 1 } })).toThrow(/2 × 1 × 1 = 2, but VM 'vdt-dev-unit' has a maximum of 4 vCPUs: they must be equal/);
    expect(() => setCpu(d, { mode: 'host-passthrough' }, { modes: ['host-model', 'custom'], models: ['qemu64'] })).toThrow(/host-passthrough is not available .* offers host-model, custom/);
    expect(() => setCpu(d, { mode: 'custom', model: 'Skylake' }, { modes: ['custom'], models: ['qemu64'] })).toThrow(/'Skylake' is not one this host's QEMU offers: choose one of qemu64/);
    expect(() => setCpu(d, { mode: 'host-model', model: 'qemu64' })).toThrow(DomainXmlError);
    expect(canonicalXml(d.toXml())).toBe(before);
    const plan = setCpu(d, { mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 2 } });
    expect([plan.live, plan.config, plan.via]).toEqual([false, true, 'define']);
    expect([d.cpu.mode, d.cpu.model, d.cpu.match, d.cpu.topology]).toEqual(['custom', 'qemu64', 'exact', { sockets: 1, cores: 2, threads: 2 }]);
    setCpu(d, { mode: 'host-model', topology: null });
    expect([d.cpu.mode, d.cpu.model, d.cpu.match, d.cpu.topology]).toEqual(['host-model', undefined, undefined, undefined]);
    const p = parseDomain(XML.replace('<os>', "<cpu mode='host-passthrough' check='none' migratable='on'/><os>"));
    setCpu(p, { mode: 'custom', model: 'qemu64' });
    expect(canonicalXml(parseDomain(p.toXml()).el)).toContain(canonicalXml("<cpu check='none' match='exact' mode='custom'><model>qemu64</model></cpu>"));
  });

  it('boot order goes per device and replaces <os><boot dev>', () => {
    const d = parseDomain(XML);
    expect(bootOrderKeys(d)).toEqual(['disk:hdc', 'disk:vda']);
    setBootOrder(d, ['interface:52:54:00:aa:bb:01', 'disk:vda']);
    const back = parseDomain(d.toXml());
    expect(back.os.bootDevices).toEqual([]);
    expect(bootOrderKeys(back)).toEqual(['interface:52:54:00:aa:bb:01', 'disk:vda']);
    expect(() => setBootOrder(d, ['rng:0'])).toThrow(/'rng:0' is a rng: only disks, CD-ROMs and network interfaces/);
    expect(() => setBootOrder(d, ['disk:vdq'])).toThrow(/has no device 'disk:vdq' .* Known: disk:vda, disk:hdc, interface:52:54:00:aa:bb:01/);
    setBootMenu(d, true);
    expect(d.os.bootMenu).toBe(true);
    setDirectKernel(d, { kernel: '/k', cmdline: 'a="<b>"' });
    expect(parseDomain(d.toXml()).os.cmdline).toBe('a="<b>"');
    setBootOrder(d, []);
    expect(hasBootSource(d)).toBe(true);
    setDirectKernel(d, null);
    d.removeDevice('disk:vda');
    d.removeDevice('disk:hdc');
    expect(hasBootSource(d)).toBe(false);
  });
});
