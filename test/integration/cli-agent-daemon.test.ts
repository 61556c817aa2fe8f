// The CLI agent (src-main/cli/agent-*.ts) when the daemon under it dies and comes back, against
// a REAL libvirt daemon of this test's own: a second private LXC daemon
// (scripts/start-lxc-daemon.sh with temporary VIRTDESK_LXC_RUN_DIR and VIRTDESK_LXC_STATE_DIR),
// which the test may stop and start without touching the daemons other tests use. While it is
// down, `list` must fail exactly as it does without an agent (same message, same exit code) and
// without waiting the agent's 1 s timeout, and the agent must be gone (exited, socket removed);
// once it is back, `list` works and a new agent answers. VIRTDESK_AGENT_DEBUG=1 makes the CLI say
// which path answered.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConnectionUri } from '../../src-main/contract/connection-uri';
import { oneShotUri } from '../../src-main/cli/one-shot';
import { uniqueName } from '../support/tiny-guest';
import { ANSWER_LINE, type AgentRun, agentCli, agentSockets, agentsUnder, alive, until, untilAgentAnswers as untilAgentAnswersTo } from '../support/cli-agent';

const ROOT = path.join(__dirname, '../..');
const DAEMON_SCRIPT = path.join(ROOT, 'scripts/start-lxc-daemon.sh');
const prefix = uniqueName('vdt-agentd');
const container = `${prefix}-ct`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-agentd-'));
const runtime = path.join(tmp, 'run');
const config = path.join(tmp, 'config');
const stateDir = path.join(tmp, 'daemon-state');
// The URI policy lets `socket=` name only files inside /run/libvirt: the daemon's run folder lies there.
const runDir = fs.mkdtempSync('/run/libvirt/vdt-agentd-');
const URI = `lxc:///system?socket=${runDir}/libvirt-sock`;

function canonicalUri(): string {
  const check = checkConnectionUri(URI);
  if (!check.ok) throw new Error(`the URI policy refuses ${URI}: ${check.reason}`);
  return check.uri;
}

function daemon(command: 'start' | 'stop'): string {
  const env = { ...process.env, VIRTDESK_LXC_RUN_DIR: runDir, VIRTDESK_LXC_STATE_DIR: stateDir };
  return execFileSync(DAEMON_SCRIPT, [command], { env, encoding: 'utf8', timeout: 60_000 }).trim();
}

const virsh = (...args: string[]) => spawnSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', timeout: 30_000 });

const cli = (args: string[], extra: NodeJS.ProcessEnv = {}): AgentRun => agentCli(args, { config, runtime, cwd: tmp }, extra);

const LIST = ['list', '--connect', URI];
const withAgent = (): AgentRun => cli(LIST);
const withoutAgent = (): AgentRun => cli(LIST, { VIRTDESK_NO_AGENT: '1' });
/** What the user sees: everything but the debug line. */
const seen = (r: AgentRun) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr.replace(ANSWER_LINE, '') });

const untilAgentAnswers = () => untilAgentAnswersTo(withAgent);
/** This test's agents: running `__agent` processes with this test's XDG_RUNTIME_DIR. */
const agentsOfThisTest = (): number[] => agentsUnder(runtime);
const sockets = (): string[] => agentSockets(runtime);

/** The listing shows this test's container (defined, not running). */
const LISTED = new RegExp(`^${container} +shutoff +1 +32 MiB +-$`, 'm');

