// The built CLI (out/cli/virtdesk.js) as a user runs it: whole-process wall time of one-shot
// commands, `list` measured alternately with `virsh list --all` in the same run so both see the
// same machine load.
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

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = now();
  const r = spawnSync(cmd, args, { cwd: os.tmpdir(), env, encoding: 'utf8' });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return ms;
}

export async function cliGroup(o: { runs?: number } = {}): Promise<GroupResult> {
  const runs = o.runs ?? 10;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const settings = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-bench-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: settings };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.VIRTDESK_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  const node = process.execPath;
  try {
    const list = [BIN, 'list', '--connect', TEST_URI];
    const virsh = ['-c', TEST_URI, 'list', '--all'];
    timed(node, list, env); // page cache
    timed('virsh', virsh, env);
    const cli: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < runs; i++) {
      cli.push(timed(node, list, env));
      vs.push(timed('virsh', virsh, env));
    }
    const nodeOnly = median(Array.from({ length: runs }, () => timed(node, ['-e', ''], env)));
    const nodeWithCaEnv = process.env.NODE_EXTRA_CA_CERTS ? median(Array.from({ length: runs }, () => timed(node, ['-e', ''], process.env))) : null;
    const version = median(Array.from({ length: runs }, () => timed(node, [BIN, '--version'], env)));
    const hostCheck = median(Array.from({ length: runs }, () => timed(node, [BIN, 'host-check', '--json', '--connect', TEST_URI], env)));
    const cliListMs = median(cli);
    const virshListMs = median(vs);
    return {
      metrics: {
        cliListMs: round(cliListMs, 1),
        virshListMs: round(virshListMs, 1),
        cliListVsVirsh: round(cliListMs / virshListMs, 2),
        cliHostCheckMs: round(hostCheck, 1),
        cliVersionMs: round(version, 1),
        nodeStartMs: round(nodeOnly, 1),
      },
      rows: [
        { what: 'virtdesk list (test:///default), whole process', value: `${cliListMs.toFixed(1)} ms`, note: `median of ${runs}, alternating with virsh; libvirt in-process, no core` },
        { what: 'virsh list --all (test:///default)', value: `${virshListMs.toFixed(1)} ms`, note: `ratio ${(cliListMs / virshListMs).toFixed(2)}` },
        { what: 'virtdesk host-check --json (test:///default)', value: `${hostCheck.toFixed(1)} ms`, note: `median of ${runs}; through the core and a host process` },
        { what: 'virtdesk --version (no core loaded)', value: `${version.toFixed(1)} ms`, note: `node -e '' alone: ${nodeOnly.toFixed(1)} ms` },
        { what: 'load average (1 min) after the runs', value: os.loadavg()[0].toFixed(2), note: `${os.cpus().length} CPUs; other work on the machine slows Node's start more than virsh's` },
        ...(nodeWithCaEnv === null ? [] : [{ what: "node -e '' with this machine's NODE_EXTRA_CA_CERTS", value: `${nodeWithCaEnv.toFixed(1)} ms`, note: 'not in the figures above (see the comment in bench/cli.ts)' }]),
      ],
    };
  } finally {
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
