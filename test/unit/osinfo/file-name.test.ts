// OS guesses from the file names distributions give their cloud and disk images.
import { describe, expect, it } from 'vitest';
import { osCandidatesFromFileName } from '../../../src-main/osinfo/file-name';

describe('osCandidatesFromFileName', () => {
  it.each([
    ['debian-12-genericcloud-amd64.qcow2', 'debian12'],
    ['debian-12-nocloud-amd64.qcow2', 'debian12'],
    ['debian-11-generic-amd64-20240104-1609.qcow2', 'debian11'],
    ['debian-13-genericcloud-amd64-daily.qcow2', 'debian13'],
    ['Fedora-Cloud-Base-39-1.5.x86_64.qcow2', 'fedora39'],
    // Fedora 40 puts the architecture before the version.
    ['Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2', 'fedora40'],
    ['Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2', 'fedora41'],
    ['jammy-server-cloudimg-amd64.img', 'ubuntu22.04'],
    ['noble-server-cloudimg-amd64.img', 'ubuntu24.04'],
    ['focal-server-cloudimg-amd64.img', 'ubuntu20.04'],
    ['ubuntu-22.04-server-cloudimg-amd64.img', 'ubuntu22.04'],
    ['ubuntu-24.04-server-cloudimg-amd64.img', 'ubuntu24.04'],
    ['CentOS-Stream-GenericCloud-9-20240101.0.x86_64.qcow2', 'centos-stream9'],
    ['CentOS-Stream-GenericCloud-x86_64-9-20240703.1.x86_64.qcow2', 'centos-stream9'],
    ['CentOS-7-x86_64-GenericCloud-2111.qcow2', 'centos7'],
    ['AlmaLinux-9-GenericCloud-latest.x86_64.qcow2', 'almalinux9'],
    ['AlmaLinux-9-GenericCloud-9.3-20231113.x86_64.qcow2', 'almalinux9'],
    ['Rocky-9-GenericCloud.latest.x86_64.qcow2', 'rocky9'],
    ['Rocky-9-GenericCloud-Base-9.3-20231113.0.x86_64.qcow2', 'rocky9'],
    ['openSUSE-Leap-15.5.x86_64-NoCloud.qcow2', 'opensuse15.5'],
    ['openSUSE-Tumbleweed-Minimal-VM.x86_64-Cloud.qcow2', 'opensusetumbleweed'],
    ['nocloud_alpine-3.19.1-x86_64-bios-cloudinit-r0.qcow2', 'alpinelinux3.19'],
    ['generic_alpine-3.19.1-x86_64-uefi-cloudinit-r0.qcow2', 'alpinelinux3.19'],
    ['cirros-0.6.2-x86_64-disk.img', 'cirros0.6'],
    ['rhel-9.3-x86_64-kvm.qcow2', 'rhel9.3'],
    ['Arch-Linux-x86_64-cloudimg.qcow2', 'archlinux'],
    ['FreeBSD-14.0-RELEASE-amd64.qcow2', 'freebsd14.0'],
  ])('%s → %s', (name, id) => {
    const got = osCandidatesFromFileName(name);
    expect(got).toContain(id);
    // The right family comes first; nothing from another distribution sneaks in.
    expect(got[0].replace(/[\d.]+$|-?stream\d+$|tumbleweed$/, '')).toBe(id.replace(/[\d.]+$|-?stream\d+$|tumbleweed$/, ''));
  });

  it('the best guess comes first', () => {
    expect(osCandidatesFromFileName('debian-12-genericcloud-amd64.qcow2')).toEqual(['debian12']);
    expect(osCandidatesFromFileName('Fedora-Cloud-Base-39-1.5.x86_64.qcow2')).toEqual(['fedora39']);
    expect(osCandidatesFromFileName('jammy-server-cloudimg-amd64.img')).toEqual(['ubuntu22.04']);
    expect(osCandidatesFromFileName('CentOS-Stream-GenericCloud-9-20240101.0.x86_64.qcow2')).toEqual(['centos-stream9']);
    // osinfo-db names CirrOS releases in full (cirros0.5.2): the full version first.
    expect(osCandidatesFromFileName('cirros-0.6.2-x86_64-disk.img')).toEqual(['cirros0.6.2', 'cirros0.6']);
  });

  it('architecture names are not read as versions', () => {
    for (const name of ['Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2', 'CentOS-Stream-GenericCloud-x86_64-9-latest.x86_64.qcow2', 'debian-12-generic-arm64.qcow2']) {
      for (const id of osCandidatesFromFileName(name)) expect(id).not.toMatch(/64|86/);
    }
  });

  it('only the file name counts, not the folders', () => {
    expect(osCandidatesFromFileName('/var/lib/libvirt/images/debian-12-nocloud-amd64.qcow2')).toEqual(['debian12']);
    expect(osCandidatesFromFileName('/srv/fedora-39/disk.qcow2')).toEqual([]);
  });

  it('names that say nothing give no candidates', () => {
    for (const name of ['disk.qcow2', 'vm1.img', 'image-2024-01-01.raw', 'x86_64.qcow2', '', 'build-12345.qcow2']) expect(osCandidatesFromFileName(name)).toEqual([]);
  });
});
