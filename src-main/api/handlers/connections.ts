// connections.*: the libvirt connections the app keeps, saved in the settings; the secrets and
// SSH host keys a remote connection asks for.
import { ApiError } from '../../contract';
import { checkConnectionUri } from '../../contract/connection-uri';
import type { HandlersFor, MethodsOf } from './context';
import type { CoreServices } from './core-services';

export function connectionHandlers(core: CoreServices): HandlersFor<MethodsOf<'connections.'>> {
  return {
    'connections.list': async () => core.conns.list(),
    'connections.add': async (i) => {
      // Saved first: the key file must be known when the host process (and its ssh) starts.
      const before = core.settings.settings.connections;
      const saved = before.filter((c) => c.uri !== i.uri);
      core.settings.update({
        connections: [
          ...saved,
          {
            uri: i.uri,
            ...(i.label ? { label: i.label } : {}),
            ...(i.keyFile ? { keyFile: i.keyFile } : {}),
            ...(i.connectAtStart !== undefined ? { connectAtStart: i.connectAtStart } : {}),
          },
        ],
      });
      let status;
      try {
        status = await core.conns.add(i.uri);
      } catch (e) {
        core.settings.update({ connections: before });
        throw e;
      }
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
    'connections.answerCredential': async (i) => {
      const broker = core.conns.remote?.broker;
      if (!broker || !broker.answer(i.id, i.cancel ? null : (i.value ?? ''), !!i.remember)) {
        throw new ApiError('NOT_FOUND', 'this request for a passphrase or password is no longer waiting (it was answered, cancelled or timed out): connect again', 'id');
      }
    },
    'connections.savedSecret': async (i) => {
      const saved = core.conns.remote?.savedSecrets;
      return saved ? saved.status(i.uri) : { available: false, saved: false };
    },
    'connections.forgetSecret': async (i) => {
      const saved = core.conns.remote?.savedSecrets;
      if (!saved || !(await saved.keyring.available())) {
        throw new ApiError('CONNECTION', 'no desktop keyring (Secret Service) answers here, so no passphrase or password is saved to forget', 'uri');
      }
      try {
        return { forgotten: await saved.forget(i.uri) };
      } catch (e) {
        throw new ApiError('CONNECTION', `the desktop keyring could not remove the saved secrets of ${i.uri}: ${e instanceof Error ? e.message : String(e)}`, 'uri');
      }
    },
    'connections.acceptHostKey': async (i) => {
      const remote = core.conns.remote;
      if (!remote) throw new ApiError('CONNECTION', 'remote connections are not available here');
      try {
        await remote.acceptHostKey(i.uri, i.fingerprint);
      } catch (e) {
        throw new ApiError('CONNECTION', e instanceof Error ? e.message : String(e), 'fingerprint');
      }
      return core.conns.reconnect(i.uri);
    },
  };
}
