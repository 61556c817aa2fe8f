// The second libvirt host for tests (scripts/start-second-host.sh): its own hostname and host
// UUID, reached over TCP on 127.0.0.2 and over SSH (an sshd inside host 2 with test keys).
//
//   const host2 = await startSecondHost();   // in beforeAll; reuses a running host 2
//   ... host2.tcpUri, host2.sshUri, host2.keyFile ...
//   await host2.stop();                      // in afterAll
//
// Several test files (and several vitest runs at once) may use it: each process holds a lease
// file while it uses host 2, and stop() stops the daemons only when host 2 was started by a test
// (not by hand) and no other live process holds a lease. Guests a test creates there are the
// test's to remove (names vdt-h2-*); stop() destroys what still runs.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '../../scripts/start-second-host.sh');

export interface SecondHost {
  /** qemu+tcp://127.0.0.2:16510/system (no authentication: tests only). */
  tcpUri: string;
  /** qemu+ssh://root@127.0.0.2:2222/system: needs keyFile (or passphraseKeyFile) and the host key accepted. */
  sshUri: string;
  sshHost: string;
  sshPort: number;
  /** What virConnectGetHostname says on host 2. */
  hostname: string;
  hostUuid: string;
  /** A test key without passphrase that sshd on host 2 accepts for root. */
  keyFile: string;
  /** A test key protected by `passphrase`, also accepted. */
  passphraseKeyFile: string;
  passphrase: string;
  /** sshd's public host key ("ssh-ed25519 AAAA… comment"). */
  hostKeyFile: string;
  stateDir: string;
  /** Releases this caller's use; the last user stops host 2 if a test started it. */
  stop(): Promise<void>;
}

type Info = Omit<SecondHost, 'stop'>;

let shared: Promise<Info> | null = null;
let users = 0;

function parseInfo(out: string): { status: string; info: Info } {
  const lines = out.trim().split('\n');
  const kv = new Map(lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const get = (k: string): string => {
    const v = kv.get(k);
    if (v === undefined) throw new Error(`start-second-host.sh printed no ${k}:\n${out}`);
    return v;
  };
  return {
    status: lines[0],
    info: {
      tcpUri: get('TCP_URI'),
      sshUri: get('SSH_URI'),
      sshHost: get('SSH_HOST'),
      sshPort: Number(get('SSH_PORT')),
      hostname: get('HOSTNAME'),
      hostUuid: get('HOST_UUID'),
      keyFile: get('KEY_FILE'),
      passphraseKeyFile: get('PASSPHRASE_KEY_FILE'),
      passphrase: get('PASSPHRASE'),
      hostKeyFile: get('HOST_KEY_FILE'),
      stateDir: get('STATE_DIR'),
    },
  };
}

const leaseDir = (info: Info): string => path.join(info.stateDir, 'leases');
const startedByTestsMark = (info: Info): string => path.join(info.stateDir, 'started-by-tests');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function startOnce(): Promise<Info> {
  const { stdout } = await run('bash', [SCRIPT, 'start'], { timeout: 120_000 }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`cannot start the second libvirt host: ${e.stderr?.trim() || e.message}`);
  });
  const { status, info } = parseInfo(stdout);
  if (status === 'started') fs.writeFileSync(startedByTestsMark(info), `${process.pid}\n`);
  fs.mkdirSync(leaseDir(info), { recursive: true });
  fs.writeFileSync(path.join(leaseDir(info), String(process.pid)), '');
  return info;
}

/** Starts host 2, or reuses it when it already runs (this process or another). */
export async function startSecondHost(): Promise<SecondHost> {
  shared ??= startOnce();
  const attempt = shared;
  let info: Info;
  try {
    info = await attempt;
  } catch (e) {
    if (shared === attempt) shared = null;
    throw e;
  }
  users++;
  let released = false;
  return {
    ...info,
    stop: async () => {
      if (released) return;
      released = true;
      if (--users > 0) return;
      shared = null;
      await release(info);
    },
  };
}

async function release(info: Info): Promise<void> {
  fs.rmSync(path.join(leaseDir(info), String(process.pid)), { force: true });
  const others = fs.existsSync(leaseDir(info))
    ? fs.readdirSync(leaseDir(info)).filter((f) => {
        const pid = Number(f);
        if (Number.isInteger(pid) && alive(pid)) return true;
        fs.rmSync(path.join(leaseDir(info), f), { force: true });
        return false;
      })
    : [];
  if (others.length || !fs.existsSync(startedByTestsMark(info))) return;
  fs.rmSync(startedByTestsMark(info), { force: true });
  await run('bash', [SCRIPT, 'stop'], { timeout: 60_000 });
}

/**
 * Established TCP connections to host 2's sshd held by descendants of process `root` (default:
 * this one): the SSH connections Virtdesk's ssh clients opened.
 */
export function sshConnectionsFrom(host: Pick<SecondHost, 'sshHost' | 'sshPort'>, root = process.pid): number {
  const parent = new Map<number, number>();
  for (const p of fs.readdirSync('/proc').filter((f) => /^\d+$/.test(f))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const below = (pid: number): boolean => {
    for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p) ?? 0, n++) if (p === root) return true;
    return false;
  };
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', `( dst ${host.sshHost}:${host.sshPort} )`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => [...l.matchAll(/pid=(\d+)/g)].some((m) => below(Number(m[1])))).length;
}
