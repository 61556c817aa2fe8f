// The container pieces that need no daemon: the LXC domain XML builder (escaping, each option),
// the spec schema's refusals, the "command inside the root" resolver, the cgroup layout reader,
// the CLI's argument mapping and the wizard's form → spec.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateInput, type ContainerSpec } from '../../../src-main/contract';
import { buildContainerXml } from '../../../src-main/containers/build-container';
import { readContainerMeta, rootFolderInXml } from '../../../src-main/containers/container-meta';
import { resolveInsideRoot } from '../../../src-main/containers/check-spec';
import { cgroupLayout, memoryControllerEnabled } from '../../../src-main/host/container-support';
import { containerSpecFromArgs, parseMount } from '../../../src-main/cli/container-command';
import { UsageError } from '../../../src-main/cli/create-command';
import { emptyContainerForm, specFromForm } from '../../../src-renderer/containers/container-form';
import { parseXml } from '../../../src-main/xml/parse';
import { evaluateHost } from '../../../src-main/host/virt-check';
import { loadFixture } from '../host/load-fixture';

const parse = (input: unknown): ContainerSpec => {
  const r = validateInput('container.preview', { spec: input });
  if (!r.ok) throw new Error(r.message);
  return r.value.spec;
};

describe('buildContainerXml', () => {
  it('builds an application container with escaped arguments, limits, a read-only mount and no network', () => {
    const xml = buildContainerXml(parse({ kind: 'application', name: 'ä b', command: '/bin/sh', args: ['-c', "echo '<x>' && \"y\""], memoryMiB: 64, cpuShares: 512, cpuQuotaPercent: 50, mounts: [{ host: '/srv/d', guest: '/data' }] }));
    expect(xml).toContain('<name>ä b</name>');
    expect(xml).toContain('<initarg>echo &apos;&lt;x&gt;&apos; &amp;&amp; &quot;y&quot;</initarg>');
    expect(xml).toContain('<memory unit="KiB">65536</memory>');
    expect(xml).toMatch(/<shares>512<\/shares>\s*<period>100000<\/period>\s*<quota>50000<\/quota>/);
    expect(xml).toContain('<privnet/>');
    const dom = (parseXml(xml).domain as Record<string, unknown>[])[0];
    expect(dom['@type']).toBe('lxc');
    expect(xml).toMatch(/<source dir="\/srv\/d"\/>\s*<target dir="\/data"\/>\s*<readonly\/>/);
    expect(rootFolderInXml(xml)).toBeNull();
  });

  it('builds a system container with its root, init, idmap, a libvirt network and the unpacked folder in metadata', () => {
    const xml = buildContainerXml(parse({ kind: 'system', name: 'sys', rootfs: { kind: 'folder', folder: '/ct/root' }, memoryMiB: 128, idmap: { target: 100000 }, network: { kind: 'network', name: 'default' } }), { unpackedInto: '/ct/root' });
    expect(xml).toContain('<init>/sbin/init</init>');
    expect(xml).toContain('<uid start="0" target="100000" count="65536"/>');
    expect(xml).toContain('<interface type="network">');
    expect(xml).not.toContain('privnet');
    expect(rootFolderInXml(xml)).toBe('/ct/root');
    expect(readContainerMeta(xml)).toEqual({ unpackedInto: '/ct/root' });
  });
});

describe('container spec', () => {
  it.each([
    [{ kind: 'application', name: 'x', command: '/bin/sh', memoryMiB: 0 }, 'memory limit must be more than 0 MiB'],
    [{ kind: 'application', name: 'x', command: 'sh', memoryMiB: 64 }, 'command must be an absolute path'],
    [{ kind: 'system', name: 'x', rootfs: { kind: 'folder', folder: '/r/../etc' }, memoryMiB: 64 }, "must not contain '.' or '..' parts"],
    [{ kind: 'application', name: 'a/b', command: '/bin/sh', memoryMiB: 64 }, 'must not contain "/"'],
  ])('refuses %j', (spec, message) => {
    const r = validateInput('container.create', { spec });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
  });
});

