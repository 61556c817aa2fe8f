// The contract between the main side and a libvirt host process: plain data only (it crosses
// a process boundary by structured clone). No koffi here.
import type { SerializedLibvirtError } from './errors';
import type { ConnectionInfo, DomainRef, DomainState, DomainSummary, NetworkSummary, NodeInfo, PoolSummary, VolumeSummary } from '../contract/libvirt-types';

export type { ConnectionInfo, DomainRef, DomainState, DomainSummary, NetworkSummary, NodeInfo, PoolSummary, VolumeSummary };


export interface DomainInfo {
  state: DomainState;
  maxMemoryKiB: number;
  memoryKiB: number;
  vcpus: number;
  cpuTimeNs: number;
}

export interface DomainStats {
  name: string;
  uuid: string;
  params: Record<string, number | string | boolean>;
}

export interface UndefineOptions {
  /** Remove UEFI NVRAM (VIR_DOMAIN_UNDEFINE_NVRAM); else keep it. */
  nvram?: boolean;
  managedSave?: boolean;
  snapshotsMetadata?: boolean;
  checkpointsMetadata?: boolean;
  tpm?: boolean;
}

export interface DomainXmlRecord {
  name: string;
  uuid: string;
  active: boolean;
  persistent: boolean;
  xml: string;
  /** The persistent definition, when it differs from `xml` (running persistent domains). */
  inactiveXml?: string;
}

/** One snapshot of a domain, as libvirt reports it (the XML is parsed on the main side). */
export interface SnapshotRecord {
  name: string;
  /** virDomainSnapshotGetXMLDesc: <domainsnapshot> with state, creation time, memory, disks. */
  xml: string;
  /** virDomainSnapshotGetParent; null for a root. */
  parent: string | null;
  current: boolean;
  hasMetadata: boolean;
}

export interface SnapshotCreateOptions {
  /** VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY: disks only, no memory (external snapshots of a running VM without memory). */
  diskOnly?: boolean;
  /** VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC: all disks or nothing. */
  atomic?: boolean;
}

export interface SnapshotRevertOptions {
  /** Run (or pause) after the revert whatever state the snapshot recorded. */
  running?: boolean;
  paused?: boolean;
  /** VIR_DOMAIN_SNAPSHOT_REVERT_FORCE: allow risky reverts libvirt otherwise refuses. */
  force?: boolean;
}

export interface SnapshotDeleteOptions {
  children?: boolean;
  metadataOnly?: boolean;
}

/** One migration of a domain (migrateDomain). */
export interface MigrateRequest {
  /** The destination connection URI. */
  destination: string;
  /** VIR_MIGRATE_* flags. */
  flags: number;
  /**
   * true: virDomainMigrateToURI3, the source daemon connects to `destination` itself (needs
   * VIR_MIGRATE_PEER2PEER in flags); false: the host process opens `destination` and drives
   * virDomainMigrate3.
   */
  peerToPeer: boolean;
  /** VIR_MIGRATE_PARAM_* typed parameters: strings, or numbers (unsigned long long). */
  params: Record<string, string | number>;
}

/** virDomainGetJobStats: type VIR_DOMAIN_JOB_* (0 none, 1 bounded, 2 unbounded, 3 completed, 4 failed, 5 cancelled) and the VIR_DOMAIN_JOB_* fields. */
export interface DomainJobStats {
  type: number;
  params: Record<string, number | string | boolean>;
}

/** VIR_DOMAIN_METADATA_*: description, title, or an XML element in a namespace of its own. */
export type MetadataType = 'description' | 'title' | 'element';

/** Every method a host process answers. Results are plain data. */
export interface HostApi {
  connectionInfo(): ConnectionInfo;
  capabilities(): string;
  domainCapabilities(o: { emulator?: string; arch?: string; machine?: string; virttype?: string }): string;
  nodeInfo(): NodeInfo;
  nodeFreeMemory(): number;
  /** Cumulative host CPU times in ns (virNodeGetCPUStats, all CPUs): kernel, user, idle, iowait on Linux. */
  nodeCpuTimes(): Record<string, number>;

