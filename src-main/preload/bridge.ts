// Types and channel names of the `window.virtdesk` object the preload exposes. The renderer
// may import this file: it has no imports with runtime effects.
import type { ApiEvent } from '../api/dispatcher';

export const CALL_CHANNEL = 'virtdesk:call';
export const EVENT_CHANNEL = 'virtdesk:event';

export interface BridgeError {
  code: string;
  message: string;
  field?: string;
  libvirtCode?: number;
  /** The message as a key of contract/messages.ts with its parameters (the renderer translates it). */
  key?: string;
  params?: Record<string, unknown>;
}

/**
 * What `virtdesk:call` resolves to. Errors travel as data because Electron reduces an error
 * thrown by an ipcMain.handle handler to a mangled message string.
 */
export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: BridgeError };

/** The native file dialog (desktop app only; the main process validates the request). */
export const PICK_FILE_CHANNEL = 'virtdesk:pickFile';

/** What the dialog offers: its file type filter, or folders. */
export type PickFileKind = 'iso' | 'disk' | 'kernel' | 'any' | 'folder';
export const PICK_FILE_KINDS: readonly PickFileKind[] = ['iso', 'disk', 'kernel', 'any', 'folder'];

export interface PickFileRequest {
  kind: PickFileKind;
  /** The dialog's title (in the UI language). */
  title?: string;
  /** An absolute path: the file or folder the dialog starts at. */
  defaultPath?: string;
  /** Names of the type filter and of the "all files" filter, in the UI language. */
  filterName?: string;
  allFilesName?: string;
}

/** The chosen path, null when the user cancelled. */
export type PickFileResponse = { ok: true; path: string | null } | { ok: false; error: BridgeError };

export interface VirtdeskBridge {
  call(method: string, input?: unknown): Promise<BridgeResponse>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  readonly transport: 'ipc';
  /** Optional capability: the OS's own file dialog (absent in older preloads and in browser mode). */
  pickFile?(request: PickFileRequest): Promise<PickFileResponse>;
}
