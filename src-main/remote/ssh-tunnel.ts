// Graphical consoles of VMs on an ssh connection: the guest's VNC server listens on the remote
// host's loopback (as it should); Virtdesk reaches it through the SSH connection the libvirt
// connection already has. Its ssh is the ControlMaster (ssh-support.ts); a console asks that
// master for a port forward (`ssh -O forward -L <local unix socket>:<remote addr>:<port>`), which
// becomes one more channel inside the same TCP connection: 5 consoles on a host = 1 SSH
// connection. The forward's socket lives in a private folder; the proxy connects once, then the
// forward is cancelled (the open channel stays) and the folder removed.
//
// Why the ssh binary with connection sharing rather than the ssh2 library: the libvirt connection
// itself runs over ssh, so sharing its master gives one connection per host for everything (libvirt
// RPC, serial and graphical consoles) with one authentication (one passphrase prompt, the user's
// ~/.ssh/config, agent and ProxyJump); ssh2 would open a second connection and re-implement
// authentication and host-key checks.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SshSupport, SshTarget } from './ssh-support';

const run = promisify(execFile);

export interface Forward {
  /** Connect here (once) to reach the remote display. */
  path: string;
  /** Cancels the listening forward (an open connection through it stays) and removes its folder. */
  close(): Promise<void>;
}

/** Where to reach a VNC server on the remote side: its listen address, or loopback when it listens on all. */
export function remoteVncAddress(listen: string | undefined): string {
  if (!listen || listen === '0.0.0.0' || listen === '::' || listen === '[::]') return '127.0.0.1';
  return listen.replace(/^\[|\]$/g, '');
}

function destination(t: SshTarget): string {
  return t.user ? `${t.user}@${t.host}` : t.host;
}

/** A forward through the master connection of `uri` to remoteAddr:remotePort on the remote host. */
export async function forwardThroughMaster(ssh: SshSupport, uri: string, target: SshTarget, remoteAddr: string, remotePort: number): Promise<Forward> {
  const control = ssh.controlPath(uri);
  const base = ['-o', `ControlPath=${control}`];
  const check = await run(ssh.sshBinary, [...base, '-O', 'check', destination(target)], { timeout: 10_000 }).then(
    () => true,
    () => false,
  );
  if (!check) throw new Error(`there is no open SSH connection to ${target.host} to share (reconnect ${uri}, then open the console again)`);
  const dir = fs.mkdtempSync(path.join(ssh.dir, 'fw-'));
  const sock = path.join(dir, 's');
  const spec = `${sock}:${remoteAddr.includes(':') ? `[${remoteAddr}]` : remoteAddr}:${remotePort}`;
  try {
    await run(ssh.sshBinary, [...base, '-O', 'forward', '-L', spec, destination(target)], { timeout: 15_000 });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    const msg = (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
    throw new Error(`the SSH connection to ${target.host} refused a forward to the display: ${msg}`);
  }
  let closed = false;
  return {
    path: sock,
    close: async () => {
      if (closed) return;
      closed = true;
      await run(ssh.sshBinary, [...base, '-O', 'cancel', '-L', spec, destination(target)], { timeout: 10_000 }).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
