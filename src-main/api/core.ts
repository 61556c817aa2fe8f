// TEMPORARY STUB written by the shell engineer so `electron-vite build` and typecheck pass;
// the core engineer overwrites this file with the real createCore.
import type { HostSpawner } from '../libvirt/host-channel';
import type { ApiDispatcher } from './dispatcher';

export interface CoreOptions {
  spawnHost: HostSpawner;
  hostEntry?: never;
  settingsDir: string;
}

export function createCore(_options: CoreOptions): ApiDispatcher {
  return {
    call: () => Promise.reject(new Error('not implemented')),
    onEvent: () => () => {},
    close: () => Promise.resolve(),
  };
}
