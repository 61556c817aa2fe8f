// One class per libvirt device kind (formatdomain "Devices"), each a view over its element in
// <devices>. Typed accessors cover the common properties; anything else stays reachable
// through `el` and is written back unchanged. Unknown device elements become GenericDevice.
import { XmlView } from './view';
import { DomainXmlError, elementChildren, type Element } from './xml';

export const DEVICE_KINDS = [
  'disk', 'controller', 'lease', 'filesystem', 'interface', 'smartcard', 'serial', 'parallel', 'console', 'channel',
  'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'hostdev', 'redirdev', 'redirfilter', 'hub', 'watchdog',
  'memballoon', 'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto', 'pstore',
] as const;
/** The order libvirt writes device kinds in; a new device goes after the last of its kind. */
export const DEVICE_ORDER: string[] = ['emulator', ...DEVICE_KINDS];

export type Address = Record<string, string>;

export class Device extends XmlView {
  /** The element name: disk, interface, … (for GenericDevice whatever the element is). */
  get kind(): string {
    return this.el.tagName;
  }
  get alias(): string | undefined {
    return this.attr('alias', 'name');
  }
  set alias(v: string | undefined) {
    this.setAttr('alias', 'name', v);
  }
  /** <address type='pci' domain='0x0000' …/> as its attributes, or undefined. */
  get address(): Address | undefined {
    const a = this.find('address');
    if (!a) return undefined;
    const out: Address = {};
    for (let i = 0; i < a.attributes.length; i++) out[a.attributes.item(i)!.name] = a.attributes.item(i)!.value;
    return out;
  }
  /** Removes the guest address so libvirt assigns one (needed when copying a device). */
  clearAddress(): void {
    this.drop('address');
  }
  get bootOrder(): number | undefined {
    return this.intAttr('boot', 'order');
  }
  set bootOrder(v: number | undefined) {
    this.setAttr('boot', 'order', v);
  }
  /** Key parts other than the kind-and-index fallback; see deviceKeys in domain.ts. */
  naturalKey(): string | undefined {
    return undefined;
  }
}

export class GenericDevice extends Device {}

export class DiskDevice extends Device {
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  /** disk, cdrom, floppy, lun (libvirt's default is disk). */
  get device(): string { return this.attr('', 'device') ?? 'disk'; }
  set device(v: string) { this.setAttr('', 'device', v); }
  get driverName(): string | undefined { return this.attr('driver', 'name'); }
  set driverName(v: string | undefined) { this.setAttr('driver', 'name', v); }
  /** Image format: raw, qcow2, … */
  get format(): string | undefined { return this.attr('driver', 'type'); }
  set format(v: string | undefined) { this.setAttr('driver', 'type', v); }
  get cache(): string | undefined { return this.attr('driver', 'cache'); }
  set cache(v: string | undefined) { this.setAttr('driver', 'cache', v); }
  get discard(): string | undefined { return this.attr('driver', 'discard'); }
  set discard(v: string | undefined) { this.setAttr('driver', 'discard', v); }
  get sourceFile(): string | undefined { return this.attr('source', 'file'); }
  set sourceFile(v: string | undefined) { this.setAttr('source', 'file', v); }
  get sourceDev(): string | undefined { return this.attr('source', 'dev'); }
  set sourceDev(v: string | undefined) { this.setAttr('source', 'dev', v); }
  get sourceDir(): string | undefined { return this.attr('source', 'dir'); }
  get sourcePool(): string | undefined { return this.attr('source', 'pool'); }
  get sourceVolume(): string | undefined { return this.attr('source', 'volume'); }
  get sourceProtocol(): string | undefined { return this.attr('source', 'protocol'); }
  get sourceName(): string | undefined { return this.attr('source', 'name'); }
  /** What the disk shows: a path, pool/volume or protocol:name; undefined when empty (ejected). */
  get source(): string | undefined {
    if (this.sourceFile ?? this.sourceDev ?? this.sourceDir) return this.sourceFile ?? this.sourceDev ?? this.sourceDir;
    if (this.sourcePool && this.sourceVolume) return `${this.sourcePool}/${this.sourceVolume}`;
    if (this.sourceProtocol) return `${this.sourceProtocol}:${this.sourceName ?? ''}`;
    return undefined;
  }
  /** Sets a path source for type file or block; null empties the drive (ejects the medium). */
  setSourcePath(path: string | null): void {
    if (path === null) {
      this.drop('source');
      return;
    }
    const isBlock = this.type === 'block';
    this.drop('source');
    this.setAttr('source', isBlock ? 'dev' : 'file', path);
  }
  get targetDev(): string | undefined { return this.attr('target', 'dev'); }
  set targetDev(v: string | undefined) { this.setAttr('target', 'dev', v); }
  get bus(): string | undefined { return this.attr('target', 'bus'); }
  set bus(v: string | undefined) { this.setAttr('target', 'bus', v); }
  get tray(): string | undefined { return this.attr('target', 'tray'); }
  get readonly(): boolean { return this.flag('readonly'); }
  set readonly(v: boolean) { this.setFlag('readonly', v); }
  get shareable(): boolean { return this.flag('shareable'); }
  set shareable(v: boolean) { this.setFlag('shareable', v); }
  get serial(): string | undefined { return this.text('serial'); }
  set serial(v: string | undefined) { this.setText('serial', v); }
  get isRemovable(): boolean { return this.device === 'cdrom' || this.device === 'floppy'; }
  /** Paths of the backing chain libvirt reports (<backingStore> nested), nearest first. */
  get backingChain(): string[] {
    const out: string[] = [];
    let cur = this.find('backingStore');
    for (let depth = 0; cur && depth < 64; depth++) {
      const src = elementChildren(cur).find((c) => c.tagName === 'source');
      const p = src?.getAttribute('file') || src?.getAttribute('dev');
      if (p) out.push(p);
      cur = elementChildren(cur).find((c) => c.tagName === 'backingStore') ?? null;
    }
    return out;
  }
  /** Drops <backingStore> (libvirt reads the chain from the image again). */
  removeBackingStore(): void { this.drop('backingStore'); }
  override naturalKey(): string | undefined {
    return this.targetDev ? `disk:${this.targetDev}` : undefined;
  }
}

