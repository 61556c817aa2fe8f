// The typed, safe wrapper over ffi.ts. Handles own their pointer, free it exactly once, and
// throw a JS error when used after close. Every failing call becomes a LibvirtError read on
// this thread right after the call (docs/koffi.md rule 1). Only the host process uses this module.
import { koffi, lv, nativeResetError, xmlSetGenericErrorFunc, type NativeFunction, TYPED_PARAM_SIZE, TYPED_PARAM_VALUE_OFFSET, NODE_CPU_STAT_SIZE } from './ffi';
import { LibvirtError } from './errors';
import type { DomainInfo, DomainState, NodeInfo } from './protocol';

type Ptr = bigint;

let initialized = false;
/** Silences libvirt's stderr printing (docs/koffi.md rule 2) and initializes the library, once. */
export function initLibvirt(): void {
  if (initialized) return;
  initialized = true;
  lv.virSetErrorFunc(null, nativeResetError);
  // virResetError(NULL) is a no-op, so it serves as a silent handler for libxml2 as well.
  xmlSetGenericErrorFunc(null, nativeResetError);
  if (lv.virInitialize() < 0) throw lastError('initialize libvirt');
}

/**
 * What we were doing, for the error message. A function when it needs a libvirt call (such as
 * a handle's name): every libvirt API resets the thread's last error on entry, so the message
 * must be built only after the error was read.
 */
type Operation = string | (() => string);

export function lastError(operation: Operation): LibvirtError {
  const p = lv.virGetLastError();
  const e = p ? (koffi.decode(p, 'virError') as { code: number; domain: number; message: string | null }) : null;
  lv.virResetLastError();
  const what = typeof operation === 'function' ? operation() : operation;
  return new LibvirtError(e?.code ?? -1, e?.domain ?? 0, e?.message ?? 'unknown libvirt error', what);
}

function check(ret: number, operation: Operation): number {
  if (ret < 0) throw lastError(operation);
  return ret;
}

function checkPtr(p: Ptr | null, operation: Operation): Ptr {
  if (!p) throw lastError(operation);
  return p;
}

/** Calls a virXxxListAll function and returns the handle pointers; frees the array itself. */
function listAll(fn: NativeFunction, owner: Ptr, flags: number, operation: Operation): Ptr[] {
  const out: (Ptr | null)[] = [null];
  const n = check(fn(owner, out, flags), operation);
  if (n === 0 || !out[0]) {
    if (out[0]) koffi.free(out[0]);
    return [];
  }
  const ptrs = koffi.decode(out[0], 'void *', n) as Ptr[];
  koffi.free(out[0]);
  return ptrs;
}

function uuidOf(fn: NativeFunction, p: Ptr, operation: string): string {
  const buf = Buffer.alloc(37); // VIR_UUID_STRING_BUFLEN; shorter buffers abort the process
  check(fn(p, buf), operation);
  return buf.toString('latin1', 0, 36);
}

