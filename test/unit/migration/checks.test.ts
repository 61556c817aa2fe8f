// The refusals of a migration, from facts read on both hosts (no daemons): each reason says
// what to do, and a VM that can move has none.
import { describe, expect, it } from 'vitest';
import { guestCpuXml, migrationRefusals, type MigrationFacts } from '../../../src-main/migration/checks';
import { directMigrationUri } from '../../../src-main/migration/migrate';
import { progressFromJob } from '../../../src-main/migration/progress';

const UUID = '11111111-2222-4333-8444-555555555555';
const vmXml = (devices = '', cpu = '') =>
  `<domain type='kvm'><name>web</name><uuid>${UUID}</uuid><memory>262144</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>${cpu}<devices>${devices}</devices></domain>`;

function facts(o: Partial<MigrationFacts> & { devices?: string } = {}): MigrationFacts {
  const { devices, ...rest } = o;
  return {
    vmName: 'web',
    domainXml: vmXml(devices),
    running: true,
    source: { uri: 'qemu:///system', hostUuid: 'aaaa', pools: [{ name: 'default', active: true, path: '/var/lib/libvirt/images' }] },
    destination: { uri: 'qemu+tcp://h2/system', hostUuid: 'bbbb', pools: [{ name: 'images', active: true, path: '/var/lib/libvirt/images' }], networks: [{ name: 'default', uuid: 'n', active: true, persistent: true, autostart: true }], domains: [] },
    copyStorage: false,
    tunnelled: true,
    snapshotCount: 0,
    hasManagedSave: false,
    ...rest,
  };
}

describe('migrationRefusals', () => {
  it('has none for a VM whose network and pool folder the destination has', () => {
    expect(migrationRefusals(facts({ devices: "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/web.qcow2'/><target dev='vda'/></disk><interface type='network'><source network='default'/></interface>" }))).toEqual([]);
  });

  it('refuses the same host by its host UUID, even under another URI', () => {
    const r = migrationRefusals(facts({ destination: { ...facts().destination, hostUuid: 'aaaa' } }));
    expect(r).toEqual([expect.stringMatching(/are the same host \(host UUID aaaa\): choose a connection to another host/)]);
  });

  it('refuses the test driver on either side', () => {
    expect(migrationRefusals(facts({ destination: { ...facts().destination, uri: 'test:///default' } }))).toEqual([expect.stringMatching(/^test:\/\/\/default is libvirt's test driver, whose VMs are simulated: they cannot be migrated/)]);
  });

  it('names a network the destination lacks or has stopped', () => {
    const nic = "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab'/></interface>";
    expect(migrationRefusals(facts({ devices: nic }))).toEqual([expect.stringMatching(/uses network 'lab' \(interface 52:54:00:00:00:01\), which qemu\+tcp:\/\/h2\/system does not have: create a network named 'lab' there/)]);
    const stopped = facts({ devices: nic.replace("'lab'", "'default'") });
    stopped.destination.networks[0].active = false;
    expect(migrationRefusals(stopped)).toEqual([expect.stringMatching(/network 'default' on .* is not running: start it there first/)]);
    expect(migrationRefusals({ ...stopped, running: false })).toEqual([]);
  });

  it('names a pool folder or a volume pool the destination lacks', () => {
    const disk = "<disk type='file' device='disk'><source file='/srv/vms/web.qcow2'/><target dev='vda'/></disk>";
    const f = facts({ devices: disk });
    f.source.pools.push({ name: 'srv', active: true, path: '/srv/vms' });
    expect(migrationRefusals(f)).toEqual([expect.stringMatching(/disk vda \(\/srv\/vms\/web.qcow2\) is in storage pool 'srv', but .* has no storage pool for \/srv\/vms: define one there \(for the same shared folder\)/)]);
    const vol = facts({ devices: "<disk type='volume' device='disk'><source pool='fast' volume='web'/><target dev='vdb'/></disk>", copyStorage: true, tunnelled: false });
    expect(migrationRefusals(vol)).toEqual([expect.stringMatching(/disk vdb is a volume of storage pool 'fast', which .* does not have: define a pool named 'fast' there \(into which its disk is copied\)/)]);
    // A file in no pool here is not judged (the destination may see it another way).
    expect(migrationRefusals(facts({ devices: "<disk type='file' device='disk'><source file='/elsewhere/x.img'/><target dev='vda'/></disk>" }))).toEqual([]);
  });

  it('names devices only this host has', () => {
    const r = migrationRefusals(facts({
      devices:
        "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>" +
        "<serial type='dev'><source path='/dev/ttyS0'/><target port='0'/></serial>" +
        "<serial type='file'><source path='/tmp/log'/><target port='1'/></serial>" +
        "<serial type='pty'><target port='2'/></serial>" +
        "<filesystem type='mount'><source dir='/srv/share'/><target dir='share'/></filesystem>",
    }));
    expect(r).toEqual([
      expect.stringMatching(/passes through this host's PCI device 0000:01:00.0.*detach it first/),
      expect.stringMatching(/its serial is connected to this host's device \/dev\/ttyS0/),
      expect.stringMatching(/its serial writes to the file \/tmp\/log on this host: make it a pty/),
      expect.stringMatching(/shares this host's folder \/srv\/share/),
    ]);
  });

  it('refuses copying disks through a tunnel, snapshots, a managed save of a shut-off VM and a name taken there', () => {
    const r = migrationRefusals(facts({ copyStorage: true, tunnelled: true, snapshotCount: 2, running: false, hasManagedSave: true, destination: { ...facts().destination, domains: [{ name: 'web' } as never] } }));
    expect(r).toEqual([
      expect.stringMatching(/already has a VM named 'web': rename one of them first/),
      expect.stringMatching(/copying disks does not work through a tunnelled migration.*turn tunnelled off/),
      expect.stringMatching(/has 2 snapshots, which libvirt cannot move: delete them first/),
      expect.stringMatching(/saved memory state \(managed save\).*discard the saved state first/),
    ]);
  });
});

describe('CPU, addresses and progress', () => {
  it('compares only a CPU with a model (not host-passthrough, not none)', () => {
    expect(guestCpuXml(vmXml())).toBeNull();
    expect(guestCpuXml(vmXml('', "<cpu mode='host-passthrough'/>"))).toBeNull();
    expect(guestCpuXml(vmXml('', "<cpu mode='custom' match='exact'><model>Skylake-Client</model></cpu>"))).toEqual({
      xml: "<cpu mode='custom' match='exact'><model>Skylake-Client</model></cpu>", virttype: 'kvm', arch: 'x86_64', machine: 'pc',
    });
  });

  it('sends direct migrations to the address of the destination URI', () => {
    expect(directMigrationUri('qemu+tcp://127.0.0.2:16510/system')).toBe('tcp://127.0.0.2');
    expect(directMigrationUri('qemu+ssh://root@host2.example/system')).toBe('tcp://host2.example');
    expect(directMigrationUri('qemu:///system')).toBeUndefined();
  });

  it('reads job statistics as progress', () => {
    const p = progressFromJob({ time_elapsed: 1500, data_total: 1000, data_processed: 600, data_remaining: 400, memory_bps: 100, disk_bps: 20, memory_dirty_rate: 3, memory_page_size: 4096, downtime: 300, memory_iteration: 2 });
    expect(p).toEqual({ elapsedMs: 1500, dataTotal: 1000, dataProcessed: 600, dataRemaining: 400, bytesPerSecond: 120, dirtyBytesPerSecond: 12288, expectedDowntimeMs: 300, iteration: 2 });
  });
});
