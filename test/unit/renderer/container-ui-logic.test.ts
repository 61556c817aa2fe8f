// What the UI leaves out for a containers-only driver (decided by its guest kinds, not its name),
// the LXC connection the Host page offers, and the startup ratio it shows.
import { describe, expect, it } from 'vitest';
import type { HostCheckReport } from '../../../src-main/contract';
import { addKindsFor, containersOnly, visibleEntries } from '../../../src-renderer/containers/container-hardware';
import { measureRatio, suggestedConnection } from '../../../src-renderer/containers/virt-kinds';

const ALL = ['disk', 'interface', 'hostdev', 'graphics', 'video', 'sound', 'tpm', 'filesystem'] as const;
const PRIVATE = 'lxc:///system?socket=/run/libvirt/virtdesk-lxc/libvirt-sock';
const report = (containers: HostCheckReport['containers']) => ({ containers }) as HostCheckReport;

describe('containers-only connections in the VM UI', () => {
  it('is decided by the guest kinds: containers and no machines; unknown kinds hide nothing', () => {
    expect(containersOnly({ containers: true, machines: false })).toBe(true);
    expect(containersOnly({ containers: true, machines: true })).toBe(false);
    expect(containersOnly({ containers: false, machines: true })).toBe(false);
    expect(containersOnly(undefined)).toBe(false);
  });

  it('Add hardware offers a container only network interfaces and host folders (no CD-ROM disk, graphics, TPM)', () => {
    expect(addKindsFor([...ALL], true)).toEqual(['interface', 'filesystem']);
    expect(addKindsFor([...ALL], false)).toEqual([...ALL]);
  });

  it('the device list leaves out the boot page for a container only', () => {
    const entries = ['overview', 'cpu', 'memory', 'boot', 'interface:52:54'].map((id) => ({ id }));
    expect(visibleEntries(entries, true).map((e) => e.id)).toEqual(['overview', 'cpu', 'memory', 'interface:52:54']);
    expect(visibleEntries(entries, false)).toHaveLength(5);
  });
});

describe('the Host page', () => {
  it('offers the LXC connection that runs containers until it is added (in either spelling)', () => {
    const r = report({ available: true, detail: '', connection: PRIVATE });
    expect(suggestedConnection(r, ['qemu:///system'])).toBe(PRIVATE);
    expect(suggestedConnection(r, ['qemu:///system', 'lxc:///system?socket=%2Frun%2Flibvirt%2Fvirtdesk-lxc%2Flibvirt-sock'])).toBeNull();
    expect(suggestedConnection(report({ available: false, detail: 'no driver' }), [])).toBeNull();
  });

  it('the ratio needs both measures', () => {
    expect(measureRatio({ vm: { connection: 'q', ms: 2500 }, container: { connection: 'l', ms: 400 } })).toBe(6.3);
    expect(measureRatio({ vm: { connection: 'q', ms: null, error: 'x' }, container: { connection: 'l', ms: 400 } })).toBeNull();
  });
});
