// Secrets a connection needs (an SSH key passphrase, a password) are asked in a dialog of the
// app, never on a terminal. ssh runs the askpass helper (SSH_ASKPASS); a libvirt credential
// callback in a host process runs the same helper. The broker emits
// `connection.credentialRequest` and answers with what the user typed
// (connections.answerCredential) or a refusal (cancel, timeout, no UI listening). A secret the
// user chose to remember in the desktop keyring answers without asking (saved-secrets.ts).
//
// The helper is a POSIX sh script (no Node: the packaged desktop app's Electron cannot run as Node,
// its runAsNode fuse is off). It makes a FIFO in the broker's private folder (mode 0700), drops a
// request file next to it (token, connection, prompt) and reads the answer from the FIFO. The broker
// watches the folder, checks the per-run token, and writes "ok\n<answer>\n" (or "no\n") into the FIFO.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CredentialRequest, TypedApiEvent } from '../contract';
import type { SecretSlot } from './keyring';
import type { SavedSecrets } from './saved-secrets';

/** How long a prompt waits for the user before ssh is told "no answer". */
const ANSWER_TIMEOUT_MS = 5 * 60_000;
const REQUEST_FILE = /^(\d+-[0-9a-z]+)\.req$/;

/** The helper; `asks` is the folder the broker watches. Exit 1 = no answer. */
export function askpassHelperSource(asks: string): string {
  const dir = `'${asks.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh
# Written by Virtdesk (src-main/remote/credential-broker.ts): asks the app for a passphrase or
# password. Prints the answer; exits 1 when there is none.
dir=${dir}
id="$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \\n')"
umask 077
mkfifo "$dir/$id.fifo" || exit 1
trap 'rm -f "$dir/$id.fifo" "$dir/$id.tmp" "$dir/$id.req"' EXIT HUP INT TERM
# Opened read-write (does not block on Linux) before the request exists, so the app's write never misses a reader.
exec 3<>"$dir/$id.fifo"
{ printf '%s\\n' "$VIRTDESK_ASKPASS_TOKEN"; printf '%s\\n' "$VIRTDESK_ASKPASS_CONNECTION"; printf '%s' "$*"; } >"$dir/$id.tmp" || exit 1
mv "$dir/$id.tmp" "$dir/$id.req" || exit 1
IFS= read -r status <&3
[ "$status" = ok ] || exit 1
IFS= read -r value <&3
printf '%s\\n' "$value"
`;
}

interface Pending {
  request: CredentialRequest;
  fifo: string;
  timer: NodeJS.Timeout;
  /** Where the answer is remembered if the user asks to (null: it cannot be). */
  slot: SecretSlot | null;
}

export function credentialKind(prompt: string): { kind: CredentialRequest['kind']; secret: boolean } {
  if (/passphrase/i.test(prompt)) return { kind: 'passphrase', secret: true };
  if (/password|pin\b/i.test(prompt)) return { kind: 'password', secret: true };
  return { kind: 'text', secret: false };
}

export class CredentialBroker {
  readonly helperScript: string;
  readonly asksDir: string;
  readonly token = randomBytes(24).toString('hex');
  private readonly pending = new Map<string, Pending>();
  private watcher: fs.FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;

  /**
   * @param canAsk whether a UI listens (else a prompt is refused at once instead of waiting).
   * @param saved secrets remembered in the desktop keyring (absent: none are used or saved).
   */
  constructor(
    dir: string,
    private readonly emit: (e: TypedApiEvent) => void,
    private readonly canAsk: () => boolean = () => true,
    private readonly timeoutMs = ANSWER_TIMEOUT_MS,
    private readonly saved: SavedSecrets | null = null,
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.asksDir = path.join(dir, 'asks');
    fs.mkdirSync(this.asksDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(this.asksDir, 0o700);
    this.helperScript = path.join(dir, 'askpass');
    fs.writeFileSync(this.helperScript, askpassHelperSource(this.asksDir), { mode: 0o700 });
  }

  /** Starts watching for requests (idempotent). */
  async start(): Promise<void> {
    if (this.watcher) return;
    this.watcher = fs.watch(this.asksDir, () => this.scan());
    this.watcher.on('error', () => undefined);
    this.watcher.unref();
    // inotify can drop an event (queue overflow under load): a slow rescan makes sure no prompt is missed.
    this.poll = setInterval(() => this.scan(), 1000);
    this.poll.unref();
    this.scan();
  }

  /**
   * The user's answer (null: cancel). False when no such request waits (answered, timed out).
   * `remember`: saved in the desktop keyring once the connection succeeds.
   */
  answer(id: string, value: string | null, remember = false): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    if (value !== null && p.slot) this.saved?.answered(p.slot, clean(value), remember);
    this.finish(id, value);
    return true;
  }

  /** Requests waiting for an answer. */
  waiting(): CredentialRequest[] {
    return [...this.pending.values()].map((p) => p.request);
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.finish(id, null);
    this.watcher?.close();
    this.watcher = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  private scan(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.asksDir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = REQUEST_FILE.exec(name);
      if (!m || this.pending.has(m[1]!)) continue;
      const file = path.join(this.asksDir, name);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
        fs.rmSync(file, { force: true });
      } catch {
        continue;
      }
      void this.onRequest(m[1]!, text);
    }
  }

  private async onRequest(id: string, text: string): Promise<void> {
    const [token, rawUri = '', ...rest] = text.split('\n');
    const fifo = path.join(this.asksDir, `${id}.fifo`);
    if (token !== this.token) {
      reply(fifo, null);
      return;
    }
    const uri = rawUri.slice(0, 1024);
    const prompt = rest.join(' ').trim().slice(0, 1000);
    const kind = credentialKind(prompt);
    const before = this.saved ? await this.saved.beforeAsk(uri, prompt, kind.kind).catch(() => null) : null;
    // A saved secret answers even when no UI listens (a connection opened at start).
    if (before?.answer !== undefined) {
      reply(fifo, before.answer);
      return;
    }
    if (!this.canAsk() || !this.watcher) {
      reply(fifo, null);
      return;
    }
    const request: CredentialRequest = { id, uri, prompt, ...kind, canRemember: !!before?.slot, ...(before?.savedRefused ? { savedRefused: true } : {}), ...(before?.noKeyring ? { noKeyring: true } : {}) };
    const timer = setTimeout(() => this.finish(id, null), this.timeoutMs);
    timer.unref();
    this.pending.set(id, { request, fifo, timer, slot: before?.slot ?? null });
    this.emit({ type: 'connection.credentialRequest', ...request });
  }

  private finish(id: string, value: string | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    reply(p.fifo, value);
    this.emit({ type: 'connection.credentialDone', id });
  }
}

/** The helper reads one line: what it passes on has no line breaks. */
const clean = (value: string): string => value.replace(/[\r\n]/g, '');

/** Writes the answer into the helper's FIFO; non-blocking, so a helper that is gone blocks nothing. */
function reply(fifo: string, value: string | null): void {
  let fd: number;
  try {
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return; // the helper gave up (ssh was killed): nobody reads
  }
  try {
    fs.writeSync(fd, value === null ? 'no\n' : `ok\n${clean(value)}\n`);
  } catch {
    /* the reader went away */
  } finally {
    fs.closeSync(fd);
  }
}
