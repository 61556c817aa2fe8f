// Embedded consoles against the REAL qemu:///system daemon with the tiny TCG guest: the VNC
// WebSocket proxy behind the browser-mode server (wired exactly like src-main/server/main.ts),
// one-time tickets through the token-guarded API, vm.sendKeys, and the busy serial console.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { WireError } from '../../src-main/server/server';
import { generateToken, startServer, type RunningServer } from '../../src-main/server/server';
import { browserConsoleUpgrades } from '../../src-main/consoles/server-upgrades';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { waitFor } from '../support/host-events';
import { RfbClient, wsTransport } from '../unit/consoles/rfb-client';

interface ApiSocket {
  call<T = unknown>(method: string, input: unknown): Promise<T>;
  events: { type: string; [k: string]: unknown }[];
  close(): void;
}

/** The browser-mode API over its WebSocket, with the token. Failures reject with the wire error. */
function apiSocket(port: number, token: string): Promise<ApiSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [`virtdesk.${token}`]);
    const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: WireError) => void }>();
    const events: ApiSocket['events'] = [];
    let id = 0;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; ok?: boolean; result?: unknown; error?: WireError; event?: ApiSocket['events'][number] };
      if (msg.event) return void events.push(msg.event);
      const w = waiting.get(msg.id ?? -1);
      if (!w) return;
      waiting.delete(msg.id!);
      if (msg.ok) w.resolve(msg.result as never);
      else w.reject(msg.error!);
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        events,
        call: <T,>(method: string, input: unknown) =>
          new Promise<T>((res, rej) => {
            const n = ++id;
            waiting.set(n, { resolve: res as (v: never) => void, reject: rej });
            ws.send(JSON.stringify({ id: n, method, input }));
          }),
        close: () => ws.close(),
      }),
    );
  });
}

async function upgradeStatus(url: string): Promise<number> {
  try {
    const t = await wsTransport(url);
    t.close();
    return 101;
  } catch (e) {
    return (e as { status?: number }).status ?? 0;
  }
}

