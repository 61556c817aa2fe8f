// Entry point of a libvirt host process: one per connection URI. Started with
// child_process.fork (Node) or Electron's utilityProcess.fork (desktop); it speaks the
// protocol in protocol.ts over whichever channel it was given.
import { HostService } from './host-service';
import { LibvirtError } from './errors';
import { HOST_METHODS, HOST_URI_ENV, type FromHost, type HostEvent, type SerializedError, type ToHost } from './protocol';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: FromHost): void {
  if (parentPort) parentPort.postMessage(message);
  // The parent may be gone already (a CLI that exited): nothing to tell, and no EPIPE crash.
  else if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

function onMessage(listener: (m: ToHost) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data as ToHost));
  else process.on('message', (m) => listener(m as ToHost));
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof LibvirtError) return e.toJSON();
  return { name: 'Error', message: e instanceof Error ? e.message : String(e) };
}

function main(): void {
  const uri = process.env[HOST_URI_ENV];
  if (!uri) {
    post({ kind: 'open-failed', error: { name: 'Error', message: `${HOST_URI_ENV} is not set` } });
    process.exit(1);
  }
  let service: HostService;
  const emit = (event: HostEvent): void => post({ kind: 'event', event });
  // Once the daemon is gone this process is useless: exit, the main side respawns on demand.
  const lost = (): void => {
    setTimeout(() => process.exit(3), 50);
  };
  try {
    service = HostService.open(uri, emit, lost);
  } catch (e) {
    post({ kind: 'open-failed', error: serializeError(e) });
    setTimeout(() => process.exit(1), 50);
    return;
  }
  const allowed = new Set<string>(HOST_METHODS);
  const methods = service as unknown as Record<string, (...args: unknown[]) => unknown>;
  onMessage((m) => {
    if (!m || typeof m.id !== 'number') return;
    const fn = allowed.has(m.method) ? methods[m.method] : undefined;
    if (typeof fn !== 'function') {
      post({ kind: 'error', id: m.id, error: { name: 'Error', message: `unknown host method '${String(m.method)}'` } });
      return;
    }
    try {
      post({ kind: 'result', id: m.id, result: fn.apply(service, Array.isArray(m.args) ? m.args : []) });
    } catch (e) {
      post({ kind: 'error', id: m.id, error: serializeError(e) });
    }
  });
  const stop = (): void => {
    service.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  // Ctrl+C in a terminal reaches the whole process group, this process too. The parent decides
  // (a CLI cancels its operation and waits for the rollback, which runs here); without a parent
  // 'disconnect' stops this process.
  process.on('SIGINT', () => undefined);
  process.on('disconnect', stop);
  post({ kind: 'ready', info: service.connectionInfo() });
}

main();
