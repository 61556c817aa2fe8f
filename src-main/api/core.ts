// The core behind every front: validates input against the contract, runs the handler,
// and turns every failure into an ApiError. Fronts (Electron IPC, WebSocket, CLI) only adapt.
import path from 'node:path';
import type { z } from 'zod';
import { poolsAreLocalFolders } from '../storage/file-roots';
import type { HostSpawner } from '../libvirt/host-channel';
import { LibvirtHostClient } from '../libvirt/host-client';
import { readHostFacts, type LibvirtProbe } from '../host/read-host-facts';
import { evaluateHost } from '../host/virt-check';
import { summarizeDomainXml } from '../xml/domain-summary';
import { KEYCODE_SET_LINUX, linuxKeycodes } from '../consoles/keycodes';
import { consoleBusyError, isConsoleBusy } from '../consoles/serial';
import { ConsoleTickets } from '../consoles/tickets';
import { VncProxy, isLocalUri, remoteGraphicsError, vncPathFor } from '../consoles/vnc-proxy';
import { ApiError, isMethodName, methods, parseInput, type MethodName, type MethodResult, type TypedApiEvent, type VmStatsSample } from './contract';
import { ConnectionManager, toApiError, toVmSummary } from './connection-manager';
import { ConsoleSessions } from './console-sessions';
import { createHandlers } from './create-handlers';
import { InstallWatcher } from '../install/install-watch';
import { labHandlers } from './lab-handlers';
import type { ApiDispatcher, ApiEvent } from './dispatcher';
import { SettingsStore } from './settings-store';
import { checkConnectionUri } from './connection-uri';

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
}

type Input<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
type Handlers = { [M in MethodName]: (input: Input<M>) => Promise<MethodResult<M>> };

