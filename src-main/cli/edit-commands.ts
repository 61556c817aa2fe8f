// The CLI's words for editing an existing VM, like virsh's: edit, attach-disk, detach-disk,
// change-media, attach-nic, detach-nic, attach-hostdev, detach-hostdev, rename, tag, edit-xml,
// save, restore. Each maps to vm.* methods of contract/vm-edit.ts and contract/vm-devices.ts;
// every check of the input is the API's. Device names a user types (vda, cdrom, net0, a USB id)
// become the API's device keys through vm.hardware.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { AttachDiskResult, AttachNicResult, EditResult, VmHardware } from '../contract';
import type { ApiDispatcher } from '../api/dispatcher';
import { parseMemory, parseVcpus, UsageError } from './create-command';

export const EDIT_USAGE = `  edit NAME [--memory SIZE] [--max-memory SIZE] [--vcpus N] [--max-vcpus N] [--title T] [--description T] [--autostart on|off]
       [--cpu-mode host-model|host-passthrough|custom] [--cpu-model MODEL] [--topology SOCKETS,CORES,THREADS]
       [--boot-order DEV,...] [--boot-menu on|off]     DEV: a disk target (vda, hdc), cdrom[N], net[N] or a MAC
  attach-hostdev NAME (--usb VENDOR:PRODUCT | --pci ADDRESS)   pass a host USB or PCI device through (host.nodeDevices lists them)
  detach-hostdev NAME (--usb VENDOR:PRODUCT | --pci ADDRESS)
  attach-disk NAME (--volume POOL/VOL | --path P | --new POOL:GIB[:qcow2|raw]) [--bus virtio|sata|scsi] [--target T] [--readonly] [--cache MODE]
  detach-disk NAME TARGET [--delete-volume]      the image is kept unless --delete-volume (safe-delete rules)
  change-media NAME TARGET (PATH | --eject)      insert or eject a CD-ROM medium
  attach-nic NAME (--network N | --bridge B | --user) [--model virtio|e1000e|e1000|rtl8139] [--mac MAC]
  detach-nic NAME MAC            set-link NAME MAC up|down
  rename NAME NEWNAME            tag NAME [TAG ...]            edit-xml NAME FILE
  save NAME                      restore NAME
                                      each with --live / --config as in virsh (neither: live and config
                                      where libvirt can while running, else the next boot), and --json`;

export const EDIT_COMMANDS: ReadonlySet<string> = new Set(['edit', 'attach-disk', 'detach-disk', 'change-media', 'attach-nic', 'detach-nic', 'set-link', 'rename', 'tag', 'edit-xml', 'save', 'restore', 'attach-hostdev', 'detach-hostdev']);

export const OPTIONS = {
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  live: { type: 'boolean' },
  config: { type: 'boolean' },
  memory: { type: 'string' },
  'max-memory': { type: 'string' },
  vcpus: { type: 'string' },
  'max-vcpus': { type: 'string' },
  title: { type: 'string' },
  description: { type: 'string' },
  autostart: { type: 'string' },
  volume: { type: 'string' },
  path: { type: 'string' },
  new: { type: 'string' },
  bus: { type: 'string' },
  target: { type: 'string' },
  readonly: { type: 'boolean', default: false },
  cache: { type: 'string' },
  eject: { type: 'boolean', default: false },
  'delete-volume': { type: 'boolean', default: false },
  network: { type: 'string' },
  bridge: { type: 'string' },
  user: { type: 'boolean', default: false },
  model: { type: 'string' },
  mac: { type: 'string' },
  'cpu-mode': { type: 'string' },
  'cpu-model': { type: 'string' },
  topology: { type: 'string' },
  'boot-order': { type: 'string' },
  'boot-menu': { type: 'string' },
  usb: { type: 'string' },
  pci: { type: 'string' },
} as const;

type Core = Pick<ApiDispatcher, 'call'>;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function where(r: EditResult): string {
  if (r.applied === 'both') return 'now and in its definition';
  if (r.applied === 'live') return 'now (until it stops)';
  return r.pendingUntilShutdown ? 'in its definition: takes effect after the VM is shut down and started again' : 'in its definition';
}

/** --new POOL:GIB[:qcow2|raw] (pool names may contain ':'). */
export function parseNewVolume(text: string): { pool: string; sizeGiB: number; format: 'qcow2' | 'raw' } {
  const parts = text.split(':');
  let format: 'qcow2' | 'raw' = 'qcow2';
  if (parts.length >= 3 && (parts[parts.length - 1] === 'raw' || parts[parts.length - 1] === 'qcow2')) format = parts.pop() as 'qcow2' | 'raw';
  const size = parts.pop() ?? '';
  const pool = parts.join(':');
  if (!pool || !/^\d+(\.\d+)?$/.test(size)) throw new UsageError(`--new must be POOL:SIZE_GIB[:qcow2|raw], e.g. default:10 (got '${text}')`);
  return { pool, sizeGiB: Number(size), format };
}

