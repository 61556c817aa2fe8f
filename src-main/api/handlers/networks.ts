// network.*: virtual networks.
import { buildNetworkXml } from '../../xml/build-network';
import { ApiError } from '../../contract';
import { toApiError } from '../connection-manager';
import {
  ipToInt } from '../../contract';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { invalid, notFound } from './helpers';
import { networkDetails, networkUsers } from '../../networks/networks';
import { checkRedefinition } from '../../xml/redefine-check';

export function networkHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'network.'>> {
  return {
  'network.list': async (i) => {
    const { api } = await ctx.conn(i.connection);
    return networkDetails(api);
  },
  'network.create': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    return ctx.locked(uri, async () => {
      const existing = await networkDetails(api);
      if (existing.some((n) => n.name === i.name)) throw invalid('name', `a virtual network named '${i.name}' already exists`);
      const mask = (0xffffffff << (32 - i.ipv4.prefix)) >>> 0;
      const mine = (ipToInt(i.ipv4.address) & mask) >>> 0;
      for (const n of existing) {
        if (!n.ipv4) continue;
        const m = (0xffffffff << (32 - n.ipv4.prefix)) >>> 0;
        const shared = (mask & m) >>> 0; // the shorter prefix decides overlap
        if (((ipToInt(n.ipv4.address) & shared) >>> 0) === ((mine & shared) >>> 0)) {
          throw invalid('ipv4.address', `subnet ${i.ipv4.address}/${i.ipv4.prefix} overlaps network '${n.name}' (${n.ipv4.address}/${n.ipv4.prefix})`);
        }
      }
      const xml = buildNetworkXml({ name: i.name, mode: i.mode, ipv4: i.ipv4 });
      await api.defineNetwork(xml);
      try {
        if (i.start) await api.startNetwork(i.name);
        if (i.autostart) await api.setNetworkAutostart(i.name, true);
      } catch (e) {
        await api.stopNetwork(i.name).catch(() => undefined);
        await api.undefineNetwork(i.name).catch(() => undefined);
        const err = toApiError(e);
        throw new ApiError(err.code, `could not start virtual network '${i.name}' (it was removed again): ${err.message}`, err.field, err.libvirtCode);
      }
      const out = (await networkDetails(api)).find((n) => n.name === i.name);
      if (!out) throw new ApiError('INTERNAL', `virtual network '${i.name}' vanished after it was defined`);
      return out;
    });
  },
  'network.start': async (i) => {
    const { api } = await ctx.conn(i.connection);
    await api.startNetwork(i.name);
  },
  'network.stop': async (i) => {
    const { api } = await ctx.conn(i.connection);
    if (!i.force) {
      const users = networkUsers(await api.allDomainXml(), i.name, true);
      if (users.length) throw invalid('name', `virtual network '${i.name}' is in use by running VM ${users.map((n) => `'${n}'`).join(', ')}; stop them first, or use force`);
    }
    await api.stopNetwork(i.name);
  },
  'network.setAutostart': async (i) => {
    const { api } = await ctx.conn(i.connection);
    await api.setNetworkAutostart(i.name, i.autostart);
  },
  'network.delete': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    await ctx.locked(uri, async () => {
      const nets = await api.listNetworks();
      const n = nets.find((x) => x.name === i.name);
      if (!n) throw notFound('name', `no virtual network named '${i.name}'`);
      if (!i.force) {
        const users = networkUsers(await api.allDomainXml(), i.name);
        if (users.length) throw invalid('name', `virtual network '${i.name}' is used by VM ${users.map((u) => `'${u}'`).join(', ')}; change their network first, or use force`);
      }
      if (n.active) await api.stopNetwork(i.name);
      if (n.persistent) await api.undefineNetwork(i.name);
    });
  },
  'network.xml': async (i) => {
    const { api } = await ctx.conn(i.connection);
    return api.networkXml(i.name, { inactive: i.inactive });
  },
  'network.defineXml': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    await ctx.locked(uri, async () => {
      const n = (await api.listNetworks()).find((x) => x.name === i.name);
      if (!n) throw notFound('name', `no virtual network named '${i.name}'`);
      checkRedefinition(i.xml, { root: 'network', what: 'virtual network', name: n.name, uuid: n.uuid });
      try {
        await api.defineNetwork(i.xml, { validate: true });
      } catch (e) {
        const err = toApiError(e);
        throw new ApiError(err.code, `libvirt refused the XML of virtual network '${i.name}' (nothing was changed): ${err.message}`, 'xml', err.libvirtCode);
      }
    });
  },
  };
}
