// Where install-tree requests and downloads may go (url-target.ts): only http(s), every
// redirect too; with the "exposed" policy no loopback / link-local / unspecified target,
// judged by the addresses a name resolves to. Through the core: os.detectUrl and vm.create.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UrlTargetError, localAddressKind, requestUrl } from '../../../src-main/install/url-target';
import { downloadFile } from '../../../src-main/install/download';
import { httpFetcher } from '../../../src-main/install/url-tree';
import { createCore, type Core } from '../../../src-main/api/core';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';
import { failure } from '../../support/api-failure';

const REFUSE = { refuseLocalTargets: true };
const TREEINFO = '[release]\nname = Fedora\nversion = 39\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n';

let server: http.Server;
let port = 0;
let dir = '';
let core: Core | null = null;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-urltarget-'));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/tree/.treeinfo') res.writeHead(200).end(TREEINFO);
    else if (url.pathname === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else if (url.pathname === '/file.bin') res.writeHead(200, { 'content-length': '3' }).end('abc');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await core?.close();
  core = null;
});

describe('localAddressKind', () => {
  it('knows loopback, link-local and unspecified addresses in IPv4, IPv6 and IPv4-mapped IPv6', () => {
    const cases: [string, string | null][] = [
      ['127.0.0.1', 'loopback'], ['127.255.3.4', 'loopback'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
      ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'], ['febf::1', 'link-local'], ['::ffff:169.254.1.1', 'link-local'],
      ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
      ['192.168.1.10', null], ['10.0.0.1', null], ['8.8.8.8', null], ['2001:db8::1', null], ['fec0::1', null], ['::ffff:8.8.8.8', null],
    ];
    for (const [ip, kind] of cases) expect(localAddressKind(ip), ip).toBe(kind);
  });
});

describe('requestUrl', () => {
  it('refuses schemes other than http and https, also after a redirect', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/x', 'gopher://x/']) {
      const e = await failure<Error>(requestUrl(url));
      expect(e, url).toBeInstanceOf(UrlTargetError);
      expect(e.message).toMatch(/only http:\/\/ and https:\/\//);
    }
    const e = await failure<Error>(requestUrl(`http://127.0.0.1:${port}/to-file`));
    expect(e).toBeInstanceOf(UrlTargetError);
    expect(e.message).toMatch(/file:\/\/ URLs are not fetched/);
  });

  it('with the exposed policy refuses local addresses: literal ones and names that resolve to them', async () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '169.254.169.254']) {
      const e = await failure<Error>(requestUrl(`http://${host}:${port}/file.bin`, { policy: REFUSE }));
      expect(e, host).toBeInstanceOf(UrlTargetError);
      expect(e.message, host).toMatch(/(loopback|link-local|unspecified) address/);
      expect(e.message, host).toMatch(/allowLocalUrlTargets/);
    }
    const ok = await requestUrl(`http://localhost:${port}/file.bin`);
    expect(ok.status).toBe(200);
    ok.body.destroy();
  });

  it('applies to the tree fetcher and to downloads (nothing is written)', async () => {
    await expect(httpFetcher(2000, REFUSE).text(`http://localhost:${port}/tree/.treeinfo`)).rejects.toBeInstanceOf(UrlTargetError);
    const dest = path.join(dir, 'out.bin');
    await expect(downloadFile(`http://127.0.0.1:${port}/file.bin`, dest, { policy: REFUSE })).rejects.toBeInstanceOf(UrlTargetError);
    expect(fs.existsSync(dest)).toBe(false);
    expect(await downloadFile(`http://127.0.0.1:${port}/file.bin`, dest)).toEqual({ bytes: 3 });
  });
});

describe('through the core', () => {
  const newCore = (exposed: boolean): Core => (core = createCore({ spawnHost: nodeHostSpawner, settingsDir: fs.mkdtempSync(path.join(dir, 'settings-')), exposed }));

  it('os.detectUrl refuses file:// and ftp:// URLs', async () => {
    const c = newCore(false);
    for (const url of ['file:///etc/passwd', 'ftp://ftp.debian.org/debian/']) {
      const e = await failure(c.call('os.detectUrl', { url }));
      expect(e.code, url).toBe('INVALID_INPUT');
      expect(e.field, url).toBe('url');
      expect(e.message, url).toMatch(/http:\/\/ or https:\/\//);
    }
  });

  it('an exposed core refuses http://127.0.0.1:port in os.detectUrl and vm.createPreview, and allows it with allowLocalUrlTargets', async () => {
    const url = `http://127.0.0.1:${port}/tree/`;
    const c = newCore(true);
    const e = await failure(c.call('os.detectUrl', { url }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.field).toBe('url');
    expect(e.message).toMatch(/127\.0\.0\.1, a loopback address/);
    const spec = { name: 'vdt-urltarget', memoryMiB: 256, vcpus: 1, source: { kind: 'url', url }, storage: { kind: 'none' }, network: { kind: 'none' } };
    const p = await failure(c.call('vm.createPreview', { connection: 'test:///default', spec }));
    expect(p.field).toBe('spec.source.url');
    expect(p.message).toMatch(/loopback address/);
    await c.call('settings.update', { allowLocalUrlTargets: true });
    expect(await c.call('os.detectUrl', { url })).toMatchObject({ family: 'redhat', name: 'Fedora 39', kernelUrl: `${url}images/pxeboot/vmlinuz` });
  });

  it('a core that serves loopback only fetches from 127.0.0.1 as before', async () => {
    const c = newCore(false);
    expect(await c.call('os.detectUrl', { url: `http://127.0.0.1:${port}/tree/` })).toMatchObject({ family: 'redhat' });
  });
});
