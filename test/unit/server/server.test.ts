// The browser-mode server (src-main/server/server.ts) on a real port with a fake dispatcher.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  allowedOrigins,
  contentSecurityPolicy,
  generateToken,
  matchingTokenProtocol,
  MAX_MESSAGE_BYTES,
  servedHosts,
  startServer,
  tokensEqual,
  type RunningServer,
} from '../../../src-main/server/server';
import { safeRelativePath } from '../../../src-main/server/static-files';
import { FAKE_SETTINGS, fakeDispatcher, frames, httpsGet, makeStaticDir, openWs, rawGet, selfSignedCert, tempDir, waitFor, type FakeDispatcher } from './helpers';

describe('browser-mode server', () => {
  let server: RunningServer;
  let dispatcher: FakeDispatcher;
  let token: string;
  let port: number;
  const open: WebSocket[] = [];

  const connect = async (extra: { origin?: string } = {}): Promise<WebSocket> => {
    const r = await openWs(port, { protocols: [`virtdesk.${token}`], ...extra });
    if (!r.ok) throw new Error(`upgrade refused: ${r.status}`);
    open.push(r.ws);
    return r.ws;
  };

  beforeAll(async () => {
    dispatcher = fakeDispatcher();
    token = generateToken();
    server = await startServer({ dispatcher, staticDir: makeStaticDir().staticDir, port: 0, token });
    port = server.port;
  });

  afterEach(() => {
    for (const ws of open.splice(0)) ws.terminate();
  });

  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 only by default and reports its URL', () => {
    const addr = server.server.address() as AddressInfo;
    expect(addr.address).toBe('127.0.0.1');
    expect(addr.port).toBe(port);
    expect(port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${port}/#token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves index.html for / with the CSP and hardening headers, no token needed', async () => {
    const res = await rawGet(port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Virtdesk test');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(csp).not.toContain('ws://127.0.0.1:*');
    expect((await rawGet(port, '/index.html?x=1')).status).toBe(200);
  });

  it('serves assets with their content types and HEAD without a body', async () => {
    const js = await rawGet(port, '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-security-policy']).toBeDefined();
    const css = await rawGet(port, '/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await rawGet(port, '/assets/index-abc123.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String('console.log("hi");\n'.length));
    expect((await rawGet(port, '/', 'POST')).status).toBe(405);
    expect((await rawGet(port, '/nope.js')).status).toBe(404);
    expect((await rawGet(port, '/assets')).status).toBe(404);
  });

  it('refuses path traversal, encoded separators, dot-files and symlinks out of the static dir', async () => {
    for (const p of [
      '/../etc/passwd',
      '/../../../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/..\\secret.txt',
      '/.hidden',
      '/link.txt',
      '//etc/passwd',
      '/index.html%00.js',
      '/%E0%A4%A',
    ]) {
      const res = await rawGet(port, p);
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toContain('TOP SECRET');
      expect(res.body, p).not.toContain('root:');
    }
  });

  it('answers a plain HTTP request to /api with 426', async () => {
    const res = await rawGet(port, '/api');
    expect(res.status).toBe(426);
    expect(res.headers.upgrade).toBe('websocket');
  });

  it('accepts the right token, echoes the protocol, and answers calls', async () => {
    const ws = await connect();
    expect(ws.protocol).toBe(`virtdesk.${token}`);
    const f = frames(ws);
    ws.send(JSON.stringify({ id: 1, method: 'settings.get', input: {} }));
    expect(await f.next((m) => m.id === 1)).toEqual({ id: 1, ok: true, result: FAKE_SETTINGS });
    ws.send(JSON.stringify({ id: 2, method: 'vm.list', input: { connection: 'test:///default' } }));
    expect(await f.next((m) => m.id === 2)).toEqual({ id: 2, ok: true, result: [{ name: 'a', input: { connection: 'test:///default' } }] });
    // A method that returns nothing: ok without result.
    ws.send(JSON.stringify({ id: 3, method: 'vm.start', input: {} }));
    expect(await f.next((m) => m.id === 3)).toEqual({ id: 3, ok: true });
  });

  it('sends ApiErrors with their shape and other errors as INTERNAL', async () => {
    const ws = await connect();
    const f = frames(ws);
    ws.send(JSON.stringify({ id: 10, method: 'vm.get', input: { vm: { name: '' } } }));
    expect(await f.next((m) => m.id === 10)).toEqual({ id: 10, ok: false, error: { code: 'INVALID_INPUT', message: 'vm.name: VM name is empty', field: 'vm.name' } });
    ws.send(JSON.stringify({ id: 11, method: 'vm.reboot', input: {} }));
    expect(await f.next((m) => m.id === 11)).toEqual({ id: 11, ok: false, error: { code: 'INTERNAL', message: 'kaput' } });
    ws.send(JSON.stringify({ id: 12, method: 'no.such', input: {} }));
    expect(await f.next((m) => m.id === 12)).toMatchObject({ id: 12, ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('broadcasts every dispatcher event to every authenticated socket', async () => {
    const a = await connect();
    const b = await connect();
    const fa = frames(a);
    const fb = frames(b);
    dispatcher.emit({ type: 'settings.changed', settings: FAKE_SETTINGS.settings });
    const expected = { event: { type: 'settings.changed', settings: FAKE_SETTINGS.settings } };
    expect(await fa.next((m) => 'event' in m)).toEqual(expected);
    expect(await fb.next((m) => 'event' in m)).toEqual(expected);
  });

  it('answers malformed frames with id null and keeps the socket usable', async () => {
    const ws = await connect();
    const f = frames(ws);
    for (const bad of ['not json', '[1,2]', 'null', '{"method":"settings.get"}', '{"id":"7","method":"settings.get"}', '{"id":1.5,"method":"x.y"}']) {
      ws.send(bad);
      expect(await f.next(), bad).toMatchObject({ id: null, ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } });
    }
    ws.send(Buffer.from('binary'), { binary: true });
    expect(await f.next()).toMatchObject({ id: null, ok: false, error: { code: 'INVALID_INPUT' } });
    // With a usable id but a bad method, the reply carries the id.
    ws.send(JSON.stringify({ id: 20, method: 42 }));
    expect(await f.next()).toMatchObject({ id: 20, ok: false, error: { code: 'INVALID_INPUT' } });
    ws.send(JSON.stringify({ id: 21, method: 'settings.get', input: {} }));
    expect(await f.next((m) => m.id === 21)).toEqual({ id: 21, ok: true, result: FAKE_SETTINGS });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that sends a frame over 2 MiB', async () => {
    const ws = await connect();
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(JSON.stringify({ id: 1, method: 'vm.list', input: { pad: 'x'.repeat(MAX_MESSAGE_BYTES) } }));
    expect(await closed).toBe(1009);
  });

  it('refuses a wrong token with 401 and closes the socket', async () => {
    const r = await openWs(port, { protocols: [`virtdesk.${generateToken()}`] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(401);
    await r.closed;
    const prefix = await openWs(port, { protocols: [`virtdesk.${token.slice(0, 20)}`] });
    expect(prefix.ok ? 0 : prefix.status).toBe(401);
    const plain = await openWs(port, { protocols: [token] });
    expect(plain.ok ? 0 : plain.status).toBe(401);
  });

  it('refuses a missing token with 401', async () => {
    const r = await openWs(port);
    expect(r.ok ? 0 : r.status).toBe(401);
    if (!r.ok) await r.closed;
  });

  it('refuses a foreign Origin with 403 even with the right token', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]) {
      const r = await openWs(port, { protocols: [`virtdesk.${token}`], origin });
      expect(r.ok ? 0 : r.status, origin).toBe(403);
      if (!r.ok) await r.closed;
    }
  });

  it('accepts its own origin (and localhost for 127.0.0.1) and no origin', async () => {
    await connect({ origin: `http://127.0.0.1:${port}` });
    await connect({ origin: `http://localhost:${port}` });
    await connect();
  });

  it('answers other upgrade paths with 404', async () => {
    const r = await openWs(port, { protocols: [`virtdesk.${token}`], path: '/console/1' });
    expect(r.ok ? 0 : r.status).toBe(404);
  });

  it('refuses an HTTP request whose Host names another server with 421 (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`, '127.0.0.1', `localhost.:${port}`]) {
      for (const p of ['/', '/assets/index-abc123.js', '/api']) {
        const res = await rawGet(port, p, 'GET', { Host: host });
        expect(res.status, `${host} ${p}`).toBe(421);
        expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
        expect(res.body).toMatch(/^Misdirected request: the Host header does not name this server.*DNS rebinding.*--allow-host NAME/);
        expect(res.body).not.toContain('Virtdesk test');
      }
    }
    expect((await rawGet(port, '/', 'HEAD', { Host: 'evil.example' })).status).toBe(421);
  });

  it('serves the loopback names 127.0.0.1, localhost and [::1] with the right port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const res = await rawGet(port, '/', 'GET', { Host: host });
      expect(res.status, host).toBe(200);
      expect(res.body).toContain('Virtdesk test');
    }
  });

  it('refuses a WebSocket upgrade whose Host names another server with 421, even with the right token and origin', async () => {
    const r = await openWs(port, { protocols: [`virtdesk.${token}`], headers: { Host: `evil.example:${port}` } });
    expect(r.ok ? 0 : r.status).toBe(421);
    if (!r.ok) {
      expect(r.body).toMatch(/^Misdirected request/);
      await r.closed;
    }
    // The attacker's page after rebinding: its own origin and Host, the API token guessed right.
    const rebound = await openWs(port, { protocols: [`virtdesk.${token}`], origin: `http://evil.example:${port}`, headers: { Host: `evil.example:${port}` } });
    expect(rebound.ok ? 0 : rebound.status).toBe(421);
    // Other upgrade paths (consoles) are checked before they are routed.
    const consolePath = await openWs(port, { path: '/console/vnc/x', headers: { Host: 'evil.example' } });
    expect(consolePath.ok ? 0 : consolePath.status).toBe(421);
    const dispatched = dispatcher.calls.length;
    const ok = await openWs(port, { protocols: [`virtdesk.${token}`], headers: { Host: `localhost:${port}` } });
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      open.push(ok.ws);
      const f = frames(ok.ws);
      ok.ws.send(JSON.stringify({ id: 1, method: 'settings.get', input: {} }));
      expect(await f.next((m) => m.id === 1)).toEqual({ id: 1, ok: true, result: FAKE_SETTINGS });
    }
    expect(dispatcher.calls.length).toBe(dispatched + 1);
  });
});

