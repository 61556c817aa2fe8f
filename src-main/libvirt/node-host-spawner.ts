// HostSpawner for plain Node (CLI, browser mode, tests): child_process.fork of host-process.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { HostChannel, HostSpawner } from './host-channel';

/** The built host module when running from out/, else the TypeScript source through tsx. */
function hostEntry(): { file: string; execArgv: string[] } {
  const built = path.join(__dirname, 'libvirt-host.js');
  if (fs.existsSync(built)) return { file: built, execArgv: [] };
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
