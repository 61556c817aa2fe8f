// The Storage page's delete dialog offers removing the pool's folder only for a folder pool on
// this computer whose volume list is known to be empty.
import { describe, expect, it } from 'vitest';
import { offerRemoveFolder } from '../../../src-renderer/storage/storage-logic';

const dirPool = { type: 'dir', path: '/var/lib/libvirt/images/p', active: true };

describe('offerRemoveFolder', () => {
  it('offers it for an empty local folder pool', () => {
    expect(offerRemoveFolder('qemu:///system', dirPool, [])).toBe(true);
  });

  it('not when the pool has volumes, or they are not known yet (inactive pool, still loading)', () => {
    expect(offerRemoveFolder('qemu:///system', dirPool, [{ name: 'a.qcow2' }])).toBe(false);
    expect(offerRemoveFolder('qemu:///system', dirPool, null)).toBe(false);
    expect(offerRemoveFolder('qemu:///system', { ...dirPool, active: false }, [])).toBe(false);
  });

  it('not for remote connections or pools that are no folder', () => {
    expect(offerRemoveFolder('qemu+ssh://host/system', dirPool, [])).toBe(false);
    expect(offerRemoveFolder('qemu:///system', { ...dirPool, type: 'logical' }, [])).toBe(false);
    expect(offerRemoveFolder('qemu:///system', { ...dirPool, path: null }, [])).toBe(false);
  });
});
