// A private desktop keyring for tests: a session D-Bus of its own (no service activation, so
// nothing else gets started on it) and gnome-keyring-daemon's Secret Service on it, unlocked
// with a known password, in a temporary HOME. stop() kills both and removes the folder.
//
//   const keyring = await startKeyringSession();
//   process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
//   ...
//   await keyring.stop();
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KeyringSession {
  busAddress: string;
  home: string;
  stop(): Promise<void>;
}

function busConfig(socketDir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${socketDir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

function firstLine(child: ChildProcess, what: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl).trim());
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready`));
    });
  });
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

/** The Secret Service answers: a lookup finds nothing (exit 1) without an error (the bus has no activation, so nothing else starts). */
function secretsAnswer(env: NodeJS.ProcessEnv): boolean {
  const r = spawnSync('secret-tool', ['lookup', 'application', 'vdt-keyring-session-probe'], { env, encoding: 'utf8', timeout: 3000 });
  return r.status === 1 && r.stderr.trim() === '';
}

function requireTools(): void {
  for (const [tool, pkg] of [['dbus-daemon', 'dbus'], ['gnome-keyring-daemon', 'gnome-keyring'], ['secret-tool', 'libsecret-tools']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) throw new Error(`${tool} is missing (package ${pkg}): run 'npm run setup'`);
  }
}

export async function startKeyringSession(password = 'vdt-keyring-test'): Promise<KeyringSession> {
  requireTools();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-keyring-'));
  const runtime = path.join(home, 'run');
  fs.mkdirSync(runtime, { mode: 0o700 });
  fs.writeFileSync(path.join(home, 'bus.conf'), busConfig(runtime));
  let bus: ChildProcess | null = null;
  let daemon: ChildProcess | null = null;
  const stop = async (): Promise<void> => {
    await stopChild(daemon);
    await stopChild(bus);
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    bus = spawn('dbus-daemon', [`--config-file=${path.join(home, 'bus.conf')}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const busAddress = await firstLine(bus, 'dbus-daemon', 10_000);
    const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_RUNTIME_DIR: runtime, DBUS_SESSION_BUS_ADDRESS: busAddress };
    daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    daemon.stdin!.end(password);
    const until = Date.now() + 15_000;
    while (!secretsAnswer(env)) {
      if (daemon.exitCode !== null) throw new Error(`gnome-keyring-daemon exited (${daemon.exitCode})`);
      if (Date.now() > until) throw new Error('gnome-keyring-daemon did not take org.freedesktop.secrets on the test bus within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { busAddress, home, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
