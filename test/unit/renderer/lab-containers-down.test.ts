// The Labs page names the containers when their LXC connection is down: a lab whose containers
// were seen on that connection says so on its card (the down daemon hides them from lab.status),
// and the page says that labs' containers (and labs of containers only) are missing — in English
// and in Japanese.
import { describe, expect, it } from 'vitest';
import type { LabStatus } from '../../../src-main/contract';
import { labContainersDown, labsLxcDown, rememberContainerHosts } from '../../../src-renderer/labs/lab-logic';
import { translate } from '../../../src-renderer/i18n';

const LXC = 'lxc:///system?socket=/run/libvirt/virtdesk-lxc/libvirt-sock';
const status = (lab: string, machines: Partial<LabStatus['machines'][number]>[]): LabStatus =>
  ({ lab, connection: 'qemu:///system', tags: [], base: [], network: null, missing: [], machines }) as LabStatus;

describe('labs whose containers are on a down LXC connection', () => {
  it('remembers where each lab had containers, also after a status without them', () => {
    const seen = rememberContainerHosts({}, {
      mixed: status('mixed', [{ name: 'mixed-vm', kind: 'vm' }, { name: 'mixed-ct', kind: 'container', connection: LXC }]),
      vmsOnly: status('vmsOnly', [{ name: 'v', kind: 'vm' }]),
    });
    expect(seen).toEqual({ mixed: LXC });
    // The daemon went down: the next status lists only the VMs; the lab still had containers.
    expect(rememberContainerHosts(seen, { mixed: status('mixed', [{ name: 'mixed-vm', kind: 'vm' }]) })).toEqual({ mixed: LXC });
  });

  it("a lab's card names its containers and the down connection; nothing while it is up or for a lab without containers", () => {
    const down = [{ uri: 'qemu:///system', state: 'connected' as const }, { uri: LXC, state: 'failed' as const, error: `cannot connect to ${LXC}: Connection refused` }];
    const note = labContainersDown('mixed', LXC, down);
    expect(note).toMatchObject({ key: 'ct.labContainersDown', params: { lab: 'mixed', uri: LXC } });
    expect(translate('en', note!.key, note!.params)).toMatch(/^The containers of lab mixed are not shown: their connection lxc:.* is down \(cannot connect/);
    const ja = translate('ja', note!.key, note!.params);
    expect(ja).toContain('コンテナー');
    expect(ja).toContain(LXC);
    expect(labContainersDown('vmsOnly', undefined, down)).toBeNull();
    expect(labContainersDown('mixed', LXC, [{ uri: LXC, state: 'connected' }])).toBeNull();
    expect(labContainersDown('mixed', LXC, [{ uri: LXC, state: 'reconnecting', error: 'lost connection' }])).toMatchObject({ params: { error: 'lost connection' } });
  });

  it('the page says an added LXC connection is down (labs of containers only are missing then)', () => {
    const note = labsLxcDown([{ uri: 'qemu:///system', state: 'connected' }, { uri: LXC, state: 'failed', error: 'no daemon' }]);
    expect(note).toMatchObject({ key: 'ct.labsLxcDown', params: { uri: LXC, error: 'no daemon' } });
    expect(translate('en', note!.key, note!.params)).toContain("the labs' containers are not listed");
    expect(translate('ja', note!.key, note!.params)).toContain('コンテナーだけのラボ');
    expect(labsLxcDown([{ uri: 'qemu:///system', state: 'failed' }, { uri: LXC, state: 'connected' }])).toBeNull();
  });
});
