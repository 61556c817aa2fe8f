// The renderer's one way to the core. It does not know (or care) which transport it has:
// Electron IPC through the preload's `window.virtdesk`, or, in browser mode
// (`npm run serve`), a WebSocket to the same server that served the page.
//
//   const client = createApiClient();            // once, at startup
//   const vms = await client.api['vm.list']({});  // rejects with ApiCallError
//   const off = client.onEvent((e) => { if (e.type === 'vm.changed') ... });
//
// Only types are imported from src-main: nothing of the core ends up in the bundle.
import type { MethodName, TypedApiEvent, VirtdeskApi } from '../../src-main/contract';
import type { VirtdeskBridge } from '../../src-main/preload/bridge';
import { createIpcTransport, findBridge } from './transport-ipc';
import { ApiCallError, type ConnectionListener, type Transport } from './transport-types';
import { TOKEN_REFUSED_MESSAGE, WebSocketTransport, type WebSocketConstructor } from './transport-websocket';

export { ApiCallError, TOKEN_REFUSED_MESSAGE };
export type { ApiCallErrorCode } from './transport-types';

export interface ApiClient {
  /** `api['vm.list']({ connection })` etc.: every method of the contract, typed. */
  readonly api: VirtdeskApi;
  /** Every core event; returns the unsubscribe function. */
  onEvent(listener: (event: TypedApiEvent) => void): () => void;
  readonly transport: 'ipc' | 'websocket';
  /**
   * Called on every change of the connection (never for IPC, which is always up). `error`
   * says why it is down: TOKEN_REFUSED_MESSAGE when the server refused the token (final:
   * calls then fail with code 'AUTH'), else a "reconnecting…" text.
   */
  onConnectionChange(listener: (up: boolean, error: string | null) => void): () => void;
  /** Current state (listeners only hear about changes). */
  readonly connected: boolean;
  /** Why it is not connected, or null. */
  readonly lastError: string | null;
  /** Closes the transport; pending calls fail with 'CONNECTION'. */
  close(): void;
}

// Minimal shapes of the page's location/history/sessionStorage (structural, so this file
// also typechecks without the DOM library, e.g. when node-side tests import it).
export interface LocationLike {
  readonly protocol: string;
  readonly host: string;
  readonly hash: string;
  readonly pathname: string;
  readonly search: string;
}
export interface HistoryLike {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | null): void;
}
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Where the token is kept for reloads of the tab (the address bar loses it, see below). */
export const TOKEN_STORAGE_KEY = 'virtdesk.token';

export interface ApiClientOptions {
  /** Defaults to `window.virtdesk` (the Electron preload), if present. */
  bridge?: VirtdeskBridge | null;
  /** For tests: these default to the page's. */
  location?: LocationLike;
  history?: HistoryLike;
  storage?: StorageLike | null;
  WebSocket?: WebSocketConstructor;
  /** Forwarded to the WebSocket transport (tests use short values). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  queueTimeoutMs?: number;
}

const METHOD_NAME = /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/;

/** `api[method](input)` → transport.call(method, input), for every `x.y` property name. */
function apiProxy(transport: Transport): VirtdeskApi {
  const fns = new Map<string, (input?: unknown) => Promise<unknown>>();
  return new Proxy({} as VirtdeskApi, {
    get(_target, prop) {
      // Anything that is not a method name (then, toJSON, symbols…) is absent, so the proxy is
      // neither a thenable nor confused with a plain object by devtools or Svelte.
      if (typeof prop !== 'string' || !METHOD_NAME.test(prop)) return undefined;
      let fn = fns.get(prop);
      if (!fn) {
        fn = (input?: unknown) => transport.call(prop as MethodName, input ?? {});
        fns.set(prop, fn);
      }
      return fn;
    },
    has(_target, prop) {
      return typeof prop === 'string' && METHOD_NAME.test(prop);
    },
    set() {
      return false;
    },
  });
}

/**
 * Takes `token=...` out of the fragment (the server prints `http://host:port/#token=...`),
 * keeping any other fragment content, and removes it from the address bar and history so
 * it is not left in bookmarks, screenshots or shared links.
 */
function takeTokenFromLocation(location: LocationLike, history: HistoryLike | undefined): string | null {
  const hash = location.hash.startsWith('#') ? location.hash.slice(1) : location.hash;
  if (!/(^|&)token=/.test(hash)) return null;
  const params = new URLSearchParams(hash);
  const token = params.get('token');
  params.delete('token');
  const rest = params.toString();
  try {
    history?.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  } catch {
    /* e.g. sandboxed document: the token just stays visible */
  }
  return token && /^[A-Za-z0-9_-]+$/.test(token) ? token : null;
}

function sessionStorageOrNull(): StorageLike | null {
  try {
    return (globalThis as { sessionStorage?: StorageLike }).sessionStorage ?? null;
  } catch {
    return null; // storage disabled
  }
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const bridge = options.bridge === undefined ? findBridge() : options.bridge;
  let transport: Transport;
  if (bridge) {
    transport = createIpcTransport(bridge);
  } else {
    const page = globalThis as { location?: LocationLike; history?: HistoryLike };
    const location = options.location ?? page.location;
    if (!location) throw new Error('createApiClient: no window.virtdesk and no page location to connect to');
    const history = options.history ?? page.history;
    const storage = options.storage === undefined ? sessionStorageOrNull() : options.storage;
    // The token comes from the link once; sessionStorage (this tab only) keeps it for reloads.
    let token = takeTokenFromLocation(location, history);
    try {
      if (token) storage?.setItem(TOKEN_STORAGE_KEY, token);
      else token = storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    } catch {
      /* storage disabled: reloads will need the link again */
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    transport = new WebSocketTransport({
      url: `${scheme}://${location.host}/api`,
      token,
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
      ...(options.initialBackoffMs !== undefined ? { initialBackoffMs: options.initialBackoffMs } : {}),
      ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
      ...(options.queueTimeoutMs !== undefined ? { queueTimeoutMs: options.queueTimeoutMs } : {}),
    });
  }
  const api = apiProxy(transport);
  return {
    api,
    transport: transport.kind,
    onEvent: (listener) => transport.onEvent(listener),
    onConnectionChange: (listener: ConnectionListener) => transport.onConnectionChange(listener),
    get connected() {
      return transport.connected;
    },
    get lastError() {
      return transport.lastError;
    },
    close: () => transport.close(),
  };
}
