// The built CLI (out/cli/virtdesk.js) as a user runs it: whole-process wall time of one-shot
// commands, `list` measured alternately with `virsh list --all` in the same run so both see the
// same machine load. `list` twice: answered by the CLI agent (started by a first run, as a user
// who runs `list` twice gets it) and in-process (VIRTDESK_NO_AGENT=1). The agents live in a
// temporary XDG_RUNTIME_DIR and are stopped at the end (SIGTERM, and their folder removed).
//
// NODE_EXTRA_CA_CERTS is left out of the environment: where it is set (CI images often set it to
// the system bundle), Node parses that bundle at every start before running any script — ~55 ms
// on a 2-core machine, more than `virsh list` takes — and a user's shell does not have it. The
// table shows Node's start with it as set here, for comparison.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type GroupResult, median, now, round } from './lib';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'out/cli/virtdesk.js');
const TEST_URI = 'test:///default';

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, stderr?: (text: string) => void): number {
  const t0 = now();
  const r = spawnSync(cmd, args, { cwd: os.tmpdir(), env, encoding: 'utf8' });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  stderr?.(r.stderr);
  return ms;
}

/** Runs `list` until the agent answers it (the first run starts it); returns the agent's pid. */
function warmAgent(list: string[], env: NodeJS.ProcessEnv): number {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    let pid = 0;
    timed(process.execPath, list, { ...env, VIRTDESK_AGENT_DEBUG: '1' }, (text) => (pid = Number(/answered by the agent \(pid (\d+)/.exec(text)?.[1] ?? 0)));
    if (pid) return pid;
    spawnSync('sleep', ['0.2']);
  }
  throw new Error('the CLI agent did not answer `list` within 10 s');
}

export async function cliGroup(o: { runs?: number } = {}): Promise<GroupResult> {
  const runs = o.runs ?? 10;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const settings = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-bench-cli-'));
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-bench-run-'));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: settings, XDG_RUNTIME_DIR: runtime };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.VIRTDESK_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  delete env.VIRTDESK_NO_AGENT;
  delete env.VIRTDESK_AGENT_DEBUG;
  const noAgent: NodeJS.ProcessEnv = { ...env, VIRTDESK_NO_AGENT: '1' };
  const node = process.execPath;
  let agentPid = 0;
  try {
    const list = [BIN, 'list', '--connect', TEST_URI];
    const virsh = ['-c', TEST_URI, 'list', '--all'];
    timed(node, list, noAgent); // page cache
    timed('virsh', virsh, env);
    agentPid = warmAgent(list, env);
    const cli: number[] = [];
    const inProcess: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < runs; i++) {
      cli.push(timed(node, list, env));
      vs.push(timed('virsh', virsh, env));
      inProcess.push(timed(node, list, noAgent));
    }
    const nodeOnly = median(Array.from({ length: runs }, () => timed(node, ['-e', ''], env)));
    const nodeWithCaEnv = process.env.NODE_EXTRA_CA_CERTS ? median(Array.from({ length: runs }, () => timed(node, ['-e', ''], process.env))) : null;
    const version = median(Array.from({ length: runs }, () => timed(node, [BIN, '--version'], env)));
    const hostCheck = median(Array.from({ length: runs }, () => timed(node, [BIN, 'host-check', '--json', '--connect', TEST_URI], env)));
    const cliListMs = median(cli);
    const cliListNoAgentMs = median(inProcess);
    const virshListMs = median(vs);
    return {
      metrics: {
        cliListMs: round(cliListMs, 1),
        cliListNoAgentMs: round(cliListNoAgentMs, 1),
        virshListMs: round(virshListMs, 1),
        cliListVsVirsh: round(cliListMs / virshListMs, 2),
        cliListNoAgentVsVirsh: round(cliListNoAgentMs / virshListMs, 2),
        cliHostCheckMs: round(hostCheck, 1),
        cliVersionMs: round(version, 1),
        nodeStartMs: round(nodeOnly, 1),
      },
      rows: [
        { what: 'virtdesk list (test:///default), whole process', value: `${cliListMs.toFixed(1)} ms`, note: `median of ${runs}, alternating with virsh; answered by the CLI agent` },
        { what: 'virtdesk list, VIRTDESK_NO_AGENT=1', value: `${cliListNoAgentMs.toFixed(1)} ms`, note: `median of ${runs}; libvirt in-process, no core; ratio ${(cliListNoAgentMs / virshListMs).toFixed(2)}` },
        { what: 'virsh list --all (test:///default)', value: `${virshListMs.toFixed(1)} ms`, note: `ratio ${(cliListMs / virshListMs).toFixed(2)} (with the agent)` },
        { what: 'virtdesk host-check --json (test:///default)', value: `${hostCheck.toFixed(1)} ms`, note: `median of ${runs}; through the core and a host process` },
        { what: 'virtdesk --version (no core loaded)', value: `${version.toFixed(1)} ms`, note: `node -e '' alone: ${nodeOnly.toFixed(1)} ms` },
        { what: 'load average (1 min) after the runs', value: os.loadavg()[0].toFixed(2), note: `${os.cpus().length} CPUs; other work on the machine slows Node's start more than virsh's` },
        ...(nodeWithCaEnv === null ? [] : [{ what: "node -e '' with this machine's NODE_EXTRA_CA_CERTS", value: `${nodeWithCaEnv.toFixed(1)} ms`, note: 'not in the figures above (see the comment in bench/cli.ts)' }]),
      ],
    };
  } finally {
    if (agentPid) {
      try {
        process.kill(agentPid, 'SIGTERM');
      } catch {
        /* gone already */
      }
    }
    // Any other agent started here sees its socket removed and exits within a second.
    fs.rmSync(runtime, { recursive: true, force: true });
    fs.rmSync(settings, { recursive: true, force: true });
  }
}

// `npx tsx bench/cli.ts`: this group alone.
if (require.main === module) {
  cliGroup().then(
    (r) => {
      for (const row of r.rows) console.log(`${row.what.padEnd(52)} ${row.value.padStart(10)}  ${row.note ?? ''}`);
      console.log(JSON.stringify(r.metrics));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
