// The services of the core that the connection, host, VM, console and settings handlers use.
import type { ConsoleTickets } from '../../consoles/tickets';
import type { HostSpawner } from '../../libvirt/host-channel';
import type { TypedApiEvent } from '../../contract';
import type { ConnectionManager } from '../connection-manager';
import type { ConsoleSessions } from '../console-sessions';
import type { SettingsStore } from '../settings-store';

export interface CoreServices {
  conns: ConnectionManager;
  settings: SettingsStore;
  consoles: ConsoleSessions;
  tickets: ConsoleTickets;
  emit(e: TypedApiEvent): void;
  /** Short OS id of a VM (cached per connection and UUID). */
  osOf(uri: string, uuid: string): Promise<string | undefined>;
  /** The previous CPU time sample per connection and VM (vm.stats computes percentages from it). */
  lastCpu: Map<string, Map<string, { cpuNs: number; at: number }>>;
  options: { spawnHost: HostSpawner; consoleEndpoint?: () => string | null | Promise<string | null> };
}
