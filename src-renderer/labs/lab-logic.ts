// Pure logic of the testing-labs UI (snapshots, clones, templates, lab files): no DOM, no Svelte
// runes, so it is unit-tested in Node. Only types come from src-main (zod stays out of the bundle).
import type { ConnectionStatus, DomainState, VmSummary } from '../../src-main/contract';
import type { LabFileIssue, LabStatus, SnapshotCapabilities, SnapshotInfo, TemplateInfo } from '../../src-main/contract';
import type { MessageKey, MessageParams } from '../i18n';

/** A message to show: a key and its parameters (translated by the component). */
export interface Reason {
  key: MessageKey;
  params?: MessageParams;
}

// ---- snapshots ----

/** contract-labs.ts SNAPSHOT_NAME_RE, repeated (a value import would pull zod into the bundle). */
export const SNAPSHOT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** contract-labs.ts LAB_NAME_RE, repeated. */
export const LAB_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/;

/** The problem of a new snapshot's name, or null. */
export function checkSnapshotName(name: string, existing: readonly string[]): Reason | null {
  if (name === '') return { key: 'snap.nameRequired' };
  if (!SNAPSHOT_NAME_RE.test(name)) return { key: 'snap.nameRule' };
  if (existing.includes(name)) return { key: 'snap.nameTaken', params: { name } };
  return null;
}

/** A snapshot name not in use yet: snap-1, snap-2, … */
export function suggestSnapshotName(existing: readonly string[], prefix = 'snap'): string {
  for (let i = 1; ; i++) {
    const n = `${prefix}-${i}`;
    if (!existing.includes(n)) return n;
  }
}

export interface SnapshotRow {
  snap: SnapshotInfo;
  /** 0 for a root, 1 for its children, … */
  depth: number;
}

/**
 * The tree as rows in display order (each parent before its children, children in the list's
 * order), with their depth. Snapshots whose parent is not in the list are roots; cycles (never
 * from libvirt) cannot loop.
 */
