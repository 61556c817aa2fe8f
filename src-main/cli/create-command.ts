// `virtdesk create` and `virtdesk delete`: the CLI face of the New-VM API (vm.create with its
// vm.createProgress events, vm.deletePlan, vm.delete), a little like virt-install. The argument →
// spec mapping is plain functions (unit-tested); every check of the spec itself is the API's.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CreateEventMap, DeletePlan, DeletePlanDisk, VmCreateResult, VmNetwork, VmSpecInput } from '../contract';
import type { ApiDispatcher } from '../api/dispatcher';
import { commandHelp, findCommand } from './command-table';
import { typedApi } from './typed-api';
import { cancelOnInterrupt, newProgressId } from './cancel-on-interrupt';
import { bytesText, stderrProgress } from './progress';

/** Bad usage of the command line: exit code 2. */
export class UsageError extends Error {}

const COMMON = {
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const CREATE_OPTIONS = {
  memory: { type: 'string' },
  vcpus: { type: 'string' },
  iso: { type: 'string' },
  import: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  cmdline: { type: 'string' },
  location: { type: 'string' },
  'extra-args': { type: 'string' },
  'cloud-image': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  'ssh-key-file': { type: 'string' },
  hostname: { type: 'string' },
  disk: { type: 'string', multiple: true },
  'disk-volume': { type: 'string' },
  network: { type: 'string' },
  os: { type: 'string' },
  firmware: { type: 'string' },
  tpm: { type: 'boolean', default: false },
  start: { type: 'boolean', default: false },
} as const;

export const DELETE_OPTIONS = {
  disk: { type: 'string', multiple: true },
  'all-disks': { type: 'boolean', default: false },
} as const;

/**
 * The command of a command line (its first positional), knowing every option of the other
 * commands (`otherOptions`) so that option values are not taken for the command.
 */
export function peekCommand(argv: string[], otherOptions: NonNullable<ParseArgsConfig['options']>): string | undefined {
  const { positionals } = parseArgs({ args: argv, strict: false, allowPositionals: true, options: { ...otherOptions, ...COMMON, ...CREATE_OPTIONS, ...DELETE_OPTIONS } });
  return positionals[0];
}

// ---- pure mapping of arguments ----

const MIB_UNITS: Record<string, number> = { '': 1, m: 1, mb: 1, mib: 1, g: 1024, gb: 1024, gib: 1024 };

/** "2048", "2048M", "2G", "1.5GiB" → MiB (whole). */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = m ? MIB_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new UsageError(`--memory must be a number of MiB or a size such as 2G (got '${text}')`);
  const mib = Number(m[1]) * factor;
  if (!Number.isInteger(mib)) throw new UsageError(`--memory must be a whole number of MiB (got '${text}' = ${mib} MiB)`);
  return mib;
}

export function parseVcpus(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--vcpus must be a whole number (got '${text}')`);
  return Number(text);
}

/** --disk POOL:SIZE_GIB[:raw|qcow2] (pool names may contain ':'; the size is the last number). */
export function parseDisk(text: string): Extract<NonNullable<VmSpecInput['storage']>, { kind: 'new' }> {
  const parts = text.split(':');
  let format: 'raw' | 'qcow2' | undefined;
  if (parts.length >= 3 && (parts[parts.length - 1] === 'raw' || parts[parts.length - 1] === 'qcow2')) format = parts.pop() as 'raw' | 'qcow2';
  const size = parts.pop() ?? '';
  const pool = parts.join(':');
  const m = /^(\d+(?:\.\d+)?|\.\d+)(?:g|gib)?$/i.exec(size);
  if (parts.length === 0 || !pool || !m) throw new UsageError(`--disk must be POOL:SIZE_GIB[:raw|qcow2], e.g. default:20 or default:20:raw (got '${text}')`);
  return { kind: 'new', pool, sizeGiB: Number(m[1]), ...(format ? { format } : {}) };
}

/** --disk-volume POOL/VOLUME. */
export function parseDiskVolume(text: string): Extract<NonNullable<VmSpecInput['storage']>, { kind: 'existing' }> {
  const at = text.indexOf('/');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--disk-volume must be POOL/VOLUME, e.g. default/web.qcow2 (got '${text}')`);
  return { kind: 'existing', pool: text.slice(0, at), volume: text.slice(at + 1) };
}

