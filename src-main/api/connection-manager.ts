// Keeps one libvirt host process per connection URI, tracks each connection's state, and
// reconnects with backoff after a connection that worked is lost.
import { LibvirtHostClient, type HostClientEvent } from '../libvirt/host-client';
import type { HostSpawner } from '../libvirt/host-channel';
import { HostProcessError, LibvirtError } from '../libvirt/errors';
import { ApiError, type ConnectionStatus, type ConnectionStateName, type TypedApiEvent, type VmSummary } from './contract';
import type { ConnectionInfo, DomainSummary } from '../libvirt/protocol';
import type { SettingsStore } from './settings-store';
import { labTagsOf } from '../xml/domain-summary';

export const SYSTEM_URI = 'qemu:///system';
export const SESSION_URI = 'qemu:///session';
export const DEMO_URI = 'test:///default';

export const NO_LIBVIRT_HELP =
  'No libvirt daemon is reachable (tried qemu:///system and qemu:///session). Install and start it: ' +
  '`sudo apt install libvirt-daemon-system qemu-system-x86 && sudo systemctl enable --now libvirtd`, ' +
  'then add yourself to the libvirt group (`sudo usermod -aG libvirt $USER`, log out and back in). ' +
  'To explore the app without it, use the demo connection test:///default.';

const MAX_BACKOFF_MS = 30_000;

interface Managed {
  uri: string;
  client: LibvirtHostClient;
  state: ConnectionStateName;
  error?: string;
  info?: ConnectionInfo;
  attempts: number;
  retryTimer?: NodeJS.Timeout;
  connecting?: Promise<void>;
}

export function toVmSummary(connection: string, d: DomainSummary, os?: string): VmSummary {
  return {
    connection,
    uuid: d.uuid,
    name: d.name,
    id: d.id,
    state: d.state,
    persistent: d.persistent,
    autostart: d.autostart,
    hasManagedSave: d.hasManagedSave,
    vcpus: d.vcpus,
    memoryKiB: d.memoryKiB,
    maxMemoryKiB: d.maxMemoryKiB,
    ...(os ? { os } : {}),
    // Lab and tags from Virtdesk's metadata, read when the core summarized the domain's XML.
    ...labTagsOf(d.uuid),
  };
}

