// Browser mode: one node:http server that serves the built renderer and the API over a
// WebSocket at /api. The renderer talks to it through src-renderer/app/transport-websocket.ts.
//
// Every request and upgrade must name this server in its Host header (its listen address,
// the loopback names when on loopback, names given with --allow-host) → else 421. A page on
// another site that rebinds its DNS name to this address (DNS rebinding) would otherwise be
// same-origin with us and could read what we serve.
//
// With TLS (--tls-cert/--tls-key) the same handlers run over node:https, so /api is wss://.
//
// Access control for /api (static files need none, they hold no secrets):
// - the token, presented as the subprotocol `Sec-WebSocket-Protocol: virtdesk.<token>`
//   (the one header a browser lets a page set on a WebSocket), compared in constant time;
//   missing or wrong → 401 on the upgrade;
// - an Origin header, when present, must be the server's own origin (browsers always send
//   it, so another site's page cannot use the API even if it guessed the port; DNS
//   rebinding gives the attacker's origin, not ours) → else 403. No Origin (tests, CLI) is
//   fine when the token is right.
//
// Wire protocol (JSON text frames, see the summary in transport-websocket.ts):
//   client → { id: number, method: string, input: unknown }
//   server → { id, ok: true, result } | { id, ok: false, error: { code, message, field? } }
//   server → { event: { type, ...payload } }   (every core event to every socket)
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError, type MessageParam } from '../contract';
import type { ApiDispatcher, ApiEvent } from '../api/dispatcher';
import { CONTENT_SECURITY_POLICY } from '../shell/security';
import { createStaticHandler } from './static-files';

export const API_PATH = '/api';
/** Prefix of the subprotocol that carries the token: `virtdesk.<token>`. */
export const TOKEN_PROTOCOL_PREFIX = 'virtdesk.';
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
export const MAX_METHOD_LENGTH = 64;
/** A socket that cannot keep up with this much unsent data is dropped (the client reconnects). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServerOptions {
  dispatcher: ApiDispatcher;
  /** The built renderer (out/renderer). May be missing: `/` then explains how to build it. */
  staticDir: string;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** 0 = a free port chosen by the OS. */
  port?: number;
  /** The access token (base64url, at least 16 characters); see generateToken(). */
  token: string;
  /**
   * Other WebSocket upgrades (e.g. a console proxy at /console/...). Return true when the
   * request was handled; unhandled upgrades get 404.
   */
  onOtherUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Serve https/wss with this certificate and key (PEM) instead of http/ws. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /** More names the server may be reached by (Host header and Origin), e.g. its DNS name. */
  hostNames?: readonly string[] | undefined;
}

/** What decides the names and origins a server answers to. */
export interface ServedAs {
  /** https/wss instead of http/ws. */
  tls?: boolean | undefined;
  /** Names given with --allow-host (host names or IP addresses, without port). */
  hostNames?: readonly string[] | undefined;
}

export interface RunningServer {
  /** The port actually listened on. */
  readonly port: number;
  readonly host: string;
  /** True when serving https/wss. */
  readonly tls: boolean;
  readonly hostNames: readonly string[];
  /** `http(s)://<host>:<port>` */
  readonly origin: string;
  /** The link to open: `http(s)://<host>:<port>/#token=<token>`. */
  readonly url: string;
  readonly server: http.Server | https.Server;
  close(): Promise<void>;
}

/** 32 random bytes, base64url (43 characters). New per server start. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The host as it appears in a URL (IPv6 in brackets). */
export function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';

/**
 * The `Host` header values this server answers to, lower case: `<name>:<port>` for its listen
 * address, for 127.0.0.1/localhost/[::1] when it listens on loopback, for every local address
 * and the machine's name when it listens on all of them (0.0.0.0, ::), and for `hostNames`.
 * On the scheme's default port (80, 443) the bare name too, as browsers then leave it out.
 */
