// The browser-mode file chooser: only the allowed roots, symlinks resolved first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BrowseError, browse, isWithinRoots } from '../../../src-main/storage/fs-browse';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-browse-')));
const root = path.join(tmp, 'root');
const outside = path.join(tmp, 'outside');
fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
fs.mkdirSync(outside);
fs.writeFileSync(path.join(root, 'disk.qcow2'), Buffer.alloc(1024));
fs.writeFileSync(path.join(root, '.hidden'), 'x');
fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
fs.symlinkSync(outside, path.join(root, 'escape'));
fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
fs.symlinkSync(path.join(root, 'disk.qcow2'), path.join(root, 'inside-link'));
fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'broken'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('fs.browse', () => {
  it('lists a root: folders first, hidden files and links that leave the roots left out', async () => {
    const r = await browse(root, [root]);
    expect(r.path).toBe(root);
    expect(r.parent).toBeNull();
    expect(r.entries.map((e) => [e.name, e.isDir])).toEqual([['sub', true], ['disk.qcow2', false], ['inside-link', false]]);
    expect(r.entries.find((e) => e.name === 'disk.qcow2')?.size).toBe(1024);
    expect((await browse(root, [root], { showHidden: true })).entries.map((e) => e.name)).toContain('.hidden');
  });

  it('gives the roots when no path is given, and the parent inside a root', async () => {
    const r = await browse(undefined, [root, path.join(tmp, 'missing-root')]);
    expect(r.path).toBeNull();
    expect(r.roots).toEqual([root]);
    expect(r.entries.map((e) => e.path)).toEqual([root]);
    expect((await browse(path.join(root, 'sub'), [root])).parent).toBe(root);
  });

  it('refuses paths outside the roots, also through a symlink', async () => {
    await expect(browse(outside, [root])).rejects.toMatchObject({ code: 'OUTSIDE' });
    const viaLink = await browse(path.join(root, 'escape'), [root]).catch((e: unknown) => e);
    expect(viaLink).toBeInstanceOf(BrowseError);
    expect((viaLink as BrowseError).message).toContain(`→ ${outside}`);
    await expect(browse('/etc', [root])).rejects.toMatchObject({ code: 'OUTSIDE' });
    await expect(browse(path.join(root, 'nope'), [root])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(browse(path.join(root, 'disk.qcow2'), [root])).rejects.toMatchObject({ code: 'NOT_DIR' });
  });

  it('checks containment by path parts, not string prefixes', () => {
    expect(isWithinRoots('/var/lib/libvirt/images2', ['/var/lib/libvirt/images'])).toBe(false);
    expect(isWithinRoots('/var/lib/libvirt/images/a', ['/var/lib/libvirt/images'])).toBe(true);
    expect(isWithinRoots('/var/lib/libvirt/images', ['/var/lib/libvirt/images'])).toBe(true);
  });
});