export class InterfaceDevice extends Device {
  /** network, bridge, direct, user, hostdev, vhostuser, … */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get mac(): string | undefined { return this.attr('mac', 'address'); }
  set mac(v: string | undefined) { this.setAttr('mac', 'address', v); }
  get sourceNetwork(): string | undefined { return this.attr('source', 'network'); }
  set sourceNetwork(v: string | undefined) { this.setAttr('source', 'network', v); }
  get sourceBridge(): string | undefined { return this.attr('source', 'bridge'); }
  set sourceBridge(v: string | undefined) { this.setAttr('source', 'bridge', v); }
  get sourceDev(): string | undefined { return this.attr('source', 'dev'); }
  set sourceDev(v: string | undefined) { this.setAttr('source', 'dev', v); }
  get sourceMode(): string | undefined { return this.attr('source', 'mode'); }
  get model(): string | undefined { return this.attr('model', 'type'); }
  set model(v: string | undefined) { this.setAttr('model', 'type', v); }
  get targetDev(): string | undefined { return this.attr('target', 'dev'); }
  /** up/down; libvirt's default (no <link>) is up. */
  get linkState(): 'up' | 'down' { return this.attr('link', 'state') === 'down' ? 'down' : 'up'; }
  set linkState(v: 'up' | 'down') { this.setAttr('link', 'state', v); }
  get driverName(): string | undefined { return this.attr('driver', 'name'); }
  get driverQueues(): number | undefined { return this.intAttr('driver', 'queues'); }
  get portgroup(): string | undefined { return this.attr('source', 'portgroup'); }
  /** <backend type='passt'/> (user-mode networking backend), or undefined. */
  get backendType(): string | undefined { return this.attr('backend', 'type'); }
  /** <portForward proto='tcp'><range start='2222' to='22'/></portForward>: host port → guest port. */
  get portForwards(): { protocol: string; host: number; guest: number }[] {
    return this.findAll('portForward').flatMap((pf) =>
      elementChildren(pf).filter((r) => r.tagName === 'range').map((r) => ({
        protocol: pf.getAttribute('proto') || 'tcp',
        host: Number(r.getAttribute('start')),
        guest: Number(r.getAttribute('to') || r.getAttribute('start')),
      })),
    );
  }
  get filterref(): string | undefined { return this.attr('filterref', 'filter'); }
  override naturalKey(): string | undefined {
    return this.mac ? `interface:${this.mac.toLowerCase()}` : undefined;
  }
}

