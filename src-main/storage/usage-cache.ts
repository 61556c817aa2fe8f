// The "in use by" column of volume.list without a full usage scan (usage-scan.ts) on every
// refresh: one scan is kept per connection while nothing that decides who uses what has changed —
// no event from the connection (a VM defined, undefined, started, stopped, changed, a device
// removed, the host process restarted), the same pools running, the same volumes in the listed
// pool — and for at most maxAgeMs (changes no event reports: other connections' VMs, images
// created in other pools behind libvirt's back). Deleting never reads this: every delete path
// scans afresh (ctx.usageOf).
import type { HostClientEvent } from '../libvirt/host-client';
import type { StorageUsage } from './usage-scan';

interface EventSource {
  onEvent(listener: (e: HostClientEvent) => void): () => void;
}

interface Entry {
  generation: number;
  key: string;
  at: number;
  usage: Promise<StorageUsage>;
}

interface PerClient {
  /** Bumped by every event of the connection except console data. */
  generation: number;
  entry?: Entry;
}

export class ListUsageCache {
  private readonly clients = new WeakMap<EventSource, PerClient>();

  constructor(
    private readonly maxAgeMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kept scan when `key` (what the caller listed: pools, volumes) and the connection's events allow, else a new one. */
  usage(client: EventSource, key: string, scan: () => Promise<StorageUsage>): Promise<StorageUsage> {
    const c = this.of(client);
    const e = c.entry;
    if (e && e.generation === c.generation && e.key === key && this.now() - e.at < this.maxAgeMs) return e.usage;
    const entry: Entry = { generation: c.generation, key, at: this.now(), usage: scan() };
    c.entry = entry;
    entry.usage.catch(() => {
      if (c.entry === entry) delete c.entry;
    });
    return entry.usage;
  }

  private of(client: EventSource): PerClient {
    let c = this.clients.get(client);
    if (!c) {
      const state: PerClient = { generation: 0 };
      client.onEvent((e) => {
        if (e.type !== 'stream-data' && e.type !== 'stream-end') state.generation++;
      });
      this.clients.set(client, state);
      c = state;
    }
    return c;
  }
}

/** What volume.list saw that the kept scan must match: the pools (and whether they run) and the listed pool's volume paths. */
export function listUsageKey(pools: readonly { name: string; active: boolean }[], volumePaths: readonly string[]): string {
  return JSON.stringify([pools.map((p) => `${p.name}:${p.active ? 1 : 0}`).sort(), [...volumePaths].sort()]);
}
