// Lab files (*.lab.yaml): the schema (zod), parsing with line numbers (yaml's Document ranges +
// LineCounter: every problem reads "lab.yaml:7: machines[1].count: must be between 1 and 50"),
// and the expansion of `count` into VM names. Pure: no libvirt, no file system. Any text, however
// large, deep or alias-laden, is read in linear time with bounded recursion (see the limits below).
//
//   name: web                      # 1–24 letters, digits, - _
//   base: { image: /var/lib/libvirt/images/base.qcow2 }   # or { vm: <template VM> }
//   machines:
//     - name: node                 # count 3 → node-1, node-2, node-3 (count 1 → node)
//       memoryMiB: 512
//       vcpus: 1
//       count: 3
//       boot: { kernel: /…/vmlinuz, initrd: /…/initrd.gz, cmdline: console=ttyS0 }   # direct kernel boot (tests, appliances)
//       machineType: pc            # optional: q35 | pc (default: the base VM's, else q35)
//       cloudInit: "#cloud-config …"   # user-data; each VM gets a NoCloud seed ISO with it
//   network: { mode: isolated, ipv4: { address: 10.50.0.1, prefix: 24, dhcpStart: 10.50.0.100, dhcpEnd: 10.50.0.200 } }
//                                  # absent: isolated with a free 10.x.y.0/24; `none`: user-mode networking
//   tags: [demo, ci]
//   host: qemu+ssh://root@host2/system   # optional: the connection the lab goes on (one the user added)
import { createHash } from 'node:crypto';
import { CST, Composer, Lexer, LineCounter, Parser, isAlias, isMap, isNode, isScalar, isSeq, type Alias, type Document, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { LAB_NAME_RE, LAB_NAME_RULE, MAX_LAB_TEXT_BYTES, labTextTooLarge, type LabFileIssue } from '../contract';
import { englishText, labIssueText, message as M, type MessageRef } from '../contract/messages';
import { refuseInvisible } from '../contract/display-name';
import { checkConnectionUri } from '../contract/connection-uri';

export const MACHINE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const MAX_COUNT = 50;
/** VMs in one lab, all machines' counts together. */
export const MAX_LAB_VMS = 100;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE_TAB = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Messages name no field: the formatter prefixes the path ("machines[1].count: …"). */
const expect = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? englishText(M('lab.issue.missing')) : `must be ${what}`) });

const between = (min: number, max: number, unit = '') =>
  z
    .number(expect('a number'))
    .int(englishText(M('lab.issue.wholeBetween', { min, max, unit })))
    .min(min, englishText(M('lab.issue.between', { min, max, unit })))
    .max(max, englishText(M('lab.issue.between', { min, max, unit })));

const absolutePath = z
  .string(expect('a path'))
  .min(1, 'is empty')
  .max(4096, 'is longer than 4096 characters')
  .refine((s) => s.startsWith('/'), englishText(M('lab.issue.absolutePath')))
  .refine((s) => !CONTROL.test(s), 'contains a control character')
  .refine((s) => !s.split('/').includes('..'), "must not contain '..'");

const ipv4 = z.string(expect('an IPv4 address such as 10.50.0.1')).regex(IPV4, 'must be an IPv4 address such as 10.50.0.1');

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

const ipv4Net = z
  .object({ address: ipv4, prefix: between(8, 30), dhcpStart: ipv4, dhcpEnd: ipv4 }, expect('a mapping with address, prefix, dhcpStart, dhcpEnd'))
  .strict()
  .superRefine((v, ctx) => {
    const mask = (0xffffffff << (32 - v.prefix)) >>> 0;
    const net = (ipToInt(v.address) & mask) >>> 0;
    const bcast = (net | (~mask >>> 0)) >>> 0;
    const a = ipToInt(v.address);
    const at = (k: 'address' | 'dhcpStart' | 'dhcpEnd', message: string) => ctx.addIssue({ code: 'custom', path: [k], message });
    if (a === net || a === bcast) at('address', `${v.address} is the network or broadcast address of /${v.prefix}`);
    for (const k of ['dhcpStart', 'dhcpEnd'] as const) {
      const x = ipToInt(v[k]);
      if (((x & mask) >>> 0) !== net) at(k, `${v[k]} is not in the subnet of ${v.address}/${v.prefix}`);
      else if (x === net || x === bcast) at(k, `${v[k]} is the network or broadcast address`);
    }
    if (ipToInt(v.dhcpStart) >= ipToInt(v.dhcpEnd)) at('dhcpEnd', `must be higher than dhcpStart ${v.dhcpStart}`);
    else if (a >= ipToInt(v.dhcpStart) && a <= ipToInt(v.dhcpEnd)) at('address', 'must be outside the DHCP range');
  });

