// The Add hardware dialog's disk and NIC forms, checked and turned into vm.attachDisk /
// vm.attachNic input. Pure.
import type { FormProblem } from '../../common/form-problem';
import { parseDiskGiB } from '../../common/sizes';
import { checkSizeField } from '../../storage/storage-logic';
import { checkAbsolutePath, checkBridge, checkDiskSerial, checkMac } from './hardware-logic';

export interface DiskForm {
  source: 'new' | 'volume' | 'file';
  pool: string;
  size: string;
  format: 'qcow2' | 'raw';
  volume: string;
  path: string;
  bus: 'virtio' | 'sata' | 'scsi';
  cache: '' | 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe';
  discard: '' | 'unmap' | 'ignore';
  readonly: boolean;
  shareable: boolean;
  serial: string;
}

export interface NicForm {
  type: 'network' | 'bridge' | 'user';
  network: string;
  bridge: string;
  model: 'virtio' | 'e1000e' | 'e1000' | 'rtl8139';
  mac: string;
}

export const emptyDiskForm = (): DiskForm => ({ source: 'new', pool: '', size: '1', format: 'qcow2', volume: '', path: '', bus: 'virtio', cache: '', discard: '', readonly: false, shareable: false, serial: '' });
export const emptyNicForm = (): NicForm => ({ type: 'network', network: '', bridge: '', model: 'virtio', mac: '' });

type DiskSource = { pool: string; volume: string } | { path: string } | { newVolume: { pool: string; sizeGiB: number; format: 'qcow2' | 'raw' } };
export interface AttachDiskInput {
  source: DiskSource;
  bus: DiskForm['bus'];
  cache?: Exclude<DiskForm['cache'], ''>;
  discard?: Exclude<DiskForm['discard'], ''>;
  readonly?: true;
  shareable?: true;
  serial?: string;
}

export function checkDiskForm(f: DiskForm): { disk: AttachDiskInput } | FormProblem {
  let source: DiskSource;
  if (f.source === 'new') {
    if (!f.pool) return { key: 'hw.check.poolRequired', field: 'pool' };
    const size = checkSizeField(f.size);
    if (size) return size;
    source = { newVolume: { pool: f.pool, sizeGiB: parseDiskGiB(f.size)!, format: f.format } };
  } else if (f.source === 'volume') {
    if (!f.pool) return { key: 'hw.check.poolRequired', field: 'pool' };
    if (!f.volume) return { key: 'hw.check.volumeRequired', field: 'volume' };
    source = { pool: f.pool, volume: f.volume };
  } else {
    const p = checkAbsolutePath(f.path, 'path');
    if (p) return p;
    source = { path: f.path.trim() };
  }
  const serial = checkDiskSerial(f.serial);
  if (serial) return serial;
  if (f.shareable && f.cache !== 'none') return { key: 'hw.check.shareableCache', field: 'cache' };
  return {
    disk: {
      source,
      bus: f.bus,
      ...(f.cache ? { cache: f.cache } : {}),
      ...(f.discard ? { discard: f.discard } : {}),
      ...(f.readonly ? { readonly: true as const } : {}),
      ...(f.shareable ? { shareable: true as const } : {}),
      ...(f.serial ? { serial: f.serial } : {}),
    },
  };
}

export interface AttachNicInput {
  source: { type: 'network'; network: string } | { type: 'bridge'; bridge: string } | { type: 'user' };
  model: NicForm['model'];
  mac?: string;
}

export function checkNicForm(f: NicForm): { nic: AttachNicInput } | FormProblem {
  let source: AttachNicInput['source'];
  if (f.type === 'network') {
    if (!f.network) return { key: 'hw.check.networkRequired', field: 'network' };
    source = { type: 'network', network: f.network };
  } else if (f.type === 'bridge') {
    const b = checkBridge(f.bridge.trim());
    if (b) return b;
    source = { type: 'bridge', bridge: f.bridge.trim() };
  } else {
    source = { type: 'user' };
  }
  const mac = checkMac(f.mac);
  if (mac) return mac;
  return { nic: { source, model: f.model, ...(f.mac.trim() ? { mac: f.mac.trim().toLowerCase() } : {}) } };
}

