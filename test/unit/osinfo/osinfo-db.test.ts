// osinfo-db against the real /usr/share/osinfo (Debian's osinfo-db), the bundled fallback, and
// ISO 9660 volume descriptor reading.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OsInfoDb, parseOsinfoXml, SYSTEM_OSINFO_DIR } from '../../../src-main/osinfo/osinfo-db';
import { NotAnIsoError, parsePrimaryVolumeDescriptor, readIsoIdentity } from '../../../src-main/osinfo/iso';

const GRUB_ISO = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const haveDb = fs.existsSync(path.join(SYSTEM_OSINFO_DIR, 'os'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-osinfo-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.runIf(haveDb)('osinfo-db from /usr/share/osinfo', () => {
  const db = new OsInfoDb();

  it('loads the system database', async () => {
    const info = await db.info();
    expect(info.source).toBe('osinfo-db');
    expect(info.count).toBeGreaterThan(300);
  });

  it("gives sane defaults for 'debian12' (from the DB, or the fallback when the DB predates it)", async () => {
    const d = (await db.osDefaults('debian12'))!;
    expect(d.os).toMatchObject({ id: 'http://debian.org/debian/12', shortId: 'debian12', family: 'linux' });
    expect(d.memoryMiB).toBeGreaterThanOrEqual(1024);
    expect(d.memoryMiB).toBeLessThanOrEqual(8192);
    expect(d.vcpus).toBeGreaterThanOrEqual(1);
    expect(d.vcpus).toBeLessThanOrEqual(8);
    expect(d.diskGiB).toBeGreaterThanOrEqual(10);
    expect(d.diskGiB).toBeLessThanOrEqual(100);
    expect(d).toMatchObject({ firmware: 'bios', diskBus: 'virtio', nicModel: 'virtio', clock: 'utc', q35: true });
  });

  it('reads resources and inherited virtio devices from the DB (debian11 lists virtio only through derives-from)', async () => {
    const d = (await db.osDefaults('debian11'))!;
    expect(d.os.source).toBe('osinfo-db');
    expect(d).toMatchObject({ memoryMiB: 1024, diskGiB: 20, diskBus: 'virtio', nicModel: 'virtio' });
    // Also by full id, and case-insensitively.
    expect((await db.osDefaults('http://debian.org/debian/11'))?.os.shortId).toBe('debian11');
    expect((await db.osDefaults('DEBIAN11'))?.os.shortId).toBe('debian11');
  });

  it('gives Windows 11 UEFI (BIOS unsupported), SATA, e1000, local time and a TPM', async () => {
    const d = (await db.osDefaults('win11'))!;
    expect(d).toMatchObject({ firmware: 'uefi', diskBus: 'sata', nicModel: 'e1000', clock: 'localtime', tpm: true, memoryMiB: 4096, diskGiB: 64 });
  });

  it("finds Ubuntu versions for 'ubuntu', newest first, and several words narrow it", async () => {
    const hits = await db.searchOs('ubuntu');
    expect(hits.length).toBeGreaterThan(10);
    expect(hits.every((h) => /ubuntu/i.test(`${h.name} ${h.shortId}`))).toBe(true);
    expect(hits.map((h) => h.shortId)).toEqual(expect.arrayContaining(['ubuntu22.04', 'ubuntu20.04']));
    const dates = hits.map((h) => h.releaseDate ?? '').filter(Boolean);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect((await db.searchOs('ubuntu 22.04'))[0].shortId).toBe('ubuntu22.04');
    expect(await db.searchOs('no-such-os-anywhere')).toEqual([]);
    expect((await db.searchOs('win11'))[0].shortId).toBe('win11');
  });

  it('reads the grub-rescue ISO volume id (it matches no OS)', async () => {
    const r = await db.detectOsFromIso(GRUB_ISO);
    expect(r.volumeId).toBe('ISOIMAGE');
    expect(r.os).toBeNull();
  });

  it('matches media patterns (volume id, publisher) like libosinfo', async () => {
    expect((await db.matchIso({ volumeId: 'Debian 11.5.0 amd64 n', systemId: '', publisherId: '', applicationId: '' })).os?.shortId).toBe('debian11');
    const win = await db.matchIso({ volumeId: 'CCCOMA_X64FRE_EN-US_DV9', systemId: '', publisherId: 'MICROSOFT CORPORATION', applicationId: '' });
    expect(win.os?.family).toBe('winnt');
    // A publisher pattern that does not match rules the media out.
    expect((await db.matchIso({ volumeId: 'CCCOMA_X64FRE_EN-US_DV9', systemId: '', publisherId: 'SOMEONE ELSE', applicationId: '' })).os).toBeNull();
  });
});

describe('osinfo fallback', () => {
  it('is used when the osinfo folder is missing', async () => {
    const db = new OsInfoDb({ dir: path.join(tmp, 'missing') });
    const info = await db.info();
    expect(info).toMatchObject({ source: 'fallback', dir: null });
    expect(info.count).toBeGreaterThanOrEqual(15);
    for (const id of ['debian12', 'ubuntu24.04', 'fedora40', 'win11', 'win10', 'rhel9.4', 'alpinelinux3.19', 'linux2024', 'unknown']) {
      expect((await db.osDefaults(id))?.os.source, id).toBe('fallback');
    }
    expect((await db.searchOs('debian')).map((o) => o.shortId)).toEqual(['debian12', 'debian11']);
    expect((await db.matchIso({ volumeId: 'Debian 12.5.0 amd64 n', systemId: '', publisherId: '', applicationId: '' })).os?.shortId).toBe('debian12');
  });

  it('fills gaps of an older DB without hiding the DB entries', async () => {
    const dir = path.join(tmp, 'db');
    fs.mkdirSync(path.join(dir, 'os', 'debian.org'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'os', 'debian.org', 'debian-12.xml'),
      `<?xml version="1.0"?><libosinfo version="0.0.1"><os id="http://debian.org/debian/12"><short-id>debian12</short-id><name>Debian 12 (from DB)</name><name xml:lang="de">Debian 12 (DE)</name>
       <family>linux</family><resources arch="all"><recommended><ram>3221225472</ram><storage>32212254720</storage></recommended></resources></os></libosinfo>`,
    );
    const db = new OsInfoDb({ dir });
    const d = (await db.osDefaults('debian12'))!;
    expect(d.os).toMatchObject({ name: 'Debian 12 (from DB)', source: 'osinfo-db' });
    expect(d.memoryMiB).toBe(3072);
    expect(d.diskGiB).toBe(30);
    expect((await db.osDefaults('win11'))?.os.source).toBe('fallback');
    expect((await db.info()).source).toBe('osinfo-db');
  });

  it('parses the elements the wizard needs, skipping translations', () => {
    const [r] = parseOsinfoXml(`<libosinfo><os id="http://x.org/x/1"><short-id>x1</short-id><short-id>xone</short-id><name xml:lang="fr">X un</name><name>X 1</name>
      <vendor>X Corp</vendor><version>1</version><derives-from id="http://x.org/x/0"/><devices><device id="http://pcisig.com/pci/1af4/1001"/><device id="a" supported="false"/></devices>
      <firmware arch="x86_64" type="efi"/><media arch="x86_64"><iso><volume-id>X-1-x86_64</volume-id><system-id>LINUX</system-id></iso></media><media arch="x86_64"><url>u</url></media></os></libosinfo>`);
    expect(r).toMatchObject({
      id: 'http://x.org/x/1',
      shortIds: ['x1', 'xone'],
      name: 'X 1',
      vendor: 'X Corp',
      derivesFrom: ['http://x.org/x/0'],
      devices: [{ id: 'http://pcisig.com/pci/1af4/1001' }, { id: 'a', supported: false }],
      firmware: [{ arch: 'x86_64', type: 'efi' }],
      media: [{ arch: 'x86_64', volumeId: 'X-1-x86_64', systemId: 'LINUX' }],
    });
  });
});

describe('ISO 9660 volume descriptor', () => {
  it.runIf(fs.existsSync(GRUB_ISO))('reads the grub-rescue ISO', async () => {
    const id = await readIsoIdentity(GRUB_ISO);
    expect(id.volumeId).toBe('ISOIMAGE');
    expect(id.dataPreparerId).toMatch(/XORRISO/);
    expect(id.volumeSizeBytes).toBeGreaterThan(1_000_000);
  });

  it('parses a synthetic descriptor and refuses files that are not ISO images', async () => {
    const pvd = Buffer.alloc(2048, 0x20);
    pvd[0] = 1;
    pvd.write('CD001', 1, 'latin1');
    pvd.write('LINUX', 8, 'latin1');
    pvd.write('Fedora-S-dvd-x86_64-40', 40, 'latin1');
    pvd.writeUInt32LE(1000, 80);
    pvd.writeUInt16LE(2048, 128);
    pvd.write('APP', 574, 'latin1');
    expect(parsePrimaryVolumeDescriptor(pvd)).toMatchObject({ systemId: 'LINUX', volumeId: 'Fedora-S-dvd-x86_64-40', applicationId: 'APP', volumeSizeBytes: 2_048_000 });
    const text = path.join(tmp, 'not-an-iso.txt');
    fs.writeFileSync(text, 'hello\n'.repeat(10_000));
    await expect(readIsoIdentity(text)).rejects.toBeInstanceOf(NotAnIsoError);
    const file = path.join(tmp, 'synthetic.iso');
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(16 * 2048), pvd, Buffer.alloc(2048)]));
    expect((await readIsoIdentity(file)).volumeId).toBe('Fedora-S-dvd-x86_64-40');
  });
});
