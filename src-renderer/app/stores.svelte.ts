// The renderer's application state. One AppStore is created in main.ts and handed to the
// components through Svelte context (see context.ts). All updates go through here: API
// results and server events are folded in with the pure functions of vm-logic.ts (the stats
// history with stats-history.ts).
import type { Component } from 'svelte';
import type { ConnectionStatus, HostStatsSample, Settings, SettingsState, TypedApiEvent, VmStatsSample, VmSummary } from '../../src-main/contract';
import type { ApiClient } from './api-client';
import { setLanguage, tServer } from '../i18n';
import { parseRoute, routeToHash, type Route } from './route';
import { DEMO_URI, pickConnection, upsertConnection } from '../connections/connection-logic';
import { allHostsVms } from '../migration/migrate-logic';
import { appendBounded, applyVmSamples, historyCapacity, hostPoint, type HostStatPoint, type VmHistory } from './stats-history';
import {
  applyVmChanged,
  filterVms,
  latestCpu,
  moveSelection,
  sortVms,
  type SortDir,
  type SortKey,
  type StateFilter,
} from '../vm/vm-logic';

/** Same defaults as the contract's DEFAULT_SETTINGS (a value import would pull zod into the bundle). */
const DEFAULT_SETTINGS: Settings = { defaultConnection: null, connections: [], statsIntervalMs: 2000, theme: 'system', language: 'en', browseFolders: [], allowLocalUrlTargets: false };

export interface VmListStatus {
  loading: boolean;
  error: string | null;
  loaded: boolean;
}

export interface ConfirmOptions {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
}

export interface ConfirmRequest extends ConfirmOptions {
  resolve(ok: boolean): void;
}

/** Props every modal opened with AppStore.openModal gets: `close` removes it. */
export interface ModalProps {
  close: () => void;
}

export interface ModalEntry {
  id: number;
  // Each entry's own props type is checked in openModal; the stack holds them all.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: Component<any>;
  props: Record<string, unknown>;
}

/** An error's text for people: in the UI's language when the server sent a message key it knows. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return tServer(e as { key?: unknown; params?: unknown }, e.message);
  return typeof e === 'string' ? e : String(e);
}

export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** The input field a server error names (ApiCallError.field), if any. */
export function errorField(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'field' in e && typeof (e as { field: unknown }).field === 'string' ? (e as { field: string }).field : undefined;
}

let followSystemTheme: (() => void) | null = null;

/**
 * Sets <html data-theme> to the theme in effect: 'light' or 'dark'. 'system' follows the
 * desktop's prefers-color-scheme, live, so the dark palette is written once in global.css.
 */
export function applyTheme(theme: Settings['theme']): void {
  if (typeof document === 'undefined') return;
  followSystemTheme?.();
  followSystemTheme = null;
  const root = document.documentElement;
  if (theme !== 'system' || typeof matchMedia !== 'function') {
    root.dataset.theme = theme === 'dark' ? 'dark' : 'light';
    return;
  }
  const query = matchMedia('(prefers-color-scheme: dark)');
  const update = (): void => {
    root.dataset.theme = query.matches ? 'dark' : 'light';
  };
  update();
  query.addEventListener('change', update);
  followSystemTheme = () => query.removeEventListener('change', update);
}

export class AppStore {
  readonly client: ApiClient;

  // ---- connections ----
  connections = $state.raw<ConnectionStatus[]>([]);
  /** True once the first connections.list (and default resolution) finished. */
  ready = $state(false);
  /** The server's "no libvirt" help text when the default connection could not be opened. */
  defaultError = $state<string | null>(null);
  selectedUri = $state<string | null>(null);
  /** The VM list shows the VMs of every connected host (a Host column); other pages keep to selectedUri. */
  allHosts = $state(false);

  // ---- VMs ----
  vms = $state.raw<Record<string, VmSummary[]>>({});
  vmStatus = $state.raw<Record<string, VmListStatus>>({});
  /** Stats history per connection, per VM UUID (the last HISTORY_WINDOW_MS, kept while the app runs). */
  history = $state.raw<Record<string, VmHistory>>({});
  /** Host CPU and memory history per connection, like `history`. */
  hostHistory = $state.raw<Record<string, readonly HostStatPoint[]>>({});
  selectedVm = $state<string | null>(null);
  query = $state('');
  stateFilter = $state<StateFilter>('all');
  /** VM list filters: a lab name (or NO_LAB) and a tag; '' = all. */
  labFilter = $state('');
  tagFilter = $state('');
  sortKey = $state<SortKey>('name');
  sortDir = $state<SortDir>('asc');

