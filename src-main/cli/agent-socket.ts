// Where the CLI agent (agent-server.ts) listens, shared by the agent and its client
// (agent-client.ts). Light on purpose: the client loads this before anything else.
//
// One socket per (build, settings folder, URI), in a folder only this user can enter:
// $XDG_RUNTIME_DIR/virtdesk/ when that folder is usable, else /tmp/virtdesk-<uid>/. The folder
// is checked every time (a real directory, not a symlink, owned by this user, mode 0700): in a
// shared /tmp someone else may have made it first, and then no agent is used at all.
import fs from 'node:fs';
import path from 'node:path';
import { checkConnectionUri } from '../contract/connection-uri';

/**
 * This build's id (scripts/build-cli.mjs defines it: version and build time), part of the socket
 * name so a new build never talks to an older build's agent. Unset when running from source:
 * then no agent is used.
 */
export const AGENT_BUILD_ID: string | undefined = process.env.VIRTDESK_CLI_BUILD_ID;

/**
 * FNV-1a, 64 bits, as 16 hex digits: a name, not a secret (the folder is what keeps others out).
 * Not node:crypto: loading it costs every start of the CLI ~5 ms on a 2-core machine.
 */
function shortHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

// sockaddr_un holds 108 bytes with the terminating NUL.
const MAX_SOCKET_PATH = 107;

/** The URIs an agent may serve: not a test-driver file, which a long-lived process would read once and then answer from stale. */
export function agentServes(uri: string): boolean {
  const check = checkConnectionUri(uri);
  return check.ok && !(check.driver === 'test' && check.path !== '/default');
}

/** True when `dir` is a real directory (not a symlink) owned by this user with mode 0700. */
export function privateDirOk(dir: string, uid: number): boolean {
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o777) === 0o700;
  } catch {
    return false;
  }
}

function runtimeDirUsable(dir: string | undefined, uid: number): dir is string {
  if (!dir || !path.isAbsolute(dir)) return false;
  try {
    const st = fs.statSync(dir);
    return st.isDirectory() && st.uid === uid;
  } catch {
    return false;
  }
}

/** The agents' folder, created if missing; null when it is not private to this user. */
export function agentDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const dir = runtimeDirUsable(env.XDG_RUNTIME_DIR, uid) ? path.join(env.XDG_RUNTIME_DIR, 'virtdesk') : `/tmp/virtdesk-${uid}`;
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    /* there already (checked below), or cannot be made (then the check fails) */
  }
  return privateDirOk(dir, uid) ? dir : null;
}

/** The agent's socket for this URI and settings folder, or null when no agent may be used. */
export function agentSocketPath(uri: string, settingsDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (!AGENT_BUILD_ID || !agentServes(uri)) return null;
  const dir = agentDir(env);
  if (!dir) return null;
  const socket = path.join(dir, `agent-${shortHash(JSON.stringify([AGENT_BUILD_ID, settingsDir, uri]))}.sock`);
  return socket.length <= MAX_SOCKET_PATH ? socket : null;
}

/** One request a line, one reply a line, then the agent closes the connection. */
export interface AgentRequest {
  uri: string;
  command: string;
  kind?: string;
  vm?: string;
  json: boolean;
}
export type AgentReply = { answer: 'ok'; out: string; pid: number; served: number } | { answer: 'decline'; pid: number };
