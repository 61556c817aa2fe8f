// What the New-VM wizard's logic is handed in unit tests: a KVM host's create options (one
// active default pool, no virtual networks unless given) and wizard data for an ISO install.
import type { CreateOptions, PoolDetails } from '../../src-main/contract';
import { initialData, type WizardData } from '../../src-renderer/wizard/wizard-logic';

export const GiB = 2 ** 30;

export const DEFAULT_POOL: PoolDetails = { name: 'default', uuid: 'u1', active: true, persistent: true, autostart: true, capacity: 100 * GiB, allocation: 40 * GiB, available: 60 * GiB, type: 'dir', path: '/var/lib/libvirt/images' };

export function wizardOptions(over: Partial<CreateOptions> = {}): CreateOptions {
  return {
    connection: 'qemu:///system',
    uefi: true,
    tpm: true,
    kvm: true,
    domainTypes: ['qemu', 'kvm'],
    defaultDomainType: 'kvm',
    machines: ['pc', 'q35'],
    memoryTotalMiB: 16384,
    memoryFreeMiB: 8192,
    cpus: 8,
    pools: [DEFAULT_POOL],
    networks: [],
    portForwarding: true,
    local: true,
    osinfo: { source: 'osinfo-db', count: 500 },
    ...over,
  };
}

/** A new VM "vm1" from the ISO `isoPath` on the default pool. */
export const wizardData = (isoPath: string, over: Partial<WizardData> = {}): WizardData => ({ ...initialData(), pool: 'default', isoPath, name: 'vm1', ...over });