abstract class Handle implements Disposable {
  #ptr: Ptr | null;
  protected constructor(ptr: Ptr, private readonly kind: string) {
    this.#ptr = ptr;
  }
  get ptr(): Ptr {
    if (this.#ptr === null) throw new Error(`${this.kind} handle used after close`);
    return this.#ptr;
  }
  get closed(): boolean {
    return this.#ptr === null;
  }
  protected abstract free(ptr: Ptr): void;
  close(): void {
    if (this.#ptr === null) return;
    const p = this.#ptr;
    this.#ptr = null;
    this.free(p);
  }
  [Symbol.dispose](): void {
    this.close();
  }
}

const DOMAIN_STATES: readonly DomainState[] = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'];
export const stateName = (n: number): DomainState => DOMAIN_STATES[n] ?? 'nostate';

export type TypedParams = Record<string, number | string | boolean>;

export interface DomainStatsRecord {
  name: string;
  uuid: string;
  params: TypedParams;
}

export class Domain extends Handle {
  constructor(ptr: Ptr) {
    super(ptr, 'domain');
  }
  protected free(p: Ptr): void {
    lv.virDomainFree(p);
  }
  /** Borrowed string inside the handle: never freed by us. */
  get name(): string {
    return lv.virDomainGetName(this.ptr) as string;
  }
  get uuid(): string {
    return uuidOf(lv.virDomainGetUUIDString, this.ptr, 'get domain UUID');
  }
  /** Running domain's id, or -1 when it is not running. */
  get id(): number {
    const id = lv.virDomainGetID(this.ptr) as number;
    return id === 0xffffffff ? -1 : id;
  }
  private op(what: string): () => string {
    return () => `${what} domain '${this.name}'`;
  }
  info(): DomainInfo {
    const i = {} as { state: number; maxMem: number; memory: number; nrVirtCpu: number; cpuTime: number | bigint };
    check(lv.virDomainGetInfo(this.ptr, i), this.op('get info of'));
    return { state: stateName(i.state), maxMemoryKiB: i.maxMem, memoryKiB: i.memory, vcpus: i.nrVirtCpu, cpuTimeNs: Number(i.cpuTime) };
  }
  state(): { state: DomainState; reason: number } {
    const s = [0];
    const r = [0];
    check(lv.virDomainGetState(this.ptr, s, r, 0), this.op('get state of'));
    return { state: stateName(s[0]), reason: r[0] };
  }
  xml(flags = 0): string {
    return checkPtr(lv.virDomainGetXMLDesc(this.ptr, flags), this.op('get XML of')) as unknown as string;
  }
  undefine(flags = 0): void {
    check(lv.virDomainUndefineFlags(this.ptr, flags), this.op('undefine'));
  }
  create(flags = 0): void {
    check(lv.virDomainCreateWithFlags(this.ptr, flags), this.op('start'));
  }
  shutdown(flags = 0): void {
    check(lv.virDomainShutdownFlags(this.ptr, flags), this.op('shut down'));
  }
  reboot(flags = 0): void {
    check(lv.virDomainReboot(this.ptr, flags), this.op('reboot'));
  }
  destroy(flags = 0): void {
    check(lv.virDomainDestroyFlags(this.ptr, flags), this.op('force off'));
  }
  suspend(): void {
    check(lv.virDomainSuspend(this.ptr), this.op('pause'));
  }
  resume(): void {
    check(lv.virDomainResume(this.ptr), this.op('resume'));
  }
  managedSave(flags = 0): void {
    check(lv.virDomainManagedSave(this.ptr, flags), this.op('save'));
  }
  hasManagedSave(): boolean {
    return check(lv.virDomainHasManagedSaveImage(this.ptr, 0), this.op('check saved state of')) === 1;
  }
  managedSaveRemove(): void {
    check(lv.virDomainManagedSaveRemove(this.ptr, 0), this.op('discard saved state of'));
  }
  isPersistent(): boolean {
    return check(lv.virDomainIsPersistent(this.ptr), this.op('check persistence of')) === 1;
  }
  autostart(): boolean {
    const a = [0];
    check(lv.virDomainGetAutostart(this.ptr, a), this.op('get autostart of'));
    return a[0] === 1;
  }
  setAutostart(on: boolean): void {
    check(lv.virDomainSetAutostart(this.ptr, on ? 1 : 0), this.op('set autostart of'));
  }
  attachDevice(xml: string, flags: number): void {
    check(lv.virDomainAttachDeviceFlags(this.ptr, xml, flags), this.op('attach a device to'));
  }
  detachDevice(xml: string, flags: number): void {
    check(lv.virDomainDetachDeviceFlags(this.ptr, xml, flags), this.op('detach a device from'));
  }
  updateDevice(xml: string, flags: number): void {
    check(lv.virDomainUpdateDeviceFlags(this.ptr, xml, flags), this.op('update a device of'));
  }
  setVcpus(count: number, flags: number): void {
    check(lv.virDomainSetVcpusFlags(this.ptr, count, flags), this.op('set the vCPUs of'));
  }
  setMemory(kib: number, flags: number): void {
    check(lv.virDomainSetMemoryFlags(this.ptr, kib, flags), this.op('set the memory of'));
  }
  rename(newName: string): void {
    check(lv.virDomainRename(this.ptr, newName, 0), this.op('rename'));
  }
  /** Grows a disk of a running domain to `bytes` (VIR_DOMAIN_BLOCK_RESIZE_BYTES). */
  blockResize(disk: string, bytes: number): void {
    check(lv.virDomainBlockResize(this.ptr, disk, bytes, 1), this.op(`resize disk ${disk} of`));
  }
  sendKey(codeset: number, holdtimeMs: number, keycodes: number[]): void {
    check(lv.virDomainSendKey(this.ptr, codeset, holdtimeMs, Uint32Array.from(keycodes), keycodes.length, 0), this.op('send keys to'));
  }
  /** A connected socket fd to the guest's graphics server (caller owns and closes it). */
  openGraphicsFd(index = 0, flags = 0): number {
    return check(lv.virDomainOpenGraphicsFD(this.ptr, index, flags), this.op('open graphics of'));
  }

  // ---- migration and jobs ----
  /**
   * Peer-to-peer migration (virDomainMigrateToURI3): the source daemon connects to `dconnuri`.
   * Blocks until the migration ends: only a dedicated host process calls it.
   */
  migrateToUri(dconnuri: string, params: TypedParamInput, flags: number): void {
    withTypedParams(params, (p, n) => check(lv.virDomainMigrateToURI3(this.ptr, dconnuri, p, n, flags), this.op('migrate')));
  }
  /** Migration driven by this client over its own connection to the destination (virDomainMigrate3); blocks like migrateToUri. */
  migrateTo(dest: Connection, params: TypedParamInput, flags: number): void {
    const moved = withTypedParams(params, (p, n) => checkPtr(lv.virDomainMigrate3(this.ptr, dest.ptr, p, n, flags), this.op('migrate')));
    lv.virDomainFree(moved);
  }
  /** The current job's statistics (virDomainGetJobStats): type VIR_DOMAIN_JOB_* (0 none, 1 bounded, 2 unbounded, ...). */
  jobStats(): { type: number; params: TypedParams } {
    const type = [0];
    const out: (Ptr | null)[] = [null];
    const n = [0];
    check(lv.virDomainGetJobStats(this.ptr, type, out, n, 0), this.op('get job statistics of'));
    try {
      return { type: type[0], params: out[0] ? decodeTypedParams(out[0], n[0]) : {} };
    } finally {
      if (out[0]) lv.virTypedParamsFree(out[0], n[0]);
    }
  }
  abortJob(): void {
    check(lv.virDomainAbortJob(this.ptr), this.op('cancel the job of'));
  }

  // ---- metadata ----
  /**
   * The domain's metadata of a VIR_DOMAIN_METADATA_* type (0 description, 1 title, 2 element
   * in namespace `uri`), or null when it has none. flags: VIR_DOMAIN_AFFECT_* (2 = config).
   */
  metadata(type: number, uri: string | null, flags = 0): string | null {
    const s = lv.virDomainGetMetadata(this.ptr, type, uri, flags) as string | null;
    if (s !== null) return s;
    const e = lastError(this.op('get metadata of'));
    if (e.code === VIR_ERR_NO_DOMAIN_METADATA) return null;
    throw e;
  }
  /** Sets (or with null removes) metadata; for type 2 `key` is the namespace prefix libvirt writes. */
  setMetadata(type: number, metadata: string | null, key: string | null, uri: string | null, flags = 0): void {
    check(lv.virDomainSetMetadata(this.ptr, type, metadata, key, uri, flags), this.op('set metadata of'));
  }

  // ---- snapshots ----
  snapshots(flags = 0): DomainSnapshot[] {
    const domainName = this.name;
    return listAll(lv.virDomainListAllSnapshots, this.ptr, flags, this.op('list snapshots of')).map((p) => new DomainSnapshot(p, domainName));
  }
  snapshot(name: string): DomainSnapshot {
    const p = lv.virDomainSnapshotLookupByName(this.ptr, name, 0) as Ptr | null;
    return new DomainSnapshot(checkPtr(p, () => `find snapshot '${name}' of domain '${this.name}'`), this.name);
  }
  /** virDomainSnapshotCreateXML; flags VIR_DOMAIN_SNAPSHOT_CREATE_* (16 disk only, 128 atomic). */
  createSnapshot(xml: string, flags = 0): DomainSnapshot {
    const p = lv.virDomainSnapshotCreateXML(this.ptr, xml, flags) as Ptr | null;
    return new DomainSnapshot(checkPtr(p, this.op('create a snapshot of')), this.name);
  }
}

/** Typed parameters to pass: strings as VIR_TYPED_PARAM_STRING, numbers as ULLONG; undefined ones are left out. */
export type TypedParamInput = Record<string, string | number | undefined>;

/** Builds a virTypedParameter array with libvirt's own helpers, runs `fn` with it, frees it. */
function withTypedParams<T>(entries: TypedParamInput, fn: (params: Ptr | null, count: number) => T): T {
  const params: (Ptr | null)[] = [null];
  const count = [0];
  const max = [0];
  try {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) continue;
      const ret = typeof value === 'string'
        ? lv.virTypedParamsAddString(params, count, max, name, value)
        : lv.virTypedParamsAddULLong(params, count, max, name, value);
      check(ret, `set parameter '${name}'`);
    }
    return fn(params[0], count[0]);
  } finally {
    if (params[0]) lv.virTypedParamsFree(params[0], count[0]);
  }
}

