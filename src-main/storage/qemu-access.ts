// Whether QEMU's own user can open a file, from the permissions of the file and of every folder
// above it (POSIX mode bits and ACLs), and the ACL entries that would let it: pure logic, the
// file system is read by qemu-access-check.ts.
import type { QemuAccessBlocker } from '../contract';

/** Permission bits as in a mode's "other" triple: 4 read, 2 write, 1 enter (folders) / execute. */
export const READ = 4;
export const ENTER = 1;

/** One ACL entry beyond the mode bits: a named user or group, or the mask. */
export interface AclEntry {
  tag: 'user' | 'group' | 'mask';
  /** The uid or gid (named entries). */
  id?: number;
  perms: number;
}

/** One path on the way to the file, as stat and getfacl see it. */
export interface PathFacts {
  path: string;
  isDir: boolean;
  mode: number;
  uid: number;
  gid: number;
  /** Extended ACL entries (empty: the mode bits alone). */
  acl: AclEntry[];
}

/** The user QEMU runs as, with every group it has. */
export interface QemuIdentity {
  name: string;
  uid: number;
  gids: number[];
}

/** A path that keeps QEMU out, and what it lacks (the contract's type). */
export type AccessBlocker = QemuAccessBlocker;

/** The ACL change that lets QEMU through one blocker: setfacl -m <spec> <path>. */
export interface AclChange {
  path: string;
  /** setfacl's -m argument, e.g. "u:64055:--x,m::--x". */
  spec: string;
  /** The same for people: "u:libvirt-qemu:--x". */
  entry: string;
}

/** The permission triple `who` gets on a path (POSIX.1e access check; uid 0 passes everything). */
export function permsFor(f: PathFacts, who: QemuIdentity): number {
  if (who.uid === 0) return 7;
  const owner = (f.mode >> 6) & 7;
  const group = (f.mode >> 3) & 7;
  const other = f.mode & 7;
  if (f.uid === who.uid) return owner;
  const mask = f.acl.find((e) => e.tag === 'mask');
  // With a mask, the mode's group bits are the mask and group:: is the owning group's own entry.
  const effective = (p: number) => (mask ? p & mask.perms : p);
  const named = f.acl.find((e) => e.tag === 'user' && e.id === who.uid);
  if (named) return effective(named.perms);
  const ownerGroupPerms = mask ? groupEntryOf(f) : group;
  const groups = [...(who.gids.includes(f.gid) ? [ownerGroupPerms] : []), ...f.acl.filter((e) => e.tag === 'group' && e.id !== undefined && who.gids.includes(e.id)).map((e) => e.perms)];
  if (groups.length) return effective(groups.reduce((a, b) => a | b, 0));
  return other;
}

/** The owning group's own entry when an ACL has a mask (the mode's group bits show the mask then). */
function groupEntryOf(f: PathFacts): number {
  const entry = f.acl.find((e) => e.tag === 'group' && e.id === undefined);
  return entry ? entry.perms : (f.mode >> 3) & 7;
}

/**
 * What keeps `who` from opening the last path of `chain` (the file, after every folder above it,
 * outermost first): each folder it cannot enter, and the file when it cannot read it.
 */
export function accessBlockers(chain: readonly PathFacts[], who: QemuIdentity): AccessBlocker[] {
  const out: AccessBlocker[] = [];
  chain.forEach((f, i) => {
    const isTarget = i === chain.length - 1;
    const need = isTarget && !f.isDir ? READ : ENTER;
    if ((permsFor(f, who) & need) === need) return;
    out.push({ path: f.path, kind: f.isDir ? 'folder' : 'file', need: need === READ ? 'read' : 'enter', uid: f.uid, gid: f.gid, mode: modeString(f) });
  });
  return out;
}

/**
 * The ACL entry that lets `who` through a blocker, keeping what it already had. The mask is
 * given too (widened only by the bit needed), so other named entries gain nothing. QEMU's user
 * owning the path is the one case an ACL cannot help (the owner's bits apply): u:: is changed then.
 */
export function aclChange(f: PathFacts, who: QemuIdentity, need: 'enter' | 'read'): AclChange {
  const bit = need === 'read' ? READ : ENTER;
  if (f.uid === who.uid) {
    const perms = ((f.mode >> 6) & 7) | bit;
    return { path: f.path, spec: `u::${rwx(perms)}`, entry: `u::${rwx(perms)}` };
  }
  const named = f.acl.find((e) => e.tag === 'user' && e.id === who.uid);
  const perms = (named?.perms ?? 0) | bit;
  const mask = f.acl.find((e) => e.tag === 'mask');
  const newMask = (mask ? mask.perms : (f.mode >> 3) & 7) | bit;
  return { path: f.path, spec: `u:${who.uid}:${rwx(perms)},m::${rwx(newMask)}`, entry: `u:${who.name}:${rwx(perms)}` };
}

