// Electron transport: `window.virtdesk` from the preload (src-main/preload/index.ts).
import type { TypedApiEvent } from '../../src-main/contract';
import type { VirtdeskBridge } from '../../src-main/preload/bridge';
import { ApiCallError, toApiCallError, type ConnectionListener, type Transport } from './transport-types';

/** The preload's bridge, if this page runs in the Electron app. */
export function findBridge(): VirtdeskBridge | null {
  const candidate = (globalThis as { virtdesk?: unknown }).virtdesk as Partial<VirtdeskBridge> | undefined;
  if (candidate && typeof candidate.call === 'function' && typeof candidate.onEvent === 'function') return candidate as VirtdeskBridge;
  return null;
}

export function createIpcTransport(bridge: VirtdeskBridge): Transport {
  return {
    kind: 'ipc',
    async call(method, input) {
      let res;
      try {
        res = await bridge.call(method, input);
      } catch (e) {
        throw new ApiCallError('INTERNAL', `IPC call failed: ${e instanceof Error ? e.message : String(e)}`, { method });
      }
      if (res && res.ok === true) return res.result;
      throw toApiCallError(res?.error, method);
    },
    onEvent(listener) {
      return bridge.onEvent((event) => listener(event as unknown as TypedApiEvent));
    },
    // The IPC channel lives as long as the page: it is always up.
    onConnectionChange(_listener: ConnectionListener) {
      return () => undefined;
    },
    connected: true,
    lastError: null,
    close() {
      /* nothing to close */
    },
  };
}
