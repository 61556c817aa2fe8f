// The CLI's words for changing a VM's existing network interfaces and disks, as the Hardware tab
// does: edit-nic (vm.updateNic), edit-disk (vm.updateDisk), resize-disk (vm.resizeDisk). Option
// names follow virsh's attach-interface / attach-disk; every check of the values is the API's.
import { parseArgs } from 'node:util';
import type { ApiDispatcher } from '../api/dispatcher';
import type { EditResult, ResizeDiskResult, UpdateDiskResult, UpdateNicResult } from '../contract';
import { UsageError } from './create-command';

export const DEVICE_EDIT_COMMANDS: ReadonlySet<string> = new Set(['edit-nic', 'edit-disk', 'resize-disk']);

export const DEVICE_EDIT_OPTIONS = {
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  live: { type: 'boolean' },
  config: { type: 'boolean' },
  both: { type: 'boolean' },
  network: { type: 'string' },
  source: { type: 'string' },
  bridge: { type: 'string' },
  user: { type: 'boolean', default: false },
  model: { type: 'string' },
  mac: { type: 'string' },
  bus: { type: 'string' },
  target: { type: 'string' },
  cache: { type: 'string' },
  discard: { type: 'string' },
  readonly: { type: 'string' },
  shareable: { type: 'string' },
  serial: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof DEVICE_EDIT_OPTIONS; allowPositionals: true }>>['values'];
type Call = [method: string, input: Record<string, unknown>];

function need(positionals: string[], n: number, usage: string): string[] {
  const args = positionals.slice(1, n + 1);
  if (args.length < n || args.some((a) => !a)) throw new UsageError(`usage: ${usage}`);
  if (positionals.length > n + 1) throw new UsageError(`unexpected argument '${positionals[n + 1]}': usage: ${usage}`);
  return args;
}

/** --live / --config / --both (virsh's words) → the API's live and config fields. */
function whereFlags(v: Values): { live?: boolean; config?: boolean } {
  if (v.both && (v.live || v.config)) throw new UsageError('give only one of --live, --config or --both');
  if (v.both) return { live: true, config: true };
  return { ...(v.live !== undefined ? { live: v.live } : {}), ...(v.config !== undefined ? { config: v.config } : {}) };
}

function onOff(text: string | undefined, option: string): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on' || text === 'yes') return true;
  if (text === 'off' || text === 'no') return false;
  throw new UsageError(`${option} must be on or off (got '${text}')`);
}

const SIZE_MIB: Record<string, number> = { m: 1, mb: 1, mib: 1, g: 1024, gb: 1024, gib: 1024, '': 1024, t: 1024 ** 2, tb: 1024 ** 2, tib: 1024 ** 2 };

/** "20G", "512M", "1.5T", "20" (GiB) → GiB, in whole MiB. */
export function parseDiskSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = m ? SIZE_MIB[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new UsageError(`SIZE must be a size such as 20G, 512M or 1T (got '${text}')`);
  const mib = Number(m[1]) * factor;
  if (!Number.isInteger(mib) || mib <= 0) throw new UsageError(`SIZE must be a whole number of MiB above 0, such as 20G or 512M (got '${text}')`);
  return mib / 1024;
}

function nicSource(v: Values): Record<string, unknown> | undefined {
  if (v.network !== undefined && v.source !== undefined && v.network !== v.source) throw new UsageError('give the network once: --source NETWORK or --network NETWORK');
  const network = v.network ?? v.source;
  const given = [network !== undefined, v.bridge !== undefined, v.user].filter(Boolean).length;
  if (given > 1) throw new UsageError("'edit-nic' takes one new source: --source NETWORK, --bridge BRIDGE or --user");
  if (network !== undefined) return { type: 'network', network };
  if (v.bridge !== undefined) return { type: 'bridge', bridge: v.bridge };
  return v.user ? { type: 'user' } : undefined;
}

