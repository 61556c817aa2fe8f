// `virtdesk <command>` (npm run cli -- <command>): the same core and API as the app.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../api/core';
import { ApiError, type HostCheckReport, type MethodName, type VmSummary } from '../api/contract';
import { nodeHostSpawner } from '../libvirt/node-host-spawner';
import { defaultSettingsDir } from '../server/settings-dir';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  host-check [--json]                 which virtualization this host gives, and how to fix it
  list [--json]                       virtual machines and their state
  start|shutdown|reboot|destroy|suspend|resume NAME
  dumpxml [--inactive] NAME           the domain XML
  screenshot NAME FILE.png            save the guest's screen
  console NAME [--force]              interactive serial console (Ctrl+] exits)

Options:
  --connect URI   libvirt URI (default: qemu:///system if reachable, else qemu:///session)
  --json          machine-readable output (stable; see README)`;

const LIFECYCLE: Record<string, { method: MethodName; done: string }> = {
  start: { method: 'vm.start', done: 'started' },
  shutdown: { method: 'vm.shutdown', done: 'asked to shut down' },
  reboot: { method: 'vm.reboot', done: 'asked to reboot' },
  destroy: { method: 'vm.forceOff', done: 'forced off' },
  suspend: { method: 'vm.pause', done: 'paused' },
  resume: { method: 'vm.resume', done: 'resumed' },
};

class UsageError extends Error {}

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

async function run(argv: string[], core: () => Core): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      connect: { type: 'string' },
      json: { type: 'boolean', default: false },
      inactive: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
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
    default: {
      const action = LIFECYCLE[command];
      if (!action) throw new UsageError(`unknown command '${command}'`);
      const name = needName(positionals, command);
      await c.call(action.method, { connection, vm: { name } });
      console.log(values.json ? JSON.stringify({ name, action: command, ok: true }) : `VM '${name}' ${action.done}.`);
      return 0;
    }
  }
}

async function main(): Promise<void> {
  let core: Core | null = null;
  const getCore = (): Core => (core ??= createCore({ spawnHost: nodeHostSpawner, settingsDir: defaultSettingsDir() }));
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
