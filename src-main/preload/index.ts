// Sandboxed preload: runs with contextIsolation, so it may import 'electron' only (anything
// else is bundled by electron-vite). Exposes exactly call/onEvent/transport/pickFile, never
// ipcRenderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../api/dispatcher';
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FILE_CHANNEL, type BridgeResponse, type PickFileRequest, type PickFileResponse, type VirtdeskBridge } from './bridge';

const bridge: VirtdeskBridge = {
  call(method: string, input?: unknown): Promise<BridgeResponse> {
    return ipcRenderer.invoke(CALL_CHANNEL, method, input) as Promise<BridgeResponse>;
  },
  onEvent(listener: (event: ApiEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    // The IpcRendererEvent (which references ipcRenderer) never reaches the page.
    const wrapped = (_event: IpcRendererEvent, payload: ApiEvent): void => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
  transport: 'ipc',
  pickFile(request: PickFileRequest): Promise<PickFileResponse> {
    return ipcRenderer.invoke(PICK_FILE_CHANNEL, request) as Promise<PickFileResponse>;
  },
};

contextBridge.exposeInMainWorld('virtdesk', bridge);
