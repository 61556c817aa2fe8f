// What a libvirt host process does: one Connection, the HostApi methods over it, lifecycle
// events, console streams and graphics sockets. Runs on one JS thread with sync koffi calls.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { koffi, lv, DomainLifecycleCallback, DomainGenericCallback, DomainDeviceRemovedCallback, ConnectCloseCallback, StreamEventCallback } from './ffi';
import { Connection, Domain, NODE_DEVICE_CAP, STATS, Stream, closeAll, lastError, type DomainSnapshot } from './binding';
import { registerEventLoop, stopEventLoop } from './event-loop';
import { connectAuth } from './connect-auth';
import { LibvirtError, testDriverFileMessage } from './errors';
import { VIR_ERR_NO_NETWORK, VIR_ERR_NO_STORAGE_POOL, networkSummary, poolSummary, summariesOfListed } from './listing';
import { testDriverFile } from '../contract/connection-uri';
import {
  LIFECYCLE_EVENTS, type DomainRef, type DomainSummary, type DomainXmlRecord, type HostApi, type HostEvent, type MetadataType, type PoolSummary,
  type NetworkSummary, type MigrateRequest, type SnapshotCreateOptions, type SnapshotDeleteOptions, type SnapshotRecord, type SnapshotRevertOptions, type VolumeSummary,
} from './protocol';
import type { StoragePool, StorageVol, Network } from './binding';

const UNDEFINE = { MANAGED_SAVE: 1, SNAPSHOTS_METADATA: 2, NVRAM: 4, KEEP_NVRAM: 8, CHECKPOINTS_METADATA: 16, TPM: 32 };
const LIST_TRANSIENT = 1 << 3;
const LIST_MANAGEDSAVE = 1 << 8;
const LIST_AUTOSTART = 1 << 10;
const STREAM_READABLE = 1;
const STREAM_WRITABLE = 2;
const STREAM_ERROR = 4;
const STREAM_HANGUP = 8;
const CLOSE_REASONS = ['error', 'eof', 'keepalive', 'client'] as const;
const METADATA_TYPE: Record<MetadataType, number> = { description: 0, title: 1, element: 2 };
const AFFECT = { CURRENT: 0, LIVE: 1, CONFIG: 2 };
/** VIR_DOMAIN_VCPU_MAXIMUM and VIR_DOMAIN_MEM_MAXIMUM (both 4). */
const VCPU_MEM_MAXIMUM = 4;
const VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15;
const SNAPSHOT_CREATE = { DISK_ONLY: 16, ATOMIC: 128 };
const SNAPSHOT_LIST_TOPOLOGICAL = 1 << 10; // parents before children (libvirt-domain-snapshot.h)
const SNAPSHOT_REVERT = { RUNNING: 1, PAUSED: 2, FORCE: 4 };
const SNAPSHOT_DELETE = { CHILDREN: 1, METADATA_ONLY: 2 };

type Emit = (event: HostEvent) => void;

/** Opens the connection; a test-driver file that fails is described without libvirt's words (they quote the file). */
function openConnection(uri: string): Connection {
  try {
    // With a credential callback: a daemon or transport that asks gets its answer from the user.
    return Connection.openAuth(uri, connectAuth());
  } catch (e) {
    const file = testDriverFile(uri);
    if (file === null || !(e instanceof LibvirtError)) throw e;
    throw new LibvirtError(e.code, e.domain, testDriverFileMessage(file, fs.existsSync(file)), e.operation);
  }
}

interface ConsoleStream {
  stream: Stream;
  pending: Buffer[];
}