describe('resolveInsideRoot', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-ct-root-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  it('follows absolute symlinks from the container root, not the host root', async () => {
    fs.mkdirSync(path.join(root, 'bin'));
    fs.mkdirSync(path.join(root, 'sbin'));
    fs.writeFileSync(path.join(root, 'bin/busybox'), '');
    fs.symlinkSync('/bin/busybox', path.join(root, 'sbin/init'));
    fs.symlinkSync('/etc/passwd', path.join(root, 'bin/escape'));
    expect(await resolveInsideRoot(root, '/sbin/init')).toBe(path.join(root, 'bin/busybox'));
    expect(await resolveInsideRoot(root, '/bin/escape')).toBeNull();
  });
});

describe('host container support', () => {
  it('reads the cgroup layout and the memory controller', () => {
    expect(cgroupLayout('cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n')).toBe('v2');
    expect(cgroupLayout('cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n')).toBe('hybrid');
    expect(memoryControllerEnabled('#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t4\t10\t1\n')).toBe(true);
    expect(memoryControllerEnabled('memory\t0\t1\t0\n')).toBe(false);
  });
});

describe('create-container arguments', () => {
  it('maps a command line to a spec', () => {
    expect(containerSpecFromArgs('sh1', { command: '/bin/busybox', arg: ['sh'], memory: '64M', mount: ['/srv:/srv', '/tmp/x:/x:rw'], network: 'none' })).toEqual({
      kind: 'application', name: 'sh1', command: '/bin/busybox', args: ['sh'], memoryMiB: 64,
      mounts: [{ host: '/srv', guest: '/srv', readonly: true }, { host: '/tmp/x', guest: '/x', readonly: false }], network: { kind: 'none' },
    });
    expect(containerSpecFromArgs('s', { root: '/ct', init: '/init', network: 'default' })).toMatchObject({ kind: 'system', rootfs: { kind: 'folder', folder: '/ct' }, init: '/init', network: { kind: 'network', name: 'default' } });
    expect(containerSpecFromArgs('s', { root: '/ct', tarball: '/t.tar' })).toMatchObject({ rootfs: { kind: 'tarball', tarball: '/t.tar', folder: '/ct' } });
  });
  it('refuses bad usage', () => {
    expect(() => containerSpecFromArgs('x', {})).toThrow(UsageError);
    expect(() => containerSpecFromArgs('x', { command: '/bin/sh', init: '/i' })).toThrow('--init and --tarball are for system containers');
    expect(() => parseMount('/a:/b:xx')).toThrow('--mount must be');
  });
});

describe('New-container form', () => {
  it('turns the form into the spec the contract accepts', () => {
    const f = { ...emptyContainerForm(), name: 'web', command: '/bin/busybox', args: ' sh  -l ', memoryMiB: '64', mounts: [{ host: '/srv', guest: '/srv', readonly: true }] };
    const spec = specFromForm(f);
    expect(spec).toMatchObject({ kind: 'application', name: 'web', args: ['sh', '-l'], memoryMiB: 64 });
    expect(validateInput('container.create', { spec }).ok).toBe(true);
    const bad = validateInput('container.create', { spec: specFromForm({ ...f, memoryMiB: 'lots' }) });
    expect(bad.ok ? null : bad.field).toBe('spec.memoryMiB');
  });
});

describe('host check: containers', () => {
  const base = loadFixture('this-machine');
  const lxc = (extra: Record<string, unknown>) => evaluateHost({ ...base, libvirt: base.libvirt && { ...base.libvirt, ...extra } });
  it('names the private daemon when containers run through it, and the fix for each reason they cannot', () => {
    expect(lxc({ lxcAvailable: true, lxcVia: 'lxc:///system?socket=/run/libvirt/virtdesk-lxc/libvirt-sock' }).containers).toMatchObject({ available: true, text: { key: 'host.check.lxc.okPrivate' } });
    const fixOf = (reason: string) => lxc({ lxcAvailable: false, lxcReason: reason, lxcError: 'x' }).checks.find((c) => c.id === 'lxc')?.fix;
    expect(fixOf('cgroup-hybrid')).toContain('scripts/start-lxc-daemon.sh');
    expect(fixOf('memory-cgroup')).toContain('cgroup_enable=memory');
    expect(fixOf('not-root')).toContain('libvirt group');
    expect(fixOf('driver')).toContain('libvirt-daemon-driver-lxc');
  });
});