// ---- changing an existing NIC or disk (vm.updateNic / vm.updateDisk) ----

/** The NIC editor's form from the interface's XML properties, or null for kinds it does not change (direct, hostdev…). */
export function nicFormFromProps(p: Record<string, string>): NicForm | null {
  const type = p.type;
  if (type !== 'network' && type !== 'bridge' && type !== 'user') return null;
  return { type, network: p['source.network'] ?? '', bridge: p['source.bridge'] ?? '', model: (p['model.type'] ?? 'virtio') as NicForm['model'], mac: p['mac.address'] ?? '' };
}

export interface UpdateNicInput {
  source?: AttachNicInput['source'];
  model?: NicForm['model'];
  newMac?: string;
}

/** What the form changes on the interface, as vm.updateNic input (empty when nothing), or the problem. An empty MAC keeps it. */
export function nicChanges(before: NicForm, f: NicForm): { change: UpdateNicInput } | FormProblem {
  const checked = checkNicForm(f);
  if ('key' in checked) return checked;
  const sameSource = before.type === f.type && (f.type !== 'network' || before.network === f.network) && (f.type !== 'bridge' || before.bridge === f.bridge.trim());
  const mac = f.mac.trim().toLowerCase();
  return {
    change: {
      ...(sameSource ? {} : { source: checked.nic.source }),
      ...(f.model !== before.model ? { model: f.model } : {}),
      ...(mac && mac !== before.mac.toLowerCase() ? { newMac: mac } : {}),
    },
  };
}

/** Where a NIC change applies: a move between virtual networks and bridges also now (live `type`); anything else at the next boot. */
export function nicChangeWhere(liveType: string, c: UpdateNicInput, running: boolean): 'both' | 'config' {
  const tap = (t: string | undefined) => t === 'network' || t === 'bridge';
  return running && c.model === undefined && c.newMac === undefined && (!c.source || (tap(liveType) && tap(c.source.type))) ? 'both' : 'config';
}

export interface DiskSettingsForm {
  bus: string;
  cache: string;
  discard: string;
  readonly: boolean;
  shareable: boolean;
  serial: string;
}

export function diskFormFromProps(p: Record<string, string>): DiskSettingsForm {
  return { bus: p['target.bus'] ?? '', cache: p['driver.cache'] ?? '', discard: p['driver.discard'] ?? '', readonly: 'readonly' in p, shareable: 'shareable' in p, serial: p.serial ?? '' };
}

export interface UpdateDiskInput {
  bus?: 'virtio' | 'sata' | 'scsi';
  cache?: 'default' | 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe';
  discard?: 'default' | 'unmap' | 'ignore';
  readonly?: boolean;
  shareable?: boolean;
  serial?: string | null;
}

/** What the form changes on the disk, as vm.updateDisk input (empty when nothing), or the problem. */
export function diskChanges(before: DiskSettingsForm, f: DiskSettingsForm): { change: UpdateDiskInput } | FormProblem {
  const serial = f.serial.trim();
  const bad = checkDiskSerial(serial);
  if (bad) return bad;
  if (f.shareable && f.cache !== 'none') return { key: 'hw.check.shareableCache', field: 'cache' };
  return {
    change: {
      ...(f.bus !== before.bus ? { bus: f.bus as UpdateDiskInput['bus'] } : {}),
      ...(f.cache !== before.cache ? { cache: (f.cache || 'default') as UpdateDiskInput['cache'] } : {}),
      ...(f.discard !== before.discard ? { discard: (f.discard || 'default') as UpdateDiskInput['discard'] } : {}),
      ...(f.readonly !== before.readonly ? { readonly: f.readonly } : {}),
      ...(f.shareable !== before.shareable ? { shareable: f.shareable } : {}),
      ...(serial !== before.serial ? { serial: serial || null } : {}),
    },
  };
}
