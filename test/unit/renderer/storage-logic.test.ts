import { describe, expect, it } from 'vitest';
import { checkPoolForm, checkSizeField, checkVolumeForm, defaultPoolPath, isLocalUri, suggestVolumeName } from '../../../src-renderer/storage/storage-logic';

const GiB = 2 ** 30;

describe('pool and volume forms', () => {
  it('checks a new pool', () => {
    expect(checkPoolForm({ name: 'images2', path: '/srv/images2', start: true, autostart: true })).toBeNull();
    expect(checkPoolForm({ name: 'default', path: '/srv/x', start: true, autostart: true }, ['default'])?.key).toBe('check.poolTaken');
    expect(checkPoolForm({ name: 'p', path: 'relative', start: true, autostart: true })).toMatchObject({ key: 'check.pathAbsolute', field: 'path' });
    expect(checkPoolForm({ name: 'p', path: '/a/../b', start: true, autostart: true })?.key).toBe('check.pathDots');
    expect(defaultPoolPath('fast disks')).toBe('/var/lib/libvirt/images/fast-disks');
    expect(defaultPoolPath('')).toBe('/var/lib/libvirt/images');
  });
  it('checks a new volume and a resize', () => {
    expect(checkVolumeForm({ name: 'data.qcow2', size: '10', format: 'qcow2' }, [], 20 * GiB)).toBeNull();
    expect(checkVolumeForm({ name: 'data.qcow2', size: '10', format: 'qcow2' }, ['data.qcow2'])?.key).toBe('check.volumeTaken');
    expect(checkVolumeForm({ name: 'data.qcow2', size: '30', format: 'qcow2' }, [], 20 * GiB)?.key).toBe('check.sizeAvailable');
    expect(checkVolumeForm({ name: 'a/b', size: '1', format: 'raw' })?.key).toBe('check.nameForbidden');
    expect(checkSizeField('2', 10 * GiB, GiB)).toBeNull();
    expect(checkSizeField('1', 10 * GiB, GiB)?.key).toBe('check.sizeGrow');
    expect(checkSizeField('20', 10 * GiB, GiB)?.key).toBe('check.sizeAvailable');
    expect(checkSizeField('x')?.key).toBe('check.sizeNumber');
  });
  it('knows which connections are on this computer', () => {
    expect(isLocalUri('qemu:///system')).toBe(true);
    expect(isLocalUri('qemu:///session')).toBe(true);
    expect(isLocalUri('qemu+ssh://root@lab/system')).toBe(false);
    expect(isLocalUri('test:///default')).toBe(true);
  });
  it('suggests free volume names', () => {
    expect(suggestVolumeName('disk', 'qcow2', [])).toBe('disk.qcow2');
    expect(suggestVolumeName('disk', 'raw', ['disk.img'])).toBe('disk-1.img');
    expect(suggestVolumeName('disk.qcow2', 'raw', [])).toBe('disk.img');
  });
});
