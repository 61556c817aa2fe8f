// Passphrases and passwords the user chose to remember in the desktop keyring (keyring.ts), and
// when they are used:
// - a prompt of a connection whose secret is saved is answered with it, without asking, once per
//   connection attempt;
// - asked again in the same attempt (ssh asks again after a wrong passphrase), or the attempt
//   failed on authentication: the saved secret was refused. The user is then asked, with a note
//   saying so, and may save the new one (it replaces the old). Nothing is deleted without the user;
// - "remember" takes effect only when the connection then succeeds: a wrong secret is never saved.
import type { CredentialRequest, TypedApiEvent } from '../contract';
import { DesktopKeyring, type SecretSlot } from './keyring';

export interface BeforeAsk {
  /** Answer with this (a saved secret) instead of asking. */
  answer?: string;
  /** Where the answer would be remembered; null: it cannot be (no keyring, not a secret). */
  slot: SecretSlot | null;
  /** A saved secret for this slot was refused. */
  savedRefused: boolean;
  /** No desktop keyring answers (the user is told it will be asked again). */
  noKeyring?: boolean;
}

const keyOf = (s: SecretSlot): string => JSON.stringify([s.connection, s.kind, s.target]);

/** user@host:port of a URI (port omitted when the URI names none). */
export function passwordTarget(uri: string): string | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return null;
  }
  if (!u.hostname) return null;
  return `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname}${u.port ? `:${u.port}` : ''}`;
}

/** The key file a passphrase prompt names ("Enter passphrase for key '/home/u/.ssh/id': "). */
export function promptKeyFile(prompt: string): string | null {
  return /'(\/[^']*)'/.exec(prompt)?.[1] ?? null;
}

export class SavedSecrets {
  /** Per connection URI: the slots answered from the keyring in the current attempt. */
  private readonly usedSavedIn = new Map<string, Set<string>>();
  /** Saved secrets that were refused: asked for (with a note) instead of used again. */
  private readonly refused = new Set<string>();
  /** Per connection URI: answers to remember once the attempt succeeds. */
  private readonly toRemember = new Map<string, Map<string, { slot: SecretSlot; value: string }>>();

  constructor(
    readonly keyring: DesktopKeyring,
    private readonly keyFileOf: (uri: string) => string | undefined,
    private readonly emit: (e: TypedApiEvent) => void,
  ) {}

  /** Where a prompt's answer belongs, or null (not a secret, or nothing names it). */
  slotFor(uri: string, prompt: string, kind: CredentialRequest['kind']): SecretSlot | null {
    if (kind === 'password') {
      const target = passwordTarget(uri);
      return target ? { kind: 'password', target, connection: uri } : null;
    }
    if (kind !== 'passphrase') return null;
    // ssh cuts the key's path in its prompt at 100 characters: the saved key file is the full one.
    const saved = this.keyFileOf(uri);
    const named = promptKeyFile(prompt);
    const target = saved && (!named || saved.startsWith(named)) ? saved : named;
    return target ? { kind: 'ssh-key-passphrase', target, connection: uri } : null;
  }

  /** Before a prompt reaches the user: a saved secret to answer with, or how to ask. */
  async beforeAsk(uri: string, prompt: string, kind: CredentialRequest['kind']): Promise<BeforeAsk> {
    const slot = this.slotFor(uri, prompt, kind);
    if (!slot) return { slot: null, savedRefused: false };
    if (!(await this.keyring.available())) return { slot: null, savedRefused: false, noKeyring: true };
    const key = keyOf(slot);
    const used = this.usedSavedIn.get(uri) ?? new Set<string>();
    if (used.has(key)) this.refused.add(key);
    if (this.refused.has(key)) return { slot, savedRefused: true };
    const saved = await this.keyring.lookup(slot).catch(() => null);
    if (saved === null) return { slot, savedRefused: false };
    used.add(key);
    this.usedSavedIn.set(uri, used);
    return { answer: saved, slot, savedRefused: false };
  }

  /** The user answered; with `remember`, it is saved when the connection succeeds. The latest answer counts. */
  answered(slot: SecretSlot, value: string, remember: boolean): void {
    const list = this.toRemember.get(slot.connection) ?? new Map<string, { slot: SecretSlot; value: string }>();
    if (remember) list.set(keyOf(slot), { slot, value });
    else list.delete(keyOf(slot));
    this.toRemember.set(slot.connection, list);
  }

  /** Whether the current attempt on `uri` was answered from the keyring. */
  usedSaved(uri: string): boolean {
    return (this.usedSavedIn.get(uri)?.size ?? 0) > 0;
  }

  /** A new attempt on `uri` begins. */
  attemptStarts(uri: string): void {
    this.usedSavedIn.delete(uri);
    this.toRemember.delete(uri);
  }

  /** The attempt failed; on authentication, a saved secret it used was refused. Nothing is remembered. */
  attemptFailed(uri: string, authFailed: boolean): void {
    if (authFailed) for (const key of this.usedSavedIn.get(uri) ?? []) this.refused.add(key);
    this.usedSavedIn.delete(uri);
    this.toRemember.delete(uri);
  }

  /** The connection is open: what the user asked to remember is saved (connection.secretSaved says how it went). */
  async attemptSucceeded(uri: string): Promise<void> {
    const list = this.toRemember.get(uri);
    this.toRemember.delete(uri);
    this.usedSavedIn.delete(uri);
    for (const { slot, value } of list?.values() ?? []) {
      try {
        await this.keyring.store(slot, value, labelOf(slot));
        this.refused.delete(keyOf(slot));
        this.emit({ type: 'connection.secretSaved', uri, kind: slot.kind, saved: true });
      } catch (e) {
        this.emit({ type: 'connection.secretSaved', uri, kind: slot.kind, saved: false, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  /** Whether the keyring answers, and whether a secret of `uri` is saved there. */
  async status(uri: string): Promise<{ available: boolean; saved: boolean }> {
    if (!(await this.keyring.available())) return { available: false, saved: false };
    return { available: true, saved: await this.keyring.hasAny(uri) };
  }

  /** Removes the secrets saved for `uri`; false when there were none. */
  async forget(uri: string): Promise<boolean> {
    for (const key of [...this.refused]) if ((JSON.parse(key) as string[])[0] === uri) this.refused.delete(key);
    return this.keyring.clearConnection(uri);
  }
}

function labelOf(slot: SecretSlot): string {
  return slot.kind === 'password' ? `Virtdesk: password of ${slot.target}` : `Virtdesk: passphrase of SSH key ${slot.target} (${slot.connection})`;
}
