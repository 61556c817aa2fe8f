// Desktop app: a loopback-only HTTP server whose only job is console WebSocket upgrades
// (/console/vnc → the core's VNC proxy). The renderer learns its base URL through the API
// (console.endpoint → ws://127.0.0.1:<port>); the app's CSP allows ws://127.0.0.1:* for it.
// It listens on 127.0.0.1 with a random port, answers plain HTTP requests with 404, and admits
// a WebSocket only with Host 127.0.0.1:<port> (no DNS-rebound name), a valid one-time ticket
// (issued through IPC) and the app's Origin.
// No 'electron' import here, so it is testable in plain Node.
import http, { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { UpgradeContext } from '../consoles/vnc-proxy';
import { APP_ORIGIN } from './app-protocol';

export interface ConsoleUpgradeTarget {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext): boolean;
}

export interface ConsoleServer {
  readonly port: number;
  /** `ws://127.0.0.1:<port>` */
  readonly wsBase: string;
  close(): Promise<void>;
}

/**
 * Origins the desktop renderer can have: the built app's app://virtdesk, and in development
 * the electron-vite dev server on loopback. No Origin at all (a local non-browser client)
 * still needs a ticket.
 */
export function desktopOriginAllowed(env: NodeJS.ProcessEnv = process.env): (origin: string | undefined) => boolean {
  const allowed = new Set([APP_ORIGIN]);
  const dev = env['ELECTRON_RENDERER_URL'];
  if (dev) {
    try {
      const u = new URL(dev);
      if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) allowed.add(u.origin.toLowerCase());
    } catch {
      /* not a URL: ignore */
    }
  }
  return (origin) => origin === undefined || allowed.has(origin.toLowerCase());
}

export async function startConsoleServer(target: ConsoleUpgradeTarget, isOriginAllowed: (origin: string | undefined) => boolean): Promise<ConsoleServer> {
  const server = http.createServer((_req, res) => {
    const body = 'Virtdesk console endpoint: WebSocket upgrades with a ticket only.\n';
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  });
  const upgraded = new Set<Duplex>();
  let port = 0;
  const refuse = (socket: Duplex, status: number, body: string): void => {
    socket.on('error', () => undefined);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    if (req.headers.host !== `127.0.0.1:${port}`) {
      refuse(socket, 421, 'Misdirected request: the Host header does not name this server (protection against DNS rebinding).\n');
      return;
    }
    if (target.handleUpgrade(req, socket, head, { isOriginAllowed })) return;
    refuse(socket, 404, 'Not Found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    port,
    wsBase: `ws://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of upgraded) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