export class ControllerDevice extends Device {
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get index(): number | undefined { return this.intAttr('', 'index'); }
  set index(v: number | undefined) { this.setAttr('', 'index', v); }
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get ports(): number | undefined { return this.intAttr('', 'ports'); }
  get driverQueues(): number | undefined { return this.intAttr('driver', 'queues'); }
}

export class InputDevice extends Device {
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get bus(): string | undefined { return this.attr('', 'bus'); }
  set bus(v: string | undefined) { this.setAttr('', 'bus', v); }
  get sourceEvdev(): string | undefined { return this.attr('source', 'evdev') ?? this.attr('source', 'dev'); }
}

export class GraphicsDevice extends Device {
  /** vnc, spice, sdl, rdp, desktop, egl-headless, dbus */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get port(): number | undefined { return this.intAttr('', 'port'); }
  set port(v: number | undefined) { this.setAttr('', 'port', v); }
  get tlsPort(): number | undefined { return this.intAttr('', 'tlsPort'); }
  get autoport(): boolean | undefined { return this.yesNo('', 'autoport'); }
  set autoport(v: boolean | undefined) { this.setAttr('', 'autoport', v); }
  /** The listen address: the attribute, else the first <listen type='address'>. */
  get listen(): string | undefined {
    return this.attr('', 'listen') ?? this.findAll('listen').find((l) => l.getAttribute('address'))?.getAttribute('address') ?? undefined;
  }
  /** Sets the listen address as libvirt writes it: the attribute and <listen type='address'>; undefined removes both. */
  set listen(v: string | undefined) {
    this.setAttr('', 'listen', v);
    this.drop('listen');
    if (v !== undefined) {
      this.setAttr('listen', 'type', 'address');
      this.setAttr('listen', 'address', v);
    }
  }
  get listenType(): string | undefined { return this.attr('listen', 'type'); }
  get socket(): string | undefined { return this.attr('', 'socket') ?? this.attr('listen', 'socket'); }
  get password(): string | undefined { return this.attr('', 'passwd'); }
  set password(v: string | undefined) { this.setAttr('', 'passwd', v); }
  get passwordValidTo(): string | undefined { return this.attr('', 'passwdValidTo'); }
  set passwordValidTo(v: string | undefined) { this.setAttr('', 'passwdValidTo', v); }
  get keymap(): string | undefined { return this.attr('', 'keymap'); }
  set keymap(v: string | undefined) { this.setAttr('', 'keymap', v); }
  get gl(): boolean | undefined { return this.yesNo('gl', 'enable'); }
  /** VNC WebSocket port; -1: libvirt picks one. */
  get websocket(): number | undefined { return this.intAttr('', 'websocket'); }
  set websocket(v: number | undefined) { this.setAttr('', 'websocket', v); }
}

export class VideoDevice extends Device {
  /** vga, cirrus, qxl, virtio, bochs, ramfb, none, … */
  get model(): string | undefined { return this.attr('model', 'type'); }
  set model(v: string | undefined) { this.setAttr('model', 'type', v); }
  get vramKiB(): number | undefined { return this.intAttr('model', 'vram'); }
  set vramKiB(v: number | undefined) { this.setAttr('model', 'vram', v); }
  get heads(): number | undefined { return this.intAttr('model', 'heads'); }
  set heads(v: number | undefined) { this.setAttr('model', 'heads', v); }
  get primary(): boolean | undefined { return this.yesNo('model', 'primary'); }
  get accel3d(): boolean | undefined { return this.yesNo('model/acceleration', 'accel3d'); }
  set accel3d(v: boolean | undefined) { this.setAttr('model/acceleration', 'accel3d', v); }
}

export class SoundDevice extends Device {
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get codecs(): string[] { return this.findAll('codec').map((c) => c.getAttribute('type') ?? ''); }
}

export class AudioDevice extends Device {
  get id(): number | undefined { return this.intAttr('', 'id'); }
  set id(v: number | undefined) { this.setAttr('', 'id', v); }
  /** none, alsa, coreaudio, jack, oss, pipewire, pulseaudio, sdl, spice, file, dbus */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
}