const machineSchema = z
  .object(
    {
      name: z.string(expect('text')).superRefine(refuseInvisible('')).regex(MACHINE_NAME_RE, englishText(M('lab.issue.machineName'))),
      memoryMiB: between(64, 1024 * 1024, ' MiB'),
      vcpus: between(1, 64),
      count: between(1, MAX_COUNT).default(1),
      /** Chipset; default: the base VM's, else q35. */
      machineType: z.enum(['q35', 'pc'], { error: "must be 'q35' or 'pc'" }).optional(),
      /** cloud-init user-data: each VM of the machine gets a NoCloud seed ISO with it (meta-data: its own instance-id and host name). */
      cloudInit: z.string(expect('text (cloud-init user-data)')).max(65_536, 'is longer than 64 KiB').refine((s) => !CONTROL_EXCEPT_NEWLINE_TAB.test(s), 'contains a control character').optional(),
      /** Direct kernel boot: for tests and appliance kernels (the base disk is then a data disk, /dev/vda). */
      boot: z
        .object(
          {
            kernel: absolutePath,
            initrd: absolutePath.optional(),
            cmdline: z.string(expect('text')).max(4096, 'is longer than 4096 characters').refine((s) => !CONTROL.test(s), 'contains a control character').optional(),
          },
          expect('a mapping with kernel (and initrd, cmdline)'),
        )
        .strict()
        .optional(),
    },
    expect('a mapping with name, memoryMiB, vcpus (and count)'),
  )
  .strict();

export type LabMachine = z.output<typeof machineSchema>;

/**
 * A container machine (libvirt LXC, on the lab's LXC connection): an application container runs
 * `command` (in this computer's root, or `root`); a system container boots `init` from `root`.
 */
const containerMachineSchema = z
  .object(
    {
      kind: z.literal('container'),
      name: z.string(expect('text')).superRefine(refuseInvisible('')).regex(MACHINE_NAME_RE, englishText(M('lab.issue.machineName'))),
      memoryMiB: between(8, 1024 * 1024, ' MiB'),
      vcpus: between(1, 64).default(1),
      count: between(1, MAX_COUNT).default(1),
      command: absolutePath.optional(),
      args: z.array(z.string(expect('text')).max(4096, 'is longer than 4096 characters').refine((s) => !CONTROL.test(s), 'contains a control character'), expect('a list of arguments')).max(64, 'at most 64 arguments').default([]),
      root: absolutePath.optional(),
      init: absolutePath.optional(),
    },
    expect('a mapping with kind, name, memoryMiB and command or root'),
  )
  .strict()
  .superRefine((m, ctx) => {
    if (m.command === undefined && m.root === undefined) {
      ctx.addIssue({ code: 'custom', message: englishText(M('lab.issue.containerNeeds')) });
    }
    if (m.command !== undefined && m.init !== undefined) ctx.addIssue({ code: 'custom', path: ['init'], message: englishText(M('lab.issue.commandOrInit')) });
  });

export type LabContainerMachine = z.output<typeof containerMachineSchema>;

/** A VM machine has no `kind` (or `kind: vm`); `kind: container` makes it a container. */
const anyMachineSchema = z.discriminatedUnion('kind', [machineSchema.extend({ kind: z.literal('vm').optional() }), containerMachineSchema], {
  error: (iss) => (iss.input === undefined || typeof iss.input !== 'object' ? englishText(M('lab.issue.mustBeMachine')) : englishText(M('lab.issue.machineKind'))),
});

/** count 1 → [name]; count n → [name-1 … name-n]. */
export function instanceNames(m: { name: string; count: number }): string[] {
  return m.count === 1 ? [m.name] : Array.from({ length: m.count }, (_, i) => `${m.name}-${i + 1}`);
}

