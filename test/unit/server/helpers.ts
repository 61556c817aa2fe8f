// Shared pieces of the browser-mode server tests: a fake dispatcher, a temp static dir and
// small WebSocket/HTTP helpers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls, { type PeerCertificate } from 'node:tls';
import WebSocket from 'ws';
import { ApiError } from '../../../src-main/contract';
import type { ApiDispatcher, ApiEvent } from '../../../src-main/api/dispatcher';

export interface FakeDispatcher extends ApiDispatcher {
  emit(event: ApiEvent): void;
  calls: { method: string; input: unknown }[];
  listenerCount(): number;
  /** Resolves the pending 'vm.xml' calls (they hang until released). */
  release(value: string): void;
}

export const FAKE_SETTINGS = { settings: { defaultConnection: null, connections: [], statsIntervalMs: 2000, theme: 'system', language: 'en' } };

export function fakeDispatcher(): FakeDispatcher {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: { method: string; input: unknown }[] = [];
  let waiting: ((v: string) => void)[] = [];
  return {
    calls,
    async call(method: string, input: unknown): Promise<unknown> {
      calls.push({ method, input });
      switch (method) {
        case 'settings.get':
          return FAKE_SETTINGS;
        case 'vm.list':
          return [{ name: 'a', input }];
        case 'vm.start':
          return undefined;
        case 'vm.get':
          throw new ApiError('INVALID_INPUT', 'vm.name: VM name is empty', 'vm.name');
        case 'vm.reboot':
          throw new Error('kaput');
        case 'vm.xml':
          return new Promise<string>((resolve) => waiting.push(resolve));
        default:
          throw new ApiError('UNKNOWN_METHOD', `unknown method '${method}'`);
      }
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      listeners.clear();
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
    listenerCount: () => listeners.size,
    release(value) {
      const w = waiting;
      waiting = [];
      for (const r of w) r(value);
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A static dir like out/renderer, inside a parent that also holds a secret file. */
export function makeStaticDir(): { parent: string; staticDir: string } {
  const parent = tempDir('vd-static-');
  const staticDir = path.join(parent, 'renderer');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Virtdesk test</title><div id="app"></div>\n');
  fs.writeFileSync(path.join(staticDir, 'assets', 'index-abc123.js'), 'console.log("hi");\n');
  fs.writeFileSync(path.join(staticDir, 'assets', 'index-abc123.css'), 'body{}\n');
  fs.writeFileSync(path.join(staticDir, '.hidden'), 'hidden\n');
  fs.writeFileSync(path.join(parent, 'secret.txt'), 'TOP SECRET\n');
  fs.symlinkSync(path.join(parent, 'secret.txt'), path.join(staticDir, 'link.txt'));
  return { parent, staticDir };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends the request `send` makes (handing its response to the callback given) and reads the whole response as text. */
function textResponse(send: (onResponse: (res: http.IncomingMessage) => void) => http.ClientRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = send((res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request with the path exactly as given (no normalisation of '..'). */
export function rawGet(port: number, rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return textResponse((onResponse) => http.request({ host: '127.0.0.1', port, path: rawPath, method, headers, agent: false }, onResponse));
}

export type WsOutcome = { ok: true; ws: WebSocket } | { ok: false; status: number; body: string; closed: Promise<void> };

/**
 * A self-signed certificate for 127.0.0.1 (valid one day) made with openssl in a temp dir.
 * The subjectAltName is what TLS clients check for an IP address (not the CN).
 */
export function selfSignedCert(): { dir: string; certFile: string; keyFile: string; cert: Buffer; key: Buffer } {
  const dir = tempDir('vd-tls-');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { dir, certFile, keyFile, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
}

/**
 * Checks the server certificate against 127.0.0.1, the address connected to: a client would
 * otherwise check it against the Host header, which the Host tests set to other names.
 */
const verifyAs127 = (_host: string, cert: PeerCertificate): Error | undefined => tls.checkServerIdentity('127.0.0.1', cert);

/** A GET over https that trusts only `ca`. */
export function httpsGet(port: number, rawPath: string, ca: Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return textResponse((onResponse) => https.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers, ca, checkServerIdentity: verifyAs127, agent: false }, onResponse));
}

export interface OpenWsOptions {
  protocols?: string[];
  origin?: string;
  path?: string;
  /** Extra request headers (e.g. a Host header naming another server). */
  headers?: Record<string, string>;
  /** wss:// trusting only this CA. */
  ca?: Buffer;
}

/** Opens a WebSocket; resolves with it, or with the HTTP status that refused the upgrade. */
export function openWs(port: number, options: OpenWsOptions = {}): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const scheme = options.ca ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://127.0.0.1:${port}${options.path ?? '/api'}`, options.protocols ?? [], {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.ca ? { ca: options.ca, checkServerIdentity: verifyAs127 } : {}),
    });
    ws.once('open', () => resolve({ ok: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      const closed = new Promise<void>((r) => res.socket.once('close', () => r()));
      res.on('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body, closed }));
    });
    ws.once('error', reject);
  });
}

/** Collects the parsed JSON frames a socket receives; next() takes the first unconsumed match. */
export function frames(ws: WebSocket): { all: Record<string, unknown>[]; next(pred?: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>> } {
  const all: Record<string, unknown>[] = [];
  const consumed = new Set<Record<string, unknown>>();
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve(m: Record<string, unknown>): void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    all.push(m);
    const w = waiters.find((x) => x.pred(m));
    if (w) {
      waiters.splice(waiters.indexOf(w), 1);
      consumed.add(m);
      w.resolve(m);
    }
  });
  return {
    all,
    next(pred = () => true, timeoutMs = 5000) {
      const found = all.find((m) => !consumed.has(m) && pred(m));
      if (found) {
        consumed.add(found);
        return Promise.resolve(found);
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no matching frame in time')), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
  };
}

export function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() > until) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}
