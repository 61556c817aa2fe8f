// Benchmark groups for the libvirt layer, all on libvirt's test driver (no daemon needed):
// in-process calls through binding.ts, round trips through a forked host process, virsh per
// call, and listing 1,000 domains cold (fresh host process) and warm.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '../src-main/libvirt/binding';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import type { HostSpawner } from '../src-main/libvirt/host-channel';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { HOST_URI_ENV } from '../src-main/libvirt/protocol';
import { type GroupResult, type Row, fmtMs, fmtUs, median, now, percentile, round } from './lib';
import { writeTestNode } from './test-node-xml';

const TEST_URI = 'test:///default';
const DOMAIN = 'test';

// ---------------------------------------------------------------------------------------------
// Sync call in-process: Domain.state() (virDomainGetState) through binding.ts.

export async function syncCallGroup(o: { iterations?: number; batch?: number } = {}): Promise<GroupResult> {
  const iterations = o.iterations ?? 20_000;
  const batch = o.batch ?? 1_000;
  using conn = Connection.open(TEST_URI);
  using dom = conn.domainByName(DOMAIN);
  for (let i = 0; i < 2_000; i++) dom.state(); // warm-up (JIT, koffi's call path)
  const perCall: number[] = [];
  for (let b = 0; b < iterations / batch; b++) {
    const t0 = now();
    for (let i = 0; i < batch; i++) dom.state();
    perCall.push(((now() - t0) * 1000) / batch);
  }
  // For comparison: the cheapest libvirt call there is.
  const t0 = now();
  for (let i = 0; i < batch * 5; i++) conn.libVersion();
  const libVersionUs = ((now() - t0) * 1000) / (batch * 5);

  const syncCallUs = median(perCall);
  return {
    metrics: { syncCallUs: round(syncCallUs) },
    rows: [
      { what: 'sync Domain.state() in-process', value: fmtUs(syncCallUs), note: `median of ${perCall.length} batches × ${batch}` },
      { what: 'sync Connection.libVersion()', value: fmtUs(libVersionUs), note: 'reference: cheapest call' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Host process round trip: client.api.domainState() awaited one by one.

export async function hostRoundTripGroup(o: { calls?: number; warmup?: number } = {}): Promise<GroupResult> {
  const calls = o.calls ?? 2_000;
  const warmup = o.warmup ?? 300;
  const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner);
  try {
    await client.connect();
    const ref = { name: DOMAIN };
    for (let i = 0; i < warmup; i++) await client.api.domainState(ref);
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = now();
      await client.api.domainState(ref);
      samples.push((now() - t0) * 1000);
    }
    // Pipelined: 64 in flight at a time (what a UI refresh of many rows does).
    const inFlight = 64;
    const rounds = 20;
    const t0 = now();
    for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: inFlight }, () => client.api.domainState(ref)));
    const pipelinedUs = ((now() - t0) * 1000) / (rounds * inFlight);

    const hostRoundTripUs = median(samples);
    const floorUs = await ipcEchoFloorUs(calls, warmup);
    return {
      metrics: { hostRoundTripUs: round(hostRoundTripUs) },
      rows: [
        { what: 'host round trip domainState()', value: fmtUs(hostRoundTripUs), note: `median of ${calls}, p90 ${fmtUs(percentile(samples, 90))}, p99 ${fmtUs(percentile(samples, 99))}` },
        { what: 'host round trip, 64 in flight', value: fmtUs(pipelinedUs), note: 'per call' },
        { what: 'IPC floor: bare echo child', value: fmtUs(floorUs), note: 'fork + advanced serialization, no libvirt, same message shape' },
      ],
    };
  } finally {
    await client.close();
  }
}

