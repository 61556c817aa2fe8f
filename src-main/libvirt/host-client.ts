// The main side of a libvirt host process: a Promise API with per-call timeouts, forwarded
// events, and respawn. If the process dies or hangs, pending calls reject with an error that
// names the connection; the next call starts a fresh process.
import { HostProcessError, LibvirtError, withoutQuotedXml } from './errors';
import type { HostChannel, HostSpawner } from './host-channel';
import { HOST_URI_ENV, type ConnectionInfo, type FromHost, type HostApi, type HostEvent, type HostMethod, type SerializedError } from './protocol';

type Result<M extends HostMethod> = ReturnType<HostApi[M]>;

/** Methods that may legitimately take long (guest I/O, big files). Others time out sooner. */
const SLOW_METHODS: ReadonlySet<HostMethod> = new Set<HostMethod>([
  'startDomain', 'createDomain', 'uploadVolume', 'managedSaveDomain', 'shutdownDomain', 'destroyDomain', 'createVolume', 'deleteVolume', 'resizeVolume',
  'screenshot', 'definePool', 'startPool', 'refreshPool', 'startNetwork', 'undefineDomain',
  'createSnapshot', 'revertSnapshot', 'deleteSnapshot', 'migrateDomain',
]);

export interface HostClientOptions {
  callTimeoutMs?: number;
  slowCallTimeoutMs?: number;
  startTimeoutMs?: number;
}

export type HostClientEvent = HostEvent | { type: 'host-exit'; uri: string; reason: string };

interface Pending {
  method: HostMethod;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Running {
  channel: HostChannel;
  ready: Promise<ConnectionInfo>;
  exited: boolean;
}

function toError(e: SerializedError): Error {
  return e.name === 'LibvirtError' ? LibvirtError.fromJSON(e) : new Error(withoutQuotedXml(e.message));
}

export class LibvirtHostClient {
  private running: Running | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: HostClientEvent) => void>();
  private nextId = 1;
  private closed = false;
  /** Clients of sibling() (closed with this one), and the set this one is in when it is a sibling. */
  private readonly siblings = new Set<LibvirtHostClient>();
  private siblingOf: Set<LibvirtHostClient> | null = null;
  private readonly opts: Required<HostClientOptions>;
  /** Typed shorthand: `client.api.listDomains()`. */
  readonly api: { [M in HostMethod]: (...args: Parameters<HostApi[M]>) => Promise<Result<M>> };

  constructor(readonly uri: string, private readonly spawn: HostSpawner, opts: HostClientOptions = {}) {
    this.opts = { callTimeoutMs: 30_000, slowCallTimeoutMs: 600_000, startTimeoutMs: 60_000, ...opts };
    this.api = new Proxy({} as LibvirtHostClient['api'], {
      get: (_t, method: string) => (...args: unknown[]) => this.call(method as HostMethod, ...(args as never)),
    });
  }

