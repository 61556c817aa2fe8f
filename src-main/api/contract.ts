// The single source of truth of the Virtdesk API: every method (input schema + result type)
// and every event. Electron IPC, the browser-mode WebSocket and the CLI are thin adapters over
// the same handlers; the renderer imports its types from here.
import { z } from 'zod';
import type { HostCheckReport } from '../host/virt-check';
import type { ConnectionInfo, DomainState, NodeInfo } from '../libvirt/protocol';
import { absolutePath, createMethods, type CreateEventMap } from './contract-create';
import { labMethods, type LabEventMap } from './contract-labs';
import { connectionUri, method, onConnection, onVm, savedConnectionUri, vmRef } from './contract-common';
import { LINUX_KEY_NAMES, MAX_SEND_KEYS } from '../consoles/keycodes';

export type { HostCheckReport, ConnectionInfo, DomainState, NodeInfo };
export type * from './contract-create';

// ---- shared input pieces (contract-common.ts) ----
export { connectionUri, vmRef };
export type { VmRef } from './contract-common';

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const languageSchema = z.enum(['en', 'ja']);

export const settingsSchema = z.object({
  /** null: qemu:///system if reachable, else qemu:///session. */
  defaultConnection: connectionUri.nullable(),
  /** Canonical URIs (connection-uri.ts); each once. */
  connections: z
    .array(z.object({ uri: connectionUri, label: z.string().max(100).optional() }).strict())
    .max(50)
    .refine((l) => new Set(l.map((c) => c.uri)).size === l.length, 'a connection is listed twice (URIs are compared in their canonical spelling)'),
  statsIntervalMs: z.number().int().min(500, 'stats interval must be at least 500 ms').max(60_000, 'stats interval must be at most 60 s'),
  theme: themeSchema,
  language: languageSchema,
  /** Extra folders browse mode's file chooser may show (besides pool folders and the usual places). */
  browseFolders: z
    .array(absolutePath('browseFolders[]'))
    .max(20, 'at most 20 folders')
    .refine((l) => new Set(l).size === l.length, 'a folder is listed twice')
    .refine((l) => !l.includes('/'), "'/' would show the whole computer: pick the folders that hold your images"),
  /** Browser mode beyond loopback: let install URLs lead to this computer's loopback / link-local addresses. */
  allowLocalUrlTargets: z.boolean({ error: 'allowLocalUrlTargets must be true or false' }),
}).strict();
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  defaultConnection: null,
  connections: [],
  statsIntervalMs: 2000,
  theme: 'system',
  language: 'en',
  browseFolders: [],
  allowLocalUrlTargets: false,
};

// ---- results ----
export type ConnectionStateName = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface ConnectionStatus {
  uri: string;
  label?: string;
  state: ConnectionStateName;
  /** Why it failed or is reconnecting. */
  error?: string;
  info?: ConnectionInfo;
  isDefault: boolean;
  /** The demo connection (test:///default) offered when no libvirt is reachable. */
  isDemo: boolean;
}

export interface VmSummary {
  connection: string;
  uuid: string;
  name: string;
  id: number;
  state: DomainState;
  persistent: boolean;
  autostart: boolean;
  hasManagedSave: boolean;
  vcpus: number;
  memoryKiB: number;
  maxMemoryKiB: number;
  /** Short OS id from the libosinfo metadata (e.g. "debian12"), when present. */
  os?: string;
}

export interface VmDisk {
  device: string;
  target: string;
  bus?: string;
  source?: string;
  format?: string;
  readonly: boolean;
}

export interface VmNic {
  type: string;
  mac?: string;
  source?: string;
  model?: string;
}

export interface VmDetails extends VmSummary {
  title?: string;
  description?: string;
  domainType: string;
  arch?: string;
  machine?: string;
  firmware: 'bios' | 'uefi';
  bootOrder: string[];
  disks: VmDisk[];
  nics: VmNic[];
  graphics: { type: string; port?: number; listen?: string }[];
  serialConsoles: number;
}

export interface VmStatsSample {
  uuid: string;
  name: string;
  state: DomainState;
  /** CPU use in percent of one host CPU × vCPUs (0..100·vcpus), since the previous sample. */
  cpuPercent: number | null;
  memoryUsedKiB: number | null;
  memoryMaxKiB: number | null;
}

export interface HostSummary {
  connection: string;
  info: ConnectionInfo;
  node: NodeInfo;
  freeMemoryBytes: number;
}

export interface SettingsState {
  settings: Settings;
  /** Shown once when the settings file was unreadable and defaults were used. */
  notice?: string;
}

// ---- events ----
export type ApiEventMap = {
  'connection.state': ConnectionStatus;
  'vm.changed': { connection: string; uuid: string; name: string; event: string; vm: VmSummary | null };
  'vm.stats': { connection: string; samples: VmStatsSample[]; at: number };
  'console.data': { sessionId: string; data: string };
  'console.end': { sessionId: string; reason: string };
  'settings.changed': SettingsState;
} & CreateEventMap &
  LabEventMap;
export type ApiEventType = keyof ApiEventMap;
export type TypedApiEvent = { [K in ApiEventType]: { type: K } & ApiEventMap[K] }[ApiEventType];

// ---- methods ----
const empty = z.object({}).strict();