/** Round trip to a plain Node child that only echoes: the floor any host process round trip pays. */
async function ipcEchoFloorUs(calls: number, warmup: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-bench-echo-'));
  const file = path.join(dir, 'echo.js');
  fs.writeFileSync(file, "process.on('message', (m) => process.send({ kind: 'result', id: m.id, result: { state: 'running', reason: 0 } }));\n");
  const child = fork(file, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const waiting = new Map<number, () => void>();
    child.on('message', (m: { id: number }) => {
      waiting.get(m.id)?.();
      waiting.delete(m.id);
    });
    let id = 0;
    const call = (): Promise<void> =>
      new Promise((resolve) => {
        const i = ++id;
        waiting.set(i, resolve);
        child.send({ id: i, method: 'domainState', args: [{ name: DOMAIN }] });
      });
    for (let i = 0; i < warmup; i++) await call();
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = now();
      await call();
      samples.push((now() - t0) * 1000);
    }
    return median(samples);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// virsh, one process per call: what this project replaces.

export function requireVirsh(): string {
  const r = spawnSync('virsh', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit code ${r.status}: ${r.stderr.trim()}`;
    throw new Error(`virsh is needed for the virsh comparison but cannot be run (${why}); install it (Debian: apt-get install libvirt-clients)`);
  }
  return r.stdout.trim();
}

export async function virshGroup(o: { runs?: number } = {}): Promise<GroupResult> {
  const runs = o.runs ?? 20;
  const version = requireVirsh();
  const args = ['-c', TEST_URI, 'domstate', DOMAIN];
  const once = (): number => {
    const t0 = now();
    const r = spawnSync('virsh', args, { encoding: 'utf8' });
    const us = (now() - t0) * 1000;
    if (r.status !== 0 || r.stdout.trim() !== 'running') throw new Error(`virsh ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
    return us;
  };
  for (let i = 0; i < 3; i++) once(); // page cache, dynamic linker
  const samples = Array.from({ length: runs }, once);
  const virshPerCallUs = median(samples);
  return {
    metrics: { virshPerCallUs: round(virshPerCallUs, 1) },
    rows: [{ what: `virsh domstate per call (virsh ${version})`, value: fmtUs(virshPerCallUs), note: `median of ${runs} spawns, min ${fmtUs(Math.min(...samples))}` }],
  };
}

// ---------------------------------------------------------------------------------------------
// 1,000 domains: list + bulk stats, cold (fresh host process) and warm.

interface ColdRun {
  totalMs: number;
  readyMs: number;
  listMs: number;
  statsMs: number;
}

async function coldList(uri: string, spawner: HostSpawner, expectDomains: number): Promise<ColdRun> {
  const client = new LibvirtHostClient(uri, spawner);
  try {
    const t0 = now();
    const ready = client.connect().then(() => now());
    const list = client.api.listDomains().then((l) => ({ l, t: now() }));
    const stats = client.api.domainStats().then((s) => ({ s, t: now() }));
    const [tReady, l, s] = await Promise.all([ready, list, stats]);
    if (l.l.length !== expectDomains || s.s.length !== expectDomains) {
      throw new Error(`expected ${expectDomains} domains, got ${l.l.length} listed and ${s.s.length} stats records`);
    }
    return { totalMs: Math.max(l.t, s.t) - t0, readyMs: tReady - t0, listMs: l.t - tReady, statsMs: s.t - l.t };
  } finally {
    await client.close();
  }
}

/** What one fork of bench/startup-probe.ts reports (ms since its own process start). */
interface ProbeReport {
  t: Record<'scriptStart' | 'imported' | 'opened' | 'listed' | 'stats' | 'serialized' | 'listed2' | 'stats2', number>;
  bytes: number;
  domains: number;
}

function forkProbe(file: string, execArgv: string[], env: Record<string, string>): Promise<{ parentMs: number; report: unknown }> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = fork(file, [], { execArgv, env: { ...process.env, ...env }, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (report) => {
      resolve({ parentMs: now() - t0, report });
      child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`probe ${file} exited (${code}) before reporting`)));
  });
}

