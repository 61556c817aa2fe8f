// `npm run serve`'s entry (src-main/server/main.ts) as a real process with the real core.
// It is started through the tsx binary directly rather than `npx tsx`: npx does not forward
// SIGTERM to its child, and the clean shutdown on SIGTERM is part of what is tested.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frames, httpsGet, openWs, rawGet, selfSignedCert } from '../unit/server/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const LINE = /^Virtdesk: http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})$/;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Running {
  const child = spawn(TSX, ['src-main/server/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits for the one line on stdout and reads the port and token from it (`line` matches it). */
async function servedLink(server: Running, line: RegExp): Promise<{ port: number; token: string }> {
  await waitFor('the link on stdout', () => server.stdout().includes('\n') || server.child.exitCode !== null, 60_000);
  const m = line.exec(server.stdout().split('\n')[0] ?? '');
  if (!m) throw new Error(`unexpected stdout: ${JSON.stringify(server.stdout())}\nstderr: ${server.stderr()}`);
  return { port: Number(m[1]), token: m[2] as string };
}

async function killIfRunning(server: Running | undefined): Promise<void> {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

function call(port: number, token: string, method: string, input: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [`virtdesk.${token}`]);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method, input })));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Record<string, unknown>;
      if (msg.id !== 1) return; // events
      ws.close();
      resolve(msg);
    });
  });
}

function upgradeStatus(port: number, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, protocols);
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', reject);
  });
}

describe('npm run serve (src-main/server/main.ts)', () => {
  let settingsDir: string;
  let server: Running;
  let port = 0;
  let token = '';

  beforeAll(async () => {
    settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-serve-'));
    server = run(['--port', '0', '--settings-dir', settingsDir]);
    ({ port, token } = await servedLink(server, LINE));
  });

  afterAll(async () => {
    await killIfRunning(server);
    if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
  });

  it('prints exactly one line with the link', () => {
    expect(server.stdout()).toMatch(new RegExp(`${LINE.source.slice(0, -1)}\\n$`));
    expect(port).toBeGreaterThan(0);
  });

  it('answers settings.get for the right token', async () => {
    const reply = await call(port, token, 'settings.get', {});
    expect(reply).toMatchObject({ id: 1, ok: true, result: { settings: { theme: expect.any(String), language: expect.any(String) } } });
  });

  it('answers a contract error in the error shape', async () => {
    const reply = await call(port, token, 'settings.update', { theme: 'purple' });
    expect(reply).toMatchObject({ id: 1, ok: false, error: { code: 'INVALID_INPUT', field: 'theme' } });
  });

  it('refuses a wrong or missing token with 401', async () => {
    expect(await upgradeStatus(port, [`virtdesk.${'A'.repeat(43)}`])).toBe(401);
    expect(await upgradeStatus(port, [])).toBe(401);
  });

  it('serves / (the built page, or a 503 page saying how to build it)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect([200, 503]).toContain(res.status);
    expect(res.headers.get('content-security-policy')).toContain(`ws://127.0.0.1:${port}`);
    if (res.status === 503) expect(await res.text()).toContain('npm run build');
  });

  it('refuses a request or upgrade whose Host names another server with 421', async () => {
    const res = await rawGet(port, '/', 'GET', { Host: `rebound.evil.example:${port}` });
    expect(res.status).toBe(421);
    expect(res.body).toMatch(/^Misdirected request: the Host header does not name this server/);
    const ws = await openWs(port, { protocols: [`virtdesk.${token}`], headers: { Host: `rebound.evil.example:${port}` } });
    expect(ws.ok ? 0 : ws.status).toBe(421);
    expect((await rawGet(port, '/', 'GET', { Host: `localhost:${port}` })).status).not.toBe(421);
  });

  it('still printed only that one line, and exits 0 on SIGTERM', async () => {
    expect(server.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(server.stdout().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('exits 2 with one line on stderr for bad arguments', async () => {
    const bad = run(['--port', 'abc']);
    const { code } = await bad.exited;
    expect(code).toBe(2);
    expect(bad.stdout()).toBe('');
    expect(bad.stderr().trim().split('\n')).toHaveLength(1);
    expect(bad.stderr()).toMatch(/--port must be a number/);
  });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('npm run serve with --tls-cert/--tls-key', () => {
  const HTTPS_LINE = /^Virtdesk: https:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})$/;
  let tls: ReturnType<typeof selfSignedCert>;
  let settingsDir: string;
  let server: Running;
  let port = 0;
  let token = '';

  beforeAll(async () => {
    tls = selfSignedCert();
    settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-serve-tls-'));
    server = run(['--port', '0', '--settings-dir', settingsDir, '--tls-cert', tls.certFile, '--tls-key', tls.keyFile]);
    ({ port, token } = await servedLink(server, HTTPS_LINE));
  });

  afterAll(async () => {
    await killIfRunning(server);
    if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
    if (tls) fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  it('prints an https link and serves the page over https with a wss-only CSP', async () => {
    expect(server.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    const res = await httpsGet(port, '/', tls.cert);
    expect([200, 503]).toContain(res.status);
    expect(res.headers['content-security-policy']).toContain(`wss://127.0.0.1:${port}`);
    expect(res.headers['content-security-policy']).not.toContain('ws://');
  });

  it('answers settings.get over wss with the token', async () => {
    const r = await openWs(port, { protocols: [`virtdesk.${token}`], ca: tls.cert, origin: `https://127.0.0.1:${port}` });
    if (!r.ok) throw new Error(`upgrade refused: ${r.status} ${r.body}`);
    const f = frames(r.ws);
    r.ws.send(JSON.stringify({ id: 1, method: 'settings.get', input: {} }));
    expect(await f.next((m) => m.id === 1, 15_000)).toMatchObject({ id: 1, ok: true, result: { settings: { theme: expect.any(String) } } });
    r.ws.close();
    const foreign = await openWs(port, { protocols: [`virtdesk.${token}`], ca: tls.cert, headers: { Host: `rebound.evil.example:${port}` } });
    expect(foreign.ok ? 0 : foreign.status).toBe(421);
  });

  it('exits 2 with one clear line, before listening, when the key file is missing', async () => {
    const p = await freePort();
    const missing = path.join(tls.dir, 'no-such-key.pem');
    const bad = run(['--port', String(p), '--settings-dir', settingsDir, '--tls-cert', tls.certFile, '--tls-key', missing]);
    const { code } = await bad.exited;
    expect(code).toBe(2);
    expect(bad.stdout()).toBe('');
    expect(bad.stderr().trim().split('\n')).toEqual([`virtdesk serve: --tls-key ${missing}: cannot read it (no such file)`]);
    expect(await connects(p)).toBe(false);
  });

  it('exits 2 when only one of the two files is given', async () => {
    const bad = run(['--port', '0', '--tls-cert', tls.certFile]);
    const { code } = await bad.exited;
    expect(code).toBe(2);
    expect(bad.stderr()).toMatch(/--tls-cert and --tls-key go together/);
  });
});