/** VIR_ERR_NO_DOMAIN_SNAPSHOT: also what virDomainSnapshotGetParent reports for a root. */
const VIR_ERR_NO_DOMAIN_SNAPSHOT = 72;
/** VIR_ERR_NO_DOMAIN_METADATA: the requested metadata does not exist. */
const VIR_ERR_NO_DOMAIN_METADATA = 80;

export class DomainSnapshot extends Handle {
  /** `domainName` is captured at lookup so error messages need no call on a closed domain. */
  constructor(ptr: Ptr, readonly domainName: string) {
    super(ptr, 'domain snapshot');
  }
  protected free(p: Ptr): void {
    lv.virDomainSnapshotFree(p);
  }
  /** Borrowed string inside the handle: never freed by us. */
  get name(): string {
    return lv.virDomainSnapshotGetName(this.ptr) as string;
  }
  private op(what: string): () => string {
    return () => `${what} snapshot '${this.name}' of domain '${this.domainName}'`;
  }
  xml(flags = 0): string {
    return checkPtr(lv.virDomainSnapshotGetXMLDesc(this.ptr, flags), this.op('get XML of')) as unknown as string;
  }
  /** The parent's name, or null for a root snapshot. */
  parentName(): string | null {
    const p = lv.virDomainSnapshotGetParent(this.ptr, 0) as Ptr | null;
    if (!p) {
      const e = lastError(this.op('get the parent of'));
      if (e.code === VIR_ERR_NO_DOMAIN_SNAPSHOT) return null;
      throw e;
    }
    const parent = new DomainSnapshot(p, this.domainName);
    try {
      return parent.name;
    } finally {
      parent.close();
    }
  }
  isCurrent(): boolean {
    return check(lv.virDomainSnapshotIsCurrent(this.ptr, 0), () => `check whether snapshot '${this.name}' of domain '${this.domainName}' is current`) === 1;
  }
  hasMetadata(): boolean {
    return check(lv.virDomainSnapshotHasMetadata(this.ptr, 0), () => `check whether snapshot '${this.name}' of domain '${this.domainName}' has metadata`) === 1;
  }
  /** flags: VIR_DOMAIN_SNAPSHOT_REVERT_* (1 running, 2 paused, 4 force). */
  revert(flags = 0): void {
    check(lv.virDomainRevertToSnapshot(this.ptr, flags), this.op('revert to'));
  }
  /** flags: VIR_DOMAIN_SNAPSHOT_DELETE_* (1 children, 2 metadata only, 4 children only). */
  delete(flags = 0): void {
    check(lv.virDomainSnapshotDelete(this.ptr, flags), this.op('delete'));
  }
}