/** Native callbacks are registered once per process and routed by the opaque id (rule: never unregister). */
let activeService: HostService | null = null;
let callbacks: { lifecycle: unknown; reboot: unknown; close: unknown; stream: unknown; deviceRemoved: unknown } | null = null;
function nativeCallbacks(): NonNullable<typeof callbacks> {
  callbacks ??= {
    lifecycle: koffi.register((_c: unknown, dom: bigint, event: number, detail: number) => {
      activeService?.onLifecycle(dom, event, detail);
      return 0;
    }, koffi.pointer(DomainLifecycleCallback)),
    reboot: koffi.register((_c: unknown, dom: bigint) => activeService?.onReboot(dom), koffi.pointer(DomainGenericCallback)),
    close: koffi.register((_c: unknown, reason: number) => activeService?.onClose(reason), koffi.pointer(ConnectCloseCallback)),
    stream: koffi.register((_s: unknown, events: number, opaque: bigint | null) => activeService?.onStreamEvent(Number(opaque ?? 0), events),
      koffi.pointer(StreamEventCallback)),
    deviceRemoved: koffi.register((_c: unknown, dom: bigint, alias: string) => activeService?.onDeviceRemoved(dom, alias), koffi.pointer(DomainDeviceRemovedCallback)),
  };
  return callbacks;
}

export class HostService implements HostApi {
  private readonly consoles = new Map<number, ConsoleStream>();
  private nextStreamId = 1;
  private closed = false;

  private constructor(readonly conn: Connection, private readonly emit: Emit, private readonly onConnectionLost: () => void) {}