  listDomains(): DomainSummary[];
  /** Bulk stats (virConnectGetAllDomainStats); groups is a VIR_DOMAIN_STATS_* mask. */
  domainStats(groups?: number): DomainStats[];
  lookupDomain(ref: DomainRef): DomainSummary;
  domainState(ref: DomainRef): { state: DomainState; reason: number };
  domainInfo(ref: DomainRef): DomainInfo;
  domainXml(ref: DomainRef, o?: { inactive?: boolean; secure?: boolean }): string;
  defineDomain(xml: string): DomainSummary;
  /**
   * Starts a domain from XML. With the name and UUID of a persistent domain it starts that one
   * with this XML as live configuration only (a network install's kernel boot).
   */
  createDomain(xml: string): DomainSummary;
  undefineDomain(ref: DomainRef, o?: UndefineOptions): void;
  startDomain(ref: DomainRef, o?: { paused?: boolean }): void;
  shutdownDomain(ref: DomainRef): void;
  rebootDomain(ref: DomainRef): void;
  destroyDomain(ref: DomainRef): void;
  suspendDomain(ref: DomainRef): void;
  resumeDomain(ref: DomainRef): void;
  managedSaveDomain(ref: DomainRef): void;
  managedSaveRemove(ref: DomainRef): void;
  setDomainAutostart(ref: DomainRef, on: boolean): void;
  /** virDomain{Attach,Detach,Update}DeviceFlags with a device XML fragment; flags: VIR_DOMAIN_AFFECT_* (1 live, 2 config). */
  attachDevice(ref: DomainRef, xml: string, flags: number): void;
  detachDevice(ref: DomainRef, xml: string, flags: number): void;
  updateDevice(ref: DomainRef, xml: string, flags: number): void;
  /** virDomainSetVcpusFlags; `maximum` sets the vCPU maximum (config only). */
  setDomainVcpus(ref: DomainRef, count: number, o: { flags: number; maximum?: boolean }): void;
  /** virDomainSetMemoryFlags in KiB; `maximum` sets <memory> (config only). */
  setDomainMemory(ref: DomainRef, kib: number, o: { flags: number; maximum?: boolean }): void;
  /** virDomainRename (shut-off persistent domains only). */
  renameDomain(ref: DomainRef, newName: string): void;
  /** virDomainBlockResize in bytes (running domains; grows the image under the guest). */
  resizeDomainBlock(ref: DomainRef, disk: string, bytes: number): void;
  /** Host devices with their XML (virConnectListAllNodeDevices + virNodeDeviceGetXMLDesc); no types: all. */
  listNodeDevices(o?: { types?: ('usb' | 'pci')[] }): { name: string; xml: string }[];
  screenshot(ref: DomainRef, screen?: number): { mime: string; data: Uint8Array };
  sendKey(ref: DomainRef, codeset: number, holdtimeMs: number, keycodes: number[]): void;
  /** Opens the serial console; data arrives as stream-data events for the returned id. */
  openConsole(ref: DomainRef, o?: { device?: string; force?: boolean }): { streamId: number };
  streamWrite(streamId: number, data: Uint8Array): void;
  streamClose(streamId: number): void;
  /**
   * Connects to the guest's graphics server (virDomainOpenGraphicsFD) and exposes that socket on a
   * one-shot Unix socket in a private folder; the caller connects to `path` once.
   */
  openGraphics(ref: DomainRef, o?: { index?: number }): { path: string };

  listPools(): PoolSummary[];
  definePool(xml: string, o?: { build?: boolean; start?: boolean; autostart?: boolean; validate?: boolean }): PoolSummary;
  startPool(name: string): void;
  stopPool(name: string): void;
  undefinePool(name: string): void;
  refreshPool(name: string): void;
  setPoolAutostart(name: string, on: boolean): void;
  poolXml(name: string, o?: { inactive?: boolean }): string;
  listVolumes(pool: string): VolumeSummary[];
  /**
   * Creates a volume from XML; with `from` the new volume is a copy of the volume at that path
   * (virStorageVolCreateXMLFrom: full clones; the XML's format decides the copy's format). A
   * copy can take minutes: it is an option of this method so it keeps createVolume's long timeout.
   */
  createVolume(pool: string, xml: string, o?: { from?: { path: string } }): VolumeSummary;
  deleteVolume(pool: string, name: string): void;
  /**
   * Fills a volume with the contents of a file on the computer running Virtdesk (read by the
   * host process, sent over a libvirt stream, so it works for remote hosts too). Small files only
   * (boot kernels, initrds, cloud-init seeds): the host process is busy while it runs.
   */
  uploadVolume(pool: string, name: string, file: string): void;
  volumeInfo(pool: string, name: string): VolumeSummary;
  resizeVolume(pool: string, name: string, capacityBytes: number): void;
  /** The volume's XML (format, target path). */
  volumeXml(pool: string, name: string): string;
  /**
   * Every domain's XML in one call: the live XML (running: with hot-plugged disks and backing
   * chains) and, for running persistent domains, also the inactive definition.
   */
  allDomainXml(): DomainXmlRecord[];

  /** Metadata of a domain (virDomainGetMetadata); null when it has none. `inactive`: the persistent definition. */
  domainMetadata(ref: DomainRef, o: { type: MetadataType; uri?: string; inactive?: boolean }): string | null;
  /**
   * Sets or (value null) removes metadata (virDomainSetMetadata). For 'element' give the element
   * XML, the namespace `uri` and the prefix `key` libvirt writes. Neither live nor config: the
   * current state (VIR_DOMAIN_AFFECT_CURRENT).
   */
  setDomainMetadata(ref: DomainRef, o: { type: MetadataType; value: string | null; key?: string; uri?: string; live?: boolean; config?: boolean }): void;

