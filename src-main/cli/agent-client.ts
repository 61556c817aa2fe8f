// The CLI's side of the CLI agent (agent-server.ts): asks the agent for a one-shot command's
// output, and starts an agent for next time. Loads nothing heavy (no koffi, no libvirt, no zod):
// asking must cost less than what it saves.
import net from 'node:net';
import { oneShotUri, oneShotWords } from './one-shot';
import { agentSocketPath, type AgentReply, type AgentRequest } from './agent-socket';

/** How long the CLI waits for the agent before answering in-process. */
const AGENT_TIMEOUT_MS = 1000;

export type AgentPlan = { socket: string; request: AgentRequest } | { skip: string };

/** Whether this command line may be answered by an agent, and which one. */
export function agentPlan(argv: string[], settingsDir: string, env: NodeJS.ProcessEnv): AgentPlan {
  if (env.VIRTDESK_NO_AGENT === '1') return { skip: 'VIRTDESK_NO_AGENT=1' };
  const words = oneShotWords(argv);
  if (!words || words.kind === 'uri') return { skip: 'not a command the agent answers' };
  const uri = oneShotUri(words.connect, settingsDir);
  if (!uri) return { skip: 'not a connection the agent opens' };
  const socket = agentSocketPath(uri, settingsDir, env);
  if (!socket) return { skip: 'no private folder for its socket (or a build without an agent, or a test-driver file)' };
  const request: AgentRequest = { uri, command: words.command, json: words.json, ...(words.kind ? { kind: words.kind } : {}), ...(words.vm ? { vm: words.vm } : {}) };
  return { socket, request };
}

export type AgentOutcome = { out: string; pid: number; served: number } | { miss: 'absent' | 'declined' | 'timed out' | 'failed'; detail?: string };

/** The agent's answer, or why there is none (then the caller answers in-process). */
export function askAgent(socket: string, request: AgentRequest, timeoutMs = AGENT_TIMEOUT_MS): Promise<AgentOutcome> {
  return new Promise((resolve) => {
    const conn = net.createConnection(socket);
    let text = '';
    const done = (outcome: AgentOutcome): void => {
      clearTimeout(timer);
      conn.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ miss: 'timed out' }), timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (d: string) => {
      text += d;
      const end = text.indexOf('\n');
      if (end < 0) return;
      let reply: AgentReply;
      try {
        reply = JSON.parse(text.slice(0, end)) as AgentReply;
      } catch {
        return done({ miss: 'failed', detail: 'unreadable reply' });
      }
      done(reply.answer === 'ok' && typeof reply.out === 'string' ? { out: reply.out, pid: reply.pid, served: reply.served } : { miss: 'declined' });
    });
    conn.on('end', () => done({ miss: 'failed', detail: 'closed without a reply' }));
    conn.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? { miss: 'absent', detail: e.code } : { miss: 'failed', detail: e.message }));
  });
}

/**
 * Starts an agent for `uri` in the background: its own session (no terminal), no stdio, not
 * waited for. `script` is the built CLI (out/cli/virtdesk.js), which runs the agent for `__agent`.
 */
export function startAgent(script: string, uri: string, env: NodeJS.ProcessEnv): void {
  // Loaded only here: after the answer, and only when there was no agent.
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  try {
    spawn(process.execPath, [script, '__agent', uri], { detached: true, stdio: 'ignore', cwd: '/', env }).unref();
  } catch {
    /* no agent this time; the command has answered already */
  }
}
