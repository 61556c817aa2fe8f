import { describe, expect, it } from 'vitest';
import { shortOsId, summarizeDomainXml } from '../../../src-main/xml/domain-summary';

const XML = `<domain type='kvm'><name>a</name>
<metadata><libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo></metadata>
<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><boot dev='cdrom'/><boot dev='hd'/></os>
<devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/a.qcow2'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
<interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/><model type='virtio'/></interface>
<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'/><serial type='pty'/><console type='pty'/>
</devices></domain>`;

describe('summarizeDomainXml', () => {
  it('reads what the overview shows', () => {
    const s = summarizeDomainXml(XML);
    expect(s).toMatchObject({ domainType: 'kvm', arch: 'x86_64', machine: 'q35', firmware: 'uefi', bootOrder: ['cdrom', 'hd'], os: 'debian12', serialConsoles: 1 });
    expect(s.disks).toEqual([
      { device: 'disk', target: 'vda', bus: 'virtio', source: '/var/lib/libvirt/images/a.qcow2', format: 'qcow2', readonly: false },
      { device: 'cdrom', target: 'sda', bus: 'sata', source: '/iso/x.iso', format: undefined, readonly: true },
    ]);
    expect(s.nics).toEqual([{ type: 'network', mac: '52:54:00:00:00:01', source: 'default', model: 'virtio' }]);
    expect(s.graphics).toEqual([{ type: 'vnc', port: 5901, listen: '127.0.0.1' }]);
  });

  it('survives a minimal domain and garbage', () => {
    expect(summarizeDomainXml("<domain type='test'><name>x</name></domain>")).toMatchObject({ domainType: 'test', firmware: 'bios', disks: [], nics: [] });
    expect(summarizeDomainXml('not xml').domainType).toBe('unknown');
  });

  it('shortens libosinfo ids like virt-manager shows them', () => {
    expect(shortOsId('http://debian.org/debian/12')).toBe('debian12');
    expect(shortOsId('http://microsoft.com/win/11')).toBe('win11');
  });
});