describe('embedded consoles on qemu:///system', () => {
  const name = uniqueName('vdtest-consoles');
  const vm = { name };
  let dir: string;
  let core: Core;
  let server: RunningServer;
  let api: ApiSocket;
  let base: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-consoles-'));
    core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
    const token = generateToken();
    let running: RunningServer | null = null;
    // As in src-main/server/main.ts: /console/vnc through the server's onOtherUpgrade hook.
    running = await startServer({ dispatcher: core, staticDir: dir, port: 0, token, onOtherUpgrade: browserConsoleUpgrades(core.vncProxy, () => running) });
    server = running;
    base = `ws://127.0.0.1:${server.port}`;
    api = await apiSocket(server.port, token);
    const { client } = await core.connections.client(SYSTEM_URI);
    await client.api.defineDomain(tinyGuestXml(name));
  });

  afterAll(async () => {
    api?.close();
    // Remove only the domain this test defined.
    const client = (await core.connections.client(SYSTEM_URI).catch(() => null))?.client;
    await client?.api.destroyDomain(vm).catch(() => undefined);
    await client?.api.undefineDomain(vm, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
    await server?.close();
    await core?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback only', () => {
    expect(server.host).toBe('127.0.0.1');
    expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('issues no ticket for a VM that is not running', async () => {
    const err = await api.call('console.vncTicket', { connection: SYSTEM_URI, vm }).catch((e: WireError) => e);
    expect(err).toMatchObject({ code: 'LIBVIRT', message: `VM '${name}' is not running — start it to see its screen` });
    expect(core.tickets.size).toBe(0);
  });

  it('shows the guest screen through the ticketed proxy: RFB handshake and a framebuffer update', { timeout: 120_000 }, async () => {
    await api.call('vm.start', { connection: SYSTEM_URI, vm });
    const issued = await api.call<{ ticket: string; path: string; expiresInMs: number }>('console.vncTicket', { connection: SYSTEM_URI, vm });
    expect(issued.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { uuid } = await api.call<{ uuid: string }>('vm.get', { connection: SYSTEM_URI, vm });
    expect(issued.path).toBe(`/console/vnc/${uuid}?ticket=${issued.ticket}`);
    expect(issued.expiresInMs).toBe(30_000);
    expect(await api.call('console.endpoint', {})).toEqual({ wsBase: null });

    const t = await wsTransport(base + issued.path);
    try {
      const rfb = await RfbClient.handshake(t);
      expect(t.reader.first!.toString('latin1').startsWith('RFB 003.008')).toBe(true);
      expect(rfb.init.version).toBe('RFB 003.008');
      expect(rfb.init.width).toBeGreaterThan(0);
      expect(rfb.init.height).toBeGreaterThan(0);
      rfb.setEncodings([0]);
      rfb.requestUpdate(false);
      const rects = await rfb.readUpdate();
      expect(rects.length).toBeGreaterThan(0);
      expect(rects.some((r) => r.encoding === 0 && r.w > 0 && r.h > 0)).toBe(true);
    } finally {
      t.close();
    }

    // The ticket is spent: a second use is refused before the WebSocket handshake.
    expect(await upgradeStatus(base + issued.path)).toBe(403);
    // A forged ticket likewise.
    const forged = (issued.ticket[0] === 'A' ? 'B' : 'A') + issued.ticket.slice(1);
    expect(await upgradeStatus(`${base}/console/vnc/${uuid}?ticket=${forged}`)).toBe(403);
    // A ticket presented for another VM is refused (and burnt).
    const forOther = await api.call<{ ticket: string }>('console.vncTicket', { connection: SYSTEM_URI, vm });
    expect(await upgradeStatus(`${base}/console/vnc/00000000-0000-4000-8000-000000000000?ticket=${forOther.ticket}`)).toBe(403);
    expect(await upgradeStatus(`${base}/console/vnc/${uuid}?ticket=${forOther.ticket}`)).toBe(403);
    await waitFor('the proxy session to end', () => core.vncProxy.activeSessions === 0, 5000);
  });

  it('refuses a busy serial console with a "take it over" error, and takes it over with force', { timeout: 90_000 }, async () => {
    const first = await api.call<{ sessionId: string }>('console.open', { connection: SYSTEM_URI, vm });
    const busy = await api.call('console.open', { connection: SYSTEM_URI, vm }).catch((e: WireError) => e);
    expect(busy).toEqual({
      code: 'LIBVIRT',
      message: `Another client is using the serial console of '${name}'. Take it over?`,
      field: 'force',
      libvirtCode: 9, // VIR_ERR_OPERATION_FAILED "Active console session exists for this domain"
      key: 'error.consoleBusy',
      params: { name },
    });
    const second = await api.call<{ sessionId: string }>('console.open', { connection: SYSTEM_URI, vm, force: true });
    expect(second.sessionId).not.toBe(first.sessionId);
    await waitFor('the first session to end', () => api.events.some((e) => e.type === 'console.end' && e.sessionId === first.sessionId), 10_000);

    // The taken-over console works: the guest shell answers.
    const text = (): string =>
      api.events
        .filter((e) => e.type === 'console.data' && e.sessionId === second.sessionId)
        .map((e) => Buffer.from(String(e.data), 'base64').toString('latin1'))
        .join('');
    const until = Date.now() + 60_000;
    while (!/\r?\n42\r?\n/.test(text())) {
      if (Date.now() > until) throw new Error(`no answer on the serial console; got ${JSON.stringify(text().slice(-500))} (marker ${TINY_GUEST_MARKER})`);
      await api.call('console.write', { sessionId: second.sessionId, data: Buffer.from('echo $((6*7))\n').toString('base64') });
      await new Promise((r) => setTimeout(r, 1000));
    }
    await api.call('console.close', { sessionId: second.sessionId });
  });

  it('sends Ctrl+Alt+Del and names the bad key', async () => {
    await expect(api.call('vm.sendKeys', { connection: SYSTEM_URI, vm, keys: ['KEY_LEFTCTRL', 'KEY_LEFTALT', 'KEY_DELETE'] })).resolves.toBeUndefined();
    const err = await api.call('vm.sendKeys', { connection: SYSTEM_URI, vm, keys: ['KEY_LEFTCTRL', 'KEY_NOPE'] }).catch((e: WireError) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as WireError).field).toMatch(/^keys/);
    expect((err as WireError).message).toContain('KEY_NOPE');
  });
});
