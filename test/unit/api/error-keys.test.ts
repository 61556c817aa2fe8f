// Every error the core throws on the most common paths — VM lifecycle, create validation,
// storage and network refusals, the file checks of the New VM wizard, editing a VM's settings
// and hardware — carries a message key,
// so the UI can show it in Japanese: each literal message in those modules must match one of
// contract/messages.ts's ERROR_MESSAGES templates (messages passed through from elsewhere, such
// as another error's e.message, are that error's business). A new untranslated error there fails.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, LAB_MESSAGES, matchMessage, type ServerMessageKey } from '../../../src-main/contract/messages';

const ROOT = resolve(__dirname, '../../..');
const COMMON_PATHS = [
  'src-main/api/handlers/vms.ts',
  'src-main/api/handlers/vm-create-delete.ts',
  'src-main/api/handlers/storage.ts',
  'src-main/api/handlers/networks.ts',
  'src-main/api/handlers/files.ts',
  'src-main/api/handlers/os.ts',
  'src-main/storage/pools.ts',
  'src-main/storage/disk-image.ts',
  'src-main/storage/copy-to-pool.ts',
  'src-main/storage/qemu-access-check.ts',
  'src-main/vms/create.ts',
  'src-main/xml/vm-plan.ts',
  'src-main/api/handlers/vm-edit.ts',
  'src-main/api/handlers/vm-devices.ts',
];
/** Calls whose message argument reaches the user: (name, index of the message argument). */
const THROWERS: [RegExp, number][] = [
  [/\binvalid\(/g, 1],
  [/\bnotFound\(/g, 1],
  [/\bnew ApiError\(/g, 1],
  [/\bnew FileCheckError\(/g, 0],
  [/\bnew QemuAccessError\(/g, 0],
  [/\bproblem\(/g, 1],
];

/** The end of a string or template literal starting at `i` (templates may nest). */
function literalEnd(src: string, i: number): number {
  const q = src[i];
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') j += 2;
    else if (c === q) return j + 1;
    else if (q === '`' && c === '$' && src[j + 1] === '{') j = exprEnd(src, j + 2, '}') + 1;
    else j++;
  }
  return j;
}

/** The index of the closing `close` of an expression starting at `i` (brackets and literals skipped). */
function exprEnd(src: string, i: number, close: string): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j] as string;
    if (c === "'" || c === '"' || c === '`') j = literalEnd(src, j) - 1;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return j;
      depth--;
    } else if (c === ',' && depth === 0 && close === ',') return j;
  }
  return src.length;
}

/** The top-level string and template literals of an argument expression, as sample texts (each ${…} → "x"); 'a' + 'b' is one text. */
function literalsOf(arg: string): string[] {
  const out: string[] = [];
  let joinNext = false;
  for (let j = 0; j < arg.length; j++) {
    const c = arg[j] as string;
    if (c === "'" || c === '"' || c === '`') {
      const end = literalEnd(arg, j);
      const text = sample(arg.slice(j, end));
      if (joinNext && out.length) out[out.length - 1] += text;
      else out.push(text);
      j = end - 1;
      joinNext = /^\s*\+\s*['"`]/.test(arg.slice(end));
    } else if (c === '(' || c === '[' || c === '{') j = exprEnd(arg, j + 1, ')');
  }
  return out;
}

/** The literal with each ${…} left empty (an optional suffix such as " (pools: …)" may be empty too). */
function sample(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal[0] !== '`') return body.replace(/\\(.)/g, '$1');
  let out = '';
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '$' && body[j + 1] === '{') {
      j = exprEnd(body, j + 2, '}');
    } else if (body[j] === '\\') out += body[++j];
    else out += body[j];
  }
  return out;
}

interface Site {
  file: string;
  line: number;
  text: string;
}

function messageSites(file: string, throwers: [RegExp, number][] = THROWERS): Site[] {
  const src = readFileSync(resolve(ROOT, file), 'utf8');
  const sites: Site[] = [];
  for (const [re, argIndex] of throwers) {
    for (const m of src.matchAll(re)) {
      let start = (m.index ?? 0) + m[0].length;
      // Definitions (`const invalid = (field: string, …`) are not calls.
      if (/^\s*\w+\s*:\s*\w+/.test(src.slice(start, start + 40)) && /=>|function|const /.test(src.slice(Math.max(0, (m.index ?? 0) - 30), m.index))) continue;
      for (let a = 0; a < argIndex; a++) start = exprEnd(src, start, ',') + 1;
      const end = Math.min(exprEnd(src, start, ','), exprEnd(src, start, ')'));
      const line = src.slice(0, m.index).split('\n').length;
      // Error codes compared inside the argument (code === 'ENOENT' ? …) are no messages.
      for (const text of literalsOf(src.slice(start, end))) if (text && !/^[A-Z_]+$/.test(text)) sites.push({ file, line, text });
    }
  }
  return sites;
}

// libvirt's own words ('{detail}') are quoted by error number, not matched by text.
const keys = (Object.keys(ERROR_MESSAGES) as ServerMessageKey[]).filter((k) => !k.startsWith('error.libvirt.'));

describe('core errors on the common paths carry a message key', () => {
  const sites = COMMON_PATHS.flatMap((f) => messageSites(f));

  it('finds the messages (the scanner works)', () => {
    expect(sites.length).toBeGreaterThan(60);
    expect(sites.some((s) => s.text === "no storage pool named ''")).toBe(true);
  });

  it('each literal message matches an ERROR_MESSAGES template', () => {
    const untranslated = sites.filter((s) => !matchMessage(s.text, keys)).map((s) => `${s.file}:${s.line}: ${s.text}`);
    expect(untranslated, 'give these texts a template in ERROR_MESSAGES (contract/messages.ts) and Japanese in ja-server.ts').toEqual([]);
  });
});

