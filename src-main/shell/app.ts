// Desktop app lifecycle: single instance, the main window, IPC, orderly shutdown.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, screen, session } from 'electron';
import type { ApiDispatcher } from '../api/dispatcher';
import { APP_INDEX_URL, handleAppProtocol, registerAppScheme } from './app-protocol';
import { createShellCore } from './create-core';
import { registerIpc } from './ipc';
import { guardWebContents, hardenSession, installAppWideGuards, secureWebPreferences } from './security';
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, trackWindowState } from './window-state';

const CLOSE_TIMEOUT_MS = 5_000;

/** The built renderer, served as app://virtdesk/ (app-protocol.ts). */
const RENDERER_DIR = path.join(__dirname, '../renderer');

/** The dev server URL from electron-vite (unpackaged, loopback only), else the built index on app://. */
export function resolveAppUrl(env: NodeJS.ProcessEnv = process.env, isPackaged = app.isPackaged): string {
  const devUrl = env['ELECTRON_RENDERER_URL'];
  if (!isPackaged && devUrl) {
    try {
      const u = new URL(devUrl);
      if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return u.href;
    } catch {
      // fall through to the built renderer
    }
  }
  return APP_INDEX_URL;
}

function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

const PRELOAD_PATH = path.join(__dirname, '../preload/index.js');

function createMainWindow(appUrl: string): BrowserWindow {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'Virtdesk',
    webPreferences: secureWebPreferences(PRELOAD_PATH),
  });
  guardWebContents(win.webContents, appUrl, PRELOAD_PATH);
  if (state.maximized) win.maximize();
  trackWindowState(win, stateFile);
  win.once('ready-to-show', () => win.show());
  win.loadURL(appUrl).catch((err: unknown) => console.error('virtdesk: cannot load the UI:', err));
  return win;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`core did not close within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export function startApp(): void {
  // A second instance hands over to the first (which focuses its window) and quits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  registerAppScheme(protocol);

  const appUrl = resolveAppUrl();
  let mainWindow: BrowserWindow | null = null;
  let dispatcher: ApiDispatcher | null = null;
  let disposeIpc: (() => void) | null = null;
  let shutdown: 'none' | 'running' | 'done' = 'none';

  installAppWideGuards(app, appUrl, PRELOAD_PATH);
  app.on('second-instance', () => focusWindow(mainWindow));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!dispatcher || shutdown === 'done') return;
    // Electron does not await listeners: hold the quit, close the core, then quit again.
    event.preventDefault();
    if (shutdown === 'running') return;
    shutdown = 'running';
    disposeIpc?.();
    withTimeout(dispatcher.close(), CLOSE_TIMEOUT_MS)
      .catch((err: unknown) => console.error('virtdesk: closing the core failed:', err))
      .finally(() => {
        shutdown = 'done';
        app.quit();
      });
  });

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      handleAppProtocol(protocol, RENDERER_DIR);
      dispatcher = createShellCore(app.getPath('userData'));
      disposeIpc = registerIpc(ipcMain, {
        dispatcher,
        appUrl,
        getWindows: () => BrowserWindow.getAllWindows(),
        showOpenDialog: (win, options) => (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options)),
      });
      mainWindow = createMainWindow(appUrl);
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
    })
    .catch((err: unknown) => {
      console.error('virtdesk: startup failed:', err);
      app.exit(1);
    });
}