  // ---- settings, page ----
  settings = $state.raw<Settings>(DEFAULT_SETTINGS);
  settingsNotice = $state<string | null>(null);
  transportUp = $state(true);
  transportError = $state<string | null>(null);
  pageVisible = $state(typeof document === 'undefined' || document.visibilityState === 'visible');
  route = $state<Route>({ name: 'vms' });
  /** The confirmation dialog being shown (App renders it outside the inert app shell). */
  confirmRequest = $state<ConfirmRequest | null>(null);
  addConnectionOpen = $state(false);
  /** Dialogs opened by pages (file chooser, storage, networks, delete VM), topmost last. */
  modals = $state.raw<ModalEntry[]>([]);
  /** Set when going back from the details: the list focuses the selected row again. */
  focusSelectedRow = $state(false);

  // ---- derived ----
  selectedConnection = $derived(this.connections.find((c) => c.uri === this.selectedUri) ?? null);
  currentVms = $derived(this.allHosts ? allHostsVms(this.vms, this.connections) : this.selectedUri ? (this.vms[this.selectedUri] ?? []) : []);
  currentHistory = $derived<VmHistory>(
    this.allHosts ? new Map(Object.values(this.history).flatMap((h) => [...h])) : this.selectedUri ? (this.history[this.selectedUri] ?? new Map()) : new Map(),
  );
  visibleVms = $derived(
    sortVms(filterVms(this.currentVms, this.query, this.stateFilter, { lab: this.labFilter, tag: this.tagFilter }), this.sortKey, this.sortDir, (v) => latestCpu(this.currentHistory.get(v.uuid))),
  );
  anyConnected = $derived(this.connections.some((c) => c.state === 'connected'));
  /** "No libvirt" panel: nothing is connected and the default failed. */
  showNoLibvirt = $derived(this.ready && !this.anyConnected && this.defaultError !== null);
  /** A modal dialog is open: the shell is inert and global shortcuts are off. */
  dialogOpen = $derived(this.confirmRequest !== null || this.addConnectionOpen || this.modals.length > 0);
  reconnecting = $derived(this.connections.filter((c) => c.state === 'reconnecting'));

  private statsInFlight = new Set<string>();
  private hostStatsInFlight = new Set<string>();
  private modalSeq = 0;
  private initRun = 0;

  constructor(client: ApiClient) {
    this.client = client;
  }

  /** Subscribes to events and loads everything; returns the teardown. */
  start(): () => void {
    const offs: (() => void)[] = [];
    offs.push(this.client.onEvent((e) => this.applyEvent(e)));
    // Optimistic until the transport reports a failure (the WebSocket is still opening now).
    this.transportUp = this.client.connected || this.client.lastError === null;
    this.transportError = this.client.lastError;
    offs.push(
      this.client.onConnectionChange((up, error) => {
        const wasUp = this.transportUp;
        this.transportUp = up;
        this.transportError = error;
        // Events may have been missed while the transport was down: load everything again.
        if (up && !wasUp) void this.init();
      }),
    );
    if (typeof window !== 'undefined') {
      const onHash = (): void => {
        this.route = parseRoute(location.hash);
      };
      const onVisibility = (): void => {
        this.pageVisible = document.visibilityState === 'visible';
      };
      onHash();
      window.addEventListener('hashchange', onHash);
      document.addEventListener('visibilitychange', onVisibility);
      offs.push(() => window.removeEventListener('hashchange', onHash));
      offs.push(() => document.removeEventListener('visibilitychange', onVisibility));
    }
    void this.init();
    return () => offs.forEach((off) => off());
  }

  // ---- navigation ----
  navigate(route: Route): void {
    this.route = route;
    const hash = routeToHash(route);
    if (typeof location !== 'undefined' && location.hash !== hash) location.hash = hash;
  }

  backToList(): void {
    this.focusSelectedRow = true;
    this.navigate({ name: 'vms' });
  }

  /** Shows the confirmation dialog; resolves true when confirmed. */
  confirm(options: ConfirmOptions): Promise<boolean> {
    this.confirmRequest?.resolve(false);
    return new Promise((resolve) => {
      this.confirmRequest = {
        ...options,
        resolve: (ok) => {
          this.confirmRequest = null;
          resolve(ok);
        },
      };
    });
  }

  /**
   * Shows a dialog component on top of everything (App renders the stack outside the inert
   * shell); it gets `close` besides `props`. Returns the function that closes it.
   */
  openModal<P extends object>(component: Component<P & ModalProps>, props: P): () => void {
    const id = ++this.modalSeq;
    const close = (): void => {
      this.modals = this.modals.filter((m) => m.id !== id);
    };
    this.modals = [...this.modals, { id, component, props: { ...props, close } }];
    return close;
  }

  /** Closes the topmost dialog (Escape pressed outside it). */
  closeTopModal(): void {
    this.modals = this.modals.slice(0, -1);
  }

  /** VM names known on a connection (from the loaded list). */
  vmNames(uri: string | null): string[] {
    return uri ? (this.vms[uri] ?? []).map((v) => v.name) : [];
  }