function onOff(text: string | undefined, option = '--autostart'): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on' || text === 'yes') return true;
  if (text === 'off' || text === 'no') return false;
  throw new UsageError(`${option} must be on or off (got '${text}')`);
}

/** --topology S,C,T */
export function parseTopology(text: string): { sockets: number; cores: number; threads: number } {
  const m = /^(\d+),(\d+),(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--topology must be SOCKETS,CORES,THREADS such as 1,4,2 (got '${text}')`);
  return { sockets: Number(m[1]), cores: Number(m[2]), threads: Number(m[3]) };
}

/** --usb VENDOR:PRODUCT / --pci ADDRESS → the hostdev source of contract/vm-devices.ts. */
function hostdevSource(v: Values, command: string): Record<string, unknown> {
  if ((v.usb === undefined) === (v.pci === undefined)) throw new UsageError(`'${command}' needs exactly one of --usb VENDOR:PRODUCT (e.g. 046d:c52b) or --pci ADDRESS (e.g. 0000:00:1f.3)`);
  if (v.pci !== undefined) return { type: 'pci', address: v.pci };
  const m = /^(?:0x)?([0-9a-f]{4}):(?:0x)?([0-9a-f]{4})$/i.exec(v.usb!);
  if (!m) throw new UsageError(`--usb must be VENDOR:PRODUCT in hex as lsusb shows it, e.g. 046d:c52b (got '${v.usb}')`);
  return { type: 'usb', vendor: m[1].toLowerCase(), product: m[2].toLowerCase() };
}

/**
 * A device name as a user types it → the device key of vm.hardware: a disk target (vda),
 * cdrom / cdromN (the Nth CD-ROM, from 0), net / netN (the Nth network interface) or a MAC.
 */
export function bootDeviceKey(name: string, hw: Pick<VmHardware, 'boot'>): string {
  const keys = hw.boot.bootable.map((b) => b.key);
  const nth = (re: RegExp, pick: (k: string, s: string) => boolean) => {
    const m = re.exec(name);
    if (!m) return undefined;
    const all = hw.boot.bootable.filter((b) => pick(b.key, b.summary)).map((b) => b.key);
    return all[Number(m[1] || 0)] ?? null;
  };
  const key = keys.includes(`disk:${name}`) ? `disk:${name}`
    : keys.includes(`interface:${name.toLowerCase()}`) ? `interface:${name.toLowerCase()}`
    : nth(/^cdrom(\d*)$/, (k, s) => k.startsWith('disk:') && s.startsWith('CD-ROM')) ?? nth(/^net(\d*)$/, (k) => k.startsWith('interface:'));
  if (!key) throw new UsageError(`the VM has no boot device '${name}': give a disk target (${keys.filter((k) => k.startsWith('disk:')).map((k) => k.slice(5)).join(', ') || 'none'}), cdrom[N], net[N] or a MAC`);
  return key;
}

/** The key of the VM's hostdev with this source (detach-hostdev). */
export function hostdevKey(source: Record<string, unknown>, hw: Pick<VmHardware, 'devices'>): string {
  const found = hw.devices.find((d) => d.spec?.kind === 'hostdev' && JSON.stringify(d.spec.source) === JSON.stringify(source) && d.pending !== 'removed-at-next-boot');
  if (!found) throw new UsageError(`the VM has no host device ${source.type === 'pci' ? `PCI ${String(source.address)}` : `USB ${String(source.vendor)}:${String(source.product)}`}`);
  return found.key;
}

function need(positionals: string[], n: number, usage: string): string[] {
  const args = positionals.slice(1, n + 1);
  if (args.length < n || args.some((a) => !a)) throw new UsageError(`usage: ${usage}`);
  return args;
}

/** The arguments of one command → [method, input] pairs, in order. Pure (unit-testable). */
export function editCalls(command: string, positionals: string[], v: Values): [string, Record<string, unknown>][] {
  const flags = { ...(v.live !== undefined ? { live: v.live } : {}), ...(v.config !== undefined ? { config: v.config } : {}) };
  const base = (name: string) => ({ ...(v.connect ? { connection: v.connect } : {}), vm: { name } });
  switch (command) {
    case 'edit': {
      const [name] = need(positionals, 1, 'edit NAME [--memory SIZE] [--vcpus N] [--title T] [--autostart on|off]');
      const calls: [string, Record<string, unknown>][] = [];
      const memory = v.memory !== undefined ? { memoryMiB: parseMemory(v.memory) } : {};
      const maxMemory = v['max-memory'] !== undefined ? { maxMemoryMiB: parseMemory(v['max-memory']) } : {};
      if (v.memory !== undefined || v['max-memory'] !== undefined) calls.push(['vm.setMemory', { ...base(name), ...memory, ...maxMemory, ...flags }]);
      const vcpus = v.vcpus !== undefined ? { vcpus: parseVcpus(v.vcpus) } : {};
      const maxVcpus = v['max-vcpus'] !== undefined ? { maxVcpus: parseVcpus(v['max-vcpus']) } : {};
      if (v.vcpus !== undefined || v['max-vcpus'] !== undefined) calls.push(['vm.setVcpus', { ...base(name), ...vcpus, ...maxVcpus, ...flags }]);
      const autostart = onOff(v.autostart);
      if (v.title !== undefined || v.description !== undefined || autostart !== undefined) {
        calls.push(['vm.setGeneral', { ...base(name), ...(v.title !== undefined ? { title: v.title } : {}), ...(v.description !== undefined ? { description: v.description } : {}), ...(autostart !== undefined ? { autostart } : {}) }]);
      }
      const mode = v['cpu-mode'] ?? (v['cpu-model'] !== undefined ? 'custom' : undefined);
      if (mode !== undefined || v.topology !== undefined) {
        calls.push(['vm.setCpu', { ...base(name), ...(mode !== undefined ? { mode } : {}), ...(v['cpu-model'] !== undefined ? { model: v['cpu-model'] } : {}), ...(v.topology !== undefined ? { topology: parseTopology(v.topology) } : {}) }]);
      }
      const menu = onOff(v['boot-menu'], '--boot-menu');
      if (v['boot-order'] !== undefined || menu !== undefined) {
        // Names (vda, cdrom, net0) become device keys in runEditCommand, which can ask the VM.
        const order = v['boot-order'] !== undefined ? { order: v['boot-order'].split(',').map((s) => s.trim()).filter(Boolean) } : {};
        calls.push(['vm.setBoot', { ...base(name), ...order, ...(menu !== undefined ? { menu } : {}) }]);
      }
      if (!calls.length) throw new UsageError("'edit' needs something to change: --memory, --max-memory, --vcpus, --max-vcpus, --title, --description, --autostart, --cpu-mode, --cpu-model, --topology, --boot-order or --boot-menu");
      return calls;
    }
    case 'attach-disk': {
      const [name] = need(positionals, 1, 'attach-disk NAME (--volume POOL/VOL | --path P | --new POOL:GIB)');
      const given = [v.volume, v.path, v.new].filter((x) => x !== undefined);
      if (given.length !== 1) throw new UsageError("'attach-disk' needs exactly one of --volume POOL/VOL, --path P or --new POOL:GIB");
      let source: Record<string, unknown>;
      if (v.volume !== undefined) {
        const at = v.volume.indexOf('/');
        if (at <= 0 || at === v.volume.length - 1) throw new UsageError(`--volume must be POOL/VOLUME (got '${v.volume}')`);
        source = { pool: v.volume.slice(0, at), volume: v.volume.slice(at + 1) };
      } else if (v.path !== undefined) source = { path: v.path };
      else source = { newVolume: parseNewVolume(v.new!) };
      return [['vm.attachDisk', { ...base(name), source, ...(v.bus ? { bus: v.bus } : {}), ...(v.target ? { target: v.target } : {}), ...(v.readonly ? { readonly: true } : {}), ...(v.cache ? { cache: v.cache } : {}), ...flags }]];
    }
    case 'detach-disk': {
      const [name, target] = need(positionals, 2, 'detach-disk NAME TARGET [--delete-volume]');
      return [['vm.detachDisk', { ...base(name), target, deleteVolume: v['delete-volume'], ...flags }]];
    }
    case 'change-media': {
      const [name, target] = need(positionals, 2, 'change-media NAME TARGET (PATH | --eject)');
      const file = positionals[3];
      if (!file === !v.eject) throw new UsageError("'change-media' needs either a PATH to insert or --eject");
      return [['vm.changeMedia', { ...base(name), target, path: v.eject ? null : file }]];
    }
    case 'attach-nic': {
      const [name] = need(positionals, 1, 'attach-nic NAME (--network N | --bridge B | --user)');
      const sources = [v.network !== undefined, v.bridge !== undefined, v.user].filter(Boolean).length;
      if (sources !== 1) throw new UsageError("'attach-nic' needs exactly one of --network NAME, --bridge NAME or --user");
      const source = v.network !== undefined ? { type: 'network', network: v.network } : v.bridge !== undefined ? { type: 'bridge', bridge: v.bridge } : { type: 'user' };
      return [['vm.attachNic', { ...base(name), source, ...(v.model ? { model: v.model } : {}), ...(v.mac ? { mac: v.mac } : {}), ...flags }]];
    }
    case 'detach-nic': {
      const [name, mac] = need(positionals, 2, 'detach-nic NAME MAC');
      return [['vm.detachNic', { ...base(name), mac, ...flags }]];
    }
    case 'set-link': {
      const [name, mac, state] = need(positionals, 3, 'set-link NAME MAC up|down');
      if (state !== 'up' && state !== 'down') throw new UsageError(`the link state must be up or down (got '${state}')`);
      return [['vm.setLinkState', { ...base(name), mac, up: state === 'up' }]];
    }
    case 'rename': {
      const [name, newName] = need(positionals, 2, 'rename NAME NEWNAME');
      return [['vm.rename', { ...base(name), name: newName }]];
    }
    case 'tag': {
      const [name] = need(positionals, 1, 'tag NAME [TAG ...]   (no tags: removes them all)');
      return [['vm.setTags', { ...base(name), tags: positionals.slice(2) }]];
    }
    case 'edit-xml': {
      const [name, file] = need(positionals, 2, 'edit-xml NAME FILE');
      let xml: string;
      try {
        xml = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
      }
      return [['vm.defineXml', { ...base(name), xml }]];
    }
    case 'attach-hostdev': {
      const [name] = need(positionals, 1, 'attach-hostdev NAME (--usb VENDOR:PRODUCT | --pci ADDRESS)');
      return [['vm.addDevice', { ...base(name), device: { kind: 'hostdev', source: hostdevSource(v, command) }, ...flags }]];
    }
    case 'detach-hostdev': {
      const [name] = need(positionals, 1, 'detach-hostdev NAME (--usb VENDOR:PRODUCT | --pci ADDRESS)');
      // The key is looked up in runEditCommand (vm.hardware); `source` says which device.
      return [['vm.removeDevice', { ...base(name), source: hostdevSource(v, command), ...flags }]];
    }
    case 'save':
    case 'restore': {
      const [name] = need(positionals, 1, `${command} NAME`);
      return [[command === 'save' ? 'vm.save' : 'vm.restore', base(name)]];
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function describe(command: string, name: string, results: unknown[]): string {
  const r = results[results.length - 1] as (EditResult & Partial<AttachDiskResult & AttachNicResult>) | undefined;
  switch (command) {
    case 'save': return `VM '${name}' saved (hibernated); 'restore ${name}' resumes it.`;
    case 'restore': return `VM '${name}' restored from its saved state.`;
    case 'attach-disk': return `Attached ${r!.path} to '${name}' as ${r!.target} ${where(r!)}.`;
    case 'attach-nic': return `Attached a network interface (MAC ${r!.mac}) to '${name}' ${where(r!)}.`;
    case 'attach-hostdev': return `Passed the host device through to '${name}' ${where(r!)}.`;
    case 'detach-hostdev': return `Removed the host device from '${name}' ${where(r!)}.`;
    default: {
      const merged = results as EditResult[];
      const pending = merged.some((x) => x.pendingUntilShutdown);
      return `Changed '${name}' ${where({ applied: merged.some((x) => x.applied !== 'config') ? 'both' : 'config', pendingUntilShutdown: pending })}.`;
    }
  }
}

/** Turns the names editCalls left in a call (boot order names, a hostdev source) into device keys. */
async function withDeviceKeys(c: Core, method: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const order = method === 'vm.setBoot' ? (input.order as string[] | undefined) : undefined;
  const source = method === 'vm.removeDevice' ? (input.source as Record<string, unknown> | undefined) : undefined;
  if (!order?.length && !source) return input;
  const hw = (await c.call('vm.hardware' as never, { ...(input.connection ? { connection: input.connection } : {}), vm: input.vm } as never)) as VmHardware;
  if (order) return { ...input, order: order.map((n) => bootDeviceKey(n, hw)) };
  const { source: _s, ...rest } = input;
  void _s;
  return { ...rest, key: hostdevKey(source!, hw) };
}

export async function runEditCommand(command: string, argv: string[], core: () => Core): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (values.help) {
    console.log(EDIT_USAGE);
    return 0;
  }
  const calls = editCalls(command, positionals, values);
  const c = core();
  const results: unknown[] = [];
  for (const [method, input] of calls) results.push(await c.call(method as never, (await withDeviceKeys(c, method, input)) as never));
  if (values.json) console.log(JSON.stringify(results.length === 1 ? (results[0] ?? { ok: true }) : results, null, 2));
  else console.log(describe(command, positionals[1], results));
  return 0;
}