/** --network user | network:NAME | bridge:NAME | none. */
export function parseNetwork(text: string): VmNetwork {
  if (text === 'user' || text === 'none') return { kind: text };
  const m = /^(network|bridge):(.+)$/.exec(text);
  if (!m) throw new UsageError(`--network must be user, network:NAME, bridge:NAME or none (got '${text}')`);
  return { kind: m[1] as 'network' | 'bridge', name: m[2] };
}

/** The first non-empty line of an SSH public key file, trimmed. */
export function firstKeyLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

/** A password file's contents without its final line break. */
export function passwordFromFile(text: string): string {
  return text.replace(/\r?\n$/, '');
}

export interface CreateArgs {
  connection?: string;
  json: boolean;
  help: boolean;
  start: boolean;
  spec: VmSpecInput;
}

export interface ArgsIo {
  /** Relative paths are resolved against it (the API takes absolute paths). */
  cwd?: string;
  /** Reads --password-file / --ssh-key-file. */
  readFile?: (file: string) => string;
}

const SOURCE_FLAGS = ['iso', 'import', 'kernel', 'location', 'cloud-image'] as const;
const SUB_FLAGS: Record<string, (typeof SOURCE_FLAGS)[number]> = {
  initrd: 'kernel',
  cmdline: 'kernel',
  'extra-args': 'location',
  user: 'cloud-image',
  'password-file': 'cloud-image',
  'ssh-key-file': 'cloud-image',
  hostname: 'cloud-image',
};