  openVm(uuid: string): void {
    this.selectedVm = uuid;
    this.navigate({ name: 'vm', uuid });
  }

  selectConnection(uri: string): void {
    this.allHosts = false;
    if (this.selectedUri !== uri) {
      this.selectedUri = uri;
      this.selectedVm = null;
    }
    const c = this.connections.find((x) => x.uri === uri);
    if (c?.state === 'connected' && !this.vmStatus[uri]?.loaded && !this.vmStatus[uri]?.loading) void this.loadVms(uri);
  }

  /** The VM list of every connected host: loads the lists not loaded yet. */
  showAllHosts(): void {
    this.allHosts = true;
    for (const c of this.connections) {
      if (c.state === 'connected' && !this.vmStatus[c.uri]?.loaded && !this.vmStatus[c.uri]?.loading) void this.loadVms(c.uri);
    }
  }

  moveSelection(delta: number): void {
    this.selectedVm = moveSelection(
      this.visibleVms.map((v) => v.uuid),
      this.selectedVm,
      delta,
    );
  }

  // ---- loading ----
  async init(): Promise<void> {
    const run = ++this.initRun;
    await this.loadSettings();
    let list: ConnectionStatus[];
    try {
      list = await this.client.api['connections.list']({});
    } catch {
      // Transport not up yet: onConnectionChange runs init again when it is.
      return;
    }
    if (run !== this.initRun) return;
    this.connections = list;
    if (!list.some((c) => c.state === 'connected')) await this.resolveDefault();
    if (run !== this.initRun) return;
    this.ready = true;
    this.selectedUri = pickConnection(this.connections, this.selectedUri);
    const reloads = this.connections.filter((c) => c.state === 'connected' && (c.uri === this.selectedUri || this.vmStatus[c.uri]?.loaded));
    await Promise.all(reloads.map((c) => this.loadVms(c.uri)));
  }

  /**
   * Asks the server for the default connection (vm.list without a connection opens it).
   * When no libvirt is reachable the error text explains how to install it.
   */
  async resolveDefault(): Promise<void> {
    try {
      await this.client.api['vm.list']({});
      this.defaultError = null;
    } catch (e) {
      if (errorCode(e) === 'CONNECTION' || errorCode(e) === 'LIBVIRT') this.defaultError = errorMessage(e);
    }
    try {
      this.connections = await this.client.api['connections.list']({});
    } catch {
      /* keep what we have */
    }
  }

  async retryDefault(): Promise<void> {
    this.ready = false;
    await this.resolveDefault();
    this.ready = true;
    this.selectedUri = pickConnection(this.connections, this.selectedUri);
    if (this.selectedUri && this.selectedConnection?.state === 'connected') await this.loadVms(this.selectedUri);
  }

  async loadVms(uri: string): Promise<void> {
    this.vmStatus = { ...this.vmStatus, [uri]: { loading: true, error: null, loaded: this.vmStatus[uri]?.loaded ?? false } };
    try {
      const list = await this.client.api['vm.list']({ connection: uri });
      markListTiming(uri, list.length);
      this.vms = { ...this.vms, [uri]: list };
      this.vmStatus = { ...this.vmStatus, [uri]: { loading: false, error: null, loaded: true } };
    } catch (e) {
      this.vmStatus = { ...this.vmStatus, [uri]: { loading: false, error: errorMessage(e), loaded: this.vmStatus[uri]?.loaded ?? false } };
    }
  }

  async loadSettings(): Promise<void> {
    try {
      this.applySettings(await this.client.api['settings.get']({}));
    } catch {
      /* defaults stay */
    }
  }

  applySettings(state: SettingsState): void {
    this.settings = state.settings;
    if (state.notice) this.settingsNotice = state.notice;
    applyTheme(state.settings.theme);
    setLanguage(state.settings.language);
  }

