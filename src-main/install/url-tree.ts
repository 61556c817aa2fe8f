// Which kernel and initrd an install tree boots, found the way virt-install's urldetect and
// osinfo-db's <tree> entries do: a .treeinfo names its distribution (Red Hat family or
// openSUSE/SLE) and its kernel; Debian/Ubuntu installer folders have current/images/MANIFEST and
// fixed netboot paths (a mirror root is resolved to stable's installer); install discs served over
// HTTP (.disk/info) boot their network installer, never the disc's own CD-ROM initrd; older
// openSUSE trees have boot/x86_64/loader/ and a "content" file.
// Pure apart from the injected fetcher, so the rules are unit-tested without a network.
import { OPEN_POLICY, UrlTargetError, readText, requestUrl, type RequestOptions, type UrlPolicy, type UrlResponse } from './url-target';
import {
  baseCodename,
  codenameInUrl,
  codenameOf,
  debianCandidates,
  parseIni,
  parseSuseContent,
  redhatCandidates,
  redhatRepoArg,
  suseCandidates,
  treeinfoIdentity,
} from './tree-families';

export { parseIni, redhatCandidates } from './tree-families';

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
const withVersion = (product: string, version: string): string => (version && !product.includes(version) ? `${product} ${version}` : product);

async function treeinfoTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  // Trees behind some CDNs publish it without the dot (anaconda and virt-install read both).
  const text = (await f.text(`${root}.treeinfo`)) ?? (await f.text(`${root}treeinfo`));
  if (text === null) return null;
  const ini = parseIni(text);
  const images = ini.get('images-x86_64');
  const kernel = images?.get('kernel');
  const initrd = images?.get('initrd');
  if (!kernel || !initrd) throw new TreeNotFoundError(`${root}.treeinfo lists no x86_64 kernel and initrd (is this a tree for another architecture?)`);
  const id = treeinfoIdentity(ini);
  const suse = id.family === 'suse';
  return {
    url: root,
    family: id.family,
    name: withVersion(id.product, id.version),
    osCandidates: suse ? suseCandidates(id.product, id.version) : redhatCandidates(id.product, id.version),
    kernelUrl: new URL(kernel, root).href,
    initrdUrl: new URL(initrd, root).href,
    cmdline: suse ? `install=${root}` : `${redhatRepoArg(id.product, id.version)}=${root}`,
  };
}

/** Debian/Ubuntu release facts from the suite's Release file, if it can be reached. */
async function debianRelease(installerRoot: string, f: TreeFetcher): Promise<{ origin: string; version: string; codename: string } | null> {
  const m = /^(.*\/dists\/([^/]+)\/)main\/installer-[^/]+\/$/.exec(installerRoot);
  if (!m) return null;
  const text = await f.text(`${m[1]}Release`).catch(() => null);
  const field = (k: string) => (text ? new RegExp(`^${k}:\\s*(.+)$`, 'mi').exec(text)?.[1].trim() ?? '' : '');
  return { origin: field('Origin'), version: field('Version'), codename: field('Codename') || baseCodename(m[2]) };
}

const INSTALLER_LAYOUTS: { manifest: string; family: 'debian' | 'ubuntu'; path: string; daily?: boolean }[] = [
  { manifest: 'current/images/MANIFEST', family: 'debian', path: 'current/images/netboot/debian-installer/amd64/' },
  { manifest: 'current/images/MANIFEST', family: 'ubuntu', path: 'current/images/netboot/ubuntu-installer/amd64/' },
  // Ubuntu 20.04's installer folders have only current/legacy-images/ (virt-install's "legacy_url").
  { manifest: 'current/legacy-images/MANIFEST', family: 'ubuntu', path: 'current/legacy-images/netboot/ubuntu-installer/amd64/' },
  // d-i's daily builds (…/daily-images/amd64/): always Debian testing.
  { manifest: 'daily/MANIFEST', family: 'debian', path: 'daily/netboot/debian-installer/amd64/', daily: true },
];

async function debianInstallerTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  const manifests = new Map<string, boolean>();
  for (const l of INSTALLER_LAYOUTS) {
    if (!manifests.has(l.manifest)) manifests.set(l.manifest, await f.exists(`${root}${l.manifest}`));
    if ([...manifests.values()].some(Boolean)) break;
  }
  if (![...manifests.values()].some(Boolean)) return null;
  for (const l of INSTALLER_LAYOUTS) {
    if (!manifests.get(l.manifest) || !(await f.exists(`${root}${l.path}linux`))) continue;
    const rel = await debianRelease(root, f);
    const family = rel?.origin.toLowerCase() === 'ubuntu' ? 'ubuntu' : rel?.origin.toLowerCase() === 'debian' ? 'debian' : l.family;
    // Without a readable Release, the codename in the path (…/dists/focal-updates/…) names the release.
    const codename = rel?.codename || codenameInUrl(root, family);
    const label = family === 'ubuntu' ? 'Ubuntu' : 'Debian';
    return {
      url: root,
      family,
      name: [label, rel?.version, codename].filter(Boolean).join(' ') + (l.daily ? ' (daily installer)' : ''),
      osCandidates: l.daily ? ['debiantesting'] : debianCandidates(family, rel?.version ?? '', codename),
      kernelUrl: `${root}${l.path}linux`,
      initrdUrl: `${root}${l.path}initrd.gz`,
      cmdline: '',
    };
  }
  throw new TreeNotFoundError(`${root} has an installer MANIFEST but no amd64 netboot installer (looked for netboot/debian-installer/amd64/linux and netboot/ubuntu-installer/amd64/linux)`);
}