export class Stream extends Handle {
  constructor(ptr: Ptr, readonly nonBlocking: boolean) {
    super(ptr, 'stream');
  }
  protected free(p: Ptr): void {
    lv.virStreamFree(p);
  }
  /** Returns bytes, an empty Buffer at end of stream, or null when it would block. */
  recv(max = 65536): Buffer | null {
    const buf = Buffer.allocUnsafe(max);
    const n = lv.virStreamRecv(this.ptr, buf, max) as number;
    if (n === -2) return null;
    check(n, 'read from stream');
    return buf.subarray(0, n);
  }
  /** Returns bytes written, or 0 when it would block. */
  send(data: Uint8Array): number {
    const n = lv.virStreamSend(this.ptr, data, data.length) as number;
    if (n === -2) return 0;
    return check(n, 'write to stream');
  }
  finish(): void {
    check(lv.virStreamFinish(this.ptr), 'finish stream');
  }
  abort(): void {
    lv.virStreamAbort(this.ptr);
    lv.virResetLastError();
  }
}

export class StoragePool extends Handle {
  constructor(ptr: Ptr) {
    super(ptr, 'storage pool');
  }
  protected free(p: Ptr): void {
    lv.virStoragePoolFree(p);
  }
  get name(): string {
    return lv.virStoragePoolGetName(this.ptr) as string;
  }
  get uuid(): string {
    return uuidOf(lv.virStoragePoolGetUUIDString, this.ptr, 'get pool UUID');
  }
  private op(what: string): () => string {
    return () => `${what} storage pool '${this.name}'`;
  }
  info(): { state: number; capacity: number; allocation: number; available: number } {
    const i = {} as { state: number; capacity: number; allocation: number; available: number };
    check(lv.virStoragePoolGetInfo(this.ptr, i), this.op('get info of'));
    return { state: i.state, capacity: Number(i.capacity), allocation: Number(i.allocation), available: Number(i.available) };
  }
  xml(flags = 0): string {
    return checkPtr(lv.virStoragePoolGetXMLDesc(this.ptr, flags), this.op('get XML of')) as unknown as string;
  }
  autostart(): boolean {
    const a = [0];
    check(lv.virStoragePoolGetAutostart(this.ptr, a), this.op('get autostart of'));
    return a[0] === 1;
  }
  setAutostart(on: boolean): void {
    check(lv.virStoragePoolSetAutostart(this.ptr, on ? 1 : 0), this.op('set autostart of'));
  }
  isPersistent(): boolean {
    return check(lv.virStoragePoolIsPersistent(this.ptr), this.op('check persistence of')) === 1;
  }
  build(flags = 0): void {
    check(lv.virStoragePoolBuild(this.ptr, flags), this.op('build'));
  }
  start(flags = 0): void {
    check(lv.virStoragePoolCreate(this.ptr, flags), this.op('start'));
  }
  destroy(): void {
    check(lv.virStoragePoolDestroy(this.ptr), this.op('stop'));
  }
  undefine(): void {
    check(lv.virStoragePoolUndefine(this.ptr), this.op('undefine'));
  }
  refresh(): void {
    check(lv.virStoragePoolRefresh(this.ptr, 0), this.op('refresh'));
  }
  volumes(): StorageVol[] {
    return listAll(lv.virStoragePoolListAllVolumes, this.ptr, 0, this.op('list volumes of')).map((p) => new StorageVol(p));
  }
  volume(name: string): StorageVol {
    return new StorageVol(checkPtr(lv.virStorageVolLookupByName(this.ptr, name), () => `find volume '${name}' in pool '${this.name}'`));
  }
  createVolume(xml: string, flags = 0): StorageVol {
    return new StorageVol(checkPtr(lv.virStorageVolCreateXML(this.ptr, xml, flags), this.op('create a volume in')));
  }
  /** A new volume initialized with a copy of `source` (virStorageVolCreateXMLFrom; converts formats as the XML asks). */
  createVolumeFrom(xml: string, source: StorageVol, flags = 0): StorageVol {
    const p = lv.virStorageVolCreateXMLFrom(this.ptr, xml, source.ptr, flags) as Ptr | null;
    return new StorageVol(checkPtr(p, () => `copy volume '${source.name}' into storage pool '${this.name}'`));
  }
}

