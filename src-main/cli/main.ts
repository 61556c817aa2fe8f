// `virtdesk <command>` (from the source tree: npm run cli -- <command>): the same core and API as
// the app. Built to out/cli/virtdesk.js by scripts/build-cli.mjs, behind cli-entry.ts.
//
// Where libvirt runs (docs/architecture.md, "The CLI"):
// - help, --version, --help-all and completion scripts load nothing but the command table;
// - `list` and the completion helper `__complete` run libvirt in THIS process, without the core
//   (one-shot.ts): a process that makes a few calls and exits gains nothing from a host process;
// - every other command goes through the core (zod, the handlers, libvirt's client, imported only
//   here) and a host process, like the other fronts: they change things, wait for events, run long
//   (console, lab up) or must survive Ctrl+C to roll back. When the connection is named, that
//   process is forked before the core loads (early-host.ts), so both start together.
import { VM_VERBS, vmVerbForCli } from '../api/vm-verbs';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Core } from '../api/core';
import type { HostCheckReport, VirtdeskApi } from '../contract';
import type { CloneResult, LabStatus, SnapshotInfo } from '../contract';
import { cancelOnInterrupt, newProgressId } from './cancel-on-interrupt';
import { plainText, stderrProgress } from './progress';
import { commandHelp, findCommand, mainHelp, manPage } from './command-table';
import { completionScript } from './completion';
import { peekCommand, runCreateCommand, UsageError } from './create-command';
import { EDIT_COMMANDS, runEditCommand } from './edit-commands';
import { DEVICE_EDIT_COMMANDS, runDeviceEditCommand } from './device-edit-commands';
import { runMigrateCommand } from './migrate-command';
import { runContainerCommand } from './container-command';
import { earlyHostSpawner } from './early-host';
import { typedApi } from './typed-api';
import { connectFlag, runOneShot, withDefaultConnect } from './one-shot';
import { defaultSettingsDir } from '../server/settings-dir';
import { formatTable, vmTable } from './output';
import { VERSION, versionAnswer } from './version';


const printTable = (rows: string[][]): void => void process.stdout.write(formatTable(rows));

function printHostCheck(r: HostCheckReport): void {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', info: 'info' } as const;
  console.log(`${r.headline}\n\n${r.explanation}\n`);
  console.log(`OS containers (LXC): ${r.containers.available ? 'available' : 'not available'} — ${r.containers.detail}\n`);
  for (const c of r.checks) {
    console.log(`[${mark[c.status]}] ${c.title}: ${c.detail}`);
    if (c.fix && c.status !== 'ok') console.log(`       fix: ${c.fix}`);
  }
}

function needName(positionals: string[], command: string): string {
  const name = positionals[1];
  if (!name) throw new UsageError(`'${command}' needs a VM name`);
  return name;
}

async function runConsole(core: Core, connection: string | undefined, name: string, force: boolean): Promise<number> {
  const api = typedApi(core);
  const { sessionId } = await api['console.open']({ connection, vm: { name }, force });
  process.stderr.write(`Connected to the serial console of '${name}'. Press Ctrl+] to exit.\r\n`);
  return new Promise<number>((resolve) => {
    const stdin = process.stdin;
    const finish = (code: number, why?: string): void => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      off();
      if (why) process.stderr.write(`\r\n${why}\r\n`);
      void api['console.close']({ sessionId }).finally(() => resolve(code));
    };
    const off = core.onEvent((e) => {
      if (e.type === 'console.data' && e.sessionId === sessionId) process.stdout.write(Buffer.from(String(e.data), 'base64'));
      if (e.type === 'console.end' && e.sessionId === sessionId) finish(0, `Console closed: ${String(e.reason)}`);
    });
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', (chunk: Buffer) => {
      const exitAt = chunk.indexOf(0x1d); // Ctrl+]
      const data = exitAt >= 0 ? chunk.subarray(0, exitAt) : chunk;
      if (data.length) void api['console.write']({ sessionId, data: data.toString('base64') }).catch((err: Error) => finish(1, err.message));
      if (exitAt >= 0) finish(0);
    });
    stdin.on('end', () => finish(0));
    stdin.resume();
  });
}

