// fs.browse: the server-side file chooser (browser mode), limited to the file roots.
import { BrowseError, browse } from '../../storage/fs-browse';
import { connectionFileRoots } from '../../storage/file-roots';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { invalid, notFound } from './helpers';

export function fileHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'fs.'>> {
  return {
  'fs.browse': async (i) => {
    const roots = await connectionFileRoots(ctx.deps, i.connection);
    try {
      return await browse(i.path, roots, { showHidden: i.showHidden });
    } catch (e) {
      if (e instanceof BrowseError) throw e.code === 'NOT_FOUND' ? notFound('path', e.message) : invalid('path', e.message);
      throw e;
    }
  },
  };
}