export class HostdevDevice extends Device {
  /** subsystem or capabilities */
  get mode(): string | undefined { return this.attr('', 'mode'); }
  set mode(v: string | undefined) { this.setAttr('', 'mode', v); }
  /** pci, usb, scsi, scsi_host, mdev (subsystem mode); storage, misc, net (capabilities mode) */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get managed(): boolean | undefined { return this.yesNo('', 'managed'); }
  set managed(v: boolean | undefined) { this.setAttr('', 'managed', v); }
  /** PCI host address as domain:bus:slot.function, e.g. 0000:01:00.0. */
  get pciAddress(): string | undefined {
    const a = this.find('source/address');
    if (!a || this.type !== 'pci') return undefined;
    const h = (name: string, width: number): string => (parseInt(a.getAttribute(name) ?? '0', 16) || 0).toString(16).padStart(width, '0');
    return `${h('domain', 4)}:${h('bus', 2)}:${h('slot', 2)}.${h('function', 1)}`;
  }
  set pciAddress(v: string | undefined) {
    this.drop('source');
    const m = v === undefined ? null : /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(v);
    if (v !== undefined && !m) throw new DomainXmlError(`'${v}' is not a PCI address such as 0000:00:1f.3.`);
    if (!m) return;
    const names = ['domain', 'bus', 'slot', 'function'];
    names.forEach((n, i) => this.setAttr('source/address', n, `0x${m[i + 1].toLowerCase()}`));
  }
  get usbVendor(): string | undefined { return this.attr('source/vendor', 'id'); }
  get usbProduct(): string | undefined { return this.attr('source/product', 'id'); }
  /** A USB device by vendor and product id (hex, e.g. 046d / c52b): <source><vendor id='0x046d'/>…. */
  setUsbIds(vendor: string, product: string): void {
    if (!/^[0-9a-f]{4}$/i.test(vendor) || !/^[0-9a-f]{4}$/i.test(product)) throw new DomainXmlError(`USB ids '${vendor}:${product}' are not two 4-digit hex numbers such as 046d:c52b.`);
    this.drop('source');
    this.setAttr('source/vendor', 'id', `0x${vendor.toLowerCase()}`);
    this.setAttr('source/product', 'id', `0x${product.toLowerCase()}`);
  }
  /** USB bus and device number (as lsusb shows them). */
  get usbBusDevice(): { bus: number; device: number } | undefined {
    const bus = this.intAttr('source/address', 'bus');
    const device = this.intAttr('source/address', 'device');
    return this.type === 'usb' && bus !== undefined && device !== undefined ? { bus, device } : undefined;
  }
  setUsbBusDevice(bus: number, device: number): void {
    this.drop('source');
    this.setAttr('source/address', 'bus', bus);
    this.setAttr('source/address', 'device', device);
  }
  get mdevUuid(): string | undefined { return this.attr('source/address', 'uuid'); }
}

export class RedirdevDevice extends Device {
  get bus(): string | undefined { return this.attr('', 'bus'); }
  set bus(v: string | undefined) { this.setAttr('', 'bus', v); }
  /** spicevmc or tcp */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
}

export class FilesystemDevice extends Device {
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get accessMode(): string | undefined { return this.attr('', 'accessmode'); }
  set accessMode(v: string | undefined) { this.setAttr('', 'accessmode', v); }
  /** path, handle, loop, nbd, ploop, virtiofs */
  get driverType(): string | undefined { return this.attr('driver', 'type'); }
  set driverType(v: string | undefined) { this.setAttr('driver', 'type', v); }
  get sourceDir(): string | undefined { return this.attr('source', 'dir') ?? this.attr('source', 'file') ?? this.attr('source', 'name') ?? this.attr('source', 'socket'); }
  set sourceDir(v: string | undefined) { this.setAttr('source', 'dir', v); }
  get target(): string | undefined { return this.attr('target', 'dir'); }
  set target(v: string | undefined) { this.setAttr('target', 'dir', v); }
  get readonly(): boolean { return this.flag('readonly'); }
  set readonly(v: boolean) { this.setFlag('readonly', v); }
}

