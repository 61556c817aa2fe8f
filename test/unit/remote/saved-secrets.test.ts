// When a secret remembered in the desktop keyring is used, refused, saved or not (saved-secrets.ts),
// over an in-memory keyring. The real keyring: test/integration/keyring*.test.ts.
import { describe, expect, it } from 'vitest';
import type { TypedApiEvent } from '../../../src-main/contract';
import type { DesktopKeyring, SecretSlot } from '../../../src-main/remote/keyring';
import { SavedSecrets, passwordTarget, promptKeyFile } from '../../../src-main/remote/saved-secrets';

const URI = 'qemu+ssh://root@h.example:2222/system';
const KEY = '/home/u/.ssh/id_vdt';
const PROMPT = `Enter passphrase for key '${KEY}': `;

function setup(options: { available?: boolean; keyFile?: string } = {}) {
  const items = new Map<string, string>();
  const key = (s: SecretSlot) => `${s.connection}|${s.kind}|${s.target}`;
  const lookups: SecretSlot[] = [];
  const keyring = {
    available: async () => options.available ?? true,
    lookup: async (s: SecretSlot) => {
      lookups.push(s);
      return items.get(key(s)) ?? null;
    },
    store: async (s: SecretSlot, secret: string) => void items.set(key(s), secret),
    hasAny: async (c: string) => [...items.keys()].some((k) => k.startsWith(`${c}|`)),
    clearConnection: async (c: string) => {
      const gone = [...items.keys()].filter((k) => k.startsWith(`${c}|`));
      for (const k of gone) items.delete(k);
      return gone.length > 0;
    },
  } as unknown as DesktopKeyring;
  const events: TypedApiEvent[] = [];
  const saved = new SavedSecrets(keyring, () => options.keyFile, (e) => events.push(e));
  const slot: SecretSlot = { kind: 'ssh-key-passphrase', target: KEY, connection: URI };
  return { saved, items, key, slot, events, lookups };
}

describe('saved secrets', () => {
  it('names what a prompt asks for: the key file (the saved one when ssh cut its path), or user@host:port', () => {
    const { saved } = setup({ keyFile: `${KEY}-with-a-long-name` });
    expect(saved.slotFor(URI, PROMPT, 'passphrase')).toEqual({ kind: 'ssh-key-passphrase', target: `${KEY}-with-a-long-name`, connection: URI });
    expect(setup().saved.slotFor(URI, `Passphrase for key '${KEY}'`, 'passphrase')?.target).toBe(KEY);
    expect(setup().saved.slotFor(URI, "root@h.example's password: ", 'password')).toEqual({ kind: 'password', target: 'root@h.example:2222', connection: URI });
    expect(setup().saved.slotFor(URI, 'Accept the host key? (y/n)', 'text')).toBeNull();
    expect(passwordTarget('qemu+tls://h.example/system')).toBe('h.example');
    expect(promptKeyFile('Enter passphrase:')).toBeNull();
  });

  it('without a keyring: nothing to remember, nothing looked up', async () => {
    const { saved, lookups } = setup({ available: false });
    expect(await saved.beforeAsk(URI, PROMPT, 'passphrase')).toEqual({ slot: null, savedRefused: false, noKeyring: true });
    expect(lookups).toHaveLength(0);
  });

  it('answers from the keyring once per attempt; asked again, or failed on authentication, it was refused', async () => {
    const { saved, items, key, slot, lookups } = setup();
    items.set(key(slot), 'old');
    saved.attemptStarts(URI);
    expect(await saved.beforeAsk(URI, PROMPT, 'passphrase')).toMatchObject({ answer: 'old' });
    expect(saved.usedSaved(URI)).toBe(true);
    expect(await saved.beforeAsk(URI, PROMPT, 'passphrase')).toEqual({ slot, savedRefused: true });

    const other = setup();
    other.items.set(other.key(other.slot), 'old');
    other.saved.attemptStarts(URI);
    await other.saved.beforeAsk(URI, PROMPT, 'passphrase');
    other.saved.attemptFailed(URI, false); // not about the secret (daemon down): used again
    expect(await other.saved.beforeAsk(URI, PROMPT, 'passphrase')).toMatchObject({ answer: 'old' });
    other.saved.attemptFailed(URI, true);
    const n = other.lookups.length;
    expect(await other.saved.beforeAsk(URI, PROMPT, 'passphrase')).toEqual({ slot: other.slot, savedRefused: true });
    expect(other.lookups).toHaveLength(n); // the refused one is not tried again
    expect(other.items.get(other.key(other.slot))).toBe('old'); // and not deleted
    expect(lookups.length).toBeGreaterThan(0);
  });

  it('saves only when the connection succeeds, and only the latest answer if it was to be remembered', async () => {
    const { saved, items, key, slot, events } = setup();
    saved.attemptStarts(URI);
    saved.answered(slot, 'typo', true);
    saved.attemptFailed(URI, true);
    await saved.attemptSucceeded(URI);
    expect(items.size).toBe(0);

    saved.attemptStarts(URI);
    saved.answered(slot, 'wrong', true);
    saved.answered(slot, 'right', false);
    await saved.attemptSucceeded(URI);
    expect(items.size).toBe(0);
    expect(events).toHaveLength(0);

    saved.attemptStarts(URI);
    saved.answered(slot, 'right', true);
    await saved.attemptSucceeded(URI);
    expect(items.get(key(slot))).toBe('right');
    expect(events).toEqual([{ type: 'connection.secretSaved', uri: URI, kind: 'ssh-key-passphrase', saved: true }]);
    expect(await saved.forget(URI)).toBe(true);
    expect(await saved.forget(URI)).toBe(false);
  });
});