export async function list1000Group(o: { domains?: number; coldRuns?: number; refreshRuns?: number; profile?: boolean } = {}): Promise<GroupResult> {
  const n = o.domains ?? 1000;
  const coldRuns = o.coldRuns ?? 10;
  const refreshRuns = o.refreshRuns ?? 20;
  const node = writeTestNode(n);
  const rows: Row[] = [];
  try {
    // Cold: a new client, so a new host process, each time; alternating with virsh listing the
    // same file (which parses it as the host process does), so both see the same machine load.
    requireVirsh();
    // Host processes start as they would from a user's shell (see bench/cli.ts on NODE_EXTRA_CA_CERTS).
    const caCerts = process.env.NODE_EXTRA_CA_CERTS;
    delete process.env.NODE_EXTRA_CA_CERTS;
    const spawner = builtHostSpawner();
    const cold: ColdRun[] = [];
    const virsh: number[] = [];
    const virshList = (): number => {
      const t0 = now();
      const r = spawnSync('virsh', ['-c', node.uri, 'list', '--all'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`virsh -c ${node.uri} list --all failed: ${r.stderr.trim()}`);
      return now() - t0;
    };
    virshList(); // page cache
    for (let i = 0; i < coldRuns; i++) {
      cold.push(await coldList(node.uri, spawner, n));
      virsh.push(virshList());
    }
    if (caCerts !== undefined) process.env.NODE_EXTRA_CA_CERTS = caCerts;
    const list1000ColdMs = median(cold.map((c) => c.totalMs));
    const virshList1000Ms = median(virsh);
    const cliMs = cliList1000Ms(node.uri, coldRuns);

    // Warm: the same two calls again on one warm client.
    const client = new LibvirtHostClient(node.uri, nodeHostSpawner);
    const refresh: number[] = [];
    const listOnly: number[] = [];
    const statsOnly: number[] = [];
    try {
      await Promise.all([client.api.listDomains(), client.api.domainStats()]);
      for (let i = 0; i < 3; i++) await Promise.all([client.api.listDomains(), client.api.domainStats()]);
      for (let i = 0; i < refreshRuns; i++) {
        const t0 = now();
        const [l, s] = await Promise.all([client.api.listDomains(), client.api.domainStats()]);
        refresh.push(now() - t0);
        if (l.length !== n || s.length !== n) throw new Error(`expected ${n} domains on refresh`);
      }
      for (let i = 0; i < refreshRuns; i++) {
        let t0 = now();
        await client.api.listDomains();
        listOnly.push(now() - t0);
        t0 = now();
        await client.api.domainStats();
        statsOnly.push(now() - t0);
      }
    } finally {
      await client.close();
    }
    const list1000RefreshMs = median(refresh);

    rows.push(
      { what: `list+stats ${n} domains, cold`, value: fmtMs(list1000ColdMs), note: `median of ${coldRuns} fresh host processes (out/cli/libvirt-host.js; ${node.counts.running} running, ${node.counts.shutoff} off, ${node.counts.paused} paused)` },
      { what: `virsh -c test:///<same file> list --all`, value: fmtMs(virshList1000Ms), note: `median of ${coldRuns}, alternating; ratio ${round(list1000ColdMs / virshList1000Ms, 2)}` },
      ...(cliMs === null ? [] : [{ what: `virtdesk list --connect test:///<same file>, whole process`, value: fmtMs(cliMs), note: `median of ${coldRuns}; with the OS column (each domain's XML read)` }]),
      { what: '  cold: spawn + connect (ready)', value: fmtMs(median(cold.map((c) => c.readyMs))) },
      { what: '  cold: then listDomains', value: fmtMs(median(cold.map((c) => c.listMs))) },
      { what: '  cold: then domainStats', value: fmtMs(median(cold.map((c) => c.statsMs))) },
      { what: `list+stats ${n} domains, warm`, value: fmtMs(list1000RefreshMs), note: `median of ${refreshRuns}, both in flight` },
      { what: '  warm: listDomains alone', value: fmtMs(median(listOnly)), note: 'round trip' },
      { what: '  warm: domainStats alone', value: fmtMs(median(statsOnly)), note: 'round trip' },
    );

    if (o.profile ?? true) rows.push(...(await profileStartup(node.uri, n)));
    return {
      metrics: {
        list1000ColdMs: round(list1000ColdMs, 2),
        virshList1000Ms: round(virshList1000Ms, 2),
        list1000ColdVsVirsh: round(list1000ColdMs / virshList1000Ms, 2),
        ...(cliMs === null ? {} : { cliList1000Ms: round(cliMs, 1) }),
        list1000RefreshMs: round(list1000RefreshMs, 2),
      },
      rows,
    };
  } finally {
    node.remove();
  }
}

/**
 * Host processes from the bundle users run (out/cli/libvirt-host.js, scripts/build-cli.mjs; the
 * app's out/main bundle is the same code), never the TypeScript sources through tsx, which
 * nodeHostSpawner falls back to when out/main is older than the sources.
 */
function builtHostSpawner(): HostSpawner {
  execFileSync(process.execPath, [path.join(__dirname, '../scripts/build-cli.mjs')], { stdio: 'inherit' });
  const file = path.join(__dirname, '../out/cli/libvirt-host.js');
  return (env) => {
    const child = fork(file, [], { env: { ...process.env, ...env }, execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('error', () => undefined);
    return {
      send: (m) => child.send(m as never),
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
      kill: () => child.kill('SIGKILL'),
    };
  };
}

/** The built CLI listing the file, whole process (null when out/cli is not built). */
function cliList1000Ms(uri: string, runs: number): number | null {
  const bin = path.join(__dirname, '../out/cli/virtdesk.js');
  if (!fs.existsSync(bin)) return null;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS; // see bench/cli.ts
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    const r = spawnSync(process.execPath, [bin, 'list', '--connect', uri], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`virtdesk list --connect ${uri} failed: ${r.stderr.trim()}`);
    xs.push(now() - t0);
  }
  return median(xs);
}

/** Where a cold start goes: node, tsx, module load, connect, list, stats, serialization. */
async function profileStartup(uri: string, n: number): Promise<Row[]> {
  const runs = 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-bench-probe-'));
  try {
    const bare = path.join(dir, 'bare.js');
    fs.writeFileSync(bare, 'process.send({ t: performance.now() });\n');
    const bareTs = path.join(dir, 'bare.ts');
    fs.writeFileSync(bareTs, 'const t: number = performance.now();\nprocess.send?.({ t });\n');
    const probe = path.join(__dirname, 'startup-probe.ts');

    const med = async (f: () => Promise<number>): Promise<number> => {
      const xs: number[] = [];
      for (let i = 0; i < runs; i++) xs.push(await f());
      return median(xs);
    };
    const bareNodeMs = await med(async () => (await forkProbe(bare, [], {})).parentMs);
    const bareTsxMs = await med(async () => (await forkProbe(bareTs, ['--import', 'tsx'], {})).parentMs);
    const reports: ProbeReport[] = [];
    const probeParent: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await forkProbe(probe, ['--import', 'tsx'], { [HOST_URI_ENV]: uri });
      reports.push(r.report as ProbeReport);
      probeParent.push(r.parentMs);
    }
    const phase = (from: keyof ProbeReport['t'], to: keyof ProbeReport['t']): number => median(reports.map((r) => r.t[to] - r.t[from]));
    const rows: Row[] = [
      { what: `profile (${runs} runs each, in ms):`, value: '' },
      { what: '  fork bare node → first message', value: fmtMs(bareNodeMs), note: 'node start floor' },
      { what: '  fork node --import tsx → first message', value: fmtMs(bareTsxMs), note: 'what nodeHostSpawner pays before any of our code' },
      { what: '  host: import libvirt modules (tsx+koffi+dlopen)', value: fmtMs(phase('scriptStart', 'imported')) },
      { what: `  host: HostService.open (test driver parses ${n} domains)`, value: fmtMs(phase('imported', 'opened')), note: 'test-driver XML parse; a daemon URI pays a socket connect instead' },
      { what: `  host: listDomains() in-process, cold`, value: fmtMs(phase('opened', 'listed')) },
      { what: `  host: domainStats() in-process, cold`, value: fmtMs(phase('listed', 'stats')) },
      { what: `  host: v8.serialize both (${round(median(reports.map((r) => r.bytes)) / 1024, 0)} KiB)`, value: fmtMs(phase('stats', 'serialized')) },
      { what: `  host: listDomains() in-process, warm`, value: fmtMs(phase('serialized', 'listed2')) },
      { what: `  host: domainStats() in-process, warm`, value: fmtMs(phase('listed2', 'stats2')) },
      { what: '  probe total seen from parent', value: fmtMs(median(probeParent)) },
    ];
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
