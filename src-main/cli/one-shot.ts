// The quick path for the commands people run most and expect at virsh's speed: `list` and the
// names shell completion asks for (`__complete vm|snapshot VM|pool|network`). They run libvirt
// in THIS process, without the core and without a host process: the core's modules (zod, every
// handler, YAML, the XML builders) take longer to load than libvirt takes to answer, and a forked
// host process is a second Node start.
//
// In-process libvirt is safe here because this process only ever runs one HostService, calls it
// synchronously from its one JS thread (docs/koffi.md rule 4), never needs a second event-loop
// implementation (rule 5) and shuts the service down before it exits (rule 7). Commands that
// change things, wait for events or run long (create, clone, console, lab up…) go through the
// core and its host process.
//
// This path answers only when it can answer exactly as the core would: a local connection named
// by --connect or the environment (or qemu:///system when no default is saved and it opens), and
// nothing but --connect/--json. Anything else — including any failure — returns undefined and the
// caller runs the command through the core, which gives the usual errors.
//
// Even so a Node process that loads libvirt takes ~3× virsh (Node's start and libvirt's load
// alone are ~2.8×: docs/architecture.md). So the built CLI first asks the CLI agent
// (agent-client.ts, agent-server.ts), a background process per user and URI that keeps libvirt
// open and answers with oneShotOutput below — the same text this path prints, computed by the
// same code with fresh data — and declines on any failure; this path runs when there is no
// agent, it does not answer, declines, or VIRTDESK_NO_AGENT=1; after it answers, the entry
// starts an agent for next time.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { VmSummary } from '../contract';
import type { DomainSummary } from '../contract/libvirt-types';
import { checkConnectionUri } from '../contract/connection-uri';
import { vmTable } from './output';
import { readListMetadata, type ListMetadata } from './list-metadata';
import type { HostService as HostServiceType } from '../libvirt/host-service';

const SYSTEM_URI = 'qemu:///system';

/** What --connect completes to: the saved connections and default, then the usual local ones. */
export function completionUris(settingsDir: string): string[] {
  let saved: { connections?: { uri?: unknown }[]; defaultConnection?: unknown } = {};
  try {
    saved = JSON.parse(fs.readFileSync(path.join(settingsDir, 'settings.json'), 'utf8'));
  } catch {
    /* no settings yet */
  }
  const uris = [saved.defaultConnection, ...(Array.isArray(saved.connections) ? saved.connections.map((c) => c?.uri) : []), SYSTEM_URI, 'qemu:///session', 'test:///default'];
  return [...new Set(uris.filter((u): u is string => typeof u === 'string' && checkConnectionUri(u).ok))];
}

/** The URI to open in-process, or null when the core must decide (remote, refused, a saved default). */
export function oneShotUri(named: string | undefined, settingsDir: string): string | null {
  if (named === undefined) {
    // The core's rule: the saved default, else qemu:///system if it answers. Only the second is ours.
    try {
      const saved = JSON.parse(fs.readFileSync(path.join(settingsDir, 'settings.json'), 'utf8')) as { defaultConnection?: unknown };
      if (saved.defaultConnection) return null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    return SYSTEM_URI;
  }
  const check = checkConnectionUri(named);
  // Remote URIs may ask for a password or take seconds to fail: the core handles them once.
  return check.ok && (check.transport === null || check.transport === 'unix') && !check.host ? check.uri : null;
}

/** The --connect URI: the user named it on purpose, so the core may open it although it is not saved. */
export function connectFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--connect' || a.startsWith('--connect='));
  if (i < 0) return undefined;
  return argv[i].startsWith('--connect=') ? argv[i].slice('--connect='.length) : argv[i + 1];
}

/**
 * The command line with the environment's default connection as --connect when none is given:
 * VIRTDESK_DEFAULT_URI, else LIBVIRT_DEFAULT_URI (virsh's variable), so `virtdesk` and `virsh`
 * talk to the same libvirt.
 */
export function withDefaultConnect(argv: string[], env: NodeJS.ProcessEnv): string[] {
  const uri = env.VIRTDESK_DEFAULT_URI || env.LIBVIRT_DEFAULT_URI;
  return uri && connectFlag(argv) === undefined ? [...argv, '--connect', uri] : argv;
}

