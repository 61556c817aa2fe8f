import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiDispatcher, ApiEvent } from '../../../src-main/api/dispatcher';
import { FakeBrowserWindow, FakeWebContents } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const { createCallHandler, registerIpc, toBridgeError, IPC_ERROR, MAX_METHOD_LENGTH } = await import(
  '../../../src-main/shell/ipc'
);

const APP_URL = 'app://virtdesk/index.html';

function fakeDispatcher() {
  const listeners = new Set<(e: ApiEvent) => void>();
  return {
    call: vi.fn(async (method: string, input: unknown): Promise<unknown> => ({ method, input })),
    onEvent: vi.fn((l: (e: ApiEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    }),
    close: vi.fn(async () => {}),
    emit: (e: ApiEvent) => listeners.forEach((l) => l(e)),
    listeners,
  };
}

describe('virtdesk:call handler', () => {
  let win: FakeBrowserWindow;
  let dispatcher: ReturnType<typeof fakeDispatcher>;
  let handler: ReturnType<typeof createCallHandler>;

  const eventFrom = (
    sender: FakeWebContents,
    frame: { url: string; parent: unknown } | null = { url: `${APP_URL}#/`, parent: null },
  ): IpcMainInvokeEvent => ({ sender, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

  beforeEach(() => {
    win = new FakeBrowserWindow({});
    dispatcher = fakeDispatcher();
    handler = createCallHandler({
      dispatcher: dispatcher as ApiDispatcher,
      appUrl: APP_URL,
      getWindows: () => [win as unknown as BrowserWindow],
    });
  });

  it('passes a trusted call to the dispatcher and wraps the result', async () => {
    const res = await handler(eventFrom(win.webContents), 'vm.list', { uri: 'qemu:///system' });
    expect(dispatcher.call).toHaveBeenCalledWith('vm.list', { uri: 'qemu:///system' });
    expect(res).toEqual({ ok: true, result: { method: 'vm.list', input: { uri: 'qemu:///system' } } });
  });

  it('rejects calls from another web contents', async () => {
    const res = await handler(eventFrom(new FakeWebContents()), 'vm.list', {});
    expect(res).toEqual({ ok: false, error: { code: IPC_ERROR.forbidden, message: expect.any(String) } });
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('rejects calls from a foreign frame URL, a subframe or a gone frame', async () => {
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      { url: 'file:///opt/Virtdesk/resources/app.asar/out/renderer/index.html', parent: null },
      { url: 'app://other/index.html', parent: null },
      { url: APP_URL, parent: { url: APP_URL } },
      null,
    ]) {
      const res = await handler(eventFrom(win.webContents, frame), 'vm.list', {});
      expect(res).toMatchObject({ ok: false, error: { code: IPC_ERROR.forbidden } });
    }
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('rejects calls when the window is gone', async () => {
    win.destroyed = true;
    expect(await handler(eventFrom(win.webContents), 'vm.list', {})).toMatchObject({
      ok: false,
      error: { code: IPC_ERROR.forbidden },
    });
  });

  it('rejects a method that is not a short string', async () => {
    for (const method of [42, null, undefined, { toString: () => 'vm.list' }, ['vm.list'], '', 'm'.repeat(MAX_METHOD_LENGTH + 1)]) {
      const res = await handler(eventFrom(win.webContents), method, {});
      expect(res).toMatchObject({ ok: false, error: { code: IPC_ERROR.badMethod } });
    }
    expect(dispatcher.call).not.toHaveBeenCalled();
    await handler(eventFrom(win.webContents), 'm'.repeat(MAX_METHOD_LENGTH), {});
    expect(dispatcher.call).toHaveBeenCalledTimes(1);
  });

  it('returns core errors as plain serializable data', async () => {
    class ApiError extends Error {
      constructor(
        readonly code: string,
        message: string,
        readonly field?: string,
      ) {
        super(message);
      }
    }
    dispatcher.call.mockRejectedValueOnce(new ApiError('VALIDATION', 'name is required', 'name'));
    const res = await handler(eventFrom(win.webContents), 'vm.create', {});
    expect(res).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'name is required', field: 'name' } });
    expect(Object.getPrototypeOf((res as { error: object }).error)).toBe(Object.prototype);
    expect(structuredClone(res)).toEqual(res);

    dispatcher.call.mockRejectedValueOnce(new Error('boom'));
    expect(await handler(eventFrom(win.webContents), 'vm.list', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });

  it('serializes odd thrown values', () => {
    expect(toBridgeError('text')).toEqual({ code: 'INTERNAL', message: 'text' });
    expect(toBridgeError({ code: 7, message: 'm', field: 3 })).toEqual({ code: 'INTERNAL', message: 'm' });
  });
});

describe('registerIpc', () => {
  it('registers the call channel, forwards events and unregisters', () => {
    const win = new FakeBrowserWindow({});
    const dispatcher = fakeDispatcher();
    const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
    const dispose = registerIpc(ipcMain as unknown as IpcMain, {
      dispatcher: dispatcher as ApiDispatcher,
      appUrl: APP_URL,
      getWindows: () => [win as unknown as BrowserWindow],
    });
    expect(ipcMain.handle).toHaveBeenCalledWith('virtdesk:call', expect.any(Function));

    dispatcher.emit({ type: 'vm.state', id: 'a', state: 'running' });
    expect(win.webContents.send).toHaveBeenCalledWith('virtdesk:event', { type: 'vm.state', id: 'a', state: 'running' });

    win.webContents.destroyed = true;
    dispatcher.emit({ type: 'vm.state', id: 'a', state: 'shutoff' });
    expect(win.webContents.send).toHaveBeenCalledTimes(1);

    dispose();
    expect(ipcMain.removeHandler).toHaveBeenCalledWith('virtdesk:call');
    expect(dispatcher.listeners.size).toBe(0);
  });
});
