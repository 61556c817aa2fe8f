// Install-tree detection (virt-install's urldetect rules) against a fake TreeFetcher: a map of
// URL → body, so the rules are checked without a network.
import { describe, expect, it } from 'vitest';
import { detectTree, parseIni, redhatCandidates, TreeNotFoundError, type DetectedTree, type TreeFetcher } from '../../../src-main/install/url-tree';
import { parseSuseContent, redhatRepoArg, suseCandidates, treeinfoIdentity } from '../../../src-main/install/tree-families';
import { OsInfoDb } from '../../../src-main/osinfo/osinfo-db';
import { recordedTree, recordedTreeNames } from '../../support/install-tree';

/** exists = the map has the URL; text = its body or null (a 404). Records what was asked. */
function fakeFetcher(files: Record<string, string>): TreeFetcher & { asked: string[] } {
  const map = new Map(Object.entries(files));
  const asked: string[] = [];
  return {
    asked,
    async text(url) {
      asked.push(url);
      return map.get(url) ?? null;
    },
    async exists(url) {
      asked.push(url);
      return map.has(url);
    },
  };
}

const FEDORA_TREEINFO = `[header]
type = productmd.treeinfo
version = 1.2

[release]
name = Fedora
short = Fedora
version = 39

[tree]
arch = x86_64
build_timestamp = 1699000000
platforms = x86_64,xen
variants = Everything

[images-x86_64]
boot.iso = images/boot.iso
efiboot.img = images/efiboot.img
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[images-xen]
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[stage2]
mainimage = images/install.img
`;

const treeinfo = (release: string) => `[header]\nversion = 1.2\n\n${release}\n\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n`;

const DEBIAN_RELEASE = `Origin: Debian
Label: Debian
Suite: stable
Version: 12.8
Codename: bookworm
Date: Sat, 09 Nov 2024 10:40:08 UTC
Description: Debian 12.8 Released 09 November 2024
MD5Sum:
 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all
`;

describe('Red Hat family trees (.treeinfo)', () => {
  const root = 'https://dl.example.org/pub/fedora/linux/releases/39/Server/x86_64/os/';

  it('Fedora (.treeinfo format 1.x): kernel and initrd resolved against the root, inst.repo', async () => {
    const t = await detectTree(root, fakeFetcher({ [`${root}.treeinfo`]: FEDORA_TREEINFO }));
    expect(t).toEqual({
      url: root,
      family: 'redhat',
      name: 'Fedora 39',
      osCandidates: expect.arrayContaining(['fedora39']),
      kernelUrl: `${root}images/pxeboot/vmlinuz`,
      initrdUrl: `${root}images/pxeboot/initrd.img`,
      cmdline: `inst.repo=${root}`,
    });
    expect(t.osCandidates[0]).toBe('fedora39');
  });

  it('a URL without a trailing slash is taken as the folder', async () => {
    const t = await detectTree(root.slice(0, -1), fakeFetcher({ [`${root}.treeinfo`]: FEDORA_TREEINFO }));
    expect(t.url).toBe(root);
    expect(t.kernelUrl).toBe(`${root}images/pxeboot/vmlinuz`);
    expect(t.cmdline).toBe(`inst.repo=${root}`);
  });

  it('old-style .treeinfo ([general] family/version): CentOS 7', async () => {
    const r = 'http://mirror.example/centos/7/os/x86_64/';
    const ini = `[general]\nname = CentOS-7\nfamily = CentOS\ntimestamp = 1603000000\nvariant = \nversion = 7\npackagedir = \narch = x86_64\n\n[stage2]\nmainimage = LiveOS/squashfs.img\n\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\nboot.iso = images/boot.iso\n`;
    const t = await detectTree(r, fakeFetcher({ [`${r}.treeinfo`]: ini }));
    expect(t).toMatchObject({ family: 'redhat', name: 'CentOS 7', kernelUrl: `${r}images/pxeboot/vmlinuz`, initrdUrl: `${r}images/pxeboot/initrd.img`, cmdline: `inst.repo=${r}` });
    expect(t.osCandidates).toContain('centos7');
    expect(new Set(t.osCandidates).size).toBe(t.osCandidates.length);
  });

  it.each([
    ['AlmaLinux', '9.3', 'AlmaLinux 9.3', ['almalinux9.3', 'almalinux9']],
    ['Rocky Linux', '9.3', 'Rocky Linux 9.3', ['rocky9.3', 'rocky9']],
    ['CentOS Stream', '9', 'CentOS Stream 9', ['centos-stream9']],
    ['Red Hat Enterprise Linux', '9.3', 'Red Hat Enterprise Linux 9.3', ['rhel9.3', 'rhel9.2', 'rhel9.1', 'rhel9.0']],
  ])('%s %s', async (name, version, label, candidates) => {
    const r = 'https://repo.example.net/os/x86_64/';
    const t = await detectTree(r, fakeFetcher({ [`${r}.treeinfo`]: treeinfo(`[release]\nname = ${name}\nshort = X\nversion = ${version}`) }));
    expect(t.family).toBe('redhat');
    expect(t.name).toBe(label);
    expect(t.osCandidates).toEqual(candidates);
  });

  it('a .treeinfo with no x86_64 images names the architecture', async () => {
    const r = 'https://dl.example.org/fedora/39/Server/aarch64/os/';
    const ini = '[release]\nname = Fedora\nversion = 39\n\n[images-aarch64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n';
    const err = await detectTree(r, fakeFetcher({ [`${r}.treeinfo`]: ini })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TreeNotFoundError);
    expect((err as Error).message).toMatch(/x86_64/);
    expect((err as Error).message).toContain(`${r}.treeinfo`);
  });

  it('redhatCandidates: unknown names give none, versions are trimmed', () => {
    expect(redhatCandidates('Fedora', ' 40 ')[0]).toBe('fedora40');
    expect(redhatCandidates('Oracle Linux Server', '9.3')).toEqual(['ol9.3', 'ol9']);
    expect(redhatCandidates('Scientific Linux', '7')).toEqual([]);
  });
});

