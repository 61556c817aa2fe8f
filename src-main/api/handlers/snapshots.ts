// snapshot.*: a VM's snapshot tree, taking, reverting and deleting snapshots.
import { capabilitiesOf, createSnapshot, deleteSnapshot, listSnapshots, revertSnapshot } from '../../snapshots/snapshots';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';

export function snapshotHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'snapshot.'>> {
  return {
    'snapshot.list': async (i) => listSnapshots((await ctx.conn(i.connection)).api, i.vm),
    'snapshot.create': async (i) => {
      const { uri, client } = await ctx.conn(i.connection);
      return ctx.locked(uri, () => createSnapshot(client, i.vm, { name: i.name, description: i.description, memory: i.memory, external: i.external }));
    },
    'snapshot.revert': async (i) => {
      const { uri, client } = await ctx.conn(i.connection);
      return ctx.locked(uri, () => revertSnapshot(client, i.vm, i.name));
    },
    'snapshot.delete': async (i) => {
      const { uri, client } = await ctx.conn(i.connection);
      return ctx.locked(uri, () => deleteSnapshot(client, i.vm, i.name));
    },
    'snapshot.capabilities': async (i) => capabilitiesOf((await ctx.conn(i.connection)).client, i.vm),
  };
}