export class StorageVol extends Handle {
  constructor(ptr: Ptr) {
    super(ptr, 'storage volume');
  }
  protected free(p: Ptr): void {
    lv.virStorageVolFree(p);
  }
  get name(): string {
    return lv.virStorageVolGetName(this.ptr) as string;
  }
  get key(): string {
    return lv.virStorageVolGetKey(this.ptr) as string;
  }
  get path(): string {
    return checkPtr(lv.virStorageVolGetPath(this.ptr), () => `get path of volume '${this.name}'`) as unknown as string;
  }
  info(): { type: number; capacity: number; allocation: number } {
    const i = {} as { type: number; capacity: number; allocation: number };
    check(lv.virStorageVolGetInfo(this.ptr, i), () => `get info of volume '${this.name}'`);
    return { type: i.type, capacity: Number(i.capacity), allocation: Number(i.allocation) };
  }
  xml(): string {
    return checkPtr(lv.virStorageVolGetXMLDesc(this.ptr, 0), () => `get XML of volume '${this.name}'`) as unknown as string;
  }
  delete(): void {
    check(lv.virStorageVolDelete(this.ptr, 0), () => `delete volume '${this.name}'`);
  }
  resize(capacityBytes: number, flags = 0): void {
    check(lv.virStorageVolResize(this.ptr, capacityBytes, flags), () => `resize volume '${this.name}'`);
  }
  /**
   * Writes `data` into the volume from offset 0 over a blocking stream (virStorageVolUpload):
   * works for remote hosts too. The caller keeps uploads small (boot files, seed ISOs).
   */
  upload(stream: Stream, data: Uint8Array): void {
    check(lv.virStorageVolUpload(this.ptr, stream.ptr, 0, data.length, 0), () => `start upload into volume '${this.name}'`);
    try {
      const CHUNK = 1 << 20;
      for (let off = 0; off < data.length; ) {
        const n = stream.send(data.subarray(off, Math.min(off + CHUNK, data.length)));
        if (n <= 0) throw new Error(`upload into volume '${this.name}' stalled`);
        off += n;
      }
      stream.finish();
    } catch (e) {
      stream.abort();
      throw e;
    }
  }
}

