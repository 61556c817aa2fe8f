// Running the built CLI (out/cli/virtdesk.js) with and without its agent (src-main/cli/agent-*.ts)
// and finding the agents a test started. VIRTDESK_AGENT_DEBUG=1 makes the CLI say on stderr which
// path answered; ANSWER_LINE removes that line to compare what a user sees.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export const BIN = path.join(__dirname, '../../out/cli/virtdesk.js');

export const ANSWER_LINE = /^virtdesk: (answered|the core answers) .*\n/gm;

export type AgentRun = { code: number | null; stdout: string; stderr: string; ms: number };

/** One whole-process run of the built CLI with its own settings and runtime folders (no default URI from the environment). */
export function agentCli(args: string[], o: { config: string; runtime: string; cwd: string }, extra: NodeJS.ProcessEnv = {}): AgentRun {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: o.config, XDG_RUNTIME_DIR: o.runtime, VIRTDESK_AGENT_DEBUG: '1', VIRTDESK_AGENT_IDLE_MS: '120000', ...extra };
  delete env.VIRTDESK_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  if (!('VIRTDESK_NO_AGENT' in extra)) delete env.VIRTDESK_NO_AGENT;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: o.cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

/** The pid of the agent that answered this run, or null when it was answered in-process. */
export function agentPid(r: { stderr: string }): number | null {
  const m = /^virtdesk: answered by the agent \(pid (\d+), request \d+\)$/m.exec(r.stderr);
  return m ? Number(m[1]) : null;
}

/** Repeats `run` until an agent answers (the first in-process run starts one); that run and the agent's pid. */
export async function untilAgentAnswers<R extends { code: number | null; stderr: string }>(run: () => R): Promise<{ run: R; pid: number }> {
  const deadline = Date.now() + 30_000;
  let last: R | null = null;
  while (Date.now() < deadline) {
    last = run();
    expect(last.code, last.stderr).toBe(0);
    const pid = agentPid(last);
    if (pid) return { run: last, pid };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no agent answered within 30 s; last stderr: ${last?.stderr}`);
}

/** Running (a zombie no parent has reaped yet has exited). */
export function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Running `__agent` processes whose XDG_RUNTIME_DIR is `runtime` or below it. */
export function agentsUnder(runtime: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('__agent')) continue;
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const dir = environ.find((e) => e.startsWith('XDG_RUNTIME_DIR='))?.slice('XDG_RUNTIME_DIR='.length);
      if (dir !== undefined && (dir === runtime || dir.startsWith(`${runtime}/`)) && alive(Number(entry))) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** The agents' socket files in a runtime folder. */
export function agentSockets(runtime: string): string[] {
  try {
    return fs.readdirSync(path.join(runtime, 'virtdesk')).filter((f) => f.endsWith('.sock'));
  } catch {
    return [];
  }
}