export type OneShotWords = { command: string; kind?: string; vm?: string; json: boolean; connect?: string };

/** The command line if it is one this path answers, else null. */
export function oneShotWords(argv: string[]): OneShotWords | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { connect: { type: 'string' }, json: { type: 'boolean', default: false } } });
  } catch {
    return null;
  }
  const [command, kind, vm, ...rest] = parsed.positionals;
  const base = { command, json: parsed.values.json, connect: parsed.values.connect };
  if (command === 'list' && kind === undefined) return base;
  if (command === '__complete' && !rest.length && ((['vm', 'pool', 'network', 'uri'].includes(kind ?? '') && vm === undefined) || (kind === 'snapshot' && vm))) return { ...base, kind, vm };
  return null;
}

/** VmSummary exactly as the core's vm.list builds it (toVmSummary): the integration test compares both. */
function vmSummary(connection: string, d: DomainSummary, xml: ListMetadata): VmSummary {
  const { stateReason: _r, cpuTimeNs: _c, ...rest } = d;
  return { connection, ...rest, ...(xml.os ? { os: xml.os } : {}), ...(xml.lab ? { lab: xml.lab } : {}), ...(xml.tags ? { tags: xml.tags } : {}) };
}

/**
 * What the command prints, from libvirt through `service` (open on `uri`); throws on any failure.
 * The one computation of this output: runOneShot prints it, and so does the CLI agent
 * (agent-server.ts), so an answer from the agent is byte for byte the in-process one. It depends
 * on nothing but the words, the URI and libvirt (not on the terminal: the table is the same on
 * a TTY and in a pipe).
 */
export async function oneShotOutput(words: OneShotWords, uri: string, service: HostServiceType): Promise<string> {
  if (words.command === '__complete') {
    const names =
      words.kind === 'vm' ? service.listDomains().map((d) => d.name)
      : words.kind === 'pool' ? service.listPools().map((p) => p.name)
      : words.kind === 'network' ? service.listNetworks().map((n) => n.name)
      : service.listSnapshots({ name: words.vm! }).map((s) => s.name);
    return names.length ? `${names.join('\n')}\n` : '';
  }
  const vms: VmSummary[] = [];
  for (const d of service.listDomains()) {
    const xml = service.domainXml({ uuid: d.uuid });
    // The DOM and the domain model load only for XML the one-pass reader declines.
    vms.push(vmSummary(uri, d, readListMetadata(xml) ?? (await import('../xml/domain-summary')).summarizeDomainXml(xml)));
  }
  return words.json ? `${JSON.stringify(vms, null, 2)}\n` : vmTable(vms);
}

// On globalThis, not in a module variable: the built CLI holds two copies of this module (its
// CommonJS entry's and main.ts's ES chunk, scripts/build-cli.mjs).
const TRIED = Symbol.for('virtdesk.cli.oneShotTried');

/**
 * Runs the command in-process. Returns its exit code, or undefined when the core must run it
 * (not a command of this path, a connection it does not open, or any failure). Once per process:
 * the bundle's entry (cli-entry.ts) tries it before main.ts loads, and main.ts's own call then
 * declines at once instead of opening a connection that already failed.
 */
export async function runOneShot(argv: string[], settingsDir: string): Promise<number | undefined> {
  const state = globalThis as { [TRIED]?: boolean };
  if (state[TRIED]) return undefined;
  state[TRIED] = true;
  const words = oneShotWords(argv);
  if (!words) return undefined;
  if (words.kind === 'uri') {
    process.stdout.write(completionUris(settingsDir).map((u) => `${u}\n`).join(''));
    return 0;
  }
  const uri = oneShotUri(words.connect, settingsDir);
  if (!uri) return undefined;
  const { HostService, stopEventLoop } = await import('./one-shot-libvirt');
  let service: HostServiceType;
  try {
    service = HostService.open(uri, () => undefined, () => undefined);
  } catch {
    // Nothing of libvirt may stay registered in a process that goes on to run the core.
    stopEventLoop();
    return undefined;
  }
  let out: string;
  try {
    out = await oneShotOutput(words, uri, service);
  } catch {
    return undefined;
  } finally {
    service.shutdown();
  }
  process.stdout.write(out);
  return 0;
}
