// The CLI's words for editing an existing VM, like virsh's: edit, attach-disk, detach-disk,
// change-media, attach-nic, detach-nic, rename, tag, edit-xml, save, restore. Each maps to one
// or two vm.* methods of contract/vm-edit.ts; every check of the input is the API's.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { AttachDiskResult, AttachNicResult, EditResult } from '../contract';
import type { ApiDispatcher } from '../api/dispatcher';
import { parseMemory, parseVcpus, UsageError } from './create-command';

export const EDIT_USAGE = `  edit NAME [--memory SIZE] [--max-memory SIZE] [--vcpus N] [--max-vcpus N] [--title T] [--description T] [--autostart on|off]
  attach-disk NAME (--volume POOL/VOL | --path P | --new POOL:GIB[:qcow2|raw]) [--bus virtio|sata|scsi] [--target T] [--readonly] [--cache MODE]
  detach-disk NAME TARGET [--delete-volume]      the image is kept unless --delete-volume (safe-delete rules)
  change-media NAME TARGET (PATH | --eject)      insert or eject a CD-ROM medium
  attach-nic NAME (--network N | --bridge B | --user) [--model virtio|e1000e|e1000|rtl8139] [--mac MAC]
  detach-nic NAME MAC            set-link NAME MAC up|down
  rename NAME NEWNAME            tag NAME [TAG ...]            edit-xml NAME FILE
  save NAME                      restore NAME
                                      each with --live / --config as in virsh (neither: live and config
                                      where libvirt can while running, else the next boot), and --json`;

export const EDIT_COMMANDS: ReadonlySet<string> = new Set(['edit', 'attach-disk', 'detach-disk', 'change-media', 'attach-nic', 'detach-nic', 'set-link', 'rename', 'tag', 'edit-xml', 'save', 'restore']);

const OPTIONS = {
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

function onOff(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on' || text === 'yes') return true;
  if (text === 'off' || text === 'no') return false;
  throw new UsageError(`--autostart must be on or off (got '${text}')`);
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
      if (!calls.length) throw new UsageError("'edit' needs something to change: --memory, --max-memory, --vcpus, --max-vcpus, --title, --description or --autostart");
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
    default: {
      const merged = results as EditResult[];
      const pending = merged.some((x) => x.pendingUntilShutdown);
      return `Changed '${name}' ${where({ applied: merged.some((x) => x.applied !== 'config') ? 'both' : 'config', pendingUntilShutdown: pending })}.`;
    }
  }
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
  for (const [method, input] of calls) results.push(await c.call(method as never, input as never));
  if (values.json) console.log(JSON.stringify(results.length === 1 ? (results[0] ?? { ok: true }) : results, null, 2));
  else console.log(describe(command, positionals[1], results));
  return 0;
}
