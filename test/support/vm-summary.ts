// VM list entries for renderer logic tests: a shut-off VM on the test driver, with a UUID of its
// own; a test sets what it is about through `over`.
import type { VmSummary } from '../../src-main/contract';

let made = 0;

export function vmSummary(name: string, over: Partial<VmSummary> = {}): VmSummary {
  made++;
  return {
    connection: 'test:///default',
    uuid: `00000000-0000-0000-0000-${String(made).padStart(12, '0')}`,
    name,
    id: -1,
    state: 'shutoff',
    persistent: true,
    autostart: false,
    hasManagedSave: false,
    vcpus: 1,
    memoryKiB: 262144,
    maxMemoryKiB: 262144,
    ...over,
  };
}
