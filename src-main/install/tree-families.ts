// What an install tree's own description files say about its distribution, as osinfo-db and
// virt-install read them: .treeinfo ([general] family/name/version, [release] name/version),
// SUSE "content" files (LABEL, DISTRO, VERSION), Debian/Ubuntu codenames, and which kernel
// argument points the installer at the tree. Pure functions, no network.

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

const splitVersion = (v: string): { major: number; minor: number } | null => {
  const m = /^(\d+)(?:\.(\d+))?/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : null;
};

/** prefix+major.minor, then each earlier minor down to .0 (osinfo may not know the newest update yet). */
function minorsDown(prefix: string, version: string, joiner = '.'): string[] {
  const v = splitVersion(version);
  if (!v) return [];
  const out: string[] = [];
  for (let m = Math.min(v.minor, 30); m >= 0; m--) out.push(`${prefix}${v.major}${joiner}${m}`);
  return out;
}

/** osinfo short ids for a Red Hat family distribution name and version, best first. */
export function redhatCandidates(name: string, version: string): string[] {
  const v = version.trim();
  const major = v.split('.')[0];
  const n = name.toLowerCase();
  if (n.includes('fedora')) return /^\d+$/.test(major) ? [`fedora${major}`, 'fedora-unknown'] : ['fedora-unknown'];
  if (!splitVersion(v)) return [];
  if (n.includes('centos') && n.includes('stream')) return [`centos-stream${major}`];
  if (n.includes('centos')) return [...new Set([`centos${v}`, ...minorsDown('centos', v), `centos${major}`])];
  if (n.includes('alma')) return [`almalinux${v}`, `almalinux${major}`];
  if (n.includes('rocky')) return [`rocky${v}`, `rocky${major}`];
  if (n.includes('oracle')) return [`ol${v}`, `ol${major}`];
  if (n.includes('red hat') || n.includes('rhel')) return [...new Set([`rhel${v}`, ...minorsDown('rhel', v)])];
  return [];
}

/**
 * The kernel argument that points a Red Hat family installer at its tree: anaconda before RHEL 7
 * and Fedora 19 reads method=, later ones inst.repo= (virt-install's rule).
 */
export function redhatRepoArg(name: string, version: string): 'method' | 'inst.repo' {
  const v = splitVersion(version);
  if (!v) return 'inst.repo';
  if (/fedora/i.test(name)) return v.major < 19 ? 'method' : 'inst.repo';
  return v.major < 7 ? 'method' : 'inst.repo';
}

/** osinfo short ids for a SUSE product name and version (openSUSE Leap/Tumbleweed, SLES, SLED). */
export function suseCandidates(name: string, version: string): string[] {
  if (/tumbleweed/i.test(name)) return ['opensusetumbleweed'];
  const v = splitVersion(version);
  if (!v) return [];
  const sle = /enterprise desktop|sled/i.test(name) ? 'sled' : /enterprise|sles/i.test(name) ? 'sles' : null;
  if (sle) return v.minor > 0 ? [`${sle}${v.major}sp${v.minor}`, `${sle}${v.major}`] : [`${sle}${v.major}`];
  if (/opensuse/i.test(name)) return [...new Set([`opensuse${version.trim()}`, ...minorsDown('opensuse', version)])];
  return [];
}

export type TreeinfoFamily = 'redhat' | 'suse';

export interface TreeinfoIdentity {
  family: TreeinfoFamily;
  /** The product name without version, e.g. "openSUSE Leap", "CentOS", "Red Hat Enterprise Linux". */
  product: string;
  version: string;
}

/**
 * Who made a .treeinfo: productmd 1.x has [release] name/version, older ones [general]
 * family/version; openSUSE writes both with family "openSUSE Leap"/"openSUSE Tumbleweed".
 */
export function treeinfoIdentity(ini: Map<string, Map<string, string>>): TreeinfoIdentity {
  const release = ini.get('release');
  const general = ini.get('general');
  const product = release?.get('name') || general?.get('family') || general?.get('name') || '';
  const version = release?.get('version') || general?.get('version') || '';
  const said = [general?.get('family'), general?.get('name'), release?.get('name')].filter(Boolean).join(' ');
  return { family: /suse/i.test(said) ? 'suse' : 'redhat', product: product || 'Red Hat family distribution', version };
}

/**
 * A SUSE "content" file: the product from LABEL (older trees) or DISTRO ("cpe:/o:…:42.3,openSUSE
 * Leap 42.3", newer trees have only this), the version from VERSION or the DISTRO cpe.
 */
