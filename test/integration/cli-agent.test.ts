// The CLI agent (src-main/cli/agent-*.ts): the built CLI answers `list` and completion names from
// a background process that keeps libvirt open, byte for byte what the in-process path prints,
// with fresh data; and whenever the agent is missing, stale, declines or may not be trusted, the
// CLI answers in-process as before. VIRTDESK_AGENT_DEBUG=1 makes the CLI say on stderr which path
// answered (and the agent's pid). Every agent started here lives under one temporary
// XDG_RUNTIME_DIR; afterAll kills them and checks that none is left.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { SYSTEM_URI, uniqueName } from '../support/tiny-guest';
import { ANSWER_LINE, BIN, type AgentRun, agentCli, agentPid, agentSockets, agentsUnder, alive, until, untilAgentAnswers as untilAgentAnswersTo } from '../support/cli-agent';

const ROOT = path.join(__dirname, '../..');
const TEST_URI = 'test:///default';
const prefix = uniqueName('vdt-agent');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-agent-'));
const runtimeRoot = path.join(tmp, 'run');
const config = path.join(tmp, 'config');
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);

function minimalDomainXml(name: string): string {
  return `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;
}

/** A fresh XDG_RUNTIME_DIR under runtimeRoot (mode 0700, like the one systemd makes). */
function runtimeDir(name: string): string {
  const dir = path.join(runtimeRoot, name);
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** A run without its duration: the tests compare whole runs. */
type Run = Omit<AgentRun, 'ms'>;
function cli(args: string[], runtime: string, extra: NodeJS.ProcessEnv = {}): Run {
  const { ms: _ms, ...run } = agentCli(args, { config, runtime, cwd: tmp }, extra);
  return run;
}
const inProcess = (args: string[], runtime: string): Run => cli(args, runtime, { VIRTDESK_NO_AGENT: '1' });
const untilAgentAnswers = (args: string[], runtime: string, extra: NodeJS.ProcessEnv = {}) => untilAgentAnswersTo(() => cli(args, runtime, extra));
/** The agents this test started: all live under runtimeRoot. */
const agentsOfThisTest = (): number[] => agentsUnder(runtimeRoot);
const sockets = agentSockets;

beforeAll(async () => {
  fs.mkdirSync(runtimeRoot, { mode: 0o700 });
  fs.mkdirSync(config);
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  await admin.api.defineDomain(minimalDomainXml(`${prefix}-one`));
}, 120_000);

afterAll(async () => {
  try {
    for (const pid of agentsOfThisTest()) process.kill(pid, 'SIGKILL');
    await until('no agent of this test is left', () => agentsOfThisTest().length === 0);
    await removeDomainsWithPrefix(admin, prefix);
    await admin.close();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

describe('the CLI agent', () => {
  it('answers list and completion names exactly as the in-process path does, with fresh data', { timeout: 120_000 }, async () => {
    const run = runtimeDir('system');
    const first = cli(['list', '--connect', SYSTEM_URI], run);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^virtdesk: answered in-process \(agent absent \(ENOENT\); started one\)$/m);
    const { pid } = await untilAgentAnswers(['list', '--connect', SYSTEM_URI], run);
    expect(sockets(run)).toHaveLength(1);

    // Other tests change the shared daemon meanwhile: compare the agent's answer with in-process
    // runs just before and after it that agree with each other.
    const sameAsInProcess = (args: string[]): string => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const before = inProcess(args, run);
        const viaAgent = cli(args, run);
        const after = inProcess(args, run);
        expect(agentPid(viaAgent), viaAgent.stderr).toBe(pid);
        expect(before.stderr.replace(ANSWER_LINE, '')).toBe('');
        if (before.stdout !== after.stdout) continue;
        expect(viaAgent.stdout).toBe(before.stdout);
        expect(viaAgent.code).toBe(0);
        return viaAgent.stdout;
      }
      throw new Error(`the daemon's domains kept changing during ${args.join(' ')}`);
    };
    const table = sameAsInProcess(['list', '--connect', SYSTEM_URI]);
    expect(table).toMatch(new RegExp(`^${prefix}-one +shutoff +1 +64 MiB +-$`, 'm'));
    const json = JSON.parse(sameAsInProcess(['list', '--json', '--connect', SYSTEM_URI])) as { name: string; state: string }[];
    expect(json.find((v) => v.name === `${prefix}-one`)).toMatchObject({ state: 'shutoff', connection: SYSTEM_URI });
    expect(sameAsInProcess(['__complete', 'vm', '--connect', SYSTEM_URI]).split('\n')).toContain(`${prefix}-one`);
    sameAsInProcess(['__complete', 'network', '--connect', SYSTEM_URI]);

    // A change made elsewhere shows in the agent's next answer.
    await admin.api.defineDomain(minimalDomainXml(`${prefix}-two`));
    const dom = (await admin.api.listDomains()).find((d) => d.name === `${prefix}-one`)!;
    await admin.api.undefineDomain({ uuid: dom.uuid });
    const next = cli(['list', '--connect', SYSTEM_URI], run);
    expect(agentPid(next)).toBe(pid);
    expect(next.stdout).toMatch(new RegExp(`^${prefix}-two +shutoff`, 'm'));
    expect(next.stdout).not.toContain(`${prefix}-one`);
  });

  it('the CLI answered by the agent loads neither koffi nor libvirt nor any chunk', { timeout: 60_000 }, async () => {
    expect(spawnSync('strace', ['-V']).status, 'strace is missing: run `npm run setup` (it installs it)').toBe(0);
    const run = runtimeDir('strace');
    const { run: warm } = await untilAgentAnswers(['list', '--connect', TEST_URI], run);
    const log = path.join(tmp, 'strace.txt');
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config, XDG_RUNTIME_DIR: run, VIRTDESK_AGENT_DEBUG: '1' };
    delete env.VIRTDESK_NO_AGENT;
    const r = spawnSync('strace', ['-f', '-e', 'trace=openat,execve', '-o', log, process.execPath, BIN, 'list', '--connect', TEST_URI], { cwd: tmp, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^virtdesk: answered by the agent/m);
    expect(r.stdout).toBe(warm.stdout);
    const opened = fs.readFileSync(log, 'utf8');
    expect(opened).toContain('out/cli/virtdesk.js');
    expect(opened).not.toMatch(/koffi|libvirt\.so|one-shot-libvirt|out\/cli\/chunks\//);
  });

  it('declines what it cannot answer and exits; the CLI then answers as without an agent', { timeout: 120_000 }, async () => {
    const run = runtimeDir('decline');
    const { pid } = await untilAgentAnswers(['list', '--connect', SYSTEM_URI], run);
    const args = ['__complete', 'snapshot', `${prefix}-missing`, '--connect', SYSTEM_URI];
    const viaAgent = cli(args, run);
    expect(viaAgent.stderr).toMatch(/^virtdesk: the core answers \(agent declined\)$/m);
    const without = inProcess(args, run);
    expect(without.stderr).toContain(`${prefix}-missing`);
    expect({ ...viaAgent, stderr: viaAgent.stderr.replace(ANSWER_LINE, '') }).toEqual({ ...without, stderr: without.stderr.replace(ANSWER_LINE, '') });
    await until('the declining agent has exited', () => !alive(pid));
    expect(sockets(run)).toEqual([]);
    // The next list answers in-process and starts a new agent.
    const again = await untilAgentAnswers(['list', '--connect', SYSTEM_URI], run);
    expect(again.pid).not.toBe(pid);
  });

  it('exits after VIRTDESK_AGENT_IDLE_MS without a request, and removes its socket', { timeout: 60_000 }, async () => {
    const run = runtimeDir('idle');
    const idle = { VIRTDESK_AGENT_IDLE_MS: '2000' };
    const { pid } = await untilAgentAnswers(['list', '--connect', TEST_URI], run, idle);
    expect(alive(pid)).toBe(true);
    const t0 = Date.now();
    await until('the idle agent has exited', () => !alive(pid), 20_000);
    expect(Date.now() - t0).toBeGreaterThan(1000);
    expect(sockets(run)).toEqual([]);
  });

  it('exits when its socket file is removed', { timeout: 60_000 }, async () => {
    const run = runtimeDir('removed');
    const { pid } = await untilAgentAnswers(['list', '--connect', TEST_URI], run);
    const [sock] = sockets(run);
    fs.rmSync(path.join(run, 'virtdesk', sock));
    await until('the agent whose socket was removed has exited', () => !alive(pid));
  });

  it('a stale socket (agent killed with SIGKILL) does not break list; a new agent takes over', { timeout: 60_000 }, async () => {
    const run = runtimeDir('stale');
    const { pid, run: warm } = await untilAgentAnswers(['list', '--connect', TEST_URI], run);
    process.kill(pid, 'SIGKILL');
    await until('the killed agent is gone', () => !alive(pid));
    expect(sockets(run)).toHaveLength(1);
    const r = cli(['list', '--connect', TEST_URI], run);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(warm.stdout);
    expect(r.stderr).toMatch(/^virtdesk: answered in-process \(agent absent \(ECONNREFUSED\); started one\)$/m);
    const next = await untilAgentAnswers(['list', '--connect', TEST_URI], run);
    expect(next.pid).not.toBe(pid);
    expect(next.run.stdout).toBe(warm.stdout);
  });

  it('a hung agent (stopped with SIGSTOP) delays list by about a second, then it answers in-process', { timeout: 60_000 }, async () => {
    const run = runtimeDir('hung');
    const { pid, run: warm } = await untilAgentAnswers(['list', '--connect', TEST_URI], run);
    process.kill(pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const r = cli(['list', '--connect', TEST_URI], run);
      const ms = Date.now() - t0;
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(warm.stdout);
      expect(r.stderr).toMatch(/^virtdesk: answered in-process \(agent timed out; started one\)$/m);
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThan(15_000);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    // Its socket is stale now: the next agent takes over.
    await until('the stopped agent is gone', () => !alive(pid));
    expect((await untilAgentAnswers(['list', '--connect', TEST_URI], run)).pid).not.toBe(pid);
  });

  it('is not used when its folder is not private (wrong mode, a symlink), and list still works', { timeout: 60_000 }, async () => {
    const expected = inProcess(['list', '--connect', TEST_URI], runtimeDir('reference')).stdout;
    expect(expected).toMatch(/^test +running/m);
    const open = runtimeDir('open');
    fs.mkdirSync(path.join(open, 'virtdesk'), { mode: 0o700 });
    fs.chmodSync(path.join(open, 'virtdesk'), 0o755);
    const linked = runtimeDir('linked');
    fs.mkdirSync(path.join(tmp, 'elsewhere'), { mode: 0o700 });
    fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(linked, 'virtdesk'));
    for (const run of [open, linked]) {
      for (let i = 0; i < 2; i++) {
        const r = cli(['list', '--connect', TEST_URI], run);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(expected);
        expect(r.stderr).toMatch(/^virtdesk: answered in-process \(no private folder/m);
      }
      expect(sockets(run)).toEqual([]);
    }
    expect(fs.readdirSync(path.join(tmp, 'elsewhere'))).toEqual([]);
    expect(agentsOfThisTest().filter((pid) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`XDG_RUNTIME_DIR=${open}\0`))).toEqual([]);
  });

  it('VIRTDESK_NO_AGENT=1 neither asks nor starts an agent', { timeout: 60_000 }, async () => {
    const run = runtimeDir('none');
    for (let i = 0; i < 2; i++) {
      const r = inProcess(['list', '--connect', TEST_URI], run);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^virtdesk: answered in-process \(VIRTDESK_NO_AGENT=1\)$/m);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(sockets(run)).toEqual([]);
  });

  it('agents stop on SIGTERM and remove their sockets', { timeout: 30_000 }, async () => {
    const running = agentsOfThisTest();
    expect(running.length).toBeGreaterThan(0); // the agents the tests above left running
    for (const pid of running) process.kill(pid, 'SIGTERM');
    await until('every agent of this test has exited', () => agentsOfThisTest().length === 0);
    // Each removed its socket on the way out.
    expect(fs.readdirSync(runtimeRoot).flatMap((d) => sockets(path.join(runtimeRoot, d)))).toEqual([]);
  });
});
