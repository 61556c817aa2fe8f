// The CLI agent: a background process that keeps libvirt loaded and one connection open for one
// URI, and answers the one-shot commands (`list`, `__complete vm|pool|network|snapshot VM`) over
// a unix socket (agent-socket.ts says where), so they do not pay for Node's and libvirt's start
// each time. Started by the CLI after it answered in-process (`virtdesk.js __agent <uri>`,
// agent-client.ts); a separate chunk of the build, loaded only here.
//
// It answers only with what the in-process path would print, computed by the same function
// (one-shot.ts oneShotOutput), with fresh data from libvirt for every request. On any failure it
// declines, removes its socket and exits; the CLI then answers in-process, which gives the usual
// error, and starts a new agent if that worked. Exiting rather than reopening: the event loop is
// registered with libvirt once per process and HostService.shutdown stops it (docs/koffi.md rules
// 5 and 7), so this process, like the host process, never opens a second connection.
//
// libvirt rules (docs/koffi.md): one HostService, called synchronously from this one JS thread,
// requests served one at a time, and shut down before every exit.
//
// It exits after VIRTDESK_AGENT_IDLE_MS (10 minutes) without a request, on SIGTERM/SIGINT/SIGHUP,
// and when its socket file is removed or replaced (by a newer agent that found it stale). It
// never closes its server: libuv would unlink the socket by name, which may be another agent's by
// then; it removes the file itself when it is still its own, then exits.
import fs from 'node:fs';
import net from 'node:net';
import { defaultSettingsDir } from '../server/settings-dir';
import type { HostService } from '../libvirt/host-service';
import { oneShotOutput, type OneShotWords } from './one-shot';
import { agentSocketPath, type AgentReply, type AgentRequest } from './agent-socket';

const DEFAULT_IDLE_MS = 10 * 60_000;
const WATCH_SOCKET_MS = 500;
const MAX_REQUEST = 64 * 1024;

/** Whether something listens on `socket`: 'answers', 'stale' (a socket file nobody listens on) or 'none'. */
function probe(socket: string): Promise<'answers' | 'stale' | 'none'> {
  return new Promise((resolve) => {
    const conn = net.createConnection(socket);
    conn.on('connect', () => {
      conn.destroy();
      resolve('answers');
    });
    conn.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'stale' : 'none'));
  });
}

/** The words of a valid request for `uri`, else null (then the agent declines). */
function requestWords(line: string, uri: string): OneShotWords | null {
  let r: Partial<AgentRequest>;
  try {
    r = JSON.parse(line) as Partial<AgentRequest>;
  } catch {
    return null;
  }
  if (r.uri !== uri || typeof r.json !== 'boolean') return null;
  if (r.command === 'list' && r.kind === undefined && r.vm === undefined) return { command: 'list', json: r.json };
  if (r.command !== '__complete') return null;
  if ((r.kind === 'vm' || r.kind === 'pool' || r.kind === 'network') && r.vm === undefined) return { command: r.command, kind: r.kind, json: r.json };
  if (r.kind === 'snapshot' && typeof r.vm === 'string' && r.vm) return { command: r.command, kind: r.kind, vm: r.vm, json: r.json };
  return null;
}

function inode(file: string): number | null {
  try {
    const st = fs.lstatSync(file);
    return st.isSocket() ? st.ino : null;
  } catch {
    return null;
  }
}

export async function runAgent(uri: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const socket = uri ? agentSocketPath(uri, defaultSettingsDir(env), env) : null;
  if (!uri || !socket) process.exit(2);
  const state = await probe(socket);
  if (state === 'answers') process.exit(0); // another agent was quicker
  if (state === 'stale' && inode(socket) !== null) fs.rmSync(socket, { force: true });

  const { HostService: Service } = await import('../libvirt/host-service');
  let service: HostService | null = null;
  let lost = false;
  let ours: number | null = null;
  const stop = (removeSocket: boolean): never => {
    if (removeSocket && ours !== null && inode(socket) === ours) fs.rmSync(socket, { force: true });
    service?.shutdown();
    process.exit(0);
  };
  try {
    // The close callback runs inside libvirt's event handling: stop after it has returned.
    service = Service.open(uri, () => undefined, () => {
      lost = true;
      setTimeout(() => stop(true), 0);
    });
  } catch {
    (await import('../libvirt/event-loop')).stopEventLoop();
    process.exit(1);
  }

  const idleMs = Number(env.VIRTDESK_AGENT_IDLE_MS) > 0 ? Number(env.VIRTDESK_AGENT_IDLE_MS) : DEFAULT_IDLE_MS;
  let idle = setTimeout(() => stop(true), idleMs);
  let served = 0;
  let queue: Promise<void> = Promise.resolve();

  const answer = async (line: string): Promise<{ reply: AgentReply; failed: boolean }> => {
    clearTimeout(idle);
    idle = setTimeout(() => stop(true), idleMs);
    const words = requestWords(line, uri);
    if (!words) return { reply: { answer: 'decline', pid: process.pid }, failed: false };
    try {
      if (lost || !service) throw new Error('connection lost');
      const out = await oneShotOutput(words, uri, service);
      return { reply: { answer: 'ok', out, pid: process.pid, served: ++served }, failed: false };
    } catch {
      return { reply: { answer: 'decline', pid: process.pid }, failed: true };
    }
  };

  const server = net.createServer((conn) => {
    let text = '';
    conn.setEncoding('utf8');
    conn.on('error', () => undefined);
    conn.on('data', (d: string) => {
      text += d;
      if (text.length > MAX_REQUEST) return void conn.destroy();
      const end = text.indexOf('\n');
      if (end < 0) return;
      conn.removeAllListeners('data');
      const line = text.slice(0, end);
      queue = queue.then(async () => {
        const { reply, failed } = await answer(line);
        if (!failed) return void conn.end(`${JSON.stringify(reply)}\n`);
        // The socket goes first: the CLI starts a new agent after its in-process answer, and
        // that agent must not find this one still listening.
        if (inode(socket) === ours) fs.rmSync(socket, { force: true });
        ours = null;
        conn.end(`${JSON.stringify(reply)}\n`, () => stop(false));
        setTimeout(() => stop(false), 1000);
      }).catch(() => stop(true)); // a queue that stays rejected would answer nobody
    });
  });
  // EADDRINUSE: another agent bound the name meanwhile; it serves.
  server.on('error', () => stop(false));
  server.listen(socket, () => {
    ours = inode(socket);
    setInterval(() => {
      if (ours !== null && inode(socket) !== ours) stop(false);
    }, WATCH_SOCKET_MS);
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(true));
  process.on('uncaughtException', () => stop(true));
}
