// os.*: OS presets, OS detection from files (inside the file roots) and install trees.
import { NotAnIsoError } from '../../osinfo/iso';
import { checkReadableFile, qemuAccessWarning } from '../../storage/disk-image';
import { OutsideRootsError, connectionFileRoots, requireInsideRoots } from '../../storage/file-roots';
import { osCandidatesFromFileName } from '../../osinfo/file-name';
import {
  
  type OsSummary } from '../../contract';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { installTreeOrError, invalid, notFound } from './helpers';
import { fileCheck } from '../../vms/create';

export function osHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'os.'>> {
  return {
  'os.search': async (i) => ctx.osinfo.searchOs(i.query, i.limit ?? 50),
  'os.defaults': async (i) => {
    const d = await ctx.osinfo.osDefaults(i.id);
    if (!d) throw notFound('id', `unknown OS '${i.id}' (find ids with os.search)`);
    return d;
  },
  'os.detect': async (i) => {
    let file: string;
    try {
      file = await requireInsideRoots(i.path, await connectionFileRoots(ctx.deps, i.connection), 'file');
    } catch (e) {
      if (e instanceof OutsideRootsError) throw invalid('path', e.message);
      throw e;
    }
    await fileCheck('path', () => checkReadableFile(file, 'file'));
    // QEMU of qemu:///system runs as its own user: say now when it could not open the file.
    const { uri } = await ctx.conn(i.connection).catch(() => ({ uri: '' }));
    const access = /^qemu:\/\/\/system/.test(uri) ? await qemuAccessWarning(file, 'file') : null;
    const ids = { volumeId: '', systemId: '', publisherId: '', applicationId: '', ...(access ? { warnings: [access] } : {}) };
    try {
      const r = await ctx.osinfo.detectOsFromIso(file);
      Object.assign(ids, { volumeId: r.volumeId, systemId: r.systemId, publisherId: r.publisherId, applicationId: r.applicationId });
      if (r.os) return { os: r.os, detectedBy: 'volume-id' as const, ...ids };
    } catch (e) {
      if (!(e instanceof NotAnIsoError)) throw e;
    }
    // Disk and cloud images (and ISOs osinfo-db has no rule for): the file name.
    for (const c of osCandidatesFromFileName(i.path)) {
      const os = await ctx.osinfo.get(c);
      if (os) return { os, detectedBy: 'file-name' as const, ...ids };
    }
    return { os: null, detectedBy: null, ...ids };
  },
  'os.detectUrl': async (i) => {
    const tree = await installTreeOrError(i.url, 'url', ctx.deps.urlTimeoutMs ?? 5000, ctx.deps.urlPolicy?.());
    let os: OsSummary | null = null;
    for (const c of tree.osCandidates) {
      os = await ctx.osinfo.get(c);
      if (os) break;
    }
    return { url: tree.url, family: tree.family, name: tree.name, os, kernelUrl: tree.kernelUrl, initrdUrl: tree.initrdUrl, cmdline: tree.cmdline };
  },
  };
}
