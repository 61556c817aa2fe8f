// Reads what qemu-access.ts decides on: the QEMU user of a connection, the permissions (mode and
// ACLs) of a file and every folder above it, and applies the ACL changes that let QEMU in
// (setfacl, as virt-manager's "fix permissions" does), undoing them if one fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { QemuAccessReport } from '../contract/files';
import { accessBlockers, aclChange, blockersAtStart, dacBaseLabel, parseGetfacl, pathChain, qemuConfUser, type AccessBlocker, type AclChange, type PathFacts, type QemuIdentity } from './qemu-access';

export class QemuAccessError extends Error {
  override readonly name = 'QemuAccessError';
  /** The input it is about: 'path', or 'paths' when the confirmed list is out of date. */
  constructor(message: string, readonly field: 'path' | 'paths' = 'path') {
    super(message);
  }
}

function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ ok: boolean; stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr).trim(), missing: (err as NodeJS.ErrnoException | null)?.code === 'ENOENT' });
    });
  });
}

/** A user's name and every group it is in (getent / id), by uid or name. */
async function lookupUser(user: string | number): Promise<{ name: string; uid: number; gid: number; gids: number[] } | null> {
  const pw = await run('getent', ['passwd', String(user)]);
  const f = pw.ok ? pw.stdout.trim().split('\n')[0]?.split(':') : undefined;
  if (!f || f.length < 4) return null;
  const name = f[0] as string;
  const groups = await run('id', ['-G', name]);
  const gids = groups.ok ? groups.stdout.trim().split(/\s+/).map(Number).filter(Number.isFinite) : [];
  return { name, uid: Number(f[2]), gid: Number(f[3]), gids: [...new Set([Number(f[3]), ...gids])] };
}

async function groupId(group: string): Promise<number | null> {
  const r = await run('getent', ['group', group]);
  const id = r.ok ? Number(r.stdout.split(':')[2]) : NaN;
  return Number.isFinite(id) ? id : null;
}

/**
 * The user QEMU runs as for the system daemon on this computer: libvirt's own answer (the DAC
 * base label of its capabilities) when given, else qemu.conf's user/group, else Debian's
 * libvirt-qemu or Fedora's qemu. null: it cannot be told.
 */
export async function qemuIdentity(capabilitiesXml: string | null, qemuConfPath = '/etc/libvirt/qemu.conf'): Promise<QemuIdentity | null> {
  const label = capabilitiesXml ? dacBaseLabel(capabilitiesXml) : null;
  if (label) {
    const u = await lookupUser(label.uid);
    return { name: u?.name ?? String(label.uid), uid: label.uid, gids: [...new Set([label.gid, ...(u?.gids ?? [])])] };
  }
  const conf = qemuConfUser(await fs.readFile(qemuConfPath, 'utf8').catch(() => ''));
  for (const name of conf.user ? [conf.user] : ['libvirt-qemu', 'qemu']) {
    const u = await lookupUser(name);
    if (!u) continue;
    const g = conf.group ? await groupId(conf.group) : null;
    return { name: u.name, uid: u.uid, gids: [...new Set([...(g !== null ? [g] : []), ...u.gids])] };
  }
  return null;
}

/** libvirt hands disk files to QEMU's user at start unless qemu.conf says dynamic_ownership = 0. */
export async function dynamicOwnership(qemuConfPath = '/etc/libvirt/qemu.conf'): Promise<boolean> {
  return qemuConfUser(await fs.readFile(qemuConfPath, 'utf8').catch(() => '')).dynamicOwnership ?? true;
}

/** Mode, owner and ACL of `file` and every folder above it (outermost first). */
export async function readPathChain(file: string): Promise<PathFacts[]> {
  const paths = pathChain(file);
  const stats = await Promise.all(paths.map((p) => fs.stat(p)));
  const acl = await run('getfacl', ['--numeric', '--absolute-names', '--', ...paths]);
  // Without getfacl (no acl package) nothing here can carry an ACL we set: the mode bits decide.
  const acls = acl.ok || acl.stdout ? parseGetfacl(acl.stdout) : new Map();
  return paths.map((p, i) => {
    const st = stats[i] as Awaited<ReturnType<typeof fs.stat>>;
    return { path: p, isDir: st.isDirectory(), mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), acl: acls.get(p) ?? [] };
  });
}

export interface AccessPlan {
  blockers: AccessBlocker[];
  changes: AclChange[];
}

/**
 * What keeps `who` out of `file` and the ACL changes that let it in. A symlink needs no
 * permission itself: the folders up to it and every path of its target count.
 */
export async function accessPlan(file: string, who: QemuIdentity): Promise<AccessPlan> {
  const real = await fs.realpath(file);
  const chains = real === file ? [await readPathChain(file)] : [await readPathChain(path.dirname(file)), await readPathChain(real)];
  const seen = new Set<string>();
  const plan: AccessPlan = { blockers: [], changes: [] };
  for (const chain of chains) {
    for (const b of accessBlockers(chain, who)) {
      if (seen.has(b.path)) continue;
      seen.add(b.path);
      plan.blockers.push(b);
      plan.changes.push(aclChange(chain.find((f) => f.path === b.path)!, who, b.need));
    }
  }
  return plan;
}

