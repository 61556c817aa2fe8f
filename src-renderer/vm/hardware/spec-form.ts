// The form behind a device spec (vm.addDevice / vm.updateDevice): every field as text or a flag,
// a spec read back into the form, and the form checked and turned into a spec. Pure.
import type { DeviceSpecInput, DeviceSpecKind } from '../../../src-main/contract';
import type { FormProblem } from '../../common/form-problem';
import { checkAbsolutePath, checkCount, checkListen, checkMountTag } from './hardware-logic';

export interface SpecForm {
  /** graphics vnc|spice, input tablet|mouse|keyboard. */
  type: string;
  listen: string;
  autoport: boolean;
  port: string;
  /** video, sound, tpm, watchdog, controller models. */
  model: string;
  vramKiB: string;
  heads: string;
  /** input bus. */
  bus: string;
  /** console target serial|virtio; filesystem mount tag. */
  target: string;
  channel: string;
  /** rng source; filesystem host folder. */
  source: string;
  action: string;
  driver: string;
  readonly: boolean;
  accessMode: string;
}

/** Kinds the Add hardware dialog offers through a spec (disks, NICs and host devices have their own forms). */
export const SPEC_KINDS = ['graphics', 'video', 'sound', 'input', 'serial', 'console', 'channel', 'tpm', 'rng', 'watchdog', 'controller', 'filesystem'] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];

/** The choices of each select, as the contract allows them. */
export const CHOICES = {
  graphicsType: ['vnc', 'spice'],
  videoModel: ['virtio', 'qxl', 'vga', 'bochs', 'ramfb', 'none'],
  soundModel: ['ich9', 'ich6', 'ac97'],
  inputType: ['tablet', 'mouse', 'keyboard'],
  inputBus: ['usb', 'virtio', 'ps2'],
  consoleTarget: ['virtio', 'serial'],
  channel: ['guest-agent', 'spice-vdagent'],
  tpmModel: ['tpm-crb', 'tpm-tis'],
  rngSource: ['/dev/urandom', '/dev/random'],
  watchdogModel: ['i6300esb', 'itco'],
  watchdogAction: ['reset', 'shutdown', 'poweroff', 'pause', 'none', 'dump', 'inject-nmi'],
  usbModel: ['qemu-xhci', 'nec-xhci', 'ich9-ehci1', 'piix3-uhci', 'piix4-uhci', 'ich9-uhci1'],
  fsDriver: ['virtiofs', '9p'],
  accessMode: ['', 'mapped', 'passthrough', 'squash'],
} as const;

export function emptyForm(kind: SpecKind): SpecForm {
  const f: SpecForm = { type: '', listen: '127.0.0.1', autoport: true, port: '', model: '', vramKiB: '', heads: '', bus: '', target: '', channel: 'guest-agent', source: '', action: 'reset', driver: 'virtiofs', readonly: false, accessMode: '' };
  switch (kind) {
    case 'graphics': return { ...f, type: 'vnc' };
    case 'video': return { ...f, model: 'virtio' };
    case 'sound': return { ...f, model: 'ich9' };
    case 'input': return { ...f, type: 'tablet', bus: 'usb' };
    case 'console': return { ...f, target: 'virtio' };
    case 'tpm': return { ...f, model: 'tpm-crb' };
    case 'rng': return { ...f, source: '/dev/urandom' };
    case 'watchdog': return { ...f, model: 'i6300esb' };
    case 'controller': return { ...f, model: 'qemu-xhci' };
    case 'filesystem': return { ...f, target: 'share' };
    default: return f;
  }
}

/** A device's spec (from vm.hardware) as the form. */
export function formFromSpec(spec: DeviceSpecInput): SpecForm {
  const f = emptyForm((SPEC_KINDS as readonly string[]).includes(spec.kind) ? (spec.kind as SpecKind) : 'serial');
  const s = spec as Record<string, unknown>;
  const str = (k: string) => (s[k] === undefined || s[k] === null ? undefined : String(s[k]));
  return {
    ...f,
    ...(str('type') !== undefined ? { type: str('type')! } : {}),
    ...(str('listen') !== undefined ? { listen: str('listen')! } : {}),
    ...(typeof s.autoport === 'boolean' ? { autoport: s.autoport } : {}),
    ...(str('port') !== undefined ? { port: str('port')! } : {}),
    ...(str('model') !== undefined ? { model: str('model')! } : {}),
    ...(str('vramKiB') !== undefined ? { vramKiB: str('vramKiB')! } : {}),
    ...(str('heads') !== undefined ? { heads: str('heads')! } : {}),
    ...(str('bus') !== undefined ? { bus: str('bus')! } : {}),
    ...(str('target') !== undefined ? { target: str('target')! } : {}),
    ...(str('channel') !== undefined ? { channel: str('channel')! } : {}),
    ...(spec.kind !== 'hostdev' && str('source') !== undefined ? { source: str('source')! } : {}),
    ...(str('action') !== undefined ? { action: str('action')! } : {}),
    ...(str('driver') !== undefined ? { driver: str('driver')! } : {}),
    ...(typeof s.readonly === 'boolean' ? { readonly: s.readonly } : {}),
    ...(str('accessMode') !== undefined ? { accessMode: str('accessMode')! } : {}),
  };
}

