// lab.*: lab files (read only inside the file roots) and the labs they create.
import { ApiError } from '../../contract';
import { LabFileError } from '../../labs/lab-file';
import { labDown, labFileApiError, labReset, labStart, labStatus, labStop, labUp, listLabs, readLabSource, validateLab, type LabContext } from '../../labs/labs';
import { OutsideRootsError, connectionFileRoots, requireInsideRoots } from '../../storage/file-roots';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { isLocalConnection } from './helpers';

type ParsedLabSource = Awaited<ReturnType<typeof readLabSource>>;

export function labHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'lab.'>> {
  const labContext = async (connection?: string): Promise<LabContext> => {
    const c = await ctx.deps.client(connection);
    return { uri: c.uri, client: c.client, local: isLocalConnection(c.uri) };
  };
  /** Lab file problems become INVALID_INPUT on 'file' with the line ("lab.yaml:7: …"). */
  const fileErrors = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof LabFileError) throw labFileApiError(e);
      throw e;
    }
  };
  /** The input with its lab file resolved, when that file lies inside the folders the app may read. */
  const readable = async <T extends { connection?: string; file?: string }>(i: T): Promise<T> => {
    if (i.file === undefined) return i;
    try {
      return { ...i, file: await requireInsideRoots(i.file, await connectionFileRoots(ctx.deps, i.connection), 'lab file') };
    } catch (e) {
      if (e instanceof OutsideRootsError) throw new ApiError('INVALID_INPUT', e.message, 'file');
      throw e;
    }
  };
  /** The lab a labRef input names: its file (parsed) or its name. */
  const labOf = async (i: { connection?: string; file?: string; name?: string }) => {
    if (i.name) return { name: i.name, parsed: undefined };
    const parsed = await readLabSource({ file: (await readable(i)).file });
    return { name: parsed.lab.name, parsed };
  };
  const labAction = <R>(fn: (lab: LabContext, name: string, parsed?: ParsedLabSource) => Promise<R>, mutates: boolean) =>
    (i: { connection?: string; file?: string; name?: string }): Promise<R> =>
      fileErrors(async () => {
        const lab = await labContext(i.connection);
        const { name, parsed } = await labOf(i);
        return mutates ? ctx.locked(lab.uri, () => fn(lab, name, parsed)) : fn(lab, name, parsed);
      });

  return {
    'lab.validate': async (i) => validateLab(await labContext(i.connection), await readable(i)),
    'lab.up': async (i) =>
      fileErrors(async () => {
        const lab = await labContext(i.connection);
        const parsed = await readLabSource(await readable(i));
        return ctx.locked(lab.uri, () => labUp(lab, parsed));
      }),
    'lab.start': labAction(labStart, true),
    'lab.stop': labAction(labStop, true),
    'lab.status': labAction(labStatus, false),
    'lab.reset': labAction(labReset, true),
    'lab.down': labAction((lab, name) => labDown(lab, name), true),
    'lab.list': async (i) => listLabs(await labContext(i.connection)),
  };
}
