// The one place the desktop shell builds the core (the dispatcher behind IPC).
import type { ApiDispatcher } from '../api/dispatcher';
import { createCore } from '../api/core';
import { createUtilityHostSpawner } from './utility-host-spawner';

export function createShellCore(settingsDir: string): ApiDispatcher {
  return createCore({ spawnHost: createUtilityHostSpawner(), settingsDir });
}