export function servedHosts(host: string, port: number, as: ServedAs = {}): Set<string> {
  const names = new Set<string>([urlHost(host)]);
  if (isLoopback(host) || isWildcard(host)) {
    for (const n of ['127.0.0.1', 'localhost', '[::1]']) names.add(n);
  }
  if (isWildcard(host)) {
    // Reachable under any local address (and the host name) when listening on all of them.
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) names.add(urlHost(a.address.split('%')[0] ?? a.address));
    }
    names.add(os.hostname());
  }
  for (const n of as.hostNames ?? []) names.add(urlHost(n));
  const defaultPort = as.tls ? 443 : 80;
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n.toLowerCase()}:${port}`);
    if (port === defaultPort) out.add(n.toLowerCase());
  }
  return out;
}

/** The origins a page of this server can have. */
export function allowedOrigins(host: string, port: number, as: ServedAs = {}): Set<string> {
  const scheme = as.tls ? 'https' : 'http';
  return new Set([...servedHosts(host, port, as)].map((h) => `${scheme}://${h}`));
}

/** CONTENT_SECURITY_POLICY with connect-src limited to this server (its own ws:// or wss://). */
export function contentSecurityPolicy(host: string, port: number, as: ServedAs = {}): string {
  const ws = as.tls ? 'wss' : 'ws';
  const sources = ["'self'", `${ws}://${urlHost(host)}:${port}`];
  if (isLoopback(host)) sources.push(`${ws}://localhost:${port}`);
  for (const n of as.hostNames ?? []) sources.push(`${ws}://${urlHost(n)}:${port}`);
  const connect = `connect-src ${sources.join(' ')}`;
  const directives = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim()).filter(Boolean);
  const i = directives.findIndex((d) => d.startsWith('connect-src'));
  if (i === -1) directives.push(connect);
  else directives[i] = connect;
  return directives.join('; ');
}

/** Constant-time comparison (independent of where the strings differ and of their lengths). */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && presented.length === expected.length;
}

/** The `virtdesk.<token>` entry of a Sec-WebSocket-Protocol header that matches, if any. */
export function matchingTokenProtocol(header: string | undefined, token: string): string | null {
  if (!header) return null;
  let found: string | null = null;
  for (const p of header.split(',').map((s) => s.trim())) {
    // Check every candidate so the time taken does not depend on the position of a match.
    if (p.startsWith(TOKEN_PROTOCOL_PREFIX) && tokensEqual(p.slice(TOKEN_PROTOCOL_PREFIX.length), token) && found === null) found = p;
  }
  return found;
}

export interface WireError {
  code: string;
  message: string;
  field?: string;
  libvirtCode?: number;
  /** The message as a key of contract/messages.ts with its parameters (the renderer translates it). */
  key?: string;
  params?: Record<string, MessageParam>;
}

/** An ApiError as data, its message key and parameters included (see ApiError.toJSON). */
export function toWireError(err: unknown): WireError {
  if (err instanceof ApiError) return err.toJSON();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  socket.on('error', () => undefined);
  const body = `${message}\n`;
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.once('finish', () => socket.destroy());
    setTimeout(() => socket.destroy(), 1000).unref();
  } else {
    socket.destroy();
  }
}

const MISDIRECTED =
  'Misdirected request: the Host header does not name this server, so the request was refused ' +
  '(protection against DNS rebinding). Open the address Virtdesk printed when it started, or start it ' +
  'with --allow-host NAME to reach it under another name.';