  onEvent(listener: (e: HostClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connection info of the current host process, starting it if needed. */
  connect(): Promise<ConnectionInfo> {
    return this.ensureRunning().ready;
  }

  get isRunning(): boolean {
    return !!this.running && !this.running.exited;
  }

  async call<M extends HostMethod>(method: M, ...args: Parameters<HostApi[M]>): Promise<Result<M>> {
    if (this.closed) throw new HostProcessError('closed', this.uri, `connection to ${this.uri} is closed`);
    const run = this.ensureRunning();
    await run.ready;
    return new Promise<Result<M>>((resolve, reject) => {
      const id = this.nextId++;
      const ms = SLOW_METHODS.has(method) ? this.opts.slowCallTimeoutMs : this.opts.callTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostProcessError('timeout', this.uri, `${method} on ${this.uri} did not answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}; the libvirt host process was restarted`));
        // A hung native call cannot be interrupted: kill the process, the next call respawns it.
        this.kill(run, `call ${method} timed out`);
      }, ms);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        run.channel.send({ id, method, args });
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new HostProcessError('crashed', this.uri, `cannot reach the libvirt host process for ${this.uri}: ${(e as Error).message}`));
      }
    });
  }

  /**
   * A client of its own host process for the same URI, for one call that blocks its process
   * for long (a migration): the connection's shared process stays free meanwhile. The caller
   * closes it.
   */
  sibling(opts: HostClientOptions = {}): LibvirtHostClient {
    const s = new LibvirtHostClient(this.uri, this.spawn, { ...this.opts, ...opts });
    // Closed with this client at the latest (a closing app leaves no host process behind).
    s.siblingOf = this.siblings;
    this.siblings.add(s);
    return s;
  }

  /** Stops the host process; later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.siblingOf?.delete(this);
    await Promise.all([...this.siblings].map((s) => s.close()));
    if (this.running && !this.running.exited) {
      const run = this.running;
      const gone = new Promise<void>((r) => run.channel.onExit(() => r()));
      run.channel.kill();
      await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
    }
    this.rejectAll(new HostProcessError('closed', this.uri, `connection to ${this.uri} was closed`));
  }

  /** Kills the current host process (used by tests and on hangs). */
  killHost(): void {
    if (this.running) this.kill(this.running, 'killed on request');
  }

  get hostPid(): number | undefined {
    return (this.running?.channel as { pid?: number } | undefined)?.pid;
  }

  private kill(run: Running, _why: string): void {
    if (!run.exited) run.channel.kill();
  }

  private emit(e: HostClientEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a listener's failure must not break the host channel */
      }
    }
  }

  private rejectAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private ensureRunning(): Running {
    if (this.running && !this.running.exited) return this.running;
    let channel: HostChannel;
    try {
      channel = this.spawn({ [HOST_URI_ENV]: this.uri });
    } catch (e) {
      throw new HostProcessError('spawn-failed', this.uri, `cannot start the libvirt host process for ${this.uri}: ${(e as Error).message}`);
    }
    let settle!: { resolve: (i: ConnectionInfo) => void; reject: (e: Error) => void };
    const ready = new Promise<ConnectionInfo>((resolve, reject) => (settle = { resolve, reject }));
    ready.catch(() => undefined);
    const run: Running = { channel, ready, exited: false };
    let lostReason: string | null = null;
    const startTimer = setTimeout(() => {
      settle.reject(new HostProcessError('timeout', this.uri, `connecting to ${this.uri} took longer than ${this.opts.startTimeoutMs / 1000} s`));
      this.kill(run, 'start timeout');
    }, this.opts.startTimeoutMs);

    channel.onMessage((raw) => {
      const m = raw as FromHost;
      switch (m?.kind) {
        case 'ready':
          clearTimeout(startTimer);
          settle.resolve(m.info);
          break;
        case 'open-failed':
          clearTimeout(startTimer);
          // The process exits by itself; a retry meanwhile must start a new one, not reuse this failure.
          if (this.running === run) this.running = null;
          settle.reject(toError(m.error));
          break;
        case 'result':
        case 'error': {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          clearTimeout(p.timer);
          if (m.kind === 'result') p.resolve(m.result);
          else p.reject(toError(m.error));
          break;
        }
        case 'event':
          if (m.event.type === 'connection-closed') lostReason = `lost connection to ${this.uri} (${m.event.reason})`;
          this.emit(m.event);
          break;
      }
    });
    channel.onExit((code, signal) => {
      run.exited = true;
      clearTimeout(startTimer);
      if (this.running === run) this.running = null;
      const reason = lostReason ?? (signal ? `the libvirt host process for ${this.uri} was killed (${signal})` : `the libvirt host process for ${this.uri} exited (code ${code})`);
      const kind = lostReason ? 'connection-lost' : 'crashed';
      settle.reject(new HostProcessError(kind, this.uri, reason));
      // A process whose open failed may exit after a retry started its successor: the calls and state are the successor's.
      if (this.running !== null) return;
      this.rejectAll(new HostProcessError(kind, this.uri, `${reason}; try again, it restarts by itself`));
      this.emit({ type: 'host-exit', uri: this.uri, reason });
    });
    this.running = run;
    return run;
  }
}