export class Network extends Handle {
  constructor(ptr: Ptr) {
    super(ptr, 'network');
  }
  protected free(p: Ptr): void {
    lv.virNetworkFree(p);
  }
  get name(): string {
    return lv.virNetworkGetName(this.ptr) as string;
  }
  get uuid(): string {
    return uuidOf(lv.virNetworkGetUUIDString, this.ptr, 'get network UUID');
  }
  private op(what: string): () => string {
    return () => `${what} network '${this.name}'`;
  }
  isActive(): boolean {
    return check(lv.virNetworkIsActive(this.ptr), this.op('check state of')) === 1;
  }
  isPersistent(): boolean {
    return check(lv.virNetworkIsPersistent(this.ptr), this.op('check persistence of')) === 1;
  }
  autostart(): boolean {
    const a = [0];
    check(lv.virNetworkGetAutostart(this.ptr, a), this.op('get autostart of'));
    return a[0] === 1;
  }
  setAutostart(on: boolean): void {
    check(lv.virNetworkSetAutostart(this.ptr, on ? 1 : 0), this.op('set autostart of'));
  }
  xml(flags = 0): string {
    return checkPtr(lv.virNetworkGetXMLDesc(this.ptr, flags), this.op('get XML of')) as unknown as string;
  }
  start(): void {
    check(lv.virNetworkCreate(this.ptr), this.op('start'));
  }
  destroy(): void {
    check(lv.virNetworkDestroy(this.ptr), this.op('stop'));
  }
  undefine(): void {
    check(lv.virNetworkUndefine(this.ptr), this.op('undefine'));
  }
}

export class NodeDevice extends Handle {
  constructor(ptr: Ptr) {
    super(ptr, 'node device');
  }
  protected free(p: Ptr): void {
    lv.virNodeDeviceFree(p);
  }
  /** Borrowed string inside the handle: never freed by us. */
  get name(): string {
    return lv.virNodeDeviceGetName(this.ptr) as string;
  }
  xml(): string {
    return checkPtr(lv.virNodeDeviceGetXMLDesc(this.ptr, 0), () => `get XML of host device '${this.name}'`) as unknown as string;
  }
}

/** VIR_CONNECT_LIST_NODE_DEVICES_CAP_* flags of the kinds Virtdesk lists. */
export const NODE_DEVICE_CAP = { pci: 2, usb: 4 } as const;

/** Reads an array of virTypedParameter (96 bytes each) into a plain object. */
export function decodeTypedParams(params: Ptr, count: number): TypedParams {
  const out: TypedParams = {};
  if (!params || count <= 0) return out;
  const bytes = koffi.decode(params, 'uint8_t', count * TYPED_PARAM_SIZE) as Uint8Array;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const base = i * TYPED_PARAM_SIZE;
    let end = base;
    while (end < base + 80 && bytes[end] !== 0) end++;
    const field = Buffer.from(bytes.buffer, bytes.byteOffset + base, end - base).toString('latin1');
    const type = view.getInt32(base + 80, true);
    const v = base + TYPED_PARAM_VALUE_OFFSET;
    switch (type) {
      case 1: out[field] = view.getInt32(v, true); break;
      case 2: out[field] = view.getUint32(v, true); break;
      case 3: out[field] = Number(view.getBigInt64(v, true)); break;
      case 4: out[field] = Number(view.getBigUint64(v, true)); break;
      case 5: out[field] = view.getFloat64(v, true); break;
      case 6: out[field] = bytes[v] !== 0; break;
      case 7: {
        // The union holds a char *: read that pointer where it lies in the params array. (Decoding
        // the pointer's value as 'const char *' would dereference the string's bytes: SIGSEGV.)
        const sp = view.getBigUint64(v, true);
        out[field] = sp ? (koffi.decode(params, v, 'const char *') as string) : '';
        break;
      }
    }
  }
  return out;
}

export const STATS = { STATE: 1, CPU_TOTAL: 2, BALLOON: 4, VCPU: 8, INTERFACE: 16, BLOCK: 32 } as const;

