// vm.clone, vm.linkedClones, vm.templateInfo: full and linked clones, templates.
import { cloneVm, templateInfo } from '../../clones/clone';
import type { HandlerContext, HandlersFor } from './context';
import { isLocalConnection } from './helpers';
import { cancellable } from '../cancellation';

export function cloneHandlers(ctx: HandlerContext): HandlersFor<'vm.clone' | 'vm.linkedClones' | 'vm.templateInfo'> {
  return {
    'vm.clone': async (i) => {
      const { uri, api } = await ctx.conn(i.connection);
      const source = 'name' in i.vm ? i.vm.name : i.vm.uuid;
      const emit = ctx.deps.emit;
      const op = cancellable(i.progressId);
      const progressId = i.progressId ? { progressId: i.progressId } : {};
      try {
        return await ctx.locked(uri, () =>
          cloneVm({
            api,
            uri,
            local: isLocalConnection(uri),
            vm: i.vm,
            name: i.name,
            mode: i.mode,
            ...(op.signal ? { signal: op.signal } : {}),
            ...(emit ? { onProgress: (p: { done: number; total: number }) => emit({ type: 'vm.cloneProgress', connection: uri, vm: source, name: i.name, ...p, ...progressId }) } : {}),
          }),
        );
      } finally {
        op.end();
      }
    },
    'vm.linkedClones': async (i) => (await templateInfo((await ctx.conn(i.connection)).api, i.vm)).linkedClones,
    'vm.templateInfo': async (i) => templateInfo((await ctx.conn(i.connection)).api, i.vm),
  };
}
