// Install-tree detection (virt-install's urldetect rules) against a fake TreeFetcher: a map of
// URL → body, so the rules are checked without a network.
import { describe, expect, it } from 'vitest';
import { detectTree, parseIni, redhatCandidates, TreeNotFoundError, type TreeFetcher } from '../../../src-main/install/url-tree';

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
  });

  it.each([
    ['AlmaLinux', '9.3', 'AlmaLinux 9.3', ['almalinux9.3', 'almalinux9']],
    ['Rocky Linux', '9.3', 'Rocky Linux 9.3', ['rocky9.3', 'rocky9']],
    ['CentOS Stream', '9', 'CentOS Stream 9', ['centos-stream9']],
    ['Red Hat Enterprise Linux', '9.3', 'Red Hat Enterprise Linux 9.3', ['rhel9.3', 'rhel9.0']],
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

  it('a Debian DVD tree (install.amd64/ and .disk/info)', async () => {
    const r = 'http://media.example/debian-12.8.0-amd64-DVD-1/';
    const info = 'Debian GNU/Linux 12.8.0 "Bookworm" - Official amd64 DVD Binary-1 20241109-11:54';
    const t = await detectTree(r, fakeFetcher({ [`${r}install.amd64/vmlinuz`]: 'k', [`${r}install.amd64/initrd.gz`]: 'i', [`${r}.disk/info`]: `${info}\n` }));
    expect(t).toEqual({ url: r, family: 'debian', name: info, osCandidates: ['debian12'], kernelUrl: `${r}install.amd64/vmlinuz`, initrdUrl: `${r}install.amd64/initrd.gz`, cmdline: '' });
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
      osCandidates: ['opensuse15.5'],
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
