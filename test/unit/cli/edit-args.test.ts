// The CLI's edit words → API calls: what each word asks of the API, and usage errors (exit 2).
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { editCalls, parseNewVolume } from '../../../src-main/cli/edit-commands';
import { UsageError } from '../../../src-main/cli/create-command';
import { parseInput, type MethodName } from '../../../src-main/contract';

const OPTIONS = {
  connect: { type: 'string' }, json: { type: 'boolean' }, live: { type: 'boolean' }, config: { type: 'boolean' }, memory: { type: 'string' }, 'max-memory': { type: 'string' },
  vcpus: { type: 'string' }, 'max-vcpus': { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, autostart: { type: 'string' }, volume: { type: 'string' },
  path: { type: 'string' }, new: { type: 'string' }, bus: { type: 'string' }, target: { type: 'string' }, readonly: { type: 'boolean' }, cache: { type: 'string' },
  eject: { type: 'boolean' }, 'delete-volume': { type: 'boolean' }, network: { type: 'string' }, bridge: { type: 'string' }, user: { type: 'boolean' }, model: { type: 'string' }, mac: { type: 'string' },
} as const;
function calls(line: string) {
  const { values, positionals } = parseArgs({ args: line.split(' '), allowPositionals: true, options: OPTIONS });
  return editCalls(positionals[0], positionals, values as Parameters<typeof editCalls>[2]);
}

describe('CLI edit words', () => {
  it('edit maps sizes and flags to vm.setMemory, vm.setVcpus and vm.setGeneral, all valid API input', () => {
    const c = calls('edit web --memory 4G --vcpus 2 --autostart off --config');
    expect(c).toEqual([
      ['vm.setMemory', { vm: { name: 'web' }, memoryMiB: 4096, config: true }],
      ['vm.setVcpus', { vm: { name: 'web' }, vcpus: 2, config: true }],
      ['vm.setGeneral', { vm: { name: 'web' }, autostart: false }],
    ]);
    for (const [m, input] of c) expect(() => parseInput(m as MethodName, input)).not.toThrow();
  });

  it('attach-disk, change-media and attach-nic build their sources', () => {
    expect(calls('attach-disk web --volume default/data.qcow2 --bus scsi')[0][1]).toMatchObject({ source: { pool: 'default', volume: 'data.qcow2' }, bus: 'scsi' });
    expect(calls('attach-disk web --new my:pool:10:raw')[0][1]).toMatchObject({ source: { newVolume: { pool: 'my:pool', sizeGiB: 10, format: 'raw' } } });
    expect(calls('change-media web hdc --eject')[0][1]).toMatchObject({ target: 'hdc', path: null });
    expect(calls('attach-nic web --network default --live')[0][1]).toMatchObject({ source: { type: 'network', network: 'default' }, live: true });
  });

  it('refuses bad usage with a UsageError naming what is missing', () => {
    expect(() => calls('edit web')).toThrow(/needs something to change/);
    expect(() => calls('attach-disk web --path /a --new p:1')).toThrow(UsageError);
    expect(() => calls('change-media web hdc')).toThrow(/PATH to insert or --eject/);
    expect(() => calls('edit web --autostart maybe')).toThrow(/on or off/);
    expect(() => parseNewVolume('pool')).toThrow(/POOL:SIZE_GIB/);
    expect(() => calls('rename web')).toThrow(/usage: rename NAME NEWNAME/);
  });
});
