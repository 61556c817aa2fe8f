import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, OpenDialogOptions } from 'electron';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiDispatcher } from '../../../src-main/api/dispatcher';
import { FakeBrowserWindow, FakeWebContents } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

const { dialogFilters, dialogOptions, parsePickFileRequest, FILTER_EXTENSIONS, MAX_TITLE } = await import('../../../src-main/shell/file-dialog');
const { createPickFileHandler, registerIpc, IPC_ERROR } = await import('../../../src-main/shell/ipc');

const APP_URL = 'app://virtdesk/index.html';

describe('pickFile request validation', () => {
  it('accepts the kinds and the optional texts', () => {
    for (const kind of ['iso', 'disk', 'kernel', 'any', 'folder']) expect(parsePickFileRequest({ kind })).toEqual({ ok: true, value: { kind } });
    expect(parsePickFileRequest({ kind: 'iso', title: 'ISO イメージ', defaultPath: '/var/lib/libvirt/images/a.iso', filterName: 'ISO', allFilesName: 'すべて' })).toEqual({
      ok: true,
      value: { kind: 'iso', title: 'ISO イメージ', defaultPath: '/var/lib/libvirt/images/a.iso', filterName: 'ISO', allFilesName: 'すべて' },
    });
  });
  it('refuses anything else, naming the field', () => {
    const bad: [unknown, string][] = [
      [null, ''],
      ['iso', ''],
      [['iso'], ''],
      [{}, 'kind'],
      [{ kind: 'exe' }, 'kind'],
      [{ kind: 'ISO' }, 'kind'],
      [{ kind: 'iso', extra: 1 }, 'extra'],
      [{ kind: 'iso', properties: ['multiSelections'] }, 'properties'],
      [{ kind: 'iso', filters: [{ name: 'x', extensions: ['*'] }] }, 'filters'],
      [{ kind: 'iso', title: 42 }, 'title'],
      [{ kind: 'iso', title: '' }, 'title'],
      [{ kind: 'iso', title: 'x'.repeat(MAX_TITLE + 1) }, 'title'],
      [{ kind: 'iso', title: 'a\u0000b' }, 'title'],
      [{ kind: 'iso', title: '\ud800' }, 'title'],
      [{ kind: 'iso', filterName: 'a\nb' }, 'filterName'],
      [{ kind: 'iso', allFilesName: {} }, 'allFilesName'],
      [{ kind: 'iso', defaultPath: 'relative/a.iso' }, 'defaultPath'],
      [{ kind: 'iso', defaultPath: '/a/../etc/shadow' }, 'defaultPath'],
      [{ kind: 'iso', defaultPath: '/a\u0007' }, 'defaultPath'],
      [{ kind: 'iso', defaultPath: `/${'a'.repeat(5000)}` }, 'defaultPath'],
    ];
    for (const [input, field] of bad) {
      const r = parsePickFileRequest(input);
      expect(r.ok, JSON.stringify(input)?.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.field).toBe(field);
    }
  });
  it('never throws and only passes known fields on (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const r = parsePickFileRequest(input);
        if (r.ok) {
          expect(Object.keys(r.value).every((k) => ['kind', 'title', 'defaultPath', 'filterName', 'allFilesName'].includes(k))).toBe(true);
          expect(['iso', 'disk', 'kernel', 'any', 'folder']).toContain(r.value.kind);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('dialog options', () => {
  it('maps each kind to its filters', () => {
    expect(dialogFilters({ kind: 'iso' })).toEqual([
      { name: 'ISO images', extensions: ['iso'] },
      { name: 'All files', extensions: ['*'] },
    ]);
    expect(dialogFilters({ kind: 'disk', filterName: 'ディスク', allFilesName: 'すべて' })).toEqual([
      { name: 'ディスク', extensions: FILTER_EXTENSIONS.disk },
      { name: 'すべて', extensions: ['*'] },
    ]);
    expect(FILTER_EXTENSIONS.disk).toEqual(expect.arrayContaining(['qcow2', 'img', 'raw']));
    // A kernel (vmlinuz) has no usual extension: all files.
    expect(dialogFilters({ kind: 'kernel' })).toEqual([{ name: 'All files', extensions: ['*'] }]);
    expect(dialogFilters({ kind: 'any' })).toEqual([{ name: 'All files', extensions: ['*'] }]);
    expect(dialogFilters({ kind: 'folder' })).toEqual([]);
  });
  it('opens one file, or one folder', () => {
    expect(dialogOptions({ kind: 'iso', title: 'Choose', defaultPath: '/srv/a.iso' })).toEqual({
      title: 'Choose',
      defaultPath: '/srv/a.iso',
      properties: ['openFile'],
      filters: [
        { name: 'ISO images', extensions: ['iso'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    expect(dialogOptions({ kind: 'folder' })).toEqual({ properties: ['openDirectory', 'createDirectory'] });
    expect(dialogOptions({ kind: 'disk' }).properties).not.toContain('multiSelections');
  });
});

describe('virtdesk:pickFile handler', () => {
  let win: FakeBrowserWindow;
  let show: ReturnType<typeof vi.fn<(w: BrowserWindow | undefined, o: OpenDialogOptions) => Promise<{ canceled: boolean; filePaths: string[] }>>>;
  let handler: ReturnType<typeof createPickFileHandler>;
  const ctx = () => ({ dispatcher: {} as ApiDispatcher, appUrl: APP_URL, getWindows: () => [win as unknown as BrowserWindow] });
  const eventFrom = (sender: FakeWebContents, frame: { url: string; parent: unknown } | null = { url: `${APP_URL}#/new`, parent: null }) =>
    ({ sender, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

  beforeEach(() => {
    win = new FakeBrowserWindow({});
    show = vi.fn(async () => ({ canceled: false, filePaths: ['/var/lib/libvirt/images/debian.iso'] }));
    handler = createPickFileHandler(ctx(), show as never);
  });

  it('shows the dialog on the calling window and returns the path', async () => {
    const r = await handler(eventFrom(win.webContents), { kind: 'iso', title: 'ISO image' });
    expect(r).toEqual({ ok: true, path: '/var/lib/libvirt/images/debian.iso' });
    expect(show).toHaveBeenCalledWith(win, expect.objectContaining({ title: 'ISO image', properties: ['openFile'] }));
  });
  it('returns null when cancelled', async () => {
    show.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await handler(eventFrom(win.webContents), { kind: 'disk' })).toEqual({ ok: true, path: null });
  });
  it('refuses untrusted senders and bad requests without showing anything', async () => {
    expect(await handler(eventFrom(new FakeWebContents()), { kind: 'iso' })).toMatchObject({ ok: false, error: { code: IPC_ERROR.forbidden } });
    expect(await handler(eventFrom(win.webContents, { url: 'https://evil.example/', parent: null }), { kind: 'iso' })).toMatchObject({ ok: false, error: { code: IPC_ERROR.forbidden } });
    expect(await handler(eventFrom(win.webContents), { kind: 'exe' })).toEqual({ ok: false, error: { code: 'INVALID_INPUT', field: 'kind', message: expect.stringContaining('kind must be one of') } });
    expect(await handler(eventFrom(win.webContents), { kind: 'iso', properties: ['multiSelections'] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'properties' } });
    expect(show).not.toHaveBeenCalled();
  });
  it('opens one dialog at a time and reports dialog errors as data', async () => {
    let finish!: (v: { canceled: boolean; filePaths: string[] }) => void;
    show.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const first = handler(eventFrom(win.webContents), { kind: 'iso' });
    expect(await handler(eventFrom(win.webContents), { kind: 'iso' })).toMatchObject({ ok: false, error: { message: 'a file dialog is already open' } });
    finish({ canceled: false, filePaths: ['/a.iso'] });
    expect(await first).toEqual({ ok: true, path: '/a.iso' });
    show.mockRejectedValueOnce(new Error('no display'));
    const r = await handler(eventFrom(win.webContents), { kind: 'iso' });
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'no display' } });
    expect(structuredClone(r)).toEqual(r);
  });
  it('is registered only with a dialog, and unregistered', () => {
    const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
    const dispatcher = { onEvent: vi.fn(() => () => undefined) } as unknown as ApiDispatcher;
    registerIpc(ipcMain as unknown as IpcMain, { ...ctx(), dispatcher })();
    expect(ipcMain.handle.mock.calls.map((c) => c[0])).toEqual(['virtdesk:call']);
    ipcMain.handle.mockClear();
    const dispose = registerIpc(ipcMain as unknown as IpcMain, { ...ctx(), dispatcher, showOpenDialog: show as never });
    expect(ipcMain.handle.mock.calls.map((c) => c[0])).toEqual(['virtdesk:call', 'virtdesk:pickFile']);
    dispose();
    expect(ipcMain.removeHandler).toHaveBeenCalledWith('virtdesk:pickFile');
  });
});