const baseSchema = z
  .object(
    {
      vm: z.string(expect('a VM name')).min(1, 'is empty').max(200, 'is longer than 200 characters').refine((s) => !CONTROL.test(s), 'contains a control character').optional(),
      image: absolutePath.optional(),
    },
    expect('a mapping: { vm: <template VM> } or { image: <absolute path of a qcow2/raw image> }'),
  )
  .strict()
  .superRefine((b, ctx) => {
    if (b.vm !== undefined && b.image !== undefined) ctx.addIssue({ code: 'custom', message: 'give vm or image, not both' });
    if (b.vm === undefined && b.image === undefined) ctx.addIssue({ code: 'custom', message: 'needs vm (a template VM) or image (a qcow2/raw image file)' });
  });

const networkSchema = z
  .object(
    {
      mode: z.enum(['isolated', 'nat'], { error: "must be 'isolated' or 'nat'" }).default('isolated'),
      ipv4: ipv4Net.optional(),
    },
    expect("'none' or a mapping with mode (isolated, nat) and ipv4"),
  )
  .strict();

const tagSchema = z
  .string(expect('text'))
  .superRefine(refuseInvisible(''))
  .min(1, 'is empty')
  .max(32, 'is longer than 32 characters')
  .refine((s) => !CONTROL.test(s), 'contains a control character')
  .refine((s) => s.trim() === s, 'must not start or end with a space');

export const labSchema = z
  .object(
    {
      name: z.string(expect('text')).superRefine(refuseInvisible('')).regex(LAB_NAME_RE, LAB_NAME_RULE),
      /** The connection (libvirt URI) the lab goes on; it must be one the user added. Absent: the connection `lab up` runs against. */
      host: z
        .string(expect('a connection URI such as qemu+ssh://root@host2/system'))
        .superRefine((s, ctx) => {
          const r = checkConnectionUri(s);
          if (!r.ok) ctx.addIssue({ code: 'custom', message: `is not a connection Virtdesk opens: ${r.reason}` });
        })
        .optional(),
      /** Needed when the lab has a VM; a lab of containers only has none. */
      base: baseSchema.optional(),
      machines: z
        .array(anyMachineSchema, expect('a list of machines'))
        .min(1, 'needs at least one machine')
        .max(MAX_COUNT, `at most ${MAX_COUNT} machine entries`)
        .superRefine((list, ctx) => {
          // Only once every entry is valid (zod runs this even when an entry is not).
          const valid = (m: LabMachine | LabContainerMachine): boolean => typeof m?.name === 'string' && MACHINE_NAME_RE.test(m.name) && Number.isInteger(m.count) && m.count >= 1 && m.count <= MAX_COUNT;
          if (!list.every(valid)) return;
          const owner = new Map<string, number>();
          const entries = new Map<string, number>();
          list.forEach((m, i) => {
            const e = entries.get(m.name);
            if (e !== undefined) {
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: englishText(M('lab.issue.duplicateEntry', { index: e, name: m.name })) });
              return;
            }
            entries.set(m.name, i);
            for (const inst of instanceNames(m)) {
              const j = owner.get(inst);
              if (j === undefined) {
                owner.set(inst, i);
                continue;
              }
              const other = list[j];
              const text = other.count > 1
                ? M('lab.issue.duplicateInstanceExpanded', { name: inst, index: j, other: other.name, count: other.count, names: instanceNames(other).join(', ') })
                : M('lab.issue.duplicateInstance', { name: inst, index: j });
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: englishText(text) });
              return;
            }
          });
          const total = list.reduce((n, m) => n + m.count, 0);
          if (total > MAX_LAB_VMS) ctx.addIssue({ code: 'custom', message: englishText(M('lab.issue.tooManyVms', { total, max: MAX_LAB_VMS })) });
        }),
      network: networkSchema.nullable().optional(),
      tags: z
        .array(tagSchema, expect('a list of tags'))
        .max(20, 'at most 20 tags')
        .default([])
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((t, i) => {
            if (seen.has(t)) ctx.addIssue({ code: 'custom', path: [i], message: englishText(M('lab.issue.duplicateTag', { tag: t })) });
            seen.add(t);
          });
        }),
    },
    expect('a YAML mapping with name, base and machines'),
  )
  .strict()
  .superRefine((lab, ctx) => {
    const vms = Array.isArray(lab.machines) && lab.machines.some((m) => m && m.kind !== 'container');
    if (vms && lab.base === undefined) ctx.addIssue({ code: 'custom', path: ['base'], message: englishText(M('lab.issue.missing')) });
  });

