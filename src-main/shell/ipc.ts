// Electron IPC adapter over the ApiDispatcher: one invoke channel for calls, one send
// channel for events (input validation proper happens in the core), and the native file
// dialog (its request is validated here, in file-dialog.ts).
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import type { ApiDispatcher } from '../api/dispatcher';
import { ApiError } from '../contract';
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FILE_CHANNEL, type BridgeError, type BridgeResponse, type PickFileResponse } from '../preload/bridge';
import { dialogOptions, parsePickFileRequest } from './file-dialog';
import { isAppUrl } from './security';

export const MAX_METHOD_LENGTH = 64;
/** Error codes produced by the IPC layer itself (the core produces its own). */
export const IPC_ERROR = {
  forbidden: 'FORBIDDEN',
  badMethod: 'INVALID_METHOD',
  badInput: 'INVALID_INPUT',
  internal: 'INTERNAL',
} as const;

/** dialog.showOpenDialog, attached to the calling window when there is one. */
export type ShowOpenDialog = (win: BrowserWindow | undefined, options: OpenDialogOptions) => Promise<OpenDialogReturnValue>;

export interface IpcContext {
  dispatcher: ApiDispatcher;
  /** The app's own URL (file:// index.html or the dev server URL). */
  appUrl: string;
  /** The app's windows (main + detached consoles). Only their web contents may call. */
  getWindows(): BrowserWindow[];
  /** The native file dialog; without it `virtdesk:pickFile` is not registered. */
  showOpenDialog?: ShowOpenDialog;
}

/** Reduces anything thrown to a plain, structured-clone-safe error. */
export function toBridgeError(err: unknown): BridgeError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; field?: unknown };
    const out: BridgeError = {
      code: typeof e.code === 'string' && e.code !== '' ? e.code : IPC_ERROR.internal,
      message: typeof e.message === 'string' ? e.message : String(err),
    };
    if (typeof e.field === 'string') out.field = e.field;
    if (err instanceof ApiError) {
      const wire = err.toJSON();
      if (wire.libvirtCode !== undefined) out.libvirtCode = wire.libvirtCode;
      if (wire.key) out.key = wire.key;
      if (wire.params) out.params = wire.params;
    }
    return out;
  }
  return { code: IPC_ERROR.internal, message: String(err) };
}

/** The sender must be one of our windows' web contents, its main frame, showing the app. */
export function isTrustedSender(event: IpcMainInvokeEvent, ctx: IpcContext): boolean {
  if (!ctx.getWindows().some((win) => !win.isDestroyed() && event.sender === win.webContents)) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url, ctx.appUrl);
}

export function createCallHandler(
  ctx: IpcContext,
): (event: IpcMainInvokeEvent, method: unknown, input: unknown) => Promise<BridgeResponse> {
  return async (event, method, input) => {
    if (!isTrustedSender(event, ctx)) {
      return { ok: false, error: { code: IPC_ERROR.forbidden, message: 'IPC call from an untrusted sender' } };
    }
    if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) {
      return { ok: false, error: { code: IPC_ERROR.badMethod, message: 'method must be a non-empty string of at most 64 characters' } };
    }
    try {
      return { ok: true, result: await ctx.dispatcher.call(method, input) };
    } catch (err) {
      return { ok: false, error: toBridgeError(err) };
    }
  };
}

/** `virtdesk:pickFile`: a trusted sender, a valid request → the native dialog's choice (null: cancelled). */
export function createPickFileHandler(ctx: IpcContext, show: ShowOpenDialog): (event: IpcMainInvokeEvent, request: unknown) => Promise<PickFileResponse> {
  let open = false;
  return async (event, request) => {
    if (!isTrustedSender(event, ctx)) {
      return { ok: false, error: { code: IPC_ERROR.forbidden, message: 'IPC call from an untrusted sender' } };
    }
    const parsed = parsePickFileRequest(request);
    if (!parsed.ok) {
      return { ok: false, error: { code: IPC_ERROR.badInput, message: parsed.message, ...(parsed.field ? { field: parsed.field } : {}) } };
    }
    // One dialog at a time: a page cannot stack dialogs.
    if (open) return { ok: false, error: { code: IPC_ERROR.badInput, message: 'a file dialog is already open' } };
    open = true;
    try {
      const win = ctx.getWindows().find((w) => !w.isDestroyed() && w.webContents === event.sender);
      const r = await show(win, dialogOptions(parsed.value));
      return { ok: true, path: r.canceled ? null : (r.filePaths[0] ?? null) };
    } catch (err) {
      return { ok: false, error: toBridgeError(err) };
    } finally {
      open = false;
    }
  };
}

/** Registers the call channel (and the file dialog) and starts forwarding core events; returns the undo function. */
export function registerIpc(ipcMain: IpcMain, ctx: IpcContext): () => void {
  ipcMain.handle(CALL_CHANNEL, createCallHandler(ctx));
  if (ctx.showOpenDialog) ipcMain.handle(PICK_FILE_CHANNEL, createPickFileHandler(ctx, ctx.showOpenDialog));
  const unsubscribe = ctx.dispatcher.onEvent((apiEvent) => {
    for (const win of ctx.getWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, apiEvent);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(CALL_CHANNEL);
    if (ctx.showOpenDialog) ipcMain.removeHandler(PICK_FILE_CHANNEL);
  };
}
