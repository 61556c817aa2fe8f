// Which kernel and initrd an install tree boots, found the way virt-install's urldetect does:
// Red Hat family trees describe themselves in .treeinfo; Debian/Ubuntu installer folders have
// current/images/MANIFEST and fixed netboot paths (a mirror root is resolved to stable's
// installer); Debian DVD trees have install.amd64/; openSUSE trees boot/x86_64/loader/.
// Pure apart from the injected fetcher, so the rules are unit-tested without a network.
import { OPEN_POLICY, UrlTargetError, readText, requestUrl, type RequestOptions, type UrlPolicy, type UrlResponse } from './url-target';

export type TreeFamily = 'debian' | 'ubuntu' | 'redhat' | 'suse';

export interface DetectedTree {
  url: string;
  family: TreeFamily;
  name: string;
  /** osinfo short ids to try, best first (e.g. debian12, fedora39). */
  osCandidates: string[];
  kernelUrl: string;
  initrdUrl: string;
  cmdline: string;
}

export interface TreeFetcher {
  /** The body as text (at most a few hundred KiB), or null when the URL answers 4xx/5xx. Throws when nothing answers. */
  text(url: string): Promise<string | null>;
  /** Whether the URL answers 2xx/3xx (HEAD, falling back to a ranged GET). Throws when nothing answers. */
  exists(url: string): Promise<boolean>;
}

export class TreeNotFoundError extends Error {}

const dir = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/** A tiny INI reader for .treeinfo: section → key → value (keys lower-case). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let section: Map<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = new Map();
      out.set(head[1].trim().toLowerCase(), section);
      continue;
    }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (kv && section) section.set(kv[1].trim().toLowerCase(), kv[2].trim());
  }
  return out;
}

/** osinfo short ids for a Red Hat family distribution name and version. */
export function redhatCandidates(name: string, version: string): string[] {
  const v = version.trim();
  const major = v.split('.')[0];
  const n = name.toLowerCase();
  if (n.includes('fedora')) return [`fedora${major}`, 'fedora-unknown'];
  if (n.includes('centos') && n.includes('stream')) return [`centos-stream${major}`];
  if (n.includes('centos')) return [`centos${v}`, `centos${major}`];
  if (n.includes('alma')) return [`almalinux${v}`, `almalinux${major}`];
  if (n.includes('rocky')) return [`rocky${v}`, `rocky${major}`];
  if (n.includes('oracle')) return [`ol${v}`, `ol${major}`];
  if (n.includes('red hat') || n.includes('rhel')) return [`rhel${v}`, `rhel${major}.0`];
  return [];
}

async function redhatTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  const text = await f.text(`${root}.treeinfo`);
  if (text === null) return null;
  const ini = parseIni(text);
  const images = ini.get('images-x86_64');
  const kernel = images?.get('kernel');
  const initrd = images?.get('initrd');
  if (!kernel || !initrd) throw new TreeNotFoundError(`${root}.treeinfo lists no x86_64 kernel and initrd (is this a tree for another architecture?)`);
  // .treeinfo format 1.x: [release] name/version; 0.x: [general] family/version.
  const release = ini.get('release');
  const general = ini.get('general');
  const name = release?.get('name') ?? general?.get('family') ?? general?.get('name') ?? 'Red Hat family distribution';
  const version = release?.get('version') ?? general?.get('version') ?? '';
  return {
    url: root,
    family: 'redhat',
    name: version ? `${name} ${version}` : name,
    osCandidates: redhatCandidates(name, version),
    kernelUrl: new URL(kernel, root).href,
    initrdUrl: new URL(initrd, root).href,
    cmdline: `inst.repo=${root}`,
  };
}

/** Debian/Ubuntu release facts from the suite's Release file, if it can be reached. */
async function debianRelease(installerRoot: string, f: TreeFetcher): Promise<{ origin: string; version: string; codename: string } | null> {
  const m = /^(.*\/dists\/[^/]+\/)main\/installer-[^/]+\/$/.exec(installerRoot);
  const codename = m ? /\/dists\/([^/]+)\/$/.exec(m[1])![1] : '';
  if (!m) return null;
  const text = await f.text(`${m[1]}Release`).catch(() => null);
  const field = (k: string) => (text ? new RegExp(`^${k}:\\s*(.+)$`, 'mi').exec(text)?.[1].trim() ?? '' : '');
  return { origin: field('Origin'), version: field('Version'), codename: field('Codename') || codename };
}

function debianCandidates(family: 'debian' | 'ubuntu', version: string, codename: string): string[] {
  if (family === 'ubuntu') return version ? [`ubuntu${version.split('.').slice(0, 2).join('.')}`] : [];
  const major = version.split('.')[0];
  const byCodename: Record<string, string> = { trixie: 'debian13', bookworm: 'debian12', bullseye: 'debian11', buster: 'debian10', stretch: 'debian9' };
  return [...(major ? [`debian${major}`] : []), ...(byCodename[codename] ? [byCodename[codename]] : []), ...(codename === 'sid' || codename === 'unstable' ? ['debiantesting'] : [])];
}

