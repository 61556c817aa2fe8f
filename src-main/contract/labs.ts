// Testing labs: declarative lab files (*.lab.yaml) and what they create.
import { z } from 'zod';
import { method, onConnection } from './common';
import { filePath } from './fields';
import { refuseInvisible } from './display-name';
import type { DomainState } from './libvirt-types';
import type { MessageParam, ServerMessageKey } from './messages';

/** Lab names become parts of VM, volume and network names: a safe set, short. */
export const LAB_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/;
export const LAB_NAME_RULE = 'must be 1–24 letters, digits, - or _ (starting with a letter or digit)';
const labName = z.string({ error: 'name must be text' }).superRefine(refuseInvisible('name')).regex(LAB_NAME_RE, `name ${LAB_NAME_RULE}`);

/** A lab: by its file (on the computer running Virtdesk), or by name (found by its VMs' metadata). */
const labRef = z
  .object({ ...onConnection, file: filePath('file').optional(), name: labName.optional() })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.file === !v.name) ctx.addIssue({ code: 'custom', path: ['file'], message: 'give the lab file (file) or the lab name (name), not both' });
  });

/** Lab files and editor texts, in UTF-8 bytes as on disk: a lab fits in far less; the limit keeps one file from stalling the server. */
export const MAX_LAB_TEXT_BYTES = 256 * 1024;

/** A text's size in UTF-8 bytes (its size as a file). */
function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** "262145 bytes; a lab file may be at most 262144 bytes (256 KiB)", or null when the text is within the limit. */
export function labTextTooLarge(text: string): string | null {
  if (text.length * 3 <= MAX_LAB_TEXT_BYTES) return null;
  const bytes = utf8Bytes(text);
  return bytes > MAX_LAB_TEXT_BYTES ? `${bytes} bytes; a lab file may be at most ${MAX_LAB_TEXT_BYTES} bytes (${MAX_LAB_TEXT_BYTES / 1024} KiB)` : null;
}

/** A lab file's path, or its text (an editor in the UI); fileName labels error lines ("lab.yaml:7: …"). */
const labSource = z
  .object({
    ...onConnection,
    file: filePath('file').optional(),
    text: z
      .string({ error: 'text must be text' })
      .superRefine((s, ctx) => {
        const tooLarge = labTextTooLarge(s);
        if (tooLarge) ctx.addIssue({ code: 'custom', message: `text is ${tooLarge}` });
      })
      .optional(),
    fileName: z.string().min(1, 'fileName is empty').max(255, 'fileName is longer than 255 characters').regex(/^[^/\u0000-\u001f]+$/, 'fileName must be a plain file name').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.file === undefined) === (v.text === undefined)) ctx.addIssue({ code: 'custom', path: ['file'], message: 'give the lab file (file) or its text (text), not both' });
  });

// ---- results: labs ----
export interface LabMachineState {
  /** The VM's name: <lab>-<instance>. */
  name: string;
  /** The machine entry of the lab file, and this instance of it (<machine> or <machine>-<i>). */
  machine: string;
  instance: string;
  uuid: string;
  state: DomainState;
  overlays: string[];
  /** The cloud-init seed volume Virtdesk made for it (lab down deletes it too). */
  seed?: string;
  /** 'container': a `kind: container` machine, a libvirt LXC domain on `connection` (absent: a VM on the lab's connection). */
  kind?: 'vm' | 'container';
  connection?: string;
}

export interface LabStatus {
  lab: string;
  connection: string;
  tags: string[];
  /** The base disk(s) every machine's overlay sits on. */
  base: string[];
  network: { name: string; active: boolean; subnet: string | null; dhcp: boolean } | null;
  machines: LabMachineState[];
  /** Instances the lab file lists that have no VM (only when the call named the file). */
  missing: string[];
}

export interface LabUpResult extends LabStatus {
  /** VMs this call created, and VMs of the lab that already existed (idempotent up). */
  created: string[];
  existing: string[];
  warnings: string[];
  ms: number;
}

export interface LabResetResult extends LabStatus {
  ms: number;
}

export interface LabDownResult {
  lab: string;
  removedVms: string[];
  removedVolumes: string[];
  removedNetwork: string | null;
  /** The lab's containers it removed (on the LXC connection; their root folders are kept), when it has any. */
  removedContainers?: string[];
  /** What could not be removed (the rest was). */
  problems: string[];
}

export interface LabSummary {
  name: string;
  machines: number;
  running: number;
  tags: string[];
  network: string | null;
}

export interface LabFileIssue {
  /** 1-based line in the lab file; null when it cannot be placed. */
  line: number | null;
  /** machines[1].count */
  path: string;
  message: string;
  /** "lab.yaml:7: machines[1].count: must be between 1 and 50" */
  text: string;
  /** `message` as a key of contract/messages.ts with its parameters, for the common kinds of problem. */
  key?: ServerMessageKey;
  params?: Record<string, MessageParam>;
}

export interface LabValidation {
  ok: boolean;
  /** At most 100 problems, by line; the last one may be "and N more problems". */
  errors: LabFileIssue[];
  /** How many problems there are in all (more than `errors` lists when the file has many). */
  problemCount?: number;
  warnings: string[];
  /** The lab as it would be created (VM names expanded), when the file is valid. */
  lab?: { name: string; tags: string[]; vms: { name: string; machine: string; instance: string; memoryMiB: number; vcpus: number; kind?: 'container' }[]; network: string | null; host?: string };
}

export const labMethods = {
  /** Checks a lab file (syntax, schema, base, names, network) without creating anything. */
  'lab.validate': method(labSource, {} as LabValidation),
  /**
   * Creates what the lab file describes (network, one linked clone per machine) and starts the
   * machines. Idempotent: existing machines of the lab are kept (and started). Everything is
   * checked first; a failure removes what this call created.
   */
  'lab.up': method(labSource, {} as LabUpResult),
  'lab.start': method(labRef, {} as LabStatus),
  /** Forces the lab's VMs off. */
  'lab.stop': method(labRef, {} as LabStatus),
  'lab.status': method(labRef, {} as LabStatus),
  /** Back to baseline: forces the VMs off, recreates each overlay from the base, starts them. */
  'lab.reset': method(labRef, {} as LabResetResult),
  /** Removes exactly what the lab created: its VMs (found by metadata), their overlays, its network. */
  'lab.down': method(labRef, {} as LabDownResult),
  /** Labs present on a connection (from the VMs' metadata). */
  'lab.list': method(z.object(onConnection).strict(), [] as LabSummary[]),
} as const;