describe('server names (--listen, --allow-host)', () => {
  it('answers to its listen address (here loopback, so also the loopback names) and the --allow-host names only', async () => {
    const server = await startServer({ dispatcher: fakeDispatcher(), staticDir: makeStaticDir().staticDir, host: '127.0.0.2', token: generateToken(), hostNames: ['vmhost.example.lan'] });
    try {
      const get = (host: string) => new Promise<number>((resolve, reject) => {
        import('node:http').then(({ default: http }) => {
          const req = http.request({ host: '127.0.0.2', port: server.port, path: '/', headers: { Host: host }, agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        }, reject);
      });
      expect(await get(`127.0.0.2:${server.port}`)).toBe(200);
      expect(await get(`vmhost.example.lan:${server.port}`)).toBe(200);
      expect(await get(`localhost:${server.port}`)).toBe(200);
      expect(await get(`VMHOST.example.lan:${server.port + 1}`)).toBe(421);
      expect(await get(`other.example.lan:${server.port}`)).toBe(421);
      expect(server.hostNames).toEqual(['vmhost.example.lan']);
    } finally {
      await server.close();
    }
  });

  it('lists the served names, with the bare name on the default port', () => {
    expect([...servedHosts('127.0.0.1', 8390)].sort()).toEqual(['127.0.0.1:8390', '[::1]:8390', 'localhost:8390']);
    expect([...servedHosts('192.168.1.5', 8390, { hostNames: ['VMHost.lan', 'fd00::5'] })].sort()).toEqual(['192.168.1.5:8390', '[fd00::5]:8390', 'vmhost.lan:8390']);
    expect(servedHosts('192.168.1.5', 80).has('192.168.1.5')).toBe(true);
    expect(servedHosts('192.168.1.5', 443, { tls: true }).has('192.168.1.5')).toBe(true);
    expect(servedHosts('192.168.1.5', 443).has('192.168.1.5')).toBe(false);
    expect(servedHosts('0.0.0.0', 8390).has('127.0.0.1:8390')).toBe(true);
  });
});

describe('TLS (--tls-cert/--tls-key)', () => {
  let tls: ReturnType<typeof selfSignedCert>;
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    tls = selfSignedCert();
    token = generateToken();
    server = await startServer({ dispatcher: fakeDispatcher(), staticDir: makeStaticDir().staticDir, port: 0, token, tls: { cert: tls.cert, key: tls.key } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  it('serves https with the given certificate and reports an https URL', async () => {
    expect(server.tls).toBe(true);
    expect(server.url).toBe(`https://127.0.0.1:${server.port}/#token=${token}`);
    const res = await httpsGet(server.port, '/', tls.cert);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Virtdesk test');
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' wss://127.0.0.1:${server.port} wss://localhost:${server.port}`);
    expect(res.headers['content-security-policy']).not.toContain('ws://');
  });

  it('answers API calls over wss and accepts the https origin only', async () => {
    const r = await openWs(server.port, { protocols: [`virtdesk.${token}`], origin: `https://127.0.0.1:${server.port}`, ca: tls.cert });
    if (!r.ok) throw new Error(`upgrade refused: ${r.status}`);
    const f = frames(r.ws);
    r.ws.send(JSON.stringify({ id: 1, method: 'settings.get', input: {} }));
    expect(await f.next((m) => m.id === 1)).toEqual({ id: 1, ok: true, result: FAKE_SETTINGS });
    r.ws.terminate();
    const plainOrigin = await openWs(server.port, { protocols: [`virtdesk.${token}`], origin: `http://127.0.0.1:${server.port}`, ca: tls.cert });
    expect(plainOrigin.ok ? 0 : plainOrigin.status).toBe(403);
  });

  it('still refuses a foreign Host over https', async () => {
    expect((await httpsGet(server.port, '/', tls.cert, { Host: `evil.example:${server.port}` })).status).toBe(421);
    const r = await openWs(server.port, { protocols: [`virtdesk.${token}`], headers: { Host: 'evil.example' }, ca: tls.cert });
    expect(r.ok ? 0 : r.status).toBe(421);
  });

  it('does not speak plain http on the TLS port', async () => {
    await expect(rawGet(server.port, '/')).rejects.toThrow();
  });
});

describe('server lifecycle and options', () => {
  it('serves a 503 page for / when the static dir is missing', async () => {
    const server = await startServer({ dispatcher: fakeDispatcher(), staticDir: path.join(tempDir('vd-missing-'), 'renderer'), token: generateToken() });
    try {
      const res = await rawGet(server.port, '/');
      expect(res.status).toBe(503);
      expect(res.body).toContain('run <code>npm run build</code> first');
      expect(res.headers['content-security-policy']).toBeDefined();
      expect((await rawGet(server.port, '/assets/x.js')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('close() closes sockets, stops listening and unsubscribes from the dispatcher', async () => {
    const dispatcher = fakeDispatcher();
    const token = generateToken();
    const server = await startServer({ dispatcher, staticDir: makeStaticDir().staticDir, token });
    expect(dispatcher.listenerCount()).toBe(1);
    const r = await openWs(server.port, { protocols: [`virtdesk.${token}`] });
    if (!r.ok) throw new Error('refused');
    const closed = new Promise<number>((res) => r.ws.once('close', (code) => res(code)));
    await server.close();
    expect(await closed).toBe(1001);
    expect(dispatcher.listenerCount()).toBe(0);
    expect(server.server.listening).toBe(false);
    await server.close(); // idempotent
  });

  it('rejects a weak token and a host name as listen address', async () => {
    await expect(startServer({ dispatcher: fakeDispatcher(), staticDir: '/nonexistent', token: 'short' })).rejects.toThrow(/token/);
    await expect(startServer({ dispatcher: fakeDispatcher(), staticDir: '/nonexistent', token: generateToken(), host: 'example.com' })).rejects.toThrow(/IP address/);
  });

  it('fails to start on a taken port with EADDRINUSE', async () => {
    const a = await startServer({ dispatcher: fakeDispatcher(), staticDir: '/nonexistent', token: generateToken() });
    try {
      await expect(startServer({ dispatcher: fakeDispatcher(), staticDir: '/nonexistent', token: generateToken(), port: a.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await a.close();
    }
  });

  it('does not answer a call after its socket closed', async () => {
    const dispatcher = fakeDispatcher();
    const token = generateToken();
    const server = await startServer({ dispatcher, staticDir: '/nonexistent', token });
    try {
      const r = await openWs(server.port, { protocols: [`virtdesk.${token}`] });
      if (!r.ok) throw new Error('refused');
      r.ws.send(JSON.stringify({ id: 1, method: 'vm.xml', input: {} }));
      await waitFor('the call to arrive', () => dispatcher.calls.length === 1);
      r.ws.terminate();
      await new Promise((res) => setTimeout(res, 50));
      dispatcher.release('<domain/>'); // must not throw on the closed socket
      await new Promise((res) => setTimeout(res, 50));
    } finally {
      await server.close();
    }
  });
});

describe('server helpers', () => {
  it('compares tokens in constant time and finds the token protocol', () => {
    const t = generateToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(t, `${t}x`)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
    expect(matchingTokenProtocol(`chat, virtdesk.${t}`, t)).toBe(`virtdesk.${t}`);
    expect(matchingTokenProtocol('virtdesk.nope', t)).toBeNull();
    expect(matchingTokenProtocol(undefined, t)).toBeNull();
  });

  it('limits connect-src to its own ws origin', () => {
    const csp = contentSecurityPolicy('192.168.1.5', 8390);
    expect(csp).toContain("connect-src 'self' ws://192.168.1.5:8390;");
    expect(csp).not.toContain('localhost');
    expect(contentSecurityPolicy('::1', 8390)).toContain('ws://[::1]:8390');
    expect(contentSecurityPolicy('192.168.1.5', 8390, { tls: true, hostNames: ['vmhost.lan'] })).toContain("connect-src 'self' wss://192.168.1.5:8390 wss://vmhost.lan:8390;");
  });

  it('knows its origins', () => {
    expect([...allowedOrigins('127.0.0.1', 1234)].sort()).toEqual(['http://127.0.0.1:1234', 'http://[::1]:1234', 'http://localhost:1234']);
    expect([...allowedOrigins('192.168.1.5', 1234)]).toEqual(['http://192.168.1.5:1234']);
    expect([...allowedOrigins('192.168.1.5', 1234, { tls: true, hostNames: ['vmhost.lan'] })]).toEqual(['https://192.168.1.5:1234', 'https://vmhost.lan:1234']);
    expect(allowedOrigins('0.0.0.0', 1234).has('http://127.0.0.1:1234')).toBe(true);
  });

  it('maps request paths to files below the root only', () => {
    expect(safeRelativePath('/')).toBe('index.html');
    expect(safeRelativePath('/?token=x')).toBe('index.html');
    expect(safeRelativePath('/assets/a%20b.js')).toBe('assets/a b.js');
    for (const bad of ['', 'relative', '/..', '/a/../b', '/./a', '/a//b', '/a/', '/%2e%2e', '/a%2fb', '/a\\b', '/%00', '/%zz']) {
      expect(safeRelativePath(bad), bad).toBeNull();
    }
  });
});
