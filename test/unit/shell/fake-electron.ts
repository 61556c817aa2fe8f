// A small stand-in for the 'electron' module: unit tests must never load the real one.
// Use from a test file with:
//   vi.mock('electron', async () => (await import('./fake-electron')).electronModule);
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: unknown) => unknown) | undefined;
  destroyed = false;
  setWindowOpenHandler = vi.fn((handler: (details: unknown) => unknown) => {
    this.windowOpenHandler = handler;
  });
  send = vi.fn();
  isDestroyed = vi.fn(() => this.destroyed);
}

/** Emits a will-navigate-style event; returns true if a listener prevented it. */
export function emitNavigation(contents: EventEmitter, name: string, url: string): boolean {
  let prevented = false;
  contents.emit(name, {
    url,
    preventDefault: () => {
      prevented = true;
    },
  });
  return prevented;
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.isDestroyed());
  }
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, any>;
  minimized = false;
  maximized = false;
  destroyed = false;
  bounds: Bounds;
  constructor(options: Record<string, any>) {
    super();
    this.options = options;
    this.bounds = { x: options.x ?? 50, y: options.y ?? 50, width: options.width ?? 800, height: options.height ?? 600 };
    FakeBrowserWindow.instances.push(this);
  }
  loadURL = vi.fn(async (_url: string) => {});
  isMinimized = vi.fn(() => this.minimized);
  restore = vi.fn(() => {
    this.minimized = false;
  });
  show = vi.fn();
  focus = vi.fn();
  maximize = vi.fn(() => {
    this.maximized = true;
  });
  isMaximized = vi.fn(() => this.maximized);
  isDestroyed = vi.fn(() => this.destroyed);
  getNormalBounds = vi.fn(() => ({ ...this.bounds }));
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  userData = '/tmp/virtdesk-test-userdata';
  requestSingleInstanceLock = vi.fn(() => true);
  quit = vi.fn();
  exit = vi.fn();
  enableSandbox = vi.fn();
  whenReady = vi.fn(() => Promise.resolve());
  getPath = vi.fn((_name: string) => this.userData);
}

export function createFakeSession() {
  return {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  };
}

export function createFakeProtocol() {
  return { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
}

export const fake = {
  app: new FakeApp(),
  session: createFakeSession(),
  protocol: createFakeProtocol(),
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

/** Fresh state for every test. */
export function resetFakeElectron(): void {
  fake.app.removeAllListeners();
  fake.app = new FakeApp();
  fake.session = createFakeSession();
  fake.protocol = createFakeProtocol();
  fake.ipcMain.handle.mockReset();
  fake.ipcMain.removeHandler.mockReset();
  fake.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  FakeBrowserWindow.instances = [];
}

// Getters so that resetFakeElectron() swaps what modules see through their import.
export const electronModule = {
  get app() {
    return fake.app;
  },
  get session() {
    return { defaultSession: fake.session };
  },
  get ipcMain() {
    return fake.ipcMain;
  },
  get protocol() {
    return fake.protocol;
  },
  screen: { getAllDisplays: () => fake.displays },
  BrowserWindow: FakeBrowserWindow,
  utilityProcess: { fork: vi.fn() },
  dialog: { showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })) },
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
};
