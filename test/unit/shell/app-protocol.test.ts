// The app:// protocol (src-main/shell/app-protocol.ts): the built renderer and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN, createAppProtocolHandler, handleAppProtocol, registerAppScheme, type AppRequest } from '../../../src-main/shell/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/shell/security';
import { makeStaticDir } from '../server/helpers';

// renderer/ (index.html, assets/, .hidden, link.txt → ../secret.txt) inside a parent holding secret.txt.
const { parent, staticDir } = makeStaticDir();
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

const handler = createAppProtocolHandler(staticDir);
const get = (url: string, extra: Partial<AppRequest> = {}) => handler({ url, method: 'GET', ...extra });

describe('app:// protocol handler', () => {
  it('serves the renderer files with their types and the strict CSP', async () => {
    const index = await get(APP_INDEX_URL);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Virtdesk test');
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await get(`${APP_ORIGIN}/assets/index-abc123.js?v=1#x`, { initiatorOrigin: APP_ORIGIN });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log("hi");\n');
    expect((await get(`${APP_ORIGIN}/`)).status).toBe(200);
    const head = await handler({ url: APP_INDEX_URL, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses anything outside the renderer folder: .., encoded .., separators, dot-files, symlinks out', async () => {
    for (const url of [
      `${APP_ORIGIN}/../secret.txt`,
      `${APP_ORIGIN}/assets/../../secret.txt`,
      `${APP_ORIGIN}/assets/../index.html`,
      `${APP_ORIGIN}/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/%2E%2E/%2e%2e/etc/passwd`,
      `${APP_ORIGIN}/assets/%2e%2e/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.txt`,
      `${APP_ORIGIN}/assets/..%5c..%5csecret.txt`,
      `${APP_ORIGIN}/..\\secret.txt`,
      `${APP_ORIGIN}/.hidden`,
      `${APP_ORIGIN}/link.txt`,
      `${APP_ORIGIN}//etc/passwd`,
      `${APP_ORIGIN}/index.html%00.js`,
      `${APP_ORIGIN}/%E0%A4%A`,
      `${APP_ORIGIN}/nope.js`,
      `${APP_ORIGIN}/assets`,
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      const body = await res.text();
      expect(body, url).not.toContain('TOP SECRET');
      expect(body, url).not.toContain('root:');
    }
  });

  it('answers only app://virtdesk, GET/HEAD, and requests from the app itself', async () => {
    for (const url of ['app://other/index.html', 'app://virtdesk:8080/index.html', 'app://user:pw@virtdesk/index.html', 'file:///etc/passwd', 'not a url']) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect((await handler({ url: APP_INDEX_URL, method: 'POST' })).status).toBe(405);
    for (const initiatorOrigin of ['https://evil.example', 'null', 'file://', 'app://other']) {
      const res = await get(APP_INDEX_URL, { initiatorOrigin });
      expect(res.status, initiatorOrigin).toBe(403);
      expect(await res.text()).not.toContain('Virtdesk test');
    }
  });

  it('answers 404 when the renderer is not built', async () => {
    const missing = createAppProtocolHandler(path.join(parent, 'no-such-dir'));
    expect((await missing({ url: APP_INDEX_URL, method: 'GET' })).status).toBe(404);
  });
});

describe('app:// registration', () => {
  it('registers the scheme as standard and secure, without bypassing the CSP', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerAppScheme(protocol as unknown as Protocol);
    const [schemes] = protocol.registerSchemesAsPrivileged.mock.calls[0]!;
    expect(schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
  });

  it('handles app:// with the folder handler (a real Request passes through)', async () => {
    const protocol = { handle: vi.fn() };
    handleAppProtocol(protocol as unknown as Protocol, staticDir);
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const registered = protocol.handle.mock.calls[0]![1] as (r: Request) => Promise<Response>;
    const res = await registered(new Request(APP_INDEX_URL));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Virtdesk test');
    expect((await registered(new Request(`${APP_ORIGIN}/link.txt`))).status).toBe(404);
  });
});
