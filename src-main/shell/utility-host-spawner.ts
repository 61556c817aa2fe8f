// HostSpawner for the desktop app: each libvirt host process is an Electron utility process
// running out/main/libvirt-host.js. Inside it, messages arrive on process.parentPort.
import path from 'node:path';
import { utilityProcess } from 'electron';
import type { HostChannel, HostSpawner } from '../libvirt/host-channel';

export const HOST_SERVICE_NAME = 'Virtdesk libvirt host';

export interface UtilityHostSpawnerOptions {
  /** Defaults to libvirt-host.js next to the bundled main (out/main/). */
  modulePath?: string;
  /** Receives the host's stdout/stderr lines. */
  log?: (line: string) => void;
}

export function createUtilityHostSpawner(options: UtilityHostSpawnerOptions = {}): HostSpawner {
  const modulePath = options.modulePath ?? path.join(__dirname, 'libvirt-host.js');
  const log = options.log ?? ((line: string) => console.error(line));

  return (env) => {
    // The host inherits the app's environment (HOME, XDG_RUNTIME_DIR, SSH_AUTH_SOCK, PATH
    // for qemu+ssh, ...) plus what the core passes, which wins.
    const child = utilityProcess.fork(modulePath, [], {
      env: { ...process.env, ...env },
      serviceName: HOST_SERVICE_NAME,
      stdio: 'pipe',
    });

    // Pipes must be drained or a chatty host would block on a full pipe.
    const prefix = (): string => `[libvirt-host ${child.pid ?? '?'}]`;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      let buffered = '';
      stream.on('data', (chunk: Buffer | string) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line !== '') log(`${prefix()} ${line}`);
      });
      stream.on('end', () => {
        if (buffered !== '') log(`${prefix()} ${buffered}`);
        buffered = '';
      });
    }

    let exited: { code: number | null; signal: string | null } | null = null;
    const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
    child.on('exit', (code) => {
      if (exited) return;
      // utilityProcess reports only an exit code, never the signal.
      exited = { code, signal: null };
      for (const listener of exitListeners.splice(0)) listener(code, null);
    });

    const channel: HostChannel = {
      send(message) {
        if (exited) throw new Error('libvirt host process has exited');
        child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        if (exited) {
          const { code, signal } = exited;
          queueMicrotask(() => listener(code, signal));
        } else {
          exitListeners.push(listener);
        }
      },
      kill() {
        if (!exited) child.kill();
      },
    };
    return channel;
  };
}