/** Why this process cannot apply `changes` (no setfacl, not the owner), or null. */
export async function grantRefusal(changes: AclChange[]): Promise<string | null> {
  if (!changes.length) return null;
  const probe = await run('setfacl', ['--version']);
  if (probe.missing) return 'setfacl is not installed: install the acl package (sudo apt install acl)';
  if (process.getuid?.() === 0) return null;
  const uid = process.getuid?.() ?? -1;
  for (const c of changes) {
    const st = await fs.stat(c.path);
    if (st.uid !== uid) return `only root or the owner of '${c.path}' may change who can enter it; Virtdesk runs as ${os.userInfo().username}`;
  }
  return null;
}

/**
 * Applies `changes` in order (setfacl -m). If one fails, the ones already applied are restored
 * from getfacl's record taken first, and the error names the path and setfacl's words.
 */
export async function applyAclChanges(changes: AclChange[]): Promise<void> {
  const before = await run('getfacl', ['--absolute-names', '--', ...changes.map((c) => c.path)]);
  if (!before.ok) throw new QemuAccessError(before.missing ? 'getfacl is not installed: install the acl package (sudo apt install acl)' : `cannot read the permissions to change: ${before.stderr}`);
  const done: AclChange[] = [];
  for (const c of changes) {
    const r = await run('setfacl', ['-m', c.spec, '--', c.path]);
    if (!r.ok) {
      if (done.length) await restoreAcls(before.stdout);
      const why = r.missing ? 'setfacl is not installed: install the acl package (sudo apt install acl)' : /not supported/i.test(r.stderr) ? `the file system of '${c.path}' does not support ACLs` : r.stderr.replace(/^setfacl: /, '');
      throw new QemuAccessError(`could not let QEMU into '${c.path}': ${why}; nothing was changed — copy the file into a storage pool instead`);
    }
    done.push(c);
  }
}

async function restoreAcls(record: string): Promise<void> {
  const dir = await fs.mkdtemp(`${os.tmpdir()}/virtdesk-acl-`);
  try {
    await fs.writeFile(`${dir}/record`, record);
    await run('setfacl', [`--restore=${dir}/record`]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** QEMU runs as its own user only for the system daemon; session QEMU runs as you. */
export function systemQemuHere(uri: string, local: boolean): boolean {
  return local && /^qemu(\+unix)?:\/\/\/system(\?|$)/.test(uri);
}

/** The report of fs.qemuAccess for a file on this computer (`capabilitiesXml`: the connection's, for its QEMU user). */
export async function qemuAccessReport(connection: string, file: string, applies: boolean, capabilitiesXml: () => Promise<string | null>): Promise<QemuAccessReport> {
  const none: QemuAccessReport = { connection, path: file, applies: false, user: null, readable: true, blockers: [], changes: [], grantRefusal: null };
  if (!applies) return none;
  const who = await qemuIdentity(await capabilitiesXml());
  if (!who || who.uid === 0) return who ? { ...none, user: { name: who.name, uid: who.uid } } : none;
  const plan = await accessPlan(file, who);
  if (!blockersAtStart(plan.blockers, await dynamicOwnership()).length) return { ...none, applies: true, user: { name: who.name, uid: who.uid } };
  return {
    connection,
    path: file,
    applies: true,
    user: { name: who.name, uid: who.uid },
    readable: plan.blockers.length === 0,
    blockers: plan.blockers,
    changes: plan.changes.map((c) => ({ path: c.path, entry: c.entry })),
    grantRefusal: await grantRefusal(plan.changes),
  };
}

/**
 * Lets QEMU in: the changes of a fresh plan, only when they are the paths the person confirmed.
 * Throws QemuAccessError (nothing changed) otherwise.
 */
export async function grantQemuAccess(file: string, confirmed: readonly string[], capabilitiesXml: () => Promise<string | null>): Promise<void> {
  const who = await qemuIdentity(await capabilitiesXml());
  if (!who) throw new QemuAccessError("cannot tell which user QEMU runs as (libvirt's capabilities name none, and neither libvirt-qemu nor qemu exists)");
  const plan = await accessPlan(file, who);
  if (!plan.changes.length) return;
  const now = plan.changes.map((c) => c.path);
  if (now.length !== confirmed.length || now.some((p) => !confirmed.includes(p))) {
    throw new QemuAccessError(`the paths to change are now ${now.map((p) => `'${p}'`).join(', ')}, not the ones confirmed; check again and confirm those (nothing was changed)`, 'paths');
  }
  const refusal = await grantRefusal(plan.changes);
  if (refusal) throw new QemuAccessError(refusal);
  await applyAclChanges(plan.changes);
}