/** vm.clone with a progress bar (full copies; not with --json) and Ctrl+C cancelling it. */
async function runClone(core: Core, o: { connection?: string; name: string; newName: string; linked: boolean; json: boolean }): Promise<CloneResult> {
  const api = typedApi(core);
  const progressId = newProgressId();
  const progress = o.json || o.linked ? null : await stderrProgress();
  const off = core.onEvent((e) => {
    if (e.type !== 'vm.cloneProgress' || e.progressId !== progressId) return;
    progress?.bytes(`copying the disks of '${o.name}'`, { done: Number(e.done), total: Number(e.total) });
  });
  try {
    return await cancelOnInterrupt(api, progressId, () => api['vm.clone']({ connection: o.connection, vm: { name: o.name }, name: o.newName, mode: o.linked ? 'linked' : 'full', progressId }));
  } finally {
    off();
    progress?.stop();
  }
}

async function runSnapshot(api: VirtdeskApi, connection: string | undefined, args: string[], o: { json: boolean; description?: string; noMemory: boolean; external: boolean }): Promise<number> {
  const [action, name, snap] = args;
  const actions = ['list', 'create', 'revert', 'delete', 'capabilities'];
  if (!action || !actions.includes(action)) throw new UsageError(`'snapshot' needs one of ${actions.join(', ')}`);
  if (!name) throw new UsageError(`'snapshot ${action}' needs a VM name`);
  const vm = { name };
  if (action === 'list') {
    const list = await api['snapshot.list']({ connection, vm });
    if (o.json) console.log(JSON.stringify(list, null, 2));
    else if (!list.length) console.log(`VM '${name}' has no snapshots.`);
    else {
      const depth = (s: SnapshotInfo): number => (s.parent ? 1 + depth(list.find((x) => x.name === s.parent) ?? { ...s, parent: null }) : 0);
      printTable([
        ['NAME', 'CREATED', 'STATE', 'MEMORY', 'KIND', 'CURRENT'],
        ...list.map((s) => [`${'  '.repeat(depth(s))}${s.name}`, s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), s.state, s.hasMemory ? 'yes' : 'no', s.external ? 'external' : 'internal', s.current ? '*' : '']),
      ]);
    }
    return 0;
  }
  if (action === 'capabilities') {
    const caps = await api['snapshot.capabilities']({ connection, vm });
    if (o.json) console.log(JSON.stringify(caps, null, 2));
    else {
      console.log(`internal: ${caps.internal ? 'yes' : 'no'}\nexternal: ${caps.external ? 'yes' : 'no'}\nrevert to external: ${caps.externalRevert ? 'yes' : 'no'} (libvirt ${caps.libVersion})`);
      for (const r of caps.reasons) console.log(`- ${r}`);
    }
    return 0;
  }
  if (!snap) throw new UsageError(`'snapshot ${action}' needs the snapshot's name: snapshot ${action} NAME SNAP`);
  if (action === 'create') {
    const s = await api['snapshot.create']({ connection, vm, name: snap, ...(o.description ? { description: o.description } : {}), ...(o.noMemory ? { memory: false } : {}), external: o.external });
    console.log(o.json ? JSON.stringify(s, null, 2) : `Created ${s.external ? 'external' : 'internal'} snapshot '${s.name}' of '${name}'${s.hasMemory ? ' (with memory)' : ''}.`);
    return 0;
  }
  await api[action === 'revert' ? 'snapshot.revert' : 'snapshot.delete']({ connection, vm, name: snap });
  console.log(o.json ? JSON.stringify({ name, snapshot: snap, action, ok: true }) : action === 'revert' ? `VM '${name}' reverted to snapshot '${snap}'.` : `Deleted snapshot '${snap}' of '${name}'.`);
  return 0;
}

function printLabStatus(s: LabStatus): void {
  const net = s.network ? `network ${s.network.name} (${s.network.subnet ?? 'no IPv4'}${s.network.dhcp ? ', DHCP' : ''}${s.network.active ? '' : ', stopped'})` : 'user-mode networking';
  console.log(`Lab '${s.lab}' on ${s.connection}: ${s.machines.length} machine${s.machines.length === 1 ? '' : 's'}, ${net}${s.tags.length ? `, tags: ${s.tags.join(', ')}` : ''}`);
  if (s.machines.length) printTable([['VM', 'MACHINE', 'STATE'], ...s.machines.map((m) => [m.name, m.machine, m.state])]);
  if (s.missing.length) console.log(`not created: ${s.missing.join(', ')} (run lab up)`);
}

