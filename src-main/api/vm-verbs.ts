// One table for the VM lifecycle words: the API method (the words users see in the UI), the
// libvirt host call (libvirt's C API words: virDomainDestroy, virDomainSuspend, …) and the CLI
// command (virsh's words, which terminal users know). Every front maps through it.
import type { HostApi } from '../libvirt/protocol';

export const VM_VERBS = {
  'vm.start': { host: 'startDomain', cli: 'start', done: 'started' },
  'vm.shutdown': { host: 'shutdownDomain', cli: 'shutdown', done: 'asked to shut down' },
  'vm.reboot': { host: 'rebootDomain', cli: 'reboot', done: 'asked to reboot' },
  'vm.forceOff': { host: 'destroyDomain', cli: 'destroy', done: 'forced off' },
  'vm.pause': { host: 'suspendDomain', cli: 'suspend', done: 'paused' },
  'vm.resume': { host: 'resumeDomain', cli: 'resume', done: 'resumed' },
  'vm.save': { host: 'managedSaveDomain', cli: 'managedsave', done: 'saved (hibernated)' },
  'vm.discardSave': { host: 'managedSaveRemove', cli: 'managedsave-remove', done: 'saved state discarded' },
} as const satisfies Record<string, { host: keyof HostApi; cli: string; done: string }>;

export type VmVerbMethod = keyof typeof VM_VERBS;

/** The API method of a CLI word, or undefined. */
export function vmVerbForCli(word: string): VmVerbMethod | undefined {
  return (Object.keys(VM_VERBS) as VmVerbMethod[]).find((m) => VM_VERBS[m].cli === word);
}