// Remote connections (connect failures, host keys, tunnels), migration refusals and lab runs:
// every literal error there matches an ERROR_MESSAGES template; the problems a lab up finds in the
// lab file (its host, containers, names) match LAB_MESSAGES. Messages built from keys in code
// (englishText(message(…))) have no literal left to scan.
const filesIn = (dir: string): string[] =>
  readdirSync(resolve(ROOT, dir)).filter((f) => f.endsWith('.ts')).sort().map((f) => `${dir}/${f}`);
const REMOTE_MIGRATION_LAB_PATHS = [...filesIn('src-main/remote'), ...filesIn('src-main/migration'), ...filesIn('src-main/labs')];
const MORE_THROWERS: [RegExp, number][] = [
  ...THROWERS,
  [/\bnew Error\(/g, 0],
  // migration refusals are collected before they are thrown together
  [/\b(?:out|refusals)\.push\(/g, 0],
];
/** A lab file problem: add(path, message) / issueAt(path, message). */
const LAB_ISSUES: [RegExp, number][] = [[/\b(?:add|issueAt)\((?=\s*\[)/g, 1]];
const labKeys = Object.keys(LAB_MESSAGES) as ServerMessageKey[];

describe('errors of remote connections, migration and labs carry a message key', () => {
  const sites = REMOTE_MIGRATION_LAB_PATHS.flatMap((f) => messageSites(f, MORE_THROWERS));
  const labSites = ['src-main/labs/labs.ts', 'src-main/labs/lab-containers.ts'].flatMap((f) => messageSites(f, LAB_ISSUES));

  it('finds the messages (the scanner works)', () => {
    expect(REMOTE_MIGRATION_LAB_PATHS).toEqual(expect.arrayContaining(['src-main/remote/connect-errors.ts', 'src-main/migration/migrate.ts', 'src-main/labs/labs.ts']));
    expect(sites.length).toBeGreaterThan(20);
    expect(sites.some((s) => s.text.startsWith("lab file '' does not exist"))).toBe(true);
    expect(labSites.length).toBeGreaterThan(10);
  });

  it('each literal error matches an ERROR_MESSAGES template', () => {
    const untranslated = sites.filter((s) => !matchMessage(s.text, keys)).map((s) => `${s.file}:${s.line}: ${s.text}`);
    expect(untranslated, 'give these texts a template in ERROR_MESSAGES (contract/messages.ts) and Japanese in ja-server.ts').toEqual([]);
  });

  it('each lab file problem a lab up finds matches a LAB_MESSAGES template', () => {
    const untranslated = labSites.filter((s) => !matchMessage(s.text, labKeys)).map((s) => `${s.file}:${s.line}: ${s.text}`);
    expect(untranslated, 'give these texts a template in LAB_MESSAGES (contract/messages.ts) and Japanese in ja-server.ts').toEqual([]);
  });
});

// Connection state texts (why a connection failed or is reconnecting, shown in the sidebar and
// the main area), the host process's own failures, and the file checks of the New container
// wizard: every literal text matches an ERROR_MESSAGES template. Lab up warnings and the problems
// a lab down reports are matched the same way by the Labs page.
const CONNECTION_CONTAINER_PATHS = ['src-main/api/connection-manager.ts', 'src-main/libvirt/errors.ts', 'src-main/libvirt/host-client.ts', ...filesIn('src-main/containers')];
const STATE_THROWERS: [RegExp, number][] = [
  ...MORE_THROWERS,
  [/\bnew HostProcessError\(/g, 2],
  // a connection's state text: setState(m, state, text), scheduleReconnect(m, text)
  [/\bthis\.setState\(/g, 2],
  [/\bthis\.scheduleReconnect\(/g, 1],
  [/\blostReason = /g, 0],
  // a measure's or a status's error text: { error: `…` }
  [/\berror: (?=[`'"])/g, 0],
];
const LAB_NOTES: [RegExp, number][] = [[/\b(?:warnings|problems)\.push\(/g, 0]];

describe('connection state texts, host process failures, container file checks and lab notes carry a message key', () => {
  const sites = CONNECTION_CONTAINER_PATHS.flatMap((f) => messageSites(f, STATE_THROWERS));
  const labNotes = filesIn('src-main/labs').flatMap((f) => messageSites(f, LAB_NOTES));

  it('finds the messages (the scanner works)', () => {
    expect(CONNECTION_CONTAINER_PATHS).toEqual(expect.arrayContaining(['src-main/containers/check-spec.ts', 'src-main/containers/create-container.ts']));
    expect(sites.length).toBeGreaterThan(10);
    expect(sites.some((s) => s.text.startsWith('lost connection to '))).toBe(true);
    expect(labNotes.length).toBeGreaterThan(5);
  });

  it('each literal text matches an ERROR_MESSAGES template', () => {
    const untranslated = [...sites, ...labNotes].filter((s) => !matchMessage(s.text, keys)).map((s) => `${s.file}:${s.line}: ${s.text}`);
    expect(untranslated, 'give these texts a template in ERROR_MESSAGES (contract/messages.ts) and Japanese in ja-server.ts').toEqual([]);
  });
});