  /** Every snapshot of a domain (virDomainListAllSnapshots), parents before children. */
  listSnapshots(ref: DomainRef): SnapshotRecord[];
  snapshotInfo(ref: DomainRef, name: string): SnapshotRecord;
  /** virDomainSnapshotCreateXML with a <domainsnapshot> document. */
  createSnapshot(ref: DomainRef, xml: string, o?: SnapshotCreateOptions): SnapshotRecord;
  revertSnapshot(ref: DomainRef, name: string, o?: SnapshotRevertOptions): void;
  deleteSnapshot(ref: DomainRef, name: string, o?: SnapshotDeleteOptions): void;

  listNetworks(): NetworkSummary[];
  defineNetwork(xml: string, o?: { validate?: boolean }): NetworkSummary;
  startNetwork(name: string): void;
  stopNetwork(name: string): void;
  undefineNetwork(name: string): void;
  setNetworkAutostart(name: string, on: boolean): void;
  networkXml(name: string, o?: { inactive?: boolean }): string;

  /**
   * Migrates a domain; blocks the host process until the migration ends, so it is called only
   * on a host process of its own (LibvirtHostClient.sibling), never on a connection's shared one.
   */
  migrateDomain(ref: DomainRef, o: MigrateRequest): void;
  domainJobStats(ref: DomainRef): DomainJobStats;
  /** virDomainAbortJob: cancels the domain's running job (a migration). */
  abortDomainJob(ref: DomainRef): void;
  /**
   * virConnectCompareHypervisorCPU of a `<cpu>` definition on this host: 0 incompatible (with
   * libvirt's reason in `detail`), 1 identical, 2 superset.
   */
  compareCpu(xml: string, o: { arch?: string; machine?: string; virttype?: string }): { result: number; detail?: string };
}

export type HostMethod = keyof HostApi;

/** The exact set of methods a host process will run (nothing else on HostService is reachable). */
export const HOST_METHODS = [
  'connectionInfo',
  'capabilities',
  'domainCapabilities',
  'nodeInfo',
  'nodeFreeMemory',
  'nodeCpuTimes',
  'listDomains',
  'domainStats',
  'lookupDomain',
  'domainState',
  'domainInfo',
  'domainXml',
  'defineDomain',
  'createDomain',
  'undefineDomain',
  'startDomain',
  'shutdownDomain',
  'rebootDomain',
  'destroyDomain',
  'suspendDomain',
  'resumeDomain',
  'managedSaveDomain',
  'managedSaveRemove',
  'setDomainAutostart',
  'attachDevice',
  'detachDevice',
  'updateDevice',
  'setDomainVcpus',
  'setDomainMemory',
  'renameDomain',
  'resizeDomainBlock',
  'listNodeDevices',
  'screenshot',
  'sendKey',
  'openConsole',
  'streamWrite',
  'streamClose',
  'openGraphics',
  'listPools',
  'definePool',
  'startPool',
  'stopPool',
  'undefinePool',
  'refreshPool',
  'setPoolAutostart',
  'poolXml',
  'listVolumes',
  'createVolume',
  'deleteVolume',
  'uploadVolume',
  'volumeInfo',
  'resizeVolume',
  'volumeXml',
  'allDomainXml',
  'domainMetadata',
  'setDomainMetadata',
  'listSnapshots',
  'snapshotInfo',
  'createSnapshot',
  'revertSnapshot',
  'deleteSnapshot',
  'listNetworks',
  'defineNetwork',
  'startNetwork',
  'stopNetwork',
  'undefineNetwork',
  'setNetworkAutostart',
  'networkXml',
  'migrateDomain',
  'domainJobStats',
  'abortDomainJob',
  'compareCpu',
] as const satisfies readonly HostMethod[];
// Compile-time check that HOST_METHODS lists every HostApi method.
const _allListed: Exclude<HostMethod, (typeof HOST_METHODS)[number]> extends never ? true : never = true;
void _allListed;

export const LIFECYCLE_EVENTS = ['defined', 'undefined', 'started', 'suspended', 'resumed', 'stopped', 'shutdown', 'pmsuspended', 'crashed'] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

export type HostEvent =
  /** `summary`: the domain as it is when the event is delivered, read in the host process (absent when it is gone). */
  | { type: 'domain-lifecycle'; uuid: string; name: string; event: LifecycleEventName; detail: number; summary?: DomainSummary }
  | { type: 'domain-reboot'; uuid: string; name: string; summary?: DomainSummary }
  /** A device left a running domain (a live detach the guest honoured); `alias` is libvirt's device alias. */
  | { type: 'domain-device-removed'; uuid: string; name: string; alias: string }
  | { type: 'stream-data'; streamId: number; data: Uint8Array }
  | { type: 'stream-end'; streamId: number; error?: string }
  | { type: 'connection-closed'; reason: 'error' | 'eof' | 'keepalive' | 'client' };

export type SerializedError = SerializedLibvirtError | { name: 'Error'; message: string };

export type ToHost = { id: number; method: HostMethod; args: unknown[] };
export type FromHost =
  | { kind: 'ready'; info: ConnectionInfo }
  | { kind: 'open-failed'; error: SerializedError }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'event'; event: HostEvent };

/** Env var that tells a host process which libvirt URI it serves. */
export const HOST_URI_ENV = 'VIRTDESK_LIBVIRT_URI';