  /** Persists a change; resolves to the error message (null when saved). */
  async updateSettings(patch: Partial<Settings>): Promise<string | null> {
    try {
      this.applySettings(await this.client.api['settings.update'](patch));
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  }

  // ---- connections ----
  /** Adds a connection; throws the ApiCallError (the dialog shows it). */
  async addConnection(uri: string, label?: string, options: { keyFile?: string; connectAtStart?: boolean } = {}): Promise<ConnectionStatus> {
    const status = await this.client.api['connections.add']({ uri, ...(label ? { label } : {}), ...options });
    this.connections = upsertConnection(this.connections, status);
    this.selectConnection(status.uri);
    if (status.state === 'connected') await this.loadVms(status.uri);
    return status;
  }

  async useDemo(): Promise<void> {
    await this.addConnection(DEMO_URI);
  }

  async removeConnection(uri: string): Promise<void> {
    await this.client.api['connections.remove']({ uri });
    this.connections = this.connections.filter((c) => c.uri !== uri);
    this.forgetConnection(uri);
  }

  async reconnect(uri: string): Promise<void> {
    const status = await this.client.api['connections.reconnect']({ uri });
    const before = this.connections.find((c) => c.uri === uri)?.state;
    this.connections = upsertConnection(this.connections, status);
    if (status.state === 'connected' && before !== 'connected') await this.loadVms(uri);
  }

  private forgetConnection(uri: string): void {
    const { [uri]: _v, ...vms } = this.vms;
    const { [uri]: _s, ...status } = this.vmStatus;
    const { [uri]: _h, ...history } = this.history;
    const { [uri]: _hh, ...hostHistory } = this.hostHistory;
    this.vms = vms;
    this.vmStatus = status;
    this.history = history;
    this.hostHistory = hostHistory;
    if (this.selectedUri === uri) {
      this.selectedUri = pickConnection(this.connections, null);
      this.selectedVm = null;
    }
  }

  // ---- stats ----
  /** One round of VM and host stats for a connection (App calls it every statsIntervalMs). */
  async pollStats(uri: string): Promise<void> {
    await Promise.all([this.pollVmStats(uri), this.pollHostStats(uri)]);
  }

  private async pollVmStats(uri: string): Promise<void> {
    if (this.statsInFlight.has(uri)) return;
    this.statsInFlight.add(uri);
    try {
      const samples = await this.client.api['vm.stats']({ connection: uri });
      this.applySamples(uri, samples, Date.now());
    } catch {
      /* the connection state events tell what is wrong */
    } finally {
      this.statsInFlight.delete(uri);
    }
  }

  private async pollHostStats(uri: string): Promise<void> {
    if (this.hostStatsInFlight.has(uri)) return;
    this.hostStatsInFlight.add(uri);
    try {
      this.applyHostSample(await this.client.api['host.stats']({ connection: uri }));
    } catch {
      /* a driver without host statistics: the host chart stays empty */
    } finally {
      this.hostStatsInFlight.delete(uri);
    }
  }

  private get historyCapacity(): number {
    return historyCapacity(this.settings.statsIntervalMs);
  }

  private applySamples(uri: string, samples: readonly VmStatsSample[], at: number): void {
    const list = this.vms[uri] ?? [];
    const vcpus = new Map(list.map((v) => [v.uuid, v.vcpus]));
    this.history = { ...this.history, [uri]: applyVmSamples(this.history[uri] ?? new Map(), samples, at, (u) => vcpus.get(u) ?? 1, this.historyCapacity) };
  }

  private applyHostSample(s: HostStatsSample): void {
    this.hostHistory = { ...this.hostHistory, [s.connection]: appendBounded(this.hostHistory[s.connection] ?? [], hostPoint(s), this.historyCapacity) };
  }

  // ---- events ----
  applyEvent(e: TypedApiEvent): void {
    switch (e.type) {
      case 'connection.state': {
        const { type: _t, ...status } = e;
        const before = this.connections.find((c) => c.uri === status.uri)?.state;
        this.connections = upsertConnection(this.connections, status);
        if (status.state === 'closed') {
          this.forgetConnection(status.uri);
        } else if (status.state === 'connected') {
          if (status.isDefault) this.defaultError = null;
          if (this.selectedUri === null) this.selectedUri = status.uri;
          // Back after a loss (or newly up): the list may be stale, load it again.
          if (before !== 'connected' && (status.uri === this.selectedUri || this.allHosts || this.vmStatus[status.uri]?.loaded)) void this.loadVms(status.uri);
        }
        break;
      }
      case 'vm.changed': {
        const list = this.vms[e.connection];
        if (!list) break; // not loaded yet: the next vm.list has it
        this.vms = { ...this.vms, [e.connection]: applyVmChanged(list, e) };
        if (e.vm === null) {
          const h = this.history[e.connection];
          if (h?.has(e.uuid)) {
            const next = new Map(h);
            next.delete(e.uuid);
            this.history = { ...this.history, [e.connection]: next };
          }
        }
        break;
      }
      case 'vm.stats':
        this.applySamples(e.connection, e.samples, e.at);
        break;
      case 'settings.changed': {
        const { type: _t, ...state } = e;
        this.applySettings(state);
        break;
      }
      default:
        break;
    }
  }
}

/**
 * Performance marks for `npm run bench` (render1000Ms): data received → rows painted. The second
 * animation frame runs after the frame that showed the new rows has been painted.
 */
function markListTiming(uri: string, count: number): void {
  if (typeof performance === 'undefined' || typeof requestAnimationFrame === 'undefined') return;
  const detail = { uri, count };
  performance.mark('virtdesk:vm-list-received', { detail });
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('virtdesk:vm-list-painted', { detail })));
}
