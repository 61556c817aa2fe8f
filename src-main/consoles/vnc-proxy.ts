// The graphical console transport: noVNC in the renderer speaks RFB over binary WebSocket
// frames to `/console/vnc/<vm uuid>?ticket=<t>` on a loopback server of the app; this proxy redeems the
// one-time ticket, asks the connection's libvirt host process for the guest's VNC socket
// (virDomainOpenGraphicsFD, handed over as a one-shot Unix socket in a private folder) and
// pipes bytes both ways. No VNC TCP port is ever used or exposed: the guest's display is
// reached through libvirt, and the WebSocket endpoint lives on a loopback-only server
// (browser mode: the API server; desktop app: a console-only server on 127.0.0.1).
//
// Remote connections (a URI with a host part): virDomainOpenGraphicsFD passes a file descriptor,
// which only works over a local Unix socket, and the display listens on the loopback of *that*
// host. Over SSH (qemu+ssh://) the display is reached through a forward on the connection's own
// SSH master (`remoteDisplay`, src-main/remote/ssh-tunnel.ts); TCP/TLS connections are refused
// instead of trying a port this app must not open.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError } from '../contract';
import type { DomainRef } from '../libvirt/protocol';
import type { ConsoleTickets, TicketBinding } from './tickets';
import { isLocalUri } from '../contract/connection-uri';

export { isLocalUri };

export const VNC_PATH = '/console/vnc';

/** The WebSocket path for one VM's display; the ticket must have been issued for that VM. */
export const vncPathFor = (uuid: string, ticket: string): string => `${VNC_PATH}/${encodeURIComponent(uuid)}?ticket=${encodeURIComponent(ticket)}`;

/** Pause reading from the VNC socket while this much is queued for the WebSocket. */
const HIGH_WATER_BYTES = 2 * 1024 * 1024;
/** RFB client messages are small; a clipboard paste is the largest. */
const MAX_CLIENT_FRAME_BYTES = 16 * 1024 * 1024;
/** Waiting for libvirt + the one-shot socket; beyond this the upgrade is answered 504. */
const OPEN_TIMEOUT_MS = 15_000;

/** A display reached through an SSH tunnel (remote connections): connect to `path` once, then close. */
export interface RemoteDisplay {
  path: string;
  close(): Promise<void>;
}

/** What the proxy needs of a libvirt host client. */
export interface GraphicsOpener {
  api: { openGraphics(ref: DomainRef, o?: { index?: number }): Promise<{ path: string }> };
}

export interface VncProxyOptions {
  tickets: ConsoleTickets;
  /** A connected host client for a connection URI (ConnectionManager.client). */
  clientFor(uri: string): Promise<GraphicsOpener>;
  /** Opens the display of a VM on a remote connection (over its SSH connection); absent: remote displays are refused. */
  remoteDisplay?(uri: string, uuid: string, graphicsIndex: number): Promise<RemoteDisplay>;
  /** Diagnostics (one line each); default: nothing. */
  log?: (line: string) => void;
}

export interface UpgradeContext {
  /**
   * The Origin check of the server the upgrade arrived on (the same rule as its API). The
   * ticket is the credential; this only stops another site's page from using a leaked one.
   */
  isOriginAllowed(origin: string | undefined): boolean;
}

/** The API error for a graphical console on a remote connection (see the header comment). */
export function remoteGraphicsError(uri: string): ApiError {
  return new ApiError(
    'LIBVIRT',
    `Graphical consoles of VMs on remote hosts (${uri}) travel through the connection's SSH tunnel, and this connection is not over SSH. ` +
      `Connect with qemu+ssh://…, or use the serial console.`,
    'connection',
    84, // VIR_ERR_OPERATION_UNSUPPORTED
  );
}

/** `/console/vnc/<uuid>?ticket=…` → its parts; `vmUuid` is null when the path names no VM. */
function pathAndTicket(url: string | undefined): { path: string; vmUuid: string | null; ticket: string | null } {
  try {
    const u = new URL(url ?? '/', 'http://localhost');
    const m = /^(\/console\/vnc)(?:\/([^/]+))?$/.exec(u.pathname);
    if (!m) return { path: u.pathname, vmUuid: null, ticket: null };
    return { path: m[1], vmUuid: m[2] ? decodeURIComponent(m[2]) : null, ticket: u.searchParams.get('ticket') };
  } catch {
    return { path: '', vmUuid: null, ticket: null };
  }
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  socket.on('error', () => undefined);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Cache-Control: no-store\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}

function connectUnix(path: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('the display socket did not answer'));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

interface Session {
  ws: WebSocket;
  vnc: net.Socket;
}

export class VncProxy {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly opening = new Set<Duplex>();
  private closed = false;

