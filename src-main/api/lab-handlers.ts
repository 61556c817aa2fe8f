// Handlers of contract-labs.ts: snapshots, clones and templates, lab files. Inputs arrive parsed
// by the contract's schemas. Mutations run one at a time per connection.
import type { LibvirtHostClient } from '../libvirt/host-client';
import { serialQueue } from './serial-queue';
import { cloneVm, templateInfo } from '../clones/clone';
import { LabFileError } from '../labs/lab-file';
import { labDown, labFileApiError, labReset, labStart, labStatus, labStop, labUp, listLabs, readLabSource, validateLab, type LabContext } from '../labs/labs';
import { capabilitiesOf, createSnapshot, deleteSnapshot, listSnapshots, revertSnapshot } from '../snapshots/snapshots';
import { isLocalConnection } from './create-handlers';
import { OutsideRootsError, connectionFileRoots, requireInsideRoots } from '../storage/file-roots';
import { ApiError } from './contract';
import type { LabEventMap, LabMethodName, LabMethodParsed, LabMethodResult } from './contract-labs';

export type LabEvent = { [K in keyof LabEventMap]: { type: K } & LabEventMap[K] }[keyof LabEventMap];

export interface LabHandlerDeps {
  /** A connected client for a URI (or the default connection): ConnectionManager.client. */
  client(uri?: string): Promise<{ uri: string; client: LibvirtHostClient }>;
  /** Receives vm.cloneProgress. */
  emit?: (event: LabEvent) => void;
  /** settings.browseFolders: lab files are read only inside the file roots (file-roots.ts). */
  browseFolders?: () => string[];
  /** Extra file roots (tests). */
  browseRoots?: string[];
}

export type LabHandlers = { [M in LabMethodName]: (input: LabMethodParsed<M>) => Promise<LabMethodResult<M>> };

export function labHandlers(deps: LabHandlerDeps): LabHandlers {
  const locked = serialQueue();
  const ctxOf = async (connection?: string): Promise<LabContext> => {
    const c = await deps.client(connection);
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
      return { ...i, file: await requireInsideRoots(i.file, await connectionFileRoots(deps, i.connection), 'lab file') };
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
  const labAction = <R>(fn: (ctx: LabContext, lab: string, parsed?: Awaited<ReturnType<typeof readLabSource>>) => Promise<R>, mutates: boolean) =>
    (i: { connection?: string; file?: string; name?: string }): Promise<R> =>
      fileErrors(async () => {
        const ctx = await ctxOf(i.connection);
        const { name, parsed } = await labOf(i);
        return mutates ? locked(ctx.uri, () => fn(ctx, name, parsed)) : fn(ctx, name, parsed);
      });

  return {
    'snapshot.list': async (i) => {
      const { client } = await deps.client(i.connection);
      return listSnapshots(client.api, i.vm);
    },
    'snapshot.create': async (i) => {
      const { uri, client } = await deps.client(i.connection);
      return locked(uri, () => createSnapshot(client, i.vm, { name: i.name, description: i.description, memory: i.memory, external: i.external }));
    },
    'snapshot.revert': async (i) => {
      const { uri, client } = await deps.client(i.connection);
      return locked(uri, () => revertSnapshot(client, i.vm, i.name));
    },
    'snapshot.delete': async (i) => {
      const { uri, client } = await deps.client(i.connection);
      return locked(uri, () => deleteSnapshot(client, i.vm, i.name));
    },
    'snapshot.capabilities': async (i) => {
      const { client } = await deps.client(i.connection);
      return capabilitiesOf(client, i.vm);
    },

    'vm.clone': async (i) => {
      const ctx = await ctxOf(i.connection);
      const source = 'name' in i.vm ? i.vm.name : i.vm.uuid;
      const emit = deps.emit;
      return locked(ctx.uri, () =>
        cloneVm({
          api: ctx.client.api,
          uri: ctx.uri,
          local: ctx.local,
          vm: i.vm,
          name: i.name,
          mode: i.mode,
          ...(emit ? { onProgress: (p: { done: number; total: number }) => emit({ type: 'vm.cloneProgress', connection: ctx.uri, vm: source, name: i.name, ...p }) } : {}),
        }),
      );
    },
    'vm.linkedClones': async (i) => {
      const { client } = await deps.client(i.connection);
      return (await templateInfo(client.api, i.vm)).linkedClones;
    },
    'vm.templateInfo': async (i) => {
      const { client } = await deps.client(i.connection);
      return templateInfo(client.api, i.vm);
    },

    'lab.validate': async (i) => validateLab(await ctxOf(i.connection), await readable(i)),
    'lab.up': async (i) =>
      fileErrors(async () => {
        const ctx = await ctxOf(i.connection);
        const parsed = await readLabSource(await readable(i));
        return locked(ctx.uri, () => labUp(ctx, parsed));
      }),
    'lab.start': labAction(labStart, true),
    'lab.stop': labAction(labStop, true),
    'lab.status': labAction(labStatus, false),
    'lab.reset': labAction(labReset, true),
    'lab.down': labAction((ctx, lab) => labDown(ctx, lab), true),
    'lab.list': async (i) => listLabs(await ctxOf(i.connection)),
  };
}
