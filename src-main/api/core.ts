// The core behind every front: validates input against the contract, runs the handler,
// and turns every failure into an ApiError. Fronts (Electron IPC, WebSocket, CLI) only adapt.
import path from 'node:path';
import { poolsAreLocalFolders } from '../storage/file-roots';
import type { HostSpawner } from '../libvirt/host-channel';
import { summarizeDomainXml } from '../xml/domain-summary';
import { ConsoleTickets } from '../consoles/tickets';
import { VncProxy } from '../consoles/vnc-proxy';
import { ApiError, isMethodName, parseInput, type TypedApiEvent } from '../contract';
import { ConnectionManager, toApiError } from './connection-manager';
import { ConsoleSessions } from './console-sessions';
import { apiHandlers, handlerContext } from './handlers';
import { InstallWatcher } from '../install/install-watch';
import { RemoteConnections } from '../remote/remote-connections';
import { openRemoteDisplay } from '../remote/remote-display';

import type { ApiDispatcher, ApiEvent } from './dispatcher';
import { SettingsStore } from './settings-store';
import type { VmCounters } from './stats-rates';

export interface CoreOptions {
  spawnHost: HostSpawner;
  settingsDir: string;
  /** Connect the default and saved connections right away (the UI fronts do; the CLI does not). */
  autoConnect?: boolean;
  /**
   * Base URL of the server that takes console WebSockets (console.endpoint): the desktop app's
   * loopback console server `ws://127.0.0.1:<port>`; absent or null = the page's own origin
   * (browser mode, where the API server routes /console/vnc to `core.vncProxy`).
   */
  consoleEndpoint?: () => string | null | Promise<string | null>;
  /** One-time console tickets (tests inject a clock through their own instance). */
  tickets?: ConsoleTickets;
  /**
   * The app serves clients beyond loopback (browser mode with --listen): install URLs may then
   * not lead to this computer's loopback / link-local addresses unless settings.allowLocalUrlTargets.
   */
  exposed?: boolean;
  /**
   * A URI the user named on purpose (the CLI's --connect): it may be opened although it is not a
   * saved connection. It still goes through the URI policy.
   */
  namedConnection?: string;
  /**
   * Files the user named on purpose (the CLI's lab FILE): their folders may be read although
   * they are not among the file chooser's roots (those guard what API clients may read).
   */
  namedFiles?: string[];
  /** Host process cap and idle stop (ConnectionManagerOptions); tests shorten them. */
  connectionLimits?: { maxHosts?: number; idleMs?: number };
  /**
   * Remote connections run ssh the app's way (its known_hosts, saved key files, prompts in a
   * dialog: docs/remote-hosts.md). Default true; the CLI says false: it runs ssh like virsh does
   * (the user's known_hosts and config, prompts on the terminal).
   */
  appSsh?: boolean;
}

export interface Core extends ApiDispatcher {
  readonly connections: ConnectionManager;
  readonly settings: SettingsStore;
  /** Console tickets issued by console.vncTicket. */
  readonly tickets: ConsoleTickets;
  /** Takes /console/vnc WebSocket upgrades; a server wires it into its upgrade handling. */
  readonly vncProxy: VncProxy;
}

export function createCore(options: CoreOptions): Core {
  const listeners = new Set<(e: ApiEvent) => void>();
  const emit = (e: TypedApiEvent): void => {
    for (const l of listeners) {
      try {
        l(e as ApiEvent);
      } catch {
        /* one front's failure must not affect the others */
      }
    }
  };
  const settings = new SettingsStore(options.settingsDir);
  // Secrets are asked only when a UI listens for them; the CLI relies on ssh-agent or unprotected keys.
  const remote =
    options.appSsh === false ? null : RemoteConnections.inSettingsDir(options.settingsDir, (e) => emit(e), (uri) => settings.settings.connections.find((c) => c.uri === uri)?.keyFile, () => listeners.size > 0);
  const osCache = new Map<string, string | null>();
  const osOf = async (uri: string, uuid: string): Promise<string | undefined> => {
    const key = `${uri} ${uuid}`;
    if (!osCache.has(key)) {
      const { client } = await conns.client(uri);
      osCache.set(key, summarizeDomainXml(await client.api.domainXml({ uuid })).os ?? null);
    }
    return osCache.get(key) ?? undefined;
  };
  const conns = new ConnectionManager(
    options.spawnHost,
    (e) => {
      if (e.type === 'connection.state' && e.state === 'connected') void installs.scan(e.uri).catch(() => undefined);
      emit(e);
    },
    settings,
    osOf,
    { ...options.connectionLimits, ...(options.namedConnection ? { namedUri: options.namedConnection } : {}), ...(remote ? { remote } : {}) },
  );
  const installs = new InstallWatcher(async (uri) => (await conns.client(uri)).client);
  conns.onClientEvent((uri, e) => {
    if (e.type === 'domain-lifecycle' && e.event === 'defined') osCache.delete(`${uri} ${e.uuid}`);
    void installs.onEvent(uri, e).catch(() => undefined);
  });
  const consoles = new ConsoleSessions(conns, emit);
  const tickets = options.tickets ?? new ConsoleTickets();
  const vncProxy = new VncProxy({
    tickets,
    clientFor: async (uri) => (await conns.client(uri)).client,
    ...(remote ? { remoteDisplay: async (uri: string, uuid: string, index: number) => openRemoteDisplay(remote.ssh, uri, (await conns.client(uri)).client, uuid, index) } : {}),
  });
  const lastCounters = new Map<string, Map<string, VmCounters>>();
  const lastHostCpu = new Map<string, Record<string, number>>();

  const namedFolders = [...new Set((options.namedFiles ?? []).map((f) => path.dirname(path.resolve(f))))];
  /** VMs of the other open connections to this same computer: safe delete must see their disks too. */
  const peerDomains = async (uri: string) => {
    const peers = conns.list().filter((c) => c.uri !== uri && c.state === 'connected' && poolsAreLocalFolders(c.uri));
    if (!poolsAreLocalFolders(uri)) return [];
    const out = await Promise.all(peers.map(async (c) => ({ connection: c.uri, records: await (await conns.client(c.uri)).client.api.allDomainXml().catch(() => []) })));
    return out.filter((p) => p.records.length);
  };

  const ctx = handlerContext({
    client: (uri) => conns.client(uri),
    emit,
    peerDomains,
    browseRoots: namedFolders,
    browseFolders: () => settings.settings.browseFolders,
    urlPolicy: () => ({ refuseLocalTargets: !!options.exposed && !settings.settings.allowLocalUrlTargets }),
  });
  const handlers = apiHandlers(ctx, { conns, settings, consoles, tickets, emit, osOf, lastCounters, lastHostCpu, options });

  if (options.autoConnect) void conns.start();

  return {
    connections: conns,
    settings,
    tickets,
    vncProxy,
    async call(method: string, input: unknown): Promise<unknown> {
      if (!isMethodName(method)) throw new ApiError('UNKNOWN_METHOD', `unknown method '${String(method).slice(0, 64)}'`);
      const parsed = parseInput(method, input);
      try {
        return await (handlers[method] as (i: unknown) => Promise<unknown>)(parsed);
      } catch (e) {
        throw toApiError(e);
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      vncProxy.close();
      tickets.clear();
      await conns.close();
      remote?.close();
    },
  };
}
