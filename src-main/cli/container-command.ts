// `virtdesk create-container NAME (--command PATH [--arg A ...] [--root DIR] | --root DIR [--init PATH] |
// --tarball FILE --root DIR) [--memory 64M] [--vcpus N] [--mount HOST:GUEST[:ro|rw] ...]
// [--network NAME|none] [--no-start] [--json]`: container.create on an LXC connection. The
// argument → spec mapping is a plain function (unit-tested); every check of the spec is the API's.
import { parseArgs } from 'node:util';
import type { Core } from '../api/core';
import type { ContainerCreateResult, ContainerSpecInput, TypedApiEvent } from '../contract';
import { parseMemory, parseVcpus, UsageError } from './create-command';
import { stderrProgress } from './progress';
import { typedApi } from './typed-api';

export const CONTAINER_OPTIONS = {
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  command: { type: 'string' },
  arg: { type: 'string', multiple: true },
  root: { type: 'string' },
  init: { type: 'string' },
  tarball: { type: 'string' },
  memory: { type: 'string' },
  vcpus: { type: 'string' },
  mount: { type: 'string', multiple: true },
  network: { type: 'string' },
  'no-start': { type: 'boolean', default: false },
} as const;

type Values = { [K in keyof typeof CONTAINER_OPTIONS]?: (typeof CONTAINER_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof CONTAINER_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** --mount HOST:GUEST[:ro|rw] (read-only unless :rw). */
export function parseMount(text: string): { host: string; guest: string; readonly: boolean } {
  const parts = text.split(':');
  const mode = parts.length === 3 ? parts[2] : parts.length === 2 ? 'ro' : null;
  if (!mode || !['ro', 'rw'].includes(mode) || !parts[0] || !parts[1]) throw new UsageError(`--mount must be HOST_FOLDER:FOLDER_INSIDE[:ro|rw] (got '${text}')`);
  return { host: parts[0], guest: parts[1], readonly: mode === 'ro' };
}

/** The spec a command line asks for. */
export function containerSpecFromArgs(name: string | undefined, v: Values): ContainerSpecInput {
  if (!name) throw new UsageError("'create-container' needs the container's name: create-container NAME --command PATH | --root DIR");
  if (!v.command && !v.root) throw new UsageError('give --command PATH (an application container) or --root DIR (a system container booting its init)');
  if (v.command && (v.init || v.tarball)) throw new UsageError('--init and --tarball are for system containers (--root DIR without --command)');
  if (v.tarball && !v.root) throw new UsageError('--tarball needs --root DIR: the new folder to unpack it into');
  if (v.arg?.length && !v.command) throw new UsageError('--arg goes with --command');
  const common = {
    name,
    memoryMiB: v.memory === undefined ? 128 : parseMemory(v.memory),
    ...(v.vcpus !== undefined ? { vcpus: parseVcpus(v.vcpus) } : {}),
    mounts: (v.mount ?? []).map(parseMount),
    network: !v.network || v.network === 'none' ? { kind: 'none' as const } : { kind: 'network' as const, name: v.network },
  };
  if (v.command) return { kind: 'application', ...common, command: v.command, args: v.arg ?? [], ...(v.root ? { root: v.root } : {}) };
  const rootfs = v.tarball ? { kind: 'tarball' as const, tarball: v.tarball, folder: v.root! } : { kind: 'folder' as const, folder: v.root! };
  return { kind: 'system', ...common, rootfs, ...(v.init ? { init: v.init } : {}) };
}

export async function runContainerCommand(argv: string[], core: () => Core): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONTAINER_OPTIONS });
  if (positionals.length > 2) throw new UsageError(`'create-container' takes one NAME (got also '${positionals[2]}')`);
  const spec = containerSpecFromArgs(positionals[1], values as Values);
  const c = core();
  const progressId = `cli-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const progress = values.json ? null : await stderrProgress();
  const off = c.onEvent((raw) => {
    const e = raw as TypedApiEvent;
    if (!progress || e.type !== 'container.createProgress' || e.progressId !== progressId) return;
    if (e.step === 'unpack' && e.total) progress.bytes('unpacking', { done: e.done ?? 0, total: e.total });
    else progress.step(`${e.step} ${e.name}`);
  });
  let r: ContainerCreateResult;
  try {
    r = await typedApi(c)['container.create']({ connection: values.connect, spec, start: !values['no-start'], progressId });
  } finally {
    off();
    progress?.stop();
  }
  if (values.json) console.log(JSON.stringify(r, null, 2));
  else console.log(`Created container '${r.vm.name}' on ${r.vm.connection}${values['no-start'] ? '' : ' and started it'}${r.unpackedInto ? ` (root filesystem unpacked into ${r.unpackedInto})` : ''}. Console: virtdesk console ${r.vm.name} --connect '${r.vm.connection}'`);
  return 0;
}
