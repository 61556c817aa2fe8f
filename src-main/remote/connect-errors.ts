// Why a remote connection failed, in words a user can act on. libvirt's messages carry ssh's
// stderr or the socket error of the far side; the first rule that matches names the cause.
import type { HostKeyInfo } from '../contract';

export type RemoteFailure = 'host-key' | 'unreachable' | 'auth' | 'no-daemon' | 'permission' | 'other';

interface Rule {
  kind: RemoteFailure;
  test: RegExp;
  explain: (host: string) => string;
}

const RULES: Rule[] = [
  {
    kind: 'host-key',
    test: /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i,
    explain: (h) => `the SSH host key of ${h} is not accepted: it is unknown or has changed (Virtdesk checks keys against ssh/known_hosts in its settings folder)`,
  },
  {
    kind: 'auth',
    test: /Permission denied \(|Authentication failed|incorrect passphrase|bad passphrase|Too many authentication failures|authentication (?:failed|rejected)|no more authentication methods/i,
    explain: (h) => `authentication failed on ${h}: the key, passphrase or password was not accepted (check the user name and key file, and that the key is in the user's authorized_keys there)`,
  },
  {
    kind: 'unreachable',
    test: /Could not resolve hostname|Name or service not known|No route to host|Network is unreachable|Connection timed out|timed out during banner|ssh: connect to host .* Connection refused|unable to connect to server at|Cannot recv data: Connection reset|Connection closed by remote host/i,
    explain: (h) => `${h} is unreachable: check the host name, the port and that its SSH (or libvirt TCP/TLS) service runs and a firewall lets it through`,
  },
  {
    kind: 'permission',
    test: /Permission denied|authentication unavailable|not authorized|access denied|polkit/i,
    explain: (h) => `permission denied on ${h}: the user may not manage libvirt there — add it to the libvirt group (sudo usermod -aG libvirt USER, then log in again) or connect as a user that may`,
  },
  {
    kind: 'no-daemon',
    test: /Failed to connect socket to '[^']*(?:libvirt-sock|virtqemud-sock)[^']*': (?:No such file|Connection refused)|libvirtd.*not running|cannot connect to '[^']*': Failed to connect socket/i,
    explain: (h) => `libvirt is not running on ${h} (or not installed): start it there (sudo systemctl start libvirtd, or virtqemud)`,
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
  return `cannot connect to ${uri}: ${rule.explain(host)} (${detail.length > 300 ? `${detail.slice(0, 300)}…` : detail})`;
}

export function hostKeyMessage(k: HostKeyInfo): string {
  const prints = k.keys.map((x) => `${x.type} ${x.fingerprint}`).join(', ');
  const name = k.port === 22 ? k.host : `${k.host}:${k.port}`;
  return k.status === 'changed'
    ? `WARNING: the SSH host key of ${name} has CHANGED (now ${prints}): refused. Someone may be intercepting the connection; if the host was reinstalled, check its new key with its administrator before trusting it`
    : `the SSH host key of ${name} is not known yet (${prints}): compare the fingerprint with the host's, then accept it to connect`;
}

/** libvirt version number (major*1e6 + minor*1e3 + micro) → "9.0.0". */
export function versionText(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor((v % 1_000_000) / 1000)}.${v % 1000}`;
}

/** Refusal for a feature the connected libvirt is too old for, or null when it is new enough. */
export function versionTooOld(uri: string, libVersion: number, minimum: number, feature: string): string | null {
  if (libVersion >= minimum) return null;
  return `${feature} needs libvirt ${versionText(minimum)} or newer on ${uri}, which runs ${versionText(libVersion)}: update libvirt there`;
}
