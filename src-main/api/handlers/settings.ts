// settings.*: the app's settings (validated by the contract, saved by the settings store).
import type { HandlersFor, MethodsOf } from './context';
import type { CoreServices } from './core-services';

export function settingsHandlers(core: CoreServices): HandlersFor<MethodsOf<'settings.'>> {
  return {
    'settings.get': async () => core.settings.state(),
    'settings.update': async (i) => {
      const state = core.settings.update(i);
      core.emit({ type: 'settings.changed', ...state });
      return state;
    },
  };
}
