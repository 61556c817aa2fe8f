import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, resetFakeElectron, emitNavigation } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const core = vi.hoisted(() => ({
  dispatcher: {
    call: async () => 'ok' as unknown,
    onEvent: () => () => {},
    close: async () => {},
  },
  createShellCore: undefined as unknown as (dir: string) => unknown,
}));
vi.mock('../../../src-main/shell/create-core', () => ({
  createShellCore: (dir: string) => core.createShellCore(dir),
}));

const { startApp, resolveAppUrl } = await import('../../../src-main/shell/app');

const flush = () => new Promise((r) => setImmediate(r));

describe('startApp', () => {
  let userData: string;
  let close: ReturnType<typeof vi.fn<() => Promise<void>>>;
  let createShellCore: ReturnType<typeof vi.fn<(dir: string) => unknown>>;

  beforeEach(() => {
    resetFakeElectron();
    userData = mkdtempSync(join(tmpdir(), 'virtdesk-app-'));
    fake.app.userData = userData;
    close = vi.fn(async () => {});
    createShellCore = vi.fn((_dir: string) => ({ ...core.dispatcher, close }));
    core.createShellCore = createShellCore;
  });
  afterEach(() => rmSync(userData, { recursive: true, force: true }));

  it('quits at once when another instance holds the single-instance lock', () => {
    fake.app.requestSingleInstanceLock.mockReturnValue(false);
    startApp();
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);
    expect(fake.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('creates one hardened window, the core and the IPC handler', async () => {
    startApp();
    await flush();
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(createShellCore).toHaveBeenCalledWith(userData);
    expect(fake.ipcMain.handle).toHaveBeenCalledWith('virtdesk:call', expect.any(Function));
    expect(fake.ipcMain.handle).toHaveBeenCalledWith('virtdesk:pickFile', expect.any(Function));
    expect(fake.session.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(fake.session.setPermissionRequestHandler).toHaveBeenCalled();
    // app:// is privileged before ready (standard + secure) and served from the built renderer.
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) },
    ]);
    expect(fake.protocol.registerSchemesAsPrivileged.mock.calls[0]![0][0].privileges.bypassCSP).toBeUndefined();
    expect(fake.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(fake.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(fake.app.whenReady.mock.invocationCallOrder[0]!);

    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win.options.webPreferences.preload).toMatch(/preload[\\/]index\.js$/);
    const appUrl = win.loadURL.mock.calls[0]![0];
    expect(appUrl).toBe('app://virtdesk/index.html');
    expect(emitNavigation(win.webContents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(emitNavigation(win.webContents, 'will-navigate', 'file:///opt/Virtdesk/resources/app.asar/out/renderer/index.html')).toBe(true);
    expect(emitNavigation(win.webContents, 'will-navigate', appUrl)).toBe(false);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    // The detached console window (the renderer opens its own page with #/console/…) is ours.
    const console = win.webContents.windowOpenHandler?.({ url: `${appUrl}#/console/6695eb01-f6a4-8304-79aa-97f2502e193f?kind=serial` }) as { action: string; overrideBrowserWindowOptions?: { webPreferences: Record<string, unknown> } };
    expect(console.action).toBe('allow');
    expect(console.overrideBrowserWindowOptions?.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, preload: win.options.webPreferences.preload });
    expect(win.webContents.windowOpenHandler?.({ url: 'file:///opt/Virtdesk/resources/app.asar/out/renderer/index.html#/console/6695eb01-f6a4-8304-79aa-97f2502e193f' })).toEqual({ action: 'deny' });
  });

  it('focuses the existing window when a second instance starts', async () => {
    startApp();
    await flush();
    const win = FakeBrowserWindow.instances[0]!;
    win.minimized = true;
    fake.app.emit('second-instance', {}, [], '/');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('restores a saved window position only when it is on screen', async () => {
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ x: 5000, y: 5000, width: 1111, height: 777 }));
    startApp();
    await flush();
    const opts = FakeBrowserWindow.instances[0]!.options;
    expect(opts).toMatchObject({ width: 1111, height: 777 });
    expect(opts).not.toHaveProperty('x');

    resetFakeElectron();
    fake.app.userData = userData;
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ x: 40, y: 50, width: 1111, height: 777, maximized: true }));
    startApp();
    await flush();
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ x: 40, y: 50, width: 1111, height: 777 });
    expect(win.maximize).toHaveBeenCalled();
  });

  it('quits when all windows are closed, closing the core first', async () => {
    startApp();
    await flush();
    fake.app.emit('window-all-closed');
    expect(fake.app.quit).toHaveBeenCalledTimes(1);

    const first = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    expect(fake.ipcMain.removeHandler).toHaveBeenCalledWith('virtdesk:call');
    expect(fake.ipcMain.removeHandler).toHaveBeenCalledWith('virtdesk:pickFile');
    await flush();
    expect(fake.app.quit).toHaveBeenCalledTimes(2);

    const second = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('still quits when closing the core fails', async () => {
    close.mockRejectedValueOnce(new Error('stuck'));
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    startApp();
    await flush();
    fake.app.emit('before-quit', { preventDefault: vi.fn() });
    await flush();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);
    err.mockRestore();
  });
});

describe('resolveAppUrl', () => {
  it('uses the dev server only unpackaged and on loopback', () => {
    expect(resolveAppUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false)).toBe('http://localhost:5173/');
    expect(resolveAppUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true)).toBe('app://virtdesk/index.html');
    expect(resolveAppUrl({ ELECTRON_RENDERER_URL: 'http://evil.example/' }, false)).toBe('app://virtdesk/index.html');
    expect(resolveAppUrl({}, false)).toBe('app://virtdesk/index.html');
  });
});