/** serial, parallel, console and channel share libvirt's character device XML. */
export class CharDevice extends Device {
  /** pty, file, unix, tcp, udp, spicevmc, qemu-vdagent, dev, stdio, null, vc, pipe, nmdm, … */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get sourcePath(): string | undefined { return this.attr('source', 'path') ?? this.attr('', 'tty'); }
  set sourcePath(v: string | undefined) { this.setAttr('source', 'path', v); }
  get sourceMode(): string | undefined { return this.attr('source', 'mode'); }
  get sourceHost(): string | undefined { return this.attr('source', 'host'); }
  get sourceService(): string | undefined { return this.attr('source', 'service'); }
  get protocol(): string | undefined { return this.attr('protocol', 'type'); }
  get targetType(): string | undefined { return this.attr('target', 'type'); }
  set targetType(v: string | undefined) { this.setAttr('target', 'type', v); }
  get targetPort(): number | undefined { return this.intAttr('target', 'port'); }
  set targetPort(v: number | undefined) { this.setAttr('target', 'port', v); }
  get targetModel(): string | undefined { return this.attr('target/model', 'name'); }
  get logFile(): string | undefined { return this.attr('log', 'file'); }
}
export class SerialDevice extends CharDevice {}
export class ParallelDevice extends CharDevice {}
export class ConsoleDevice extends CharDevice {}
export class ChannelDevice extends CharDevice {
  /** org.qemu.guest_agent.0, com.redhat.spice.0, … */
  get targetName(): string | undefined { return this.attr('target', 'name'); }
  set targetName(v: string | undefined) { this.setAttr('target', 'name', v); }
  get targetState(): string | undefined { return this.attr('target', 'state'); }
}

export class TpmDevice extends Device {
  /** tpm-tis, tpm-crb, tpm-spapr, spapr-tpm-proxy */
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  /** passthrough, emulator, external */
  get backendType(): string | undefined { return this.attr('backend', 'type'); }
  set backendType(v: string | undefined) { this.setAttr('backend', 'type', v); }
  get backendVersion(): string | undefined { return this.attr('backend', 'version'); }
  set backendVersion(v: string | undefined) { this.setAttr('backend', 'version', v); }
  get devicePath(): string | undefined { return this.attr('backend/device', 'path'); }
}

export class RngDevice extends Device {
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  /** random, egd, builtin */
  get backendModel(): string | undefined { return this.attr('backend', 'model'); }
  set backendModel(v: string | undefined) { this.setAttr('backend', 'model', v); }
  /** The random backend's device path (/dev/urandom …). */
  get backendPath(): string | undefined { return this.backendModel === 'random' ? (this.text('backend') ?? '').trim() || undefined : undefined; }
  set backendPath(v: string | undefined) { this.setText('backend', v); }
  get rateBytes(): number | undefined { return this.intAttr('rate', 'bytes'); }
  get ratePeriod(): number | undefined { return this.intAttr('rate', 'period'); }
}

export class WatchdogDevice extends Device {
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  /** reset, shutdown, poweroff, pause, none, dump, inject-nmi */
  get action(): string | undefined { return this.attr('', 'action'); }
  set action(v: string | undefined) { this.setAttr('', 'action', v); }
}

export class MemballoonDevice extends Device {
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get autodeflate(): boolean | undefined { return this.yesNo('', 'autodeflate', 'on'); }
  get freePageReporting(): boolean | undefined { return this.yesNo('', 'freePageReporting', 'on'); }
  get statsPeriod(): number | undefined { return this.intAttr('stats', 'period'); }
  set statsPeriod(v: number | undefined) { this.setAttr('stats', 'period', v); }
}

export class SmartcardDevice extends Device {
  /** host, host-certificates, passthrough */
  get mode(): string | undefined { return this.attr('', 'mode'); }
  set mode(v: string | undefined) { this.setAttr('', 'mode', v); }
  get type(): string | undefined { return this.attr('', 'type'); }
  get certificates(): string[] { return this.findAll('certificate').map((c) => (c.textContent ?? '').trim()); }
}

export class HubDevice extends Device {
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
}

export class PanicDevice extends Device {
  /** isa, pseries, hyperv, s390, pvpanic */
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
}

export class ShmemDevice extends Device {
  get name(): string | undefined { return this.attr('', 'name'); }
  set name(v: string | undefined) { this.setAttr('', 'name', v); }
  /** ivshmem, ivshmem-plain, ivshmem-doorbell */
  get model(): string | undefined { return this.attr('model', 'type'); }
  set model(v: string | undefined) { this.setAttr('model', 'type', v); }
  get sizeKiB(): number | undefined { return this.memAt('size'); }
  set sizeKiB(v: number | undefined) { this.setMemAt('size', v); }
  get serverPath(): string | undefined { return this.attr('server', 'path'); }
}

