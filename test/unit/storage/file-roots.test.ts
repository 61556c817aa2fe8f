// Which folders the file chooser may show and the app may read files from (file-roots.ts):
// the rules for pool and configured folders, local drivers only, symlinks resolved.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutsideRootsError, connectionFileRoots, fileRoots, poolRootCandidates, poolsAreLocalFolders, requireInsideRoots, rootProblem } from '../../../src-main/storage/file-roots';
import type { LibvirtHostClient } from '../../../src-main/libvirt/host-client';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-roots-')));
const images = path.join(tmp, 'images');
const home = path.join(tmp, 'home');
fs.mkdirSync(images);
fs.mkdirSync(home);
fs.writeFileSync(path.join(images, 'a.iso'), 'x');
fs.symlinkSync('/etc', path.join(tmp, 'etc-link'));
fs.symlinkSync('/etc/passwd', path.join(images, 'passwd-link'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('rootProblem', () => {
  it('refuses /, system folders and what is inside them, .. parts, relative paths and folders holding system data', () => {
    for (const [p, re] of [
      ['/', /whole computer/],
      ['/etc', /system folder/],
      ['/etc/libvirt', /inside the system folder \/etc/],
      ['/proc/self', /\/proc/],
      ['/usr/lib/grub-rescue', /\/usr/],
      ['/boot', /system folder/],
      ['/var', /holds system/],
      ['/home', /holds system/],
      ['/srv/../etc', /'\.\.'/],
      ['images', /absolute/],
    ] as const) {
      expect(rootProblem(p, home), p).toMatch(re);
    }
  });

  it("accepts image folders, folders elsewhere and the user's own home (also when that is /root)", () => {
    for (const p of ['/var/lib/libvirt/images', '/var/lib/libvirt/images/isos', '/srv/vm', '/data/images', home, path.join(home, 'Downloads')]) expect(rootProblem(p, home), p).toBeNull();
    expect(rootProblem('/root/isos', '/root')).toBeNull();
    expect(rootProblem('/root/isos', home)).toMatch(/\/root/);
    expect(rootProblem('/var', '/var')).toMatch(/holds system/); // a service account's home is no exception
  });
});

describe('pool folders', () => {
  it('count only for local qemu and lxc connections', () => {
    expect(poolsAreLocalFolders('qemu:///system')).toBe(true);
    expect(poolsAreLocalFolders('qemu:///session')).toBe(true);
    expect(poolsAreLocalFolders('qemu+unix:///system')).toBe(true);
    expect(poolsAreLocalFolders('lxc:///')).toBe(true);
    expect(poolsAreLocalFolders('test:///default')).toBe(false);
    expect(poolsAreLocalFolders('qemu+ssh://root@host/system')).toBe(false);
    expect(poolsAreLocalFolders('qemu+tcp://host/system')).toBe(false);
    expect(poolsAreLocalFolders('qemu://host/system')).toBe(false);
    const pools = [{ path: '/', type: 'dir' }, { path: '/dev/vg0', type: 'logical' }, { path: images, type: 'dir' }, { path: null, type: 'rbd' }];
    expect(poolRootCandidates('test:///default', pools)).toEqual([]);
    expect(poolRootCandidates('qemu:///system', pools)).toEqual(['/', images]);
  });
});

describe('fileRoots', () => {
  it('leaves out pools and configured folders at /, in /etc, with .., or whose symlink leads to /etc', async () => {
    const roots = await fileRoots({ poolFolders: ['/', '/etc', `${images}/../../../etc`, path.join(tmp, 'etc-link'), images], configured: ['/etc', '/usr/lib/grub-rescue'], home });
    expect(roots).toContain(images);
    expect(roots).toContain(home);
    for (const r of roots) {
      expect(r).not.toBe('/');
      expect(r.startsWith('/etc')).toBe(false);
      expect(r.startsWith('/usr')).toBe(false);
    }
  });

  it("offers the user's home, but not a service account's home at / or /var", async () => {
    expect(await fileRoots({ home: '/' })).not.toContain('/');
    expect(await fileRoots({ home: '/var' })).not.toContain('/var');
  });

  it('takes trusted (test) roots as they are, and drops roots nested in others', async () => {
    const roots = await fileRoots({ trusted: [tmp], poolFolders: [images], home });
    expect(roots).toContain(tmp);
    expect(roots).not.toContain(images);
  });

  it('ignores the pools of the test driver, even one at /', async () => {
    const client = { api: { listPools: async () => [{ name: 'root', uuid: 'u', active: true, persistent: true, autostart: false, capacity: 0, allocation: 0, available: 0 }], poolXml: async () => "<pool type='dir'><name>root</name><target><path>/</path></target></pool>" } } as unknown as LibvirtHostClient;
    const roots = await connectionFileRoots({ client: async () => ({ uri: 'test:///default', client }) }, 'test:///default');
    expect(roots).not.toContain('/');
    const local = await connectionFileRoots({ client: async () => ({ uri: 'qemu:///system', client }) }, 'qemu:///system');
    expect(local).not.toContain('/'); // a local pool at / is refused by the rules
  });
});

describe('requireInsideRoots', () => {
  it('returns the resolved file inside the roots and refuses files outside, also through a symlink', async () => {
    const roots = await fileRoots({ poolFolders: [images], home });
    expect(await requireInsideRoots(path.join(images, 'a.iso'), roots)).toBe(path.join(images, 'a.iso'));
    for (const f of ['/etc/passwd', path.join(images, 'passwd-link'), '/etc/no-such-file', path.join(tmp, 'etc-link', 'passwd')]) {
      const e = await requireInsideRoots(f, roots, 'file').catch((x: unknown) => x);
      expect(e, f).toBeInstanceOf(OutsideRootsError);
      expect((e as Error).message).toMatch(/is outside the folders the app may read/);
      expect((e as Error).message).toMatch(/Settings/);
    }
  });

  it('judges a missing file by where it would be', async () => {
    const roots = await fileRoots({ poolFolders: [images], home });
    expect(await requireInsideRoots(path.join(images, 'new', 'x.iso'), roots)).toBe(path.join(images, 'new', 'x.iso'));
  });
});
