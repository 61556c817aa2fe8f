// Keeps one libvirt host process per connection URI, tracks each connection's state, and
// reconnects with backoff after a connection that worked is lost.
// Every URI goes through the URI policy (connection-uri.ts) and is keyed by its canonical
// spelling. A host process is started only for a connection the user wants: a saved one, the
// default (qemu:///system or qemu:///session), the demo test:///default, or the one URI a CLI
// user named. Others get a clear error and no process. Processes are capped, and those of
// connections nobody wants any more (removed from the settings, no longer the default) stop
// after a while without use.
import fs from 'node:fs';
import { LibvirtHostClient, type HostClientEvent } from '../libvirt/host-client';
import type { HostSpawner } from '../libvirt/host-channel';
import { HostProcessError, LibvirtError, connectionOpenErrorMessage, withoutQuotedXml } from '../libvirt/errors';
import { ApiError, type ConnectionStatus, type ConnectionStateName, type TypedApiEvent, type VmSummary } from '../contract';
import type { ConnectionInfo, DomainSummary } from '../libvirt/protocol';
import type { SettingsStore } from './settings-store';
import { labTagsOf } from '../xml/domain-summary';
import { checkConnectionUri, testDriverFile, testDriverFileRefusal, uriRefusalMessage } from '../contract/connection-uri';
import { hostHasSystemd } from '../host/read-host-facts';
import { startLibvirtCommand } from '../host/virt-check';
import type { HostKeyInfo } from '../contract';
import type { RemoteConnections } from '../remote/remote-connections';

export const SYSTEM_URI = 'qemu:///system';
export const SESSION_URI = 'qemu:///session';
export const DEMO_URI = 'test:///default';

/** What to do when no local libvirt answers; without systemd the daemons are started by hand. */
export function noLibvirtHelp(systemd: boolean = hostHasSystemd()): string {
  return (
    'No libvirt daemon is reachable (tried qemu:///system and qemu:///session). Install and start it: ' +
    `\`sudo apt install libvirt-daemon-system qemu-system-x86\`, then ${startLibvirtCommand(systemd)}, ` +
    'then add yourself to the libvirt group (`sudo usermod -aG libvirt $USER`, log out and back in). ' +
    'To explore the app without it, use the demo connection test:///default.'
  );
}

const MAX_BACKOFF_MS = 30_000;

export interface ConnectionManagerOptions {
  /** A URI the user named on purpose (the CLI's --connect): opened like a saved connection, its test-driver file too. */
  namedUri?: string;
  /** At most this many host processes at once (default 16). */
  maxHosts?: number;
  /** Host processes of connections nobody wants stop after this long without use (default 10 min). */
  idleMs?: number;
  /** SSH and credentials for remote connections (ssh wrapper, askpass, host keys); absent: plain libvirt. */
  remote?: RemoteConnections;
}

interface Managed {
  uri: string;
  client: LibvirtHostClient;
  state: ConnectionStateName;
  error?: string;
  info?: ConnectionInfo;
  attempts: number;
  retryTimer?: NodeJS.Timeout;
  connecting?: Promise<void>;
  lastUsed: number;
  /** The SSH host key that stopped the last attempt (shown to accept or refuse). */
  hostKey?: HostKeyInfo;
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
  return new ApiError('INTERNAL', withoutQuotedXml(e instanceof Error ? e.message : String(e)));
}

export class ConnectionManager {
  private readonly conns = new Map<string, Managed>();
  private defaultUri: string | null = null;
  private resolvingDefault: Promise<string> | null = null;
  private closed = false;
  private readonly clientListeners = new Set<(uri: string, e: HostClientEvent) => void>();
  /** Saved URIs refused when the app started (a test-driver file outside the chosen folders), with the reason. */
  private readonly refusedSaved = new Map<string, string>();
  private readonly namedUri: string | null;
  private readonly maxHosts: number;
  private readonly idleMs: number;
  private readonly idleTimer: NodeJS.Timeout;
  /** SSH support and the credential broker (null without remote support). */
  readonly remote: RemoteConnections | null;

