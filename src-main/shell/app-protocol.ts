// The desktop app's own scheme: the built renderer is served as app://virtdesk/… from the
// out/renderer folder, not as file:// pages (which would share one origin with every file on
// disk). No 'electron' import here (the protocol object is passed in), so it is testable in
// plain Node.
import fs from 'node:fs';
import type { CustomScheme, Protocol } from 'electron';
import { contentTypeOf, fileInside, realDir, safeRelativePath } from '../server/static-files';
import { CONTENT_SECURITY_POLICY } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'virtdesk';
/** The origin of the app's pages (and the Origin header of their WebSockets). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs, a real origin and web storage; secure: a secure context (the
 * clipboard API needs one), like https; supportFetchAPI + corsEnabled: the page's module
 * scripts (type="module" crossorigin) are fetched in CORS mode. No bypassCSP.
 */
export const APP_SCHEME_DEFINITION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);
}

const BASE_HEADERS: Readonly<Record<string, string>> = {
  // Custom-protocol responses do not pass through session.webRequest: set the policy here.
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

function textResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The subset of a protocol.handle request the handler reads. */
export interface AppRequest {
  url: string;
  method: string;
  /** Set by Electron for requests made by web content (absent for loadURL and the like). */
  initiatorOrigin?: string | undefined;
}

/**
 * The protocol.handle handler: GET/HEAD of files below `rendererDir` only. The path is
 * decoded once and checked segment by segment ('..', '.', dot-files, encoded slashes, NUL are
 * refused), and the real path must still be inside the real folder (no symlinks out).
 * Requests started by other origins' pages are refused.
 */
export function createAppProtocolHandler(rendererDir: string): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method Not Allowed');
    if (request.initiatorOrigin !== undefined && request.initiatorOrigin !== APP_ORIGIN) return textResponse(403, 'Forbidden: only the app itself may load app:// resources');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(404, 'Not Found');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST || url.username !== '' || url.password !== '') return textResponse(404, 'Not Found');
    // The raw path must pass as well: the URL parser folds '..' and '%2e%2e' segments away.
    const slash = request.url.indexOf('/', `${APP_SCHEME}://`.length);
    const rawPath = slash === -1 ? '/' : request.url.slice(slash).replace(/[?#].*$/s, '');
    const rel = safeRelativePath(url.pathname);
    if (rel === null || safeRelativePath(rawPath) === null) return textResponse(404, 'Not Found');
    const root = realDir(rendererDir);
    const found = root === null ? null : fileInside(root, rel);
    if (found === null) return textResponse(404, 'Not Found');
    const headers = { ...BASE_HEADERS, 'Content-Type': contentTypeOf(found.file), 'Content-Length': String(found.size) };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
    return new Response(await fs.promises.readFile(found.file), { status: 200, headers });
  };
}

/** Serves app:// from `rendererDir` (call once the app is ready). */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  const handler = createAppProtocolHandler(rendererDir);
  protocol.handle(APP_SCHEME, (request) => handler(request as Request & { initiatorOrigin?: string }));
}
