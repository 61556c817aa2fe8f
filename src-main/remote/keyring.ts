// The desktop keyring: the freedesktop Secret Service (GNOME Keyring, KeePassXC, KWallet's
// Secret Service) on the user's session D-Bus, through `secret-tool` (package libsecret-tools).
// Used by the Electron app and by browser mode alike: both run in the user's desktop session.
//
// A secret goes to secret-tool on its standard input, never on its command line (which every
// user of the machine can read in `ps`) and never into a log or an error message. Items carry
// the attributes { application: 'virtdesk', kind, target, connection }.
import { spawn } from 'node:child_process';

export type SecretKind = 'ssh-key-passphrase' | 'password';

/** What a saved secret is for: a key file's passphrase or a password of user@host:port, for one connection. */
export interface SecretSlot {
  kind: SecretKind;
  /** The key file's path (ssh-key-passphrase) or user@host:port (password). */
  target: string;
  /** The connection URI it was saved for. */
  connection: string;
}

export class KeyringError extends Error {}

const APPLICATION = 'virtdesk';
/** A lookup that no item has: answers at once when a Secret Service is there, fails without one. */
const PROBE = ['lookup', 'application', APPLICATION, 'kind', 'availability-probe'];
/** A negative answer is asked again after this long: a keyring started later is then found. */
const RETRY_UNAVAILABLE_MS = 60_000;

interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** secret-tool is not installed. */
  missing: boolean;
  timedOut: boolean;
}

export interface DesktopKeyringOptions {
  /** The secret-tool program (default: `secret-tool` from PATH). */
  tool?: string;
  /** How long the availability check may take (default 3 s). */
  probeTimeoutMs?: number;
  /** How long a store, lookup or clear may take (default 15 s: a locked keyring may ask the user to unlock it). */
  timeoutMs?: number;
}

const slotAttributes = (s: SecretSlot): string[] => ['application', APPLICATION, 'kind', s.kind, 'target', s.target, 'connection', s.connection];

export class DesktopKeyring {
  private readonly tool: string;
  private readonly probeTimeoutMs: number;
  private readonly timeoutMs: number;
  /** Per session bus address: whether a Secret Service answers there, and since when we know. */
  private readonly probes = new Map<string, { at: number; answer: Promise<boolean> }>();

  constructor(options: DesktopKeyringOptions = {}) {
    this.tool = options.tool ?? 'secret-tool';
    this.probeTimeoutMs = options.probeTimeoutMs ?? 3000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** True when secret-tool is installed and a Secret Service answers on the session bus (cached). */
  available(): Promise<boolean> {
    const bus = process.env.DBUS_SESSION_BUS_ADDRESS ?? '';
    const known = this.probes.get(bus);
    if (known && Date.now() - known.at < RETRY_UNAVAILABLE_MS) return known.answer;
    const answer = this.run(PROBE, null, this.probeTimeoutMs).then(
      // Exit 1 with nothing on stderr: the service answered "no such item".
      (r) => !r.missing && !r.timedOut && (r.code === 0 || (r.code === 1 && r.stderr.trim() === '')),
    );
    this.probes.set(bus, { at: Date.now(), answer });
    void answer.then((ok) => {
      // A keyring that answered stays known for the life of the process.
      if (ok) this.probes.set(bus, { at: Number.POSITIVE_INFINITY, answer });
    });
    return answer;
  }

  /** The saved secret, or null when none is saved (or no keyring answers). */
  async lookup(slot: SecretSlot): Promise<string | null> {
    const r = await this.run(['lookup', ...slotAttributes(slot)], null, this.timeoutMs);
    return r.code === 0 ? r.stdout : null;
  }

  /** Saves (or replaces) the secret of `slot`. Throws KeyringError saying why it could not. */
  async store(slot: SecretSlot, secret: string, label: string): Promise<void> {
    const r = await this.run(['store', `--label=${label}`, ...slotAttributes(slot)], secret, this.timeoutMs);
    if (r.code !== 0) throw new KeyringError(failureText(r));
  }

  /** Whether any secret is saved for `connection`. */
  async hasAny(connection: string): Promise<boolean> {
    const r = await this.run(['lookup', 'application', APPLICATION, 'connection', connection], null, this.timeoutMs);
    return r.code === 0;
  }

  /** Removes every secret saved for `connection`; false when there was none. */
  async clearConnection(connection: string): Promise<boolean> {
    return this.clear(['application', APPLICATION, 'connection', connection]);
  }

  /** Removes the secret of `slot`; false when there was none. */
  async clearSlot(slot: SecretSlot): Promise<boolean> {
    return this.clear(slotAttributes(slot));
  }

  private async clear(attributes: string[]): Promise<boolean> {
    const r = await this.run(['clear', ...attributes], null, this.timeoutMs);
    if (r.code === 0) return true;
    if (r.code === 1 && r.stderr.trim() === '') return false;
    throw new KeyringError(failureText(r));
  }

  private run(args: string[], input: string | null, timeoutMs: number): Promise<ToolResult> {
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const child = spawn(this.tool, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 2000)));
      child.stdin.on('error', () => undefined);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ code: null, stdout: '', stderr: e.message, missing: e.code === 'ENOENT', timedOut });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, missing: false, timedOut });
      });
      child.stdin.end(input ?? '');
    });
  }
}

/** secret-tool's own words (never the secret: it only ever reads it). */
function failureText(r: ToolResult): string {
  if (r.missing) return 'secret-tool is not installed (package libsecret-tools)';
  if (r.timedOut) return 'the desktop keyring did not answer in time (is it locked, waiting for its password?)';
  return r.stderr.replace(/^secret-tool:\s*/, '').trim() || `secret-tool exited with status ${r.code}`;
}
