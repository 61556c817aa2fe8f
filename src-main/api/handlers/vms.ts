// vm.list, vm.get, vm.xml, lifecycle, vm.screenshot, vm.stats. Lifecycle methods map to libvirt
// calls through one table (vm-verbs.ts), shared with the CLI's virsh words.
import { ApiError } from '../../contract';
import { templateInfo } from '../../clones/clone';
import type { VmStatsSample } from '../../contract';
import { summarizeDomainXml } from '../../xml/domain-summary';
import { countersOf, vmSample, type VmCounters } from '../stats-rates';
import { toVmSummary } from '../connection-manager';
import { VM_VERBS, type VmVerbMethod } from '../vm-verbs';
import type { HandlersFor } from './context';
import type { CoreServices } from './core-services';

const STATS_GROUPS = 1 | 2 | 4 | 8 | 16 | 32; // state, cpu-total, balloon, vcpu, interface, block

const vmAction = (core: CoreServices, method: VmVerbMethod) =>
  async (i: { connection?: string; vm: { uuid: string } | { name: string } }): Promise<void> => {
    const { client } = await core.conns.client(i.connection);
    await client.api[VM_VERBS[method].host](i.vm);
  };

export function vmHandlers(core: CoreServices): HandlersFor<'vm.list' | 'vm.get' | 'vm.xml' | VmVerbMethod | 'vm.screenshot' | 'vm.stats'> {
  return {
    'vm.list': async (i) => {
      const { uri, client } = await core.conns.client(i.connection);
      const doms = await client.api.listDomains();
      const oses = await Promise.all(doms.map((d) => core.osOf(uri, d.uuid).catch(() => undefined)));
      return doms.map((d, n) => toVmSummary(uri, d, oses[n]));
    },
    'vm.get': async (i) => {
      const { uri, client } = await core.conns.client(i.connection);
      const d = await client.api.lookupDomain(i.vm);
      const xml = summarizeDomainXml(await client.api.domainXml({ uuid: d.uuid }));
      return { ...toVmSummary(uri, d, xml.os), ...xml };
    },
    'vm.xml': async (i) => {
      const { client } = await core.conns.client(i.connection);
      return client.api.domainXml(i.vm, { inactive: i.inactive });
    },
    'vm.start': async (i) => {
      if (!i.confirmTemplate) {
        const { client } = await core.conns.client(i.connection);
        const info = await templateInfo(client.api, i.vm);
        if (info.linkedClones.length) {
          const name = 'name' in i.vm ? i.vm.name : (await client.api.lookupDomain(i.vm)).name;
          const clones = info.linkedClones.map((n) => `'${n}'`).join(', ');
          throw new ApiError('INVALID_INPUT', `VM '${name}' is a template: linked clones sit on its disks (${clones}), and running it writes to them and breaks them. Start it anyway only if you mean to (confirm; CLI: --force)`, 'confirmTemplate');
        }
      }
      await vmAction(core, 'vm.start')(i);
    },
    'vm.shutdown': vmAction(core, 'vm.shutdown'),
    'vm.reboot': vmAction(core, 'vm.reboot'),
    'vm.forceOff': vmAction(core, 'vm.forceOff'),
    'vm.pause': vmAction(core, 'vm.pause'),
    'vm.resume': vmAction(core, 'vm.resume'),
    'vm.save': vmAction(core, 'vm.save'),
    'vm.discardSave': vmAction(core, 'vm.discardSave'),
    'vm.screenshot': async (i) => {
      const { client } = await core.conns.client(i.connection);
      const shot = await client.api.screenshot(i.vm);
      return { mime: shot.mime, base64: Buffer.from(shot.data).toString('base64') };
    },
    'vm.stats': async (i) => {
      const { uri, client } = await core.conns.client(i.connection);
      const records = await client.api.domainStats(STATS_GROUPS);
      const now = Date.now();
      const prev = core.lastCounters.get(uri) ?? new Map<string, VmCounters>();
      const next = new Map<string, VmCounters>();
      const samples: VmStatsSample[] = records.map((r) => {
        const counters = countersOf(r.params, now);
        next.set(r.uuid, counters);
        return vmSample(r, counters, prev.get(r.uuid));
      });
      core.lastCounters.set(uri, next);
      return samples;
    },
  };
}
