// Renderer hardening: webPreferences, Content-Security-Policy, navigation/window-open guards
// and permission handlers. Everything the shell does to confine the renderer lives here.
import type { App, Session, WebContents, WebPreferences } from 'electron';

/**
 * Sent as a header with every app:// response (app-protocol.ts), set on the dev server's
 * http responses by hardenSession, and repeated in src-renderer/index.html's meta tag (which
 * also covers the page in browser mode). style-src needs 'unsafe-inline' because Svelte
 * transitions and noVNC write inline styles; scripts stay 'self' only (no eval, no inline).
 * ws://127.0.0.1:* is the local console proxy (VNC/serial WebSockets).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Permissions the renderer may use; every other request or check is denied. */
// clipboard-read: the consoles' Paste / "Type clipboard" buttons (only the app's own pages run here).
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'clipboard-read', 'fullscreen']);

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

function decodedPath(url: URL): string | null {
  // An encoded slash or backslash would let two different paths compare equal once decoded.
  if (/%2f|%5c/i.test(url.pathname)) return null;
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * True if `candidate` is the app itself: for the built app (app://virtdesk/index.html) the
 * same page of the same origin (any query or hash), for the dev server the same origin.
 * Everything else (file://, other hosts or schemes) is foreign.
 */
export function isAppUrl(candidate: string | undefined | null, appUrl: string): boolean {
  if (typeof candidate !== 'string' || candidate === '') return false;
  let c: URL;
  let a: URL;
  try {
    c = new URL(candidate);
    a = new URL(appUrl);
  } catch {
    return false;
  }
  if (a.protocol === 'app:') {
    if (c.protocol !== 'app:' || c.host !== a.host || c.username !== '' || c.password !== '') return false;
    const cp = decodedPath(c);
    return cp !== null && cp === decodedPath(a);
  }
  if (a.protocol === 'http:' || a.protocol === 'https:') return c.origin === a.origin;
  return false;
}

const guarded = new WeakSet<WebContents>();

/** The app's own detached console page (`#/console/<uuid>…`): the only URL window.open may open. */
export function isConsoleWindowUrl(candidate: string, appUrl: string): boolean {
  if (!isAppUrl(candidate, appUrl)) return false;
  try {
    return new URL(candidate).hash.startsWith('#/console/');
  } catch {
    return false;
  }
}

type WindowOpenResponse = { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions: { width: number; height: number; title: string; webPreferences: WebPreferences } };

/** window.open: a detached console window of the app (same locked-down preferences) or nothing. */
export function windowOpenDecision(url: string, appUrl: string, preloadPath: string | undefined): WindowOpenResponse {
  if (!preloadPath || !isConsoleWindowUrl(url, appUrl)) return { action: 'deny' };
  return { action: 'allow', overrideBrowserWindowOptions: { width: 1024, height: 800, title: 'Virtdesk console', webPreferences: secureWebPreferences(preloadPath) } };
}

/**
 * Denies navigation/redirects away from the app and every window.open except the app's own
 * console page (when `preloadPath` is given). Idempotent per contents.
 */
export function guardWebContents(contents: WebContents, appUrl: string, preloadPath?: string): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url, appUrl, preloadPath));
  const blockForeign = (event: { preventDefault(): void; url: string }): void => {
    if (!isAppUrl(event.url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-frame-navigate', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Applies guardWebContents to every web contents the app ever creates. */
export function installAppWideGuards(app: App, appUrl: string, preloadPath?: string): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appUrl, preloadPath));
}

/** Adds the CSP header to every response (replacing any other) and locks down permissions. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.setDevicePermissionHandler(() => false);
}