export function parseSuseContent(text: string): { product: string; version: string } | null {
  const field = (k: string) => new RegExp(`^${k}[ \\t]+(.+)$`, 'm').exec(text)?.[1].trim() ?? '';
  const label = field('LABEL');
  const distro = field('DISTRO');
  const product = label || (distro.includes(',') ? distro.slice(distro.lastIndexOf(',') + 1).trim() : '');
  if (!product) return null;
  let version = field('VERSION').split('-')[0].trim();
  if (!version && distro.includes(',')) version = distro.slice(0, distro.lastIndexOf(',')).split(':')[4] ?? '';
  return { product, version: version.trim() };
}

/** Debian codename → osinfo short id (osinfo-db's <codename> of each debian*.xml). */
const DEBIAN_CODENAMES: Record<string, string> = {
  buzz: 'debian1.1', rex: 'debian1.2', bo: 'debian1.3', hamm: 'debian2.0', slink: 'debian2.1', potato: 'debian2.2',
  woody: 'debian3', sarge: 'debian3.1', etch: 'debian4', lenny: 'debian5', squeeze: 'debian6', wheezy: 'debian7',
  jessie: 'debian8', stretch: 'debian9', buster: 'debian10', bullseye: 'debian11', bookworm: 'debian12', trixie: 'debian13',
  sid: 'debiantesting', unstable: 'debiantesting', testing: 'debiantesting',
};

/** Ubuntu codename (first word of osinfo-db's <codename>) → version. */
const UBUNTU_CODENAMES: Record<string, string> = {
  warty: '4.10', hoary: '5.04', breezy: '5.10', dapper: '6.06', edgy: '6.10', feisty: '7.04', gutsy: '7.10',
  hardy: '8.04', intrepid: '8.10', jaunty: '9.04', karmic: '9.10', lucid: '10.04', maverick: '10.10', natty: '11.04',
  oneiric: '11.10', precise: '12.04', quantal: '12.10', raring: '13.04', saucy: '13.10', trusty: '14.04', utopic: '14.10',
  vivid: '15.04', wily: '15.10', xenial: '16.04', yakkety: '16.10', zesty: '17.04', artful: '17.10', bionic: '18.04',
  cosmic: '18.10', disco: '19.04', eoan: '19.10', focal: '20.04', groovy: '20.10', hirsute: '21.04', impish: '21.10',
  jammy: '22.04', kinetic: '22.10', lunar: '23.04', mantic: '23.10', noble: '24.04', oracular: '24.10', plucky: '25.04',
  questing: '25.10',
};

/** The suite's codename without a pocket suffix: "focal-updates" → "focal". */
export const baseCodename = (suite: string): string => suite.toLowerCase().replace(/-(updates|security|backports|proposed)$/, '');

/** A codename found as a whole path segment of the URL (virt-install's fallback), or ''. */
export function codenameInUrl(url: string, family: 'debian' | 'ubuntu'): string {
  const table = family === 'ubuntu' ? UBUNTU_CODENAMES : DEBIAN_CODENAMES;
  for (const seg of new URL(url).pathname.split('/').map(baseCodename)) if (seg && Object.hasOwn(table, seg)) return seg;
  return '';
}

/** osinfo short ids from a Debian/Ubuntu version ("12.8", "20.04") and/or codename, best first. */
export function debianCandidates(family: 'debian' | 'ubuntu', version: string, codename: string): string[] {
  const c = baseCodename(codename);
  const out: string[] = [];
  if (family === 'ubuntu') {
    if (version) out.push(`ubuntu${version.split('.').slice(0, 2).join('.')}`);
    if (Object.hasOwn(UBUNTU_CODENAMES, c)) out.push(`ubuntu${UBUNTU_CODENAMES[c]}`);
  } else {
    const major = version.split('.')[0];
    if (/^\d+$/.test(major)) out.push(`debian${major}`);
    if (Object.hasOwn(DEBIAN_CODENAMES, c)) out.push(DEBIAN_CODENAMES[c]);
  }
  return [...new Set(out)];
}

/** The codename a Debian/Ubuntu version belongs to ('' when unknown), for messages. */
export function codenameOf(family: 'debian' | 'ubuntu', osId: string): string {
  if (family === 'ubuntu') return Object.entries(UBUNTU_CODENAMES).find(([, v]) => `ubuntu${v}` === osId)?.[0] ?? '';
  return Object.entries(DEBIAN_CODENAMES).find(([k, v]) => v === osId && k !== 'sid' && k !== 'unstable' && k !== 'testing')?.[0] ?? '';
}
