// Types and channel names of the `window.virtdesk` object the preload exposes. The renderer
// may import this file: it has no imports with runtime effects.
import type { ApiEvent } from '../api/dispatcher';

export const CALL_CHANNEL = 'virtdesk:call';
export const EVENT_CHANNEL = 'virtdesk:event';

export interface BridgeError {
  code: string;
  message: string;
  field?: string;
}

/**
 * What `virtdesk:call` resolves to. Errors travel as data because Electron reduces an error
 * thrown by an ipcMain.handle handler to a mangled message string.
 */
export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: BridgeError };

export interface VirtdeskBridge {
  call(method: string, input?: unknown): Promise<BridgeResponse>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  readonly transport: 'ipc';
}