/** A container entry reads as a machine without VM-only fields, so `m.boot` works on any entry. */
export type LabAnyMachine = (LabMachine & { kind?: 'vm' }) | (LabContainerMachine & { boot?: undefined; cloudInit?: undefined; machineType?: undefined });

export type LabSpec = Omit<z.output<typeof labSchema>, 'network' | 'machines'> & {
  machines: LabAnyMachine[];
  /** null: no lab network (user-mode networking); ipv4 undefined: a free 10.x.y.0/24 is picked. */
  network: { mode: 'isolated' | 'nat'; ipv4?: { address: string; prefix: number; dhcpStart: string; dhcpEnd: string } } | null;
};

/** One VM of a lab. */
export interface LabVm {
  /** The VM (domain) name: <lab>-<instance>. */
  name: string;
  /** Index into machines. */
  index: number;
  machine: LabMachine;
  instance: string;
}

/** One container of a lab (named like a VM: <lab>-<instance>). */
export interface LabContainer {
  name: string;
  index: number;
  machine: LabContainerMachine;
  instance: string;
}

export const labVmName = (lab: string, instance: string): string => `${lab}-${instance}`;
export const labNetworkName = (lab: string): string => `vdlab-${lab}`;

/**
 * The lab network's UUID, derived from the lab name (name-based, v5 layout): a network named
 * like the lab's but with another UUID is not the lab's and is never touched.
 */
export function labNetworkUuid(lab: string): string {
  const h = createHash('sha256').update('virtdesk-lab-network\0').update(lab).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The lab's VMs (machines without `kind: container`). */
export function expandLab(lab: LabSpec): LabVm[] {
  return lab.machines.flatMap((machine, index) => (machine.kind === 'container' ? [] : instanceNames(machine).map((instance) => ({ name: labVmName(lab.name, instance), index, machine, instance }))));
}

export function expandContainers(lab: LabSpec): LabContainer[] {
  return lab.machines.flatMap((machine, index) => (machine.kind === 'container' ? instanceNames(machine).map((instance) => ({ name: labVmName(lab.name, instance), index, machine, instance })) : []));
}

export type LabPath = (string | number)[];

export function formatPath(path: LabPath): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

export interface ParsedLab {
  ok: true;
  lab: LabSpec;
  vms: LabVm[];
  containers: LabContainer[];
  label: string;
  /** A problem found later (base missing, name taken, …) placed on the file's line; `text`: its key when the message was built from one. */
  issueAt(path: LabPath, message: string, text?: MessageRef): LabFileIssue;
  warnings: string[];
}

export type LabParse = ParsedLab | { ok: false; label: string; errors: LabFileIssue[] };

// ---- limits: no file, however large, deep or self-referencing, stalls the server ----
export { MAX_LAB_TEXT_BYTES };
/** Nesting levels, the root mapping being level 1 (a lab needs 4: machines[0].boot.kernel). */
export const MAX_LAB_DEPTH = 32;
/** Alias expansions (yaml's maxAliasCount): enough to reuse a few values, far too few for a billion laughs. */
export const MAX_LAB_ALIASES = 50;
/** Problems listed for one file; one more line says how many more there are. */
export const MAX_REPORTED_PROBLEMS = 100;
/** Problems placed on their lines (and sorted); past this they are only counted. */
const MAX_LOCATED_PROBLEMS = 1000;
/** Unknown keys can be any length: the reply shows their start. */
const MAX_KEY_SHOWN = 40;

const MORE_PROBLEMS = /^and (\d+) more problems?$/;

function issueText(label: string, line: number | null, path: string, message: string): string {
  if (line === null && !path) line = 1;
  return `${label}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${message}`;
}

/** Problems of one file: the first MAX_LOCATED_PROBLEMS get their line, the rest are only counted. */
class Problems {
  private readonly located: LabFileIssue[] = [];
  count = 0;
  constructor(private readonly label: string) {}

  get full(): boolean {
    return this.located.length >= MAX_LOCATED_PROBLEMS;
  }

  /** `line` is only called while the list is not full. */
  add(line: () => number | null, path: string, message: string): void {
    this.count++;
    if (!this.full) this.located.push(issue(this.label, line(), path, message));
  }

  /** Problems past the bound, counted without placing them. */
  countMore(n: number): void {
    this.count += n;
  }

  /** The first MAX_REPORTED_PROBLEMS by line, then "and N more problems" (no line) when there are more. */
  list(): LabFileIssue[] {
    const shown = this.located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)).slice(0, MAX_REPORTED_PROBLEMS);
    const more = this.count - shown.length;
    if (more > 0) {
      const message = `and ${more} more problem${more === 1 ? '' : 's'}`;
      shown.push({ line: null, path: '', message, text: `${this.label}: ${message}` });
    }
    return shown;
  }
}

