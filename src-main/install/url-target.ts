// HTTP(S) requests for install trees and downloads, with the rules for where they may go:
// only http:// and https:// (every redirect too), and — when the app serves clients beyond
// loopback (browser mode with --listen) — never the computer's own loopback, link-local or
// unspecified addresses, unless the user allows it (settings.allowLocalUrlTargets). Else any
// client could make the app fetch from services that only listen locally (or cloud metadata at
// 169.254.169.254). The check is on the addresses the host name resolves to, at connect time
// (the lookup hook of http.request), so a name that resolves differently a second time cannot
// slip past it.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { ApiError } from '../contract';

export interface UrlPolicy {
  /** Refuse loopback / link-local / unspecified targets. */
  refuseLocalTargets: boolean;
}

export const OPEN_POLICY: UrlPolicy = { refuseLocalTargets: false };

/** A URL the rules refuse (INVALID_INPUT wherever it surfaces); the message says why and what to do. */
export class UrlTargetError extends ApiError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

const MAX_REDIRECTS = 10;

/** The URL parsed, when its scheme is http or https. */
export function requireHttpUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UrlTargetError(`'${url}' is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UrlTargetError(`${u.protocol}// URLs are not fetched (${url}): only http:// and https:// URLs`);
  }
  return u;
}

function ipv6Words(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    s = `${s.slice(0, -v4[1].length)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const parts = (x: string | undefined) => (x ? x.split(':').map((h) => parseInt(h, 16)) : []);
  const h = parts(head);
  const t = parts(tail);
  if (s.includes('::')) return [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return h.length === 8 ? h : null;
}

/** 'loopback' | 'link-local' | 'unspecified' for such an address, else null. */
export function localAddressKind(ip: string): 'loopback' | 'link-local' | 'unspecified' | null {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number);
    if (a === 127) return 'loopback';
    if (a === 169 && b === 254) return 'link-local';
    if (a === 0) return 'unspecified';
    return null;
  }
  if (!net.isIPv6(ip)) return null;
  const w = ipv6Words(ip);
  if (!w) return null;
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) {
    return localAddressKind(`${w[6] >> 8}.${w[6] & 255}.${w[7] >> 8}.${w[7] & 255}`); // IPv4-mapped
  }
  if (w.slice(0, 7).every((x) => x === 0)) return w[7] === 1 ? 'loopback' : w[7] === 0 ? 'unspecified' : null;
  if ((w[0] & 0xffc0) === 0xfe80) return 'link-local';
  return null;
}

function localTargetError(url: string, host: string, ip: string, kind: string): UrlTargetError {
  return new UrlTargetError(
    `${url} leads to ${ip === host ? ip : `${host} (${ip})`}, a ${kind} address: Virtdesk serves clients beyond this computer, so it fetches nothing from its own local addresses. ` +
      'To allow it, turn on "allowLocalUrlTargets" in the settings.',
  );
}

/** http.request's lookup: every address the name resolves to must be allowed. */
function checkedLookup(url: string, host: string): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const kind = localAddressKind(a.address);
        if (kind) return callback(localTargetError(url, host, a.address, kind) as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  }) as net.LookupFunction;
}

export interface UrlResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Read it, or destroy it. */
  body: http.IncomingMessage;
  /** After redirects. */
  url: string;
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  policy?: UrlPolicy;
}

function once(u: URL, o: RequestOptions, refuseLocal: boolean): Promise<http.IncomingMessage> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (refuseLocal && net.isIP(host)) {
    const kind = localAddressKind(host);
    if (kind) return Promise.reject(localTargetError(u.href, host, host, kind));
  }
  return new Promise((resolve, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, {
      method: o.method ?? 'GET',
      headers: o.headers ?? {},
      ...(o.signal ? { signal: o.signal } : {}),
      // A fresh connection each time: a pooled keep-alive socket would skip the lookup check.
      agent: false,
      ...(refuseLocal ? { lookup: checkedLookup(u.href, host) } : {}),
    });
    req.on('response', resolve);
    req.on('error', (e) => {
      if (o.signal?.aborted && (o.signal.reason as Error | undefined)?.name === 'TimeoutError') {
        const t = new Error('timed out');
        t.name = 'TimeoutError';
        reject(t);
      } else reject(e);
    });
    req.end();
  });
}

/**
 * One request, redirects followed (each hop checked). Throws UrlTargetError for a refused URL,
 * an Error named TimeoutError when `signal` timed out, else the network error.
 */
export async function requestUrl(url: string, o: RequestOptions = {}): Promise<UrlResponse> {
  const refuseLocal = o.policy?.refuseLocalTargets ?? false;
  let u = requireHttpUrl(url);
  for (let hop = 0; ; hop++) {
    const res = await once(u, o, refuseLocal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || !location) return { status, headers: res.headers, body: res, url: u.href };
    res.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`${url} redirects more than ${MAX_REDIRECTS} times`);
    let next: string;
    try {
      next = new URL(location, u).href;
    } catch {
      throw new Error(`${u.href} redirects to '${location}', which is not a URL`);
    }
    u = requireHttpUrl(next);
  }
}

/** The body as text, at most `maxBytes` (the rest is not read). */
export async function readText(body: http.IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
