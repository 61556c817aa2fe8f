// Summaries of listed pools and networks. libvirt lists handles first and reads each object's
// state afterwards: an object destroyed and undefined in between answers VIR_ERR_NO_STORAGE_POOL /
// VIR_ERR_NO_NETWORK, and is left out of the list rather than failing the whole listing.
import type { Network, StoragePool } from './binding';
import { LibvirtError } from './errors';
import type { NetworkSummary, PoolSummary } from './protocol';

export const VIR_ERR_NO_DOMAIN = 42;
export const VIR_ERR_NO_NETWORK = 43;
export const VIR_ERR_NO_STORAGE_POOL = 49;

/** `summary` of each listed object; objects that vanished meanwhile (libvirt error `vanished`) are skipped, other errors thrown. */
export function summariesOfListed<T, R>(objects: readonly T[], summary: (o: T) => R, vanished: number): R[] {
  const out: R[] = [];
  for (const o of objects) {
    try {
      out.push(summary(o));
    } catch (e) {
      if (e instanceof LibvirtError && e.code === vanished) continue;
      throw e;
    }
  }
  return out;
}

export function poolSummary(p: StoragePool): PoolSummary {
  const i = p.info();
  return { name: p.name, uuid: p.uuid, active: i.state === 2, persistent: p.isPersistent(), autostart: p.autostart(), capacity: i.capacity, allocation: i.allocation, available: i.available };
}

export function networkSummary(n: Network): NetworkSummary {
  return { name: n.name, uuid: n.uuid, active: n.isActive(), persistent: n.isPersistent(), autostart: n.autostart() };
}