async function debianInstallerTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  // Ubuntu 20.04's installer folders have only current/legacy-images/ (virt-install's "legacy_url").
  if (!(await f.exists(`${root}current/images/MANIFEST`)) && !(await f.exists(`${root}current/legacy-images/MANIFEST`))) return null;
  const layouts: { family: 'debian' | 'ubuntu'; path: string; kernel: string }[] = [
    { family: 'debian', path: 'current/images/netboot/debian-installer/amd64/', kernel: 'linux' },
    { family: 'ubuntu', path: 'current/images/netboot/ubuntu-installer/amd64/', kernel: 'linux' },
    { family: 'ubuntu', path: 'current/legacy-images/netboot/ubuntu-installer/amd64/', kernel: 'linux' },
  ];
  for (const l of layouts) {
    if (!(await f.exists(`${root}${l.path}${l.kernel}`))) continue;
    const rel = await debianRelease(root, f);
    const family = rel?.origin.toLowerCase() === 'ubuntu' ? 'ubuntu' : l.family;
    const label = family === 'ubuntu' ? 'Ubuntu' : 'Debian';
    const name = [label, rel?.version, rel?.codename].filter(Boolean).join(' ');
    return {
      url: root,
      family,
      name,
      osCandidates: debianCandidates(family, rel?.version ?? '', rel?.codename ?? ''),
      kernelUrl: `${root}${l.path}${l.kernel}`,
      initrdUrl: `${root}${l.path}initrd.gz`,
      cmdline: '',
    };
  }
  throw new TreeNotFoundError(`${root} has an installer MANIFEST but no amd64 netboot installer (looked for netboot/debian-installer/amd64/linux and netboot/ubuntu-installer/amd64/linux)`);
}

async function debianDiscTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  if (!(await f.exists(`${root}install.amd64/vmlinuz`))) return null;
  const info = (await f.text(`${root}.disk/info`).catch(() => null))?.trim() ?? '';
  const version = /\b(\d+)(\.\d+)*\b/.exec(info)?.[0] ?? '';
  const family = /ubuntu/i.test(info) ? 'ubuntu' : 'debian';
  return {
    url: root,
    family,
    name: info || 'Debian installer tree',
    osCandidates: debianCandidates(family, version, ''),
    kernelUrl: `${root}install.amd64/vmlinuz`,
    initrdUrl: `${root}install.amd64/initrd.gz`,
    cmdline: '',
  };
}

async function suseTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  if (!(await f.exists(`${root}boot/x86_64/loader/linux`))) return null;
  // "content" (older) has LABEL; media.1/products has "/ openSUSE-Leap 15.5-1".
  const content = await f.text(`${root}content`).catch(() => null);
  const products = content ? null : await f.text(`${root}media.1/products`).catch(() => null);
  const label = content ? /^LABEL\s+(.+)$/m.exec(content)?.[1].trim() : products?.trim().split(/\r?\n/)[0].replace(/^\/\s*/, '').replace(/-/g, ' ').replace(/\s+\d+$/, '');
  const name = label || 'openSUSE';
  const leap = /leap\s*(\d+\.\d+)/i.exec(name);
  const osCandidates = /tumbleweed/i.test(name) ? ['opensusetumbleweed'] : leap ? [`opensuse${leap[1]}`] : [];
  return {
    url: root,
    family: 'suse',
    name,
    osCandidates,
    kernelUrl: `${root}boot/x86_64/loader/linux`,
    initrdUrl: `${root}boot/x86_64/loader/initrd`,
    cmdline: `install=${root}`,
  };
}

const KINDS = 'Debian/Ubuntu installer folders (…/dists/<release>/main/installer-amd64/) and mirrors, Fedora, RHEL, CentOS Stream, AlmaLinux, Rocky (.treeinfo), openSUSE (boot/x86_64/loader)';

/** Finds the install tree at `url`; TreeNotFoundError says what was looked for. */
export async function detectTree(url: string, f: TreeFetcher): Promise<DetectedTree> {
  const root = dir(url);
  for (const probe of [redhatTree, debianInstallerTree, debianDiscTree, suseTree]) {
    const hit = await probe(root, f);
    if (hit) return hit;
  }
  // A Debian mirror root: use stable's installer.
  if (await f.exists(`${root}dists/stable/Release`)) {
    const hit = await debianInstallerTree(`${root}dists/stable/main/installer-amd64/`, f);
    if (hit) return hit;
  }
  throw new TreeNotFoundError(`no install tree Virtdesk knows at ${root} (supported: ${KINDS})`);
}

/**
 * A TreeFetcher over http(s) with a per-request timeout; `policy` says which targets are refused
 * (url-target.ts: only http/https, and local addresses when the app is exposed).
 */
export function httpFetcher(timeoutMs: number, policy: UrlPolicy = OPEN_POLICY): TreeFetcher {
  const request = async (url: string, o: RequestOptions): Promise<UrlResponse> => {
    try {
      return await requestUrl(url, { ...o, policy, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      if (e instanceof UrlTargetError) throw e;
      const err = e as Error & { code?: string };
      const why = err.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (err.code ?? err.message);
      throw new Error(`${url} does not answer (${why})`);
    }
  };
  return {
    async text(url) {
      const res = await request(url, {});
      if (res.status >= 400) {
        res.body.destroy();
        return null;
      }
      return readText(res.body, 512 * 1024);
    },
    async exists(url) {
      let res = await request(url, { method: 'HEAD' });
      if (res.status === 405 || res.status === 501) {
        res.body.destroy();
        res = await request(url, { headers: { Range: 'bytes=0-0' } });
      }
      res.body.destroy();
      return res.status < 400;
    },
  };
}
