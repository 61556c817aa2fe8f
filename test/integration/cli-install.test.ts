// `virtdesk` installed as a user installs it: `npm install -g --prefix <tmp> .` (npm links this
// folder; nothing global is touched), then run from another folder through <tmp>/bin/virtdesk.
// Shell completion runs the installed command for names (VMs, pools, networks, saved URIs), and the
// quick in-process `list` answers exactly what the core's vm.list answers.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import { COMMANDS } from '../../src-main/cli/command-table';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ROOT = path.join(__dirname, '../..');
const prefix = uniqueName('vdt-cli');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-cli-install-'));
const bin = path.join(tmp, 'bin', 'virtdesk');
const config = path.join(tmp, 'config');
const vm = `${prefix}-web`;
const pool = `${prefix}-pool`;
const poolDir = path.join(tmp, 'pool');
const network = `${prefix}-net`;
const savedUri = 'qemu+ssh://admin@vdt-cli.example.org/system';
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);

/** The user's environment: no default URI, settings in the test's folder, PATH with the install's bin. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config, PATH: `${path.dirname(bin)}:${process.env.PATH}`, VIRTDESK_NO_AGENT: '1' };
  delete env.VIRTDESK_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  return env;
}

function virtdesk(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { cwd: tmp, env: userEnv(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npm', ['install', '-g', '--prefix', tmp, '--no-audit', '--no-fund', '.'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  fs.mkdirSync(path.join(config, 'virtdesk'), { recursive: true });
  fs.writeFileSync(path.join(config, 'virtdesk', 'settings.json'), JSON.stringify({ connections: [{ uri: savedUri, label: 'lab host' }] }));
  fs.mkdirSync(poolDir);
  // A VM with an OS and tags in its metadata: the quick list must show both as the core does.
  const xml = tinyGuestXml(vm).replace(
    '</name>',
    `</name><metadata><libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo></metadata>`,
  );
  await admin.api.defineDomain(xml);
  await admin.api.definePool(`<pool type='dir'><name>${pool}</name><target><path>${poolDir}</path></target></pool>`, { build: true, start: true });
  await admin.api.defineNetwork(`<network><name>${network}</name><ip address='10.213.77.1' netmask='255.255.255.0'/></network>`);
}, 240_000);

afterAll(async () => {
  await removeDomainsWithPrefix(admin, prefix);
  await removeTestPool(admin, pool, poolDir);
  await admin.api.undefineNetwork(network).catch(() => undefined);
  await admin.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('virtdesk installed with npm install -g', () => {
  it('is on the install prefix bin and prints its version, run from another folder', () => {
    expect(fs.realpathSync(bin)).toBe(path.join(ROOT, 'out/cli/virtdesk.js'));
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(virtdesk(['--version'])).toEqual({ code: 0, stdout: `virtdesk ${version}\n`, stderr: '' });
  });

  it('list --json and host-check --json answer from another folder', () => {
    const list = virtdesk(['list', '--json', '--connect', 'test:///default']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((v: { name: string }) => v.name)).toEqual(['test']);
    const check = virtdesk(['host-check', '--json']);
    expect(check.code, check.stderr).toBe(0);
    expect(['kvm', 'emulation', 'none']).toContain(JSON.parse(check.stdout).verdict);
  });

  it("every command's --help runs", () => {
    for (const c of COMMANDS.filter((x) => !x.hidden)) {
      const r = virtdesk([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout).toContain(`Usage: virtdesk ${c.name} `);
    }
  });

  it('list and completion names load neither the core nor a host process; host-check loads both', () => {
    expect(spawnSync('strace', ['-V']).status, 'strace is missing: run `npm run setup` (it installs it)').toBe(0);
    const traced = (args: string[]): string => {
      const log = path.join(tmp, `strace-${args[0]}.txt`);
      const r = spawnSync('strace', ['-f', '-s', '512', '-e', 'trace=openat,execve', '-o', log, bin, ...args], { cwd: tmp, env: userEnv(), encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return fs.readFileSync(log, 'utf8');
    };
    const coreChunk = /out\/cli\/chunks\/core-[^"]*\.js/;
    const hostFork = /execve\([^)]*libvirt-host\.js/;
    for (const args of [['list', '--connect', 'test:///default'], ['__complete', 'vm', '--connect', 'test:///default'], ['__complete', 'pool', '--connect', 'test:///default']]) {
      const log = traced(args);
      expect(coreChunk.test(log), args.join(' ')).toBe(false);
      expect(hostFork.test(log), args.join(' ')).toBe(false);
    }
    const check = traced(['host-check', '--json', '--connect', 'test:///default']);
    expect(coreChunk.test(check)).toBe(true);
    expect(hostFork.test(check)).toBe(true);
  });

  it("the quick in-process list answers exactly what the core's vm.list answers", { timeout: 60_000 }, async () => {
    const core: Core = createCore({ spawnHost: nodeHostSpawner, settingsDir: path.join(config, 'virtdesk'), namedConnection: SYSTEM_URI });
    try {
      await core.call('vm.setTags', { connection: SYSTEM_URI, vm: { name: vm }, tags: ['vdt', 'cli'] });
      const r = virtdesk(['list', '--json', '--connect', SYSTEM_URI]);
      expect(r.code, r.stderr).toBe(0);
      const quick = (JSON.parse(r.stdout) as { name: string }[]).find((v) => v.name === vm);
      const fromCore = ((await core.call('vm.list', { connection: SYSTEM_URI })) as { name: string }[]).find((v) => v.name === vm);
      expect(quick).toMatchObject({ name: vm, os: 'debian12', tags: ['vdt', 'cli'], state: 'shutoff' });
      expect(quick).toEqual(fromCore);
      const table = virtdesk(['list', '--connect', SYSTEM_URI]).stdout.split('\n').find((l) => l.startsWith(`${vm} `));
      expect(table).toMatch(new RegExp(`^${vm} +shutoff +1 +256 MiB +debian12$`));
    } finally {
      await core.close();
    }
  });
});

describe('shell completion through the installed command', () => {
  /** What bash's <TAB> at the end of `line` offers (COMP_LINE/COMP_POINT, as bash sets them). */
  function complete(line: string): string[] {
    const script = [`source <(virtdesk completion bash)`, `COMP_LINE=${JSON.stringify(line)}`, `COMP_POINT=${line.length}`, '_virtdesk', `printf '%s\\n' "\${COMPREPLY[@]}"`].join('\n');
    const r = spawnSync('bash', ['-c', script], { cwd: tmp, env: userEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  }

  it('loads in bash and registers the function', () => {
    const r = spawnSync('bash', ['-c', 'source <(virtdesk completion bash); complete -p virtdesk'], { cwd: tmp, env: userEnv(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('-F _virtdesk virtdesk');
  });

  it('completes the VM, pool and network created here', { timeout: 60_000 }, () => {
    expect(complete(`virtdesk start --connect ${SYSTEM_URI} ${prefix}`)).toEqual([vm]);
    expect(complete(`virtdesk create x --connect ${SYSTEM_URI} --disk ${prefix}`)).toEqual([`${pool}:`]);
    expect(complete(`virtdesk attach-disk ${vm} --connect ${SYSTEM_URI} --volume ${prefix}`)).toEqual([`${pool}/`]);
    expect(complete(`virtdesk attach-nic ${vm} --connect ${SYSTEM_URI} --network ${prefix}`)).toEqual([network]);
    // create's --network takes network:NAME; bash replaces only what follows the last ':'.
    expect(complete(`virtdesk create x --connect ${SYSTEM_URI} --network network:${prefix}`)).toEqual([network]);
  });

  it('completes connection URIs from the settings', () => {
    const all = complete('virtdesk list --connect ');
    expect(all).toEqual(expect.arrayContaining([savedUri, SYSTEM_URI, 'test:///default']));
    // After 'qemu+ssh:' bash keeps the typed part; the rest is offered.
    expect(complete('virtdesk list --connect qemu+ssh:')).toEqual(['//admin@vdt-cli.example.org/system']);
  });
});