/**
 * A Debian or Ubuntu install disc served over HTTP (a mounted ISO): .disk/info names it. The
 * disc's own installer (install.amd/, install/) looks for the disc in a CD-ROM drive, so only
 * the network installer some discs carry (install/netboot/…, virt-install's mounted-ISO path) boots.
 */
async function discTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  const info = ((await f.text(`${root}.disk/info`)) ?? '').trim().split(/\r?\n/)[0];
  let family: 'debian' | 'ubuntu' | null = /ubuntu/i.test(info) ? 'ubuntu' : /debian/i.test(info) ? 'debian' : null;
  if (!info && (await f.exists(`${root}install.amd/vmlinuz`))) family = 'debian';
  if (!family) return null;
  const label = family === 'ubuntu' ? 'Ubuntu' : 'Debian';
  const version = /\b(\d+(?:\.\d+)*)\b/.exec(info)?.[1] ?? '';
  const osCandidates = debianCandidates(family, version, /"(\w+)/.exec(info)?.[1] ?? '');
  const name = info || `${label} install disc`;
  const netboot = `${root}install/netboot/${family}-installer/amd64/`;
  if (await f.exists(`${netboot}linux`)) {
    return { url: root, family, name, osCandidates, kernelUrl: `${netboot}linux`, initrdUrl: `${netboot}initrd.gz`, cmdline: '' };
  }
  const quoted = info ? ` ("${info}")` : '';
  if (await f.exists(`${root}casper/vmlinuz`)) {
    throw new TreeNotFoundError(
      `${root} is a live ${label} disc${quoted}: its installer (casper/) runs from the whole ISO image, not from a folder served over HTTP, so it cannot be network-booted this way. Attach the .iso file as a CD-ROM instead.`,
    );
  }
  const codename = osCandidates.map((id) => codenameOf(family, id)).find(Boolean) ?? '';
  const mirror = family === 'ubuntu' ? 'http://archive.ubuntu.com/ubuntu' : 'http://deb.debian.org/debian';
  const installerFolder = `${mirror}/dists/${codename || '<release>'}/main/installer-amd64/`;
  const discKernel = family === 'ubuntu' ? 'install/vmlinuz' : 'install.amd/vmlinuz';
  const why = (await f.exists(`${root}${discKernel}`))
    ? `its installer (${discKernel.replace('vmlinuz', 'initrd.gz')}) looks for the disc in a CD-ROM drive, and the disc has no network installer (install/netboot/${family}-installer/amd64/)`
    : `it has no amd64 installer that boots over the network (looked for install/netboot/${family}-installer/amd64/ and ${discKernel})`;
  throw new TreeNotFoundError(
    `${root} is a ${label} install disc${quoted} served over HTTP, but ${why}. Attach the .iso file as a CD-ROM instead, or use the release's installer folder on a mirror, e.g. ${installerFolder}`,
  );
}

/** "/ openSUSE-Leap 15.5-1" (media.1/products) → product and version. */
function suseProducts(text: string): { product: string; version: string } | null {
  const m = /^\/\s*(\S+)\s+(\S+)/.exec(text.trim());
  return m ? { product: m[1].replace(/-/g, ' '), version: m[2].split('-')[0] } : null;
}

async function suseTree(root: string, f: TreeFetcher): Promise<DetectedTree | null> {
  if (!(await f.exists(`${root}boot/x86_64/loader/linux`))) return null;
  const content = await f.text(`${root}content`).catch(() => null);
  let facts = content ? parseSuseContent(content) : null;
  if (!facts) {
    const products = await f.text(`${root}media.1/products`).catch(() => null);
    facts = products ? suseProducts(products) : null;
  }
  return {
    url: root,
    family: 'suse',
    name: facts ? withVersion(facts.product, facts.version) : 'openSUSE',
    osCandidates: facts ? suseCandidates(facts.product, facts.version) : [],
    kernelUrl: `${root}boot/x86_64/loader/linux`,
    initrdUrl: `${root}boot/x86_64/loader/initrd`,
    cmdline: `install=${root}`,
  };
}

const KINDS =
  'Debian/Ubuntu installer folders (…/dists/<release>/main/installer-amd64/) and mirrors, Debian/Ubuntu install discs with a network installer, Fedora, RHEL, CentOS, AlmaLinux, Rocky, openSUSE and SLE trees (.treeinfo), older openSUSE trees (boot/x86_64/loader)';

/** Finds the install tree at `url`; TreeNotFoundError says what was looked for. */
export async function detectTree(url: string, f: TreeFetcher): Promise<DetectedTree> {
  const root = dir(url);
  for (const probe of [treeinfoTree, debianInstallerTree, discTree, suseTree]) {
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
