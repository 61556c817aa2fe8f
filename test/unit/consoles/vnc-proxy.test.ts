// The VNC WebSocket proxy against a fake display (a Unix socket that greets like a VNC server
// and echoes), behind the desktop app's loopback console server and behind the browser-mode
// API server's onOtherUpgrade hook.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConsoleTickets } from '../../../src-main/consoles/tickets';
import { VncProxy, isLocalUri, type GraphicsOpener } from '../../../src-main/consoles/vnc-proxy';
import { browserConsoleUpgrades } from '../../../src-main/consoles/server-upgrades';
import { desktopOriginAllowed, startConsoleServer, type ConsoleServer } from '../../../src-main/shell/console-server';
import { generateToken, startServer, type RunningServer } from '../../../src-main/server/server';
import { fakeDispatcher } from '../server/helpers';
import { wsTransport } from './rfb-client';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const GREETING = 'RFB 003.008\n';

interface FakeDisplay {
  opener: GraphicsOpener;
  opened: { uuid: string; index?: number }[];
  /** Bytes the display received. */
  received: () => Buffer;
  /** Sends to the connected client. */
  send: (b: Buffer) => void;
  connected: () => boolean;
  close: () => void;
}

function fakeDisplay(): FakeDisplay {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-vnc-'));
  const opened: { uuid: string; index?: number }[] = [];
  let got = Buffer.alloc(0);
  let peer: net.Socket | null = null;
  const servers: net.Server[] = [];
  let n = 0;
  return {
    opened,
    received: () => got,
    send: (b) => peer?.write(b),
    connected: () => !!peer && !peer.destroyed,
    opener: {
      api: {
        async openGraphics(ref, o) {
          opened.push({ uuid: (ref as { uuid: string }).uuid, index: o?.index });
          const p = path.join(dir, `s${n++}`);
          const server = net.createServer((s) => {
            peer = s;
            s.write(GREETING);
            s.on('data', (d) => (got = Buffer.concat([got, d])));
            s.on('error', () => undefined);
            server.close();
          });
          servers.push(server);
          await new Promise<void>((r) => server.listen(p, r));
          return { path: p };
        },
      },
    },
    close: () => {
      peer?.destroy();
      for (const s of servers) s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.once('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(o: { display?: FakeDisplay } = {}): Promise<{ tickets: ConsoleTickets; proxy: VncProxy; display: FakeDisplay; server: ConsoleServer }> {
  const display = o.display ?? fakeDisplay();
  const tickets = new ConsoleTickets();
  const proxy = new VncProxy({ tickets, clientFor: async () => display.opener });
  const server = await startConsoleServer(proxy, desktopOriginAllowed({}));
  cleanups.push(() => display.close(), () => proxy.close(), () => server.close());
  return { tickets, proxy, display, server };
}

describe('isLocalUri', () => {
  it('treats URIs without a host as local', () => {
    for (const u of ['qemu:///system', 'qemu:///session', 'test:///default', 'qemu+unix:///system?socket=/x', 'qemu:///session?socket=/tmp/s']) expect(isLocalUri(u)).toBe(true);
    for (const u of ['qemu+ssh://user@host/system', 'qemu+tcp://127.0.0.1:16510/system', 'qemu://localhost/system', 'nonsense']) expect(isLocalUri(u)).toBe(false);
  });
});

describe('VNC proxy (desktop console server)', () => {
  it('pipes binary frames both ways after redeeming the ticket, offering the binary subprotocol', async () => {
    const { tickets, proxy, display, server } = await setup();
    expect(server.wsBase).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const { ticket } = tickets.issue({ connection: 'qemu:///system', vm: { uuid: UUID }, kind: 'vnc', graphicsIndex: 1 });
    const t = await wsTransport(`${server.wsBase}/console/vnc/${UUID}?ticket=${ticket}`, { origin: 'app://virtdesk' });
    expect(t.protocol).toBe('binary');
    expect((await t.reader.read(12)).toString('latin1')).toBe(GREETING);
    expect(display.opened).toEqual([{ uuid: UUID, index: 1 }]);
    t.write(Buffer.from('RFB 003.008\n'));
    t.write(Buffer.from([1, 2, 3]));
    await expect.poll(() => display.received().length).toBe(15);
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    display.send(big);
    await t.reader.skip(big.length);
    expect(proxy.activeSessions).toBe(1);

    // The same ticket again: refused before the handshake, and the display is not opened again.
    const again = await upgradeStatus(`${server.wsBase}/console/vnc/${UUID}?ticket=${ticket}`);
    expect(again.status).toBe(403);
    expect(display.opened).toHaveLength(1);

    // Closing the WebSocket closes the display connection.
    t.close();
    await expect.poll(() => display.connected()).toBe(false);
    await expect.poll(() => proxy.activeSessions).toBe(0);
  });

  it('closes the WebSocket when the display goes away', async () => {
    const { tickets, display, server } = await setup();
    const { ticket } = tickets.issue({ connection: 'qemu:///system', vm: { uuid: UUID }, kind: 'vnc' });
    const ws = new WebSocket(`${server.wsBase}/console/vnc/${UUID}?ticket=${ticket}`);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await new Promise((r) => ws.once('message', r));
    display.close();
    expect(await closed).toBe(1000);
  });

  it('refuses forged, missing and remote tickets, foreign origins and other paths', async () => {
    const { tickets, display, server } = await setup();
    const forged = 'A'.repeat(43);
    expect((await upgradeStatus(`${server.wsBase}/console/vnc/${UUID}?ticket=${forged}`)).status).toBe(403);
    expect((await upgradeStatus(`${server.wsBase}/console/vnc`)).status).toBe(403);
    const forThis = tickets.issue({ connection: 'qemu:///system', vm: { uuid: UUID }, kind: 'vnc' }).ticket;
    expect((await upgradeStatus(`${server.wsBase}/console/vnc/00000000-0000-4000-8000-000000000000?ticket=${forThis}`)).status).toBe(403);
    expect((await upgradeStatus(`${server.wsBase}/console/vnc/${UUID}?ticket=${forThis}`)).status).toBe(403); // burnt
    const good = tickets.issue({ connection: 'qemu:///system', vm: { uuid: UUID }, kind: 'vnc' }).ticket;
    expect((await upgradeStatus(`${server.wsBase}/console/vnc/${UUID}?ticket=${good}`, { Origin: 'https://evil.example' })).status).toBe(403);
    const remote = tickets.issue({ connection: 'qemu+ssh://root@far/system', vm: { uuid: UUID }, kind: 'vnc' }).ticket;
    const r = await upgradeStatus(`${server.wsBase}/console/vnc/${UUID}?ticket=${remote}`);
    expect(r.status).toBe(501);
    expect(r.body).toMatch(/SSH tunnel/);
    expect((await upgradeStatus(`${server.wsBase}/api`)).status).toBe(404);
    expect(display.opened).toHaveLength(0);
    // Plain HTTP gets nothing.
    const res = await fetch(server.wsBase.replace('ws:', 'http:') + '/');
    expect(res.status).toBe(404);
  });

  it('answers 502 with the reason when the display cannot be opened', async () => {
    const tickets = new ConsoleTickets();
    const proxy = new VncProxy({
      tickets,
      clientFor: async () => ({ api: { openGraphics: async () => Promise.reject(new Error("Requested operation is not valid: domain is not running")) } }),
    });
    const server = await startConsoleServer(proxy, desktopOriginAllowed({}));
    cleanups.push(() => proxy.close(), () => server.close());
    const { ticket } = tickets.issue({ connection: 'qemu:///system', vm: { uuid: UUID }, kind: 'vnc', name: 'web' });
    const r = await upgradeStatus(`${server.wsBase}/console/vnc/${UUID}?ticket=${ticket}`);
    expect(r.status).toBe(502);
    expect(r.body).toContain("VM 'web'");
    expect(r.body).toContain('not running');
  });

  it('accepts the app origins only', () => {
    const allowed = desktopOriginAllowed({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' });
    expect(allowed(undefined)).toBe(true);
    expect(allowed('app://virtdesk')).toBe(true);
    expect(allowed('file://')).toBe(false);
    expect(allowed('null')).toBe(false);
    expect(allowed('http://localhost:5173')).toBe(true);
    expect(allowed('http://localhost:5174')).toBe(false);
    expect(desktopOriginAllowed({ ELECTRON_RENDERER_URL: 'http://evil.example:5173/' })('http://evil.example:5173')).toBe(false);
  });
});

describe('VNC proxy (browser-mode server, onOtherUpgrade)', () => {
  it('routes /console/vnc, checks the Origin like the API, and leaves other paths 404', async () => {
    const display = fakeDisplay();
    const tickets = new ConsoleTickets();
    const proxy = new VncProxy({ tickets, clientFor: async () => display.opener });
    const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-static-'));
    cleanups.push(() => fs.rmSync(staticDir, { recursive: true, force: true }));
    let running: RunningServer | null = null;
    running = await startServer({
      dispatcher: fakeDispatcher(),
      staticDir,
      port: 0,
      token: generateToken(),
      onOtherUpgrade: browserConsoleUpgrades(proxy, () => running),
    });
    const srv = running;
    cleanups.push(() => display.close(), () => proxy.close(), () => srv.close());
    expect(srv.host).toBe('127.0.0.1');
    const base = `ws://127.0.0.1:${srv.port}`;
    const issue = () => tickets.issue({ connection: 'qemu:///system', vm: { uuid: UUID }, kind: 'vnc' }).ticket;

    expect((await upgradeStatus(`${base}/console/vnc/${UUID}?ticket=${issue()}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await upgradeStatus(`${base}/console/vnc/${UUID}?ticket=${issue()}`, { Origin: `http://localhost:${srv.port}` })).status).toBe(101);
    const t = await wsTransport(`${base}/console/vnc/${UUID}?ticket=${issue()}`, { origin: srv.origin });
    expect((await t.reader.read(12)).toString('latin1')).toBe(GREETING);
    t.close();
    expect((await upgradeStatus(`${base}/console/other`)).status).toBe(404);
    // The API itself still needs its token.
    expect((await upgradeStatus(`${base}/api`)).status).toBe(401);
  });
});