const STATS_GROUPS = 1 | 2 | 4 | 8; // state, cpu-total, balloon, vcpu

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
    { ...options.connectionLimits, ...(options.namedConnection ? { namedUri: options.namedConnection } : {}) },
  );
  const installs = new InstallWatcher(async (uri) => (await conns.client(uri)).client);
  conns.onClientEvent((uri, e) => {
    if (e.type === 'domain-lifecycle' && e.event === 'defined') osCache.delete(`${uri} ${e.uuid}`);
    void installs.onEvent(uri, e).catch(() => undefined);
  });
  const consoles = new ConsoleSessions(conns, emit);
  const tickets = options.tickets ?? new ConsoleTickets();
  const vncProxy = new VncProxy({ tickets, clientFor: async (uri) => (await conns.client(uri)).client });
  const lastCpu = new Map<string, Map<string, { cpuNs: number; at: number }>>();

  const vmAction = (action: 'startDomain' | 'shutdownDomain' | 'rebootDomain' | 'destroyDomain' | 'suspendDomain' | 'resumeDomain' | 'managedSaveDomain' | 'managedSaveRemove') =>
    async (i: { connection?: string; vm: { uuid: string } | { name: string } }): Promise<void> => {
      const { client } = await conns.client(i.connection);
      await client.api[action](i.vm);
    };

  const namedFolders = [...new Set((options.namedFiles ?? []).map((f) => path.dirname(path.resolve(f))))];
  /** VMs of the other open connections to this same computer: safe delete must see their disks too. */
  const peerDomains = async (uri: string) => {
    const peers = conns.list().filter((c) => c.uri !== uri && c.state === 'connected' && poolsAreLocalFolders(c.uri));
    if (!poolsAreLocalFolders(uri)) return [];
    const out = await Promise.all(peers.map(async (c) => ({ connection: c.uri, records: await (await conns.client(c.uri)).client.api.allDomainXml().catch(() => []) })));
    return out.filter((p) => p.records.length);
  };

  const handlers: Handlers = {
    ...createHandlers({
      client: (uri) => conns.client(uri),
      emit,
      peerDomains,
      browseRoots: namedFolders,
      browseFolders: () => settings.settings.browseFolders,
      urlPolicy: () => ({ refuseLocalTargets: !!options.exposed && !settings.settings.allowLocalUrlTargets }),
    }),
    ...labHandlers({ client: (uri) => conns.client(uri), emit, browseFolders: () => settings.settings.browseFolders, browseRoots: namedFolders }),
    'connections.list': async () => conns.list(),
    'connections.add': async (i) => {
      const status = await conns.add(i.uri);
      const saved = settings.settings.connections.filter((c) => c.uri !== i.uri);
      settings.update({ connections: [...saved, { uri: i.uri, ...(i.label ? { label: i.label } : {}) }] });
      return { ...status, ...(i.label ? { label: i.label } : {}) };
    },
    'connections.remove': async (i) => {
      // The URI may be a saved one the policy refuses: forget it as written.
      const checked = checkConnectionUri(i.uri);
      const canonical = checked.ok ? checked.uri : null;
      settings.forgetConnection(i.uri, canonical);
      if (canonical) await conns.remove(canonical);
    },
    'connections.reconnect': async (i) => conns.reconnect(i.uri),

    'host.summary': async (i) => {
      const { uri, client } = await conns.client(i.connection);
      const [info, node, freeMemoryBytes] = await Promise.all([client.connect(), client.api.nodeInfo(), client.api.nodeFreeMemory()]);
      return { connection: uri, info, node, freeMemoryBytes };
    },
    'host.check': async (i) => {
      let probe: LibvirtProbe | null = null;
      try {
        const { uri, client } = await conns.client(i.connection);
        probe = hostProbe(uri, client, options.spawnHost);
      } catch (e) {
        probe = failingProbe(i.connection ?? 'qemu:///system', toApiError(e).message);
      }
      return evaluateHost(await readHostFacts(probe));
    },

    'vm.list': async (i) => {
      const { uri, client } = await conns.client(i.connection);
      const doms = await client.api.listDomains();
      const oses = await Promise.all(doms.map((d) => osOf(uri, d.uuid).catch(() => undefined)));
      return doms.map((d, n) => toVmSummary(uri, d, oses[n]));
    },
    'vm.get': async (i) => {
      const { uri, client } = await conns.client(i.connection);
      const d = await client.api.lookupDomain(i.vm);
      const xml = summarizeDomainXml(await client.api.domainXml({ uuid: d.uuid }));
      return { ...toVmSummary(uri, d, xml.os), ...xml };
    },
    'vm.xml': async (i) => {
      const { client } = await conns.client(i.connection);
      return client.api.domainXml(i.vm, { inactive: i.inactive });
    },
    'vm.start': vmAction('startDomain'),
    'vm.shutdown': vmAction('shutdownDomain'),
    'vm.reboot': vmAction('rebootDomain'),
    'vm.forceOff': vmAction('destroyDomain'),
    'vm.pause': vmAction('suspendDomain'),
    'vm.resume': vmAction('resumeDomain'),
    'vm.save': vmAction('managedSaveDomain'),
    'vm.discardSave': vmAction('managedSaveRemove'),
    'vm.screenshot': async (i) => {
      const { client } = await conns.client(i.connection);
      const shot = await client.api.screenshot(i.vm);
      return { mime: shot.mime, base64: Buffer.from(shot.data).toString('base64') };
    },
    'vm.stats': async (i) => {
      const { uri, client } = await conns.client(i.connection);
      const now = Date.now();
      const records = await client.api.domainStats(STATS_GROUPS);
      const prev = lastCpu.get(uri) ?? new Map();
      const next = new Map<string, { cpuNs: number; at: number }>();
      const samples: VmStatsSample[] = records.map((r) => {
        const p = r.params;
        const cpuNs = typeof p['cpu.time'] === 'number' ? p['cpu.time'] : null;
        const before = prev.get(r.uuid);
        let cpuPercent: number | null = null;
        if (cpuNs !== null) {
          next.set(r.uuid, { cpuNs, at: now });
          if (before && now > before.at) cpuPercent = Math.max(0, ((cpuNs - before.cpuNs) / ((now - before.at) * 1e6)) * 100);
        }
        const num = (k: string): number | null => (typeof p[k] === 'number' ? (p[k] as number) : null);
        return {
          uuid: r.uuid,
          name: r.name,
          state: (['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const)[num('state.state') ?? 0] ?? 'nostate',
          cpuPercent,
          memoryUsedKiB: num('balloon.rss') ?? num('balloon.current'),
          memoryMaxKiB: num('balloon.maximum'),
        };
      });
      lastCpu.set(uri, next);
      return samples;
    },

    'console.open': async (i) => {
      try {
        return await consoles.open(i.connection, i.vm, i.force ?? false);
      } catch (e) {
        if (i.force || !isConsoleBusy(e)) throw e;
        let name = 'name' in i.vm ? i.vm.name : i.vm.uuid;
        try {
          name = (await (await conns.client(i.connection)).client.api.lookupDomain(i.vm)).name;
        } catch {
          /* keep the ref as given */
        }
        throw consoleBusyError(name, (e as { code?: number }).code);
      }
    },
    'console.write': async (i) => consoles.write(i.sessionId, i.data),
    'console.close': async (i) => consoles.close(i.sessionId),
    'console.vncTicket': async (i) => {
      // Remote hosts are refused before connecting (no point in waiting for SSH first).
      const target = i.connection ?? (await conns.resolveDefault());
      if (!isLocalUri(target)) throw remoteGraphicsError(target);
      const { uri, client } = await conns.client(target);
      const d = await client.api.lookupDomain(i.vm);
      if (d.id === -1 || d.state === 'shutoff' || d.state === 'crashed') {
        throw new ApiError('LIBVIRT', `VM '${d.name}' is not running — start it to see its screen`, undefined, 55 /* VIR_ERR_OPERATION_INVALID */);
      }
      const graphics = summarizeDomainXml(await client.api.domainXml({ uuid: d.uuid })).graphics;
      const graphicsIndex = graphics.findIndex((g) => g.type === 'vnc');
      if (graphicsIndex === -1) {
        const other = graphics[0]?.type;
        throw new ApiError(
          'LIBVIRT',
          other
            ? `VM '${d.name}' has a ${other === 'spice' ? 'SPICE' : other} display; the embedded console shows VNC displays only — change the display to VNC, or use virt-viewer`
            : `VM '${d.name}' has no graphical display — add a VNC display, or use the serial console`,
          undefined,
          67 /* VIR_ERR_CONFIG_UNSUPPORTED */,
        );
      }
      const { ticket, expiresInMs } = tickets.issue({ connection: uri, vm: { uuid: d.uuid }, kind: 'vnc', graphicsIndex, name: d.name });
      return { ticket, path: vncPathFor(d.uuid, ticket), expiresInMs };
    },
    'console.endpoint': async () => ({ wsBase: (await options.consoleEndpoint?.()) ?? null }),
    'vm.sendKeys': async (i) => {
      const { client } = await conns.client(i.connection);
      // holdtime 0: libvirt's default press duration.
      await client.api.sendKey(i.vm, KEYCODE_SET_LINUX, 0, linuxKeycodes(i.keys));
    },

    'settings.get': async () => settings.state(),
    'settings.update': async (i) => {
      const state = settings.update(i);
      emit({ type: 'settings.changed', ...state });
      return state;
    },
  };

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
    },
  };
}

function hostProbe(uri: string, client: LibvirtHostClient, spawnHost: HostSpawner): LibvirtProbe {
  return {
    uri,
    getLibVersion: async () => (await client.connect()).libVersion,
    getVersion: async () => (await client.connect()).hypervisorVersion,
    getCapabilities: () => client.api.capabilities(),
    getDomainCapabilities: (virttype) => client.api.domainCapabilities({ virttype, arch: 'x86_64' }),
    // LXC is a separate libvirt driver: it is available when lxc:/// opens.
    probeLxc: async () => {
      const lxc = new LibvirtHostClient('lxc:///', spawnHost, { startTimeoutMs: 15_000 });
      try {
        await lxc.connect();
        return { available: true };
      } catch (e) {
        return { available: false, error: e instanceof Error ? e.message : String(e) };
      } finally {
        await lxc.close();
      }
    },
  };
}

function failingProbe(uri: string, message: string): LibvirtProbe {
  const fail = async (): Promise<never> => {
    throw new Error(message);
  };
  return { uri, getLibVersion: fail, getVersion: fail, getCapabilities: fail, getDomainCapabilities: fail, probeLxc: fail };
}
