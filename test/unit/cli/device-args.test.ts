// The CLI's hardware words → API calls: edit's CPU and boot options, attach-hostdev and
// detach-hostdev, and device names (vda, cdrom, net0, USB ids) turned into device keys.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OPTIONS, bootDeviceKey, editCalls, hostdevKey } from '../../../src-main/cli/edit-commands';
import { UsageError } from '../../../src-main/cli/create-command';
import { parseInput, type MethodName, type VmHardware } from '../../../src-main/contract';

function calls(line: string) {
  const { values, positionals } = parseArgs({ args: line.split(' '), allowPositionals: true, options: OPTIONS });
  return editCalls(positionals[0], positionals, values);
}

const HW = {
  boot: {
    bootable: [
      { key: 'disk:vda', summary: 'disk vda (virtio): /img/a.qcow2' }, { key: 'disk:sda', summary: 'CD-ROM sda (sata)' }, { key: 'disk:sdb', summary: 'CD-ROM sdb (sata)' },
      { key: 'interface:52:54:00:aa:bb:01', summary: 'network virtio 52:54:00:aa:bb:01 (default)' },
    ],
  },
  devices: [
    { key: 'hostdev@hostdev0', kind: 'hostdev', summary: 'USB 046d:c52b', hotplug: true, spec: { kind: 'hostdev', source: { type: 'usb', vendor: '046d', product: 'c52b' } } },
    { key: 'hostdev:1', kind: 'hostdev', summary: 'PCI 0000:01:00.0', hotplug: true, spec: { kind: 'hostdev', source: { type: 'pci', address: '0000:01:00.0' } } },
  ],
} as unknown as VmHardware;

describe('CLI hardware words', () => {
  it('edit maps --cpu-mode/--cpu-model/--topology to vm.setCpu and --boot-order/--boot-menu to vm.setBoot', () => {
    const c = calls('edit web --cpu-model qemu64 --topology 1,2,2 --boot-order vda,cdrom1,net0 --boot-menu on');
    expect(c).toEqual([
      ['vm.setCpu', { vm: { name: 'web' }, mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 2 } }],
      ['vm.setBoot', { vm: { name: 'web' }, order: ['vda', 'cdrom1', 'net0'], menu: true }],
    ]);
    expect(() => parseInput('vm.setCpu', c[0][1])).not.toThrow();
    expect(calls('edit web --cpu-mode host-model')).toEqual([['vm.setCpu', { vm: { name: 'web' }, mode: 'host-model' }]]);
    expect(() => calls('edit web --topology 2x2')).toThrow(/--topology must be SOCKETS,CORES,THREADS/);
    expect(() => calls('edit web --boot-menu maybe')).toThrow(/--boot-menu must be on or off/);
  });

  it('boot device names become device keys', () => {
    expect(['vda', 'cdrom', 'cdrom1', 'net', 'net0', '52:54:00:AA:BB:01'].map((n) => bootDeviceKey(n, HW))).toEqual([
      'disk:vda', 'disk:sda', 'disk:sdb', 'interface:52:54:00:aa:bb:01', 'interface:52:54:00:aa:bb:01', 'interface:52:54:00:aa:bb:01',
    ]);
    expect(() => bootDeviceKey('cdrom2', HW)).toThrow(UsageError);
    expect(() => bootDeviceKey('vdz', HW)).toThrow(/no boot device 'vdz': give a disk target \(vda, sda, sdb\), cdrom\[N\], net\[N\] or a MAC/);
  });

  it('attach-hostdev and detach-hostdev take --usb VENDOR:PRODUCT or --pci ADDRESS', () => {
    const [[m, input]] = calls('attach-hostdev web --usb 046D:C52B --config');
    expect([m, input]).toEqual(['vm.addDevice', { vm: { name: 'web' }, device: { kind: 'hostdev', source: { type: 'usb', vendor: '046d', product: 'c52b' } }, config: true }]);
    expect(() => parseInput(m as MethodName, input)).not.toThrow();
    expect(calls('attach-hostdev web --pci 0000:01:00.0')[0][1]).toMatchObject({ device: { source: { type: 'pci', address: '0000:01:00.0' } } });
    expect(() => calls('attach-hostdev web')).toThrow(/needs exactly one of --usb VENDOR:PRODUCT .* or --pci ADDRESS/);
    expect(() => calls('attach-hostdev web --usb logitech')).toThrow(/--usb must be VENDOR:PRODUCT in hex/);
    const [[dm, dinput]] = calls('detach-hostdev web --pci 0000:01:00.0');
    expect(dm).toBe('vm.removeDevice');
    expect(hostdevKey(dinput.source as Record<string, unknown>, HW)).toBe('hostdev:1');
    expect(hostdevKey({ type: 'usb', vendor: '046d', product: 'c52b' }, HW)).toBe('hostdev@hostdev0');
    expect(() => hostdevKey({ type: 'usb', vendor: 'dead', product: 'beef' }, HW)).toThrow(/no host device USB dead:beef/);
  });
});
