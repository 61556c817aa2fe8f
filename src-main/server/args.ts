// Command line of browser mode (`npm run serve -- [options]`), kept apart from main.ts so it
// can be tested without starting anything.
import net from 'node:net';
import path from 'node:path';
import { DEFAULT_HOST, isLoopback } from './server';
import { defaultSettingsDir } from './settings-dir';

export { defaultSettingsDir };

/**
 * The default port is fixed so the address stays the same between runs; when it is taken
 * (another Virtdesk, some other program) and no --port was given, the server falls back to
 * a free port chosen by the OS. An explicit --port that is taken is an error. --port 0
 * always asks the OS for a free port.
 */
export const DEFAULT_PORT = 8390;

export interface ServeArgs {
  port: number;
  /** True when --port was given (then a taken port is an error instead of a fallback). */
  portExplicit: boolean;
  host: string;
  settingsDir: string;
  /** Extra names the server answers to (--allow-host, repeatable), lower case. */
  allowHosts: string[];
  /** PEM certificate and key files (--tls-cert/--tls-key, both or neither), absolute. */
  tlsCert: string | null;
  tlsKey: string | null;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: npm run serve -- [--port N] [--listen ADDR] [--allow-host NAME]... [--tls-cert FILE --tls-key FILE] [--settings-dir DIR]
  --port N            TCP port (default ${DEFAULT_PORT}, or a free one if that is taken; 0 = any free port)
  --listen ADDR       IP address to listen on (default ${DEFAULT_HOST}; anything else exposes the VMs to the network)
  --allow-host NAME   also answer requests addressed to NAME (e.g. this machine's DNS name); others get 421
  --tls-cert FILE     serve https/wss with this PEM certificate (chain) ...
  --tls-key FILE      ... and its unencrypted PEM private key (needed to keep the token secret beyond loopback)
  --settings-dir DIR  where settings.json lives (default $XDG_CONFIG_HOME/virtdesk or ~/.config/virtdesk)`;

const OPTIONS = new Set(['--port', '--listen', '--allow-host', '--tls-cert', '--tls-key', '--settings-dir']);
const REPEATABLE = new Set(['--allow-host']);
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Parses argv (without node and the script); throws UsageError with a one-line message. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  const out: ServeArgs = { port: DEFAULT_PORT, portExplicit: false, host: DEFAULT_HOST, settingsDir: defaultSettingsDir(env), allowHosts: [], tlsCert: null, tlsKey: null, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (!OPTIONS.has(name)) throw new UsageError(`unknown argument '${arg}' (try --help)`);
    if (seen.has(name) && !REPEATABLE.has(name)) throw new UsageError(`${name} given more than once`);
    seen.add(name);
    let value: string | undefined;
    if (eq !== -1 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i++;
    }
    if (name === '--port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not '${value}'`);
      out.port = Number(value);
      out.portExplicit = true;
    } else if (name === '--listen') {
      const v = value === 'localhost' ? DEFAULT_HOST : value.replace(/^\[(.*)\]$/, '$1');
      if (!net.isIP(v)) throw new UsageError(`--listen must be an IP address such as 127.0.0.1 or 0.0.0.0, not '${value}'`);
      out.host = v;
    } else if (name === '--allow-host') {
      const v = value.replace(/^\[(.*)\]$/, '$1');
      if (!net.isIP(v) && !HOST_NAME.test(v)) throw new UsageError(`--allow-host must be a host name such as vmhost.example.lan or an IP address (no port, no scheme), not '${value}'`);
      if (!out.allowHosts.includes(v.toLowerCase())) out.allowHosts.push(v.toLowerCase());
    } else if (name === '--tls-cert' || name === '--tls-key') {
      if (value.trim() === '') throw new UsageError(`${name} must not be empty`);
      if (name === '--tls-cert') out.tlsCert = path.resolve(value);
      else out.tlsKey = path.resolve(value);
    } else {
      if (value.trim() === '') throw new UsageError('--settings-dir must not be empty');
      out.settingsDir = path.resolve(value);
    }
  }
  if ((out.tlsCert === null) !== (out.tlsKey === null)) {
    throw new UsageError(`--tls-cert and --tls-key go together: ${out.tlsCert === null ? '--tls-key' : '--tls-cert'} was given without ${out.tlsCert === null ? '--tls-cert' : '--tls-key'}`);
  }
  return out;
}

/** The stderr warning for a listen address other than loopback, or null. */
export function exposureWarning(host: string, tls = false): string | null {
  if (isLoopback(host)) return null;
  const exposed = `Warning: listening on ${host}: anyone on that network who has the token can reach the API and control your VMs.`;
  const clear = tls
    ? ''
    : ' Without --tls-cert/--tls-key the connection is unencrypted: the token and everything you do travel in clear text, readable by anyone on the way.';
  return `${exposed}${clear} Use --listen 127.0.0.1 unless you mean this.`;
}