  constructor(
    private readonly spawnHost: HostSpawner,
    private readonly emit: (e: TypedApiEvent) => void,
    private readonly settings: SettingsStore,
    private readonly osOf: (uri: string, uuid: string) => Promise<string | undefined> = async () => undefined,
    options: ConnectionManagerOptions = {},
  ) {
    const named = options.namedUri ? checkConnectionUri(options.namedUri) : null;
    this.namedUri = named?.ok ? named.uri : null;
    this.maxHosts = options.maxHosts ?? 16;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.remote = options.remote ?? null;
    this.idleTimer = setInterval(() => void this.stopIdle(), Math.max(50, Math.min(60_000, this.idleMs / 2)));
    this.idleTimer.unref();
  }

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
      ...(saved?.keyFile ? { keyFile: saved.keyFile } : {}),
      ...(saved && saved.connectAtStart !== undefined ? { connectAtStart: saved.connectAtStart } : {}),
      state: m.state,
      ...(m.error ? { error: m.error } : {}),
      ...(m.hostKey ? { hostKey: m.hostKey } : {}),
      ...(m.info ? { info: m.info } : {}),
      isDefault: m.uri === this.defaultUri,
      isDemo: m.uri === DEMO_URI,
    };
  }

  /** Open connections, then saved URIs the policy refuses (never opened), as 'failed'. */
  list(): ConnectionStatus[] {
    const refused = this.settings.refusedConnections.map((r): ConnectionStatus => ({
      uri: r.uri,
      ...(r.label ? { label: r.label } : {}),
      state: 'failed',
      error: `refused: ${r.reason}`,
      isDefault: !!r.isDefault,
      isDemo: false,
    }));
    const refusedNow = [...this.refusedSaved].filter(([uri]) => !this.conns.has(uri)).map(([uri, error]) => this.refusedStatus(uri, error));
    return [...[...this.conns.values()].map((m) => this.status(m)), ...refusedNow, ...refused];
  }

  /** The default URI: the setting, else qemu:///system if reachable, else qemu:///session. */
  async resolveDefault(): Promise<string> {
    const refusedDefault = this.settings.refusedConnections.find((r) => r.isDefault);
    if (refusedDefault) {
      throw new ApiError('CONNECTION', `your default connection ${uriRefusalMessage(refusedDefault.uri, refusedDefault.reason).replace(/^connection /, '')}; choose another default in Settings`);
    }
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
      throw new ApiError('CONNECTION', noLibvirtHelp());
    })().finally(() => {
      this.resolvingDefault = null;
    });
    return this.resolvingDefault;
  }

  /** Starts connections for the default and every saved URI (failures are reported, not thrown). */
  async start(): Promise<void> {
    await this.resolveDefault().catch(() => undefined);
    await Promise.all(
      this.settings.settings.connections.filter((c) => c.connectAtStart !== false).map(async (c) => {
        try {
          this.assertFileAllowed(c.uri);
          await this.connect(this.managed(c.uri));
        } catch (e) {
          this.reportUnopenedSaved(c.uri, e);
        }
      }),
    );
  }

  /** A connected client for `uri` (or the default connection). */
  async client(uri?: string): Promise<{ uri: string; client: LibvirtHostClient }> {
    const target = uri === undefined ? await this.resolveDefault() : this.canonical(uri);
    if (!this.conns.has(target)) this.assertWanted(target);
    const m = this.managed(target);
    m.lastUsed = Date.now();
    if (m.state !== 'connected') await this.connect(m);
    if (m.state !== 'connected') throw new ApiError('CONNECTION', m.error ?? `not connected to ${target}`);
    return { uri: target, client: m.client };
  }

  /** Opens a connection the user is adding (connections.add); the caller saves it. */
  async add(uri: string): Promise<ConnectionStatus> {
    const target = this.canonical(uri, 'uri');
    this.assertFileAllowed(target, 'uri');
    const m = this.managed(target);
    this.refusedSaved.delete(target);
    m.lastUsed = Date.now();
    await this.connect(m);
    return this.status(m);
  }

  async reconnect(uri: string): Promise<ConnectionStatus> {
    const target = this.canonical(uri, 'uri');
    let m = this.conns.get(target);
    if (!m) {
      this.assertWanted(target, 'uri');
      m = this.managed(target);
    }
    m.lastUsed = Date.now();
    clearTimeout(m.retryTimer);
    m.attempts = 0;
    // An attempt already under way began before whatever the user just changed (an accepted host
    // key, a started daemon): let it end, then try afresh instead of answering with its result.
    if (m.connecting) await m.connecting.catch(() => undefined);
    if (m.state !== 'connected') await this.connect(m);
    return this.status(m);
  }

  async remove(uri: string): Promise<void> {
    this.refusedSaved.delete(uri);
    const m = this.conns.get(uri);
    if (!m) return;
    await this.drop(uri);
    this.emit({ type: 'connection.state', ...this.status(m), state: 'closed' });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    await Promise.all([...this.conns.keys()].map((uri) => this.drop(uri)));
  }

  /** The canonical spelling, or an INVALID_INPUT error saying why the policy refuses it. */
  private canonical(uri: string, field = 'connection'): string {
    const r = checkConnectionUri(uri);
    if (!r.ok) throw new ApiError('INVALID_INPUT', uriRefusalMessage(uri, r.reason), field);
    return r.uri;
  }

  /** Whether the user wants this connection open (saved, default, demo, or named to the CLI). */
  private isWanted(uri: string): boolean {
    return (
      uri === SYSTEM_URI ||
      uri === SESSION_URI ||
      uri === DEMO_URI ||
      uri === this.namedUri ||
      uri === this.defaultUri ||
      uri === this.settings.settings.defaultConnection ||
      this.settings.settings.connections.some((c) => c.uri === uri)
    );
  }

  private assertWanted(uri: string, field = 'connection'): void {
    if (!this.isWanted(uri)) {
      throw new ApiError('CONNECTION', `connection ${uri} is not added: add it first (Add connection), then use it`, field);
    }
    this.assertFileAllowed(uri, field);
  }

  /** A test:///<file> URI opens only a file inside the folders the user chose (symlinks resolved). */
  private assertFileAllowed(uri: string, field = 'connection'): void {
    const file = testDriverFile(uri);
    if (file === null || uri === this.namedUri) return;
    const folders = this.settings.settings.browseFolders;
    let real = file;
    try {
      real = fs.realpathSync(file);
    } catch {
      /* missing: judged by its name; opening it then reports that it cannot be read */
    }
    const realFolders = folders.map((f) => {
      try {
        return fs.realpathSync(f);
      } catch {
        return f;
      }
    });
    const why = testDriverFileRefusal(file, folders) ?? testDriverFileRefusal(real, realFolders);
    if (why) throw new ApiError('INVALID_INPUT', uriRefusalMessage(uri, why), field);
  }

  /**
   * A saved URI not opened at start: refused now (a test-driver file outside the chosen folders)
   * or over the process cap. Listed as failed with the reason.
   */
  private reportUnopenedSaved(uri: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    const error = e instanceof ApiError && e.code === 'INVALID_INPUT' ? `refused: ${message.replace(/^connection URI '.*?' is refused: /, '')}` : message;
    this.refusedSaved.set(uri, error);
    this.emit({ type: 'connection.state', ...this.refusedStatus(uri, error) });
  }

  private refusedStatus(uri: string, error: string): ConnectionStatus {
    const label = this.settings.settings.connections.find((c) => c.uri === uri)?.label;
    return { uri, ...(label ? { label } : {}), state: 'failed', error, isDefault: false, isDemo: false };
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
    if (this.closed) throw new ApiError('CONNECTION', `connection to ${uri} is closed`);
    if (this.conns.size >= this.maxHosts) {
      throw new ApiError('CONNECTION', `too many connections are open (${this.maxHosts}, each one a libvirt host process): remove a connection you do not use, then try again`);
    }
    const remote = this.remote;
    const client = new LibvirtHostClient(uri, remote ? (env) => this.spawnHost({ ...remote.envFor(uri), ...env }) : this.spawnHost);
    m = { uri, client, state: 'connecting', attempts: 0, lastUsed: Date.now() };
    this.conns.set(uri, m);
    const self = m;
    client.onEvent((e) => this.onHostEvent(self, e));
    return m;
  }

  /** Stops host processes of connections nobody wants any more once they sat unused for idleMs. */
  private async stopIdle(): Promise<void> {
    const now = Date.now();
    for (const m of [...this.conns.values()]) {
      if (this.isWanted(m.uri) || m.connecting || now - m.lastUsed < this.idleMs) continue;
      await this.remove(m.uri);
    }
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
        // An SSH host key the user has not accepted stops the attempt before ssh runs: ssh would
        // refuse it anyway (StrictHostKeyChecking=yes), and the user needs its fingerprint.
        m.hostKey = (await this.remote?.hostKeyProblem(m.uri)) ?? undefined;
        if (m.hostKey) {
          const { message } = await this.remote!.explainFailure(m.uri, 'Host key verification failed.');
          this.setState(m, 'failed', message);
          return;
        }
        await this.remote?.beforeConnect(m.uri);
        m.info = this.remote ? await this.remote.open(m.uri, () => m.client.connect()) : await m.client.connect();
        const tooOld = this.remote?.tooOld(m.uri, m.info);
        if (tooOld) {
          this.setState(m, 'failed', tooOld);
          m.client.killHost();
          return;
        }
        m.attempts = 0;
        this.setState(m, 'connected');
      } catch (e) {
        let msg = connectionOpenErrorMessage(m.uri, e instanceof Error ? e.message : String(e));
        if (this.remote) {
          const report = await this.remote.explainFailure(m.uri, msg);
          msg = report.message;
          m.hostKey = report.hostKey;
        }
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
    m.lastUsed = Date.now();
    for (const l of this.clientListeners) l(m.uri, e);
    if (e.type === 'host-exit') {
      if (this.closed || this.conns.get(m.uri) !== m) return;
      if (m.state === 'connected') this.scheduleReconnect(m, e.reason);
      return;
    }
    if (e.type === 'domain-lifecycle') void this.emitVmChanged(m, e.uuid, e.name, e.event, e.summary);
    if (e.type === 'domain-reboot') void this.emitVmChanged(m, e.uuid, e.name, 'rebooted', e.summary);
  }

  /** `summary` comes with the event from the host process; null/absent: the VM is gone. */
  private async emitVmChanged(m: Managed, uuid: string, name: string, event: string, summary?: DomainSummary): Promise<void> {
    let vm: VmSummary | null = null;
    if (event !== 'undefined' && summary) vm = toVmSummary(m.uri, summary, await this.osOf(m.uri, uuid).catch(() => undefined));
    this.emit({ type: 'vm.changed', connection: m.uri, uuid, name, event, vm });
  }
}
