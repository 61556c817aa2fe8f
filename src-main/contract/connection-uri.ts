// The one policy for libvirt connection URIs: which ones Virtdesk opens, and the single canonical
// spelling each is known by (the connection's key everywhere). Pure: no Node APIs, no imports, so
// the contract (and the renderer through it) can use it.
//
// Why a policy at all: a libvirt URI is not inert. `+ext` runs any program named in `?command=`,
// `?netcat=` names a program for the far host, `?keyfile=`/`?known_hosts=`/`?pkipath=` make libvirt
// read files of this computer, and `test:///<file>` parses any file and quotes it in its errors.
//
// Decisions:
// - Drivers: the hypervisor drivers libvirt has shipped (qemu, lxc, xen, libxl, esx, vpx, gsx,
//   hyperv, test, bhyve, ch, vz, vbox, openvz). Not `remote` (spell the driver) nor the helper
//   drivers (network:///, storage:///, …) a VM manager does not open on their own.
// - Transports: none, unix, ssh, libssh, libssh2, tls, tcp. `ext` is refused.
// - Parameters (names compared case-insensitively, as libvirt does): an allow-list, each with
//   the values it may take. `socket` only inside libvirt's run folders; `name` only a local URI
//   that itself passes this policy. A literal `;` in the query is refused (libvirt splits on it
//   in some cases), and so is a parameter given twice.
// - test:/// is local only: `test:///default`, or an absolute file path. Which files: see
//   testDriverFileRefusal (the folders the user chose; checked where the settings are known).
// - Canonical spelling: lower-case scheme and host, user and path percent-decoded and re-encoded
//   minimally, no `.` segments, no doubled or trailing `/` in the path (except a bare `/`),
//   parameters sorted and lower-cased, no empty query. `qemu:///system`, `QEMU:///system/` and
//   `qemu:///%73ystem?` are one connection. An empty path and `/` stay different (for remote
//   URIs libvirt treats them differently).

export const KNOWN_DRIVERS = ['qemu', 'lxc', 'xen', 'libxl', 'esx', 'vpx', 'gsx', 'hyperv', 'test', 'bhyve', 'ch', 'vz', 'vbox', 'openvz'] as const;
export const KNOWN_TRANSPORTS = ['unix', 'ssh', 'libssh', 'libssh2', 'tls', 'tcp'] as const;

/** libvirt's own socket folders; a `socket=` parameter must name a file inside one of them. */
export const SOCKET_FOLDERS = ['/run/libvirt', '/var/run/libvirt'] as const;

export interface UriPolicyContext {
  /** $XDG_RUNTIME_DIR: `<it>/libvirt` holds the session daemon's sockets. Default: read from the environment when there is one. */
  runtimeDir?: string | null;
}

export interface ParsedConnectionUri {
  /** The canonical spelling. */
  uri: string;
  driver: string;
  transport: string | null;
  /** Lower-cased host, '' for this computer. */
  host: string;
  /** Decoded path ('' when the URI has none). */
  path: string;
  params: ReadonlyMap<string, string>;
}

export type UriCheck = ({ ok: true } & ParsedConnectionUri) | { ok: false; reason: string };

const FILE_PARAM_HELP = 'names a file on this computer; keys, known-hosts and certificate files get their own field in the add-host dialog, not the URI';

const REFUSED_PARAMS: Record<string, string> = {
  command: "'command' runs a program of this computer",
  netcat: "'netcat' names a program to run on the remote host; leave it out (libvirt finds its helper itself)",
  keyfile: `'keyfile' ${FILE_PARAM_HELP}`,
  known_hosts: `'known_hosts' ${FILE_PARAM_HELP}`,
  pkipath: `'pkipath' ${FILE_PARAM_HELP}`,
};

const oneOf = (...values: string[]) => (v: string): string | null => (values.includes(v) ? null : `must be one of ${values.join(', ')}`);
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const SSH_AUTH = ['password', 'keyboard-interactive', 'privkey', 'agent'];

const ALLOWED_PARAMS: Record<string, (value: string, ctx: UriPolicyContext) => string | null> = {
  name: (v, ctx) => nestedUriRefusal(v, ctx),
  mode: oneOf('auto', 'legacy', 'direct'),
  proxy: (v) =>
    ['auto', 'netcat', 'native'].includes(v) || /^(?:https?|socks[45]?a?):\/\/[a-z0-9.-]+(?::\d{1,5})?$/i.test(v)
      ? null
      : 'must be auto, netcat, native, or a proxy URL such as http://proxy:3128',
  no_verify: oneOf('0', '1'),
  no_tty: oneOf('0', '1'),
  sshauth: (v) => (v.split(',').every((m) => SSH_AUTH.includes(m)) ? null : `must be a comma-separated list of ${SSH_AUTH.join(', ')}`),
  known_hosts_verify: oneOf('normal', 'auto', 'ignore'),
  socket: (v, ctx) => socketRefusal(v, ctx),
  transport: oneOf('http', 'https'),
  auto_answer: oneOf('0', '1'),
  vcenter: (v) => (v === '*' || HOST_NAME.test(v.toLowerCase()) ? null : 'must be a host name or *'),
};

