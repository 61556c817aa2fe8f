// A one-shot command spends most of its time starting things: this process loads the core's
// modules (~150 ms) and the libvirt host process starts Node and opens the connection (~150 ms).
// When the command names its connection (--connect or the environment), the host process is
// forked first, so both happen at once; the core then gets that process for that URI.
import type { HostChannel, HostSpawner } from '../libvirt/host-channel';
import { HOST_URI_ENV } from '../libvirt/protocol';
import { checkConnectionUri } from '../contract/connection-uri';

/** A channel that keeps what arrives before anyone listens, and hands it to the first listener. */
function buffered(channel: HostChannel): HostChannel {
  const messages: unknown[] = [];
  let exit: [number | null, string | null] | null = null;
  let onMessage: ((m: unknown) => void) | null = null;
  let onExit: ((code: number | null, signal: string | null) => void) | null = null;
  channel.onMessage((m) => (onMessage ? onMessage(m) : messages.push(m)));
  channel.onExit((code, signal) => (onExit ? onExit(code, signal) : (exit = [code, signal])));
  return {
    send: (m) => channel.send(m),
    kill: () => channel.kill(),
    onMessage(l) {
      onMessage = l;
      // After the caller has wired every listener, and before any later message arrives.
      queueMicrotask(() => messages.splice(0).forEach((m) => l(m)));
    },
    onExit(l) {
      onExit = l;
      queueMicrotask(() => {
        if (exit) l(...exit);
      });
    },
  };
}

/**
 * A spawner that has already started the host process for `uri` (when the URI policy allows it
 * and it is not a test-driver file, whose folders the settings decide) and hands it out once;
 * any other request gets a new process. `dispose` kills the early process if nobody took it.
 */
export function earlyHostSpawner(spawn: HostSpawner, uri: string | undefined): { spawner: HostSpawner; dispose: () => void } {
  const check = uri === undefined ? undefined : checkConnectionUri(uri);
  const target = check?.ok && !(check.driver === 'test' && check.path !== '/default') ? check.uri : undefined;
  let early: HostChannel | null = target ? buffered(spawn({ [HOST_URI_ENV]: target })) : null;
  return {
    spawner: (env) => {
      if (early && env[HOST_URI_ENV] === target && Object.keys(env).length === 1) {
        const channel = early;
        early = null;
        return channel;
      }
      return spawn(env);
    },
    dispose: () => {
      early?.kill();
      early = null;
    },
  };
}