export function rwx(perms: number): string {
  return `${perms & 4 ? 'r' : '-'}${perms & 2 ? 'w' : '-'}${perms & 1 ? 'x' : '-'}`;
}

function modeString(f: PathFacts): string {
  return `${f.isDir ? 'd' : '-'}${rwx(f.mode >> 6)}${rwx(f.mode >> 3)}${rwx(f.mode)}${f.acl.length ? '+' : ''}`;
}

/** Every folder from / down to the file's own folder, then the file: "/a/b/f" → ["/", "/a", "/a/b", "/a/b/f"]. */
export function pathChain(file: string): string[] {
  const parts = file.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

/**
 * getfacl --numeric --absolute-names output → path → extended entries (named users and groups,
 * the mask; the owning group's own entry as a group without id when a mask is present).
 * getfacl writes unusual characters of a path as \ooo octal escapes.
 */
export function parseGetfacl(output: string): Map<string, AclEntry[]> {
  const out = new Map<string, AclEntry[]>();
  let current: AclEntry[] | null = null;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const file = /^# file: (.*)$/.exec(line);
    if (file) {
      current = [];
      out.set(unescapeOctal(file[1] as string), current);
      continue;
    }
    if (!current || line === '' || line.startsWith('#') || line.startsWith('default:')) continue;
    const m = /^(user|group|mask|other):([^:]*):([r-][w-][x-])/.exec(line);
    if (!m) continue;
    const [, tag, qualifier, p] = m as unknown as [string, string, string, string];
    const perms = (p[0] === 'r' ? 4 : 0) | (p[1] === 'w' ? 2 : 0) | (p[2] === 'x' ? 1 : 0);
    if (tag === 'mask') current.push({ tag: 'mask', perms });
    else if (tag === 'user' && qualifier !== '') current.push({ tag: 'user', id: Number(qualifier), perms });
    else if (tag === 'group') current.push(qualifier === '' ? { tag: 'group', perms } : { tag: 'group', id: Number(qualifier), perms });
  }
  // Only an ACL with a mask is extended; group:: alone is the mode's group bits.
  for (const [k, entries] of out) if (!entries.some((e) => e.tag === 'mask')) out.set(k, entries.filter((e) => !(e.tag === 'group' && e.id === undefined)));
  return out;
}

function unescapeOctal(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const m = /^\\([0-7]{3})/.exec(s.slice(i));
    if (m) {
      bytes.push(parseInt(m[1] as string, 8));
      i += 3;
    } else if (s.startsWith('\\\\', i)) {
      bytes.push(0x5c);
      i += 1;
    } else {
      bytes.push(...Buffer.from(s[i] as string, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The QEMU user and group libvirt's DAC driver runs guests as, from the host capabilities'
 * <secmodel><model>dac</model> base label ("+64055:+64055"), or null.
 */
export function dacBaseLabel(capabilitiesXml: string): { uid: number; gid: number } | null {
  for (const sec of capabilitiesXml.match(/<secmodel>[\s\S]*?<\/secmodel>/g) ?? []) {
    if (!/<model>dac<\/model>/.test(sec)) continue;
    const m = /<baselabel type=['"](?:kvm|qemu)['"]>\+?(\d+):\+?(\d+)<\/baselabel>/.exec(sec);
    if (m) return { uid: Number(m[1]), gid: Number(m[2]) };
  }
  return null;
}

/** user = "…", group = "…" and dynamic_ownership of qemu.conf (uncommented), when set. */
export function qemuConfUser(conf: string): { user?: string; group?: string; dynamicOwnership?: boolean } {
  const out: { user?: string; group?: string; dynamicOwnership?: boolean } = {};
  for (const line of conf.split('\n')) {
    const m = /^\s*(user|group)\s*=\s*"([^"]*)"/.exec(line);
    if (m) out[m[1] as 'user' | 'group'] = (m[2] as string).replace(/^\+/, '');
    const d = /^\s*dynamic_ownership\s*=\s*(\d+)/.exec(line);
    if (d) out.dynamicOwnership = d[1] !== '0';
  }
  return out;
}

/**
 * The blockers that matter when the guest starts: with libvirt's dynamic_ownership (its default)
 * the file itself is handed to QEMU's user at start, so a file nobody else may read is no
 * problem on its own — only folders QEMU's user cannot enter are (libvirt does not change those).
 */
export function blockersAtStart(blockers: readonly AccessBlocker[], dynamicOwnership: boolean): AccessBlocker[] {
  return dynamicOwnership && blockers.every((b) => b.kind === 'file') ? [] : [...blockers];
}
