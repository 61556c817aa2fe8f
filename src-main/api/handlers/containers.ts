// container.*: create, preview, delete, and what a connection's driver runs (src-main/containers/).
import { createContainer, deleteContainer, guestKinds, prepareContainer } from '../../containers/create-container';
import { readContainerMeta, rootFolderInXml } from '../../containers/container-meta';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { containerConnectionUri } from '../../host/container-support';
import { measureContainerStartup, measureVmStartup } from '../../containers/measure-startup';

export function containerHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'container.'>> {
  return {
    'container.create': async (i) => {
      const { uri, api } = await ctx.conn(i.connection);
      return ctx.locked(uri, () => createContainer(ctx, uri, api, i.spec, i.start, i.progressId));
    },
    'container.preview': async (i) => {
      const { uri, api } = await ctx.conn(i.connection);
      return { xml: (await prepareContainer(ctx, uri, api, i.spec)).xml };
    },
    'container.delete': async (i) => {
      const { uri, api } = await ctx.conn(i.connection);
      return ctx.locked(uri, () => deleteContainer(api, i.vm, i.deleteRoot));
    },
    'container.info': async (i) => {
      const { api } = await ctx.conn(i.connection);
      const xml = await api.domainXml(i.vm, { inactive: true });
      return { root: rootFolderInXml(xml), unpackedInto: readContainerMeta(xml).unpackedInto ?? null };
    },
    'container.measureStartup': async (i) => {
      // The VM on the given connection when its driver runs machines, else on qemu:///system (the Host page of an LXC connection).
      const given = await ctx.deps.client(i.connection);
      const vm = (await guestKinds(given.client.api)).machines ? given : await ctx.deps.client('qemu:///system');
      const lxcUri = containerConnectionUri();
      const lxc = await ctx.deps.client(lxcUri).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      // One after the other: both at once would slow each other down on a small host.
      const vmResult = await ctx.locked(vm.uri, () => measureVmStartup(vm));
      const ctResult = typeof lxc === 'string' ? { connection: lxcUri, ms: null, error: lxc } : await ctx.locked(lxc.uri, () => measureContainerStartup(lxc));
      return { vm: vmResult, container: ctResult };
    },
    'container.guestKinds': async (i) => {
      const { api } = await ctx.conn(i.connection);
      const { containers, machines } = await guestKinds(api);
      return { containers, machines };
    },
  };
}
