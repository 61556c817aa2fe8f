// Which paths keep QEMU's user out of a file (mode bits and POSIX ACLs), and the ACL entries
// that let it in without giving anyone else more.
import { describe, expect, it } from 'vitest';
import { accessBlockers, aclChange, blockersAtStart, dacBaseLabel, parseGetfacl, pathChain, permsFor, qemuConfUser, type PathFacts, type QemuIdentity } from '../../../src-main/storage/qemu-access';
import { freeVolumeName } from '../../../src-main/storage/copy-to-pool';

const QEMU: QemuIdentity = { name: 'libvirt-qemu', uid: 64055, gids: [64055, 107] };
const dir = (path: string, mode: number, over: Partial<PathFacts> = {}): PathFacts => ({ path, isDir: true, mode, uid: 0, gid: 0, acl: [], ...over });
const file = (path: string, mode: number, over: Partial<PathFacts> = {}): PathFacts => ({ path, isDir: false, mode, uid: 0, gid: 0, acl: [], ...over });

describe('which paths keep QEMU out', () => {
  it('an ISO under root\'s 0700 home: /root and the 0700 folder block, the readable file does not', () => {
    const chain = [dir('/', 0o755), dir('/root', 0o700), dir('/root/isos', 0o700), file('/root/isos/a.iso', 0o644)];
    expect(accessBlockers(chain, QEMU)).toEqual([
      { path: '/root', kind: 'folder', need: 'enter', uid: 0, gid: 0, mode: 'drwx------' },
      { path: '/root/isos', kind: 'folder', need: 'enter', uid: 0, gid: 0, mode: 'drwx------' },
    ]);
  });

  it('a 0600 file blocks reading; /var/lib/libvirt/images-like folders do not', () => {
    const chain = [dir('/', 0o755), dir('/var', 0o755), dir('/var/lib/libvirt/images', 0o711), file('/var/lib/libvirt/images/a.qcow2', 0o600)];
    expect(accessBlockers(chain, QEMU).map((b) => [b.path, b.need])).toEqual([['/var/lib/libvirt/images/a.qcow2', 'read']]);
  });

  it('group membership counts (kvm group, 0750), and a group entry that denies wins over other', () => {
    expect(accessBlockers([dir('/', 0o755), dir('/srv', 0o750, { gid: 107 }), file('/srv/a.iso', 0o640, { gid: 107 })], QEMU)).toEqual([]);
    // Owning group kvm has no x, other has x: QEMU (in kvm) is judged by the group bits only.
    expect(accessBlockers([dir('/', 0o755), dir('/srv', 0o705, { gid: 107 }), file('/srv/a.iso', 0o644)], QEMU).map((b) => b.path)).toEqual(['/srv']);
  });

  it('a named ACL entry lets QEMU in, unless the mask takes it away', () => {
    const granted = dir('/root', 0o710, { acl: [{ tag: 'user', id: 64055, perms: 1 }, { tag: 'group', perms: 0 }, { tag: 'mask', perms: 1 }] });
    expect(permsFor(granted, QEMU) & 1).toBe(1);
    expect(accessBlockers([dir('/', 0o755), granted, file('/root/a.iso', 0o644)], QEMU)).toEqual([]);
    const masked = dir('/root', 0o700, { acl: [{ tag: 'user', id: 64055, perms: 1 }, { tag: 'group', perms: 0 }, { tag: 'mask', perms: 0 }] });
    expect(accessBlockers([dir('/', 0o755), masked, file('/root/a.iso', 0o644)], QEMU).map((b) => b.path)).toEqual(['/root']);
  });

  it('QEMU owning the path: its owner bits decide; root as QEMU user passes everything', () => {
    expect(accessBlockers([dir('/', 0o755), file('/a.img', 0o044, { uid: 64055 })], QEMU).map((b) => b.need)).toEqual(['read']);
    expect(accessBlockers([dir('/', 0o700), file('/a.img', 0o000)], { name: 'root', uid: 0, gids: [0] })).toEqual([]);
  });

  it('the fix: u:<qemu>:--x with a mask widened by x only (other named entries gain nothing), r on a file', () => {
    expect(aclChange(dir('/root', 0o700), QEMU, 'enter')).toEqual({ path: '/root', spec: 'u:64055:--x,m::--x', entry: 'u:libvirt-qemu:--x' });
    // An existing mask r-- (a named group has rw- masked to r--): the mask becomes r-x, not rwx.
    const withAcl = dir('/srv', 0o740, { acl: [{ tag: 'group', id: 5, perms: 6 }, { tag: 'group', perms: 4 }, { tag: 'mask', perms: 4 }] });
    expect(aclChange(withAcl, QEMU, 'enter').spec).toBe('u:64055:--x,m::r-x');
    // An existing entry for QEMU keeps its bits.
    expect(aclChange(file('/f', 0o600, { acl: [{ tag: 'user', id: 64055, perms: 2 }, { tag: 'mask', perms: 2 }] }), QEMU, 'read').spec).toBe('u:64055:rw-,m::rw-');
    expect(aclChange(file('/f', 0o040, { uid: 64055 }), QEMU, 'read').spec).toBe('u::r--');
  });

  it('a file only QEMU cannot read is no problem while libvirt hands files to QEMU at start (dynamic_ownership)', () => {
    const onlyFile = accessBlockers([dir('/', 0o755), dir('/var/lib/libvirt/images/p', 0o755), file('/var/lib/libvirt/images/p/a.iso', 0o600)], QEMU);
    expect(blockersAtStart(onlyFile, true)).toEqual([]);
    expect(blockersAtStart(onlyFile, false)).toHaveLength(1);
    const withFolder = accessBlockers([dir('/', 0o755), dir('/root', 0o700), file('/root/a.iso', 0o600)], QEMU);
    expect(blockersAtStart(withFolder, true).map((b) => b.path)).toEqual(['/root', '/root/a.iso']);
    expect(qemuConfUser('dynamic_ownership = 0\n').dynamicOwnership).toBe(false);
  });

  it('the chain from / to the file', () => {
    expect(pathChain('/root/a b/x.iso')).toEqual(['/', '/root', '/root/a b', '/root/a b/x.iso']);
  });
});

