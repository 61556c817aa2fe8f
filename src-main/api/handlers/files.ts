// fs.*: the server-side file chooser (browser mode), limited to the file roots; whether QEMU can
// read a chosen file, and its two fixes (ACLs for QEMU's user, a copy into a storage pool).
import { BrowseError, browse } from '../../storage/fs-browse';
import { OutsideRootsError, connectionFileRoots, requireInsideRoots } from '../../storage/file-roots';
import { FileCheckError, checkReadableFile } from '../../storage/disk-image';
import { QemuAccessError, grantQemuAccess, qemuAccessReport, systemQemuHere } from '../../storage/qemu-access-check';
import { copyFileToPool } from '../../storage/copy-to-pool';
import { fileCheck } from '../../vms/create';
import { toApiError } from '../connection-manager';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { invalid, isLocalConnection, notFound } from './helpers';

export function fileHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'fs.'>> {
  /** The file named by `path`, when it is inside the folders the app may read and readable here. */
  async function chosenFile(connection: string | undefined, file: string): Promise<string> {
    let real: string;
    try {
      real = await requireInsideRoots(file, await connectionFileRoots(ctx.deps, connection), 'file');
    } catch (e) {
      if (e instanceof OutsideRootsError) throw invalid('path', e.message);
      throw e;
    }
    await fileCheck('path', () => checkReadableFile(real, 'file'));
    return real;
  }
  const capabilities = (api: Awaited<ReturnType<HandlerContext['conn']>>['api']) => () => api.capabilities().catch(() => null);

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
  'fs.qemuAccess': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    await chosenFile(uri, i.path);
    return qemuAccessReport(uri, i.path, systemQemuHere(uri, isLocalConnection(uri)), capabilities(api));
  },
  'fs.grantQemuAccess': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    if (!systemQemuHere(uri, isLocalConnection(uri))) throw invalid('connection', `letting QEMU read a file works only for qemu:///system on this computer (not ${uri}): there QEMU runs as its own user`);
    await chosenFile(uri, i.path);
    try {
      await grantQemuAccess(i.path, i.paths, capabilities(api));
    } catch (e) {
      if (e instanceof QemuAccessError) throw invalid(e.field, e.message);
      throw e;
    }
    return qemuAccessReport(uri, i.path, true, capabilities(api));
  },
  'fs.copyToPool': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    if (!isLocalConnection(uri)) throw invalid('connection', `copying a file into a storage pool works only for connections on this computer (not ${uri}): the file is here`);
    const file = await chosenFile(uri, i.path);
    return ctx.locked(uri, async () => {
      try {
        return await copyFileToPool(api, {
          file,
          pool: i.pool,
          name: i.name,
          ...(i.progressId ? { onProgress: (p: { done: number; total: number }) => ctx.deps.emit?.({ type: 'fs.copyProgress', connection: uri, progressId: i.progressId!, ...p }) } : {}),
        });
      } catch (e) {
        if (e instanceof FileCheckError) throw invalid('path', e.message);
        const err = toApiError(e);
        if (err.code === 'INVALID_INPUT' || err.code === 'NOT_FOUND') throw err;
        throw invalid('pool', `could not copy '${file}' into storage pool '${i.pool}': ${err.message}`);
      }
    });
  },
  };
}
