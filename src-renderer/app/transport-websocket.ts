// Browser-mode transport: one WebSocket to the Virtdesk server (src-main/server/server.ts).
//
// Wire protocol (JSON text frames):
//   client → { id: number, method: string, input: unknown }
//   server → { id, ok: true, result } | { id, ok: false, error: { code, message, field?, libvirtCode?, key?, params? } }
//            (result is absent for methods that return nothing)
//   server → { event: { type, ...payload } }
// The access token travels as the subprotocol `virtdesk.<token>`. A refused token cannot be
// told apart from an unreachable server by the WebSocket API (both just close before open),
// so after such a failure a plain GET of /api decides: 426 means the server is up and
// refused us.
import type { TypedApiEvent } from '../../src-main/contract';
import { ApiCallError, toApiCallError, type ConnectionListener, type Transport } from './transport-types';

export const TOKEN_REFUSED_MESSAGE = 'The access token is missing or wrong: open the exact link printed by `npm run serve`.';
export const TOKEN_PROTOCOL_PREFIX = 'virtdesk.';
/** The server closes a socket that sends a bigger frame: refuse such calls up front. */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;

/** The part of the browser WebSocket this transport uses (the `ws` package's client fits too). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/** 'refused': the server is up but did not accept the upgrade (token or origin). */
export type ProbeResult = 'refused' | 'unreachable' | 'unknown';

export interface WebSocketTransportOptions {
  /** ws(s)://host/api */
  url: string;
  /** null when the page was opened without a token. */
  token: string | null;
  WebSocket?: WebSocketConstructor;
  /** Tells a refused token from an unreachable server; default: GET the http(s) URL of /api. */
  probe?: () => Promise<ProbeResult>;
  /** Reconnect delays: initial, doubled each failure up to max. Default 1 s → 10 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a call waits for a connection before it fails with CONNECTION. Default 15 s. */
  queueTimeoutMs?: number;
}

interface Pending {
  method: string;
  text: string;
  sent: boolean;
  resolve(value: unknown): void;
  reject(err: ApiCallError): void;
  timer?: ReturnType<typeof setTimeout>;
}

type State = 'connecting' | 'open' | 'waiting' | 'refused' | 'closed';

function defaultProbe(wsUrl: string): () => Promise<ProbeResult> {
  const httpUrl = wsUrl.replace(/^ws/i, 'http');
  return async () => {
    if (typeof fetch !== 'function') return 'unknown';
    try {
      const res = await fetch(httpUrl, { cache: 'no-store', credentials: 'omit' });
      return res.status === 426 ? 'refused' : 'unknown';
    } catch {
      return 'unreachable';
    }
  };
}