describe('reading permissions and the QEMU user', () => {
  it('parses getfacl --numeric --absolute-names (escaped names, effective comments, minimal ACLs)', () => {
    const out = [
      '# file: /', '# owner: 0', '# group: 0', 'user::rwx', 'group::r-x', 'other::r-x', '',
      '# file: /root/my\\040isos', '# owner: 0', '# group: 0', 'user::rwx', 'user:64055:--x', 'group::---', 'mask::--x', 'other::---', '',
      '# file: /root/my\\040isos/a.iso', '# owner: 0', '# group: 0', 'user::rw-', 'user:64055:rw-\t#effective:r--', 'group::r--', 'mask::r--', 'other::---', '',
    ].join('\n');
    const acls = parseGetfacl(out);
    expect(acls.get('/')).toEqual([]);
    expect(acls.get('/root/my isos')).toEqual([{ tag: 'user', id: 64055, perms: 1 }, { tag: 'group', perms: 0 }, { tag: 'mask', perms: 1 }]);
    expect(permsFor(file('/root/my isos/a.iso', 0o640, { acl: acls.get('/root/my isos/a.iso')! }), QEMU)).toBe(4);
  });

  it("reads QEMU's user from libvirt's DAC base label, else from qemu.conf", () => {
    const caps = "<capabilities><host><secmodel><model>none</model><doi>0</doi></secmodel><secmodel><model>dac</model><doi>0</doi><baselabel type='kvm'>+64055:+994</baselabel><baselabel type='qemu'>+64055:+994</baselabel></secmodel></host></capabilities>";
    expect(dacBaseLabel(caps)).toEqual({ uid: 64055, gid: 994 });
    expect(dacBaseLabel('<capabilities><host/></capabilities>')).toBeNull();
    expect(qemuConfUser('#user = "root"\nuser = "qemu"\n group = "+107"\n')).toEqual({ user: 'qemu', group: '107' });
  });

  it('names the copy after the file, made unique in the pool', () => {
    expect(freeVolumeName('/root/isos/debian.iso', new Set())).toBe('debian.iso');
    expect(freeVolumeName('/root/isos/debian.iso', new Set(['debian.iso', 'debian-2.iso']))).toBe('debian-3.iso');
  });
});
