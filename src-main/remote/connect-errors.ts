// Why a remote connection failed, in words a user can act on. libvirt's messages carry ssh's
// stderr or the socket error of the far side; the first rule that matches names the cause.
import type { HostKeyInfo } from '../contract';
import { englishText, message as M, type ServerMessageKey } from '../contract/messages';

export type RemoteFailure = 'host-key' | 'unreachable' | 'auth' | 'no-daemon' | 'permission' | 'other';

interface Rule {
  kind: RemoteFailure;
  test: RegExp;
  /** The whole message ("cannot connect to {uri}: … {host} … ({detail})"), so the UI can show it in its language. */
  key: ServerMessageKey;
}

const RULES: Rule[] = [
  {
    kind: 'host-key',
    test: /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i,
    key: 'error.remote.hostKeyRefused',
  },
  {
    kind: 'auth',
    test: /Permission denied \(|Authentication failed|incorrect passphrase|bad passphrase|Too many authentication failures|authentication (?:failed|rejected)|no more authentication methods/i,
    key: 'error.remote.authFailed',
  },
  {
    kind: 'unreachable',
    test: /Could not resolve hostname|Name or service not known|No route to host|Network is unreachable|Connection timed out|timed out during banner|ssh: connect to host .* Connection refused|unable to connect to server at|Cannot recv data: Connection reset|Connection closed by remote host/i,
    key: 'error.remote.unreachable',
  },
  {
    kind: 'permission',
    test: /Permission denied|authentication unavailable|not authorized|access denied|polkit/i,
    key: 'error.remote.permissionDenied',
  },
  {
    kind: 'no-daemon',
    test: /Failed to connect socket to '[^']*(?:libvirt-sock|virtqemud-sock)[^']*': (?:No such file|Connection refused)|libvirtd.*not running|cannot connect to '[^']*': Failed to connect socket/i,
    key: 'error.remote.noDaemon',
  },
];

/** The cause of a failed open of a remote URI (host = the URI's host part). */
export function classifyRemoteFailure(message: string): RemoteFailure {
  return RULES.find((r) => r.test.test(message))?.kind ?? 'other';
}

/** A clear one-line message: the cause first, libvirt's own words after it. */
export function remoteFailureMessage(uri: string, host: string, message: string, hostKey?: HostKeyInfo | null): string {
  if (hostKey) return hostKeyMessage(hostKey);
  const rule = RULES.find((r) => r.test.test(message));
  if (!rule) return message;
  const detail = message.replace(/\s+/g, ' ').trim();
  return englishText(M(rule.key, { uri, host, detail: detail.length > 300 ? `${detail.slice(0, 300)}…` : detail }));
}

export function hostKeyMessage(k: HostKeyInfo): string {
  const prints = k.keys.map((x) => `${x.type} ${x.fingerprint}`).join(', ');
  const name = k.port === 22 ? k.host : `${k.host}:${k.port}`;
  return englishText(M(k.status === 'changed' ? 'error.remote.hostKeyChanged' : 'error.remote.hostKeyUnknown', { host: name, keys: prints }));
}

/** libvirt version number (major*1e6 + minor*1e3 + micro) → "9.0.0". */
export function versionText(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor((v % 1_000_000) / 1000)}.${v % 1000}`;
}

/** Refusal for a feature the connected libvirt is too old for, or null when it is new enough. */
export function versionTooOld(uri: string, libVersion: number, minimum: number, feature: string): string | null {
  if (libVersion >= minimum) return null;
  return englishText(M('error.remote.versionTooOld', { feature, minimum: versionText(minimum), uri, version: versionText(libVersion) }));
}
