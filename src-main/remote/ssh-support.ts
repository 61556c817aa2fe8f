// How Virtdesk runs ssh for libvirt's ssh transport (qemu+ssh://…) and for console tunnels.
//
// libvirt runs the program `ssh` found in PATH. A host process of an ssh connection gets a PATH
// whose first folder holds Virtdesk's `ssh` (a small sh script, below) and environment variables
// it reads, so that every ssh Virtdesk causes:
// - checks host keys against Virtdesk's own known_hosts file with StrictHostKeyChecking=yes: an
//   unknown key is never accepted silently (the app shows its fingerprint first, host-keys.ts),
//   a changed one is refused;
// - uses the key file saved with the connection (IdentitiesOnly), or else ssh's own keys and
//   agent. The key never goes into the URI (the URI policy refuses `keyfile=`: a URI can come from
//   anywhere, a saved connection's key file was chosen by the user in the add-host dialog);
// - asks for a passphrase or password through SSH_ASKPASS (SSH_ASKPASS_REQUIRE=force) → a helper
//   that asks the app through a FIFO in its private folder (credential-broker.ts) → a dialog. Nothing is stored;
// - shares ONE connection per host (ControlMaster=auto, a ControlPath per connection URI): the
//   libvirt connection's ssh becomes the master, and graphical consoles add port forwards to it
//   (ssh -O forward, ssh-tunnel.ts) instead of opening connections of their own.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkConnectionUri } from '../contract/connection-uri';

export interface SshTarget {
  user: string | null;
  host: string;
  port: number | null;
}

/** The ssh destination of an ssh-transport URI (qemu+ssh://user@host:port/system), else null. */
export function sshTargetOf(uri: string): SshTarget | null {
  const r = checkConnectionUri(uri);
  if (!r.ok || r.transport !== 'ssh' || !r.host) return null;
  const m = /^[a-z0-9+]+:\/\/(?:([^@/]*)@)?(\[[^\]]+\]|[^:/?]+)(?::(\d+))?/i.exec(r.uri);
  if (!m) return null;
  return { user: m[1] ? decodeURIComponent(m[1]) : null, host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : null };
}

/**
 * Where ssh really connects for `t`, after the user's ~/.ssh/config (`ssh -G`): HostName, Port,
 * HostKeyAlias (the name its key is filed under). null when a ProxyJump/ProxyCommand hides the
 * host from a direct scan (then ssh's own strict check is the only one).
 */
export function resolveSshTarget(sshBinary: string, t: SshTarget): { host: string; port: number; keyName: string | null } | null {
  const args = ['-G', ...(t.port ? ['-p', String(t.port)] : []), ...(t.user ? ['-l', t.user] : []), '--', t.host];
  const r = spawnSync(sshBinary, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0 || !r.stdout) return { host: t.host, port: t.port ?? 22, keyName: null };
  const conf = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const));
  if ((conf.get('proxyjump') ?? 'none') !== 'none' || (conf.get('proxycommand') ?? 'none') !== 'none') return null;
  const alias = conf.get('hostkeyalias');
  return { host: conf.get('hostname') || t.host, port: Number(conf.get('port')) || t.port || 22, keyName: alias && alias !== 'none' ? alias : null };
}

/** sh single-quoting. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function findSsh(): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', 'ssh');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return '/usr/bin/ssh';
}

export class SshSupport {
  readonly dir: string;
  readonly knownHostsFile: string;
  readonly sshBinary: string;
  private readonly controlDir: string;

  /**
   * @param dir Virtdesk's ssh folder (mode 0700), e.g. <settings dir>/ssh.
   * @param askpass the askpass helper and the token it must present (credential-broker.ts).
   */
  constructor(dir: string, private readonly askpass: { helperScript: string; token: string }) {
    this.dir = dir;
    this.knownHostsFile = path.join(dir, 'known_hosts');
    this.controlDir = path.join(dir, 'cm');
    this.sshBinary = findSsh();
    for (const d of [dir, this.controlDir]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    if (!fs.existsSync(this.knownHostsFile)) fs.writeFileSync(this.knownHostsFile, '', { mode: 0o600 });
  }

  private key(uri: string): string {
    return createHash('sha256').update(uri).digest('hex').slice(0, 24);
  }

  /** One control socket per connection URI (short: a Unix socket path has ~100 bytes at most). */
  controlPath(uri: string): string {
    return path.join(this.controlDir, this.key(uri));
  }

  /** The environment of the askpass helper, for any process that may need to ask the user. */
  askpassEnv(uri: string): Record<string, string> {
    return {
      SSH_ASKPASS: this.askpass.helperScript,
      SSH_ASKPASS_REQUIRE: 'force',
      VIRTDESK_ASKPASS: this.askpass.helperScript,
      VIRTDESK_ASKPASS_TOKEN: this.askpass.token,
      VIRTDESK_ASKPASS_CONNECTION: uri,
    };
  }

  /**
   * Writes the `ssh` libvirt runs for `uri` into a folder of its own and returns that folder.
   * libvirt runs ssh with a cleaned environment (PATH and a few SSH_* variables pass), so the
   * connection's settings are written into the script rather than passed as variables.
   */
  private writeWrapper(uri: string, keyFile: string | undefined): string {
    const bin = path.join(this.dir, `bin-${this.key(uri)}`);
    fs.mkdirSync(bin, { recursive: true, mode: 0o700 });
    const exports = Object.entries(this.askpassEnv(uri)).map(([k, v]) => `export ${k}=${q(v)}`);
    // Virtdesk's options come first: the first value ssh obtains wins, so they beat ~/.ssh/config.
    const opts = [
      `UserKnownHostsFile="${this.knownHostsFile}"`, 'StrictHostKeyChecking=yes', 'UpdateHostKeys=no',
      'ControlMaster=auto', `ControlPath="${this.controlPath(uri)}"`, 'ControlPersist=no',
      'NumberOfPasswordPrompts=1', 'ConnectTimeout=15', 'ServerAliveInterval=15',
      ...(keyFile ? [`IdentityFile="${keyFile}"`, 'IdentitiesOnly=yes'] : []),
    ];
    const script = [
      '#!/bin/sh',
      `# Written by Virtdesk for ${uri.replace(/[\r\n]/g, '')}: the ssh its libvirt host process runs (src-main/remote/ssh-support.ts).`,
      ...exports,
      `exec ${q(this.sshBinary)} ${opts.map((o) => `-o ${q(o)}`).join(' ')} "$@"`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(bin, 'ssh'), script, { mode: 0o700 });
    return bin;
  }

  /** Extra environment for the host process of `uri` (ssh transports; others get only the askpass helper). */
  envFor(uri: string, keyFile?: string): Record<string, string> {
    const env = this.askpassEnv(uri);
    if (!sshTargetOf(uri)) return env;
    this.removeStaleControlSocket(this.controlPath(uri));
    const bin = this.writeWrapper(uri, keyFile);
    return { ...env, PATH: `${bin}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}` };
  }

  /** A control socket left by a master that died would make ssh skip sharing ("already exists"). */
  private removeStaleControlSocket(control: string): void {
    if (!fs.existsSync(control)) return;
    const check = spawnSync(this.sshBinary, ['-o', `ControlPath=${control}`, '-O', 'check', 'virtdesk-control-check'], { stdio: 'ignore', timeout: 5000 });
    if (check.status !== 0) fs.rmSync(control, { force: true });
  }
}