export const methods = {
  'connections.list': method(empty, [] as ConnectionStatus[]),
  'connections.add': method(z.object({ uri: connectionUri, label: z.string().trim().max(100).optional() }).strict(), {} as ConnectionStatus),
  /** Also takes a saved URI the policy refuses (listed as 'failed', "refused: …"), so it can be forgotten. */
  'connections.remove': method(z.object({ uri: savedConnectionUri }).strict(), undefined as void),
  'connections.reconnect': method(z.object({ uri: connectionUri }).strict(), {} as ConnectionStatus),

  'host.summary': method(z.object(onConnection).strict(), {} as HostSummary),
  'host.check': method(z.object(onConnection).strict(), {} as HostCheckReport),

  'vm.list': method(z.object(onConnection).strict(), [] as VmSummary[]),
  'vm.get': method(z.object(onVm).strict(), {} as VmDetails),
  'vm.xml': method(z.object({ ...onVm, inactive: z.boolean().optional() }).strict(), '' as string),
  'vm.start': method(z.object(onVm).strict(), undefined as void),
  'vm.shutdown': method(z.object(onVm).strict(), undefined as void),
  'vm.reboot': method(z.object(onVm).strict(), undefined as void),
  'vm.forceOff': method(z.object(onVm).strict(), undefined as void),
  'vm.pause': method(z.object(onVm).strict(), undefined as void),
  'vm.resume': method(z.object(onVm).strict(), undefined as void),
  'vm.save': method(z.object(onVm).strict(), undefined as void),
  'vm.discardSave': method(z.object(onVm).strict(), undefined as void),
  'vm.screenshot': method(z.object(onVm).strict(), {} as { mime: string; base64: string }),
  'vm.stats': method(z.object(onConnection).strict(), [] as VmStatsSample[]),

  /**
   * Opens the serial console; output arrives as console.data events (base64). When another
   * client holds it (and force is not set) the error is { code: 'LIBVIRT', field: 'force' }:
   * "Another client is using the serial console of '<name>'. Take it over?" — retry with
   * force: true to take it over (the other client's session ends).
   */
  'console.open': method(z.object({ ...onVm, force: z.boolean().optional() }).strict(), {} as { sessionId: string }),
  'console.write': method(z.object({ sessionId: z.string().min(1).max(64), data: z.string().max(1_000_000) }).strict(), undefined as void),
  'console.close': method(z.object({ sessionId: z.string().min(1).max(64) }).strict(), undefined as void),

  /**
   * A one-time ticket for the VM's graphical console (VNC over a binary WebSocket, for noVNC).
   * Connect to `<wsBase><path>` within `expiresInMs` — wsBase from console.endpoint (null: the
   * page's own origin, ws://host:port). Valid once, for this connection + VM only. Errors: the VM
   * is not running (LIBVIRT, libvirtCode 55), has no VNC display (LIBVIRT, 67), or lives on a
   * remote host (LIBVIRT, 84, field 'connection': needs an SSH tunnel, not supported yet).
   */
  'console.vncTicket': method(z.object(onVm).strict(), {} as { ticket: string; path: string; expiresInMs: number }),
  /**
   * Where console WebSockets go: null = the page's own origin (browser mode); in the desktop
   * app `ws://127.0.0.1:<port>` (a loopback server used only for consoles).
   */
  'console.endpoint': method(empty, {} as { wsBase: string | null }),
  /**
   * Presses keys together on the guest keyboard (e.g. Ctrl+Alt+Del) and releases them: linux
   * input key names (KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE, KEY_F1, KEY_SYSRQ, …), at most 16.
   */
  'vm.sendKeys': method(
    z.object({
      ...onVm,
      keys: z
        .array(z.enum(LINUX_KEY_NAMES, { error: (iss) => `unknown key name ${JSON.stringify(iss.input)} (use linux input names such as KEY_LEFTCTRL, KEY_DELETE, KEY_F1)` }))
        .min(1, 'no keys given')
        .max(MAX_SEND_KEYS, `at most ${MAX_SEND_KEYS} keys at once`),
    }).strict(),
    undefined as void,
  ),

  'settings.get': method(empty, {} as SettingsState),
  'settings.update': method(settingsSchema.partial().strict(), {} as SettingsState),

  // Creating and deleting VMs, OS presets, storage, networks, the server-side file browser.
  ...createMethods,
  ...labMethods,
} as const;

export type MethodName = keyof typeof methods;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodResult<M extends MethodName> = (typeof methods)[M]['result'];

/** The typed client every front uses (renderer, CLI, tests). */
export type VirtdeskApi = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodResult<M>> };

export type ApiErrorCode = 'INVALID_INPUT' | 'UNKNOWN_METHOD' | 'LIBVIRT' | 'CONNECTION' | 'NOT_FOUND' | 'INTERNAL';

/** The one error shape every front shows; `field` names the bad input field. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly code: ApiErrorCode, message: string, readonly field?: string, readonly libvirtCode?: number) {
    super(message);
  }
  toJSON(): { code: ApiErrorCode; message: string; field?: string; libvirtCode?: number } {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}), ...(this.libvirtCode !== undefined ? { libvirtCode: this.libvirtCode } : {}) };
  }
}

/** Validates a method's input; throws ApiError('INVALID_INPUT') naming the first bad field. */
export function parseInput<M extends MethodName>(method: M, input: unknown): z.output<(typeof methods)[M]['input']> {
  const spec = methods[method];
  if (!spec) throw new ApiError('UNKNOWN_METHOD', `unknown method '${String(method)}'`);
  const r = spec.input.safeParse(input ?? {});
  if (r.success) return r.data as z.output<(typeof methods)[M]['input']>;
  const issue = r.error.issues[0];
  const field = issue.path.join('.') || undefined;
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
  throw new ApiError('INVALID_INPUT', field ? `${field}: ${message}` : message, field ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined));
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
