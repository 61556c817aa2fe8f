// Lab files (*.lab.yaml): the schema (zod), parsing with line numbers (yaml's Document ranges +
// LineCounter: every problem reads "lab.yaml:7: machines[1].count: must be between 1 and 50"),
// and the expansion of `count` into VM names. Pure: no libvirt, no file system.
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
import { createHash } from 'node:crypto';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { LAB_NAME_RE, LAB_NAME_RULE, type LabFileIssue } from '../api/contract-labs';

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
const expect = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is missing' : `must be ${what}`) });

const between = (min: number, max: number, unit = '') =>
  z
    .number(expect('a number'))
    .int(`must be a whole number between ${min} and ${max}${unit}`)
    .min(min, `must be between ${min} and ${max}${unit}`)
    .max(max, `must be between ${min} and ${max}${unit}`);

const absolutePath = z
  .string(expect('a path'))
  .min(1, 'is empty')
  .max(4096, 'is longer than 4096 characters')
  .refine((s) => s.startsWith('/'), 'must be an absolute path (starting with /)')
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
      name: z.string(expect('text')).regex(MACHINE_NAME_RE, 'must be 1–32 letters, digits, - or _ (starting with a letter or digit)'),
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
  .min(1, 'is empty')
  .max(32, 'is longer than 32 characters')
  .refine((s) => !CONTROL.test(s), 'contains a control character')
  .refine((s) => s.trim() === s, 'must not start or end with a space');

export const labSchema = z
  .object(
    {
      name: z.string(expect('text')).regex(LAB_NAME_RE, LAB_NAME_RULE),
      base: baseSchema,
      machines: z
        .array(machineSchema, expect('a list of machines'))
        .min(1, 'needs at least one machine')
        .max(MAX_COUNT, `at most ${MAX_COUNT} machine entries`)
        .superRefine((list, ctx) => {
          // Only once every entry is valid (zod runs this even when an entry is not).
          const valid = (m: LabMachine): boolean => typeof m?.name === 'string' && MACHINE_NAME_RE.test(m.name) && Number.isInteger(m.count) && m.count >= 1 && m.count <= MAX_COUNT;
          if (!list.every(valid)) return;
          const owner = new Map<string, number>();
          const entries = new Map<string, number>();
          list.forEach((m, i) => {
            const e = entries.get(m.name);
            if (e !== undefined) {
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `machines[${e}] is already named '${m.name}' — use count for several machines of one kind` });
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
              const expanded = other.count > 1 ? `: '${other.name}' with count ${other.count} makes ${instanceNames(other).join(', ')}` : '';
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `'${inst}' is also a machine of machines[${j}]${expanded} — names must stay unique after count expands them` });
              return;
            }
          });
          const total = list.reduce((n, m) => n + m.count, 0);
          if (total > MAX_LAB_VMS) ctx.addIssue({ code: 'custom', message: `the machines add up to ${total} VMs; a lab has at most ${MAX_LAB_VMS}` });
        }),
      network: networkSchema.nullable().optional(),
      tags: z
        .array(tagSchema, expect('a list of tags'))
        .max(20, 'at most 20 tags')
        .default([])
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((t, i) => {
            if (seen.has(t)) ctx.addIssue({ code: 'custom', path: [i], message: `tag '${t}' is listed twice` });
            seen.add(t);
          });
        }),
    },
    expect('a YAML mapping with name, base and machines'),
  )
  .strict();

export type LabSpec = Omit<z.output<typeof labSchema>, 'network'> & {
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

export function expandLab(lab: LabSpec): LabVm[] {
  return lab.machines.flatMap((machine, index) => instanceNames(machine).map((instance) => ({ name: labVmName(lab.name, instance), index, machine, instance })));
}

export type LabPath = (string | number)[];

export function formatPath(path: LabPath): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

export interface ParsedLab {
  ok: true;
  lab: LabSpec;
  vms: LabVm[];
  label: string;
  /** A problem found later (base missing, name taken, …) placed on the file's line. */
  issueAt(path: LabPath, message: string): LabFileIssue;
  warnings: string[];
}

export type LabParse = ParsedLab | { ok: false; label: string; errors: LabFileIssue[] };

function issueText(label: string, line: number | null, path: string, message: string): string {
  if (line === null && !path) line = 1;
  return `${label}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${message}`;
}

function locator(doc: Document, lc: LineCounter) {
  const lineAt = (offset: number | undefined): number | null => (offset === undefined ? null : lc.linePos(offset).line);
  const nodeLine = (path: LabPath): number | null => {
    // A mapping's field: the line of its key (a block value starts on the next line).
    const last = path[path.length - 1];
    if (typeof last === 'string') {
      const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lineAt(range[0]);
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lineAt(range[0]);
    }
    return null;
  };
  const keyLine = (parent: LabPath, key: string): number | null => {
    const node = parent.length === 0 ? doc.contents : doc.getIn(parent, true);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineAt(range[0]);
    }
    return nodeLine(parent);
  };
  return { nodeLine, keyLine };
}

/** Parses and validates a lab file's text. `label` names the file in messages (its base name). */
export function parseLabText(text: string, label = 'lab.yaml'): LabParse {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      label,
      errors: doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line ?? null;
        const message = `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
        return { line, path: '', message, text: issueText(label, line, '', message) };
      }),
    };
  }
  const { nodeLine, keyLine } = locator(doc, lc);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    const message = `YAML error: ${(e as Error).message}`;
    return { ok: false, label, errors: [{ line: null, path: '', message, text: issueText(label, null, '', message) }] };
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).network === 'none') {
    raw = { ...(raw as Record<string, unknown>), network: null };
  }
  const r = labSchema.safeParse(raw);
  if (!r.success) {
    const errors = r.error.issues.flatMap((issue): LabFileIssue[] => {
      const base = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => {
          const path = formatPath([...base, k]);
          const line = keyLine(base, k);
          const message = 'unknown field';
          return { line, path, message, text: issueText(label, line, path, message) };
        });
      }
      const path = formatPath(base);
      const line = nodeLine(base);
      return [{ line, path, message: issue.message, text: issueText(label, line, path, issue.message) }];
    });
    errors.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    return { ok: false, label, errors };
  }
  const lab = r.data as LabSpec;
  if (lab.network === undefined) lab.network = { mode: 'isolated' };
  const warnings: string[] = [];
  return {
    ok: true,
    lab,
    vms: expandLab(lab),
    label,
    warnings,
    issueAt(path, message) {
      const line = nodeLine(path);
      const p = formatPath(path);
      return { line, path: p, message, text: issueText(label, line, p, message) };
    },
  };
}

/** Lab file problems as one error: the first problem, and how many more there are. */
export class LabFileError extends Error {
  override readonly name = 'LabFileError';
  constructor(readonly issues: LabFileIssue[]) {
    super(issues.length > 1 ? `${issues[0].text} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : issues[0]?.text ?? 'invalid lab file');
  }
}
