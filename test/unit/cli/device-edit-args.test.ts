// edit-nic, edit-disk and resize-disk → vm.updateNic, vm.updateDisk, vm.resizeDisk: what each asks
// of the API (valid API input), and bad usage (exit 2) before anything is called.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEVICE_EDIT_OPTIONS, deviceEditCall, parseDiskSize } from '../../../src-main/cli/device-edit-commands';
import { UsageError } from '../../../src-main/cli/create-command';
import { parseInput, type MethodName } from '../../../src-main/contract';

function call(...args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: DEVICE_EDIT_OPTIONS });
  const c = deviceEditCall(positionals[0], positionals, values);
  expect(() => parseInput(c[0] as MethodName, c[1])).not.toThrow();
  return c;
}
const MAC = '52:54:00:12:34:56';

describe('CLI device edit words', () => {
  it('edit-nic: --source (or --network) / --bridge / --user, --model, --mac as the new MAC, --both', () => {
    expect(call('edit-nic', 'web', MAC, '--source', 'isolated', '--model', 'e1000e')).toEqual(['vm.updateNic', { vm: { name: 'web' }, mac: MAC, source: { type: 'network', network: 'isolated' }, model: 'e1000e' }]);
    expect(call('edit-nic', 'web', MAC, '--network', 'isolated', '--config')[1]).toMatchObject({ source: { type: 'network', network: 'isolated' }, config: true });
    expect(call('edit-nic', 'web', MAC, '--bridge', 'br0', '--both', '--connect', 'qemu:///system')[1]).toEqual({ connection: 'qemu:///system', vm: { name: 'web' }, mac: MAC, source: { type: 'bridge', bridge: 'br0' }, live: true, config: true });
    expect(call('edit-nic', 'web', MAC, '--user', '--mac', '52:54:00:00:00:02')[1]).toMatchObject({ source: { type: 'user' }, newMac: '52:54:00:00:00:02' });
  });

  it('edit-disk: on/off words, --target as the new name, an empty --serial removes it', () => {
    expect(call('edit-disk', 'web', 'vdb', '--bus', 'sata', '--target', 'sdc', '--cache', 'none', '--discard', 'unmap', '--readonly', 'on', '--shareable', 'off', '--serial', 'D1')).toEqual([
      'vm.updateDisk', { vm: { name: 'web' }, target: 'vdb', bus: 'sata', newTarget: 'sdc', cache: 'none', discard: 'unmap', readonly: true, shareable: false, serial: 'D1' },
    ]);
    expect(call('edit-disk', 'web', 'vdb', '--serial', '')[1]).toMatchObject({ serial: null });
  });

  it('resize-disk: sizes with units (a bare number is GiB), in whole MiB', () => {
    expect(call('resize-disk', 'web', 'vda', '20G')).toEqual(['vm.resizeDisk', { vm: { name: 'web' }, target: 'vda', sizeGiB: 20 }]);
    expect([parseDiskSize('512M'), parseDiskSize('1.5T'), parseDiskSize('8'), parseDiskSize('2GiB')]).toEqual([0.5, 1536, 8, 2]);
    for (const bad of ['20Q', '0', '-1G', '1.0000001M', 'G', '10K']) expect(() => parseDiskSize(bad), bad).toThrow(UsageError);
  });

  it('refuses bad usage with a UsageError naming what is wrong', () => {
    const bad = (...args: string[]) => () => call(...args);
    expect(bad('edit-nic', 'web', MAC)).toThrow(/needs something to change/);
    expect(bad('edit-nic', 'web')).toThrow(/usage: edit-nic NAME MAC/);
    expect(bad('edit-nic', 'web', MAC, '--source', 'a', '--bridge', 'b')).toThrow(/one new source/);
    expect(bad('edit-nic', 'web', MAC, '--source', 'a', '--network', 'b')).toThrow(/give the network once/);
    expect(bad('edit-nic', 'web', MAC, '--model', 'virtio', '--both', '--config')).toThrow(/only one of --live, --config or --both/);
    expect(bad('edit-disk', 'web', 'vda', '--readonly', 'maybe')).toThrow(/--readonly must be on or off/);
    expect(bad('edit-disk', 'web', 'vda')).toThrow(/needs something to change/);
    expect(bad('resize-disk', 'web', 'vda', '10G', 'extra')).toThrow(/unexpected argument 'extra'/);
    expect(bad('resize-disk', 'web', 'vda', '10G', '--live')).toThrow(/takes no --live/);
  });
});
