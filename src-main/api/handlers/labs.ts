// lab.*: lab files (read only inside the file roots) and the labs they create.
import { ApiError } from '../../contract';
import { LabFileError } from '../../labs/lab-file';
import { labDown, labFileApiError, labReset, labStart, labStatus, labStop, labUp, listLabs, readLabSource, validateLab, type LabContext } from '../../labs/labs';
import { OutsideRootsError, connectionFileRoots, requireInsideRoots } from '../../storage/file-roots';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { containerConnectionUri } from '../../host/container-support';
import type { LabLxcSource } from '../../labs/lab-containers';
import { isLocalConnection } from './helpers';
import { checkConnectionUri } from '../../contract/connection-uri';

/** The canonical URI of a lab file's `host:`, or why a call on `connection` may not use it. */
function labHostProblem(host: string, connection: string | undefined): { uri: string; problem?: undefined } | { uri?: undefined; problem: string } {
  const h = checkConnectionUri(host);
  if (!h.ok) return { problem: `is not a connection Virtdesk opens: ${h.reason}` };
  if (connection === undefined) return { uri: h.uri };
  const c = checkConnectionUri(connection);
  if (c.ok && c.uri === h.uri) return { uri: h.uri };
  return { problem: `places the lab on ${h.uri}, but it was asked for on ${connection}: choose ${h.uri} as the host (CLI: --connect ${h.uri}, or leave --connect out), or change host: in the file` };
}

type ParsedLabSource = Awaited<ReturnType<typeof readLabSource>>;

export function labHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'lab.'>> {
  /** A lab's containers live on this computer's LXC connection (lxc:///system, or the private daemon on a hybrid-cgroup host), once the user added it. */
  const lxc: LabLxcSource = async () => {
    const uri = containerConnectionUri();
    try {
      const c = await ctx.deps.client(uri);
      return { uri: c.uri, api: c.client.api, local: isLocalConnection(c.uri) };
    } catch (e) {
      return { unavailable: e instanceof Error ? e.message : String(e) };
    }
  };
  const labContext = async (connection?: string): Promise<LabContext> => {
    const c = await ctx.deps.client(connection);
    return { uri: c.uri, client: c.client, local: isLocalConnection(c.uri), lxc, locked: ctx.locked };
  };
  /**
   * The lab's connection: its file's `host:` (which must be a connected host the user added),
   * else the call's. A call that names another connection than `host:` is refused: a lab lives
   * on one host. Problems are lab file errors on the `host:` line; nothing is created.
   */
  const placedLabContext = async (connection: string | undefined, parsed?: ParsedLabSource): Promise<LabContext> => {
    const host = parsed?.lab.host;
    if (host === undefined) return labContext(connection);
    const wanted = labHostProblem(host, connection);
    if (wanted.problem) throw new LabFileError([parsed!.issueAt(['host'], wanted.problem)]);
    try {
      return await labContext(wanted.uri);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code === 'INTERNAL') throw e;
      throw new LabFileError([parsed!.issueAt(['host'], `cannot place the lab on ${wanted.uri}: ${e.message}`)]);
    }
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
        const { name, parsed } = await labOf(i);
        const lab = await placedLabContext(i.connection, parsed);
        return mutates ? ctx.locked(lab.uri, () => fn(lab, name, parsed)) : fn(lab, name, parsed);
      });

  return {
    'lab.validate': async (i) => {
      const src = await readable(i);
      try {
        const parsed = await readLabSource(src).catch((e: unknown) => (e instanceof LabFileError ? undefined : Promise.reject(e)));
        return await validateLab(await placedLabContext(i.connection, parsed), src);
      } catch (e) {
        if (e instanceof LabFileError) return { ok: false, errors: e.issues, problemCount: e.problemCount, warnings: [] };
        throw e;
      }
    },
    'lab.up': async (i) =>
      fileErrors(async () => {
        const parsed = await readLabSource(await readable(i));
        const lab = await placedLabContext(i.connection, parsed);
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