/** Video models whose memory size can be set (libvirt refuses vram for the others). */
export const hasVideoMemory = (model: string): boolean => ['qxl', 'vga', 'bochs'].includes(model);

type Checked = { spec: DeviceSpecInput } | FormProblem;

function optionalCount(text: string, field: string, min: number, max: number): { n?: number } | FormProblem {
  if (text.trim() === '') return {};
  return checkCount(text, field, min, max);
}

/** The form as a spec of `kind`, or the first problem (the field it is about). */
export function specFromForm(kind: SpecKind, f: SpecForm): Checked {
  switch (kind) {
    case 'graphics': {
      const listen = checkListen(f.listen);
      if (listen) return listen;
      if (f.autoport) return { spec: { kind, type: f.type as 'vnc', listen: f.listen, autoport: true } };
      const port = checkCount(f.port, 'port', 5900, 65535);
      if ('key' in port) return port;
      return { spec: { kind, type: f.type as 'vnc', listen: f.listen, autoport: false, port: port.n } };
    }
    case 'video': {
      const vram = hasVideoMemory(f.model) ? optionalCount(f.vramKiB, 'vramKiB', 1024, 1048576) : {};
      if ('key' in vram) return vram;
      const heads = optionalCount(f.heads, 'heads', 1, 16);
      if ('key' in heads) return heads;
      const withVram = hasVideoMemory(f.model) && vram.n !== undefined;
      return { spec: { kind, model: f.model as 'virtio', ...(withVram ? { vramKiB: vram.n } : {}), ...(heads.n !== undefined ? { heads: heads.n } : {}) } };
    }
    case 'sound':
      return { spec: { kind, model: f.model as 'ich9' } };
    case 'input':
      if (f.type === 'tablet' && f.bus === 'ps2') return { key: 'hw.check.tabletPs2', field: 'bus' };
      return { spec: { kind, type: f.type as 'tablet', bus: f.bus as 'usb' } };
    case 'serial':
      return { spec: { kind, type: 'pty' } };
    case 'console':
      return { spec: { kind, type: 'pty', target: f.target as 'virtio' } };
    case 'channel':
      return { spec: { kind, channel: f.channel as 'guest-agent' } };
    case 'tpm':
      return { spec: { kind, model: f.model as 'tpm-crb', version: '2.0' } };
    case 'rng':
      return { spec: { kind, source: f.source as '/dev/urandom' } };
    case 'watchdog':
      return { spec: { kind, model: f.model as 'i6300esb', action: f.action as 'reset' } };
    case 'controller':
      return { spec: { kind, type: 'usb', model: f.model as 'qemu-xhci' } };
    case 'filesystem': {
      const src = checkAbsolutePath(f.source, 'source');
      if (src) return src;
      const tag = checkMountTag(f.target);
      if (tag) return tag;
      if (f.driver === 'virtiofs' && f.accessMode && f.accessMode !== 'passthrough') return { key: 'hw.check.virtiofsAccess', field: 'accessMode' };
      return { spec: { kind, driver: f.driver as '9p', source: f.source.trim(), target: f.target, readonly: f.readonly, ...(f.accessMode ? { accessMode: f.accessMode as 'mapped' } : {}) } };
    }
  }
}

/** Whether a new device of this kind (with this form) can join a running VM live (the domain model's table). */
export function specHotplug(kind: DeviceSpecKind, f: SpecForm): boolean {
  switch (kind) {
    case 'serial': case 'channel': case 'rng': case 'hostdev':
      return true;
    case 'console':
      return f.target === 'virtio';
    case 'watchdog':
      return f.model === 'i6300esb';
    case 'input':
      return f.bus === 'usb' || f.bus === 'virtio';
    case 'filesystem':
      return f.driver === 'virtiofs';
    default:
      return false;
  }
}
