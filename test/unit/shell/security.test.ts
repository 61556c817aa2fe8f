import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App, Session, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeSession, emitNavigation, FakeWebContents } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const {
  ALLOWED_PERMISSIONS,
  CONTENT_SECURITY_POLICY,
  guardWebContents,
  hardenSession,
  installAppWideGuards,
  isAppUrl,
  secureWebPreferences,
} = await import('../../../src-main/shell/security');

const APP_URL = 'app://virtdesk/index.html';
const FILE_URL = 'file:///opt/Virtdesk/resources/app.asar/out/renderer/index.html';
const DEV_URL = 'http://localhost:5173/';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values] as const;
      }),
  );
}

describe('webPreferences', () => {
  it('isolates and sandboxes the renderer', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.js');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/app/out/preload/index.js');
  });
});

describe('Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('allows scripts from the app only, never eval or inline', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*']);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('is repeated in the renderer index.html meta tag (minus frame-ancestors)', () => {
    const html = readFileSync(resolve(__dirname, '../../../src-renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    const expected = new Map(csp);
    expected.delete('frame-ancestors'); // ignored by browsers in a meta tag
    expect(directives(meta![1]!)).toEqual(expected);
  });

  it('is set as a response header, replacing any policy the response had', () => {
    const session = createFakeSession();
    hardenSession(session as unknown as Session);
    const listener = session.webRequest.onHeadersReceived.mock.calls[0]![0] as (
      details: unknown,
      cb: (r: { responseHeaders: Record<string, string[]> }) => void,
    ) => void;
    const callback = vi.fn();
    listener(
      { url: DEV_URL, responseHeaders: { 'content-type': ['text/html'], 'content-security-policy': ["script-src *"] } },
      callback,
    );
    const headers = callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>;
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['content-type']).toEqual(['text/html']);
  });
});

