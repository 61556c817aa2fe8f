// What the connection manager needs for remote connections, in one place: the environment of a
// host process (ssh wrapper, known_hosts, key file, askpass), the host-key check before an ssh
// connection is opened, clear failure messages, and accepting a host key the user was shown.
import path from 'node:path';
import type { HostKeyInfo, TypedApiEvent } from '../contract';
import { checkConnectionUri, isLocalUri } from '../contract/connection-uri';
import { CredentialBroker } from './credential-broker';
import { DesktopKeyring } from './keyring';
import { SavedSecrets } from './saved-secrets';
import { acceptHostKey, checkHostKey } from './host-keys';
import { classifyRemoteFailure, remoteFailureMessage, versionTooOld } from './connect-errors';
import type { ConnectionInfo } from '../contract';

/** The oldest libvirt on a remote host Virtdesk works with (6.0.0: Ubuntu 20.04, Debian 11 ships 7.0). */
export const MIN_REMOTE_LIBVIRT = 6_000_000;
import { SshSupport, resolveSshTarget, sshTargetOf } from './ssh-support';

export interface RemoteFailureReport {
  message: string;
  hostKey?: HostKeyInfo;
}

export class RemoteConnections {
  readonly broker: CredentialBroker;
  readonly ssh: SshSupport;
  /** Passphrases and passwords the user chose to remember in the desktop keyring. */
  readonly savedSecrets: SavedSecrets;

  /** @param dir Virtdesk's ssh folder (<settings dir>/ssh); keyFileOf: the key saved with a connection. */
  constructor(dir: string, emit: (e: TypedApiEvent) => void, private readonly keyFileOf: (uri: string) => string | undefined, canAsk: () => boolean = () => true) {
    this.savedSecrets = new SavedSecrets(new DesktopKeyring(), keyFileOf, emit);
    this.broker = new CredentialBroker(dir, emit, canAsk, undefined, this.savedSecrets);
    this.ssh = new SshSupport(dir, { helperScript: this.broker.helperScript, token: this.broker.token });
  }

  static inSettingsDir(settingsDir: string, emit: (e: TypedApiEvent) => void, keyFileOf: (uri: string) => string | undefined, canAsk?: () => boolean): RemoteConnections {
    return new RemoteConnections(path.join(settingsDir, 'ssh'), emit, keyFileOf, canAsk);
  }

  /** Environment for the host process of `uri`. */
  envFor(uri: string): Record<string, string> {
    return this.ssh.envFor(uri, this.keyFileOf(uri));
  }

  /**
   * Before an ssh connection is opened: null when ssh will accept the host's key (or the host does
   * not answer: the attempt then says so), else what to show (unknown or changed key).
   */
  async hostKeyProblem(uri: string): Promise<HostKeyInfo | null> {
    const t = sshTargetOf(uri);
    const where = t ? resolveSshTarget(this.ssh.sshBinary, t) : null;
    if (!where || where.keyName) return null; // behind a jump host or filed under an alias: ssh's own strict check decides
    const state = await checkHostKey(this.ssh.knownHostsFile, where.host, where.port).catch(() => null);
    return state === 'known' || state === null ? null : state;
  }

  /** Prepares what an attempt on a remote URI needs: the broker watching for askpass requests. */
  async beforeConnect(uri: string): Promise<void> {
    if (isLocalUri(uri)) return;
    this.savedSecrets.attemptStarts(uri);
    await this.broker.start().catch(() => undefined);
  }

  /**
   * Opens the connection (`connect`). When a passphrase or password saved in the keyring answered
   * and was refused, tries once more: the user is then asked, told that the saved one was refused.
   * Once open, the answers the user asked to remember are saved in the keyring.
   */
  async open<T>(uri: string, connect: () => Promise<T>): Promise<T> {
    let opened: T;
    try {
      opened = await connect();
    } catch (e) {
      const refused = !isLocalUri(uri) && this.savedSecrets.usedSaved(uri) && classifyRemoteFailure(e instanceof Error ? e.message : String(e)) === 'auth';
      if (!refused) throw e;
      this.savedSecrets.attemptFailed(uri, true);
      opened = await connect();
    }
    if (!isLocalUri(uri)) await this.savedSecrets.attemptSucceeded(uri).catch(() => undefined);
    return opened;
  }

  /** The message (and host key details) for a failed open. */
  async explainFailure(uri: string, message: string): Promise<RemoteFailureReport> {
    const r = checkConnectionUri(uri);
    if (!r.ok || !r.host) return { message };
    const kind = classifyRemoteFailure(message);
    this.savedSecrets.attemptFailed(uri, kind === 'auth');
    const hostKey = kind === 'host-key' ? await this.hostKeyProblem(uri) : null;
    return { message: remoteFailureMessage(uri, r.host, message, hostKey), ...(hostKey ? { hostKey } : {}) };
  }

  /** Why the far libvirt is too old to manage, or null. */
  tooOld(uri: string, info: ConnectionInfo): string | null {
    return isLocalUri(uri) ? null : versionTooOld(uri, info.libVersion, MIN_REMOTE_LIBVIRT, 'Virtdesk');
  }

  async acceptHostKey(uri: string, fingerprint: string): Promise<void> {
    const t = sshTargetOf(uri);
    if (!t) throw new Error(`${uri} is not an SSH connection: it has no SSH host key to accept`);
    const where = resolveSshTarget(this.ssh.sshBinary, t);
    if (!where || where.keyName) throw new Error(`the host of ${uri} is reached through a jump host or a HostKeyAlias in your ssh config: add its key to ${this.ssh.knownHostsFile} by hand`);
    await acceptHostKey(this.ssh.knownHostsFile, where.host, where.port, fingerprint);
  }

  close(): void {
    this.broker.close();
  }
}
