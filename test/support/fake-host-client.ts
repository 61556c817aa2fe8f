// A fake libvirt host process for unit tests of the connection manager: each connect() is one
// "open" whose outcome the test decides (opens[i].resolve / reject), and the test sends the
// host's events (its exit) itself through hostEvents. Use it as the module's mock:
//   vi.mock('../../../src-main/libvirt/host-client', async () => (await import('../../support/fake-host-client')).hostClientModule);
import type { ConnectionInfo } from '../../src-main/libvirt/protocol';
import type { HostClientEvent } from '../../src-main/libvirt/host-client';

export interface Open {
  resolve(info: ConnectionInfo): void;
  reject(e: Error): void;
}

/** Each open a manager started, in order. */
export const opens: Open[] = [];
/** The event listeners the manager registered. */
export const hostEvents: ((e: HostClientEvent) => void)[] = [];

export const hostClientModule = {
  LibvirtHostClient: class {
    constructor(readonly uri: string) {}
    onEvent(l: (e: HostClientEvent) => void): () => void {
      hostEvents.push(l);
      return () => undefined;
    }
    connect(): Promise<ConnectionInfo> {
      return new Promise((resolve, reject) => opens.push({ resolve, reject }));
    }
    killHost(): void {}
    async close(): Promise<void> {}
  },
};
