// The renderer's API client (src-renderer/app/api-client.ts) over both transports: a fake
// preload bridge for IPC, and the real browser-mode server (fake dispatcher) for WebSocket,
// with the `ws` package standing in for the browser's WebSocket.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { TypedApiEvent } from '../../../src-main/contract';
import type { ApiEvent } from '../../../src-main/api/dispatcher';
import type { BridgeResponse, VirtdeskBridge } from '../../../src-main/preload/bridge';
import { generateToken, startServer, type RunningServer } from '../../../src-main/server/server';
import { ApiCallError, createApiClient, TOKEN_REFUSED_MESSAGE, TOKEN_STORAGE_KEY, type ApiClient, type ApiClientOptions } from '../../../src-renderer/app/api-client';
import type { WebSocketConstructor } from '../../../src-renderer/app/transport-websocket';
import { FAKE_SETTINGS, fakeDispatcher, waitFor, type FakeDispatcher } from './helpers';

const WS = WebSocket as unknown as WebSocketConstructor;

function page(port: number, hash: string) {
  const replaced: (string | null | undefined)[] = [];
  const store = new Map<string, string>();
  const options: ApiClientOptions = {
    bridge: null,
    location: { protocol: 'http:', host: `127.0.0.1:${port}`, hash, pathname: '/', search: '' },
    history: { state: null, replaceState: (_d, _u, url) => void replaced.push(url) },
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    WebSocket: WS,
    initialBackoffMs: 50,
    maxBackoffMs: 200,
    queueTimeoutMs: 3000,
  };
  return { options, replaced, store };
}

