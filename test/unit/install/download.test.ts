// downloadFile against a local HTTP server: progress, HTTP errors, size limit and a stalled
// transfer; a failed download leaves no file behind.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../src-main/install/download';

const BIG = Buffer.alloc(3 * 1024 * 1024 + 123, 0);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + (i >> 10)) & 0xff;

let server: http.Server;
let base: string;
let dir: string;
const stalled: http.ServerResponse[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-download-test-'));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/big.bin': {
        // Written in pieces, with a pause, so progress is reported on the way.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG.length) });
        const half = BIG.length >> 1;
        res.write(BIG.subarray(0, half));
        setTimeout(() => res.end(BIG.subarray(half)), 250);
        return;
      }
      case '/chunked.bin':
        // No content-length: the total is only known at the end.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(BIG.subarray(0, 1000));
        res.end(BIG.subarray(1000, 5000));
        return;
      case '/redirect':
        res.writeHead(302, { location: '/chunked.bin' }).end();
        return;
      case '/stall':
        // Headers and a few bytes, then nothing.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
        res.write(BIG.subarray(0, 1000));
        stalled.push(res);
        return;
      case '/server-error':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom\n');
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of stalled) r.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const dest = (name: string) => path.join(dir, name);

describe('downloadFile', () => {
  it('writes the file and reports done/total on the way and at the end', async () => {
    const reports: { done: number; total?: number }[] = [];
    const file = dest('big.bin');
    const r = await downloadFile(`${base}/big.bin`, file, { onProgress: (p) => reports.push(p) });
    expect(r.bytes).toBe(BIG.length);
    expect(fs.readFileSync(file).equals(BIG)).toBe(true);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.at(-1)).toEqual({ done: BIG.length, total: BIG.length });
    // Some report came before the end, and done never goes back.
    expect(reports.some((p) => p.done < BIG.length)).toBe(true);
    for (let i = 1; i < reports.length; i++) expect(reports[i].done).toBeGreaterThanOrEqual(reports[i - 1].done);
    for (const p of reports) expect(p.total).toBe(BIG.length);
  });

  it('without content-length: the final report gives the size as total; redirects are followed', async () => {
    const reports: { done: number; total?: number }[] = [];
    const file = dest('chunked.bin');
    const r = await downloadFile(`${base}/redirect`, file, { onProgress: (p) => reports.push(p) });
    expect(r.bytes).toBe(5000);
    expect(fs.readFileSync(file).equals(BIG.subarray(0, 5000))).toBe(true);
    expect(reports.at(-1)).toEqual({ done: 5000, total: 5000 });
    for (const p of reports.slice(0, -1)) expect(p.total).toBeUndefined();
  });

  it.each([
    ['/missing.bin', /HTTP 404/],
    ['/server-error', /HTTP 500/],
  ])('%s: an error naming the status, and no file', async (p, message) => {
    const file = dest('http-error.bin');
    await expect(downloadFile(`${base}${p}`, file)).rejects.toThrow(message);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a file left from before is removed when the download fails', async () => {
    const file = dest('stale.bin');
    fs.writeFileSync(file, 'old');
    await expect(downloadFile(`${base}/missing.bin`, file)).rejects.toThrow(/HTTP 404/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('more than maxBytes (content-length says so): refused before anything is written', async () => {
    const file = dest('too-big.bin');
    await expect(downloadFile(`${base}/big.bin`, file, { maxBytes: 1024 * 1024 })).rejects.toThrow(/more than the 1048576 allowed/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('more than maxBytes (no content-length): aborted on the way, the partial file removed', async () => {
    const file = dest('too-big-chunked.bin');
    await expect(downloadFile(`${base}/chunked.bin`, file, { maxBytes: 2000 })).rejects.toThrow(/more than 2000 bytes/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a transfer that stalls after the headers: "no data for", the partial file removed', async () => {
    const file = dest('stall.bin');
    const started = Date.now();
    await expect(downloadFile(`${base}/stall`, file, { idleMs: 300 })).rejects.toThrow(/no data for/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a server that does not answer', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const file = dest('refused.bin');
    await expect(downloadFile(`http://127.0.0.1:${port}/x`, file)).rejects.toThrow(/does not answer \(ECONNREFUSED\)/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
