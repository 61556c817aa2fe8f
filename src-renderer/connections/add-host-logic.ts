// Pure logic of the add-host dialog: the URI its fields spell (user@host, port, transport). The
// URI stays editable; the server's URI policy has the last word.
export type HostTransport = 'ssh' | 'tls' | 'tcp';

export interface HostFields {
  transport: HostTransport;
  /** "user@host" or "host" (an IPv6 address may be written in brackets or bare). */
  target: string;
  /** '' = the transport's default port. */
  port: string;
}

/** Splits "user@host" (the last @ separates them; a user name may contain @ in libvirt URIs). */
export function splitTarget(target: string): { user: string; host: string } {
  const t = target.trim();
  const at = t.lastIndexOf('@');
  return at >= 0 ? { user: t.slice(0, at), host: t.slice(at + 1) } : { user: '', host: t };
}

/** qemu+ssh://user@host:port/system from the fields; '' while no host is typed. */
export function hostUri(f: HostFields): string {
  const { user, host } = splitTarget(f.target);
  if (!host) return '';
  const bareHost = host.replace(/^\[|\]$/g, '');
  const hostPart = bareHost.includes(':') ? `[${bareHost}]` : bareHost;
  const port = f.port.trim() ? `:${f.port.trim()}` : '';
  const userPart = user ? `${encodeURIComponent(user)}@` : '';
  return `qemu+${f.transport}://${userPart}${hostPart}${port}/system`;
}

/** Reads the fields back from a URI the user typed (best effort; null when it is not qemu+ssh/tls/tcp). */
export function fieldsFromUri(uri: string): HostFields | null {
  const m = /^qemu\+(ssh|tls|tcp):\/\/(?:([^@/]*)@)?(\[[^\]]+\]|[^:/?]+)(?::(\d+))?\//i.exec(uri.trim());
  if (!m) return null;
  const user = m[2] ? decodeURIComponent(m[2]) : '';
  return { transport: m[1].toLowerCase() as HostTransport, target: user ? `${user}@${m[3]}` : m[3], port: m[4] ?? '' };
}

/** A port the form accepts: empty, or 1–65535. */
export function portProblem(port: string): boolean {
  if (!port.trim()) return false;
  const n = Number(port.trim());
  return !Number.isInteger(n) || n < 1 || n > 65535;
}