describe('createApiClient over IPC', () => {
  it('uses the preload bridge and maps its responses', async () => {
    const listeners = new Set<(e: ApiEvent) => void>();
    const bridge: VirtdeskBridge = {
      transport: 'ipc',
      async call(method, input): Promise<BridgeResponse> {
        if (method === 'settings.get') return { ok: true, result: FAKE_SETTINGS };
        if (method === 'vm.get') return { ok: false, error: { code: 'INVALID_INPUT', message: 'vm: bad', field: 'vm' } };
        return { ok: true, result: { method, input } };
      },
      onEvent(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const client = createApiClient({ bridge });
    expect(client.transport).toBe('ipc');
    expect(client.connected).toBe(true);
    expect(client.lastError).toBeNull();
    expect(await client.api['settings.get']({})).toEqual(FAKE_SETTINGS);
    const err = await client.api['vm.get']({ vm: { name: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: 'vm: bad', field: 'vm', method: 'vm.get' });
    const got: TypedApiEvent[] = [];
    const off = client.onEvent((e) => got.push(e));
    for (const l of listeners) l({ type: 'console.end', sessionId: 's', reason: 'eof' });
    off();
    expect(listeners.size).toBe(0);
    expect(got).toEqual([{ type: 'console.end', sessionId: 's', reason: 'eof' }]);
  });

  it('has an api proxy that is not a thenable and only knows method names', () => {
    const client = createApiClient({ bridge: { transport: 'ipc', call: async () => ({ ok: true, result: 1 }), onEvent: () => () => undefined } });
    const api = client.api as unknown as Record<string, unknown>;
    expect(api.then).toBeUndefined();
    expect(api.toJSON).toBeUndefined();
    expect('vm.list' in api).toBe(true);
    expect(typeof api['vm.list']).toBe('function');
    expect(api['vm.list']).toBe(api['vm.list']);
  });
});

describe('createApiClient over WebSocket', () => {
  let server: RunningServer | null = null;
  let dispatcher: FakeDispatcher;
  let client: ApiClient | null = null;

  const start = async (token: string, port = 0): Promise<RunningServer> => {
    dispatcher = fakeDispatcher();
    server = await startServer({ dispatcher, staticDir: '/nonexistent', token, port });
    return server;
  };

  afterEach(async () => {
    client?.close();
    client = null;
    await server?.close();
    server = null;
  });

  it('connects with the token from the fragment, removes it from the address bar, and calls', async () => {
    const token = generateToken();
    const s = await start(token);
    const p = page(s.port, `#token=${token}`);
    const ups: boolean[] = [];
    client = createApiClient(p.options);
    client.onConnectionChange((up) => ups.push(up));
    expect(client.transport).toBe('websocket');
    expect(p.replaced).toEqual(['/']);
    expect(p.store.get(TOKEN_STORAGE_KEY)).toBe(token);
    // Queued while connecting, sent once open.
    expect(await client.api['settings.get']({})).toEqual(FAKE_SETTINGS);
    expect(client.connected).toBe(true);
    expect(client.lastError).toBeNull();
    expect(ups).toEqual([true]);
    expect(await client.api['vm.start']({ vm: { name: 'x' } })).toBeUndefined();
    const err = await client.api['vm.get']({ vm: { name: '' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', field: 'vm.name', message: 'vm.name: VM name is empty' });
    const internal = await client.api['vm.reboot']({ vm: { name: 'x' } }).catch((e: unknown) => e);
    expect(internal).toMatchObject({ code: 'INTERNAL', message: 'kaput' });
  });

  it('delivers events', async () => {
    const token = generateToken();
    const s = await start(token);
    client = createApiClient(page(s.port, `#token=${token}`).options);
    await client.api['settings.get']({});
    const got: TypedApiEvent[] = [];
    client.onEvent((e) => got.push(e));
    dispatcher.emit({ type: 'settings.changed', settings: FAKE_SETTINGS.settings });
    await waitFor('the event', () => got.length === 1);
    expect(got[0]).toEqual({ type: 'settings.changed', settings: FAKE_SETTINGS.settings });
  });

  it('keeps other fragment content and reuses the stored token after a reload', async () => {
    const token = generateToken();
    const s = await start(token);
    const first = page(s.port, `#token=${token}&view=vms`);
    client = createApiClient(first.options);
    expect(first.replaced).toEqual(['/#view=vms']);
    await client.api['settings.get']({});
    client.close();
    // Reload: no token in the address bar any more, but sessionStorage has it.
    const reload = page(s.port, '#view=vms');
    reload.store.set(TOKEN_STORAGE_KEY, token);
    client = createApiClient(reload.options);
    expect(reload.replaced).toEqual([]);
    expect(await client.api['settings.get']({})).toEqual(FAKE_SETTINGS);
  });

  it('reports a refused token clearly and fails calls with AUTH', async () => {
    const s = await start(generateToken());
    client = createApiClient(page(s.port, `#token=${generateToken()}`).options);
    const changes: [boolean, string | null][] = [];
    client.onConnectionChange((up, error) => changes.push([up, error]));
    const err = await client.api['settings.get']({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: 'AUTH', message: TOKEN_REFUSED_MESSAGE });
    expect(client.connected).toBe(false);
    expect(client.lastError).toBe(TOKEN_REFUSED_MESSAGE);
    expect(changes).toEqual([[false, TOKEN_REFUSED_MESSAGE]]);
    // Final: later calls fail right away.
    await expect(client.api['vm.list']({})).rejects.toMatchObject({ code: 'AUTH' });
  });

  it('reports a missing token without connecting', async () => {
    const s = await start(generateToken());
    client = createApiClient(page(s.port, '').options);
    const changes: [boolean, string | null][] = [];
    client.onConnectionChange((up, error) => changes.push([up, error]));
    await expect(client.api['settings.get']({})).rejects.toMatchObject({ code: 'AUTH', message: TOKEN_REFUSED_MESSAGE });
    await waitFor('the notification', () => changes.length === 1);
    expect(changes).toEqual([[false, TOKEN_REFUSED_MESSAGE]]);
  });

  it('fails pending calls with CONNECTION when the socket drops, then reconnects', async () => {
    const token = generateToken();
    const s = await start(token);
    const port = s.port;
    client = createApiClient(page(port, `#token=${token}`).options);
    const changes: [boolean, string | null][] = [];
    client.onConnectionChange((up, error) => changes.push([up, error]));
    await client.api['settings.get']({});
    const pending = client.api['vm.xml']({ vm: { name: 'x' } }).catch((e: unknown) => e);
    await waitFor('the call to reach the server', () => dispatcher.calls.some((c) => c.method === 'vm.xml'));
    await s.close();
    server = null;
    const err = await pending;
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ code: 'CONNECTION', method: 'vm.xml' });
    expect((err as Error).message).toMatch(/lost/);
    await waitFor('the drop to be reported', () => changes.some(([up]) => !up));
    expect(client.connected).toBe(false);
    expect(client.lastError).toMatch(/reconnecting/);
    // A call made while down waits for the reconnect.
    const queued = client.api['settings.get']({});
    await new Promise((r) => setTimeout(r, 150));
    await start(token, port);
    expect(await queued).toEqual(FAKE_SETTINGS);
    expect(client.connected).toBe(true);
    expect(changes.at(-1)).toEqual([true, null]);
  });

  it('fails queued calls with CONNECTION when the server stays away', async () => {
    const token = generateToken();
    const s = await start(token);
    const port = s.port;
    await s.close();
    server = null;
    const p = page(port, `#token=${token}`);
    client = createApiClient({ ...p.options, queueTimeoutMs: 300 });
    const err = await client.api['settings.get']({}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONNECTION' });
    expect((err as Error).message).toMatch(/not connected to the Virtdesk server/);
    expect(client.lastError).toMatch(/cannot reach/);
  });

  it('refuses calls after close()', async () => {
    const token = generateToken();
    const s = await start(token);
    client = createApiClient(page(s.port, `#token=${token}`).options);
    client.close();
    await expect(client.api['settings.get']({})).rejects.toMatchObject({ code: 'CONNECTION' });
  });
});