function readArgFile(flag: string, file: string, io: ArgsIo): string {
  const read = io.readFile ?? ((f: string) => fs.readFileSync(f, 'utf8'));
  try {
    return read(file);
  } catch (e) {
    // Not bad usage: the file is missing or unreadable (exit 1).
    throw new Error(`cannot read ${flag} '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** parseArgs in strict mode; an unknown option is one short line. */
function strictParse<O extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    const m = (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec((e as Error).message) : null;
    if (m) throw new UsageError(`'${command}' has no option '${m[1]}'`);
    throw e;
  }
}

/** `create NAME …` → what vm.create gets. Throws UsageError for bad usage. */
export function parseCreateArgs(argv: string[], io: ArgsIo = {}): CreateArgs {
  const { values: v, positionals } = strictParse('create', argv, { ...COMMON, ...CREATE_OPTIONS });
  const base = { connection: v.connect, json: v.json, help: v.help, start: v.start };
  if (v.help) return { ...base, spec: { name: '', memoryMiB: 0, vcpus: 0, source: { kind: 'none' } } };
  const [, name, ...extra] = positionals;
  if (!name) throw new UsageError("'create' needs a VM name: create NAME --memory MIB …");
  if (extra.length) throw new UsageError(`'create' takes one VM name; unexpected '${extra[0]}'`);
  if (v.memory === undefined) throw new UsageError("'create' needs --memory MIB (or a size such as 2G)");
  const abs = (p: string): string => path.resolve(io.cwd ?? process.cwd(), p);

  const given = SOURCE_FLAGS.filter((f) => v[f] !== undefined);
  if (given.length > 1) throw new UsageError(`give one source, not ${given.map((f) => `--${f}`).join(' and ')}`);
  for (const [sub, parent] of Object.entries(SUB_FLAGS)) {
    if (v[sub as keyof typeof v] !== undefined && given[0] !== parent) throw new UsageError(`--${sub} goes with --${parent}`);
  }
  let source: VmSpecInput['source'];
  switch (given[0]) {
    case 'iso':
      source = { kind: 'iso', path: abs(v.iso!) };
      break;
    case 'import':
      source = { kind: 'import', path: abs(v.import!) };
      break;
    case 'kernel':
      source = { kind: 'kernel', kernel: abs(v.kernel!), ...(v.initrd !== undefined ? { initrd: abs(v.initrd) } : {}), ...(v.cmdline !== undefined ? { cmdline: v.cmdline } : {}) };
      break;
    case 'location':
      source = { kind: 'url', url: v.location!, ...(v['extra-args'] !== undefined ? { cmdline: v['extra-args'] } : {}) };
      break;
    case 'cloud-image': {
      if (v.user === undefined) throw new UsageError('--cloud-image needs --user NAME (and --password-file FILE or --ssh-key-file FILE)');
      const pw = v['password-file'];
      const key = v['ssh-key-file'];
      source = {
        kind: 'cloud',
        image: abs(v['cloud-image']!),
        cloudInit: {
          user: v.user,
          ...(pw !== undefined ? { password: passwordFromFile(readArgFile('--password-file', abs(pw), io)) } : {}),
          ...(key !== undefined ? { sshKey: firstKeyLine(readArgFile('--ssh-key-file', abs(key), io)) } : {}),
          ...(v.hostname !== undefined ? { hostname: v.hostname } : {}),
        },
      };
      break;
    }
    default:
      source = { kind: 'none' };
  }

  const disks = v.disk ?? [];
  if (disks.length > 1) throw new UsageError('give --disk once (one new disk)');
  if (disks.length && v['disk-volume'] !== undefined) throw new UsageError('give --disk (a new volume) or --disk-volume (an existing one), not both');
  const storage: VmSpecInput['storage'] = disks.length ? parseDisk(disks[0]) : v['disk-volume'] !== undefined ? parseDiskVolume(v['disk-volume']) : { kind: 'none' };

  const spec: VmSpecInput = {
    name,
    memoryMiB: parseMemory(v.memory),
    vcpus: v.vcpus !== undefined ? parseVcpus(v.vcpus) : 1,
    source,
    storage,
    network: parseNetwork(v.network ?? 'user'),
    ...(v.os !== undefined ? { os: v.os } : {}),
    // Passed as given: the API names the field when it is neither bios nor uefi.
    ...(v.firmware !== undefined ? { firmware: v.firmware as 'bios' | 'uefi' } : {}),
    ...(v.tpm ? { tpm: true } : {}),
  };
  return { ...base, spec };
}

export interface DeleteArgs {
  connection?: string;
  json: boolean;
  help: boolean;
  name: string;
  disks: string[];
  allDisks: boolean;
}

/** `delete NAME [--disk PATH …] [--all-disks]`. */
export function parseDeleteArgs(argv: string[], io: Pick<ArgsIo, 'cwd'> = {}): DeleteArgs {
  const { values: v, positionals } = strictParse('delete', argv, { ...COMMON, ...DELETE_OPTIONS });
  const [, name = '', ...extra] = positionals;
  if (!name && !v.help) throw new UsageError("'delete' needs a VM name: delete NAME [--disk PATH ...] [--all-disks]");
  if (extra.length) throw new UsageError(`'delete' takes one VM name; unexpected '${extra[0]}' (name disks with --disk PATH)`);
  const disks = (v.disk ?? []).map((d) => path.resolve(io.cwd ?? process.cwd(), d));
  return { connection: v.connect, json: v.json, help: v.help, name, disks, allDisks: v['all-disks'] };
}

/** The disks to delete: those named, plus every deletable one with --all-disks. Nothing else. */
export function disksToDelete(plan: DeletePlan, a: Pick<DeleteArgs, 'disks' | 'allDisks'>): string[] {
  const out = new Set(a.disks);
  if (a.allDisks) for (const d of plan.disks) if (d.deletable) out.add(d.path);
  return [...out];
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** One line per disk: what happens to it and, when kept, whether and why it could be deleted. */
export function describePlan(plan: DeletePlan, toDelete: string[]): string[] {
  const lines = [`VM '${plan.vm.name}' (${plan.vm.uuid}), ${plan.vm.state}${plan.running ? ': it is forced off first' : ''}.`];
  if (!plan.disks.length) return [...lines, 'Disks: none.'];
  lines.push('Disks:');
  const what = (d: DeletePlanDisk): string => {
    const where = [d.pool && d.volume ? `${d.pool}/${d.volume}` : '', d.sizeBytes !== undefined ? gib(d.sizeBytes) : ''].filter(Boolean).join(', ');
    return `${d.target.padEnd(5)} ${d.path}${where ? ` (${where})` : ''}`;
  };
  for (const d of plan.disks) {
    if (toDelete.includes(d.path)) lines.push(`  delete  ${what(d)}`);
    else lines.push(`  keep    ${what(d)}${d.deletable ? ' — deletable with --disk PATH or --all-disks' : ` — cannot be deleted: ${d.reason ?? 'not deletable'}`}`);
  }
  return lines;
}

type Progress = CreateEventMap['vm.createProgress'];

const STEP_TEXT: Record<Progress['step'], string> = {
  check: 'checking',
  'download-kernel': 'downloading the installer kernel',
  'download-initrd': 'downloading the installer initrd',
  'copy-image': 'copying the cloud image',
  seed: 'writing the cloud-init seed',
  volume: 'creating the disk volume',
  define: 'defining the VM',
  start: 'starting the VM',
  cleanup: 'a step failed: removing what was created',
};

/** One progress line: the step, its detail, and for byte steps the percentage and MiB. */
export function progressLine(e: Pick<Progress, 'step' | 'detail' | 'done' | 'total'>): string {
  const bytes = e.done !== undefined ? ` ${bytesText({ done: e.done, ...(e.total !== undefined ? { total: e.total } : {}) })}` : '';
  return `${STEP_TEXT[e.step] ?? e.step}${e.detail ? ` ${e.detail}` : ''}${bytes}`;
}

// ---- running ----

export async function runCreateCommand(command: 'create' | 'delete', argv: string[], core: () => Pick<ApiDispatcher, 'call' | 'onEvent'>): Promise<number> {
  return command === 'create' ? runCreate(argv, core) : runDelete(argv, core);
}

async function runCreate(argv: string[], core: () => Pick<ApiDispatcher, 'call' | 'onEvent'>): Promise<number> {
  const a = parseCreateArgs(argv);
  if (a.help) {
    console.log(commandHelp(findCommand('create')!));
    return 0;
  }
  const c = core();
  const api = typedApi(c);
  const progressId = newProgressId();
  const progress = a.json ? null : await stderrProgress();
  let step: Progress['step'] | undefined;
  const off = c.onEvent((e) => {
    if (!progress || e.type !== 'vm.createProgress' || e.progressId !== progressId) return;
    const p = e as unknown as Progress;
    if (p.done === undefined || p.step !== step) progress.step(progressLine({ step: p.step, detail: p.detail }));
    step = p.step;
    if (p.done !== undefined) progress.bytes(STEP_TEXT[p.step] ?? p.step, { done: p.done, ...(p.total !== undefined ? { total: p.total } : {}) });
  });
  let r: VmCreateResult;
  try {
    r = await cancelOnInterrupt(api, progressId, () => api['vm.create']({ connection: a.connection, spec: a.spec, start: a.start, progressId }));
  } finally {
    off();
    progress?.stop();
  }
  if (a.json) {
    console.log(JSON.stringify(r, null, 2));
    return 0;
  }
  const disk = r.createdVolume ? ` with a new disk ${r.createdVolume.pool}/${r.createdVolume.name}` : '';
  console.log(`Created VM '${r.vm.name}' (${r.vm.uuid})${disk}${r.started ? '; started.' : `; not started (virtdesk start '${r.vm.name}').`}`);
  for (const w of r.warnings) console.log(`warning: ${w}`);
  return 0;
}

async function runDelete(argv: string[], core: () => Pick<ApiDispatcher, 'call'>): Promise<number> {
  const a = parseDeleteArgs(argv);
  if (a.help) {
    console.log(commandHelp(findCommand('delete')!));
    return 0;
  }
  const c = core();
  const vm = { name: a.name };
  const api = typedApi(c);
  const plan = await api['vm.deletePlan']({ connection: a.connection, vm });
  const deleteDisks = disksToDelete(plan, a);
  if (!a.json) for (const l of describePlan(plan, deleteDisks)) console.log(l);
  // The API refuses the whole delete when a disk named is not deletable (nothing is deleted).
  const r = await api['vm.delete']({ connection: a.connection, vm: { uuid: plan.vm.uuid }, deleteDisks });
  if (a.json) console.log(JSON.stringify({ plan, ...r }, null, 2));
  else {
    const kept = plan.disks.length - r.deletedDisks.length;
    console.log(`Deleted VM '${plan.vm.name}'; ${r.deletedDisks.length} disk${r.deletedDisks.length === 1 ? '' : 's'} deleted, ${kept} kept.`);
    for (const f of r.failedDisks) console.log(`warning: could not delete ${f.path}: ${f.error}`);
  }
  return r.failedDisks.length ? 1 : 0;
}
