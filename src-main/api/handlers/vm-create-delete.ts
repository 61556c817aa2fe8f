// vm.create, vm.createPreview, vm.deletePlan, vm.delete.
import { undefineWithEverything } from '../../clones/clone';
import type { HandlerContext, HandlersFor } from './context';
import { createVm, prepare } from '../../vms/create';
import { deletePlan } from '../../vms/delete';
import { invalid, errText } from './helpers';
import { cancellable, cancelOperation } from '../cancellation';

export function vmCreateDeleteHandlers(ctx: HandlerContext): HandlersFor<'vm.create' | 'vm.cancel' | 'vm.createPreview' | 'vm.deletePlan' | 'vm.delete'> {
  return {
  'vm.create': async (i) => {
    const { uri, client } = await ctx.conn(i.connection);
    const op = cancellable(i.progressId);
    try {
      return await ctx.locked(uri, () => createVm(ctx, uri, client, i.spec, i.start, i.progressId, op.signal));
    } finally {
      op.end();
    }
  },
  // Not queued behind the connection's lock: the operation it cancels holds it.
  'vm.cancel': async (i) => ({ cancelled: cancelOperation(i.progressId) }),
  'vm.createPreview': async (i) => {
    const { uri, client } = await ctx.conn(i.connection);
    const p = await prepare(ctx, uri, client, i.spec, false);
    return { xml: p.xml, warnings: p.warnings };
  },
  'vm.deletePlan': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    const { poolsByPath, ...plan } = await deletePlan(ctx, uri, api, i.vm);
    void poolsByPath;
    return plan;
  },
  'vm.delete': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    return ctx.locked(uri, async () => {
      const plan = await deletePlan(ctx, uri, api, i.vm);
      const wanted = [...new Set(i.deleteDisks)];
      for (const p of wanted) {
        const disk = plan.disks.find((x) => x.path === p);
        if (!disk) throw invalid('deleteDisks', `'${p}' is not a disk of VM '${plan.vm.name}'; nothing was deleted`);
        if (!disk.deletable) throw invalid('deleteDisks', `'${p}' cannot be deleted (${disk.reason}); nothing was deleted`);
      }
      const ref = { uuid: plan.vm.uuid };
      const d = await api.lookupDomain(ref);
      if (d.id !== -1) await api.destroyDomain(ref);
      if (d.persistent) await undefineWithEverything(api, ref);
      const deletedDisks: string[] = [];
      const failedDisks: { path: string; error: string }[] = [];
      for (const p of wanted) {
        const v = plan.poolsByPath.get(p)!;
        try {
          await api.deleteVolume(v.pool, v.volume);
          deletedDisks.push(p);
        } catch (e) {
          failedDisks.push({ path: p, error: errText(e) });
        }
      }
      return { deletedDisks, failedDisks };
    });
  },
  };
}
