// `create` / `delete` of the CLI: arguments → vm.create spec and delete choices (src-main/cli/create-command.ts).
import { describe, expect, it } from 'vitest';
import type { DeletePlan } from '../../../src-main/contract';
import {
  describePlan,
  disksToDelete,
  firstKeyLine,
  parseCreateArgs,
  parseDeleteArgs,
  parseDisk,
  parseMemory,
  parseNetwork,
  peekCommand,
  progressLine,
  UsageError,
} from '../../../src-main/cli/create-command';

const FILES: Record<string, string> = {
  '/home/u/pw.txt': 'S3cret pass\n',
  '/home/u/.ssh/id.pub': '\n\n  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host  \nssh-rsa AAAAB second\n',
};
const create = (...args: string[]) => parseCreateArgs(['create', ...args], {
  cwd: '/home/u',
  readFile: (f) => {
    if (!(f in FILES)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return FILES[f];
  },
});
const usage = (fn: () => unknown, re: RegExp) => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  expect((err as Error).message).toMatch(re);
  expect((err as Error).message).not.toContain('\n');
};

describe('parseCreateArgs', () => {
  it('maps direct kernel boot with a new disk, started, to the spec', () => {
    const a = create('web', '--memory', '2G', '--vcpus', '2', '--kernel', '/k/vmlinuz', '--initrd', 'initrd.gz', '--cmdline', 'console=ttyS0', '--disk', 'vms:1', '--start', '--connect', 'qemu:///system');
    expect(a).toEqual({
      connection: 'qemu:///system',
      json: false,
      help: false,
      start: true,
      spec: {
        name: 'web',
        memoryMiB: 2048,
        vcpus: 2,
        source: { kind: 'kernel', kernel: '/k/vmlinuz', initrd: '/home/u/initrd.gz', cmdline: 'console=ttyS0' },
        storage: { kind: 'new', pool: 'vms', sizeGiB: 1 },
        network: { kind: 'user' },
      },
    });
  });

  it('has defaults: no source (network boot), no disk, user networking, 1 vCPU, not started', () => {
    expect(create('n', '--memory', '512')).toMatchObject({ start: false, json: false, spec: { name: 'n', memoryMiB: 512, vcpus: 1, source: { kind: 'none' }, storage: { kind: 'none' }, network: { kind: 'user' } } });
    const spec = create('n', '--memory', '512').spec;
    expect(spec).not.toHaveProperty('os');
    expect(spec).not.toHaveProperty('firmware');
    expect(spec).not.toHaveProperty('tpm');
  });

  it('maps each source', () => {
    expect(create('n', '--memory', '1G', '--iso', 'd/deb.iso').spec.source).toEqual({ kind: 'iso', path: '/home/u/d/deb.iso' });
    expect(create('n', '--memory', '1G', '--import', '/v/a.qcow2').spec.source).toEqual({ kind: 'import', path: '/v/a.qcow2' });
    expect(create('n', '--memory', '1G', '--location', 'https://deb.example/debian/', '--extra-args', 'console=ttyS0', '--start').spec.source).toEqual({ kind: 'url', url: 'https://deb.example/debian/', cmdline: 'console=ttyS0' });
    expect(create('n', '--memory', '1G', '--cloud-image', '/img/c.qcow2', '--user', 'ann', '--password-file', 'pw.txt', '--ssh-key-file', '.ssh/id.pub', '--hostname', 'web-1', '--disk', 'p:10').spec.source).toEqual({
      kind: 'cloud',
      image: '/img/c.qcow2',
      cloudInit: { user: 'ann', password: 'S3cret pass', sshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host', hostname: 'web-1' },
    });
    expect(create('n', '--memory', '1G', '--cloud-image', '/img/c.qcow2', '--user', 'ann', '--ssh-key-file', '/home/u/.ssh/id.pub').spec.source).toEqual({
      kind: 'cloud',
      image: '/img/c.qcow2',
      cloudInit: { user: 'ann', sshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host' },
    });
  });

  it('maps storage, network, os, firmware, tpm and --json', () => {
    const a = create('n', '--memory', '1024M', '--disk-volume', 'default/web.qcow2', '--network', 'network:lab net', '--os', 'debian12', '--firmware', 'uefi', '--tpm', '--json');
    expect(a.json).toBe(true);
    expect(a.spec).toMatchObject({ storage: { kind: 'existing', pool: 'default', volume: 'web.qcow2' }, network: { kind: 'network', name: 'lab net' }, os: 'debian12', firmware: 'uefi', tpm: true });
    expect(create('n', '--memory', '1G', '--disk', 'p:20:raw').spec.storage).toEqual({ kind: 'new', pool: 'p', sizeGiB: 20, format: 'raw' });
    expect(create('n', '--memory', '1G', '--network', 'bridge:br0').spec.network).toEqual({ kind: 'bridge', name: 'br0' });
    expect(create('n', '--memory', '1G', '--network', 'none').spec.network).toEqual({ kind: 'none' });
  });

  it('leaves checks of values to the API (it names the field)', () => {
    // Out-of-range numbers, bad names and firmware values reach the API unchanged.
    expect(create('a<b', '--memory', '1', '--vcpus', '0', '--firmware', 'coreboot').spec).toMatchObject({ name: 'a<b', memoryMiB: 1, vcpus: 0, firmware: 'coreboot' });
  });

  it('refuses bad usage with one line', () => {
    usage(() => create(), /needs a VM name/);
    usage(() => create('n'), /needs --memory/);
    usage(() => create('n', '--memory', 'abc'), /--memory must be a number/);
    usage(() => create('n', '--memory', '1.3M'), /whole number of MiB/);
    usage(() => create('n', '--memory', '2X'), /--memory must be/);
    usage(() => create('n', '--memory', '1G', '--vcpus', 'two'), /--vcpus must be a whole number/);
    usage(() => create('n', '--memory', '1G', '--iso', '/a.iso', '--kernel', '/k'), /one source, not --iso and --kernel/);
    usage(() => create('n', '--memory', '1G', '--initrd', '/i'), /--initrd goes with --kernel/);
    usage(() => create('n', '--memory', '1G', '--iso', '/a.iso', '--extra-args', 'x'), /--extra-args goes with --location/);
    usage(() => create('n', '--memory', '1G', '--user', 'ann'), /--user goes with --cloud-image/);
    usage(() => create('n', '--memory', '1G', '--cloud-image', '/c.qcow2'), /--cloud-image needs --user/);
    usage(() => create('n', '--memory', '1G', '--disk', 'pool'), /--disk must be POOL:SIZE_GIB/);
    usage(() => create('n', '--memory', '1G', '--disk', 'pool:big'), /--disk must be/);
    usage(() => create('n', '--memory', '1G', '--disk', 'p:1', '--disk', 'p:2'), /--disk once/);
    usage(() => create('n', '--memory', '1G', '--disk', 'p:1', '--disk-volume', 'p/v'), /not both/);
    usage(() => create('n', '--memory', '1G', '--disk-volume', 'novolume'), /POOL\/VOLUME/);
    usage(() => create('n', '--memory', '1G', '--network', 'nat'), /--network must be/);
    usage(() => create('n', 'm', '--memory', '1G'), /unexpected 'm'/);
    usage(() => create('n', '--memory', '1G', '--password', 'x'), /'create' has no option '--password'/);
  });

  it('says which file it cannot read (a failure, not bad usage)', () => {
    expect(() => create('n', '--memory', '1G', '--cloud-image', '/c', '--user', 'ann', '--password-file', 'missing')).toThrow("cannot read --password-file '/home/u/missing': ENOENT");
    expect(() => create('n', '--memory', '1G', '--cloud-image', '/c', '--user', 'ann', '--password-file', 'missing')).not.toThrow(UsageError);
  });
});

describe('small parsers', () => {
  it('parseMemory', () => {
    expect([parseMemory('512'), parseMemory('512M'), parseMemory('2g'), parseMemory('1.5GiB'), parseMemory('3GB')]).toEqual([512, 512, 2048, 1536, 3072]);
  });
  it('parseDisk keeps colons in the pool name', () => {
    expect(parseDisk('my:pool:8')).toEqual({ kind: 'new', pool: 'my:pool', sizeGiB: 8 });
    expect(parseDisk('p:0.5G:qcow2')).toEqual({ kind: 'new', pool: 'p', sizeGiB: 0.5, format: 'qcow2' });
    expect(() => parseDisk(':8')).toThrow(UsageError);
  });
  it('parseNetwork', () => {
    expect(parseNetwork('user')).toEqual({ kind: 'user' });
    expect(parseNetwork('network:default')).toEqual({ kind: 'network', name: 'default' });
    expect(() => parseNetwork('bridge:')).toThrow(UsageError);
  });
  it('firstKeyLine takes the first non-empty line', () => {
    expect(firstKeyLine('\n \nssh-ed25519 AAAA a@b\nssh-rsa BBBB\n')).toBe('ssh-ed25519 AAAA a@b');
    expect(firstKeyLine('')).toBe('');
  });
  it('peekCommand finds the command behind option values', () => {
    expect(peekCommand(['--connect', 'qemu:///session', 'create', 'x', '--memory', '2G'], { connect: { type: 'string' } })).toBe('create');
    expect(peekCommand(['--memory', '2G', 'delete', 'x'], {})).toBe('delete');
    expect(peekCommand(['list', '--json'], {})).toBe('list');
  });
});

describe('delete', () => {
  const plan: DeletePlan = {
    vm: { uuid: '11111111-2222-3333-4444-555555555555', name: 'web', state: 'running' },
    running: true,
    hasNvram: false,
    hasManagedSave: false,
    snapshots: [],
    nvram: null,
    linkedClone: null,
    disks: [
      { path: '/p/web.qcow2', target: 'vda', device: 'disk', pool: 'p', volume: 'web.qcow2', sizeBytes: 2 ** 30, deletable: true },
      { path: '/p/data.qcow2', target: 'vdb', device: 'disk', pool: 'p', volume: 'data.qcow2', deletable: true },
      { path: '/iso/d.iso', target: 'sda', device: 'cdrom', deletable: false, reason: 'a CD-ROM' },
    ],
  };

  it('parses the arguments, resolving disk paths', () => {
    expect(parseDeleteArgs(['delete', 'web', '--disk', 'data.qcow2', '--disk', '/p/web.qcow2', '--json'], { cwd: '/p' })).toEqual({ connection: undefined, json: true, help: false, name: 'web', disks: ['/p/data.qcow2', '/p/web.qcow2'], allDisks: false });
    expect(parseDeleteArgs(['delete', 'web', '--all-disks']).allDisks).toBe(true);
    usage(() => parseDeleteArgs(['delete']), /needs a VM name/);
    usage(() => parseDeleteArgs(['delete', 'a', 'b']), /unexpected 'b'/);
    usage(() => parseDeleteArgs(['delete', 'a', '--memory', '1']), /'delete' has no option '--memory'/);
  });

  it('deletes only what is asked for', () => {
    expect(disksToDelete(plan, { disks: [], allDisks: false })).toEqual([]);
    expect(disksToDelete(plan, { disks: ['/p/data.qcow2'], allDisks: false })).toEqual(['/p/data.qcow2']);
    expect(disksToDelete(plan, { disks: [], allDisks: true })).toEqual(['/p/web.qcow2', '/p/data.qcow2']);
    // A non-deletable disk named is passed on: the API refuses the whole delete.
    expect(disksToDelete(plan, { disks: ['/iso/d.iso'], allDisks: true })).toEqual(['/iso/d.iso', '/p/web.qcow2', '/p/data.qcow2']);
  });

  it('describes each disk: deleted, kept, or why it cannot be deleted', () => {
    const lines = describePlan(plan, ['/p/web.qcow2']);
    expect(lines[0]).toBe("VM 'web' (11111111-2222-3333-4444-555555555555), running: it is forced off first.");
    expect(lines.slice(2)).toEqual([
      '  delete  vda   /p/web.qcow2 (p/web.qcow2, 1.0 GiB)',
      '  keep    vdb   /p/data.qcow2 (p/data.qcow2) — deletable with --disk PATH or --all-disks',
      '  keep    sda   /iso/d.iso — cannot be deleted: a CD-ROM',
    ]);
    expect(describePlan({ ...plan, running: false, vm: { ...plan.vm, state: 'shutoff' }, disks: [] }, [])).toEqual(["VM 'web' (11111111-2222-3333-4444-555555555555), shutoff.", 'Disks: none.']);
  });
});

describe('progress lines', () => {
  it('shows the step, its detail and bytes', () => {
    expect(progressLine({ step: 'define' })).toBe('defining the VM');
    expect(progressLine({ step: 'volume', detail: 'web.qcow2' })).toBe('creating the disk volume web.qcow2');
    expect(progressLine({ step: 'download-kernel', detail: 'http://m/linux', done: 3 * 2 ** 20, total: 12 * 2 ** 20 })).toBe('downloading the installer kernel http://m/linux 25% (3.0/12.0 MiB)');
    expect(progressLine({ step: 'copy-image', done: 5 * 2 ** 19 })).toBe('copying the cloud image 2.5 MiB');
  });
});
