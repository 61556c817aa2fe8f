// `virtdesk <command>` (npm run cli -- <command>): the same core and API as the app.
import { VM_VERBS, vmVerbForCli } from '../api/vm-verbs';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../api/core';
import { ApiError, type HostCheckReport, type VmSummary } from '../contract';
import type { CloneResult, LabDownResult, LabStatus, LabSummary, LabUpResult, LabValidation, SnapshotCapabilities, SnapshotInfo } from '../contract';
import { nodeHostSpawner } from '../libvirt/node-host-spawner';
import { CREATE_USAGE, peekCommand, runCreateCommand, UsageError } from './create-command';
import { defaultSettingsDir } from '../server/settings-dir';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  host-check [--json]                 which virtualization this host gives, and how to fix it
  list [--json]                       virtual machines and their state
${CREATE_USAGE}
  start|shutdown|reboot|destroy|suspend|resume|managedsave|managedsave-remove NAME
                                      lifecycle (virsh's words); start --force starts a template with linked clones
  dumpxml [--inactive] NAME           the domain XML
  screenshot NAME FILE.png            save the guest's screen
  console NAME [--force]              interactive serial console (Ctrl+] exits)
  snapshot list NAME                  the VM's snapshot tree
  snapshot create NAME SNAP [--description TEXT] [--no-memory] [--external]
  snapshot revert|delete NAME SNAP
  snapshot capabilities NAME          which snapshots the VM can have, and why not
  clone NAME NEWNAME [--linked]       full copy (default) or linked clone of a shut-off VM
  lab up|start|stop|reset|down|status|validate FILE
                                      a lab file (*.lab.yaml): create, control, reset, remove
  lab list                            labs on the connection

Options:
  --connect URI   libvirt URI (default: qemu:///system if reachable, else qemu:///session)
  --json          machine-readable output (stable; see README)`;


function formatMemory(kib: number): string {
  return kib >= 1024 * 1024 ? `${(kib / 1024 / 1024).toFixed(1)} GiB` : `${Math.round(kib / 1024)} MiB`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

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
  const { sessionId } = (await core.call('console.open', { connection, vm: { name }, force })) as { sessionId: string };
  process.stderr.write(`Connected to the serial console of '${name}'. Press Ctrl+] to exit.\r\n`);
  return new Promise<number>((resolve) => {
    const stdin = process.stdin;
    const finish = (code: number, why?: string): void => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      off();
      if (why) process.stderr.write(`\r\n${why}\r\n`);
      void core.call('console.close', { sessionId }).finally(() => resolve(code));
    };
    const off = core.onEvent((e) => {
      if (e.type === 'console.data' && e.sessionId === sessionId) process.stdout.write(Buffer.from(String(e.data), 'base64'));
      if (e.type === 'console.end' && e.sessionId === sessionId) finish(0, `Console closed: ${String(e.reason)}`);
    });
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', (chunk: Buffer) => {
      const exitAt = chunk.indexOf(0x1d); // Ctrl+]
      const data = exitAt >= 0 ? chunk.subarray(0, exitAt) : chunk;
      if (data.length) void core.call('console.write', { sessionId, data: data.toString('base64') }).catch((err: Error) => finish(1, err.message));
      if (exitAt >= 0) finish(0);
    });
    stdin.on('end', () => finish(0));
    stdin.resume();
  });
}

async function runSnapshot(c: Core, connection: string | undefined, args: string[], o: { json: boolean; description?: string; noMemory: boolean; external: boolean }): Promise<number> {
  const [action, name, snap] = args;
  const actions = ['list', 'create', 'revert', 'delete', 'capabilities'];
  if (!action || !actions.includes(action)) throw new UsageError(`'snapshot' needs one of ${actions.join(', ')}`);
  if (!name) throw new UsageError(`'snapshot ${action}' needs a VM name`);
  const vm = { name };
  if (action === 'list') {
    const list = (await c.call('snapshot.list', { connection, vm })) as SnapshotInfo[];
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
    const caps = (await c.call('snapshot.capabilities', { connection, vm })) as SnapshotCapabilities;
    if (o.json) console.log(JSON.stringify(caps, null, 2));
    else {
      console.log(`internal: ${caps.internal ? 'yes' : 'no'}\nexternal: ${caps.external ? 'yes' : 'no'}\nrevert to external: ${caps.externalRevert ? 'yes' : 'no'} (libvirt ${caps.libVersion})`);
      for (const r of caps.reasons) console.log(`- ${r}`);
    }
    return 0;
  }
  if (!snap) throw new UsageError(`'snapshot ${action}' needs the snapshot's name: snapshot ${action} NAME SNAP`);
  if (action === 'create') {
    const s = (await c.call('snapshot.create', { connection, vm, name: snap, ...(o.description ? { description: o.description } : {}), ...(o.noMemory ? { memory: false } : {}), external: o.external })) as SnapshotInfo;
    console.log(o.json ? JSON.stringify(s, null, 2) : `Created ${s.external ? 'external' : 'internal'} snapshot '${s.name}' of '${name}'${s.hasMemory ? ' (with memory)' : ''}.`);
    return 0;
  }
  await c.call(action === 'revert' ? 'snapshot.revert' : 'snapshot.delete', { connection, vm, name: snap });
  console.log(o.json ? JSON.stringify({ name, snapshot: snap, action, ok: true }) : action === 'revert' ? `VM '${name}' reverted to snapshot '${snap}'.` : `Deleted snapshot '${snap}' of '${name}'.`);
  return 0;
}