export class MemoryDevice extends Device {
  /** dimm, nvdimm, virtio-pmem, virtio-mem, sgx-epc */
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get access(): string | undefined { return this.attr('', 'access'); }
  get sizeKiB(): number | undefined { return this.memAt('target/size'); }
  set sizeKiB(v: number | undefined) { this.setMemAt('target/size', v); }
  /** virtio-mem: the size the guest is asked to use (changeable live). */
  get requestedKiB(): number | undefined { return this.memAt('target/requested'); }
  set requestedKiB(v: number | undefined) { this.setMemAt('target/requested', v); }
  get node(): number | undefined {
    const t = this.text('target/node')?.trim();
    return t ? Number(t) : undefined;
  }
  get sourcePath(): string | undefined { return this.text('source/path')?.trim(); }
}

export class IommuDevice extends Device {
  /** intel, smmuv3, virtio */
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get intremap(): boolean | undefined { return this.yesNo('driver', 'intremap', 'on'); }
  get cachingMode(): boolean | undefined { return this.yesNo('driver', 'caching_mode', 'on'); }
}

export class VsockDevice extends Device {
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get cidAuto(): boolean | undefined { return this.yesNo('cid', 'auto'); }
  set cidAuto(v: boolean | undefined) { this.setAttr('cid', 'auto', v); }
  get cid(): number | undefined { return this.intAttr('cid', 'address'); }
  set cid(v: number | undefined) { this.setAttr('cid', 'address', v); }
}

export class CryptoDevice extends Device {
  get model(): string | undefined { return this.attr('', 'model'); }
  set model(v: string | undefined) { this.setAttr('', 'model', v); }
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get backendModel(): string | undefined { return this.attr('backend', 'model'); }
  set backendModel(v: string | undefined) { this.setAttr('backend', 'model', v); }
  get queues(): number | undefined { return this.intAttr('backend', 'queues'); }
}

export class PstoreDevice extends Device {
  get backend(): string | undefined { return this.attr('', 'backend'); }
  set backend(v: string | undefined) { this.setAttr('', 'backend', v); }
  get path(): string | undefined { return this.text('path')?.trim(); }
  set path(v: string | undefined) { this.setText('path', v); }
  get sizeKiB(): number | undefined { return this.memAt('size'); }
  set sizeKiB(v: number | undefined) { this.setMemAt('size', v); }
}

type DeviceClass = new (el: Element) => Device;

export const DEVICE_CLASSES: Record<string, DeviceClass> = {
  disk: DiskDevice, interface: InterfaceDevice, controller: ControllerDevice, input: InputDevice,
  graphics: GraphicsDevice, video: VideoDevice, sound: SoundDevice, audio: AudioDevice, hostdev: HostdevDevice,
  redirdev: RedirdevDevice, filesystem: FilesystemDevice, channel: ChannelDevice, serial: SerialDevice,
  console: ConsoleDevice, parallel: ParallelDevice, tpm: TpmDevice, rng: RngDevice, watchdog: WatchdogDevice,
  memballoon: MemballoonDevice, smartcard: SmartcardDevice, hub: HubDevice, panic: PanicDevice, shmem: ShmemDevice,
  memory: MemoryDevice, iommu: IommuDevice, vsock: VsockDevice, crypto: CryptoDevice, pstore: PstoreDevice,
};

export interface DeviceKindMap {
  disk: DiskDevice; interface: InterfaceDevice; controller: ControllerDevice; input: InputDevice;
  graphics: GraphicsDevice; video: VideoDevice; sound: SoundDevice; audio: AudioDevice; hostdev: HostdevDevice;
  redirdev: RedirdevDevice; filesystem: FilesystemDevice; channel: ChannelDevice; serial: SerialDevice;
  console: ConsoleDevice; parallel: ParallelDevice; tpm: TpmDevice; rng: RngDevice; watchdog: WatchdogDevice;
  memballoon: MemballoonDevice; smartcard: SmartcardDevice; hub: HubDevice; panic: PanicDevice; shmem: ShmemDevice;
  memory: MemoryDevice; iommu: IommuDevice; vsock: VsockDevice; crypto: CryptoDevice; pstore: PstoreDevice;
}
export type KnownDeviceKind = keyof DeviceKindMap;

/** The view class for a device element (GenericDevice for kinds without one). */
export function wrapDevice(el: Element): Device {
  const cls = DEVICE_CLASSES[el.tagName] ?? GenericDevice;
  return new cls(el);
}