export class Connection extends Handle {
  private constructor(ptr: Ptr, readonly uri: string) {
    super(ptr, 'connection');
  }
  static open(uri: string): Connection {
    initLibvirt();
    return new Connection(checkPtr(lv.virConnectOpen(uri), `connect to ${uri}`), uri);
  }
  /** virConnectOpenAuth with a virConnectAuth struct (connect-auth.ts): libvirt asks for credentials through it. */
  static openAuth(uri: string, auth: unknown): Connection {
    initLibvirt();
    return new Connection(checkPtr(lv.virConnectOpenAuth(uri, auth, 0), `connect to ${uri}`), uri);
  }
  protected free(p: Ptr): void {
    lv.virConnectClose(p);
  }
  libVersion(): number {
    const v = [0];
    check(lv.virConnectGetLibVersion(this.ptr, v), 'get libvirt version');
    return v[0];
  }
  hypervisorVersion(): number {
    const v = [0];
    check(lv.virConnectGetVersion(this.ptr, v), 'get hypervisor version');
    return v[0];
  }
  hypervisorType(): string {
    return checkPtr(lv.virConnectGetType(this.ptr), 'get hypervisor type') as unknown as string;
  }
  hostname(): string {
    return checkPtr(lv.virConnectGetHostname(this.ptr), 'get host name') as unknown as string;
  }
  canonicalUri(): string {
    return checkPtr(lv.virConnectGetURI(this.ptr), 'get connection URI') as unknown as string;
  }
  capabilities(): string {
    return checkPtr(lv.virConnectGetCapabilities(this.ptr), 'get host capabilities') as unknown as string;
  }
  domainCapabilities(o: { emulator?: string; arch?: string; machine?: string; virttype?: string }): string {
    return checkPtr(
      lv.virConnectGetDomainCapabilities(this.ptr, o.emulator ?? null, o.arch ?? null, o.machine ?? null, o.virttype ?? null, 0),
      `get domain capabilities${o.virttype ? ` for '${o.virttype}'` : ''}`,
    ) as unknown as string;
  }
  /**
   * How a guest CPU definition (`<cpu>` XML) compares with what this host's hypervisor can give
   * (virConnectCompareHypervisorCPU): 0 incompatible, 1 identical, 2 superset. With flags 1
   * (FAIL_INCOMPATIBLE) an incompatible CPU throws an error that names the missing features.
   */
  compareHypervisorCpu(xml: string, o: { arch?: string; machine?: string; virttype?: string }, flags = 0): number {
    return check(lv.virConnectCompareHypervisorCPU(this.ptr, null, o.arch ?? null, o.machine ?? null, o.virttype ?? null, xml, flags), 'compare the CPU');
  }
  setKeepAlive(intervalS: number, count: number): void {
    check(lv.virConnectSetKeepAlive(this.ptr, intervalS, count), 'set keepalive');
  }
  isAlive(): boolean {
    return lv.virConnectIsAlive(this.ptr) === 1;
  }
  nodeInfo(): NodeInfo {
    const i = {} as { model: string; memory: number; cpus: number; mhz: number; nodes: number; sockets: number; cores: number; threads: number };
    check(lv.virNodeGetInfo(this.ptr, i), 'get host info');
    return { model: i.model, memoryKiB: i.memory, cpus: i.cpus, mhz: i.mhz, nodes: i.nodes, sockets: i.sockets, cores: i.cores, threads: i.threads };
  }
  freeMemoryBytes(): number {
    const n = lv.virNodeGetFreeMemory(this.ptr);
    if (!n) {
      const e = lastError('get free host memory');
      if (e.code !== -1 && e.code !== 0) throw e;
    }
    return Number(n);
  }
  /**
   * Cumulative CPU times of the whole host in ns since boot (virNodeGetCPUStats over all CPUs):
   * on Linux the fields kernel, user, idle and iowait.
   */
  nodeCpuTimes(): Record<string, number> {
    const ALL_CPUS = -1; // VIR_NODE_CPU_STATS_ALL_CPUS
    const count = [0];
    check(lv.virNodeGetCPUStats(this.ptr, ALL_CPUS, null, count, 0), 'get host CPU statistics');
    const n = count[0] ?? 0;
    if (n <= 0) return {};
    const buf = Buffer.alloc(n * NODE_CPU_STAT_SIZE);
    check(lv.virNodeGetCPUStats(this.ptr, ALL_CPUS, buf, count, 0), 'get host CPU statistics');
    const out: Record<string, number> = {};
    for (let i = 0; i < Math.min(n, count[0] ?? 0); i++) {
      const base = i * NODE_CPU_STAT_SIZE;
      const end = buf.indexOf(0, base);
      const field = buf.toString('latin1', base, end === -1 || end > base + 80 ? base + 80 : end);
      out[field] = Number(buf.readBigUInt64LE(base + 80));
    }
    return out;
  }