describe('Debian and Ubuntu trees', () => {
  const mirror = 'http://deb.example.org/debian/';
  const installer = `${mirror}dists/bookworm/main/installer-amd64/`;
  const netboot = `${installer}current/images/netboot/debian-installer/amd64/`;
  const debianFiles = {
    [`${installer}current/images/MANIFEST`]: 'netboot/debian-installer/amd64/linux\tDebian installer netboot kernel\n',
    [`${netboot}linux`]: 'kernel',
    [`${netboot}initrd.gz`]: 'initrd',
    [`${mirror}dists/bookworm/Release`]: DEBIAN_RELEASE,
  };

  it('an installer folder (MANIFEST, netboot linux, Release)', async () => {
    const t = await detectTree(installer, fakeFetcher(debianFiles));
    expect(t).toEqual({
      url: installer,
      family: 'debian',
      name: 'Debian 12.8 bookworm',
      osCandidates: expect.arrayContaining(['debian12']),
      kernelUrl: `${netboot}linux`,
      initrdUrl: `${netboot}initrd.gz`,
      cmdline: '',
    });
    expect(t.osCandidates[0]).toBe('debian12');
  });

  it('an installer folder whose Release cannot be read still works (codename from the path)', async () => {
    const files: Record<string, string> = { ...debianFiles };
    delete files[`${mirror}dists/bookworm/Release`];
    const t = await detectTree(installer, fakeFetcher(files));
    expect(t.name).toBe('Debian bookworm');
    expect(t.osCandidates).toEqual(['debian12']);
  });

  it('a mirror root (dists/stable/Release) resolves to stable’s installer', async () => {
    const stable = `${mirror}dists/stable/main/installer-amd64/`;
    const nb = `${stable}current/images/netboot/debian-installer/amd64/`;
    const f = fakeFetcher({
      [`${mirror}dists/stable/Release`]: DEBIAN_RELEASE,
      [`${stable}current/images/MANIFEST`]: 'manifest',
      [`${nb}linux`]: 'k',
      [`${nb}initrd.gz`]: 'i',
    });
    const t = await detectTree(mirror.slice(0, -1), f);
    expect(t.url).toBe(stable);
    expect(t.kernelUrl).toBe(`${nb}linux`);
    expect(t.initrdUrl).toBe(`${nb}initrd.gz`);
    expect(t.name).toBe('Debian 12.8 bookworm');
    expect(t.osCandidates[0]).toBe('debian12');
  });

  it('Ubuntu legacy-images layout (20.04): family from the Release Origin', async () => {
    const u = 'http://archive.example.com/ubuntu/dists/focal-updates/main/installer-amd64/';
    const nb = `${u}current/legacy-images/netboot/ubuntu-installer/amd64/`;
    const t = await detectTree(u, fakeFetcher({
      // Focal's installer folder has only current/legacy-images/ (no current/images/).
      [`${u}current/legacy-images/MANIFEST`]: 'netboot/ubuntu-installer/amd64/linux\n',
      [`${nb}linux`]: 'k',
      [`${nb}initrd.gz`]: 'i',
      'http://archive.example.com/ubuntu/dists/focal-updates/Release': 'Origin: Ubuntu\nLabel: Ubuntu\nSuite: focal-updates\nVersion: 20.04\nCodename: focal\n',
    }));
    expect(t).toMatchObject({ family: 'ubuntu', name: 'Ubuntu 20.04 focal', osCandidates: ['ubuntu20.04'], kernelUrl: `${nb}linux`, initrdUrl: `${nb}initrd.gz`, cmdline: '' });
  });

  it('a MANIFEST without an amd64 netboot installer is no tree, and says so', async () => {
    const err = await detectTree(installer, fakeFetcher({ [`${installer}current/images/MANIFEST`]: 'm' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TreeNotFoundError);
    expect((err as Error).message).toMatch(/amd64 netboot/);
  });
});

describe('openSUSE trees', () => {
  const r = 'https://download.example.org/distribution/leap/15.5/repo/oss/';
  const files = { [`${r}boot/x86_64/loader/linux`]: 'k', [`${r}boot/x86_64/loader/initrd`]: 'i' };

  it('media.1/products names the release', async () => {
    const t = await detectTree(r, fakeFetcher({ ...files, [`${r}media.1/products`]: '/ openSUSE-Leap 15.5-1\n' }));
    expect(t).toEqual({
      url: r,
      family: 'suse',
      name: 'openSUSE Leap 15.5',
      osCandidates: expect.arrayContaining(['opensuse15.5']),
      kernelUrl: `${r}boot/x86_64/loader/linux`,
      initrdUrl: `${r}boot/x86_64/loader/initrd`,
      cmdline: `install=${r}`,
    });
  });

  it('Tumbleweed; and a tree without product files is still found', async () => {
    expect((await detectTree(r, fakeFetcher({ ...files, [`${r}media.1/products`]: '/ openSUSE-Tumbleweed 20240101-0\n' }))).osCandidates).toEqual(['opensusetumbleweed']);
    const bare = await detectTree(r, fakeFetcher(files));
    expect(bare).toMatchObject({ family: 'suse', name: 'openSUSE', osCandidates: [] });
  });
});

/** A fetcher over a recorded layout: its text files answer text(), every recorded path exists(). */
function recordedFetcher(name: string): TreeFetcher & { tree: string; asked: string[] } {
  const rec = recordedTree(name);
  const asked: string[] = [];
  return {
    tree: rec.treeUrl,
    asked,
    async text(url) {
      asked.push(url);
      return rec.files.get(url) ?? null;
    },
    async exists(url) {
      asked.push(url);
      return rec.files.has(url);
    },
  };
}

const detectRecorded = async (name: string): Promise<DetectedTree> => {
  const f = recordedFetcher(name);
  return detectTree(f.tree, f);
};

const refusal = async (name: string): Promise<string> => {
  const f = recordedFetcher(name);
  const err = await detectTree(f.tree, f).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TreeNotFoundError);
  return (err as Error).message;
};

describe('recorded layouts (virt-manager urldetect test data, osinfo-db <tree>/<media>)', () => {
  it('every recorded layout has a source, a tree URL and at least one file', () => {
    const names = recordedTreeNames();
    expect(names.length).toBeGreaterThanOrEqual(11);
    for (const n of names) {
      const rec = recordedTree(n);
      expect(rec.source.length, n).toBeGreaterThan(40);
      expect(rec.treeUrl, n).toMatch(/^https?:\/\/.+\/$/);
      expect([...rec.files.keys()].every((u) => u.startsWith(new URL(rec.treeUrl).origin)), n).toBe(true);
    }
  });

  it('openSUSE Leap with .treeinfo is openSUSE: install=<url>, kernel from .treeinfo', async () => {
    const t = await detectRecorded('opensuse-leap-15.9');
    const r = 'https://download.opensuse.org/distribution/leap/15.9/repo/oss/';
    expect(t).toEqual({
      url: r,
      family: 'suse',
      name: 'openSUSE Leap 15.9',
      osCandidates: expect.arrayContaining(['opensuse15.9', 'opensuse15.5', 'opensuse15.0']),
      kernelUrl: `${r}boot/x86_64/loader/linux`,
      initrdUrl: `${r}boot/x86_64/loader/initrd`,
      cmdline: `install=${r}`,
    });
    expect(t.osCandidates[0]).toBe('opensuse15.9');
  });

  it('openSUSE Tumbleweed with .treeinfo (no version): opensusetumbleweed, install=<url>', async () => {
    const t = await detectRecorded('opensuse-tumbleweed');
    expect(t).toMatchObject({ family: 'suse', name: 'openSUSE Tumbleweed', osCandidates: ['opensusetumbleweed'], cmdline: 'install=https://download.opensuse.org/tumbleweed/repo/oss/' });
  });

  it('openSUSE content with only DISTRO (Leap 42.3, 13.2): product and version from DISTRO', async () => {
    const leap = await detectRecorded('opensuse-leap-42.3-content');
    expect(leap).toMatchObject({ family: 'suse', name: 'openSUSE Leap 42.3', cmdline: 'install=https://download.opensuse.org/distribution/leap/42.3/repo/oss/' });
    expect(leap.osCandidates[0]).toBe('opensuse42.3');
    const old = await detectRecorded('opensuse-13.2-content');
    expect(old).toMatchObject({ family: 'suse', name: 'openSUSE 13.2' });
    expect(old.osCandidates[0]).toBe('opensuse13.2');
  });

  it('CentOS 6.10 (.treeinfo [general] version 6.10): method=<url>, not inst.repo', async () => {
    const t = await detectRecorded('centos-6.10');
    const r = 'http://vault.centos.org/6.10/os/x86_64/';
    expect(t).toMatchObject({ family: 'redhat', name: 'CentOS 6.10', kernelUrl: `${r}images/pxeboot/vmlinuz`, initrdUrl: `${r}images/pxeboot/initrd.img`, cmdline: `method=${r}` });
    expect(t.osCandidates[0]).toBe('centos6.10');
  });

  it('RHEL 7.6 (.treeinfo [release]): inst.repo=<url>, rhel7.6', async () => {
    const t = await detectRecorded('rhel-7.6');
    expect(t).toMatchObject({ family: 'redhat', name: 'Red Hat Enterprise Linux 7.6', cmdline: 'inst.repo=http://satellite.example.com/rhel-7.6-server-x86_64/' });
    expect(t.osCandidates[0]).toBe('rhel7.6');
  });

  it('Debian 10 installer folder without a reachable Release: debian10 from the codename in the path', async () => {
    const t = await detectRecorded('debian-10-installer');
    const nb = 'http://deb.debian.org/debian/dists/buster/main/installer-amd64/current/images/netboot/debian-installer/amd64/';
    expect(t).toMatchObject({ family: 'debian', name: 'Debian buster', osCandidates: ['debian10'], kernelUrl: `${nb}linux`, initrdUrl: `${nb}initrd.gz`, cmdline: '' });
  });

  it('Ubuntu 20.04 installer folder without a reachable Release: ubuntu20.04 from the codename in the path', async () => {
    const t = await detectRecorded('ubuntu-20.04-installer');
    const nb = 'http://archive.ubuntu.com/ubuntu/dists/focal/main/installer-amd64/current/legacy-images/netboot/ubuntu-installer/amd64/';
    expect(t).toMatchObject({ family: 'ubuntu', name: 'Ubuntu focal', osCandidates: ['ubuntu20.04'], kernelUrl: `${nb}linux`, initrdUrl: `${nb}initrd.gz` });
  });

  it('Ubuntu server disc served over HTTP: boots its netboot pair, never install/initrd.gz (which wants a CD-ROM)', async () => {
    const t = await detectRecorded('ubuntu-17.10-server-disc');
    const r = 'http://files.example.net/iso/ubuntu-17.10-server-amd64/';
    expect(t).toEqual({
      url: r,
      family: 'ubuntu',
      name: 'Ubuntu-Server 17.10 "Artful Aardvark" - Alpha amd64 (20170914)',
      osCandidates: ['ubuntu17.10'],
      kernelUrl: `${r}install/netboot/ubuntu-installer/amd64/linux`,
      initrdUrl: `${r}install/netboot/ubuntu-installer/amd64/initrd.gz`,
      cmdline: '',
    });
  });

  it('Debian disc served over HTTP (install.amd/, no netboot pair): refused, saying its initrd wants a CD-ROM and what to use instead', async () => {
    const msg = await refusal('debian-8.10-netinst-disc');
    expect(msg).toContain('http://files.example.net/iso/debian-8.10.0-amd64-netinst/');
    expect(msg).toContain('Debian GNU/Linux 8.10.0 "Jessie"');
    expect(msg).toContain('install.amd/initrd.gz');
    expect(msg).toMatch(/CD-ROM/);
    expect(msg).toContain('http://deb.debian.org/debian/dists/jessie/main/installer-amd64/');
  });

  it('Ubuntu live server disc (casper/): refused as a live ISO that cannot be network-booted this way', async () => {
    const msg = await refusal('ubuntu-24.04-live-server-disc');
    expect(msg).toMatch(/live Ubuntu disc/);
    expect(msg).toMatch(/cannot be network-booted/);
    expect(msg).toMatch(/CD-ROM/);
  });

  it('the first osinfo id each recorded tree names resolves in the host osinfo-db (as os.detectUrl picks it)', async () => {
    const db = new OsInfoDb();
    const expected: Record<string, RegExp> = {
      'opensuse-leap-15.9': /^opensuse15\.\d+$/,
      'opensuse-tumbleweed': /^opensusetumbleweed$/,
      'opensuse-leap-42.3-content': /^opensuse42\.3$/,
      'opensuse-13.2-content': /^opensuse13\.2$/,
      'centos-6.10': /^centos6\.10$/,
      'rhel-7.6': /^rhel7\.6$/,
      'debian-10-installer': /^debian10$/,
      'ubuntu-20.04-installer': /^ubuntu20\.04$/,
      'ubuntu-17.10-server-disc': /^ubuntu17\.10$/,
    };
    for (const [name, want] of Object.entries(expected)) {
      const t = await detectRecorded(name);
      let found: string | null = null;
      for (const c of t.osCandidates) if (!found && (await db.get(c))) found = c;
      expect(found, name).toMatch(want);
    }
  });
});

describe('tree family rules', () => {
  it('treeinfoIdentity: SUSE by family or name, Red Hat otherwise; [release] before [general]', () => {
    expect(treeinfoIdentity(parseIni('[general]\nfamily = SUSE Linux Enterprise Server\nversion = 15.5\n'))).toEqual({ family: 'suse', product: 'SUSE Linux Enterprise Server', version: '15.5' });
    expect(treeinfoIdentity(parseIni('[release]\nname = Fedora\nversion = 39\n[general]\nfamily = Fedora\nversion = 38\n'))).toEqual({ family: 'redhat', product: 'Fedora', version: '39' });
  });

  it('redhatRepoArg: method= before RHEL/CentOS 7 and Fedora 19, inst.repo= from then on', () => {
    expect(redhatRepoArg('CentOS', '6.10')).toBe('method');
    expect(redhatRepoArg('Red Hat Enterprise Linux', '5.11')).toBe('method');
    expect(redhatRepoArg('CentOS', '7')).toBe('inst.repo');
    expect(redhatRepoArg('Fedora', '18')).toBe('method');
    expect(redhatRepoArg('Fedora', '19')).toBe('inst.repo');
    expect(redhatRepoArg('Fedora', 'Rawhide')).toBe('inst.repo');
  });

  it('suseCandidates: Leap walks back to .0, SLE uses spN, Tumbleweed has no version', () => {
    expect(suseCandidates('openSUSE Leap', '15.2')).toEqual(['opensuse15.2', 'opensuse15.1', 'opensuse15.0']);
    expect(suseCandidates('SUSE Linux Enterprise Server', '15.5')).toEqual(['sles15sp5', 'sles15']);
    expect(suseCandidates('SUSE Linux Enterprise Desktop', '12')).toEqual(['sled12']);
    expect(suseCandidates('openSUSE Tumbleweed', '')).toEqual(['opensusetumbleweed']);
  });

  it('parseSuseContent: LABEL wins, else DISTRO; VERSION without its release suffix', () => {
    expect(parseSuseContent('LABEL         openSUSE 11.4\nVERSION       11.4\n')).toEqual({ product: 'openSUSE 11.4', version: '11.4' });
    expect(parseSuseContent('LABEL SUSE Linux Enterprise Server 10 SP4\nVERSION 10.4-0\n')).toEqual({ product: 'SUSE Linux Enterprise Server 10 SP4', version: '10.4' });
    expect(parseSuseContent('VENDOR openSUSE\n')).toBeNull();
  });

  it('Ubuntu codenames: pocket suffixes are dropped (dists/jammy-updates → ubuntu22.04)', async () => {
    const u = 'http://mirror.example/ubuntu/dists/jammy-updates/main/installer-amd64/';
    const nb = `${u}current/images/netboot/ubuntu-installer/amd64/`;
    const t = await detectTree(u, fakeFetcher({ [`${u}current/images/MANIFEST`]: 'netboot/ubuntu-installer\n', [`${nb}linux`]: 'k', [`${nb}initrd.gz`]: 'i' }));
    expect(t).toMatchObject({ family: 'ubuntu', name: 'Ubuntu jammy', osCandidates: ['ubuntu22.04'] });
  });
});

describe('no tree', () => {
  it('nothing recognisable: TreeNotFoundError listing what is supported', async () => {
    const r = 'http://example.com/some/folder/';
    const f = fakeFetcher({ [`${r}index.html`]: '<html></html>' });
    const err = await detectTree(r, f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TreeNotFoundError);
    const msg = (err as Error).message;
    expect(msg).toContain(r);
    for (const word of ['Debian', 'Ubuntu', 'Fedora', 'CentOS', 'AlmaLinux', 'Rocky', 'openSUSE', '.treeinfo']) expect(msg).toContain(word);
    // Every probe was tried, all under the given folder.
    expect(f.asked.every((u) => u.startsWith(r))).toBe(true);
    expect(f.asked).toContain(`${r}.treeinfo`);
    expect(f.asked).toContain(`${r}dists/stable/Release`);
  });

  it('a fetcher that throws ("does not answer") propagates; it is not a TreeNotFoundError', async () => {
    const down: TreeFetcher = {
      text: async (url) => {
        throw new Error(`${url} does not answer (ECONNREFUSED)`);
      },
      exists: async (url) => {
        throw new Error(`${url} does not answer (ECONNREFUSED)`);
      },
    };
    const err = await detectTree('http://127.0.0.1:9/tree/', down).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TreeNotFoundError);
    expect((err as Error).message).toMatch(/does not answer/);

    // Also when only the existence checks fail (after .treeinfo answered 404).
    const half: TreeFetcher = {
      text: async () => null,
      exists: async () => {
        throw new Error('timed out');
      },
    };
    const err2 = await detectTree('http://example.com/x/', half).catch((e: unknown) => e);
    expect(err2).not.toBeInstanceOf(TreeNotFoundError);
    expect((err2 as Error).message).toBe('timed out');
  });
});

describe('parseIni', () => {
  it('sections and keys lower-cased, values trimmed; comments and blank lines skipped', () => {
    const ini = parseIni('# comment\n; other comment\n\n[General]\nFamily = CentOS\n  Version=7  \n\n[Images-X86_64]\r\nKernel = images/pxeboot/vmlinuz\r\n');
    expect([...ini.keys()]).toEqual(['general', 'images-x86_64']);
    expect(Object.fromEntries(ini.get('general')!)).toEqual({ family: 'CentOS', version: '7' });
    expect(ini.get('images-x86_64')!.get('kernel')).toBe('images/pxeboot/vmlinuz');
  });

  it("':' separates like '=', and a value keeps later separators", () => {
    const ini = parseIni('[s]\nname: Fedora\nurl = http://x.example/a=b:c\n');
    expect(ini.get('s')!.get('name')).toBe('Fedora');
    expect(ini.get('s')!.get('url')).toBe('http://x.example/a=b:c');
  });

  it('keys before any section and lines without a separator are ignored; empty values stay', () => {
    const ini = parseIni('orphan = 1\n[s]\njunk line\nempty =\n');
    expect(ini.size).toBe(1);
    expect(Object.fromEntries(ini.get('s')!)).toEqual({ empty: '' });
  });
});