  static open(uri: string, emit: Emit, onConnectionLost: () => void): HostService {
    registerEventLoop();
    const conn = openConnection(uri);
    const svc = new HostService(conn, emit, onConnectionLost);
    activeService = svc;
    const cb = nativeCallbacks();
    // Keepalive makes a dead daemon or network noticed within ~15 s; drivers without it say no.
    try {
      conn.setKeepAlive(5, 3);
    } catch {
      /* local-only drivers such as test:/// have no keepalive */
    }
    if (lv.virConnectRegisterCloseCallback(conn.ptr, cb.close, null, null) < 0) lv.virResetLastError();
    if (lv.virConnectDomainEventRegisterAny(conn.ptr, null, 0, cb.lifecycle, null, null) < 0) throw lastError('subscribe to domain events');
    if (lv.virConnectDomainEventRegisterAny(conn.ptr, null, 1, cb.reboot, null, null) < 0) lv.virResetLastError();
    if (lv.virConnectDomainEventRegisterAny(conn.ptr, null, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, cb.deviceRemoved, null, null) < 0) lv.virResetLastError();
    return svc;
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.consoles.keys()]) this.streamClose(id);
    activeService = null;
    this.conn.close();
    stopEventLoop();
  }

  // ---- native event routing ----
  private domainIdentity(dom: bigint): { name: string; uuid: string } {
    const buf = Buffer.alloc(37);
    lv.virDomainGetUUIDString(dom, buf);
    return { name: lv.virDomainGetName(dom) as string, uuid: buf.toString('latin1', 0, 36) };
  }
  onLifecycle(dom: bigint, event: number, detail: number): void {
    const name = LIFECYCLE_EVENTS[event];
    if (!name) return;
    const id = this.domainIdentity(dom);
    // The summary rides along so the main side need not ask again for every event. It is read
    // after the callback has returned (libvirt calls from inside its callbacks are best avoided);
    // setImmediate keeps the events in order.
    setImmediate(() => this.emit({ type: 'domain-lifecycle', ...id, event: name, detail, ...this.summaryAfterEvent(id.uuid, name) }));
  }
  onReboot(dom: bigint): void {
    const id = this.domainIdentity(dom);
    setImmediate(() => this.emit({ type: 'domain-reboot', ...id, ...this.summaryAfterEvent(id.uuid, 'rebooted') }));
  }
  onDeviceRemoved(dom: bigint, alias: string): void {
    const id = this.domainIdentity(dom);
    setImmediate(() => this.emit({ type: 'domain-device-removed', ...id, alias }));
  }
  private summaryAfterEvent(uuid: string, event: string): { summary?: DomainSummary } {
    if (this.closed || event === 'undefined') return {};
    try {
      return { summary: this.lookupDomain({ uuid }) };
    } catch {
      return {}; // gone meanwhile (a transient domain that stopped)
    }
  }
  onClose(reason: number): void {
    this.emit({ type: 'connection-closed', reason: CLOSE_REASONS[reason] ?? 'error' });
    this.onConnectionLost();
  }
  onStreamEvent(id: number, events: number): void {
    const c = this.consoles.get(id);
    if (!c) return;
    try {
      if (events & STREAM_READABLE) {
        for (;;) {
          const chunk = c.stream.recv();
          if (chunk === null) break;
          if (chunk.length === 0) return this.endStream(id);
          this.emit({ type: 'stream-data', streamId: id, data: new Uint8Array(chunk) });
        }
      }
      if (events & STREAM_WRITABLE) this.flushStream(id, c);
      if (events & (STREAM_ERROR | STREAM_HANGUP)) this.endStream(id, events & STREAM_ERROR ? 'console stream error' : undefined);
    } catch (e) {
      this.endStream(id, (e as Error).message);
    }
  }

  // ---- helpers ----
  private domain(ref: DomainRef): Domain {
    return 'uuid' in ref ? this.conn.domainByUuid(ref.uuid) : this.conn.domainByName(ref.name);
  }
  private withDomain<T>(ref: DomainRef, fn: (d: Domain) => T): T {
    const d = this.domain(ref);
    try {
      return fn(d);
    } finally {
      d.close();
    }
  }
  private withPool<T>(name: string, fn: (p: StoragePool) => T): T {
    const p = this.conn.poolByName(name);
    try {
      return fn(p);
    } finally {
      p.close();
    }
  }
  private withNetwork<T>(name: string, fn: (n: Network) => T): T {
    const n = this.conn.networkByName(name);
    try {
      return fn(n);
    } finally {
      n.close();
    }
  }
  private summarize(d: Domain, flags?: { transient: Set<string>; managed: Set<string>; autostart: Set<string> }): DomainSummary {
    const info = d.info();
    const st = d.state();
    const uuid = d.uuid;
    return {
      name: d.name,
      uuid,
      id: d.id,
      state: st.state,
      stateReason: st.reason,
      persistent: flags ? !flags.transient.has(uuid) : d.isPersistent(),
      autostart: flags ? flags.autostart.has(uuid) : d.autostart(),
      hasManagedSave: flags ? flags.managed.has(uuid) : d.hasManagedSave(),
      vcpus: info.vcpus,
      memoryKiB: info.memoryKiB,
      maxMemoryKiB: info.maxMemoryKiB,
      cpuTimeNs: info.cpuTimeNs,
    };
  }
  private uuidsWith(flag: number): Set<string> {
    const doms = this.conn.domains(flag);
    try {
      return new Set(doms.map((d) => d.uuid));
    } catch {
      return new Set();
    } finally {
      closeAll(doms);
    }
  }

  // ---- HostApi ----
  connectionInfo() {
    return {
      uri: this.conn.canonicalUri(),
      hostname: this.conn.hostname(),
      hypervisorType: this.conn.hypervisorType(),
      libVersion: this.conn.libVersion(),
      hypervisorVersion: this.conn.hypervisorVersion(),
    };
  }
  capabilities() {
    return this.conn.capabilities();
  }
  domainCapabilities(o: { emulator?: string; arch?: string; machine?: string; virttype?: string }) {
    return this.conn.domainCapabilities(o ?? {});
  }
  nodeInfo() {
    return this.conn.nodeInfo();
  }
  nodeFreeMemory() {
    return this.conn.freeMemoryBytes();
  }
  nodeCpuTimes() {
    return this.conn.nodeCpuTimes();
  }

  listDomains(): DomainSummary[] {
    // Persistence, autostart and managed save come from filtered lists: 3 calls instead of 3 per domain.
    const flags = { transient: this.uuidsWith(LIST_TRANSIENT), managed: this.uuidsWith(LIST_MANAGEDSAVE), autostart: this.uuidsWith(LIST_AUTOSTART) };
    const doms = this.conn.domains();
    try {
      const out: DomainSummary[] = [];
      for (const d of doms) {
        try {
          out.push(this.summarize(d, flags));
        } catch {
          /* undefined while we listed it */
        }
      }
      return out;
    } finally {
      closeAll(doms);
    }
  }
  domainStats(groups = STATS.STATE | STATS.CPU_TOTAL | STATS.BALLOON | STATS.VCPU) {
    try {
      return this.conn.allDomainStats(groups);
    } catch (e) {
      // LXC has no bulk stats (VIR_ERR_NO_SUPPORT): the basics from each domain's info.
      if (!(e instanceof LibvirtError) || e.code !== 3) throw e;
      return this.statsFromInfo();
    }
  }
  private statsFromInfo() {
    const order = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'];
    const doms = this.conn.domains();
    try {
      return doms.flatMap((d) => {
        try {
          const { name, uuid } = this.summarize(d);
          const i = d.info();
          return [{ name, uuid, params: { 'state.state': order.indexOf(i.state), 'cpu.time': i.cpuTimeNs, 'balloon.current': i.memoryKiB, 'balloon.maximum': i.maxMemoryKiB, 'vcpu.current': i.vcpus } }];
        } catch {
          return []; // undefined while we listed it
        }
      });
    } finally {
      closeAll(doms);
    }
  }
  lookupDomain(ref: DomainRef) {
    return this.withDomain(ref, (d) => this.summarize(d));
  }
  domainState(ref: DomainRef) {
    return this.withDomain(ref, (d) => d.state());
  }
  domainInfo(ref: DomainRef) {
    return this.withDomain(ref, (d) => d.info());
  }
  domainXml(ref: DomainRef, o: { inactive?: boolean; secure?: boolean } = {}) {
    return this.withDomain(ref, (d) => d.xml((o.secure ? 1 : 0) | (o.inactive ? 2 : 0)));
  }
  defineDomain(xml: string) {
    const d = this.conn.defineDomain(xml);
    try {
      return this.summarize(d);
    } finally {
      d.close();
    }
  }
  createDomain(xml: string) {
    const d = this.conn.createDomain(xml);
    try {
      return this.summarize(d);
    } finally {
      d.close();
    }
  }
  undefineDomain(ref: DomainRef, o: { nvram?: boolean; managedSave?: boolean; snapshotsMetadata?: boolean; checkpointsMetadata?: boolean; tpm?: boolean } = {}) {
    const flags = (o.managedSave ? UNDEFINE.MANAGED_SAVE : 0) | (o.snapshotsMetadata ? UNDEFINE.SNAPSHOTS_METADATA : 0) |
      (o.checkpointsMetadata ? UNDEFINE.CHECKPOINTS_METADATA : 0) | (o.tpm ? UNDEFINE.TPM : 0);
    this.withDomain(ref, (d) => {
      if (o.nvram) return d.undefine(flags | UNDEFINE.NVRAM);
      // Keep NVRAM unless asked: QEMU refuses to undefine a UEFI domain without one of the two
      // flags, while drivers without NVRAM support (test:///) refuse the flag itself.
      try {
        d.undefine(flags | UNDEFINE.KEEP_NVRAM);
      } catch (e) {
        if (!(e instanceof LibvirtError) || ![3, 8, 74, 84].includes(e.code)) throw e;
        d.undefine(flags);
      }
    });
  }
  startDomain(ref: DomainRef, o: { paused?: boolean } = {}) {
    this.withDomain(ref, (d) => d.create(o.paused ? 1 : 0));
  }
  shutdownDomain(ref: DomainRef) {
    this.withDomain(ref, (d) => d.shutdown());
  }
  rebootDomain(ref: DomainRef) {
    this.withDomain(ref, (d) => d.reboot());
  }
  destroyDomain(ref: DomainRef) {
    this.withDomain(ref, (d) => d.destroy());
  }
  suspendDomain(ref: DomainRef) {
    this.withDomain(ref, (d) => d.suspend());
  }
  resumeDomain(ref: DomainRef) {
    this.withDomain(ref, (d) => d.resume());
  }
  managedSaveDomain(ref: DomainRef) {
    this.withDomain(ref, (d) => d.managedSave());
  }
  managedSaveRemove(ref: DomainRef) {
    this.withDomain(ref, (d) => d.managedSaveRemove());
  }
  setDomainAutostart(ref: DomainRef, on: boolean) {
    this.withDomain(ref, (d) => d.setAutostart(on));
  }
  attachDevice(ref: DomainRef, xml: string, flags: number) {
    this.withDomain(ref, (d) => d.attachDevice(xml, flags));
  }
  detachDevice(ref: DomainRef, xml: string, flags: number) {
    this.withDomain(ref, (d) => d.detachDevice(xml, flags));
  }
  updateDevice(ref: DomainRef, xml: string, flags: number) {
    this.withDomain(ref, (d) => d.updateDevice(xml, flags));
  }
  setDomainVcpus(ref: DomainRef, count: number, o: { flags: number; maximum?: boolean }) {
    this.withDomain(ref, (d) => d.setVcpus(count, o.flags | (o.maximum ? VCPU_MEM_MAXIMUM : 0)));
  }
  setDomainMemory(ref: DomainRef, kib: number, o: { flags: number; maximum?: boolean }) {
    this.withDomain(ref, (d) => d.setMemory(kib, o.flags | (o.maximum ? VCPU_MEM_MAXIMUM : 0)));
  }
  renameDomain(ref: DomainRef, newName: string) {
    this.withDomain(ref, (d) => d.rename(newName));
  }
  resizeDomainBlock(ref: DomainRef, disk: string, bytes: number) {
    this.withDomain(ref, (d) => d.blockResize(disk, bytes));
  }
  listNodeDevices(o: { types?: ('usb' | 'pci')[] } = {}) {
    const flags = (o.types ?? []).reduce((f, t) => f | NODE_DEVICE_CAP[t], 0);
    const devs = this.conn.nodeDevices(flags);
    try {
      const out: { name: string; xml: string }[] = [];
      for (const d of devs) {
        try {
          out.push({ name: d.name, xml: d.xml() });
        } catch {
          /* unplugged while we listed it */
        }
      }
      return out;
    } finally {
      closeAll(devs);
    }
  }
  screenshot(ref: DomainRef, screen = 0) {
    return this.withDomain(ref, (d) => {
      const shot = this.conn.screenshot(d, screen);
      return { mime: shot.mime, data: new Uint8Array(shot.data) };
    });
  }
  sendKey(ref: DomainRef, codeset: number, holdtimeMs: number, keycodes: number[]) {
    this.withDomain(ref, (d) => d.sendKey(codeset, holdtimeMs, keycodes));
  }

  openConsole(ref: DomainRef, o: { device?: string; force?: boolean } = {}) {
    return this.withDomain(ref, (d) => {
      const stream = this.conn.newStream(true);
      const id = this.nextStreamId++;
      try {
        // LXC accepts no flags at all (no FORCE, no SAFE): ConsoleSessions takes over instead.
        const flags = this.conn.hypervisorType() === 'LXC' ? 0 : o.force ? 1 : 2;
        if (lv.virDomainOpenConsole(d.ptr, o.device ?? null, stream.ptr, flags) < 0) throw lastError(() => `open the serial console of '${d.name}'`);
        if (lv.virStreamEventAddCallback(stream.ptr, STREAM_READABLE | STREAM_ERROR | STREAM_HANGUP, nativeCallbacks().stream, BigInt(id), null) < 0) {
          throw lastError('watch the console stream');
        }
      } catch (e) {
        stream.close();
        throw e;
      }
      this.consoles.set(id, { stream, pending: [] });
      return { streamId: id };
    });
  }
  streamWrite(streamId: number, data: Uint8Array) {
    const c = this.consoles.get(streamId);
    if (!c) throw new Error(`console stream ${streamId} is closed`);
    c.pending.push(Buffer.from(data));
    this.flushStream(streamId, c);
  }
  private flushStream(id: number, c: ConsoleStream): void {
    while (c.pending.length) {
      const head = c.pending[0];
      const n = c.stream.send(head);
      if (n === 0) break;
      if (n < head.length) c.pending[0] = head.subarray(n);
      else c.pending.shift();
    }
    const events = STREAM_READABLE | STREAM_ERROR | STREAM_HANGUP | (c.pending.length ? STREAM_WRITABLE : 0);
    lv.virStreamEventUpdateCallback(c.stream.ptr, events);
  }
  private endStream(id: number, error?: string): void {
    if (!this.consoles.has(id)) return;
    this.streamClose(id);
    this.emit({ type: 'stream-end', streamId: id, ...(error ? { error } : {}) });
  }
  streamClose(streamId: number) {
    const c = this.consoles.get(streamId);
    if (!c) return;
    this.consoles.delete(streamId);
    lv.virStreamEventRemoveCallback(c.stream.ptr);
    c.stream.abort();
    c.stream.close();
  }

  openGraphics(ref: DomainRef, o: { index?: number } = {}) {
    const fd = this.withDomain(ref, (d) => d.openGraphicsFd(o.index ?? 0, 0));
    return { path: serveSocketOnce(new net.Socket({ fd, readable: true, writable: true })) };
  }

  // ---- storage ----
  private poolSummary(p: StoragePool): PoolSummary {
    return poolSummary(p);
  }
  private volumeSummary(v: StorageVol): VolumeSummary {
    const i = v.info();
    return { name: v.name, key: v.key, path: v.path, type: i.type, capacity: i.capacity, allocation: i.allocation };
  }
  listPools() {
    const pools = this.conn.pools();
    try {
      return summariesOfListed(pools, poolSummary, VIR_ERR_NO_STORAGE_POOL);
    } finally {
      closeAll(pools);
    }
  }
  definePool(xml: string, o: { build?: boolean; start?: boolean; autostart?: boolean; validate?: boolean } = {}) {
    const p = this.conn.definePool(xml, o.validate ? 1 : 0);
    try {
      if (o.build) p.build();
      if (o.start) p.start();
      if (o.autostart) p.setAutostart(true);
      return this.poolSummary(p);
    } finally {
      p.close();
    }
  }
  startPool(name: string) {
    this.withPool(name, (p) => p.start());
  }
  stopPool(name: string) {
    this.withPool(name, (p) => p.destroy());
  }
  undefinePool(name: string) {
    this.withPool(name, (p) => p.undefine());
  }
  refreshPool(name: string) {
    this.withPool(name, (p) => p.refresh());
  }
  setPoolAutostart(name: string, on: boolean) {
    this.withPool(name, (p) => p.setAutostart(on));
  }
  poolXml(name: string, o: { inactive?: boolean } = {}) {
    return this.withPool(name, (p) => p.xml(o.inactive ? 1 : 0));
  }
  listVolumes(pool: string) {
    return this.withPool(pool, (p) => {
      const vols = p.volumes();
      try {
        return vols.map((v) => this.volumeSummary(v));
      } finally {
        closeAll(vols);
      }
    });
  }
  private withVolume<T>(pool: string, name: string, fn: (v: StorageVol) => T): T {
    return this.withPool(pool, (p) => {
      const v = p.volume(name);
      try {
        return fn(v);
      } finally {
        v.close();
      }
    });
  }
  createVolume(pool: string, xml: string, o: { from?: { path: string } } = {}) {
    return this.withPool(pool, (p) => {
      let v: StorageVol;
      if (o.from) {
        const source = this.conn.volumeByPath(o.from.path);
        try {
          v = p.createVolumeFrom(xml, source);
        } finally {
          source.close();
        }
      } else {
        v = p.createVolume(xml);
      }
      try {
        return this.volumeSummary(v);
      } finally {
        v.close();
      }
    });
  }
  deleteVolume(pool: string, name: string) {
    this.withVolume(pool, name, (v) => v.delete());
  }
  uploadVolume(pool: string, name: string, file: string) {
    const data = fs.readFileSync(file);
    this.withVolume(pool, name, (v) => {
      const st = this.conn.newStream(false);
      try {
        v.upload(st, data);
      } finally {
        st.close();
      }
    });
  }
  volumeInfo(pool: string, name: string) {
    return this.withVolume(pool, name, (v) => this.volumeSummary(v));
  }
  resizeVolume(pool: string, name: string, capacityBytes: number) {
    this.withVolume(pool, name, (v) => v.resize(capacityBytes));
  }
  volumeXml(pool: string, name: string) {
    return this.withVolume(pool, name, (v) => v.xml());
  }
  allDomainXml(): DomainXmlRecord[] {
    const doms = this.conn.domains();
    try {
      const out: DomainXmlRecord[] = [];
      for (const d of doms) {
        try {
          const active = d.id !== -1;
          const persistent = d.isPersistent();
          const rec: DomainXmlRecord = { name: d.name, uuid: d.uuid, active, persistent, xml: d.xml(0) };
          if (active && persistent) rec.inactiveXml = d.xml(2 /* VIR_DOMAIN_XML_INACTIVE */);
          out.push(rec);
        } catch {
          /* undefined while we listed it */
        }
      }
      return out;
    } finally {
      closeAll(doms);
    }
  }

  // ---- metadata ----
  domainMetadata(ref: DomainRef, o: { type: MetadataType; uri?: string; inactive?: boolean }) {
    return this.withDomain(ref, (d) => d.metadata(METADATA_TYPE[o.type], o.type === 'element' ? o.uri ?? null : null, o.inactive ? AFFECT.CONFIG : AFFECT.CURRENT));
  }
  setDomainMetadata(ref: DomainRef, o: { type: MetadataType; value: string | null; key?: string; uri?: string; live?: boolean; config?: boolean }) {
    const flags = (o.live ? AFFECT.LIVE : 0) | (o.config ? AFFECT.CONFIG : 0);
    const element = o.type === 'element';
    this.withDomain(ref, (d) => d.setMetadata(METADATA_TYPE[o.type], o.value, element ? o.key ?? null : null, element ? o.uri ?? null : null, flags));
  }

  // ---- snapshots ----
  private snapshotRecord(s: DomainSnapshot): SnapshotRecord {
    return { name: s.name, xml: s.xml(), parent: s.parentName(), current: s.isCurrent(), hasMetadata: s.hasMetadata() };
  }
  private withSnapshot<T>(ref: DomainRef, name: string, fn: (s: DomainSnapshot) => T): T {
    return this.withDomain(ref, (d) => {
      const s = d.snapshot(name);
      try {
        return fn(s);
      } finally {
        s.close();
      }
    });
  }
  listSnapshots(ref: DomainRef) {
    return this.withDomain(ref, (d) => {
      const snaps = d.snapshots(SNAPSHOT_LIST_TOPOLOGICAL);
      try {
        return snaps.map((s) => this.snapshotRecord(s));
      } finally {
        closeAll(snaps);
      }
    });
  }
  snapshotInfo(ref: DomainRef, name: string) {
    return this.withSnapshot(ref, name, (s) => this.snapshotRecord(s));
  }
  createSnapshot(ref: DomainRef, xml: string, o: SnapshotCreateOptions = {}) {
    const flags = (o.diskOnly ? SNAPSHOT_CREATE.DISK_ONLY : 0) | (o.atomic ? SNAPSHOT_CREATE.ATOMIC : 0);
    return this.withDomain(ref, (d) => {
      const s = d.createSnapshot(xml, flags);
      try {
        return this.snapshotRecord(s);
      } finally {
        s.close();
      }
    });
  }
  revertSnapshot(ref: DomainRef, name: string, o: SnapshotRevertOptions = {}) {
    const flags = (o.running ? SNAPSHOT_REVERT.RUNNING : 0) | (o.paused ? SNAPSHOT_REVERT.PAUSED : 0) | (o.force ? SNAPSHOT_REVERT.FORCE : 0);
    this.withSnapshot(ref, name, (s) => s.revert(flags));
  }
  deleteSnapshot(ref: DomainRef, name: string, o: SnapshotDeleteOptions = {}) {
    const flags = (o.children ? SNAPSHOT_DELETE.CHILDREN : 0) | (o.metadataOnly ? SNAPSHOT_DELETE.METADATA_ONLY : 0);
    this.withSnapshot(ref, name, (s) => s.delete(flags));
  }

  // ---- networks ----
  private networkSummary(n: Network): NetworkSummary {
    return networkSummary(n);
  }
  listNetworks() {
    const nets = this.conn.networks();
    try {
      return summariesOfListed(nets, networkSummary, VIR_ERR_NO_NETWORK);
    } finally {
      closeAll(nets);
    }
  }
  defineNetwork(xml: string, o: { validate?: boolean } = {}) {
    const n = this.conn.defineNetwork(xml, o.validate ? 1 : 0);
    try {
      return this.networkSummary(n);
    } finally {
      n.close();
    }
  }
  startNetwork(name: string) {
    this.withNetwork(name, (n) => n.start());
  }
  stopNetwork(name: string) {
    this.withNetwork(name, (n) => n.destroy());
  }
  undefineNetwork(name: string) {
    this.withNetwork(name, (n) => n.undefine());
  }
  setNetworkAutostart(name: string, on: boolean) {
    this.withNetwork(name, (n) => n.setAutostart(on));
  }
  networkXml(name: string, o: { inactive?: boolean } = {}) {
    return this.withNetwork(name, (n) => n.xml(o.inactive ? 1 : 0));
  }

  // ---- migration ----
  migrateDomain(ref: DomainRef, o: MigrateRequest) {
    this.withDomain(ref, (d) => {
      if (o.peerToPeer) return d.migrateToUri(o.destination, o.params, o.flags);
      const dest = openConnection(o.destination);
      try {
        d.migrateTo(dest, o.params, o.flags);
      } finally {
        dest.close();
      }
    });
  }
  domainJobStats(ref: DomainRef) {
    return this.withDomain(ref, (d) => d.jobStats());
  }
  abortDomainJob(ref: DomainRef) {
    this.withDomain(ref, (d) => d.abortJob());
  }
  compareCpu(xml: string, o: { arch?: string; machine?: string; virttype?: string }) {
    const result = this.conn.compareHypervisorCpu(xml, o);
    if (result !== 0) return { result };
    try {
      this.conn.compareHypervisorCpu(xml, o, 1 /* VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE: the error names what is missing */);
      return { result };
    } catch (e) {
      return { result, detail: e instanceof LibvirtError ? e.libvirtMessage : String(e) };
    }
  }
}

/**
 * Exposes an already-connected socket (e.g. the guest's VNC fd) on a Unix socket in a private
 * 0700 folder, for exactly one client; gone after that client or after 15 s unused.
 */
function serveSocketOnce(upstream: net.Socket): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-gfx-'));
  const sockPath = path.join(dir, 'sock');
  const cleanup = (): void => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const server = net.createServer({ pauseOnConnect: false }, (client) => {
    clearTimeout(timer);
    cleanup();
    client.setNoDelay?.(true);
    upstream.pipe(client);
    client.pipe(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  const timer = setTimeout(() => {
    cleanup();
    upstream.destroy();
  }, 15_000);
  server.listen(sockPath);
  return sockPath;
}