function printLabStatus(s: LabStatus): void {
  const net = s.network ? `network ${s.network.name} (${s.network.subnet ?? 'no IPv4'}${s.network.dhcp ? ', DHCP' : ''}${s.network.active ? '' : ', stopped'})` : 'user-mode networking';
  console.log(`Lab '${s.lab}' on ${s.connection}: ${s.machines.length} machine${s.machines.length === 1 ? '' : 's'}, ${net}${s.tags.length ? `, tags: ${s.tags.join(', ')}` : ''}`);
  if (s.machines.length) printTable([['VM', 'MACHINE', 'STATE'], ...s.machines.map((m) => [m.name, m.machine, m.state])]);
  if (s.missing.length) console.log(`not created: ${s.missing.join(', ')} (run lab up)`);
}

async function runLab(c: Core, connection: string | undefined, args: string[], json: boolean): Promise<number> {
  const [action, fileArg] = args;
  const actions = ['up', 'start', 'stop', 'reset', 'down', 'status', 'validate', 'list'];
  if (!action || !actions.includes(action)) throw new UsageError(`'lab' needs one of ${actions.join(', ')}`);
  if (action === 'list') {
    const labs = (await c.call('lab.list', { connection })) as LabSummary[];
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
      const v = (await c.call('lab.validate', { connection, file })) as LabValidation;
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
      const r = (await c.call('lab.up', { connection, file })) as LabUpResult;
      out(r, () => {
        console.log(`Lab '${r.lab}' is up in ${(r.ms / 1000).toFixed(1)} s: ${r.created.length} created, ${r.existing.length} already there.`);
        printLabStatus(r);
        for (const w of r.warnings) console.log(`warning: ${w}`);
      });
      return 0;
    }
    case 'down': {
      const r = (await c.call('lab.down', { connection, file })) as LabDownResult;
      out(r, () => {
        console.log(`Lab '${r.lab}' is down: removed ${r.removedVms.length} VM${r.removedVms.length === 1 ? '' : 's'}, ${r.removedVolumes.length} overlay${r.removedVolumes.length === 1 ? '' : 's'}${r.removedNetwork ? `, network ${r.removedNetwork}` : ''}.`);
        for (const p of r.problems) console.log(`problem: ${p}`);
      });
      return r.problems.length ? 1 : 0;
    }
    default: {
      const method = `lab.${action}` as 'lab.start' | 'lab.stop' | 'lab.status' | 'lab.reset';
      const r = (await c.call(method, { connection, file })) as LabStatus & { ms?: number };
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

async function run(argv: string[], core: () => Core): Promise<number> {
  // create and delete have options of their own (src-main/cli/create-command.ts).
  const peeked = peekCommand(argv, OPTIONS);
  if (peeked === 'create' || peeked === 'delete') return runCreateCommand(peeked, argv, core);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const connection = values.connect;
  const c = core();
  switch (command) {
    case 'host-check': {
      const report = (await c.call('host.check', { connection })) as HostCheckReport;
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else printHostCheck(report);
      return 0;
    }
    case 'list': {
      const vms = (await c.call('vm.list', { connection })) as VmSummary[];
      if (values.json) {
        console.log(JSON.stringify(vms, null, 2));
        return 0;
      }
      printTable([['NAME', 'STATE', 'VCPUS', 'MEMORY', 'OS'], ...vms.map((v) => [v.name, v.state, String(v.vcpus), formatMemory(v.maxMemoryKiB), v.os ?? '-'])]);
      return 0;
    }
    case 'dumpxml': {
      process.stdout.write(String(await c.call('vm.xml', { connection, vm: { name: needName(positionals, command) }, inactive: values.inactive })));
      return 0;
    }
    case 'screenshot': {
      const name = needName(positionals, command);
      const file = positionals[2];
      if (!file) throw new UsageError("'screenshot' needs an output file, e.g. screen.png");
      const shot = (await c.call('vm.screenshot', { connection, vm: { name } })) as { mime: string; base64: string };
      fs.writeFileSync(file, Buffer.from(shot.base64, 'base64'));
      console.log(values.json ? JSON.stringify({ file, mime: shot.mime }) : `Saved the screen of '${name}' to ${file} (${shot.mime})`);
      return 0;
    }
    case 'console':
      return runConsole(c, connection, needName(positionals, command), values.force);
    case 'snapshot':
      return runSnapshot(c, connection, positionals.slice(1), { json: values.json, description: values.description, noMemory: values['no-memory'], external: values.external });
    case 'clone': {
      const [, name, newName] = positionals;
      if (!name || !newName) throw new UsageError("'clone' needs the VM's name and the new name: clone NAME NEWNAME [--linked]");
      const r = (await c.call('vm.clone', { connection, vm: { name }, name: newName, mode: values.linked ? 'linked' : 'full' })) as CloneResult;
      if (values.json) console.log(JSON.stringify(r, null, 2));
      else {
        const what = r.mode === 'linked' ? `linked clone (${r.disks.length} overlay${r.disks.length === 1 ? '' : 's'}; '${name}' is now a template)` : `full clone (${r.disks.length} disk${r.disks.length === 1 ? '' : 's'} copied)`;
        console.log(`Cloned '${name}' to '${r.vm.name}': ${what} in ${(r.ms / 1000).toFixed(1)} s.`);
        for (const w of r.warnings) console.log(`warning: ${w}`);
      }
      return 0;
    }
    case 'lab':
      return runLab(c, connection, positionals.slice(1), values.json);
    default: {
      const method = vmVerbForCli(command);
      if (!method) throw new UsageError(`unknown command '${command}'`);
      const name = needName(positionals, command);
      // --force on start: the user confirms starting a template that has linked clones.
      await c.call(method, { connection, vm: { name }, ...(method === 'vm.start' && values.force ? { confirmTemplate: true } : {}) });
      console.log(values.json ? JSON.stringify({ name, action: command, ok: true }) : `VM '${name}' ${VM_VERBS[method].done}.`);
      return 0;
    }
  }
}

/** The --connect URI: the user named it on purpose, so the core may open it although it is not saved. */
function connectFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--connect' || a.startsWith('--connect='));
  if (i < 0) return undefined;
  return argv[i].startsWith('--connect=') ? argv[i].slice('--connect='.length) : argv[i + 1];
}

/** The FILE of `lab <action> FILE`: the user named it, so the core may read it wherever it is. */
function labFileArg(argv: string[]): string[] | undefined {
  const words = argv.filter((a, n) => !a.startsWith('-') && !(n > 0 && argv[n - 1] === '--connect'));
  return words[0] === 'lab' && words[2] ? [words[2]] : undefined;
}

async function main(): Promise<void> {
  let core: Core | null = null;
  const namedConnection = connectFlag(process.argv.slice(2));
  const namedFiles = labFileArg(process.argv.slice(2));
  const getCore = (): Core =>
    (core ??= createCore({ spawnHost: nodeHostSpawner, settingsDir: defaultSettingsDir(), ...(namedConnection ? { namedConnection } : {}), ...(namedFiles ? { namedFiles } : {}) }));
  let code: number;
  try {
    code = await run(process.argv.slice(2), getCore);
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS');
    const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`virtdesk: ${message}${usage ? " (see 'npm run cli -- --help')" : ''}\n`);
    code = usage ? 2 : 1;
  }
  await (core as Core | null)?.close();
  process.exit(code);
}

void main();
