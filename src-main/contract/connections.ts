// libvirt connections the app keeps (one host process each).
import { z } from 'zod';
import { connectionUri, method, savedConnectionUri } from './common';
import { filePath } from './fields';
import type { ConnectionInfo } from './libvirt-types';

export type ConnectionStateName = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface ConnectionStatus {
  uri: string;
  label?: string;
  state: ConnectionStateName;
  /** Why it failed or is reconnecting. */
  error?: string;
  info?: ConnectionInfo;
  isDefault: boolean;
  /** The demo connection (test:///default) offered when no libvirt is reachable. */
  isDemo: boolean;
  /** SSH connections: the key file Virtdesk gives ssh (saved with the connection, never in the URI). */
  keyFile?: string;
  /** Opened when the app starts (saved connections; default true). */
  connectAtStart?: boolean;
  /** Set when an SSH connection failed on the host's key: what to show before the user accepts it. */
  hostKey?: HostKeyInfo;
}

/** An SSH host key that is not (or no longer) in Virtdesk's known_hosts file. */
export interface HostKeyInfo {
  host: string;
  port: number;
  /** 'unknown': never accepted (accept or refuse); 'changed': differs from the accepted one (refused: possible attack). */
  status: 'unknown' | 'changed';
  /** What the host offers now, e.g. { type: 'ED25519', fingerprint: 'SHA256:…' }. */
  keys: { type: string; fingerprint: string }[];
}

/**
 * ssh (or libvirt) needs a secret to open a connection: a key passphrase or a password. The UI
 * asks the user and answers with connections.answerCredential; it is stored only when the user
 * asks to remember it (in the desktop keyring) and the connection then succeeds.
 */
export interface CredentialRequest {
  id: string;
  uri: string;
  /** The prompt as ssh or libvirt wrote it ("Enter passphrase for key '/home/u/.ssh/id_ed25519': "). */
  prompt: string;
  kind: 'passphrase' | 'password' | 'text';
  /** Hide what is typed. */
  secret: boolean;
  /** The answer may be remembered in the desktop keyring (one answers on the session bus). */
  canRemember: boolean;
  /** A passphrase or password saved in the keyring was tried and refused (changed?). */
  savedRefused?: boolean;
  /** It could be remembered, but no desktop keyring answers here: it will be asked again next time. */
  noKeyring?: boolean;
}

export type ConnectionEventMap = {
  'connection.credentialRequest': CredentialRequest;
  /** The request was answered, cancelled or timed out: close its dialog. */
  'connection.credentialDone': { id: string };
  /** An answer the user asked to remember, once its connection succeeded: saved in the desktop keyring, or why not. */
  'connection.secretSaved': { uri: string; kind: 'ssh-key-passphrase' | 'password'; saved: boolean; error?: string };
};

const empty = z.object({}).strict();

export const connectionMethods = {
  'connections.list': method(empty, [] as ConnectionStatus[]),
  /** keyFile: for SSH URIs, the private key ssh uses (IdentitiesOnly); without it, ssh's own keys and agent. */
  'connections.add': method(
    z.object({
      uri: connectionUri,
      label: z.string().trim().max(100).optional(),
      keyFile: filePath('keyFile').optional(),
      connectAtStart: z.boolean({ error: 'connectAtStart must be true or false' }).optional(),
    }).strict(),
    {} as ConnectionStatus,
  ),
  /** Also takes a saved URI the policy refuses (listed as 'failed', "refused: …"), so it can be forgotten. */
  'connections.remove': method(z.object({ uri: savedConnectionUri }).strict(), undefined as void),
  'connections.reconnect': method(z.object({ uri: connectionUri }).strict(), {} as ConnectionStatus),
  /**
   * Answers a connection.credentialRequest: `value`, or `cancel`. `remember` (only where the request
   * says canRemember): saved in the desktop keyring once the connection succeeds, replacing what was saved.
   */
  'connections.answerCredential': method(
    z.object({
      id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id must be the id of a credential request'),
      value: z.string().max(4096, 'the answer is longer than 4096 characters').optional(),
      cancel: z.boolean().optional(),
      remember: z.boolean({ error: 'remember must be true or false' }).optional(),
    }).strict()
      .refine((i) => (i.value !== undefined) !== !!i.cancel, 'give either value or cancel: true')
      .refine((i) => !(i.remember && i.cancel), { message: 'remember goes with a value, not with cancel', path: ['remember'] }),
    undefined as void,
  ),
  /** Whether a desktop keyring answers here, and whether a passphrase or password of this connection is saved in it. */
  'connections.savedSecret': method(z.object({ uri: connectionUri }).strict(), {} as { available: boolean; saved: boolean }),
  /** Removes the passphrases and passwords saved for this connection from the desktop keyring; forgotten: false when there were none. */
  'connections.forgetSecret': method(z.object({ uri: connectionUri }).strict(), {} as { forgotten: boolean }),
  /**
   * Accepts the SSH host key the user was shown (ConnectionStatus.hostKey, status 'unknown'):
   * the host is scanned again and its key is added to Virtdesk's known_hosts file only when its
   * fingerprint is the one shown; then the connection is opened. A changed key is refused.
   */
  'connections.acceptHostKey': method(
    z.object({ uri: connectionUri, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint must be a SHA256:… fingerprint as shown') }).strict(),
    {} as ConnectionStatus,
  ),
} as const;