/** The arguments of one command → its call. Pure (unit-testable). */
export function deviceEditCall(command: string, positionals: string[], v: Values): Call {
  const base = (name: string) => ({ ...(v.connect ? { connection: v.connect } : {}), vm: { name } });
  switch (command) {
    case 'edit-nic': {
      const [name, mac] = need(positionals, 2, 'edit-nic NAME MAC [--source NETWORK | --bridge BRIDGE | --user] [--model MODEL] [--mac NEW_MAC]');
      const source = nicSource(v);
      if (!source && v.model === undefined && v.mac === undefined) throw new UsageError("'edit-nic' needs something to change: --source NETWORK, --bridge BRIDGE, --user, --model MODEL or --mac NEW_MAC");
      return ['vm.updateNic', { ...base(name), mac, ...(source ? { source } : {}), ...(v.model !== undefined ? { model: v.model } : {}), ...(v.mac !== undefined ? { newMac: v.mac } : {}), ...whereFlags(v) }];
    }
    case 'edit-disk': {
      const [name, target] = need(positionals, 2, 'edit-disk NAME TARGET [--bus BUS] [--target NEW] [--cache MODE] [--discard unmap|ignore|default] [--readonly on|off] [--shareable on|off] [--serial S]');
      const readonly = onOff(v.readonly, '--readonly');
      const shareable = onOff(v.shareable, '--shareable');
      const input = {
        ...(v.bus !== undefined ? { bus: v.bus } : {}),
        ...(v.target !== undefined ? { newTarget: v.target } : {}),
        ...(v.cache !== undefined ? { cache: v.cache } : {}),
        ...(v.discard !== undefined ? { discard: v.discard } : {}),
        ...(readonly !== undefined ? { readonly } : {}),
        ...(shareable !== undefined ? { shareable } : {}),
        // An empty serial removes it (--serial '').
        ...(v.serial !== undefined ? { serial: v.serial === '' ? null : v.serial } : {}),
      };
      if (!Object.keys(input).length) throw new UsageError("'edit-disk' needs something to change: --bus, --target, --cache, --discard, --readonly, --shareable or --serial");
      return ['vm.updateDisk', { ...base(name), target, ...input, ...whereFlags(v) }];
    }
    case 'resize-disk': {
      const [name, target, size] = need(positionals, 3, 'resize-disk NAME TARGET SIZE   (SIZE: 20G, 512M, 1T; disks only grow)');
      if (v.live || v.config || v.both) throw new UsageError("'resize-disk' takes no --live, --config or --both: a running VM's disk grows live, a shut-off VM's image through its pool");
      return ['vm.resizeDisk', { ...base(name), target, sizeGiB: parseDiskSize(size) }];
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function where(r: EditResult): string {
  if (r.applied === 'both') return 'now and in its definition';
  if (r.applied === 'live') return 'now (until it stops)';
  return r.pendingUntilShutdown ? 'in its definition: takes effect after the VM is shut down and started again' : 'in its definition';
}

const size = (bytes: number) => (bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`);

function describe(command: string, name: string, device: string, r: unknown): string {
  if (command === 'edit-nic') {
    const nic = r as UpdateNicResult;
    return `Changed network interface ${nic.mac} of '${name}' ${where(nic)}.${nic.note ? ` ${nic.note}` : ''}`;
  }
  if (command === 'edit-disk') {
    const disk = r as UpdateDiskResult;
    return `Changed disk ${device}${disk.target !== device ? ` (now ${disk.target})` : ''} of '${name}' ${where(disk)}.${disk.note ? ` ${disk.note}` : ''}`;
  }
  const grown = r as ResizeDiskResult;
  return `Grew disk ${device} of '${name}' to ${size(grown.capacityBytes)}${grown.applied === 'config' ? '' : ' while it runs'}.`;
}

/** Runs edit-nic, edit-disk or resize-disk; --json prints the API's result as it is. */
export async function runDeviceEditCommand(command: string, argv: string[], core: () => Pick<ApiDispatcher, 'call'>): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: DEVICE_EDIT_OPTIONS });
  const [method, input] = deviceEditCall(command, positionals, values);
  const result = await core().call(method as never, input as never);
  console.log(values.json ? JSON.stringify(result, null, 2) : describe(command, positionals[1], positionals[2], result));
  return 0;
}
