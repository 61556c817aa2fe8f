// UI figures measured in Chromium through browser mode (test:/// connections, no daemon needed):
// eventToUiMs, render1000Ms, serveColdStartMs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { launchBrowser } from '../test/support/browser';
import { startServe, type Served } from '../test/support/serve';
import { type GroupResult, fmtMs, median, round } from './lib';
import { writeTestNode } from './test-node-xml';

const ROOT = path.join(__dirname, '..');

function settingsDirFor(defaultConnection: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdbench-ui-'));
  // A test-driver file is opened only from a folder the user chose in Settings (the URI policy).
  const file = defaultConnection.startsWith('test:///') && defaultConnection !== 'test:///default' ? defaultConnection.slice('test://'.length) : null;
  const browseFolders = file ? [path.dirname(file)] : [];
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ defaultConnection, connections: [], statsIntervalMs: 60_000, theme: 'light', language: 'en', browseFolders }));
  return dir;
}

function apiSocket(served: Served): Promise<(method: string, input: unknown) => Promise<unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${served.origin.replace('http', 'ws')}/api`, [`virtdesk.${served.token}`]);
    const pending = new Map<number, (m: { ok: boolean; result?: unknown; error?: { message: string } }) => void>();
    let id = 0;
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    });
    ws.once('open', () =>
      resolve((method, input) => new Promise((res, rej) => {
        pending.set(++id, (m) => (m.ok ? res(m.result) : rej(new Error(m.error?.message))));
        ws.send(JSON.stringify({ id, method, input }));
      })),
    );
    ws.once('error', reject);
  });
}

async function eventToUi(page: Page, served: Served, samples: number): Promise<number[]> {
  const call = await apiSocket(served);
  await page.goto(served.url);
  const row = page.locator('[data-testid="vm-row"][data-vm-name="test"]');
  await row.waitFor({ timeout: 30_000 });
  await page.evaluate(() => {
    const w = window as unknown as { __changes: number[] };
    w.__changes = [];
    const el = document.querySelector('[data-testid="vm-row"][data-vm-name="test"]')!;
    new MutationObserver(() => w.__changes.push(Date.now())).observe(el, { attributes: true, attributeFilter: ['data-vm-state'] });
  });
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = await page.evaluate(() => (window as unknown as { __changes: number[] }).__changes.length);
    const t0 = Date.now();
    await call(i % 2 === 0 ? 'vm.pause' : 'vm.resume', { connection: 'test:///default', vm: { name: 'test' } });
    await page.waitForFunction((n) => (window as unknown as { __changes: number[] }).__changes.length > n, before, { timeout: 5000 });
    const t1 = await page.evaluate(() => (window as unknown as { __changes: number[] }).__changes.at(-1)!);
    out.push(t1 - t0);
  }
  return out;
}

async function render1000(page: Page, served: Served): Promise<number> {
  await page.goto(served.url);
  await page.waitForFunction(() => performance.getEntriesByName('virtdesk:vm-list-painted').some((e) => ((e as unknown as { detail?: { count?: number } }).detail?.count ?? 0) >= 1000), undefined, { timeout: 60_000 });
  return page.evaluate(() => {
    const painted = performance.getEntriesByName('virtdesk:vm-list-painted').find((e) => ((e as unknown as { detail?: { count?: number } }).detail?.count ?? 0) >= 1000)!;
    const received = performance.getEntriesByName('virtdesk:vm-list-received').find((e) => ((e as unknown as { detail?: { count?: number } }).detail?.count ?? 0) >= 1000)!;
    return painted.startTime - received.startTime;
  });
}

async function serveColdStart(page: Page): Promise<number> {
  const dir = settingsDirFor('test:///default');
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-main/server/main.ts'), '--port', '0', '--settings-dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /^Virtdesk: (\S+)$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    await page.goto(url);
    await page.locator('[data-testid="vm-row"]').first().waitFor({ timeout: 30_000 });
    return Date.now() - t0;
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function uiGroup(): Promise<GroupResult> {
  const browser = await launchBrowser();
  const node = writeTestNode(1000);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let served = await startServe({ settingsDir: settingsDirFor('test:///default') });
    const events = await eventToUi(page, served, 50).finally(() => served.stop());
    served = await startServe({ settingsDir: settingsDirFor(node.uri) });
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) renders.push(await render1000(page, served));
    await served.stop();
    const colds: number[] = [];
    for (let i = 0; i < 3; i++) colds.push(await serveColdStart(page));
    const metrics = { eventToUiMs: round(median(events), 1), render1000Ms: round(median(renders), 1), serveColdStartMs: round(median(colds), 0) };
    return {
      metrics,
      rows: [
        { what: 'libvirt event → DOM updated (median of 50, test:///default)', value: fmtMs(metrics.eventToUiMs), note: 'target < 50 ms' },
        { what: '1,000 VMs: data received → list painted (median of 5)', value: fmtMs(metrics.render1000Ms), note: 'target < 100 ms' },
        { what: 'serve start → first VM row painted (median of 3)', value: fmtMs(metrics.serveColdStartMs), note: 'target < 1500 ms' },
      ],
    };
  } finally {
    node.remove();
    await browser.close();
  }
}
