// connections.*: the libvirt connections the app keeps, saved in the settings.
import { checkConnectionUri } from '../../contract/connection-uri';
import type { HandlersFor, MethodsOf } from './context';
import type { CoreServices } from './core-services';

export function connectionHandlers(core: CoreServices): HandlersFor<MethodsOf<'connections.'>> {
  return {
    'connections.list': async () => core.conns.list(),
    'connections.add': async (i) => {
      const status = await core.conns.add(i.uri);
      const saved = core.settings.settings.connections.filter((c) => c.uri !== i.uri);
      core.settings.update({ connections: [...saved, { uri: i.uri, ...(i.label ? { label: i.label } : {}) }] });
      return { ...status, ...(i.label ? { label: i.label } : {}) };
    },
    'connections.remove': async (i) => {
      // The URI may be a saved one the policy refuses: forget it as written.
      const checked = checkConnectionUri(i.uri);
      const canonical = checked.ok ? checked.uri : null;
      core.settings.forgetConnection(i.uri, canonical);
      if (canonical) await core.conns.remove(canonical);
    },
    'connections.reconnect': async (i) => core.conns.reconnect(i.uri),
  };
}
