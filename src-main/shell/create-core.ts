// The one place the desktop shell builds the core (the dispatcher behind IPC), together with
// the loopback console server that carries console WebSockets (see console-server.ts).
import type { ApiDispatcher } from '../api/dispatcher';
import { createCore } from '../api/core';
import { desktopOriginAllowed, startConsoleServer, type ConsoleServer } from './console-server';
import { createUtilityHostSpawner } from './utility-host-spawner';

export function createShellCore(settingsDir: string): ApiDispatcher {
  let consoleServer: Promise<ConsoleServer> | null = null;
  const core = createCore({
    spawnHost: createUtilityHostSpawner(),
    settingsDir,
    // The server may still be starting when the renderer asks: wait for it. If it could not
    // start, console.endpoint fails with that reason (null would wrongly mean "same origin").
    consoleEndpoint: async () => {
      if (!consoleServer) throw new Error('the console server is not running');
      try {
        return (await consoleServer).wsBase;
      } catch (e) {
        throw new Error(`the console server could not start: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  });
  consoleServer = startConsoleServer(core.vncProxy, desktopOriginAllowed());
  consoleServer.catch((e: unknown) => console.error('virtdesk: the console server could not start:', e));
  return {
    call: (method, input) => core.call(method, input),
    onEvent: (listener) => core.onEvent(listener),
    async close() {
      const server = await consoleServer?.catch(() => null);
      await Promise.all([server?.close(), core.close()]);
    },
  };
}