export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  private state: State = 'connecting';
  private ws: WebSocketLike | null = null;
  private opened = false;
  private retriedAfterProbe = false;
  private seq = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(e: TypedApiEvent) => void>();
  private readonly connectionListeners = new Set<ConnectionListener>();
  private notified: { up: boolean; error: string | null } = { up: false, error: null };
  private error: string | null = null;
  private readonly WS: WebSocketConstructor;
  private readonly probe: () => Promise<ProbeResult>;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly queueTimeoutMs: number;
  private readonly onOnline = (): void => this.reconnectNow();

  constructor(private readonly options: WebSocketTransportOptions) {
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new Error('this environment has no WebSocket');
    this.WS = WS;
    this.probe = options.probe ?? defaultProbe(options.url);
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.queueTimeoutMs = options.queueTimeoutMs ?? 15_000;
    if (!options.token) {
      // Deferred so listeners subscribed right after construction hear about it.
      queueMicrotask(() => this.refuse());
      return;
    }
    (globalThis as { addEventListener?: (t: string, l: () => void) => void }).addEventListener?.('online', this.onOnline);
    this.connect();
  }

  get connected(): boolean {
    return this.state === 'open';
  }

  /** Why the transport is not connected (null while connected). */
  get lastError(): string | null {
    return this.error;
  }

  call(method: string, input: unknown): Promise<unknown> {
    if (this.state === 'refused') return Promise.reject(new ApiCallError('AUTH', TOKEN_REFUSED_MESSAGE, { method }));
    if (this.state === 'closed') return Promise.reject(new ApiCallError('CONNECTION', 'the API client is closed', { method }));
    const id = ++this.seq;
    let text: string;
    try {
      text = JSON.stringify({ id, method, input });
    } catch (e) {
      return Promise.reject(new ApiCallError('INVALID_INPUT', `the input of ${method} cannot be sent: ${e instanceof Error ? e.message : String(e)}`, { method }));
    }
    if (new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
      return Promise.reject(new ApiCallError('INVALID_INPUT', `the input of ${method} is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MiB`, { method }));
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { method, text, sent: false, resolve, reject };
      this.pending.set(id, p);
      if (this.state === 'open' && this.ws) {
        this.ws.send(text);
        p.sent = true;
      } else {
        p.timer = setTimeout(() => {
          if (p.sent || !this.pending.has(id)) return;
          this.pending.delete(id);
          const why = this.error ? `: ${this.error}` : '';
          reject(new ApiCallError('CONNECTION', `not connected to the Virtdesk server${why}`, { method }));
        }, this.queueTimeoutMs);
      }
    });
  }

  onEvent(listener: (e: TypedApiEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  onConnectionChange(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => {
      this.connectionListeners.delete(listener);
    };
  }

  /** Skips the backoff wait (e.g. the network came back). */
  reconnectNow(): void {
    if (this.state !== 'waiting') return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.connect();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    (globalThis as { removeEventListener?: (t: string, l: () => void) => void }).removeEventListener?.('online', this.onOnline);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.onerror = () => undefined; // closing while connecting reports an error: expected
      try {
        ws.close(1000, 'client closed');
      } catch {
        /* already closing */
      }
    }
    this.failAll((p) => new ApiCallError('CONNECTION', 'the API client was closed', { method: p.method }));
    this.setStatus(false, null);
  }

  private connect(): void {
    this.state = 'connecting';
    this.opened = false;
    let ws: WebSocketLike;
    try {
      ws = new this.WS(this.options.url, [TOKEN_PROTOCOL_PREFIX + (this.options.token ?? '')]);
    } catch (e) {
      this.error = `cannot open a WebSocket to ${this.options.url}: ${e instanceof Error ? e.message : String(e)}`;
      this.setStatus(false, this.error);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.opened = true;
      this.retriedAfterProbe = false;
      this.state = 'open';
      this.attempt = 0;
      this.error = null;
      for (const p of this.pending.values()) {
        if (p.sent) continue;
        if (p.timer) clearTimeout(p.timer);
        ws.send(p.text);
        p.sent = true;
      }
      this.setStatus(true, null);
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.handleMessage(ev.data);
    };
    ws.onerror = () => undefined; // a close event always follows
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      void this.handleClose(this.opened);
    };
  }

  private async handleClose(wasOpen: boolean): Promise<void> {
    // Calls already sent may or may not have run: they fail, queued ones wait for the reconnect.
    for (const [id, p] of this.pending) {
      if (!p.sent) continue;
      this.pending.delete(id);
      p.reject(new ApiCallError('CONNECTION', `the connection to the Virtdesk server was lost before ${p.method} answered (it may or may not have run)`, { method: p.method }));
    }
    if (this.state === 'closed') return;
    this.state = 'waiting';
    if (wasOpen) {
      this.error = 'the connection to the Virtdesk server was lost; reconnecting…';
      this.setStatus(false, this.error);
    } else {
      const result = await this.probe().catch((): ProbeResult => 'unknown');
      if (this.state !== 'waiting') return; // closed meanwhile
      if (result === 'refused') {
        // The server is up but refused the socket. It may just have come back between our
        // attempt and the probe: try once more at once before calling the token wrong.
        if (!this.retriedAfterProbe) {
          this.retriedAfterProbe = true;
          this.connect();
          return;
        }
        this.refuse();
        return;
      }
      this.error = `cannot reach the Virtdesk server at ${this.options.url}; retrying…`;
      this.setStatus(false, this.error);
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed' || this.state === 'refused') return;
    this.state = 'waiting';
    const delay = Math.min(this.initialBackoffMs * 2 ** this.attempt, this.maxBackoffMs);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state === 'waiting') this.connect();
    }, delay);
  }

  /** The server refused the token: retrying cannot help (a new server start has a new token). */
  private refuse(): void {
    if (this.state === 'closed') return;
    this.state = 'refused';
    this.error = TOKEN_REFUSED_MESSAGE;
    this.failAll((p) => new ApiCallError('AUTH', TOKEN_REFUSED_MESSAGE, { method: p.method }));
    this.setStatus(false, this.error);
  }

  private failAll(errorFor: (p: Pending) => ApiCallError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(errorFor(p));
    }
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: { id?: unknown; ok?: unknown; result?: unknown; error?: unknown; event?: unknown };
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if (msg.event !== undefined) {
      const event = msg.event as { type?: unknown };
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string') return;
      for (const l of [...this.eventListeners]) {
        try {
          l(event as TypedApiEvent);
        } catch (e) {
          console.error('virtdesk: an API event listener failed', e);
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') {
      console.warn('virtdesk: the server refused a frame', msg.error);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok === true) p.resolve(msg.result);
    else p.reject(toApiCallError(msg.error as Parameters<typeof toApiCallError>[0], p.method));
  }

  private setStatus(up: boolean, error: string | null): void {
    if (this.notified.up === up && this.notified.error === error) return;
    this.notified = { up, error };
    for (const l of [...this.connectionListeners]) {
      try {
        l(up, error);
      } catch (e) {
        console.error('virtdesk: a connection listener failed', e);
      }
    }
  }
}
