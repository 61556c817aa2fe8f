// HostSpawner for plain Node (CLI, browser mode, tests): child_process.fork of host-process.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { HostChannel, HostSpawner } from './host-channel';

/**
 * Which host module to fork. From out/main (built app) and out/cli (the built CLI,
 * scripts/build-cli.mjs): the bundle beside us, libvirt-host.js. From source
 * (CLI, browser mode, tests): the bundle `npm run build` left in out/main when it is newer
 * than every source file of this folder (it starts ~140 ms faster), else the TypeScript
 * source through tsx.
 */
function hostEntry(): { file: string; execArgv: string[] } {
  const beside = path.join(__dirname, 'libvirt-host.js');
  if (fs.existsSync(beside)) return { file: beside, execArgv: [] };
  const built = path.join(__dirname, '../../out/main/libvirt-host.js');
  try {
    const builtAt = fs.statSync(built).mtimeMs;
    const newestSource = Math.max(...fs.readdirSync(__dirname).map((f) => fs.statSync(path.join(__dirname, f)).mtimeMs));
    if (builtAt >= newestSource) return { file: built, execArgv: [] };
  } catch {
    /* not built */
  }
  return { file: path.join(__dirname, 'host-process.ts'), execArgv: ['--import', 'tsx'] };
}

export const nodeHostSpawner: HostSpawner = (env) => {
  const entry = hostEntry();
  const child = fork(entry.file, [], {
    env: { ...process.env, ...env },
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const channel: HostChannel & { pid?: number } = {
    pid: child.pid,
    send: (m) => {
      if (!child.connected) throw new Error('host process is not connected');
      child.send(m as never);
    },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
    kill: () => child.kill('SIGKILL'),
  };
  child.on('error', () => undefined);
  return channel;
};
