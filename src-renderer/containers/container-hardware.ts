// What the Hardware tab and the rest of the VM UI leave out for a connection whose driver runs
// containers and no machines (its capabilities list 'exe' guests only, e.g. libvirt LXC): no
// firmware, no boot order page, and Add hardware offers only what a container takes — network
// interfaces and host folders (libvirt LXC has no CD-ROMs, graphics, sound, TPM, …).
import type { GuestKinds } from '../../src-main/contract';

/** The driver runs containers only (known from its capabilities; undefined while unknown). */
export function containersOnly(kinds: GuestKinds | undefined): boolean {
  return !!kinds && kinds.containers && !kinds.machines;
}

/** Device kinds a container's definition takes through Add hardware. */
const CONTAINER_ADD_KINDS: readonly string[] = ['interface', 'filesystem'];

/** The Add-hardware kinds to offer: all of them, or for a containers-only driver those a container takes. */
export function addKindsFor<K extends string>(all: readonly K[], onlyContainers: boolean): K[] {
  return onlyContainers ? all.filter((k) => CONTAINER_ADD_KINDS.includes(k)) : [...all];
}

/** Settings pages of the device list a container has no use for (the boot order of disks, firmware). */
const CONTAINER_HIDDEN_PAGES: readonly string[] = ['boot'];

export function visibleEntries<E extends { id: string }>(entries: readonly E[], onlyContainers: boolean): E[] {
  return onlyContainers ? entries.filter((e) => !CONTAINER_HIDDEN_PAGES.includes(e.id)) : [...entries];
}
