// What api-client.ts needs from a transport (Electron IPC or the browser-mode WebSocket),
// and the one error type API calls reject with. Type-only imports from src-main.
import type { TypedApiEvent } from '../../src-main/contract';

/**
 * Error codes: the core's ApiErrorCode ('INVALID_INPUT', 'UNKNOWN_METHOD', 'LIBVIRT',
 * 'CONNECTION', 'NOT_FOUND', 'INTERNAL'), the IPC layer's ('FORBIDDEN', 'INVALID_METHOD'),
 * and the WebSocket transport's own: 'CONNECTION' (not connected / connection lost while the
 * call was pending) and 'AUTH' (the server refused the access token).
 */
export type ApiCallErrorCode = string;

/** Thrown (as a rejection) by every `api[...]` method when the call fails. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  readonly code: ApiCallErrorCode;
  /** The bad input field, for INVALID_INPUT. */
  readonly field?: string;
  readonly libvirtCode?: number;
  /** The method that failed. */
  readonly method?: string;
  /** The message as a server message key with its parameters (errorMessage translates it). */
  readonly key?: string;
  readonly params?: Record<string, unknown>;

  constructor(code: ApiCallErrorCode, message: string, extra: { field?: string; libvirtCode?: number; method?: string; key?: string; params?: Record<string, unknown> } = {}) {
    super(message);
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.libvirtCode !== undefined) this.libvirtCode = extra.libvirtCode;
    if (extra.method !== undefined) this.method = extra.method;
    if (extra.key !== undefined) this.key = extra.key;
    if (extra.params !== undefined) this.params = extra.params;
  }
}

/** The error shape both transports carry (see src-main/preload/bridge.ts BridgeError). */
export interface WireErrorShape {
  code?: unknown;
  message?: unknown;
  field?: unknown;
  libvirtCode?: unknown;
  key?: unknown;
  params?: unknown;
}

export function toApiCallError(error: WireErrorShape | null | undefined, method?: string): ApiCallError {
  const e = error ?? {};
  return new ApiCallError(typeof e.code === 'string' && e.code !== '' ? e.code : 'INTERNAL', typeof e.message === 'string' ? e.message : 'unknown error', {
    ...(typeof e.field === 'string' ? { field: e.field } : {}),
    ...(typeof e.libvirtCode === 'number' ? { libvirtCode: e.libvirtCode } : {}),
    ...(typeof e.key === 'string' ? { key: e.key } : {}),
    ...(typeof e.params === 'object' && e.params !== null && !Array.isArray(e.params) ? { params: e.params as Record<string, unknown> } : {}),
    ...(method !== undefined ? { method } : {}),
  });
}

export type ConnectionListener = (up: boolean, error: string | null) => void;

export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  /** Resolves with the result or rejects with ApiCallError. */
  call(method: string, input: unknown): Promise<unknown>;
  onEvent(listener: (event: TypedApiEvent) => void): () => void;
  onConnectionChange(listener: ConnectionListener): () => void;
  readonly connected: boolean;
  readonly lastError: string | null;
  close(): void;
}