const URI_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/;
const EXAMPLES = 'e.g. qemu:///system or qemu+ssh://user@host/system';

/** Checks a URI against the policy; on success gives its canonical spelling and parts. */
export function checkConnectionUri(input: string, ctx: UriPolicyContext = {}): UriCheck {
  const refuse = (reason: string): UriCheck => ({ ok: false, reason });
  const raw = input.trim();
  if (!raw) return refuse('the URI is empty');
  if (raw.length > 1024) return refuse('the URI is longer than 1024 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\"<>`{}|^]/.test(raw)) return refuse('the URI contains spaces, control characters or characters that must be percent-encoded');
  const m = URI_SHAPE.exec(raw);
  if (!m) return refuse(`not a libvirt URI (${EXAMPLES})`);
  const [, scheme, authority, rawPath, rawQuery, fragment] = m;
  if (fragment !== undefined) return refuse("a '#' fragment has no meaning in a libvirt URI");

  const [driver, transport = null, ...more] = scheme.toLowerCase().split('+');
  if (more.length) return refuse(`'${scheme}' is not driver+transport`);
  if (!(KNOWN_DRIVERS as readonly string[]).includes(driver)) return refuse(`unknown libvirt driver '${driver}' (known: ${KNOWN_DRIVERS.join(', ')})`);
  if (transport === 'ext') return refuse("the 'ext' transport runs a program named in the URI; use ssh, libssh, libssh2, tls, tcp or unix");
  if (transport !== null && !(KNOWN_TRANSPORTS as readonly string[]).includes(transport)) {
    return refuse(`unknown transport '${transport}' (known: ${KNOWN_TRANSPORTS.join(', ')})`);
  }

  const auth = parseAuthority(authority);
  if (typeof auth === 'string') return refuse(auth);
  if (transport === 'unix' && auth.host) return refuse("the 'unix' transport reaches this computer only; leave out the host");

  const path = normalizePath(rawPath);
  if ('error' in path) return refuse(path.error);

  const params = parseQuery(rawQuery ?? '', ctx);
  if (typeof params === 'string') return refuse(params);

  if (driver === 'test') {
    if (transport !== null || auth.host) return refuse('the test driver is for this computer only (test:///default or test:///<file>)');
    if (path.value === '' || path.value === '/') return refuse('a test driver URI needs /default or a file path (test:///default)');
    if (params.size) return refuse('the test driver takes no parameters');
  }

  const query = [...params.entries()].map(([k, v]) => `${k}=${encodeComponent(v)}`).join('&');
  const uri = `${driver}${transport ? `+${transport}` : ''}://${auth.canonical}${encodePath(path.value)}${query ? `?${query}` : ''}`;
  return { ok: true, uri, driver, transport, host: auth.host, path: path.value, params };
}

/** The message for a refused URI; it names the URI (cut short) so the user sees which one. */
export function uriRefusalMessage(input: string, reason: string): string {
  const shown = input.trim().length > 200 ? `${input.trim().slice(0, 200)}…` : input.trim();
  // eslint-disable-next-line no-control-regex
  return `connection URI '${shown.replace(/[\u0000-\u001f\u007f]/g, '?')}' is refused: ${reason}`;
}

/** The file a test:///<file> URI names (decoded), or null for test:///default and other drivers. */
export function testDriverFile(uri: string): string | null {
  const r = checkConnectionUri(uri);
  return r.ok && r.driver === 'test' && r.path !== '/default' ? r.path : null;
}

/**
 * Why a test-driver file may not be opened, or null when it may: only files inside a folder the
 * user chose to browse (Settings → folders). Lexical; callers resolve symlinks first.
 */
export function testDriverFileRefusal(file: string, browseFolders: readonly string[]): string | null {
  if (browseFolders.some((folder) => isInsideFolder(file, folder))) return null;
  return `the test driver reads only files inside the folders you chose in Settings (${browseFolders.length ? browseFolders.join(', ') : 'none chosen yet'}); ${file} is not inside one — add its folder there, or use test:///default`;
}

/** True when `file` is `folder` itself or lies below it (both absolute, normalized). */
export function isInsideFolder(file: string, folder: string): boolean {
  const f = folder.length > 1 ? folder.replace(/\/+$/, '') : folder;
  return file === f || file.startsWith(f === '/' ? '/' : `${f}/`);
}

function parseAuthority(authority: string): { host: string; canonical: string } | string {
  if (!authority) return { host: '', canonical: '' };
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : null;
  const hostport = at >= 0 ? authority.slice(at + 1) : authority;
  let user = '';
  if (userinfo !== null) {
    if (userinfo.includes(':')) return 'put no password in the URI; libvirt asks for it when it connects';
    const decoded = decode(userinfo);
    if (decoded === null || !/^[A-Za-z0-9._~\\@$-]+$/.test(decoded) || decoded.startsWith('-')) {
      return 'the user name may contain letters, digits and . _ ~ - \\ @ $ only, and may not start with -';
    }
    user = `${encodeComponent(decoded)}@`;
  }
  const hp = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(?::(\d*))?$/.exec(hostport);
  if (!hp) return `'${hostport}' is not a host name`;
  const host = hp[1].toLowerCase().replace(/\.$/, '');
  if (!host.startsWith('[') && host && !HOST_NAME.test(host)) return `'${hp[1]}' is not a host name (letters, digits, dots and - only)`;
  if (!host && (user || hp[2] !== undefined)) return 'a user or port needs a host name';
  let port = '';
  if (hp[2] !== undefined && hp[2] !== '') {
    const n = Number(hp[2]);
    if (!Number.isInteger(n) || n < 1 || n > 65535) return `port ${hp[2]} is not between 1 and 65535`;
    port = `:${n}`;
  }
  return { host, canonical: `${user}${host}${port}` };
}

function normalizePath(rawPath: string): { value: string } | { error: string } {
  const decoded = decode(rawPath);
  if (decoded === null) return { error: 'the path has a broken percent-encoding' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return { error: 'the path contains control characters' };
  if (!decoded) return { value: '' };
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { error: "the path may not contain '..'" };
  return { value: `/${segments.join('/')}` };
}

function parseQuery(rawQuery: string, ctx: UriPolicyContext): Map<string, string> | string {
  const params = new Map<string, string>();
  if (rawQuery.includes(';')) return "use '&' between parameters (a literal ';' is not accepted)";
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decode(eq >= 0 ? part.slice(0, eq) : part)?.toLowerCase();
    const value = decode(eq >= 0 ? part.slice(eq + 1) : '');
    if (name == null || value === null) return 'a parameter has a broken percent-encoding';
    if (!name) return "a parameter has no name ('=value')";
    if (REFUSED_PARAMS[name]) return `parameter ${REFUSED_PARAMS[name]}`;
    const check = Object.prototype.hasOwnProperty.call(ALLOWED_PARAMS, name) ? ALLOWED_PARAMS[name] : undefined;
    if (!check) return `parameter '${name.slice(0, 40)}' is not allowed (allowed: ${Object.keys(ALLOWED_PARAMS).join(', ')})`;
    if (params.has(name)) return `parameter '${name}' is given twice`;
    const bad = check(value, ctx);
    if (bad) return `parameter '${name}' ${bad}`;
    params.set(name, value);
  }
  return new Map([...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function socketRefusal(value: string, ctx: UriPolicyContext): string | null {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(value)) return 'must be an absolute path of letters, digits and . _ - /';
  const path = normalizePath(value);
  if ('error' in path) return path.error;
  const runtimeDir = ctx.runtimeDir === undefined ? environmentRuntimeDir() : ctx.runtimeDir;
  const folders = [...SOCKET_FOLDERS, ...(runtimeDir && runtimeDir.startsWith('/') ? [`${runtimeDir.replace(/\/+$/, '')}/libvirt`] : [])];
  if (folders.some((f) => path.value !== f && isInsideFolder(path.value, f))) return null;
  return `must name a socket inside libvirt's run folders (${folders.join(', ')}), not ${path.value}`;
}

function nestedUriRefusal(value: string, ctx: UriPolicyContext): string | null {
  const r = checkConnectionUri(value, ctx);
  if (!r.ok) return `must be an acceptable URI itself: ${r.reason}`;
  if (r.transport || r.host || r.params.size) return 'must be a plain URI of the remote host, e.g. qemu:///system (no transport, host or parameters)';
  if (r.driver === 'test' && r.path !== '/default') return 'may not name a test driver file';
  return null;
}

function environmentRuntimeDir(): string | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.XDG_RUNTIME_DIR ?? null;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function encodeComponent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodePath(p: string): string {
  return p.split('/').map((seg) => encodeURIComponent(seg).replace(/%3A/g, ':').replace(/%40/g, '@')).join('/');
}

/** No host part (qemu:///system, qemu+unix:///…, test:///default): the daemon runs on this computer. */
export function isLocalUri(uri: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri);
  return m !== null && m[1] === '';
}

/** The disk images a connection's VMs name are files of this computer (the test driver's are not real). */
export function imagesAreLocal(uri: string): boolean {
  return isLocalUri(uri) && !/^test[+:]/i.test(uri);
}