function pathOf(url: string | undefined): string {
  const u = url ?? '';
  const end = u.search(/[?#]/);
  return end === -1 ? u : u.slice(0, end);
}

/**
 * The API over WebSockets: one JSON frame per call ({ id, method, input } → { id, ok, result |
 * error }), every event to every client, heartbeats that drop dead clients, and a cap on what a
 * slow client may have buffered.
 */
function apiSockets(dispatcher: ApiDispatcher): { wss: WebSocketServer; acceptedProtocol: WeakMap<IncomingMessage, string>; stop(): void } {
  const acceptedProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
    handleProtocols: (_protocols, req) => acceptedProtocol.get(req) ?? false,
  });

  const alive = new WeakMap<WebSocket, boolean>();
  const send = (ws: WebSocket, text: string): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(text);
  };
  const reply = (ws: WebSocket, id: number | null, outcome: { ok: true; result: unknown } | { ok: false; error: WireError }): void => {
    let text: string;
    try {
      text = JSON.stringify({ id, ...outcome });
    } catch (e) {
      text = JSON.stringify({ id, ok: false, error: { code: 'INTERNAL', message: `result is not serializable: ${e instanceof Error ? e.message : String(e)}` } });
    }
    send(ws, text);
  };
  const malformed = (ws: WebSocket, id: number | null, message: string): void => reply(ws, id, { ok: false, error: { code: 'INVALID_INPUT', message } });

  const onMessage = (ws: WebSocket, data: RawData, isBinary: boolean): void => {
    if (isBinary) return malformed(ws, null, 'binary frames are not supported: send JSON text');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return malformed(ws, null, 'the frame is not valid JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return malformed(ws, null, 'the frame must be a JSON object { id, method, input }');
    const { id, method, input } = msg as { id?: unknown; method?: unknown; input?: unknown };
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return malformed(ws, null, 'id must be an integer');
    if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) {
      return malformed(ws, id, `method must be a non-empty string of at most ${MAX_METHOD_LENGTH} characters`);
    }
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(dispatcher.call(method, input));
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (result) => reply(ws, id, { ok: true, result }),
      (err: unknown) => reply(ws, id, { ok: false, error: toWireError(err) }),
    );
  };

  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
    ws.on('error', () => ws.terminate());
  });

  const unsubscribe = dispatcher.onEvent((event: ApiEvent) => {
    if (wss.clients.size === 0) return;
    let text: string;
    try {
      text = JSON.stringify({ event });
    } catch {
      return;
    }
    for (const ws of wss.clients) send(ws, text);
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    wss,
    acceptedProtocol,
    stop() {
      clearInterval(heartbeat);
      unsubscribe();
    },
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { dispatcher, token } = options;
  const host = options.host ?? DEFAULT_HOST;
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new Error('the server token must be base64url text of at least 16 characters');
  }
  if (!net.isIP(host) && host !== 'localhost') throw new Error(`listen address '${host}' is not an IP address`);
  const servedAs: ServedAs = { tls: options.tls !== undefined, hostNames: [...(options.hostNames ?? [])] };

  // Filled in once listening (the port may be 0 until then).
  let headers: Record<string, string> = {};
  let origins = new Set<string>();
  let hosts = new Set<string>();
  let port = 0;
  // A wildcard listen address answers to names that can change with the interfaces: recompute.
  const hostAllowed = (value: string | undefined): boolean =>
    value !== undefined && (isWildcard(host) ? servedHosts(host, port, servedAs) : hosts).has(value.toLowerCase());
  const staticHandler = createStaticHandler({
    staticDir: options.staticDir,
    get headers() {
      return headers;
    },
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hostAllowed(req.headers.host)) {
      const body = `${MISDIRECTED}\n`;
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store', Connection: 'close' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (pathOf(req.url) === API_PATH) {
      const body = 'The Virtdesk API is a WebSocket: connect with the token as subprotocol virtdesk.<token>.\n';
      res.writeHead(426, { ...headers, Upgrade: 'websocket', Connection: 'Upgrade', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    staticHandler(req, res);
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, onRequest) : http.createServer(onRequest);

  const api = apiSockets(dispatcher);
  const { wss, acceptedProtocol } = api;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!hostAllowed(req.headers.host)) {
      rejectUpgrade(socket, 421, MISDIRECTED);
      return;
    }
    if (pathOf(req.url) !== API_PATH) {
      if (options.onOtherUpgrade?.(req, socket, head)) return;
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    const protocol = matchingTokenProtocol(req.headers['sec-websocket-protocol'], token);
    if (protocol === null) {
      rejectUpgrade(socket, 401, 'The access token is missing or wrong.');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const o = origin.toLowerCase();
      const allowed = isWildcard(host) ? allowedOrigins(host, port, servedAs) : origins;
      if (!allowed.has(o)) {
        rejectUpgrade(socket, 403, 'Forbidden origin.');
        return;
      }
    }
    acceptedProtocol.set(req, protocol);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      server.once('error', onError);
      server.listen({ port: options.port ?? 0, host, exclusive: true }, () => {
        server.off('error', onError);
        resolve();
      });
    });
  } catch (e) {
    api.stop();
    wss.close();
    throw e;
  }

  port = (server.address() as AddressInfo).port;
  origins = allowedOrigins(host, port, servedAs);
  hosts = servedHosts(host, port, servedAs);
  headers = {
    'Content-Security-Policy': contentSecurityPolicy(host, port, servedAs),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const origin = `${servedAs.tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      api.stop();
      const sockets = [...wss.clients];
      for (const ws of sockets) ws.close(1001, 'server shutting down');
      const deadline = Date.now() + 1000;
      while (sockets.some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  return { port, host, tls: servedAs.tls === true, hostNames: servedAs.hostNames ?? [], origin, url: `${origin}/#token=${token}`, server, close };
}