/** Turns anything a libvirt call threw into the API's error shape. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof LibvirtError) {
    const notFound = [42, 43, 49, 50].includes(e.code);
    return new ApiError(notFound ? 'NOT_FOUND' : 'LIBVIRT', e.message, undefined, e.code);
  }
  if (e instanceof HostProcessError) return new ApiError('CONNECTION', e.message);
  return new ApiError('INTERNAL', e instanceof Error ? e.message : String(e));
}

export class ConnectionManager {
  private readonly conns = new Map<string, Managed>();
  private defaultUri: string | null = null;
  private resolvingDefault: Promise<string> | null = null;
  private closed = false;
  private readonly clientListeners = new Set<(uri: string, e: HostClientEvent) => void>();

  constructor(
    private readonly spawnHost: HostSpawner,
    private readonly emit: (e: TypedApiEvent) => void,
    private readonly settings: SettingsStore,
    private readonly osOf: (uri: string, uuid: string) => Promise<string | undefined> = async () => undefined,
  ) {}

  /** Lets other parts (consoles) see raw host events: stream data, exits. */
  onClientEvent(l: (uri: string, e: HostClientEvent) => void): () => void {
    this.clientListeners.add(l);
    return () => this.clientListeners.delete(l);
  }

  status(m: Managed): ConnectionStatus {
    const saved = this.settings.settings.connections.find((c) => c.uri === m.uri);
    return {
      uri: m.uri,
      ...(saved?.label ? { label: saved.label } : {}),
      state: m.state,
      ...(m.error ? { error: m.error } : {}),
      ...(m.info ? { info: m.info } : {}),
      isDefault: m.uri === this.defaultUri,
      isDemo: m.uri === DEMO_URI,
    };
  }

  list(): ConnectionStatus[] {
    return [...this.conns.values()].map((m) => this.status(m));
  }

  /** The default URI: the setting, else qemu:///system if reachable, else qemu:///session. */
  async resolveDefault(): Promise<string> {
    const configured = this.settings.settings.defaultConnection;
    if (configured) return (this.defaultUri = configured);
    if (this.defaultUri) return this.defaultUri;
    this.resolvingDefault ??= (async () => {
      for (const uri of [SYSTEM_URI, SESSION_URI]) {
        const m = this.managed(uri);
        await this.connect(m);
        if (m.state === 'connected') {
          this.defaultUri = uri;
          this.emit({ type: 'connection.state', ...this.status(m) });
          return uri;
        }
        await this.drop(uri);
      }
      throw new ApiError('CONNECTION', NO_LIBVIRT_HELP);
    })().finally(() => {
      this.resolvingDefault = null;
    });
    return this.resolvingDefault;
  }

  /** Starts connections for the default and every saved URI (failures are reported, not thrown). */
  async start(): Promise<void> {
    await this.resolveDefault().catch(() => undefined);
    await Promise.all(this.settings.settings.connections.map((c) => this.connect(this.managed(c.uri))));
  }

  /** A connected client for `uri` (or the default connection). */
  async client(uri?: string): Promise<{ uri: string; client: LibvirtHostClient }> {
    const target = uri ?? (await this.resolveDefault());
    const m = this.managed(target);
    if (m.state !== 'connected') await this.connect(m);
    if (m.state !== 'connected') throw new ApiError('CONNECTION', m.error ?? `not connected to ${target}`);
    return { uri: target, client: m.client };
  }

  async add(uri: string): Promise<ConnectionStatus> {
    const m = this.managed(uri);
    await this.connect(m);
    return this.status(m);
  }

  async reconnect(uri: string): Promise<ConnectionStatus> {
    const m = this.conns.get(uri) ?? this.managed(uri);
    clearTimeout(m.retryTimer);
    m.attempts = 0;
    await this.connect(m);
    return this.status(m);
  }

  async remove(uri: string): Promise<void> {
    const m = this.conns.get(uri);
    if (!m) return;
    this.drop(uri);
    this.emit({ type: 'connection.state', ...this.status(m), state: 'closed' });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.conns.keys()].map((uri) => this.drop(uri)));
  }

  private drop(uri: string): Promise<void> {
    const m = this.conns.get(uri);
    if (!m) return Promise.resolve();
    this.conns.delete(uri);
    clearTimeout(m.retryTimer);
    m.state = 'closed';
    return m.client.close();
  }

  private managed(uri: string): Managed {
    let m = this.conns.get(uri);
    if (m) return m;
    const client = new LibvirtHostClient(uri, this.spawnHost);
    m = { uri, client, state: 'connecting', attempts: 0 };
    this.conns.set(uri, m);
    const self = m;
    client.onEvent((e) => this.onHostEvent(self, e));
    return m;
  }

  private setState(m: Managed, state: ConnectionStateName, error?: string): void {
    m.state = state;
    m.error = error;
    if (this.conns.get(m.uri) === m) this.emit({ type: 'connection.state', ...this.status(m) });
  }

  private connect(m: Managed): Promise<void> {
    m.connecting ??= (async () => {
      if (m.state !== 'reconnecting') this.setState(m, 'connecting');
      try {
        m.info = await m.client.connect();
        m.attempts = 0;
        this.setState(m, 'connected');
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (m.state === 'reconnecting') this.scheduleReconnect(m, msg);
        else this.setState(m, 'failed', msg);
      }
    })().finally(() => {
      m.connecting = undefined;
    });
    return m.connecting;
  }

  private scheduleReconnect(m: Managed, reason: string): void {
    if (this.closed || this.conns.get(m.uri) !== m) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** m.attempts);
    m.attempts++;
    const why = reason.replace(/^lost connection to \S+ \((.*)\)$/, '$1');
    this.setState(m, 'reconnecting', `lost connection to ${m.uri} — reconnecting (${why}); next try in ${Math.round(delay / 1000)} s`);
    clearTimeout(m.retryTimer);
    m.retryTimer = setTimeout(() => void this.connect(m), delay);
  }

  private onHostEvent(m: Managed, e: HostClientEvent): void {
    for (const l of this.clientListeners) l(m.uri, e);
    if (e.type === 'host-exit') {
      if (this.closed || this.conns.get(m.uri) !== m) return;
      if (m.state === 'connected') this.scheduleReconnect(m, e.reason);
      return;
    }
    if (e.type === 'domain-lifecycle') void this.emitVmChanged(m, e.uuid, e.name, e.event);
    if (e.type === 'domain-reboot') void this.emitVmChanged(m, e.uuid, e.name, 'rebooted');
  }

  private async emitVmChanged(m: Managed, uuid: string, name: string, event: string): Promise<void> {
    let vm: VmSummary | null = null;
    if (event !== 'undefined') {
      try {
        const d = await m.client.api.lookupDomain({ uuid });
        vm = toVmSummary(m.uri, d, await this.osOf(m.uri, uuid).catch(() => undefined));
      } catch {
        vm = null; // gone meanwhile (transient domain stopped)
      }
    }
    this.emit({ type: 'vm.changed', connection: m.uri, uuid, name, event, vm });
  }
}