  constructor(private readonly opts: VncProxyOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: MAX_CLIENT_FRAME_BYTES,
      // noVNC may offer 'binary' (older versions insist on it); anything else gets none.
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    });
  }

  /** Open console connections (for tests and diagnostics). */
  get activeSessions(): number {
    return this.sessions.size;
  }

  /**
   * Takes over an HTTP upgrade whose path is /console/vnc/<uuid> (returns false for any other path,
   * leaving the socket alone). Refusals are answered with an HTTP status before the handshake.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext): boolean {
    const { path, vmUuid, ticket } = pathAndTicket(req.url);
    if (path !== VNC_PATH) return false;
    socket.on('error', () => undefined);
    if (this.closed) {
      rejectUpgrade(socket, 503, 'Virtdesk is shutting down.');
      return true;
    }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      rejectUpgrade(socket, 400, 'Expected a WebSocket upgrade.');
      return true;
    }
    const origin = req.headers.origin;
    if (!ctx.isOriginAllowed(origin === undefined ? undefined : origin.toLowerCase())) {
      rejectUpgrade(socket, 403, 'Forbidden origin.');
      return true;
    }
    // The ticket opens only the VM it was issued for: a ticket presented for another VM is burnt.
    const redeemed = vmUuid ? this.opts.tickets.redeem(ticket, { kind: 'vnc', vm: { uuid: vmUuid } }) : ({ ok: false } as const);
    if (!redeemed.ok) {
      rejectUpgrade(socket, 403, 'The console ticket is missing, unknown, already used or expired: ask for a new one (console.vncTicket).');
      return true;
    }
    void this.open(req, socket, head, redeemed.binding);
    return true;
  }

  private async open(req: IncomingMessage, socket: Duplex, head: Buffer, b: TicketBinding): Promise<void> {
    const remote = !isLocalUri(b.connection);
    if (remote && !this.opts.remoteDisplay) {
      rejectUpgrade(socket, 501, remoteGraphicsError(b.connection).message);
      return;
    }
    this.opening.add(socket);
    let vnc: net.Socket;
    try {
      if (remote) {
        const display = await withTimeout(this.opts.remoteDisplay!(b.connection, b.vm.uuid, b.graphicsIndex ?? 0), OPEN_TIMEOUT_MS, 'opening the display over SSH');
        vnc = await connectUnix(display.path, OPEN_TIMEOUT_MS).finally(() => void display.close());
      } else {
        const client = await withTimeout(this.opts.clientFor(b.connection), OPEN_TIMEOUT_MS, `connecting to ${b.connection}`);
        const { path } = await withTimeout(client.api.openGraphics({ uuid: b.vm.uuid }, { index: b.graphicsIndex ?? 0 }), OPEN_TIMEOUT_MS, 'opening the display');
        vnc = await connectUnix(path, OPEN_TIMEOUT_MS);
      }
    } catch (e) {
      this.opening.delete(socket);
      const msg = e instanceof Error ? e.message : String(e);
      this.log(`vnc: cannot open the display of ${b.name ?? b.vm.uuid} on ${b.connection}: ${msg}`);
      rejectUpgrade(socket, 502, `Cannot open the display of VM '${b.name ?? b.vm.uuid}': ${msg}`);
      return;
    }
    this.opening.delete(socket);
    if (this.closed || socket.destroyed || !socket.writable) {
      vnc.destroy();
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.pipe(ws, vnc, b));
  }

  private pipe(ws: WebSocket, vnc: net.Socket, b: TicketBinding): void {
    const session: Session = { ws, vnc };
    this.sessions.add(session);
    vnc.setNoDelay(true);

    let ended = false;
    const end = (code: number, reason: string): void => {
      if (ended) return;
      ended = true;
      this.sessions.delete(session);
      vnc.destroy();
      if (ws.readyState === ws.OPEN) ws.close(code, reason);
      else if (ws.readyState === ws.CONNECTING) ws.terminate();
      // A peer that does not finish the closing handshake is cut off.
      setTimeout(() => ws.terminate(), 2000).unref();
    };

    // guest → browser. Reading pauses while the WebSocket has a backlog; the send that crosses
    // the high-water mark carries a callback that resumes once it (and all before it) left.
    const resume = (): void => {
      if (!ended) vnc.resume();
    };
    vnc.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount + chunk.length > HIGH_WATER_BYTES) {
        vnc.pause();
        ws.send(chunk, { binary: true }, resume);
      } else {
        ws.send(chunk, { binary: true });
      }
    });
    // browser → guest. RFB is binary; a text frame means a confused client.
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        end(1003, 'RFB needs binary frames');
        return;
      }
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (!vnc.write(buf)) ws.pause();
    });
    vnc.on('drain', () => ws.resume());

    vnc.on('end', () => end(1000, 'the display closed'));
    vnc.on('close', () => end(1000, 'the display closed'));
    vnc.on('error', (e) => {
      this.log(`vnc: display connection of ${b.name ?? b.vm.uuid} failed: ${e.message}`);
      end(1011, 'the display connection failed');
    });
    ws.on('close', () => end(1000, ''));
    ws.on('error', () => {
      ws.terminate();
      end(1011, '');
    });
  }

  /** Ends every console connection and refuses new ones. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.opening) s.destroy();
    this.opening.clear();
    for (const { ws, vnc } of this.sessions) {
      vnc.destroy();
      ws.terminate();
    }
    this.sessions.clear();
    this.wss.close();
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}
