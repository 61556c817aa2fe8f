// The built CLI (out/cli/virtdesk.js) as users run it: plain node, from another folder, output
// piped. Built here by beforeAll (scripts/test.sh builds it too).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src-main/cli/command-table';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'out/cli/virtdesk.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-clibin-'));
// Control characters other than newline: colours, cursor movement, carriage returns.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: tmp, VIRTDESK_NO_AGENT: '1' };
  delete base.VIRTDESK_DEFAULT_URI;
  delete base.LIBVIRT_DEFAULT_URI;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: os.tmpdir(), env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('virtdesk built to out/cli/virtdesk.js', () => {
  it('is an executable node script that prints the package version', () => {
    expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const r = cli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `virtdesk ${version}\n`, stderr: '' });
  });

  it('lists the test driver as JSON with --connect, LIBVIRT_DEFAULT_URI or VIRTDESK_DEFAULT_URI', () => {
    const names = (r: { stdout: string }) => JSON.parse(r.stdout).map((v: { name: string; connection: string }) => `${v.connection} ${v.name}`);
    let r = cli(['list', '--json', '--connect', 'test:///default']);
    expect(r.code).toBe(0);
    expect(names(r)).toEqual(['test:///default test']);
    r = cli(['list', '--json'], { LIBVIRT_DEFAULT_URI: 'test:///default' });
    expect(names(r)).toEqual(['test:///default test']);
    // VIRTDESK_DEFAULT_URI wins over virsh's variable; --connect wins over both.
    r = cli(['list', '--json'], { VIRTDESK_DEFAULT_URI: 'test:///default', LIBVIRT_DEFAULT_URI: 'qemu+unix:///system?socket=/nonexistent/sock' });
    expect(names(r)).toEqual(['test:///default test']);
    r = cli(['list', '--json', '--connect', 'qemu+unix:///system?socket=/nonexistent/sock'], { VIRTDESK_DEFAULT_URI: 'test:///default' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/sock');
  });

  it('host-check --json reports this host', () => {
    const r = cli(['host-check', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(['kvm', 'emulation', 'none']).toContain(report.verdict);
    expect(report.checks.find((c: { id: string }) => c.id === 'libvirt').status).toBe('ok');
  });

  it('every command has --help with examples, exit 0; --help and the man page list every command', () => {
    const visible = COMMANDS.filter((c) => !c.hidden);
    for (const c of visible) {
      const r = cli([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout).toContain(`Usage: virtdesk ${c.name} `);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain('--connect URI');
    }
    const help = cli(['--help']);
    const man = cli(['--help-all']);
    expect(help.code).toBe(0);
    expect(man.code).toBe(0);
    expect(man.stdout).toMatch(/^\.TH VIRTDESK 1 /);
    for (const c of visible) {
      expect(help.stdout).toMatch(new RegExp(`^  ${c.name} `, 'm'));
      expect(man.stdout).toContain(`.B ${c.name.replace(/-/g, '\\-')} `);
    }
    // groff (man's formatter) reads it without a warning.
    const groff = spawnSync('groff', ['-man', '-ww', '-z'], { input: man.stdout, encoding: 'utf8' });
    expect(groff.status).toBe(0);
    expect(groff.stderr).toBe('');
    expect(help.stdout).not.toContain('__complete');
    expect(man.stdout).not.toContain('__complete');
  });

  it('exit codes: 3 for an unknown VM, 2 for bad usage, each error one stderr line', () => {
    let r = cli(['start', 'vdt-clibin-no-such-vm', '--connect', 'test:///default']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^virtdesk: .*'vdt-clibin-no-such-vm'.*\n$/);
    r = cli(['snapshot', 'list', 'vdt-clibin-no-such-vm', '--connect', 'test:///default']);
    expect(r.code).toBe(3);
    r = cli(['list', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    r = cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("virtdesk: unknown command 'frobnicate' (see 'virtdesk --help')\n");
    r = cli([]);
    expect(r.code).toBe(2);
  });

  it('piped output has no control characters', () => {
    for (const args of [['list', '--connect', 'test:///default'], ['host-check', '--connect', 'test:///default'], ['--help'], ['dumpxml', 'test', '--connect', 'test:///default']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(CONTROL.test(r.stdout), args.join(' ')).toBe(false);
    }
  });
});

describe('virtdesk completion', () => {
  const prefix = uniqueName('vdt-clibin');
  const vm = `${prefix}-web`;
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  // `virtdesk` on PATH, as after npm link: the completion calls it for names.
  const binDir = path.join(tmp, 'bin');

  beforeAll(async () => {
    fs.mkdirSync(binDir, { recursive: true });
    fs.symlinkSync(BIN, path.join(binDir, 'virtdesk'));
    await admin.api.defineDomain(tinyGuestXml(vm));
  }, 60_000);
  afterAll(async () => {
    await removeDomainsWithPrefix(admin, prefix);
    await admin.close();
  }, 60_000);

  /** Calls the bash completion function as bash does at <TAB>, with the words typed so far. */
  function complete(words: string[]): string[] {
    const line = words.join(' ');
    const script = [
      `source <(virtdesk completion bash)`,
      `COMP_LINE='${line}'`,
      `COMP_POINT=${line.length}`,
      '_virtdesk',
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join('\n');
    const r = spawnSync('bash', ['-c', script], { cwd: os.tmpdir(), env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, XDG_CONFIG_HOME: tmp, VIRTDESK_NO_AGENT: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  }

  it('registers a completion function for virtdesk in bash', () => {
    const r = spawnSync('bash', ['-c', `source <(node ${BIN} completion bash); complete -p virtdesk`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('-F _virtdesk virtdesk');
  });

  it('completes commands, options and the VM created here', { timeout: 60_000 }, () => {
    expect(complete(['virtdesk', 'sn'])).toEqual(['snapshot']);
    expect(complete(['virtdesk', 'start', '--f'])).toEqual(['--force']);
    expect(complete(['virtdesk', 'start', '--connect', SYSTEM_URI, prefix])).toEqual([vm]);
    expect(complete(['virtdesk', 'snapshot', 'l'])).toEqual(['list']);
    expect(complete(['virtdesk', 'delete', '--connect', 'test:///default', ''])).toEqual(['test']);
  });

  it('prints zsh and fish scripts; an unknown shell is bad usage', () => {
    expect(cli(['completion', 'zsh']).stdout).toContain('compdef _virtdesk virtdesk');
    expect(cli(['completion', 'fish']).stdout).toContain("complete -c virtdesk -n '__fish_use_subcommand' -a list");
    const r = cli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'completion' needs bash, zsh or fish");
  });
});
