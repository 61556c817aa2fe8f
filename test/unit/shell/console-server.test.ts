// The desktop console server (src-main/shell/console-server.ts): only upgrades addressed to
// 127.0.0.1:<port> reach the console proxy; the app's pages have the app:// origin.
import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { desktopOriginAllowed, startConsoleServer, type ConsoleServer, type ConsoleUpgradeTarget } from '../../../src-main/shell/console-server';

function upgrade(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/console/vnc/x?ticket=t', headers: { Host: host, Connection: 'Upgrade', Upgrade: 'websocket' }, agent: false });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('desktop console server', () => {
  let server: ConsoleServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('refuses an upgrade whose Host is not 127.0.0.1:<port> with 421, before the proxy sees it', async () => {
    const handleUpgrade = vi.fn<ConsoleUpgradeTarget['handleUpgrade']>(() => false);
    server = await startConsoleServer({ handleUpgrade }, desktopOriginAllowed({}));
    for (const host of [`rebound.evil.example:${server.port}`, `localhost:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      const r = await upgrade(server.port, host);
      expect(r.status, host).toBe(421);
      expect(r.body).toMatch(/^Misdirected request/);
    }
    expect(handleUpgrade).not.toHaveBeenCalled();
    // Addressed to the server: handed to the proxy (which declines here → 404).
    expect((await upgrade(server.port, `127.0.0.1:${server.port}`)).status).toBe(404);
    expect(handleUpgrade).toHaveBeenCalledTimes(1);
  });

  it('accepts the app:// origin (and the loopback dev server), never file:// or null', () => {
    const allowed = desktopOriginAllowed({});
    expect(allowed('app://virtdesk')).toBe(true);
    expect(allowed(undefined)).toBe(true);
    for (const o of ['file://', 'null', 'app://other', 'http://localhost:5173']) expect(allowed(o), o).toBe(false);
    expect(desktopOriginAllowed({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' })('http://localhost:5173')).toBe(true);
  });
});