/** A problem; the common kinds also carry their message key (contract/messages.ts) for the UI's languages. */
function issue(label: string, line: number | null, path: string, message: string, text?: MessageRef): LabFileIssue {
  const known = text ?? labIssueText(message);
  return { line, path, message, text: issueText(label, line, path, message), ...(known ? { key: known.key, ...(known.params ? { params: known.params } : {}) } : {}) };
}

/** How many problems a list stands for (its last entry may be "and N more problems"). */
function problemCount(issues: readonly LabFileIssue[]): number {
  const last = issues[issues.length - 1];
  const more = last && last.line === null && !last.path ? MORE_PROBLEMS.exec(last.message) : null;
  return more ? issues.length - 1 + Number(more[1]) : issues.length;
}

const shortKey = (key: string): string => (key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…` : key);

type Range = [number, number, number];
function lineOfNode(node: unknown, lineAt: (offset: number) => number): number | null {
  const range = (node as { range?: Range } | null | undefined)?.range;
  return range ? lineAt(range[0]) : null;
}

/**
 * The offset of the first flow bracket nested deeper than MAX_LAB_DEPTH, from the lexer's tokens:
 * cheap, and it stops there (yaml's parser takes seconds on 256 KiB of '[').
 */
function tooDeepFlowOffset(text: string): number | null {
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= MAX_LAB_DEPTH; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets++;
  }
  if (brackets <= MAX_LAB_DEPTH) return null;
  let depth = 0;
  let offset = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    if (scalarNext) scalarNext = false;
    else if (token === CST.SCALAR) {
      scalarNext = true;
      continue;
    } else if (token === CST.DOCUMENT) continue;
    else if (token === CST.FLOW_END) {
      depth = 0;
      continue;
    } else if (token === '[' || token === '{') {
      if (++depth > MAX_LAB_DEPTH) return offset;
    } else if ((token === ']' || token === '}') && depth > 0) depth--;
    offset += token.length;
  }
  return null;
}

/**
 * The first collection nested deeper than MAX_LAB_DEPTH, found on the parser's tokens without
 * recursion: yaml builds the document recursively, so this runs first.
 */
function tooDeepToken(tokens: readonly CST.Token[]): CST.Token | null {
  const stack: { token: CST.Token; level: number }[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t.type === 'document' && t.value) stack.push({ token: t.value, level: 1 });
  }
  while (stack.length) {
    const { token, level } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (level > MAX_LAB_DEPTH) return token;
    const items: CST.CollectionItem[] = token.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const { key, value } = items[i];
      if (value) stack.push({ token: value, level: level + 1 });
      if (key) stack.push({ token: key, level: level + 1 });
    }
  }
  return null;
}

type Structure =
  | { ok: true; duplicateKeys: YamlNode[]; firstAlias: Alias | null; unresolvedAlias: Alias | null }
  | { ok: false; at: YamlNode; message: (line: number | null) => string };

/**
 * One walk over the document, without recursion, in document order: duplicate keys (yaml's own
 * check compares each key with every earlier one), and how deep the data gets once aliases are
 * expanded: each alias takes the height of its (earlier) anchor, so this stays linear.
 */
function checkStructure(contents: YamlNode | null): Structure {
  const duplicateKeys: YamlNode[] = [];
  let firstAlias: Alias | null = null;
  let unresolvedAlias: Alias | null = null;
  if (!contents) return { ok: true, duplicateKeys, firstAlias, unresolvedAlias };
  const anchors = new Map<string, YamlNode>();
  const heights = new Map<YamlNode, number>();
  const children = (n: YAMLMap | YAMLSeq): YamlNode[] =>
    isMap(n) ? n.items.flatMap((p) => [p.key, p.value].filter((x): x is YamlNode => isNode(x))) : n.items.filter((x): x is YamlNode => isNode(x));
  const stack: { node: YamlNode; level: number; done: boolean }[] = [{ node: contents, level: 1, done: false }];
  while (stack.length) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (isMap(node) || isSeq(node)) {
      if (frame.done) {
        let h = 0;
        for (const c of children(node)) h = Math.max(h, heights.get(c) ?? 0);
        heights.set(node, h + 1);
        continue;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      if (isMap(node)) {
        const keys = new Set<unknown>();
        for (const p of node.items) {
          if (!isScalar(p.key)) continue;
          if (keys.has(p.key.value)) duplicateKeys.push(p.key);
          else keys.add(p.key.value);
        }
      }
      stack.push({ node, level: frame.level, done: true });
      const cs = children(node);
      for (let i = cs.length - 1; i >= 0; i--) stack.push({ node: cs[i], level: frame.level + 1, done: false });
    } else if (isAlias(node)) {
      firstAlias ??= node;
      const target = anchors.get(node.source);
      if (!target) {
        unresolvedAlias ??= node;
        continue;
      }
      const h = isMap(target) || isSeq(target) ? heights.get(target) : 0;
      if (h === undefined) return { ok: false, at: node, message: () => `the YAML alias *${node.source} is inside the value it refers to` };
      heights.set(node, h);
      if (frame.level - 1 + h > MAX_LAB_DEPTH) return { ok: false, at: node, message: (line) => `nesting deeper than ${MAX_LAB_DEPTH} levels at line ${line} (through YAML aliases)` };
    } else if (node.anchor) {
      anchors.set(node.anchor, node);
    }
  }
  return { ok: true, duplicateKeys, firstAlias, unresolvedAlias };
}

/** Lines of nodes by their path; each mapping's keys are indexed once (lookups stay linear). */
function locator(doc: Document.Parsed, lineAt: (offset: number) => number) {
  const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string | number): Pair | undefined => {
    let index = pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (!isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, p);
      }
      pairIndex.set(map, index);
    }
    return index.get(String(key));
  };
  /** The node at a path (aliases are not followed). */
  const nodeAt = (path: LabPath): unknown => {
    let node: unknown = doc.contents;
    for (const p of path) {
      if (isMap(node)) node = pairOf(node, p)?.value;
      else if (isSeq(node) && typeof p === 'number') node = node.items[p];
      else return undefined;
    }
    return node;
  };
  const lineOf = (node: unknown): number | null => lineOfNode(node, lineAt);
  /** The line of a mapping's key (a block value starts on the next line); else of the nearest node on the path. */
  const nodeLine = (path: LabPath): number | null => {
    const last = path[path.length - 1];
    if (typeof last === 'string') {
      const parent = nodeAt(path.slice(0, -1));
      const line = isMap(parent) ? lineOf(pairOf(parent, last)?.key) : null;
      if (line !== null) return line;
    }
    for (let n = path.length; n >= 0; n--) {
      const line = lineOf(nodeAt(path.slice(0, n)));
      if (line !== null) return line;
    }
    return null;
  };
  const keyLine = (parent: LabPath, key: string): number | null => {
    const node = nodeAt(parent);
    const line = isMap(node) ? lineOf(pairOf(node, key)?.key) : null;
    return line ?? nodeLine(parent);
  };
  return { nodeLine, keyLine };
}

/** Parses and validates a lab file's text. `label` names the file in messages (its base name). */
export function parseLabText(text: string, label = 'lab.yaml'): LabParse {
  const fail = (errors: LabFileIssue[]): LabParse => ({ ok: false, label, errors });
  const tooLarge = labTextTooLarge(text);
  if (tooLarge) return fail([issue(label, null, '', `the file is ${tooLarge}`)]);

  const tooDeep = (line: number): LabParse => fail([issue(label, line, '', `nesting deeper than ${MAX_LAB_DEPTH} levels at line ${line}`)]);
  const deepFlow = tooDeepFlowOffset(text);
  if (deepFlow !== null) return tooDeep(text.slice(0, deepFlow).split('\n').length);
  const lc = new LineCounter();
  const lineAt = (offset: number): number => Math.max(1, lc.linePos(offset).line);
  const tokens = Array.from(new Parser(lc.addNewLine).parse(text));
  const deep = tooDeepToken(tokens);
  if (deep) return tooDeep(lineAt(deep.offset));

  // What yaml's parseDocument does, with the duplicate-key check left to checkStructure.
  const composer = new Composer({ uniqueKeys: false });
  let doc: Document.Parsed | undefined;
  const problems = new Problems(label);
  const syntaxError = (message: string): string => `YAML syntax error: ${message.split('\n')[0]}`;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) {
      doc = d;
      continue;
    }
    problems.add(() => lineAt(d.range[0]), '', syntaxError('a lab file is one YAML document; this one has another after ---'));
    break;
  }
  if (!doc) throw new Error('yaml composed no document');
  const yamlDoc = doc;
  for (const e of yamlDoc.errors) problems.add(() => lineAt(e.pos[0]), '', syntaxError(e.message));
  const structure = checkStructure(yamlDoc.contents as YamlNode | null);
  if (!structure.ok) {
    const line = lineOfNode(structure.at, lineAt);
    return fail([issue(label, line, '', structure.message(line))]);
  }
  for (const key of structure.duplicateKeys) problems.add(() => lineOfNode(key, lineAt), '', syntaxError('Map keys must be unique'));
  if (problems.count) return fail(problems.list());

  const { nodeLine, keyLine } = locator(yamlDoc, lineAt);
  let raw: unknown;
  try {
    raw = yamlDoc.toJS({ maxAliasCount: MAX_LAB_ALIASES });
  } catch (e) {
    const bomb = /excessive alias count/i.test((e as Error).message);
    const message = bomb ? `YAML aliases expand too much: a lab file may use at most ${MAX_LAB_ALIASES} alias expansions` : `YAML error: ${(e as Error).message}`;
    const line = lineOfNode(structure.unresolvedAlias ?? structure.firstAlias, lineAt);
    return fail([issue(label, line, '', message)]);
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).network === 'none') {
    raw = { ...(raw as Record<string, unknown>), network: null };
  }
  const r = labSchema.safeParse(raw);
  if (!r.success) {
    for (const zi of r.error.issues) {
      const base = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (zi.code === 'unrecognized_keys') {
        for (let i = 0; i < zi.keys.length; i++) {
          if (problems.full) {
            problems.countMore(zi.keys.length - i);
            break;
          }
          const k = zi.keys[i];
          problems.add(() => keyLine(base, k), formatPath([...base, shortKey(k)]), englishText(M('lab.issue.unknownField')));
        }
      } else {
        problems.add(() => nodeLine(base), formatPath(base), zi.message);
      }
    }
    return fail(problems.list());
  }
  const lab = r.data as LabSpec;
  if (lab.network === undefined) lab.network = { mode: 'isolated' };
  const warnings: string[] = [];
  return {
    ok: true,
    lab,
    vms: expandLab(lab),
    containers: expandContainers(lab),
    label,
    warnings,
    issueAt(path, message, text) {
      return issue(label, nodeLine(path), formatPath(path), message, text);
    },
  };
}

/** Lab file problems as one error: the first problem, and how many more there are. */
export class LabFileError extends Error {
  override readonly name = 'LabFileError';
  /** All problems, also those past the listed ones. */
  readonly problemCount: number;
  constructor(readonly issues: LabFileIssue[]) {
    const n = problemCount(issues);
    super(n > 1 ? `${issues[0].text} (and ${n - 1} more problem${n > 2 ? 's' : ''})` : issues[0]?.text ?? 'invalid lab file');
    this.problemCount = n;
  }
}