beforeAll(() => {
  fs.mkdirSync(runtime, { mode: 0o700 });
  fs.mkdirSync(config);
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  expect(daemon('start')).toBe(URI);
  const xml = path.join(tmp, 'ct.xml');
  fs.writeFileSync(xml, `<domain type='lxc'><name>${container}</name><memory unit='MiB'>32</memory><os><type>exe</type><init>/bin/sh</init></os><devices><console type='pty'/></devices></domain>`);
  const defined = virsh('define', xml);
  expect(defined.status, defined.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  try {
    for (const pid of agentsOfThisTest()) process.kill(pid, 'SIGKILL');
    await until('no agent of this test is left', () => agentsOfThisTest().length === 0);
  } finally {
    try {
      // Its containers' definitions live in its state folder: they go with it.
      daemon('stop');
    } finally {
      fs.rmSync(runDir, { recursive: true, force: true });
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
});

describe('the CLI agent when its daemon dies and comes back', () => {
  let firstAgent = 0;

  it('serves a private LXC daemon reached through socket=, which the one-shot path accepts as local', { timeout: 60_000 }, async () => {
    expect(oneShotUri(URI, config)).toBe(canonicalUri());
    const first = withAgent();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^virtdesk: answered in-process \(agent absent \(ENOENT\); started one\)$/m);
    expect(first.stdout).toMatch(LISTED);
    const { run, pid } = await untilAgentAnswers();
    expect(run.stdout).toBe(first.stdout);
    expect(sockets()).toHaveLength(1);
    firstAgent = pid;
  });

  it('daemon stopped: list fails as without an agent, at once, and the agent has exited and removed its socket', { timeout: 90_000 }, async () => {
    expect(alive(firstAgent)).toBe(true);
    daemon('stop');
    expect(virsh('uri').status).not.toBe(0);

    const viaAgent = withAgent();
    const without = withoutAgent();
    expect(without.code).toBe(1);
    expect(without.stdout).toBe('');
    expect(without.stderr).toContain(`Failed to connect socket to '${runDir}/libvirt-sock'`);
    expect(seen(viaAgent)).toEqual(seen(without));
    // The agent had declined or gone already: the CLI did not wait for it.
    expect(viaAgent.stderr).toMatch(/^virtdesk: the core answers \(agent (absent|declined|failed)\b/m);
    await until('the agent whose daemon died has exited', () => !alive(firstAgent));
    expect(sockets()).toEqual([]);
    // A failed list starts no agent (it would spawn it before exiting).
    expect(agentsOfThisTest()).toEqual([]);

    // Timing: alternate runs; the agent path must not add the 1 s wait. Compared by the fastest
    // run of each: other tests load the machine, and a wait would be in every run.
    const viaMs = [viaAgent.ms];
    const withoutMs = [without.ms];
    for (let i = 0; i < 4; i++) {
      const a = withAgent();
      const b = withoutAgent();
      expect(seen(a)).toEqual(seen(without));
      expect(seen(b)).toEqual(seen(without));
      viaMs.push(a.ms);
      withoutMs.push(b.ms);
    }
    console.log(`list while the daemon is down: with agents ${viaMs.map(Math.round).join('/')} ms, VIRTDESK_NO_AGENT=1 ${withoutMs.map(Math.round).join('/')} ms`);
    expect(Math.min(...viaMs) - Math.min(...withoutMs)).toBeLessThan(700);
  });

  it('daemon back: list works again, in-process first, then from a new agent', { timeout: 90_000 }, async () => {
    expect(daemon('start')).toBe(URI);
    const first = withAgent();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(LISTED);
    expect(first.stderr).toMatch(/^virtdesk: answered in-process \(agent absent \(ENOENT\); started one\)$/m);
    const { run, pid } = await untilAgentAnswers();
    expect(pid).not.toBe(firstAgent);
    expect(run.stdout).toBe(first.stdout);
    expect(withAgent().stderr).toMatch(new RegExp(`^virtdesk: answered by the agent \\(pid ${pid}, request \\d+\\)$`, 'm'));
  });

  it('a request that reaches the agent as its daemon dies is declined (or dropped) at once, not left waiting', { timeout: 90_000 }, async () => {
    const [pid] = agentsOfThisTest();
    expect(pid).toBeGreaterThan(0);
    const socket = path.join(runtime, 'virtdesk', sockets()[0]);
    // Frozen, the agent can neither answer nor notice the daemon going: the request waits in its
    // socket's queue, then the daemon stops. Resumed, the agent either handles the request first
    // (its libvirt call fails: it declines) or the closed connection first (it exits at once).
    process.kill(pid, 'SIGSTOP');
    let reply: Promise<{ text: string; ms: number }>;
    let resumed = 0;
    try {
      const conn = net.createConnection(socket);
      await new Promise<void>((resolve, reject) => conn.once('connect', resolve).once('error', reject));
      reply = new Promise((resolve) => {
        let text = '';
        conn.setEncoding('utf8');
        conn.on('data', (d: string) => (text += d));
        conn.on('error', () => undefined);
        conn.on('close', () => resolve({ text, ms: performance.now() - resumed }));
        setTimeout(() => conn.destroy(), 10_000).unref(); // a hung agent fails the check below, not the test's timeout
      });
      conn.write(`${JSON.stringify({ uri: canonicalUri(), command: 'list', json: false })}\n`);
      daemon('stop');
    } finally {
      resumed = performance.now();
      process.kill(pid, 'SIGCONT');
    }
    const { text, ms } = await reply;
    console.log(`request queued at the agent while its daemon died: ${text ? `reply ${text.trim()}` : 'closed without a reply'} ${Math.round(ms)} ms after it resumed`);
    if (text) expect(JSON.parse(text)).toEqual({ answer: 'decline', pid });
    expect(ms).toBeLessThan(1000); // the CLI's wait for an agent
    await until('the agent has exited', () => !alive(pid));
    expect(sockets()).toEqual([]);
    const viaAgent = withAgent();
    expect(seen(viaAgent)).toEqual(seen(withoutAgent()));
    expect(viaAgent.code).toBe(1);
  });

  it('leaves no agent running', () => {
    expect(agentsOfThisTest()).toEqual([]);
    expect(sockets()).toEqual([]);
  });
});