describe('permissions', () => {
  it('grants only clipboard access (console paste) and fullscreen', () => {
    const session = createFakeSession();
    hardenSession(session as unknown as Session);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (
      wc: unknown,
      permission: string,
      cb: (granted: boolean) => void,
    ) => void;
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (wc: unknown, permission: string) => boolean;
    const decide = (permission: string): boolean => {
      const cb = vi.fn();
      request(null, permission, cb);
      return cb.mock.calls[0]![0] as boolean;
    };
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['clipboard-read', 'clipboard-sanitized-write', 'fullscreen']);
    expect(decide('clipboard-read')).toBe(true);
    expect(decide('clipboard-sanitized-write')).toBe(true);
    expect(decide('fullscreen')).toBe(true);
    for (const denied of ['media', 'geolocation', 'notifications', 'openExternal', 'display-capture']) {
      expect(decide(denied)).toBe(false);
      expect(check(null, denied)).toBe(false);
    }
    expect(check(null, 'fullscreen')).toBe(true);
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as () => boolean;
    expect(device()).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('accepts the app index with any hash or query', () => {
    expect(isAppUrl(APP_URL, APP_URL)).toBe(true);
    expect(isAppUrl(`${APP_URL}#/vms/abc`, APP_URL)).toBe(true);
    expect(isAppUrl(`${APP_URL}?x=1`, APP_URL)).toBe(true);
  });
  it('rejects other files, origins and schemes (file:// included)', () => {
    expect(isAppUrl('file:///etc/passwd', APP_URL)).toBe(false);
    expect(isAppUrl(FILE_URL, APP_URL)).toBe(false);
    expect(isAppUrl('app://virtdesk/other.html', APP_URL)).toBe(false);
    expect(isAppUrl('app://virtdesk/assets%2Findex.html', APP_URL)).toBe(false);
    expect(isAppUrl('app://other/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('app://virtdesk:8080/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('app://user@virtdesk/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('https://virtdesk/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('https://evil.example/', APP_URL)).toBe(false);
    expect(isAppUrl('about:blank', APP_URL)).toBe(false);
    expect(isAppUrl('', APP_URL)).toBe(false);
    expect(isAppUrl(undefined, APP_URL)).toBe(false);
    expect(isAppUrl('not a url', APP_URL)).toBe(false);
  });
  it('matches the dev server by origin', () => {
    expect(isAppUrl('http://localhost:5173/src/main.ts', DEV_URL)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', DEV_URL)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', DEV_URL)).toBe(false);
    expect(isAppUrl(APP_URL, DEV_URL)).toBe(false);
  });
});

describe('navigation and window guards', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    contents = new FakeWebContents();
    guardWebContents(contents as unknown as WebContents, APP_URL);
  });

  it('prevents navigation to a foreign URL and allows the app URL', () => {
    expect(emitNavigation(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(emitNavigation(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(emitNavigation(contents, 'will-navigate', FILE_URL)).toBe(true);
    expect(emitNavigation(contents, 'will-navigate', 'app://elsewhere/index.html')).toBe(true);
    expect(emitNavigation(contents, 'will-navigate', APP_URL)).toBe(false);
    expect(emitNavigation(contents, 'will-navigate', `${APP_URL}#/settings`)).toBe(false);
  });

  it('prevents redirects and frame navigations away from the app', () => {
    expect(emitNavigation(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(emitNavigation(contents, 'will-redirect', APP_URL)).toBe(false);
    expect(emitNavigation(contents, 'will-frame-navigate', 'https://evil.example/')).toBe(true);
  });

  it('denies window.open and webviews', () => {
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: APP_URL })).toEqual({ action: 'deny' });
    // Without a preload path even the app's own console page is denied.
    expect(contents.windowOpenHandler?.({ url: `${APP_URL}#/console/6695eb01-f6a4-8304-79aa-97f2502e193f` })).toEqual({ action: 'deny' });
    expect(emitNavigation(contents, 'will-attach-webview', APP_URL)).toBe(true);
  });

  it('is installed once per web contents', () => {
    guardWebContents(contents as unknown as WebContents, APP_URL);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });

  it('guards every web contents the app creates', () => {
    const app = new EventEmitter();
    installAppWideGuards(app as unknown as App, APP_URL);
    const other = new FakeWebContents();
    app.emit('web-contents-created', {}, other);
    expect(other.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(emitNavigation(other, 'will-navigate', 'https://evil.example/')).toBe(true);
  });
});

describe('detached console windows', () => {
  it('allows only the app\'s own console page, with the same locked-down preferences', async () => {
    const { windowOpenDecision } = await import('../../../src-main/shell/security');
    const ok = windowOpenDecision(`${APP_URL}#/console/6695eb01-f6a4-8304-79aa-97f2502e193f?kind=serial`, APP_URL, '/app/preload.js');
    expect(ok.action).toBe('allow');
    if (ok.action === 'allow') {
      expect(ok.overrideBrowserWindowOptions.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/app/preload.js' });
    }
    expect(windowOpenDecision(`${APP_URL}#/settings`, APP_URL, '/app/preload.js')).toEqual({ action: 'deny' });
    expect(windowOpenDecision('https://evil.example/#/console/x', APP_URL, '/app/preload.js')).toEqual({ action: 'deny' });
    expect(windowOpenDecision(`${FILE_URL}#/console/6695eb01-f6a4-8304-79aa-97f2502e193f`, APP_URL, '/app/preload.js')).toEqual({ action: 'deny' });
    expect(windowOpenDecision('app://other/index.html#/console/6695eb01-f6a4-8304-79aa-97f2502e193f', APP_URL, '/app/preload.js')).toEqual({ action: 'deny' });
    // In development the console page is the dev server's.
    expect(windowOpenDecision(`${DEV_URL}#/console/6695eb01-f6a4-8304-79aa-97f2502e193f`, DEV_URL, '/app/preload.js').action).toBe('allow');
  });
});
