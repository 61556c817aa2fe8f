// The services of the core that the connection, host, VM, console and settings handlers use.
import type { ConsoleTickets } from '../../consoles/tickets';
import type { HostSpawner } from '../../libvirt/host-channel';
import type { TypedApiEvent } from '../../contract';
import type { ConnectionManager } from '../connection-manager';
import type { ConsoleSessions } from '../console-sessions';
import type { SettingsStore } from '../settings-store';
import type { VmCounters } from '../stats-rates';

export interface CoreServices {
  conns: ConnectionManager;
  settings: SettingsStore;
  consoles: ConsoleSessions;
  tickets: ConsoleTickets;
  emit(e: TypedApiEvent): void;
  /** Short OS id of a VM (cached per connection and UUID). */
  osOf(uri: string, uuid: string): Promise<string | undefined>;
  /** The previous counters per connection and VM (vm.stats computes rates from them). */
  lastCounters: Map<string, Map<string, VmCounters>>;
  /** The previous host CPU times per connection (host.stats computes the busy share from them). */
  lastHostCpu: Map<string, Record<string, number>>;
  options: { spawnHost: HostSpawner; consoleEndpoint?: () => string | null | Promise<string | null> };
}