/**
 * Lab up/reset run for a while: a line per VM event on the lab's connection (defined, started,
 * stopped…) on stderr as it happens. The core has no lab progress events; the VMs' own events say enough.
 */
function labEventLines(core: Core): () => void {
  return core.onEvent((e) => {
    if (e.type === 'vm.changed') process.stderr.write(`${plainText(`${String(e.name)}: ${String(e.event)}`)}\n`);
  });
}

async function runLab(core: Core, connection: string | undefined, args: string[], json: boolean): Promise<number> {
  const api = typedApi(core);
  const [action, fileArg] = args;
  const actions = ['up', 'start', 'stop', 'reset', 'down', 'status', 'validate', 'list'];
  if (!action || !actions.includes(action)) throw new UsageError(`'lab' needs one of ${actions.join(', ')}`);
  if (action === 'list') {
    const labs = await api['lab.list']({ connection });
    if (json) console.log(JSON.stringify(labs, null, 2));
    else if (!labs.length) console.log('No labs.');
    else printTable([['LAB', 'MACHINES', 'RUNNING', 'NETWORK', 'TAGS'], ...labs.map((l) => [l.name, String(l.machines), String(l.running), l.network ?? '-', l.tags.join(',') || '-'])]);
    return 0;
  }
  if (!fileArg) throw new UsageError(`'lab ${action}' needs a lab file: lab ${action} FILE`);
  const file = path.resolve(fileArg);
  const out = (v: unknown, text: () => void): void => (json ? console.log(JSON.stringify(v, null, 2)) : text());
  switch (action) {
    case 'validate': {
      const v = await api['lab.validate']({ connection, file });
      if (json) console.log(JSON.stringify(v, null, 2));
      else if (v.ok) {
        console.log(`${fileArg}: ok — lab '${v.lab!.name}': ${v.lab!.vms.map((m) => m.name).join(', ')}`);
        for (const w of v.warnings) console.log(`warning: ${w}`);
      }
      if (!v.ok) {
        for (const e of v.errors) process.stderr.write(`virtdesk: ${e.text}\n`);
        return 1;
      }
      return 0;
    }
    case 'up': {
      const off = json ? () => undefined : labEventLines(core);
      const r = await api['lab.up']({ connection, file }).finally(off);
      out(r, () => {
        console.log(`Lab '${r.lab}' is up in ${(r.ms / 1000).toFixed(1)} s: ${r.created.length} created, ${r.existing.length} already there.`);
        printLabStatus(r);
        for (const w of r.warnings) console.log(`warning: ${w}`);
      });
      return 0;
    }
    case 'down': {
      const r = await api['lab.down']({ connection, file });
      out(r, () => {
        console.log(`Lab '${r.lab}' is down: removed ${r.removedVms.length} VM${r.removedVms.length === 1 ? '' : 's'}, ${r.removedVolumes.length} overlay${r.removedVolumes.length === 1 ? '' : 's'}${r.removedContainers?.length ? `, container${r.removedContainers.length === 1 ? '' : 's'} ${r.removedContainers.join(', ')}` : ''}${r.removedNetwork ? `, network ${r.removedNetwork}` : ''}.`);
        for (const p of r.problems) console.log(`problem: ${p}`);
      });
      return r.problems.length ? 1 : 0;
    }
    default: {
      const off = json || action !== 'reset' ? () => undefined : labEventLines(core);
      const r: LabStatus & { ms?: number } =
        action === 'reset' ? await api['lab.reset']({ connection, file }).finally(off) : await api[action === 'start' ? 'lab.start' : action === 'stop' ? 'lab.stop' : 'lab.status']({ connection, file });
      out(r, () => {
        if (action === 'reset') console.log(`Lab '${r.lab}' is back to its baseline (${((r.ms ?? 0) / 1000).toFixed(1)} s).`);
        printLabStatus(r);
      });
      return 0;
    }
  }
}

