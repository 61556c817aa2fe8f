// console.* and vm.sendKeys: serial console sessions, graphical console tickets, keys.
import { ApiError } from '../../contract';
import { KEYCODE_SET_LINUX, linuxKeycodes } from '../../contract/keys';
import { consoleBusyError, isConsoleBusy } from '../../consoles/serial';
import { isLocalUri, remoteGraphicsError, vncPathFor } from '../../consoles/vnc-proxy';
import { summarizeDomainXml } from '../../xml/domain-summary';
import { graphicsReachable } from '../../remote/remote-display';
import type { HandlersFor, MethodsOf } from './context';
import type { CoreServices } from './core-services';

export function consoleHandlers(core: CoreServices): HandlersFor<MethodsOf<'console.'> | 'vm.sendKeys'> {
  return {
    'console.open': async (i) => {
      try {
        return await core.consoles.open(i.connection, i.vm, i.force ?? false);
      } catch (e) {
        if (i.force || !isConsoleBusy(e)) throw e;
        let name = 'name' in i.vm ? i.vm.name : i.vm.uuid;
        try {
          name = (await (await core.conns.client(i.connection)).client.api.lookupDomain(i.vm)).name;
        } catch {
          /* keep the ref as given */
        }
        throw consoleBusyError(name, (e as { code?: number }).code);
      }
    },
    'console.write': async (i) => core.consoles.write(i.sessionId, i.data),
    'console.close': async (i) => core.consoles.close(i.sessionId),
    'console.vncTicket': async (i) => {
      // Remote hosts not over SSH are refused before connecting (their displays are reached only through SSH).
      const target = i.connection ?? (await core.conns.resolveDefault());
      if (!graphicsReachable(target, isLocalUri(target))) throw remoteGraphicsError(target);
      const { uri, client } = await core.conns.client(target);
      const d = await client.api.lookupDomain(i.vm);
      if (d.id === -1 || d.state === 'shutoff' || d.state === 'crashed') {
        throw new ApiError('LIBVIRT', `VM '${d.name}' is not running — start it to see its screen`, undefined, 55 /* VIR_ERR_OPERATION_INVALID */);
      }
      const graphics = summarizeDomainXml(await client.api.domainXml({ uuid: d.uuid })).graphics;
      const graphicsIndex = graphics.findIndex((g) => g.type === 'vnc');
      if (graphicsIndex === -1) {
        const other = graphics[0]?.type;
        throw new ApiError(
          'LIBVIRT',
          other
            ? `VM '${d.name}' has a ${other === 'spice' ? 'SPICE' : other} display; the embedded console shows VNC displays only — change the display to VNC, or use virt-viewer`
            : `VM '${d.name}' has no graphical display — add a VNC display, or use the serial console`,
          undefined,
          67 /* VIR_ERR_CONFIG_UNSUPPORTED */,
        );
      }
      const { ticket, expiresInMs } = core.tickets.issue({ connection: uri, vm: { uuid: d.uuid }, kind: 'vnc', graphicsIndex, name: d.name });
      return { ticket, path: vncPathFor(d.uuid, ticket), expiresInMs };
    },
    'console.endpoint': async () => ({ wsBase: (await core.options.consoleEndpoint?.()) ?? null }),
    'vm.sendKeys': async (i) => {
      const { client } = await core.conns.client(i.connection);
      // holdtime 0: libvirt's default press duration.
      await client.api.sendKey(i.vm, KEYCODE_SET_LINUX, 0, linuxKeycodes(i.keys));
    },
  };
}