export function snapshotRows(list: readonly SnapshotInfo[]): SnapshotRow[] {
  const byName = new Map(list.map((s) => [s.name, s]));
  const childrenOf = new Map<string, SnapshotInfo[]>();
  const roots: SnapshotInfo[] = [];
  for (const s of list) {
    if (s.parent !== null && byName.has(s.parent) && s.parent !== s.name) {
      const c = childrenOf.get(s.parent) ?? [];
      c.push(s);
      childrenOf.set(s.parent, c);
    } else roots.push(s);
  }
  const out: SnapshotRow[] = [];
  const seen = new Set<string>();
  const visit = (s: SnapshotInfo, depth: number): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    out.push({ snap: s, depth });
    for (const c of childrenOf.get(s.name) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  // Anything in a cycle (not reachable from a root): shown flat at the end.
  for (const s of list) visit(s, 0);
  return out;
}

export function isRunning(state: DomainState): boolean {
  return state === 'running' || state === 'blocked' || state === 'paused';
}

export interface SnapshotFormState {
  /** The kind the form takes: external when the user asked or when internal is impossible. */
  external: boolean;
  /** The user may switch between internal and external. */
  kindChoosable: boolean;
  /** Why the kind is forced (or null). */
  kindReason: Reason | null;
  /** Whether "include memory" is shown, ticked, and can be changed. */
  memory: { shown: boolean; checked: boolean; locked: boolean; reason: Reason | null };
  /** Why nothing can be taken at all (or null). */
  blocked: Reason | null;
}

/**
 * What the "take snapshot" form allows, from snapshot.capabilities and the VM's state:
 * internal by default; external when asked for or when the VM requires it (UEFI, raw disks);
 * memory only for a running VM (always part of an internal snapshot of a running VM).
 */
export function snapshotForm(caps: SnapshotCapabilities, state: DomainState, wantExternal: boolean, wantMemory: boolean): SnapshotFormState {
  const running = isRunning(state);
  if (!caps.internal && !caps.external) {
    return { external: false, kindChoosable: false, kindReason: null, memory: { shown: false, checked: false, locked: true, reason: null }, blocked: { key: 'snap.noneAllowed' } };
  }
  let external = wantExternal;
  let kindReason: Reason | null = null;
  if (!caps.internal) {
    external = true;
    kindReason = { key: 'snap.externalOnly' };
  } else if (!caps.external) {
    external = false;
    kindReason = { key: 'snap.internalOnly' };
  }
  const kindChoosable = caps.internal && caps.external;
  if (!running) return { external, kindChoosable, kindReason, memory: { shown: false, checked: false, locked: true, reason: null }, blocked: null };
  if (!external) {
    return { external, kindChoosable, kindReason, memory: { shown: true, checked: true, locked: true, reason: { key: 'snap.memoryInternal' } }, blocked: null };
  }
  return { external, kindChoosable, kindReason, memory: { shown: true, checked: wantMemory, locked: false, reason: null }, blocked: null };
}

/** Why a snapshot cannot be reverted to / deleted on this host (external ones need libvirt ≥ 9.9), or null. */
export function snapshotActionBlock(snap: Pick<SnapshotInfo, 'external'>, caps: Pick<SnapshotCapabilities, 'externalRevert' | 'libVersion'> | null): Reason | null {
  if (snap.external && caps && !caps.externalRevert) return { key: 'snap.externalRevertBlocked', params: { version: caps.libVersion } };
  return null;
}

// ---- clones and templates ----

/** Why a VM cannot be cloned now (running, paused…), or null when it is shut off. */
export function cloneBlock(vm: Pick<VmSummary, 'state' | 'name'>): Reason | null {
  if (vm.state === 'shutoff') return null;
  return { key: 'clone.notShutOff', params: { name: vm.name } };
}

/** A clone name not taken yet: <name>-clone, <name>-clone-2, … */
export function suggestCloneName(source: string, existing: readonly string[]): string {
  const base = `${source}-clone`;
  if (!existing.includes(base)) return base;
  for (let i = 2; ; i++) {
    const n = `${base}-${i}`;
    if (!existing.includes(n)) return n;
  }
}

/** 0..100 (whole), null when the total is unknown. */
export function progressPercent(done: number, total: number): number | null {
  if (!(total > 0)) return null;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/** A template warning is due when the VM has linked clones (starting or changing it breaks them). */
export function needsTemplateWarning(info: TemplateInfo | null | undefined): boolean {
  return !!info && info.linkedClones.length > 0;
}

// ---- lab files ----

/** Lines (1-based) the validation errors point at. */
export function issueLines(errors: readonly Pick<LabFileIssue, 'line'>[]): Set<number> {
  return new Set(errors.map((e) => e.line).filter((l): l is number => l !== null && l > 0));
}

/** Line count of a text (an empty text has one line). */
export function lineCount(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The character offset where a 1-based line starts (clamped to the text). */
export function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return at;
}

/** The lab name a lab file's text declares (top-level `name:`), for labels; null if none. */
export function labNameOfText(text: string): string | null {
  const m = /^name:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9_-]{0,23})["']?[ \t]*(#.*)?$/m.exec(text);
  return m ? (m[1] as string) : null;
}

/** A file name for {text, fileName}: the lab's name + .lab.yaml, else lab.yaml. */
export function labFileNameOf(text: string): string {
  const n = labNameOfText(text);
  return n ? `${n}.lab.yaml` : 'lab.yaml';
}

/** The starter text of the lab editor. */
export const LAB_TEMPLATE = [
  '# A lab: linked clones of one base image or template VM, on their own network.',
  'name: demo',
  'base:',
  '  image: /var/lib/libvirt/images/base.qcow2   # or: vm: <a shut-off template VM>',
  'machines:',
  '  - name: node',
  '    memoryMiB: 512',
  '    vcpus: 1',
  '    count: 2            # node-1, node-2',
  '# network: none         # default: an isolated network with a free 10.x.y.0/24',
  'tags: [demo]',
  '',
].join('\n');

export interface LabDownPlan {
  vms: string[];
  overlays: string[];
  network: string | null;
  /** The machines' cloud-init seed volumes (lab.down deletes them too); see seedsKnown. */
  seeds: string[];
  /** lab.status says each machine's seed (field `seed`); older cores do not, then the dialog says so in words. */
  seedsKnown: boolean;
  /** Kept: the base images the overlays sit on. */
  bases: string[];
}

/** What lab.down will remove, from a fresh lab.status: the VMs, their overlay files, the network. */
export function labDownPlan(status: Pick<LabStatus, 'machines' | 'network' | 'base'>): LabDownPlan {
  // `seed` (the path of the machine's cloud-init seed volume, absent: none) is optional: a core
  // that does not send it yet leaves seedsKnown false.
  const seeds = status.machines.map((m) => (m as { seed?: unknown }).seed);
  return {
    vms: status.machines.map((m) => m.name),
    overlays: status.machines.flatMap((m) => m.overlays),
    seeds: seeds.filter((x): x is string => typeof x === 'string' && x !== ''),
    seedsKnown: status.machines.length > 0 && status.machines.every((m) => 'seed' in m),
    network: status.network?.name ?? null,
    bases: [...status.base],
  };
}

/** A machine's state: live from the VM list when it is there, else what lab.status said. */
export function liveState(machine: { uuid: string; state: DomainState }, vms: readonly Pick<VmSummary, 'uuid' | 'state'>[]): DomainState {
  return vms.find((v) => v.uuid === machine.uuid)?.state ?? machine.state;
}

/** "12.3 s" / "850 ms". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---- containers of labs ----

/** The LXC connection each lab's containers were seen on, kept across reloads (a down daemon hides them). */
export function rememberContainerHosts(known: Readonly<Record<string, string>>, statuses: Readonly<Record<string, LabStatus>>): Record<string, string> {
  const out = { ...known };
  for (const [lab, s] of Object.entries(statuses)) {
    const ct = s.machines.find((m) => m.kind === 'container' && m.connection);
    if (ct?.connection) out[lab] = ct.connection;
  }
  return out;
}

type ConnState = Pick<ConnectionStatus, 'uri' | 'state' | 'error'>;
const isDown = (c: ConnState | undefined): c is ConnState => !!c && c.state !== 'connected' && c.state !== 'connecting';

/** What a lab's card says when the connection its containers were on is down; null when it is up or the lab has none. */
export function labContainersDown(lab: string, lxcUri: string | undefined, connections: readonly ConnState[]): Reason | null {
  const c = lxcUri ? connections.find((x) => x.uri === lxcUri) : undefined;
  return isDown(c) ? { key: 'ct.labContainersDown', params: { lab, uri: c.uri, error: c.error ?? c.state } } : null;
}

/** The page's note when an added LXC connection is down: labs' containers (and labs of containers only) are missing. */
export function labsLxcDown(connections: readonly ConnState[]): Reason | null {
  const c = connections.find((x) => x.uri.startsWith('lxc:') && isDown(x));
  return c ? { key: 'ct.labsLxcDown', params: { uri: c.uri, error: c.error ?? c.state } } : null;
}