const OPTIONS = {
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  inactive: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  linked: { type: 'boolean', default: false },
  external: { type: 'boolean', default: false },
  'no-memory': { type: 'boolean', default: false },
  description: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Names for shell completion (`__complete vm|snapshot VM|pool|network`), one a line; `uri` is answered by one-shot.ts. */
async function runComplete(api: VirtdeskApi, connection: string | undefined, kind: string | undefined, vm: string | undefined): Promise<number> {
  let names: string[];
  if (kind === 'vm') names = (await api['vm.list']({ connection })).map((v) => v.name);
  else if (kind === 'snapshot' && vm) names = (await api['snapshot.list']({ connection, vm: { name: vm } })).map((s) => s.name);
  else if (kind === 'pool') names = (await api['pool.list']({ connection })).map((p) => p.name);
  else if (kind === 'network') names = (await api['network.list']({ connection })).map((n) => n.name);
  else throw new UsageError("'__complete' needs vm, snapshot VM, pool or network");
  if (names.length) process.stdout.write(`${names.join('\n')}\n`);
  return 0;
}

/**
 * What needs no core: help (main, per command, the man page), the version, completion scripts.
 * Returns the exit code, or undefined when the command needs the core.
 */
function runWithoutCore(argv: string[], command: string | undefined): number | undefined {
  const version = versionAnswer(argv);
  if (version) {
    process.stdout.write(version);
    return 0;
  }
  if (argv.includes('--help-all')) {
    process.stdout.write(manPage(VERSION));
    return 0;
  }
  const help = argv.includes('--help') || argv.includes('-h');
  if (!command) {
    console.log(mainHelp());
    return help ? 0 : 2;
  }
  const spec = findCommand(command);
  if (help && spec) {
    console.log(commandHelp(spec));
    return 0;
  }
  if (command === 'completion') {
    const shell = argv.filter((a) => !a.startsWith('-'))[1];
    const script = completionScript(shell);
    if (!script) throw new UsageError("'completion' needs bash, zsh or fish");
    process.stdout.write(script);
    return 0;
  }
  return undefined;
}

async function run(argv: string[], core: () => Core): Promise<number> {
  // create and delete have options of their own (src-main/cli/create-command.ts).
  const peeked = peekCommand(argv, OPTIONS);
  if (peeked === 'create' || peeked === 'delete') return runCreateCommand(peeked, argv, core);
  if (peeked && EDIT_COMMANDS.has(peeked)) return runEditCommand(peeked, argv, core);
  if (peeked && DEVICE_EDIT_COMMANDS.has(peeked)) return runDeviceEditCommand(peeked, argv, core);
  if (peeked === 'migrate') return runMigrateCommand(argv, core);
  if (peeked === 'create-container') return runContainerCommand(argv, core);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const command = positionals[0];
  const connection = values.connect;
  const api = typedApi(core());
  switch (command) {
    case 'host-check': {
      const report = await api['host.check']({ connection });
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else printHostCheck(report);
      return 0;
    }
    case 'list': {
      const vms = await api['vm.list']({ connection });
      if (values.json) {
        console.log(JSON.stringify(vms, null, 2));
        return 0;
      }
      process.stdout.write(vmTable(vms));
      return 0;
    }
    case 'dumpxml': {
      process.stdout.write(await api['vm.xml']({ connection, vm: { name: needName(positionals, command) }, inactive: values.inactive }));
      return 0;
    }
    case 'screenshot': {
      const name = needName(positionals, command);
      const file = positionals[2];
      if (!file) throw new UsageError("'screenshot' needs an output file, e.g. screen.png");
      const shot = await api['vm.screenshot']({ connection, vm: { name } });
      fs.writeFileSync(file, Buffer.from(shot.base64, 'base64'));
      console.log(values.json ? JSON.stringify({ file, mime: shot.mime }) : `Saved the screen of '${name}' to ${file} (${shot.mime})`);
      return 0;
    }
    case 'console':
      return runConsole(core(), connection, needName(positionals, command), values.force);
    case 'snapshot':
      return runSnapshot(api, connection, positionals.slice(1), { json: values.json, description: values.description, noMemory: values['no-memory'], external: values.external });
    case 'clone': {
      const [, name, newName] = positionals;
      if (!name || !newName) throw new UsageError("'clone' needs the VM's name and the new name: clone NAME NEWNAME [--linked]");
      const r = await runClone(core(), { connection, name, newName, linked: values.linked, json: values.json });
      if (values.json) console.log(JSON.stringify(r, null, 2));
      else {
        const what = r.mode === 'linked' ? `linked clone (${r.disks.length} overlay${r.disks.length === 1 ? '' : 's'}; '${name}' is now a template)` : `full clone (${r.disks.length} disk${r.disks.length === 1 ? '' : 's'} copied)`;
        console.log(`Cloned '${name}' to '${r.vm.name}': ${what} in ${(r.ms / 1000).toFixed(1)} s.`);
        for (const w of r.warnings) console.log(`warning: ${w}`);
      }
      return 0;
    }
    case 'lab':
      return runLab(core(), connection, positionals.slice(1), values.json);
    case '__complete':
      return runComplete(api, connection, positionals[1], positionals[2]);
    default: {
      const method = vmVerbForCli(command ?? '');
      if (!method) throw new UsageError(`unknown command '${command}'`);
      const name = needName(positionals, command!);
      // --force on start: the user confirms starting a template that has linked clones.
      await api[method]({ connection, vm: { name }, ...(method === 'vm.start' && values.force ? { confirmTemplate: true } : {}) });
      console.log(values.json ? JSON.stringify({ name, action: command, ok: true }) : `VM '${name}' ${VM_VERBS[method].done}.`);
      return 0;
    }
  }
}

/** The FILE of `lab <action> FILE`: the user named it, so the core may read it wherever it is. */
function labFileArg(argv: string[]): string[] | undefined {
  const words = argv.filter((a, n) => !a.startsWith('-') && !(n > 0 && argv[n - 1] === '--connect'));
  return words[0] === 'lab' && words[2] ? [words[2]] : undefined;
}

/** Exit code of a failure: 2 bad usage, 3 not found (ApiError NOT_FOUND), 130 cancelled by Ctrl+C, 1 anything else. */
function exitCodeOf(e: unknown): number {
  const err = e as { name?: string; code?: unknown };
  if (e instanceof UsageError || (typeof err?.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'))) return 2;
  if (err?.name === 'ApiError' && err.code === 'NOT_FOUND') return 3;
  // Ctrl+C cancelled the operation (128 + SIGINT, as shells report it).
  if (err?.name === 'ApiError' && err.code === 'CANCELLED') return 130;
  return 1;
}

/** One line: control characters (a libvirt message with a newline, a hostile name) are escaped. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (ch) => (ch === '\n' ? ' ' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

async function main(): Promise<void> {
  let core: Core | null = null;
  let early: ReturnType<typeof earlyHostSpawner> | null = null;
  const argv = withDefaultConnect(process.argv.slice(2), process.env);
  let code: number;
  try {
    const peeked = peekCommand(argv, OPTIONS);
    const answered = runWithoutCore(argv, peeked) ?? (await runOneShot(argv, defaultSettingsDir()));
    if (answered !== undefined) code = answered;
    else {
      const namedConnection = connectFlag(argv);
      const { nodeHostSpawner } = await import('../libvirt/node-host-spawner');
      early = earlyHostSpawner(nodeHostSpawner, namedConnection);
      // Loaded only here, while the host process starts: the core pulls in zod, every handler
      // and libvirt's client.
      const { createCore } = await import('../api/core');
      const namedFiles = labFileArg(argv);
      const spawnHost = early.spawner;
      const getCore = (): Core =>
        (core ??= createCore({ spawnHost, settingsDir: defaultSettingsDir(), appSsh: false, ...(namedConnection ? { namedConnection } : {}), ...(namedFiles ? { namedFiles } : {}) }));
      code = await run(argv, getCore);
    }
  } catch (e) {
    code = exitCodeOf(e);
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`virtdesk: ${oneLine(message)}${code === 2 ? " (see 'virtdesk --help')" : ''}\n`);
  }
  await (core as Core | null)?.close();
  early?.dispose();
  process.exit(code);
}

void main();
