// An LXC connection for tests: the system daemon's lxc:///system when it can start a container,
// else the private daemon of scripts/start-lxc-daemon.sh (hosts with the hybrid cgroup layout).
// Each test process registers itself as a user; a private daemon that tests started is stopped by
// the last user, so test files running at the same time do not pull it from each other. One that
// was running before (started by hand) is left running.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../scripts/start-lxc-daemon.sh');
const STATE_DIR = process.env.VIRTDESK_LXC_STATE_DIR ?? '/var/lib/virtdesk-lxc';
const USERS = path.join(STATE_DIR, 'test-users');
const SYSTEM_LXC = 'lxc:///system';

/** Whether `uri` starts a trivial application container (then removes it). */
export function canRunContainers(uri: string): boolean {
  const name = `vdt-ct-probe-${process.pid}`;
  const xml = `<domain type='lxc'><name>${name}</name><memory unit='MiB'>32</memory><os><type>exe</type><init>/bin/sh</init></os><devices><console type='pty'/></devices></domain>`;
  const file = path.join(fs.mkdtempSync('/tmp/vdt-ct-probe-'), 'probe.xml');
  fs.writeFileSync(file, xml);
  try {
    execFileSync('virsh', ['-c', uri, 'create', file], { stdio: 'ignore', timeout: 30_000 });
    execFileSync('virsh', ['-c', uri, 'destroy', name], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function liveUsers(): string[] {
  // Entries are <pid>-<random>: one per lxcConnection() call, so two users in one process count twice.
  return (fs.existsSync(USERS) ? fs.readdirSync(USERS) : []).filter((entry) => /^\d+-\w+$/.test(entry)).filter((entry) => {
    try {
      process.kill(Number(entry.split('-')[0]), 0);
      return true;
    } catch {
      fs.rmSync(path.join(USERS, entry), { force: true });
      return false;
    }
  });
}

export interface LxcTarget {
  uri: string;
  /** Unregisters; the last user stops the private daemon if tests started it. */
  release(): void;
}

export function lxcConnection(): LxcTarget {
  if (canRunContainers(SYSTEM_LXC)) return { uri: SYSTEM_LXC, release: () => undefined };
  const uri = execFileSync(SCRIPT, ['uri'], { encoding: 'utf8' }).trim();
  fs.mkdirSync(USERS, { recursive: true });
  const marker = path.join(USERS, 'started-by-tests');
  if (!canConnect(uri)) {
    execFileSync(SCRIPT, ['start'], { stdio: 'ignore', timeout: 60_000 });
    fs.writeFileSync(marker, '');
  }
  const mine = path.join(USERS, `${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  fs.writeFileSync(mine, '');
  return {
    uri,
    release() {
      fs.rmSync(mine, { force: true });
      if (liveUsers().length === 0 && fs.existsSync(marker)) {
        fs.rmSync(marker, { force: true });
        execFileSync(SCRIPT, ['stop'], { stdio: 'ignore', timeout: 30_000 });
      }
    },
  };
}

function canConnect(uri: string): boolean {
  try {
    execFileSync('virsh', ['-c', uri, 'uri'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
