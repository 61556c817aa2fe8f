// The built CLI (out/cli/virtdesk.js) as a user runs it: whole-process wall time of one-shot
// commands, `list` measured alternately with `virsh list --all` in the same run so both see the
// same machine load.
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
  const env = { ...process.env, XDG_CONFIG_HOME: settings };
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
        { what: 'virtdesk list (test:///default), whole process', value: `${cliListMs.toFixed(1)} ms`, note: `median of ${runs}, alternating with virsh` },
        { what: 'virsh list --all (test:///default)', value: `${virshListMs.toFixed(1)} ms`, note: `ratio ${(cliListMs / virshListMs).toFixed(2)}` },
        { what: 'virtdesk host-check --json (test:///default)', value: `${hostCheck.toFixed(1)} ms`, note: `median of ${runs}` },
        { what: 'virtdesk --version (no core loaded)', value: `${version.toFixed(1)} ms`, note: `node -e '' alone: ${nodeOnly.toFixed(1)} ms` },
      ],
    };
  } finally {
    fs.rmSync(settings, { recursive: true, force: true });
  }
}