  domains(flags = 0): Domain[] {
    return listAll(lv.virConnectListAllDomains, this.ptr, flags, 'list domains').map((p) => new Domain(p));
  }
  domainByName(name: string): Domain {
    return new Domain(checkPtr(lv.virDomainLookupByName(this.ptr, name), `find domain '${name}'`));
  }
  domainByUuid(uuid: string): Domain {
    return new Domain(checkPtr(lv.virDomainLookupByUUIDString(this.ptr, uuid), `find domain ${uuid}`));
  }
  defineDomain(xml: string, validate = true): Domain {
    return new Domain(checkPtr(lv.virDomainDefineXMLFlags(this.ptr, xml, validate ? 1 : 0), 'define domain'));
  }
  /**
   * Starts a domain from XML (virDomainCreateXML). When a persistent domain with the same name
   * and UUID exists, that domain starts with this XML as its live configuration only (the
   * install-time configuration of a network install; the definition stays as it is).
   */
  createDomain(xml: string, validate = true): Domain {
    return new Domain(checkPtr(lv.virDomainCreateXML(this.ptr, xml, validate ? 16 /* VIR_DOMAIN_START_VALIDATE */ : 0), 'start domain from XML'));
  }
  /** Bulk stats for every domain in one call (virConnectGetAllDomainStats). */
  allDomainStats(stats: number, flags = 0): DomainStatsRecord[] {
    const out: (Ptr | null)[] = [null];
    const n = check(lv.virConnectGetAllDomainStats(this.ptr, stats, out, flags), 'get domain statistics');
    if (!out[0]) return [];
    try {
      const recs = n > 0 ? (koffi.decode(out[0], 'void *', n) as Ptr[]) : [];
      return recs.map((rp) => {
        const r = koffi.decode(rp, 'virDomainStatsRecord') as { dom: Ptr; params: Ptr; nparams: number };
        return {
          name: lv.virDomainGetName(r.dom) as string,
          uuid: uuidOf(lv.virDomainGetUUIDString, r.dom, 'get domain UUID'),
          params: decodeTypedParams(r.params, r.nparams),
        };
      });
    } finally {
      lv.virDomainStatsRecordListFree(out[0]); // also frees the domain refs inside
    }
  }
  newStream(nonBlocking: boolean): Stream {
    return new Stream(checkPtr(lv.virStreamNew(this.ptr, nonBlocking ? 1 : 0), 'create stream'), nonBlocking);
  }
  /** Screenshot of a running domain as { mime, data } (PNG on QEMU 7.2+, else PPM). */
  screenshot(dom: Domain, screen = 0): { mime: string; data: Buffer } {
    const st = this.newStream(false);
    try {
      const mime = checkPtr(lv.virDomainScreenshot(dom.ptr, st.ptr, screen, 0), () => `take a screenshot of '${dom.name}'`) as unknown as string;
      const parts: Buffer[] = [];
      try {
        for (;;) {
          const chunk = st.recv(262144);
          if (!chunk || chunk.length === 0) break;
          parts.push(Buffer.from(chunk));
        }
        st.finish();
      } catch (e) {
        st.abort();
        throw e;
      }
      return { mime, data: Buffer.concat(parts) };
    } finally {
      st.close();
    }
  }

  pools(flags = 0): StoragePool[] {
    return listAll(lv.virConnectListAllStoragePools, this.ptr, flags, 'list storage pools').map((p) => new StoragePool(p));
  }
  poolByName(name: string): StoragePool {
    return new StoragePool(checkPtr(lv.virStoragePoolLookupByName(this.ptr, name), `find storage pool '${name}'`));
  }
  /** flags: VIR_STORAGE_POOL_DEFINE_VALIDATE = 1 (check against the schema). */
  definePool(xml: string, flags = 0): StoragePool {
    return new StoragePool(checkPtr(lv.virStoragePoolDefineXML(this.ptr, xml, flags), 'define storage pool'));
  }
  volumeByPath(path: string): StorageVol {
    return new StorageVol(checkPtr(lv.virStorageVolLookupByPath(this.ptr, path), `find volume '${path}'`));
  }

  /** Host devices (virConnectListAllNodeDevices); flags: NODE_DEVICE_CAP bits, 0 = all. */
  nodeDevices(flags = 0): NodeDevice[] {
    return listAll(lv.virConnectListAllNodeDevices, this.ptr, flags, 'list host devices').map((p) => new NodeDevice(p));
  }

  networks(flags = 0): Network[] {
    return listAll(lv.virConnectListAllNetworks, this.ptr, flags, 'list networks').map((p) => new Network(p));
  }
  networkByName(name: string): Network {
    return new Network(checkPtr(lv.virNetworkLookupByName(this.ptr, name), `find network '${name}'`));
  }
  /** flags: VIR_NETWORK_DEFINE_VALIDATE = 1 (check against the schema; needs libvirt 7.7). */
  defineNetwork(xml: string, flags = 0): Network {
    if (flags) return new Network(checkPtr(lv.virNetworkDefineXMLFlags(this.ptr, xml, flags), 'define network'));
    return new Network(checkPtr(lv.virNetworkDefineXML(this.ptr, xml), 'define network'));
  }
}

/** Closes every handle of a list, e.g. the result of domains(). */
export function closeAll(handles: Iterable<{ close(): void }>): void {
  for (const h of handles) h.close();
}
